"""Search that scales: Pagefind indexes the article pages the core hands it, beside the engine.

Material's lunr search ships the whole index to every reader (80 MB at 10,000 articles).
Pagefind splits its index into chunks by word, so a reader's query downloads only the chunks
for its words and the fragments of the results it shows. The binary comes inside the
``pagefind[bin]`` wheel from PyPI, so nothing is fetched at build time.

Pagefind reads records, not the built site: each indexed page (an article, whose Page carries
search filters) becomes a small HTML document holding only its indexed content and its filters
(``search_record``), handed to Pagefind's service with the URL the engine gives the page, so
result URLs are the site's. Nothing in a record waits for the engine, so the indexing runs in
the background (``SearchIndexing``) while the engine renders pages through the theme, on the
machine's other core: a cold build no longer pays for Pagefind after the engine, and Pagefind
no longer parses the theme's chrome around every article.

Pagefind's memory grows with the text it indexes (about 45 MiB per MB of indexed text: 2.4 GB
at 10,000 articles in one run; bench/README.md, "Peak memory is Pagefind's"). So a large digest
is indexed in shards, one Pagefind run after another: the records are dealt into shards of at
most ``SHARD_BYTES`` (bytes of record, most of it article text), and each shard's bundle is
written to ``pagefind/`` (the first) or ``pagefind-N/``. ``pagefind/shards.json`` gives their
number (0 when nothing is indexed); the search box (assets/javascripts/search.js) merges them
with Pagefind's ``mergeIndex``, which sums results and filter counts across bundles.
"""

from __future__ import annotations

import base64
import contextlib
import heapq
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from digest.errors import InputError
from digest.records import Page
from digest.site.escaping import attribute_value, text_node
from digest.site.render import fill_fragments

BUNDLE_DIR = "pagefind"
MANIFEST = "shards.json"  # inside BUNDLE_DIR: {"shards": N}
# Records are measured by their bytes, not their text: a regular expression over every record
# cost the indexing thread a second at 10,000 articles. Their text is about 0.73 of their bytes
# there (47.6 MB of 65.2 MB), so a shard holds about 20 MB of text: at most about 900 MiB of
# Pagefind (45 MiB per MB of text), and few shards, since each adds an index chunk (about 20 KB)
# to every word of a query: 3 shards at 10,000 articles.
SHARD_BYTES = 27_000_000

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

    The records are made at once, by the build's own thread, and handed to Pagefind's service
    (``pagefind --service``: each record a request on its standard input, with the URL of its
    page), one Pagefind process per shard, from a second thread. No record is written to a
    file: 9,360 records as files were 18,720 new files and folders, seconds of a build. The
    second thread does as little as it can in Python, since each step there waits for the
    engine's thread to let go of Python's lock: a shard's requests go out in one write, and
    Pagefind's answers go to a file the thread looks at twenty times a second.
    """

    def __init__(self, pages: Sequence[tuple[str, Page]], language: str, site_dir: Path, shard_bytes: int = SHARD_BYTES):
        self._site_dir = site_dir
        self._cancelled = threading.Event()
        self._failure: BaseException | None = None
        records = {_result_url(path): search_record(page, language) for path, page in pages}
        self._shards = [[(url, records[url]) for url in shard]
                        for shard in deal_shards({url: len(record.encode("utf-8")) for url, record in records.items()}, shard_bytes)]
        site_dir.mkdir(parents=True, exist_ok=True)  # the engine may not have written a page yet
        self._thread = threading.Thread(target=self._index, name="digest-search-index", daemon=True)
        self._thread.start()

    def _index(self) -> None:
        try:
            for n, shard in enumerate(self._shards):
                if self._cancelled.is_set():
                    return
                bundle = self._site_dir / bundle_dir(n)
                shutil.rmtree(bundle, ignore_errors=True)
                where = f"shard {n + 1} of {len(self._shards)}, " if len(self._shards) > 1 else ""
                _pagefind_service(shard, bundle, where)
        except BaseException as err:  # reported by finish(), in the build's own thread
            self._failure = err

    def finish(self) -> None:
        self._thread.join()
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


def _result_url(path: str) -> str:
    """The URL Pagefind gives the page written at ``path``, as it does when it reads a site."""
    return "/" + path.removesuffix("index.html") if path == "index.html" or path.endswith("/index.html") else "/" + path


def _message(message_id: int, payload: dict) -> bytes:
    """A request to Pagefind's service: JSON in base64, ended by a comma."""
    return base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode("utf-8")) + b","


def _pagefind_service(records: list[tuple[str, str]], bundle: Path, where: str) -> None:
    """Index ``records`` (URL, HTML) in one Pagefind process and write its bundle to ``bundle``."""
    with tempfile.TemporaryFile() as answers:
        try:
            process = subprocess.Popen([sys.executable, "-m", "pagefind", "--service"],
                                       stdin=subprocess.PIPE, stdout=answers, stderr=subprocess.DEVNULL)
        except OSError as err:
            raise InputError(f"search index: Pagefind could not run ({where}{err})") from None
        try:
            read = _Answers(answers, process, where)
            process.stdin.write(_message(0, {"type": "NewIndex", "config": None}))
            process.stdin.flush()
            index_id = read.until(1)[0]["index_id"]
            process.stdin.write(b"".join(
                _message(1 + n, {"type": "AddFile", "index_id": index_id, "url": url, "file_path": None, "file_contents": html})
                for n, (url, html) in enumerate(records)))
            process.stdin.write(_message(1 + len(records), {"type": "WriteFiles", "index_id": index_id, "output_path": str(bundle)}))
            process.stdin.flush()
            read.until(2 + len(records))
        except BrokenPipeError:
            read.until(2 + len(records))  # Pagefind stopped reading: its answers say why
        finally:
            with contextlib.suppress(OSError):
                process.stdin.close()
            process.kill()
            process.wait()


class _Answers:
    """Pagefind's answers as they arrive in a file: JSON in base64, each ended by a comma."""

    def __init__(self, file, process: subprocess.Popen, where: str):
        self._file, self._process, self._where = file, process, where
        self._offset = 0
        self._partial = b""  # an answer whose comma has not arrived yet
        self._answers: list[dict] = []

    def until(self, count: int) -> list[dict]:
        """The first ``count`` answers' payloads, once they are all in; an error answer is raised."""
        while len(self._answers) < count:
            chunk = os.pread(self._file.fileno(), 1 << 24, self._offset)
            if chunk:
                self._offset += len(chunk)
                *complete, self._partial = (self._partial + chunk).split(b",")
                for raw in complete:
                    payload = json.loads(base64.b64decode(raw))["payload"]
                    if payload.get("type") == "Error":
                        raise InputError(f"search index: Pagefind failed ({self._where}{payload.get('message')})")
                    self._answers.append(payload)
            elif self._process.poll() is not None:
                raise InputError(f"search index: Pagefind stopped before it finished ({self._where}exit status "
                                 f"{self._process.returncode})")
            else:
                time.sleep(0.05)
        return self._answers
