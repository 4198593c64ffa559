"""Pagefind's peak memory in one run against the sharded index, on one digest's search records.

    .venv/bin/python bench/search_shards.py [--articles 10000] [--shard-bytes 27000000] [--shared ../shared/bench]

Builds N articles with `digest build` (the corpus of bench/scale.py), then indexes that digest's
search records (``index_pages``, the pages read back from the build's cache) once in one
Pagefind run and once in shards, printing seconds and the peak resident memory of Pagefind (the
largest child); then the bytes a first query ("government") downloads from the built (sharded)
site, by bundle, counted by the server in headless Chromium (``search_bytes``).
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from scale import BIN, REPO, corpus_texts, search_bytes, timed, write_corpus


def index_alone(root: Path, bound: int | None) -> tuple[float, float, int]:
    """Seconds, Pagefind's peak MiB and the shard count of indexing the digest's records."""
    code = f"""
import json, resource, time
from pathlib import Path
from digest.pipeline import build_pages
from digest.site.search import SHARD_BYTES, index_pages
from digest.workers import Workers
site = build_pages(Path({str(root / "content")!r}), Path({str(root / "cache")!r}), workers=Workers(jobs=1))  # no forked children
pages = [(page.path.removesuffix(".md") + "/index.html", page) for page in site.pages if page.search_filters]
out = Path({str(root / "index")!r})
start = time.perf_counter()
index_pages(pages, "en", out, {bound} or SHARD_BYTES)
shards = json.loads((out / "pagefind" / "shards.json").read_text())["shards"]
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, shards)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"indexing failed:\n{result.stderr[-2000:]}")
    shutil.rmtree(root / "index")
    seconds, peak, shards = result.stdout.split()[-3:]
    return float(seconds), float(peak), int(shards)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--shard-bytes", type=int, default=None, help="the shard bound (default: search.SHARD_BYTES)")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "bench")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix=f"shards-{args.articles}-") as tmp:
        root = Path(tmp)
        write_corpus(corpus_texts(args.shared), args.articles, root / "content", root / "floor")
        config = root / "mkdocs.yml"
        plugin = f"      search_shard_bytes: {args.shard_bytes}\n" if args.shard_bytes else ""
        config.write_text(f"INHERIT: {REPO / 'digest' / 'site' / 'mkdocs.yml'}\nplugins:\n  - digest:\n{plugin}", encoding="utf-8")
        (root / "docs").mkdir()
        site = root / "site"
        build = timed([str(BIN / "digest"), "build", "--content", str(root / "content"), "--site-dir", str(site),
                       "--cache-dir", str(root / "cache"), "--config-file", str(config)], root)
        print(f"{args.articles:,} articles built in {build:.0f} s")
        one = index_alone(root, 10**12)
        print(f"Pagefind over every record, one run: {one[0]:6.1f} s {one[1]:6.0f} MiB peak")
        sharded = index_alone(root, args.shard_bytes)
        print(f"Sharded index ({sharded[2]} shards):        {sharded[0]:6.1f} s {sharded[1]:6.0f} MiB peak")
        served: list[tuple[str, int]] = []
        total = search_bytes(site, "government", served)
        by_bundle = collections.Counter()
        for path, size in served:
            by_bundle[path.lstrip("/").split("/")[0]] += size
        print(f"First query 'government': {total / 1024:.1f} KB (" + ", ".join(f"{k} {v / 1024:.1f}" for k, v in sorted(by_bundle.items())) + ")")


if __name__ == "__main__":
    main()
