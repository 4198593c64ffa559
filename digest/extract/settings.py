"""The choices normalization makes that bench/extraction.py cross-validates.

The benchmark picks them on training folds and scores held-out folds; they are plain frozen
values so normalization stays a pure, picklable function of (capture, outlets, recurring
lines, settings).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TrafilaturaOptions:
    fast: bool = False
    favor_precision: bool = False
    favor_recall: bool = False
    include_comments: bool = True

    def as_arguments(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in ("fast", "favor_precision", "favor_recall", "include_comments")}


@dataclass(frozen=True)
class ExtractionSettings:
    """HTML pages are read by trafilatura with these options, then checked against the page's
    own structure (digest/extract/html_extraction.py). bench/extraction.py chooses every field
    per fold; the defaults are what the folds chose (bench/README.md prints the choices).

    trafilatura favours precision and leaves out comments, on its full path (with its fallback
    extractors): all five folds choose it. An earlier reader took the fast path with
    favor_precision and lost 0.04 on unseen pages (issue 11), but it also handed trafilatura a
    tree that kept the page's HTML comments, which cut text short (html_extraction._PARSER);
    whether favouring precision costs recall on unseen pages is to be checked on them again.
    """

    trafilatura: TrafilaturaOptions = TrafilaturaOptions(favor_precision=True, include_comments=False)
    # Drop the first lines of trafilatura's text while they repeat the page's headline (its
    # og:title, twitter:title, JSON-LD headline, <h1> or <title>) or are a bare web address.
    leading_headlines: bool = True
    # Drop them too while they repeat the page's description (the dek); many pages describe
    # themselves with their first paragraph, so this can cost recall.
    leading_dek: bool = False
    # Where the page marks its article's element (itemprop or property "articleBody"), keep
    # trafilatura's lines that lie inside it, if those hold at least this share of its words
    # (else the mark is partial or misplaced and trafilatura's text is kept whole). None: off.
    marked_body_share: float | None = None
    # Take the page's JSON-LD articleBody instead of trafilatura's text when its length in
    # words is within these bounds of trafilatura's (a teaser or a different text is ignored).
    # None: off.
    structured_body: tuple[float, float] | None = (0.8, 1.25)


DEFAULT_SETTINGS = ExtractionSettings()
