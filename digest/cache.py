"""Per-article caches keyed by content hash, so a rebuild only redoes the work whose input changed.

Every key covers the code of the package itself and everything the work reads: for
normalization, the capture's bytes, the hints of the outlet it is attributed to and the lines of
it that its outlet prints on other captures (extract/recurring.py); for entity recognition, the
article's text and the gazetteer's fingerprint. A change to any of them invalidates exactly the
entries it could affect, and nothing stale is ever served.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from digest.records import Capture, NormalizedArticle

T = TypeVar("T")


@cache
def _code_fingerprint() -> str:
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class JsonCache:
    """JSON entries under ``directory/namespace``, one file per key; unreadable entries are recomputed."""

    def __init__(self, directory: Path, namespace: str):
        self.directory = directory / namespace

    def get_or_compute(self, key_parts: tuple[str, ...], compute: Callable[[], T], encode: Callable[[T], Any], decode: Callable[[Any], T]) -> T:
        key = hashlib.sha256("\0".join((_code_fingerprint(), *key_parts)).encode("utf-8", "surrogatepass")).hexdigest()
        path = self.directory / key[:2] / f"{key}.json"
        try:
            return decode(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError):
            pass  # a missing or unreadable entry is recomputed
        value = compute()
        _store(path, encode(value))
        return value


class NormalizationCache:
    def __init__(self, directory: Path):
        self._entries = JsonCache(directory, "normalized")

    def get_or_compute(
        self,
        capture: Capture,
        compute: Callable[[], NormalizedArticle],
        hints: tuple[str, ...] = (),
        recurring: frozenset[str] = frozenset(),
    ) -> NormalizedArticle:
        key = (capture.slug, capture.sha256, json.dumps(hints), ",".join(sorted(recurring)))
        return self._entries.get_or_compute(key, compute, dataclasses.asdict, _normalized_article)


def _normalized_article(fields: dict) -> NormalizedArticle:
    fields["paragraphs"] = tuple(fields["paragraphs"])
    return NormalizedArticle(**fields)


def _store(path: Path, value: Any) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as tmp:
            json.dump(value, tmp, ensure_ascii=False)
        os.replace(tmp.name, path)
    except OSError:
        pass  # the cache is an optimisation; a read-only disk must not fail the build
