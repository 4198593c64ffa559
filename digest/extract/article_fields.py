"""Fields of an article found in the lines around its text: date, byline, language, claimed outlet.

Every finder here works on plain strings so that text, HTML and Markdown captures share them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_PATTERNS = (
    re.compile(r"\b(?P<year>(?:19|20)\d\d)[-/.](?P<month>\d\d?)[-/.](?P<day>\d\d?)\b"),
    re.compile(_MONTH + r"\s+(?P<day>\d\d?)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE),
    re.compile(r"\b(?P<day>\d\d?)(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE),
)


# Every date pattern holds a year: a text without one is settled by this one quick search.
_YEAR = re.compile(r"(?:19|20)\d\d")


def parse_date(text: str) -> str | None:
    """The first calendar date written in text, as ISO 8601 (YYYY-MM-DD)."""
    if not _YEAR.search(text):
        return None
    found = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            month = match["month"]
            number = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
            try:
                found.append((match.start(), date(int(match["year"]), number, int(match["day"]))))
            except ValueError:
                continue
    return min(found)[1].isoformat() if found else None


# A credit line: "By Jane Doe", "(Reporting by X; Editing by Y)", "Written by X".
_BYLINE = re.compile(
    r"^[(\[]?\s*(?:(?:reporting|reported|written|writing|editing|edited|translation|translated|"
    r"compiled|text|words|story)\s+)?by\s+(?P<names>[^\W\d_][^()\[\]]{1,150}?)\s*[)\]]?\.?$",
    re.IGNORECASE,
)


def parse_byline(line: str) -> str | None:
    """The credit a byline line gives ("Jane Doe", "Reporting by X; Translation by Y")."""
    match = _BYLINE.match(line.strip())
    if not match or len(match["names"].split()) > 16:
        return None
    credit = line.strip().strip("()[]").strip().rstrip(".")
    return match["names"].strip() if credit.lower().startswith("by ") else credit


_URL = re.compile(r"https?://[^\s<>\"')]+")
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*(?P<name>[^\W\d_][\w .&'-]{1,60}?)(?:[.,|]|\s+all rights|$)", re.IGNORECASE)


def find_url(lines: Iterable[str]) -> str | None:
    """A page address standing alone on a line, as browsers print it in copied pages."""
    for line in lines:
        match = _URL.fullmatch(line.strip())
        if match:
            return match.group()
    return None


def outlet_named_on_page(lines: Iterable[str]) -> str | None:
    """The owner a copyright notice names ("© 2019 CBS Interactive Inc." gives the company)."""
    for line in lines:
        match = _COPYRIGHT.search(line)
        if match:
            return match["name"].strip()
    return None


_FUNCTION_WORDS_BY_LANGUAGE = {
    "en": "the of and to in is that for it was on with as by at from this be are have",
    "fr": "le la les des et est dans pour que qui une sur pas par du au avec ce sont",
    "de": "der die das und ist nicht ein eine mit von den zu im auf sich dem des auch",
    "es": "el los las y en es por con para una del que se al lo como más pero sus",
    "pt": "o os as e em é por com para uma do da que se no na ao não mais dos",
    "it": "il lo gli le e di che per una del della sono non con si nel alla anche",
    "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke adalah",
    "nl": "de het een en van is dat op te in voor met zijn niet aan er maar",
}
_FUNCTION_WORD_SETS = {language: frozenset(words.split()) for language, words in _FUNCTION_WORDS_BY_LANGUAGE.items()}
_SCRIPTS = (
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
)
_ANY_SCRIPT = re.compile("|".join(script.pattern for _, script in _SCRIPTS))


def guess_language(text: str) -> str | None:
    """ISO 639-1 code from the script, then from the commonest function words of Latin languages.

    Japanese is tested before Chinese because Japanese text mixes kana with Chinese characters.
    Characters are counted only when one of these scripts turns up: most texts hold none of them.
    """
    if not any(map(str.isalpha, text)):
        return None
    if _ANY_SCRIPT.search(text):
        letters = sum(map(str.isalpha, text))
        for language, script in _SCRIPTS:
            if len(script.findall(text)) > 0.2 * letters:
                return language
    words = Counter(re.findall(r"\w+", text.lower()))
    counts = {language: sum(words[word] for word in vocabulary) for language, vocabulary in _FUNCTION_WORD_SETS.items()}
    language, count = max(counts.items(), key=lambda item: item[1])
    return language if count >= max(2, 0.05 * words.total()) else None


@dataclass(frozen=True)
class ArticleParts:
    """What an extractor recovers from one page, before outlet and language are settled."""

    paragraphs: tuple[str, ...]
    title: str | None = None
    subtitle: str | None = None
    published: str | None = None
    byline: str | None = None
    url: str | None = None
    site_name: str | None = None
    language: str | None = None
