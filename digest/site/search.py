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

import heapq
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

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

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6}) ([^\n]*)$", re.MULTILINE)


def search_record(page: Page, language: str) -> str:
    """The page as Pagefind should index it: its content and filters, none of the theme.

    The content is the page's own HTML (its fragments) with its Markdown headings as HTML
    headings; anything else a digest's own template wrote as Markdown is indexed as the text it
    is. Every value from content is already escaped in the fragments, and the title and filters
    are escaped here, so a record is as inert as the page.
    """
    body = _HEADING.sub(_html_heading, _FRONT_MATTER.sub("", page.source, count=1))
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

    Largest first onto the lightest shard, so shards are even and none exceeds
    ``limit`` by more than one page. Sorted, so a build deals the same way every time.
    """
    count = max(1, min(len(pages), -(-sum(pages.values()) // max(1, limit))))
    shards: list[tuple[int, int, list[str]]] = [(0, n, []) for n in range(count)]
    for path, size in sorted(pages.items(), key=lambda item: (-item[1], item[0])):
        total, n, members = heapq.heappop(shards)
        members.append(path)
        heapq.heappush(shards, (total + size, n, members))
    return [sorted(members) for _, _, members in sorted(shards, key=lambda shard: shard[1]) if members]


def bundle_dir(n: int) -> str:
    return BUNDLE_DIR if n == 0 else f"{BUNDLE_DIR}-{n}"


def index_pages(pages: Sequence[tuple[str, Page]], language: str, site_dir: Path, shard_bytes: int = SHARD_BYTES) -> None:
    """Write the search bundle(s) of ``pages`` ((site path the page is written to, page)) into ``site_dir``."""
    SearchIndexing(pages, language, site_dir, shard_bytes).finish()


class SearchIndexing:
    """The search bundles of some pages, indexed by Pagefind while the engine renders.

    The records are written at once, by the build's own thread, each into the folder of its
    shard (beside the site, mirroring the pages' paths); a second thread then
    only starts Pagefind on one shard after another and waits for it. Nothing else happens on
    that thread: each file operation there would wait for the engine's thread to let go of
    Python's lock (writing 9,360 records from it took 23 s beside MkDocs, 1 s before it).
    ``finish`` waits for the last shard, has the records removed in the background and writes
    the manifest.
    """

    def __init__(self, pages: Sequence[tuple[str, Page]], language: str, site_dir: Path, shard_bytes: int = SHARD_BYTES):
        self._site_dir = site_dir
        self._cancelled = threading.Event()
        self._failure: BaseException | None = None
        site_dir.mkdir(parents=True, exist_ok=True)  # the engine may not have written a page yet
        self._records = _records_folder(site_dir)
        try:
            records = {path: search_record(page, language).encode("utf-8") for path, page in pages}
            self._shards = deal_shards({path: len(record) for path, record in records.items()}, shard_bytes)
            for n, shard in enumerate(self._shards):
                for path in shard:
                    target = self._records / str(n) / path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(records.pop(path))
        except BaseException:
            shutil.rmtree(self._records, ignore_errors=True)
            raise
        self._thread = threading.Thread(target=self._index, name="digest-search-index", daemon=True)
        self._thread.start()

    def _index(self) -> None:
        try:
            for n in range(len(self._shards)):
                if self._cancelled.is_set():
                    return
                bundle = self._site_dir / bundle_dir(n)
                shutil.rmtree(bundle, ignore_errors=True)
                where = f"shard {n + 1} of {len(self._shards)}, " if len(self._shards) > 1 else ""
                _pagefind("--site", str(self._records / str(n)), "--output-path", str(bundle), shard=where)
        except BaseException as err:  # reported by finish(), in the build's own thread
            self._failure = err

    def finish(self) -> None:
        self._thread.join()
        remove_in_background(self._records)  # thousands of files: seconds the build need not wait
        if self._failure is not None:
            raise self._failure
        # No records (a digest with no articles yet): no bundle, Pagefind refuses to write an
        # empty one; the search box reads the count 0 and finds nothing.
        (self._site_dir / BUNDLE_DIR).mkdir(exist_ok=True)
        (self._site_dir / BUNDLE_DIR / MANIFEST).write_text(json.dumps({"shards": len(self._shards)}) + "\n", encoding="utf-8")

    def cancel(self) -> None:
        """Stop after the Pagefind run under way (a failed build), and wait for it."""
        self._cancelled.set()
        self._thread.join()
        shutil.rmtree(self._records, ignore_errors=True)


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
