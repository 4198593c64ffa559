"""Figures an article reports: a number together with what it counts ("32,000 militants").

Outlets covering one event often disagree on exactly these numbers (casualties, sorties,
territory), so the story page lists them side by side. A number only counts as a figure when
a noun follows it: years, dates, times and bare numbers say nothing to compare.
"""

from __future__ import annotations

import re
from typing import Sequence

from digest.records import Figure

_SMALL_WORDS = "one two three four five six seven eight nine ten eleven twelve"
_NUMBER_WORDS = (
    "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty "
    "seventy eighty ninety hundred hundreds thousand thousands million millions billion billions "
    "dozen dozens"
)
_SCALE = r"(?:hundred|thousand|million|billion|trillion|bn|m)\b"
_WORD_NUMBER = (
    rf"(?:(?:{'|'.join(_SMALL_WORDS.split())})[\s-]+{_SCALE}"
    rf"|(?:{'|'.join(_NUMBER_WORDS.split())})(?:[\s-]+{_SCALE})?)"
)
_QUALIFIER = r"(?:(?:more|fewer|less) than|over|under|nearly|almost|about|around|some|at least|up to|roughly|approximately)\s+"
_DIGITS = r"[$€£]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[$€£]?\d+(?:\.\d+)?"
_NUMBER = re.compile(
    rf"(?<![\w.,:/-])(?P<value>(?:{_QUALIFIER})?(?:{_DIGITS})(?:\s+{_SCALE})?%?|(?:{_QUALIFIER})?{_WORD_NUMBER})(?![\w,]*\d)",
    re.IGNORECASE,
)
# A figure holds a digit or a number word, which quick searches find before _NUMBER, far slower,
# reads the paragraph: many paragraphs hold neither. Only the letters of ASCII_CASE_TWINS match an
# ASCII letter under IGNORECASE and are not one (tests/test_figures.py checks every character), so
# in a paragraph holding none of them a number word shows in its lower-cased text.
_DIGIT = re.compile(r"\d")
_NUMBER_WORD = re.compile("|".join(f"{_SMALL_WORDS} {_NUMBER_WORDS}".split()))
ASCII_CASE_TWINS = "\u0130\u0131\u017f\u212a"  # İ ı ſ and the Kelvin sign
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|[^\sA-Za-z]+")
_MONTHS = {m.lower() for m in "Jan Feb Mar Apr May Jun Jul Aug Sep Sept Oct Nov Dec January February March April June July August September October November December".split()}
# Words that end what a number counts: verbs, prepositions and other glue.
_STOP = set(
    "a an the is are was were be been being has have had will would can could may might must shall should "
    "do does did in on at to from by for with into over under after before since during per than that which "
    "who whom whose this these those it its their his her our your as if or but not no while when where "
    "across against along among around about between through toward towards until up down off out "
    "said says say reported according more fewer less some nearly almost".split()
)
_TIME_UNITS = {"year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
               "minute", "minutes", "second", "seconds", "am", "pm", "a.m", "p.m"}
MAX_COUNTED_WORDS = 5
CONTEXT_CHARACTERS = 240
# What is counted is read from this much text after the number. Every look around a number
# reads a bounded window, so a paragraph of a hundred thousand numbers costs linear time, not
# a copy or a search of the whole paragraph per number.
AFTER_CHARACTERS = 400


def extract_figures(paragraphs: Sequence[str]) -> tuple[Figure, ...]:
    """Every number followed by what it counts, in reading order, each with its sentence."""
    figures = []
    for paragraph in paragraphs:
        if not _may_hold_figures(paragraph):
            continue
        for match in _NUMBER.finditer(paragraph):
            if _is_date(paragraph, match):
                continue
            after = paragraph[match.end() : match.end() + AFTER_CHARACTERS]
            counts = _counted(re.sub(r"^\s+of\b", "", after) if match["value"].endswith("%") else after)
            if counts and counts.split()[0].lower() not in _TIME_UNITS:
                figures.append(Figure(value=match["value"], counts=counts, context=sentence_around(paragraph, match.start(), match.end())))
    return tuple(figures)


def _may_hold_figures(paragraph: str) -> bool:
    return bool(
        _DIGIT.search(paragraph) or _NUMBER_WORD.search(paragraph.lower()) or any(twin in paragraph for twin in ASCII_CASE_TWINS)
    )


def _counted(after: str) -> str:
    """The noun phrase right after a number: "oil and gas fields", "pieces of other military equipment".

    "and"/"of" continue the phrase only when at least two words follow them before it ends, so
    "6,956 sorties and helicopters" stops at "sorties".
    """
    words = []
    for token in _TOKEN.findall(after[:200].split("\n", 1)[0]):
        if not _WORD.fullmatch(token) or len(words) > MAX_COUNTED_WORDS + 2:
            break  # punctuation or a number ends the phrase
        words.append(token)
    phrase = []
    for index, word in enumerate(words):
        lower = word.lower()
        if lower in ("and", "of", "or"):
            if len(words) - index - 1 < 2 or not phrase or words[index + 1].lower() in _STOP:
                break
        elif lower in _STOP or (phrase and lower.endswith(("ed", "ing"))):
            break  # glue, or a verb after the noun ("townspeople gathered")
        phrase.append(word)
        if len(phrase) == MAX_COUNTED_WORDS:
            break
    while phrase and phrase[-1].lower() in ("and", "of", "or"):
        phrase.pop()
    return " ".join(phrase)


def _is_date(paragraph: str, match: re.Match) -> bool:
    """Years (1900-2099), and days next to a month name ("Dec. 11, 2017", "11 December")."""
    value = match["value"]
    if re.fullmatch(r"(?:19|20)\d\d", value):
        return True
    before = _WORD.findall(paragraph[max(0, match.start() - 12) : match.start()])
    after = _WORD.findall(paragraph[match.end() : match.end() + 12])
    return bool((before and before[-1].lower().rstrip(".") in _MONTHS) or (after and after[0].lower() in _MONTHS))


def sentence_around(paragraph: str, start: int, end: int) -> str:
    """The sentence holding text[start:end] (a figure, a mention), cut to a readable length around it.

    Sentence ends are looked for within twice the shown length on each side: a sentence longer
    than that is cut around the mention anyway.
    """
    reach = 2 * CONTEXT_CHARACTERS
    offset = max(0, start - reach)
    window = paragraph[offset : end + reach]
    start, end = start - offset, end - offset
    left = max(window.rfind(". ", 0, start), window.rfind("? ", 0, start), window.rfind("! ", 0, start))
    stops = [i for i in (window.find(". ", end), window.find("? ", end), window.find("! ", end)) if i != -1]
    right = min(stops) + 1 if stops else len(window)
    first = left + 1 if left != -1 else 0
    sentence = window[first:right]
    if len(sentence.strip()) <= CONTEXT_CHARACTERS:  # a sentence the window cut is longer than this
        return sentence.strip()
    lo = max(0, start - first - CONTEXT_CHARACTERS // 2)
    return ("…" if lo else "") + sentence[lo : lo + CONTEXT_CHARACTERS].strip() + "…"


def counted_thing(figure: Figure) -> str:
    """What a figure counts, reduced so that outlets' figures can be lined up ("sorties" -> "sortie")."""
    words = figure.counts.lower().split(" of ")[0].split()  # "pieces of equipment" counts pieces
    head = words[-1] if words else ""
    return head[:-1] if head.endswith("s") and not head.endswith("ss") else head
