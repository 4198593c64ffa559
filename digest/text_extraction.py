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

# Words that make up the interface of a page rather than its text, across sites.
_INTERFACE_WORDS = frozenset(
    """advertisement advertising share tweet email print comments comment subscribe newsletter
    sign log login register follow reply replies like likes votes upvote downvote related
    recommended trending popular sponsored menu navigation search home cookies cookie privacy
    terms contact skip previous next more photo photos image video credit getty reuters caption
    gallery close toggle load read click tap view notify feedbacks topics tags keywords filed""".split()
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

W = dict(base=-6.0, standalone=4.0, sentence=3.0, per_word=0.5, max_words=40, titlecase=3.0, interface=5.0)


def prose_score(line: Line) -> float:
    """Positive for lines that read as article prose, negative for page furniture."""
    tokens = _WORD.findall(line.text)
    size = line.words + len(_CJK.findall(line.text)) / 2
    score = W["base"] + W["per_word"] * min(size, W["max_words"])
    if line.standalone:
        score += W["standalone"]
    if line.ends_sentence:
        score += W["sentence"]
    if tokens:
        capitalised = sum(token[0].isupper() for token in tokens) / len(tokens)
        if capitalised > 0.6 and not line.ends_sentence and len(tokens) > 1:
            score -= W["titlecase"]
        if sum(token.lower() in _INTERFACE_WORDS for token in tokens) / len(tokens) >= 0.3:
            score -= W["interface"]
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


def article_paragraphs(text: str) -> list[str]:
    """The article's paragraphs, in page order, from a whole page's innerText."""
    lines = page_lines(text)
    if not lines:
        return []
    scores = [prose_score(line) for line in lines]
    start, end = densest_run(scores)
    return [line.text for line, score in zip(lines[start:end], scores[start:end]) if _keep(line, score)]


def _keep(line: Line, score: float) -> bool:
    return score > 0 or line.standalone
