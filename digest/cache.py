"""A per-article cache of normalization, so a rebuild only normalizes what could have changed.

An entry's key is exactly what normalization reads: the capture's bytes, kind and slug, how
outlets are recognised (every profile's id, name and domains), the source of the extraction
code (digest/extract/ and the digest modules it imports) and the versions of the libraries it
calls. The hints of the outlet that applies are only known after normalizing, so the entry
records them and is served only while that outlet's hints are unchanged. Editing an outlet's
note, a template or render.py therefore re-normalizes nothing; renaming x.txt to x.md, or a
new trafilatura, re-normalizes what it affects. Entries no build asked for are pruned.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from functools import cache
from importlib import metadata
from pathlib import Path

from digest.records import Capture, NormalizedArticle, Outlet

PACKAGE_DIR = Path(__file__).resolve().parent
EXTRACTION_DIR = PACKAGE_DIR / "extract"
# Libraries whose behaviour shapes a normalized article (trafilatura's own extractors included).
EXTRACTION_LIBRARIES = (
    "trafilatura", "htmldate", "justext", "courlan", "ftfy", "lxml", "charset-normalizer",
    "beautifulsoup4", "google-re2",
)
ENTRIES_DIR = "normalized"


def _digest_imports(path: Path) -> set[Path]:
    """The digest modules ``path`` imports (absolute imports only, as the project writes them)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            if name == "digest" or name.startswith("digest."):
                module = PACKAGE_DIR.parent.joinpath(*name.split("."))
                for candidate in (module.with_suffix(".py"), module / "__init__.py"):
                    if candidate.is_file():
                        found.add(candidate)
    return found


@cache
def extraction_fingerprint() -> str:
    """A hash of the extraction code, everything of digest's it imports, and library versions."""
    pending = sorted(EXTRACTION_DIR.glob("*.py"))
    sources: set[Path] = set()
    while pending:
        path = pending.pop()
        if path not in sources:
            sources.add(path)
            pending.extend(_digest_imports(path) - sources)
    digest = hashlib.sha256()
    for path in sorted(sources):
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    for library in EXTRACTION_LIBRARIES:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{library}=={version}\0".encode())
    return digest.hexdigest()


def _hash(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class NormalizationCache:
    """Entries under ``directory/normalized/``; every one looked up is remembered for prune().

    Entries read or written are also kept in memory for the life of the process, so that the
    rebuilds of `mkdocs serve` do not read ten thousand files again; keys are exact, so a
    remembered entry is always the one the disk holds.
    """

    _remembered: dict[Path, dict] = {}

    def __init__(self, directory: Path, outlets: Mapping[str, Outlet]):
        self.directory = directory
        recognition = sorted((o.id, o.name, list(o.domains)) for o in outlets.values())
        self._salt = _hash([extraction_fingerprint(), recognition])
        self._hints = {outlet_id: _hash(list(o.hints)) for outlet_id, o in outlets.items()}
        self._wanted: set[Path] = set()

    def _path(self, capture: Capture) -> Path:
        key = _hash([self._salt, capture.slug, capture.kind, capture.sha256])
        return self.directory / ENTRIES_DIR / key[:2] / f"{key}.json"

    def _hints_of(self, outlet: str | None) -> str | None:
        return self._hints.get(outlet or "")

    def get(self, capture: Capture) -> NormalizedArticle | None:
        """The cached article, or None when there is none or the hints it was made with changed."""
        path = self._path(capture)
        self._wanted.add(path)
        try:
            entry = self._remembered.get(path) or json.loads(path.read_text(encoding="utf-8"))
            self._remembered[path] = entry
            fields = dict(entry["article"])
            fields["paragraphs"] = tuple(fields["paragraphs"])
            article = NormalizedArticle(**fields)
        except (OSError, ValueError, TypeError, KeyError):
            return None  # a missing or unreadable entry is recomputed
        return article if entry.get("hints") == self._hints_of(article.outlet) else None

    def put(self, capture: Capture, article: NormalizedArticle) -> None:
        path = self._path(capture)
        self._wanted.add(path)
        entry = {"hints": self._hints_of(article.outlet), "article": dataclasses.asdict(article)}
        self._remembered[path] = entry
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as tmp:
                json.dump(entry, tmp, ensure_ascii=False)
            os.replace(tmp.name, path)
        except OSError:
            pass  # the cache is an optimisation; a read-only disk must not fail the build

    def prune(self) -> int:
        """Delete every entry this cache was not asked for (old captures, old code); how many."""
        for path in set(self._remembered) - self._wanted:
            del self._remembered[path]
        removed = 0
        for path in (self.directory / ENTRIES_DIR).glob("*/*"):
            if path not in self._wanted:
                try:
                    path.unlink()
                    removed += 1
                except OSError:
                    pass
        return removed
