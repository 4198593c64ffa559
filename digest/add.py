"""`digest add`: store a new capture byte for byte and start its sidecar for the editor.

The content folder is the editors' record, so adding may only ever create two new files, the
capture and its sidecar, and never touch an existing one. Both are written to hidden temporary
files first and hard-linked into place, which fails instead of replacing a file that exists, so
a crash or a race leaves either nothing or complete files behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from digest.cache import NormalizationCache
from digest.captures import ARTICLES_DIR, CAPTURE_KINDS, MAX_CAPTURE_BYTES, SIDECAR_SUFFIXES, discover_captures
from digest.editorial import load_editorial
from digest.errors import InputError
from digest.fetch import fetch, is_web_address
from digest.near_duplicates import ShingleIndex
from digest.extract.normalize import normalize
from digest.paths import safe_name
from digest.pipeline import read_articles
from digest.records import Capture, CaptureKind, NormalizedArticle, Outlet
from digest.schemas import SidecarModel
from digest.validation import validate_loaded
from digest.yaml_loading import load_yaml_text

FETCH_TIMEOUT_SECONDS = 30.0
SLUG_WORDS = 8
MAX_SLUG_ATTEMPTS = 1000
TITLE_LIMIT = 500  # SidecarModel's ShortText
SCHEMA_FILE = Path("schemas") / "sidecar.schema.json"
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<meta|<!--)", re.IGNORECASE)
_CONTENT_TYPE_KINDS: dict[str, CaptureKind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "md",
    "text/x-markdown": "md",
    "text/plain": "txt",
}
_KIND_SUFFIX = {"html": ".html", "md": ".md", "txt": ".txt"}


@dataclass(frozen=True)
class Source:
    """The capture's bytes and where they came from."""

    data: bytes
    kind: CaptureKind
    provenance: str  # the URL fetched, or the file's name
    url: str | None  # the article's address, when known
    fetched_from: str | None  # the URL the bytes were fetched from, after redirects; None for a file


@dataclass(frozen=True)
class AddResult:
    status: Literal["added", "identical", "near-duplicate"]
    slug: str  # the new slug, or the existing article's
    similarity: float = 1.0


def read_source(source: str, url: str | None, timeout: float = FETCH_TIMEOUT_SECONDS) -> Source:
    """Load SOURCE (a file or an http(s) URL) with the same size limit the build applies."""
    if is_web_address(source):
        page = fetch(source, timeout, MAX_CAPTURE_BYTES)
        kind = _CONTENT_TYPE_KINDS.get(page.content_type) or _sniff(page.data)
        return Source(page.data, kind, source, url or page.url, page.url)
    if "://" in source:
        raise InputError(f"{source}: only http:// and https:// addresses can be fetched")
    path = Path(source)
    if not path.is_file():
        raise InputError(f"{source}: no such file")
    try:
        with path.open("rb") as file:
            data = file.read(MAX_CAPTURE_BYTES + 1)
    except OSError as err:
        raise InputError(f"{source}: cannot read file: {err.strerror or err}") from None
    if len(data) > MAX_CAPTURE_BYTES:
        raise InputError(f"{source}: over the size limit of {MAX_CAPTURE_BYTES:,} bytes")
    kind = CAPTURE_KINDS.get(path.suffix.lower()) or _sniff(data)
    return Source(data, kind, path.name, url, None)  # type: ignore[arg-type]  # nothing was fetched


def _sniff(data: bytes) -> CaptureKind:
    return "html" if _HTML_START.match(data.removeprefix(b"\xef\xbb\xbf")) else "txt"


def add(
    source: Source,
    content_dir: Path,
    outlet: str | None = None,
    published: dt.date | None = None,
    cache_dir: Path | None = None,
    allow_near_duplicate: bool = False,
    now: dt.datetime | None = None,
) -> AddResult:
    """Add ``source`` to the content folder unless it, or the same article, is already there."""
    articles_dir = content_dir / ARTICLES_DIR
    if not content_dir.is_dir():
        raise InputError(f"{content_dir}: no such content folder")
    articles_dir.mkdir(exist_ok=True)
    captures, _ = discover_captures(content_dir)
    sha256 = hashlib.sha256(source.data).hexdigest()
    for capture in captures:
        if capture.sha256 == sha256:
            return AddResult("identical", capture.slug)
    outlets = load_editorial(content_dir).outlets
    article = _normalize_new(source)
    if not allow_near_duplicate:
        nearest = _existing_articles(captures, outlets, cache_dir).nearest(article.text)
        if nearest:
            return AddResult("near-duplicate", *nearest)
    retrieved = now or dt.datetime.now(dt.timezone.utc)
    sidecar = sidecar_stub(source, article, content_dir, outlet, published, sha256, retrieved)
    slug = _store(articles_dir, _slug_base(article.title), _KIND_SUFFIX[source.kind], source.data, sidecar)
    return AddResult("added", slug)


def _normalize_new(source: Source) -> NormalizedArticle:
    capture = Capture(slug="new-capture", path=Path(source.provenance), kind=source.kind, data=source.data)
    try:
        return normalize(capture)
    except InputError as err:
        raise InputError(f"{source.provenance}: cannot be used as a capture: {err.message}") from None


def _existing_articles(captures: list[Capture], outlets: Mapping[str, Outlet], cache_dir: Path | None) -> ShingleIndex:
    cache = NormalizationCache(cache_dir) if cache_dir else None
    index = ShingleIndex()
    for capture, inputs in zip(captures, read_articles(captures, outlets, cache)):
        if inputs.normalized is not None:  # a capture the build cannot read is `digest check`'s business
            index.add(capture.slug, inputs.normalized.text)
    return index


def sidecar_stub(
    source: Source,
    article: NormalizedArticle,
    content_dir: Path,
    outlet: str | None,
    published: dt.date | None,
    sha256: str,
    retrieved: dt.datetime,
) -> str:
    """The new sidecar: what normalization found, provenance, and an empty draft summary.

    The outlet is written only when the editor gives it: what the page says about itself is no
    evidence, and the address the capture came from (kept in the provenance) attributes it to a
    profile with that domain without anyone writing it down.
    """
    url = source.url  # the editor's --url or the address fetched; never the page's own claim
    fields: dict[str, object] = {}
    if article.title:
        fields["title"] = article.title[:TITLE_LIMIT]
    if url:
        fields["url"] = url
    if outlet:
        fields["outlet"] = outlet
    date = published or (dt.date.fromisoformat(article.published) if article.published else None)
    if date:
        fields["published"] = date
    fields["summary"] = ""
    fields["summary_status"] = "draft"
    fields["provenance"] = {
        "source": source.provenance,
        **({"url": source.fetched_from} if source.fetched_from else {}),
        "retrieved": retrieved.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "sha256": sha256,
    }
    text = (
        f"# yaml-language-server: $schema={_schema_reference(content_dir)}\n"
        "# Written by `digest add`. Check the title, date and outlet against the capture, write the\n"
        "# summary, and set summary_status to reviewed once a second editor has checked it.\n"
        + yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=100)
    )
    _, problems = validate_loaded(SidecarModel, load_yaml_text(text), Path("sidecar stub"))
    if problems:  # normalization produced something the schema refuses: a bug, not an editor's error
        raise InputError("could not write a valid sidecar: " + "; ".join(p.message for p in problems))
    return text


def _schema_reference(content_dir: Path) -> str:
    """The schema as a path relative to the sidecar, found in the repository around the content."""
    articles_dir = (content_dir / ARTICLES_DIR).resolve()
    for folder in articles_dir.parents:
        if (folder / SCHEMA_FILE).is_file():
            return Path(os.path.relpath(folder / SCHEMA_FILE, articles_dir)).as_posix()
    return (Path("..") / ".." / SCHEMA_FILE).as_posix()


def _slug_base(title: str | None) -> str:
    words = re.findall(r"[^\W_]+", (title or "").lower())[:SLUG_WORDS]
    return safe_name("-".join(words) or "article")


def _store(articles_dir: Path, base: str, suffix: str, data: bytes, sidecar: str) -> str:
    """Link the capture and sidecar into place under the first free slug; return that slug."""
    temporary: list[Path] = []
    try:
        temporary.append(_temporary_file(articles_dir, data))
        temporary.append(_temporary_file(articles_dir, sidecar.encode("utf-8")))
        taken = _slugs_in_use(articles_dir)
        for attempt in range(1, MAX_SLUG_ATTEMPTS + 1):
            slug = base if attempt == 1 else f"{base}-{attempt}"
            if slug in taken:
                continue
            capture_path, sidecar_path = articles_dir / f"{slug}{suffix}", articles_dir / f"{slug}.yml"
            try:
                os.link(temporary[0], capture_path)
            except FileExistsError:
                continue
            try:
                os.link(temporary[1], sidecar_path)
            except BaseException as err:
                capture_path.unlink()  # a capture without its stub would look finished
                if isinstance(err, FileExistsError):
                    continue
                raise
            return slug
        raise InputError(f"no free slug for '{base}' after {MAX_SLUG_ATTEMPTS} attempts")
    except OSError as err:
        raise InputError(f"cannot write into {articles_dir}: {err.strerror or err}") from None
    finally:
        for path in temporary:
            path.unlink(missing_ok=True)


def _slugs_in_use(articles_dir: Path) -> set[str]:
    """Slugs with a capture or a sidecar; the hard link still guards against a file appearing later."""
    suffixes = (*CAPTURE_KINDS, *SIDECAR_SUFFIXES)
    return {path.stem for path in articles_dir.iterdir() if path.suffix.lower() in suffixes}


def _temporary_file(folder: Path, data: bytes) -> Path:
    """A complete, flushed hidden file; discover_captures skips dot files if one is ever left."""
    descriptor, name = tempfile.mkstemp(dir=folder, prefix=".digest-add-")
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    return Path(name)
