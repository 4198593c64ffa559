"""The choices normalization makes that the benchmark selects on held-out folds.

bench/extraction.py picks these by k-fold cross-validation over the public extraction
benchmark (each fold's choice made on the other folds' pages only); the defaults are the
choice made on all of them. They are plain frozen values so normalization stays a pure,
picklable function of (capture, outlets, recurring lines, settings).
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
    """HTML: trafilatura with `primary` options; when `fallback` is set and the primary keeps
    less than `fallback_share` of the words the fallback keeps, the page is one the primary
    under-reads (a short article in a busy page) and the fallback's text is taken."""

    primary: TrafilaturaOptions = TrafilaturaOptions(fast=True, favor_precision=True, include_comments=False)
    fallback: TrafilaturaOptions | None = TrafilaturaOptions(fast=True, include_comments=False)
    fallback_share: float = 0.6


DEFAULT_SETTINGS = ExtractionSettings()
