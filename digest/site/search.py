"""Search that scales: Pagefind indexes the article pages the core hands it, beside the engine.

Material's lunr search ships the whole index to every reader (80 MB at 10,000 articles).
Pagefind splits its index into chunks by word, so a reader's query downloads only the chunks
for its words and the fragments of the results it shows. The binary comes inside the
``pagefind[bin]`` wheel from PyPI, so nothing is fetched at build time.

Pagefind reads records, not the built site: each indexed page (an article, whose Page carries
search filters) becomes a small HTML file holding only its indexed content and its filters
(``search_record``), at the path the engine writes the page to, so result URLs are the site's.
Nothing in a record waits for the engine, so the indexing runs in the background
(``SearchIndexing``) while the engine renders pages through the theme, on the machine's other
core: a cold build no longer pays for Pagefind after the engine, and Pagefind no longer parses
the theme's chrome around every article.

Pagefind's memory grows with the text it indexes (about 45 MiB per MB of indexed text: 2.4 GB
at 10,000 articles in one run; bench/README.md, "Peak memory is Pagefind's"). So a large digest
is indexed in shards, one Pagefind run after another: the records are dealt into shards of at
most ``SHARD_BYTES`` (bytes of record, most of it article text), and each shard's bundle is
written to ``pagefind/`` (the first) or ``pagefind-N/``. ``pagefind/shards.json`` gives their
number (0 when nothing is indexed); the search box (assets/javascripts/search.js) merges them
with Pagefind's ``mergeIndex``, which sums results and filter counts across bundles.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from collections.abc import Sequence
from pathlib import Path

from digest.cache import IN_USE_SECONDS
from digest.errors import InputError
from digest.records import Page
from digest.site.escaping import attribute_value, text_node
from digest.site.publish import remove_in_background
from digest.site.render import fill_fragments

BUNDLE_DIR = "pagefind"
MANIFEST = "shards.json"  # inside BUNDLE_DIR: {"shards": N}
# Records are measured by their bytes, not their text: a regular expression over every record
# cost the indexing thread a second at 10,000 articles. Their text is about 0.73 of their bytes
# there (47.6 MB of 65.2 MB), so a shard holds about 20 MB of text: at most about 900 MiB of
# Pagefind (45 MiB per MB of text), and few shards, since each adds an index chunk (about 20 KB)
# to every word of a query: 3 shards at 10,000 articles.
SHARD_BYTES = 27_000_000
RECORDS_PREFIX = ".pagefind-records-"  # inside the site folder, where its parent cannot be written

_HEADING = re.compile(r"^(#{1,6}) ([^\n]*)$", re.MULTILINE)


def search_record(page: Page, language: str) -> str:
    """The page as Pagefind should index it: its content and filters, none of the theme.

    The content is the page's own HTML (its fragments) with its Markdown headings as HTML
    headings; anything else a digest's own template wrote as Markdown is indexed as the text it
    is. Every value from content is already escaped in the fragments, and the title and filters
    are escaped here, so a record is as inert as the page.
    """
    body = _HEADING.sub(_html_heading, page.body)
    filters = "".join(
        f'<span data-pagefind-filter="{attribute_value(name)}[data-value]" data-value="{attribute_value(value)}"></span>'
        for name, value in page.search_filters
    )
    return (f'<!doctype html><html lang="{attribute_value(language)}"><head><meta charset="utf-8">'
            f"<title>{text_node(page.title)}</title></head><body><div data-pagefind-body>{filters}"
            f"{fill_fragments(body, page.fragments)}</div></body></html>\n")


def _html_heading(match: re.Match) -> str:
    level = len(match.group(1))
    return f"<h{level}>{match.group(2)}</h{level}>"


def deal_shards(pages: dict[str, int], limit: int) -> list[list[str]]:
    """Deal pages (path -> bytes) into as few shards of about ``limit`` bytes as the total needs.

    Each page goes to the shard its path's hash names, so an edit to one page changes one
    shard only and the others are found in the cache (``SearchIndexing``); with thousands of
    pages a shard, hashing deals them evenly. Sorted, so a build deals the same way every time.
    """
    count = max(1, min(len(pages), -(-sum(pages.values()) // max(1, limit))))
    shards: list[list[str]] = [[] for _ in range(count)]
    for path in sorted(pages):
        shards[int.from_bytes(hashlib.sha256(path.encode("utf-8", "surrogatepass")).digest()[:8], "big") % count].append(path)
    return [shard for shard in shards if shard]


def bundle_dir(n: int) -> str:
    return BUNDLE_DIR if n == 0 else f"{BUNDLE_DIR}-{n}"


def index_pages(pages: Sequence[tuple[str, Page]], language: str, site_dir: Path, shard_bytes: int = SHARD_BYTES,
                cache_dir: Path | None = None) -> None:
    """Write the search bundle(s) of ``pages`` ((site path the page is written to, page)) into ``site_dir``."""
    SearchIndexing(pages, language, site_dir, shard_bytes, cache_dir).finish()


class SearchIndexing:
    """The search bundles of some pages, indexed by Pagefind while the engine renders.

    The records are written at once, by the build's own thread, each into the folder of its
    shard (beside the site, mirroring the pages' paths); a second thread starts Pagefind on each
    shard as soon as its records are written, and waits for it. Nothing else happens on that
    thread: each file operation there would wait for the engine's thread to let go of Python's
    lock (writing 9,360 records from it took 23 s beside MkDocs, 1 s before it).

    With a cache folder, a shard's bundle is kept under a key of everything Pagefind reads for
    it (its records, whole, and Pagefind's version): a rebuild after one edited summary indexes
    one shard, and takes the others' bundles from the cache. The site's bundle files are hard
    links of the cache's (copies where the two folders cannot share files); nothing writes to
    them after Pagefind. ``finish`` waits for the last shard, puts the bundles in the site, has
    the records removed in the background and writes the manifest.
    """

    def __init__(self, pages: Sequence[tuple[str, Page]], language: str, site_dir: Path, shard_bytes: int = SHARD_BYTES,
                 cache_dir: Path | None = None):
        self._site_dir = site_dir
        self._cancelled = threading.Event()
        self._failure: BaseException | None = None
        site_dir.mkdir(parents=True, exist_ok=True)  # the engine may not have written a page yet
        records = {path: search_record(page, language).encode("utf-8") for path, page in pages}
        shards = deal_shards({path: len(record) for path, record in records.items()}, shard_bytes)
        self._cache = _usable(cache_dir / BUNDLE_CACHE) if cache_dir else None
        # Where each shard's bundle is, or will be: its cache entry, else its place in the site.
        self._bundles = [self._cache / _bundle_key(shard, records) if self._cache else site_dir / bundle_dir(n)
                         for n, shard in enumerate(shards)]
        self._records = _records_folder(site_dir)
        self._written = [threading.Event() for _ in shards]  # Pagefind starts on a shard once it is written
        self._thread = threading.Thread(target=self._index, name="digest-search-index", daemon=True)
        self._thread.start()
        try:
            for n, shard in enumerate(shards):
                if not (self._cache and self._bundles[n].is_dir()):  # else in the cache
                    for path in shard:
                        target = self._records / str(n) / path
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(records[path])
                self._written[n].set()
        except BaseException:
            self.cancel()
            raise

    def _index(self) -> None:
        try:
            for n, bundle in enumerate(self._bundles):
                self._written[n].wait()
                if self._cancelled.is_set():
                    return
                if self._cache and bundle.is_dir():
                    continue
                written = bundle.with_name(f".{bundle.name}.{os.getpid()}") if self._cache else bundle
                shutil.rmtree(written, ignore_errors=True)
                where = f"shard {n + 1} of {len(self._bundles)}, " if len(self._bundles) > 1 else ""
                _pagefind("--site", str(self._records / str(n)), "--output-path", str(written), shard=where)
                if written != bundle:
                    _enter(written, bundle)
        except BaseException as err:  # reported by finish(), in the build's own thread
            self._failure = err

    def finish(self) -> None:
        self._thread.join()
        remove_in_background(self._records)  # thousands of files: seconds the build need not wait
        if self._failure is not None:
            raise self._failure
        if self._cache is not None:
            for n, bundle in enumerate(self._bundles):
                _link_tree(bundle, self._site_dir / bundle_dir(n))
            _prune(self._cache, set(self._bundles))
        # No records (a digest with no articles yet): no bundle, Pagefind refuses to write an
        # empty one; the search box reads the count 0 and finds nothing.
        (self._site_dir / BUNDLE_DIR).mkdir(exist_ok=True)
        (self._site_dir / BUNDLE_DIR / MANIFEST).write_text(json.dumps({"shards": len(self._bundles)}) + "\n", encoding="utf-8")

    def cancel(self) -> None:
        """Stop after the Pagefind run under way (a failed build), and wait for it."""
        self._cancelled.set()
        for written in self._written:
            written.set()
        self._thread.join()
        shutil.rmtree(self._records, ignore_errors=True)


BUNDLE_CACHE = "search"  # in the cache folder: one folder of a shard's bundle per key


def _bundle_key(shard: list[str], records: dict[str, bytes]) -> str:
    """Everything Pagefind reads for a shard: its records, whole, and Pagefind's version."""
    key = hashlib.sha256(_pagefind_version().encode())
    for path in shard:
        key.update(b"\0" + path.encode("utf-8", "surrogatepass") + b"\0" + records[path])
    return key.hexdigest()


def _enter(written: Path, entry: Path) -> None:
    """Make a finished bundle the cache entry, whole: a build that looks finds all of it or nothing."""
    try:
        os.replace(written, entry)
    except OSError:
        if not entry.is_dir():
            raise
        shutil.rmtree(written, ignore_errors=True)  # another build made the same entry meanwhile


@functools.cache
def _pagefind_version() -> str:
    versions = []
    for name in ("pagefind", "pagefind-bin"):
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} absent")
    return " ".join(versions)


def _link_tree(source: Path, target: Path) -> None:
    """``target`` as a copy of ``source`` made of hard links, or of copies across file systems."""
    shutil.rmtree(target, ignore_errors=True)

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link)


def _usable(cache: Path) -> Path | None:
    """The cache folder, if it can be written; a read-only cache only costs the build time."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return cache if os.access(cache, os.W_OK) else None


def _prune(cache: Path, wanted: set[Path]) -> None:
    """Drop the bundles no shard of this build asked for (older content, older Pagefind), once
    no other build can still be using them."""
    recent = time.time() - IN_USE_SECONDS
    try:
        entries = [entry for entry in cache.iterdir() if entry not in wanted and entry.stat().st_mtime < recent]
    except OSError:
        return
    for entry in entries:
        shutil.rmtree(entry, ignore_errors=True)


def _records_folder(site_dir: Path) -> Path:
    """A new folder for the records beside the site, named after it (``SITE.search-records-*``),
    so nothing of it is ever published; inside the site where its parent cannot be written.

    `digest build` builds in a hidden folder whose name starts with the site's temporary prefix
    (digest/site/publish.py), so the records of a build that was killed are that prefix's too,
    and the next build removes them with its other leftovers."""
    try:
        return Path(tempfile.mkdtemp(prefix=f"{site_dir.name}.search-records-", dir=site_dir.parent))
    except OSError:
        return Path(tempfile.mkdtemp(prefix=RECORDS_PREFIX, dir=site_dir))


def _pagefind(*arguments: str, shard: str = "") -> None:
    command = [sys.executable, "-m", "pagefind", *arguments, "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise InputError(f"search index: Pagefind could not run ({shard}{err})") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise InputError(f"search index: Pagefind failed ({shard}{detail[-1] if detail else f'exit status {result.returncode}'})")
