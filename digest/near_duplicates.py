"""Spotting the same article saved twice in different page chrome.

Two captures of one article differ in bytes (menus, ads, a timestamp) but their normalized text
shares almost every run of words. An inverted index from word-run hashes to articles finds the
closest existing article in one pass over the new article's runs, so the cost grows with the
size of the new article, not with the number of pairs in the digest.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

SHINGLE_WORDS = 5
NEAR_DUPLICATE_SIMILARITY = 0.8
_WORD = re.compile(r"\w+")


def shingles(text: str) -> frozenset[int]:
    """Hashes of every run of SHINGLE_WORDS words, ignoring case, punctuation and layout."""
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        return frozenset({hash(tuple(words))}) if words else frozenset()
    return frozenset(hash(tuple(words[i : i + SHINGLE_WORDS])) for i in range(len(words) - SHINGLE_WORDS + 1))


class ShingleIndex:
    def __init__(self) -> None:
        self._ids_by_shingle: dict[int, list[str]] = defaultdict(list)
        self._sizes: dict[str, int] = {}

    def add(self, article_id: str, text: str) -> None:
        found = shingles(text)
        self._sizes[article_id] = len(found)
        for shingle in found:
            self._ids_by_shingle[shingle].append(article_id)

    def nearest(self, text: str) -> tuple[str, float] | None:
        """The indexed article whose text is most like ``text``, if it is a near-duplicate.

        Similarity is the Jaccard index of the two sets of word runs.
        """
        found = shingles(text)
        shared = Counter(article_id for shingle in found for article_id in self._ids_by_shingle.get(shingle, ()))
        best = None
        for article_id, common in shared.items():
            similarity = common / (len(found) + self._sizes[article_id] - common)
            if similarity >= NEAR_DUPLICATE_SIMILARITY and (best is None or similarity > best[1]):
                best = (article_id, similarity)
        return best
