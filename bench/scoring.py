"""The public article-extraction benchmark's body score (see shared/README.md).

Words are \\w+ runs; a page's text is the multiset of its 4-word shingles. Per page, true
positives, false positives and false negatives are divided by their sum so every page weighs the
same; precision and recall are averaged over pages and F1 is taken from the two averages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    words = _WORD.findall(text)
    return Counter(tuple(words[i : i + size]) for i in range(max(0, len(words) - size + 1)))


def page_counts(predicted: str, expected: str) -> tuple[float, float, float]:
    """Normalized (tp, fp, fn) for one page."""
    got, want = shingles(predicted), shingles(expected)
    tp = sum((got & want).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def precision_recall_f1(pages: Iterable[tuple[str, str]]) -> tuple[float, float, float]:
    """(precision, recall, F1) over (predicted, expected) pairs, each page weighing the same."""
    precisions, recalls = [], []
    for predicted, expected in pages:
        tp, fp, fn = page_counts(predicted, expected)
        precisions.append(tp / (tp + fp) if tp + fp else 0.0)
        recalls.append(tp / (tp + fn) if tp + fn else 0.0)
    precision = sum(precisions) / len(precisions)
    recall = sum(recalls) / len(recalls)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
