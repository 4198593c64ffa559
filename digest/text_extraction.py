"""Find the article in the text of a whole web page copied from a browser (innerText).

Copied pages keep one trace of their layout: a paragraph (<p>) is followed by a blank line,
while menus, link lists, tickers, captions and widgets are runs of short lines with no blank
line between them. Prose also reads like prose: long lines of many words ending in sentence
punctuation, with plenty of function words. Each line gets a score from these features, and the
article is the densest stretch of prose (the maximum-sum run of line scores); inside that stretch,
lines that look like page furniture are dropped, and the paragraphs that continue it just after
a break (a related-stories box in mid-article) are taken back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"""[.!?…:;。！？؟]["'”’»)\]]*$""")
_SPACE = re.compile(r"[^\S\n]+")

# Function words of the languages editors bring most; their share separates prose from labels.
_FUNCTION_WORDS = frozenset(
    """a an the of to in on at for from by with and or but not no is are was were be been has have
    had do does did will would can could should may might must that this these those it its he she
    they we you i his her their our your who which what when where as if than then so also after
    before into about over said says there here all more most other some such only just very
    le la les un une des du de et est dans pour que qui der die das und ist nicht ein eine mit von
    el los las y en es por con para al""".split()
)

# Words of a page's interface rather than its text, across sites. Those that announce what
# follows an article (sharing, comments, more stories, legal notes) mark where it ends; the
# others (advertising, photo credits) also turn up inside an article.
_END_WORDS = frozenset(
    """share sharing tweet comments comment subscribe newsletter newsletters related recommended
    trending popular sponsored reply replies responses topics tags keywords filed copyright
    rights reserved disclaimer terms privacy cookies cookie policy follow upvote downvote
    notify feedbacks previous next""".split()
)
_FURNITURE_WORDS = frozenset(
    """advertisement advertising ad ads email print like likes votes menu navigation search home
    skip more photo photos image images video credit getty reuters ap caption gallery close
    toggle load read click tap view sign log login register""".split()
)


@dataclass(frozen=True)
class Line:
    text: str
    words: int
    blank_before: bool
    blank_after: bool

    @property
    def standalone(self) -> bool:
        """Set off by blank lines on both sides, as a paragraph or a heading is."""
        return self.blank_before and self.blank_after

    @property
    def ends_sentence(self) -> bool:
        return bool(_SENTENCE_END.search(self.text))


def page_lines(text: str) -> list[Line]:
    """Non-empty lines with white space collapsed, each knowing whether blank lines surround it."""
    raw = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    lines = []
    for index, line in enumerate(raw):
        if not line:
            continue
        before = index == 0 or not raw[index - 1]
        after = index == len(raw) - 1 or not raw[index + 1]
        lines.append(Line(line, len(_WORD.findall(line)), before, after))
    return lines


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")

W = dict(base=-6.0, standalone=4.0, sentence=3.0, per_word=0.5, max_words=40, titlecase=3.0, furniture=5.0, end=15.0, share=0.3)


def prose_score(line: Line) -> float:
    """Positive for lines that read as article prose, negative for page furniture."""
    tokens = _WORD.findall(line.text)
    size = line.words + len(_CJK.findall(line.text)) / 2
    score = W["base"] + W["per_word"] * min(size, W["max_words"])
    if line.standalone:
        score += W["standalone"]
    if line.ends_sentence:
        score += W["sentence"]
    if tokens and not line.ends_sentence:
        lowered = [token.lower() for token in tokens]
        if len(tokens) > 1 and sum(token[0].isupper() for token in tokens) / len(tokens) > 0.6:
            score -= W["titlecase"]
        if sum(token in _END_WORDS for token in lowered) / len(tokens) >= W["share"]:
            score -= W["end"]
        elif sum(token in _FURNITURE_WORDS or token in _END_WORDS for token in lowered) / len(tokens) >= W["share"]:
            score -= W["furniture"]
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


W.update(anchor=0.5, gap=3, lead=5, tail=5, keep=-5)


def article_span(lines: list[Line]) -> tuple[int, int]:
    """Start and end (exclusive) of the article among a page's lines.

    Lines that announce the end of an article (share, comments, related) cut the page into
    sections; each section's densest run is a candidate. The article is the first candidate
    nearly as strong as the strongest (related stories and comments come after the article and
    can outweigh it), joined with candidates that follow it within a few lines.
    """
    scores = [prose_score(line) for line in lines]
    candidates = []
    section_start = 0
    for index in range(len(lines) + 1):
        if index == len(lines) or _ends_article(lines[index]):
            start, end = densest_run(scores[section_start:index])
            if end > start:
                total = sum(scores[section_start + start : section_start + end])
                candidates.append((section_start + start, section_start + end, total))
            section_start = index + 1
    if not candidates:
        return 0, 0
    strongest = max(total for _, _, total in candidates)
    position = next(i for i, (_, _, total) in enumerate(candidates) if total >= W["anchor"] * strongest)
    start, end, _ = candidates[position]
    for next_start, next_end, total in candidates[position + 1 :]:
        if next_start - end > W["gap"] or total <= 0:
            break
        end = next_end
    return start, end


def article_paragraphs(text: str) -> list[str]:
    """The article's paragraphs, in page order, from a whole page's innerText."""
    lines = page_lines(text)
    start, end = article_span(lines)
    scores = [prose_score(line) for line in lines]
    while start < end and scores[start] < W["lead"]:
        start += 1
    while end > start and scores[end - 1] < W["tail"]:
        end -= 1
    return [line.text for line, score in zip(lines[start:end], scores[start:end]) if _keep(line, score)]


def _ends_article(line: Line) -> bool:
    tokens = [token.lower() for token in _WORD.findall(line.text)]
    return (
        bool(tokens)
        and not line.ends_sentence
        and sum(token in _END_WORDS for token in tokens) / len(tokens) >= W["share"]
    )


def _keep(line: Line, score: float) -> bool:
    return score > W["keep"] or line.standalone
