"""Search that scales: Pagefind indexes the built site's article pages.

Material's lunr search ships the whole index to every reader (80 MB at 10,000 articles).
Pagefind splits its index into chunks by word, so a reader's query downloads only the chunks
for its words and the fragments of the results it shows. The binary comes inside the
``pagefind[bin]`` wheel from PyPI, so nothing is fetched at build time. Pages are chosen and
filtered by attributes the theme override writes (digest/site/templates/overrides/main.html).

Pagefind's memory grows with the text it indexes (about 45 MiB per MB of indexed text: 2.4 GB
at 10,000 articles in one run; bench/README.md, "Peak memory is Pagefind's"). So a large digest
is indexed in shards, one Pagefind run after another: the article pages are dealt into shards
of at most ``SHARD_TEXT_BYTES`` of text, each shard is a temporary folder of hard links that
mirrors the site's paths (so result URLs stay right), and its bundle is written to
``pagefind/`` (the first) or ``pagefind-N/``. ``pagefind/shards.json`` gives their number;
the search box (assets/javascripts/search.js) merges them with Pagefind's ``mergeIndex``,
which sums results and filter counts across bundles. A digest whose text fits one shard is
indexed in one run over the whole site, as before.
"""

from __future__ import annotations

import heapq
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from digest.errors import InputError

BUNDLE_DIR = "pagefind"
MANIFEST = "shards.json"  # inside BUNDLE_DIR: {"shards": N}
# At most about 900 MiB of Pagefind per shard (45 MiB per MB of text), so the build process
# beside it has room under 1.5 GB; and few shards, since each adds an index chunk (about 20 KB)
# to every word of a query: 3 shards at 10,000 articles.
SHARD_TEXT_BYTES = 20_000_000

# The indexed region's tag (main.html's, or a template's own): content cannot write a "<", and
# the attribute is read as an attribute, past whole quoted values, so an escaped value that
# spells " data-pagefind-body " (a feed title from an outlet's name) is not one.
_BODY = re.compile(
    rb"""<[a-zA-Z][^\s/>]*(?:\s+[^\s=/>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*?\s+data-pagefind-body(?=[\s=/>])""")
_TAG = re.compile(rb"<[^>]*>")
_SPACE = re.compile(rb"\s+")


def indexed_text_bytes(html: bytes) -> int | None:
    """Bytes of text in a page's indexed region (tags out, spaces collapsed), None if not indexed.

    What predicts Pagefind's peak memory: neither a page count nor HTML bytes do (the theme's
    chrome is most of a short article's HTML), the text does, to within 31 MiB on six samples.
    """
    found = _BODY.search(html)
    return None if found is None else len(_SPACE.sub(b" ", _TAG.sub(b"", html[found.start():])))


def deal_shards(pages: dict[str, int], limit: int) -> list[list[str]]:
    """Deal pages (path -> text bytes) into as few shards of about ``limit`` bytes as the total needs.

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


def index_site(site_dir: Path, shard_text_bytes: int = SHARD_TEXT_BYTES) -> None:
    """Write the search bundle(s) into ``site_dir/pagefind/`` (and ``pagefind-N/`` for more shards)."""
    pages = {}
    for path in site_dir.rglob("*.html"):
        size = indexed_text_bytes(path.read_bytes())
        if size is not None:
            pages[path.relative_to(site_dir).as_posix()] = size
    shards = deal_shards(pages, shard_text_bytes)
    if len(shards) <= 1:
        _pagefind("--site", str(site_dir), "--output-subdir", BUNDLE_DIR)
    else:
        for n, shard in enumerate(shards):
            bundle = site_dir / bundle_dir(n)
            shutil.rmtree(bundle, ignore_errors=True)
            with tempfile.TemporaryDirectory(prefix=".pagefind-shard-", dir=site_dir) as mirror:
                for page in shard:
                    _link(site_dir / page, Path(mirror, page))
                _pagefind("--site", mirror, "--output-path", str(bundle), shard=f"shard {n + 1} of {len(shards)}, ")
    (site_dir / BUNDLE_DIR / MANIFEST).write_text(json.dumps({"shards": max(1, len(shards))}) + "\n", encoding="utf-8")


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)


def _pagefind(*arguments: str, shard: str = "") -> None:
    command = [sys.executable, "-m", "pagefind", *arguments, "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise InputError(f"search index: Pagefind could not run ({shard}{err})") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise InputError(f"search index: Pagefind failed ({shard}{detail[-1] if detail else f'exit status {result.returncode}'})")
