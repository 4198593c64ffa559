"""Find the article in the text of a whole web page copied from a browser (innerText).

Copied pages keep one trace of their layout: a paragraph (<p>) is followed by a blank line,
while menus, link lists, tickers, captions and widgets are runs of short lines with no blank
line between them. Prose also reads like prose: long lines of many words ending in sentence
punctuation. Each line gets a score from these features. Lines that announce the end of an
article (share, comments, related) cut the page into sections, the densest run of each section
(maximum sum of line scores) is a candidate, and the article is the first candidate nearly as
strong as the strongest: related stories and comments come after an article and can outweigh it.
Readers' comments and story teasers are cut apart by their header lines ("jdoe says:", "2 hours
ago"); a strong block on the article's topic just after a short related box continues it; a list
or table announced by a line ending in a colon belongs to it however little its rows read as prose.

The weights (TextReaderSettings in digest/extract/settings.py) were set on half of the public
extraction benchmark and checked on the other half; bench/extraction.py re-chooses the most
influential per fold. They describe page shapes, not particular sites.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from digest.extract.article_fields import ArticleParts, find_url, parse_byline, parse_date
from digest.extract.recurring import line_key
from digest.extract.settings import DEFAULT_TEXT_SETTINGS, TextReaderSettings

_WORD = re.compile(r"\w+")
_SENTENCE_MARKS = tuple(".!?…:;。！？؟")
_CLOSING_MARKS = "\"'”’»)]"  # quotes and brackets that may follow a sentence's last mark
_TOPIC_WORD = re.compile(r"\w{4,}")
_WIDE_GAP = re.compile(r"\S(?:\s{3,}|\u00a0\s*\u00a0)\S")  # items of a ticker or a menu row
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_CREDIT = re.compile(r"\b(?:photo|photograph|image|picture|credit|courtesy|getty images)\b|\s/\s*[\w .&-]{2,40}$", re.IGNORECASE)

# Words of a page's interface rather than its text, across sites. Those that announce what
# follows an article (sharing, comments, more stories, legal notes) mark where it ends; the
# others (advertising, photo credits) also turn up inside an article. The digest's outlets
# publish in English, Arabic and Russian; each list holds the common interface words of the three
# (Arabic with and without the article al-), not the words of any one site.
_END_WORDS = frozenset(
    """share sharing tweet comments comment subscribe newsletter newsletters related recommended
    trending popular sponsored reply replies responses topics tags keywords filed copyright
    rights reserved disclaimer terms privacy cookies cookie policy follow
    notify feedbacks previous next
    поделиться поделитесь комментарии комментариев комментарий ответить подписаться подпишитесь
    подписывайтесь рассылка рассылку рассылки читайте похожие популярное теги метки защищены конфиденциальности
    شارك مشاركة تعليقات التعليقات تعليق رد اشترك النشرة اقرأ الوسوم وسوم محفوظة الخصوصية""".split()
)
_FURNITURE_WORDS = frozenset(
    """advertisement advertising ad ads email print like likes votes menu navigation search home
    skip more photo photos image images video credit getty reuters ap caption gallery close
    toggle load read click tap view sign log login register
    реклама фото фотографии видео меню поиск главная войти регистрация галерея подробнее далее
    إعلان إعلانات الإعلانات صور الصور فيديو الفيديو القائمة بحث الرئيسية دخول الدخول تسجيل المزيد""".split()
)
_INTERFACE_WORDS = _END_WORDS | _FURNITURE_WORDS
# The header and footer lines of a reader's comment or of a story teaser ("jdoe says:", "3 hours
# ago", "2H ago", "Reply", "12 points"): comments and teasers read like prose, but these lines
# around each one set them apart from an article.
_POST_META = re.compile(
    r"^(?:\S+(?: \S+){0,3} (?:says|said|wrote|writes)\s*:?|(?:\w+ )?\d+\s*(?:[smhdwy]|secs?|seconds?|mins?|minutes?|hrs?|hours?|"
    r"days?|weeks?|months?|years?)\s+ago|reply|permalink|\d+\s+(?:points?|likes?|votes?|replies))$",
    re.IGNORECASE,
)
# The site speaking about itself after an article: disclaimers and appeals for support.
_SITE_VOICE = re.compile(
    r"\b(?:this (?:article|column|story|post)|the author|views|opinions|responsibility|necessarily|"
    r"reflect|endorse|support us|help us|donate|donation|patreon|become a (?:member|patron|subscriber))\b",
    re.IGNORECASE,
)

class Line(NamedTuple):
    """A page's line with what the scoring rules read of it. Every rule looks at most lines
    several times (as prose, as the end of an article, as a list's announcement), so the words
    are found and looked up once per line, not once per look; a page has hundreds of lines, so a
    tuple, the quickest to build."""

    text: str
    words: int
    row_of_items: bool  # items separated by wide gaps, as in tickers and menu rows
    ends_sentence: bool
    cjk_characters: int
    capitalized_words: int
    end_words: int  # words of _END_WORDS
    interface_words: int  # words of _END_WORDS or _FURNITURE_WORDS
    post_meta: bool  # the header or footer line of a comment or a teaser (_POST_META)
    blank_before: bool
    blank_after: bool

    @property
    def standalone(self) -> bool:
        """Set off by blank lines on both sides, as a paragraph or a heading is."""
        return self.blank_before and self.blank_after


def page_lines(text: str) -> list[Line]:
    """Non-empty lines with white space collapsed, each knowing whether blank lines surround it."""
    raw = [line.strip() for line in text.split("\n")]
    last = len(raw) - 1
    return [
        Line(
            " ".join(line.split()),
            *(_recent_line_features(line) if len(line) <= _CHROME_LENGTH else _line_features(line)),
            index == 0 or not raw[index - 1],
            index == last or not raw[index + 1],
        )
        for index, line in enumerate(raw)
        if line
    ]


def _line_features(line: str) -> tuple[int, bool, bool, int, int, int, int, bool]:
    """A Line's fields from `words` to `post_meta`, read from the stripped line."""
    collapsed = " ".join(line.split())
    tokens = _WORD.findall(collapsed)
    return (
        len(tokens),
        # A wide gap is a run of white space, so a line that collapsing left as long has none.
        len(collapsed) < len(line) and len(_WIDE_GAP.findall(line)) >= 2,
        collapsed.rstrip(_CLOSING_MARKS).endswith(_SENTENCE_MARKS),
        0 if collapsed.isascii() else len(_CJK.findall(collapsed)),
        sum(map(str.isupper, map(itemgetter(0), tokens))),
        *_interface_words(tokens),
        bool(_POST_META.match(collapsed)),
    )


# An outlet prints the same menus, footers and notices on each of its pages, so the features of
# recent short lines are kept; long lines, mostly an article's own, are not, which also bounds the
# memory held. Only numbers are kept: each Line's text stays a string of its own.
_CHROME_LENGTH = 300
_recent_line_features = lru_cache(maxsize=1 << 14)(_line_features)


def _interface_words(tokens: list[str]) -> tuple[int, int]:
    """How many words are of _END_WORDS, and how many of _END_WORDS or _FURNITURE_WORDS; most
    lines hold neither, which one look at the words settles."""
    if _INTERFACE_WORDS.isdisjoint(map(str.lower, tokens)):
        return 0, 0
    lowered = list(map(str.lower, tokens))
    return sum(map(_END_WORDS.__contains__, lowered)), sum(map(_INTERFACE_WORDS.__contains__, lowered))


def prose_score(line: Line, settings: TextReaderSettings = DEFAULT_TEXT_SETTINGS) -> float:
    """Positive for lines that read as article prose, negative for page furniture."""
    if line.row_of_items:
        return -settings.end_of_article
    size = line.words + line.cjk_characters / 2
    score = settings.base + settings.per_word * min(size, settings.word_cap)
    if line.standalone:
        score += settings.standalone
    if line.ends_sentence:
        score += settings.sentence
    if line.words > 1 and line.capitalized_words / line.words > 0.6:
        score -= settings.title_case
    if line.words and not line.ends_sentence:
        if _ends_article(line, settings):
            score -= settings.end_of_article
        elif line.interface_words / line.words >= settings.interface_share:
            score -= settings.furniture
    return score


def densest_run(scores: list[float]) -> tuple[int, int]:
    """Start and end (exclusive) of the run with the largest sum (Kadane)."""
    best, best_range = float("-inf"), (0, 0)
    total, start = 0.0, 0
    for index, score in enumerate(scores):
        if total <= 0:
            total, start = 0.0, index
        total += score
        if total > best:
            best, best_range = total, (start, index + 1)
    return best_range


def article_span(
    lines: list[Line], scores: list[float], announced: list[bool], settings: TextReaderSettings = DEFAULT_TEXT_SETTINGS
) -> tuple[int, int]:
    """Start and end (exclusive) of the article among a page's lines; `announced` marks the lists
    that lines ending in a colon introduce (_announced_lists), kept whatever their scores."""
    candidates = []
    section_start = 0
    for index in range(len(lines) + 1):
        if index == len(lines) or _ends_article(lines[index], settings) or lines[index].post_meta:
            start, end = densest_run(scores[section_start:index])
            if end > start:
                total = sum(scores[section_start + start : section_start + end])
                if total > 0:
                    candidates.append((section_start + start, section_start + end, total))
            section_start = index + 1
    if not candidates:
        return 0, 0
    strongest = max(total for _, _, total in candidates)
    position = next(i for i, (_, _, total) in enumerate(candidates) if total >= settings.anchor * strongest)
    start, end, article_total = candidates[position]
    for next_start, next_end, total in candidates[position + 1 :]:
        if any(line.post_meta for line in lines[end:next_start]):
            break
        continued = (
            next_start - end <= settings.box_gap
            and total >= settings.anchor * article_total
            and _topic_overlap(lines[start:end], lines[next_start:next_end]) >= settings.topic_overlap
        )
        if next_start - end > settings.join_gap and not continued:
            break
        end = next_end
        article_total += total
    while start < end and scores[start] < settings.edge_score:
        start += 1
    while end > start and scores[end - 1] < settings.edge_score and not announced[end - 1]:
        end -= 1
    while end < len(lines) and (announced[end] or _announces_list(lines[end])):
        end += 1
    return start, end


def read_text_page(
    text: str, recurring: frozenset[str] = frozenset(), settings: TextReaderSettings = DEFAULT_TEXT_SETTINGS
) -> ArticleParts:
    """The article's paragraphs and fields from a whole page's innerText; lines whose hash is in
    `recurring` (the outlet prints them on several captures) score as chrome however they read."""
    lines = page_lines(text)
    scores = [
        -settings.end_of_article if recurring and line_key(line.text) in recurring else prose_score(line, settings)
        for line in lines
    ]
    announced = _announced_lists(lines, settings)
    start, end = article_span(lines, scores, announced, settings)
    header = [line.text for line in lines[max(0, start - 15) : start]]
    title = _title(lines, start, settings)
    if title:
        # The article starts after the headline's last copy near its top (a dek may sit between).
        copies = [i for i in range(start, min(end, start + 5)) if lines[i].text == title]
        if copies:
            header += [line.text for line in lines[start : copies[-1] + 1]]
            start = copies[-1] + 1
    in_lists = _in_link_lists(lines[start:end], scores[start:end])
    body = [
        line for line, score, listed, wanted in zip(lines[start:end], scores[start:end], in_lists, announced[start:end])
        if (wanted or ((score > settings.keep_score or line.standalone) and not listed)) and line.text != title and not _is_credit(line)
    ]
    body = _without_site_voice_tail(body)
    footer = [line.text for line in lines[end : end + 5]]
    credits = [line.text for line in body] + header + footer
    byline = next(filter(None, map(parse_byline, credits)), None)
    paragraphs = [line.text for line in body if not parse_byline(line.text) and not _is_date_line(line)]
    after_title = header[header.index(title) + 1 :] if title in header else header
    return ArticleParts(
        paragraphs=tuple(paragraphs),
        title=title,
        subtitle=_subtitle(after_title, title),
        published=next(filter(None, map(parse_date, after_title + header)), None),
        byline=byline,
        url=find_url(header) or find_url(line.text for line in lines),
    )


def _topic_overlap(article: list[Line], block: list[Line]) -> float:
    """Share of a block's longer words (four letters or more) that the article already uses."""
    known = {word.lower() for line in article for word in _TOPIC_WORD.findall(line.text)}
    words = [word.lower() for line in block for word in _TOPIC_WORD.findall(line.text)]
    return sum(word in known for word in words) / len(words) if words else 0.0


def _announces_list(line: Line) -> bool:
    """A line of the text's own words ending in a colon ("2020 tour dates:", "The standings after
    36 races:"); one with interface words ("More:", "Related coverage:") announces links instead."""
    return line.text.endswith(":") and line.words >= 2 and not line.interface_words and not line.post_meta


def _announced_lists(lines: list[Line], settings: TextReaderSettings) -> list[bool]:
    """Mark a line ending in a colon and the block of lines (up to the next blank line) it announces:
    the list or table it introduces belongs to the article however little its rows read as prose."""
    marks = [False] * len(lines)
    for index, line in enumerate(lines):
        if not _announces_list(line):
            continue
        row = index
        while row < len(lines) and row - index <= settings.max_list_rows and (row <= index + 1 or not lines[row].blank_before):
            marks[row] = True
            row += 1
    return marks


def _in_link_lists(lines: list[Line], scores: list[float]) -> list[bool]:
    """Mark blocks of several lines with no blank line between and no prose in them: link lists."""
    marks = [False] * len(lines)
    block_start = 0
    for index in range(len(lines) + 1):
        if index == len(lines) or lines[index].blank_before:
            block = range(block_start, index)
            if len(block) >= 2 and all(scores[i] < 0 for i in block):
                for i in block:
                    marks[i] = True
            block_start = index
    return marks


def _ends_article(line: Line, settings: TextReaderSettings) -> bool:
    return (
        line.words > 0
        and (not line.ends_sentence or (line.text.endswith(":") and line.words <= settings.label_words))
        and line.end_words / line.words >= settings.interface_share
    )


def _is_credit(line: Line) -> bool:
    return not line.ends_sentence and line.words <= 30 and bool(_CREDIT.search(line.text))


def _is_date_line(line: Line) -> bool:
    """A line that is a date and little else ("| 2016-04-28 13:49:48", "Updated: 18 Nov 2019")."""
    return line.words <= 8 and parse_date(line.text) is not None


def _without_site_voice_tail(body: list[Line]) -> list[Line]:
    """Drop disclaimers and appeals for support that close the article."""
    end = len(body)
    while end and len(set(match.lower() for match in _SITE_VOICE.findall(body[end - 1].text))) >= 2:
        end -= 1
    return body[:end]


def _title(lines: list[Line], start: int, settings: TextReaderSettings) -> str | None:
    """The headline: the line a page repeats near the article's top, else the first heading of
    the run of heading, date, byline and credit lines just above the article."""
    nearby = lines[max(0, start - 15) : start + 5]
    headings = [line.text for line in nearby if _heading_like(line, settings)]
    repeated = [text for text in headings if headings.count(text) > 1]
    if repeated:
        return repeated[-1]
    top = start
    while top > 0 and start - top < 6 and _article_header(lines[top - 1], settings):
        top -= 1
    return next((line.text for line in lines[top:start] if _heading_like(line, settings)), None)


def _article_header(line: Line, settings: TextReaderSettings) -> bool:
    return _heading_like(line, settings) or _is_credit(line) or _is_date_line(line) or parse_byline(line.text) is not None


def _heading_like(line: Line, settings: TextReaderSettings) -> bool:
    return (
        3 <= line.words <= 30
        and not line.text.endswith(".")
        and not line.row_of_items
        and not _is_credit(line)
        and parse_date(line.text) is None
        and parse_byline(line.text) is None
        and prose_score(line, settings) > -settings.furniture
    )


def _subtitle(header: list[str], title: str | None) -> str | None:
    """The dek: a sentence-long line between the headline and the article."""
    for text in header:
        if text != title and len(_WORD.findall(text)) >= 6 and not parse_date(text) and not parse_byline(text):
            return text
    return None
