"""Per-article caches keyed by exactly what the work reads, so a rebuild only redoes what changed.

Normalization's key: the capture's bytes, kind and slug, the hints of the outlet it is
attributed to (known from its sidecar before normalizing), the lines of it that its outlet
prints on other captures (extract/recurring.py), the source of the extraction code
(digest/extract/, figures.py, which reads the normalized text in the same job, and the digest
modules they import) and the versions of the libraries they call.
Entity recognition's key: the article's text, the gazetteer's fingerprint and the recognition
code. Editing an outlet's note, a template or render.py therefore redoes neither; renaming
x.txt to x.md, or a new trafilatura, re-normalizes what it affects. Entries no build asked for
are pruned.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from digest.records import Capture, CaptureRefused, Figure, Links, NormalizedArticle, RelatedLink, Story

T = TypeVar("T")

PACKAGE_DIR = Path(__file__).resolve().parent
# An entry another build used this recently may be in use now (a `mkdocs serve` beside `digest
# build`): pruning spares it. Longer than a build of tens of thousands of pages takes.
IN_USE_SECONDS = 3600
EXTRACTION_DIR = PACKAGE_DIR / "extract"
# Libraries whose behaviour shapes a normalized article (trafilatura's own extractors included).
EXTRACTION_LIBRARIES = (
    "trafilatura", "htmldate", "justext", "courlan", "ftfy", "lxml", "charset-normalizer",
    "markdown-it-py", "google-re2",
)


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


def code_fingerprint(roots: Iterable[Path], libraries: Iterable[str]) -> str:
    """A hash of the modules ``roots``, every digest module they import, and library versions."""
    pending = sorted(roots)
    sources: set[Path] = set()
    while pending:
        path = pending.pop()
        if path not in sources:
            sources.add(path)
            pending.extend(_digest_imports(path) - sources)
    digest = hashlib.sha256()
    for path in sorted(sources):
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    for library in libraries:
        try:
            version = metadata.version(library)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{library}=={version}\0".encode())
    return digest.hexdigest()


@cache
def extraction_fingerprint() -> str:
    return code_fingerprint([*EXTRACTION_DIR.glob("*.py"), PACKAGE_DIR / "figures.py"], EXTRACTION_LIBRARIES)


@cache
def recognition_fingerprint() -> str:
    return code_fingerprint([PACKAGE_DIR / "entities.py"], ("pyahocorasick",))


class JsonCache:
    """JSON entries under ``directory/namespace``, one file per key; every key asked for is kept
    by prune(), and a missing or unreadable entry is recomputed.

    Entries are also remembered in memory for the life of the process, so that the rebuilds of
    `mkdocs serve` do not read ten thousand files again; keys are exact, so a remembered entry
    is always the one the disk holds.
    """

    _remembered: dict[Path, Any] = {}

    def __init__(self, directory: Path, namespace: str, fingerprint: str):
        self.directory = directory / namespace
        self._fingerprint = fingerprint
        self._wanted: set[Path] = set()

    def _path(self, key_parts: Iterable[object]) -> Path:
        text = json.dumps([self._fingerprint, *key_parts], ensure_ascii=False)
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        path = self.directory / key[:2] / f"{key}.json"
        self._wanted.add(path)
        return path

    @classmethod
    def forget_remembered(cls) -> None:
        """Drop the entries kept in memory: a one-off build reads none twice, and at 10,000
        articles they hold every article's text a second time while the engine renders."""
        cls._remembered.clear()

    def get(self, key_parts: Iterable[object], decode: Callable[[Any], T]) -> T | None:
        path = self._path(key_parts)
        try:
            value = self._remembered.get(path)
            if value is None:
                value = json.loads(path.read_text(encoding="utf-8"))
            decoded = decode(value)
        except (OSError, ValueError, TypeError, KeyError):
            return None
        self._remembered[path] = value
        return decoded

    def put(self, key_parts: Iterable[object], value: Any) -> None:
        path = self._path(key_parts)
        self._remembered[path] = value
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as tmp:
                tmp.write(json.dumps(value, ensure_ascii=False))  # dumps encodes in C; dump to a file does not
            os.replace(tmp.name, path)
        except OSError:
            pass  # the cache is an optimisation; a read-only disk must not fail the build

    def get_or_compute(
        self, key_parts: tuple[object, ...], compute: Callable[[], T], encode: Callable[[T], Any], decode: Callable[[Any], T]
    ) -> T:
        found = self.get(key_parts, decode)
        if found is not None:
            return found
        value = compute()
        self.put(key_parts, encode(value))
        return value

    def prune(self) -> int:
        """Delete every entry this cache was not asked for (old captures, old code); how many."""
        for path in [p for p in self._remembered if p.parent.parent == self.directory and p not in self._wanted]:
            del self._remembered[path]
        removed = 0
        for path in self.directory.glob("*/*.json"):
            if path not in self._wanted:
                try:
                    path.unlink()
                    removed += 1
                except OSError:
                    pass
        return removed


@cache
def linking_fingerprint() -> str:
    return code_fingerprint([PACKAGE_DIR / "linking.py"], ("scikit-learn", "scipy", "numpy"))


class LinksCache:
    """The links of the last build, keyed by linking_inputs() (everything link() reads), the
    linking code and its libraries' versions: a rebuild after an edited summary links nothing."""

    def __init__(self, directory: Path):
        self._entries = JsonCache(directory, "links", linking_fingerprint())

    def get_or_compute(self, inputs: str, compute: Callable[[], Links]) -> Links:
        links = self._entries.get_or_compute((inputs,), compute, _links_fields, _links)
        self._entries.prune()  # only the links of the current articles are worth keeping
        return links


def _links_fields(links: Links) -> dict:
    return {
        "related": {key: [dataclasses.asdict(r) for r in value] for key, value in links.related.items()},
        "stories": {key: dataclasses.asdict(story) for key, story in links.stories.items()},
        "story_of": links.story_of,
    }


def _links(fields: dict) -> Links:
    return Links(
        related={key: tuple(RelatedLink(**r) for r in value) for key, value in fields["related"].items()},
        stories={key: Story(s["id"], s["title"], tuple(s["article_ids"])) for key, s in fields["stories"].items()},
        story_of=dict(fields["story_of"]),
    )


class NormalizationCache:
    def __init__(self, directory: Path):
        self._entries = JsonCache(directory, "normalized", extraction_fingerprint())

    @staticmethod
    def _key(capture: Capture, hints: tuple[str, ...], recurring: frozenset[str]) -> tuple[object, ...]:
        return capture.slug, capture.kind, capture.sha256, list(hints), sorted(recurring)

    def get(
        self, capture: Capture, hints: tuple[str, ...] = (), recurring: frozenset[str] = frozenset()
    ) -> NormalizedArticle | CaptureRefused | None:
        def decode(fields: dict) -> NormalizedArticle | CaptureRefused:
            if "refused" in fields:  # the path is the capture's own, wherever the content folder is now
                return CaptureRefused(str(capture.path), **fields["refused"])
            return _normalized_article(fields)

        return self._entries.get(self._key(capture, hints, recurring), decode)

    def put(
        self, capture: Capture, result: NormalizedArticle | CaptureRefused, hints: tuple[str, ...] = (),
        recurring: frozenset[str] = frozenset(),
    ) -> None:
        if isinstance(result, CaptureRefused):
            fields = {"refused": {"message": result.message, "line": result.line, "column": result.column}}
        else:
            fields = _normalized_fields(result)
        self._entries.put(self._key(capture, hints, recurring), fields)

    def prune(self) -> int:
        return self._entries.prune()


_FIGURE_FIELDS = tuple(field.name for field in dataclasses.fields(Figure))


def _normalized_fields(article: NormalizedArticle) -> dict:
    """The article as JSON-ready fields. Not dataclasses.asdict, which deep-copies every
    paragraph: the build's own thread does this for every capture while the workers normalize."""
    fields = {field.name: getattr(article, field.name) for field in dataclasses.fields(article)}
    fields["figures"] = [{name: getattr(figure, name) for name in _FIGURE_FIELDS} for figure in article.figures]
    return fields


def _normalized_article(fields: dict) -> NormalizedArticle:
    fields = dict(fields)
    fields["paragraphs"] = tuple(fields["paragraphs"])
    fields["figures"] = tuple(Figure(**figure) for figure in fields["figures"])
    return NormalizedArticle(**fields)
