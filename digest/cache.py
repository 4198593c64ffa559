"""A per-article cache keyed by content hash, so a rebuild only normalizes what changed.

The key covers the capture's bytes, the lines of it that its outlet prints on other captures
(extract/recurring.py), the outlet profiles (their hints and names steer
normalization) and the code of the package itself, so a change to any of them invalidates
exactly the entries it could affect and nothing stale is ever served.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

from digest.records import Capture, NormalizedArticle, Outlet


@cache
def _code_fingerprint() -> str:
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class NormalizationCache:
    def __init__(self, directory: Path, outlets: Mapping[str, Outlet]):
        self.directory = directory
        outlets_repr = repr(sorted((k, dataclasses.astuple(v)) for k, v in outlets.items()))
        self._salt = hashlib.sha256((_code_fingerprint() + outlets_repr).encode()).hexdigest()

    def _path(self, capture: Capture, recurring: frozenset[str]) -> Path:
        lines = ",".join(sorted(recurring))  # the outlet's chrome found in this capture steers its result too
        key = hashlib.sha256(f"{self._salt}:{capture.slug}:{capture.sha256}:{lines}".encode()).hexdigest()
        return self.directory / "normalized" / key[:2] / f"{key}.json"

    def get_or_compute(
        self, capture: Capture, compute: Callable[[], NormalizedArticle], recurring: frozenset[str] = frozenset()
    ) -> NormalizedArticle:
        path = self._path(capture, recurring)
        try:
            fields = json.loads(path.read_text(encoding="utf-8"))
            fields["paragraphs"] = tuple(fields["paragraphs"])
            return NormalizedArticle(**fields)
        except (OSError, ValueError, TypeError, KeyError):
            pass  # a missing or unreadable entry is recomputed
        article = compute()
        self._store(path, dataclasses.asdict(article))
        return article

    @staticmethod
    def _store(path: Path, fields: dict) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as tmp:
                json.dump(fields, tmp, ensure_ascii=False)
            os.replace(tmp.name, path)
        except OSError:
            pass  # the cache is an optimisation; a read-only disk must not fail the build
