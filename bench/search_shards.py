"""Pagefind's peak memory in one run against the sharded index, on one built digest.

    .venv/bin/python bench/search_shards.py [--articles 10000] [--shard-bytes 20000000] [--shared ../shared/bench]

Builds N articles with `digest build` (the corpus of bench/scale.py), then on that same built
site: Pagefind alone over the whole site (``--site``, as before sharding) and the sharded index
(``index_site`` on a hard-linked copy of the site), each under ``/usr/bin/time`` for seconds and
peak resident memory; then the bytes a first query ("government") downloads from the built
(sharded) site, by bundle, counted by the server in headless Chromium (``search_bytes``).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from scale import BIN, REPO, corpus_texts, search_bytes, timed, write_corpus


def time_peak(command: list[str]) -> tuple[float, float]:
    """Seconds and peak resident MiB of a command, from /usr/bin/time."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", *command], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    seconds, kilobytes = result.stderr.split()[-2:]
    return float(seconds), int(kilobytes) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--shard-bytes", type=int, default=None, help="the shard bound (default: search.SHARD_TEXT_BYTES)")
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
        one = time_peak([sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(root / "one"), "--silent"])
        print(f"Pagefind over the whole site, one run: {one[0]:6.1f} s {one[1]:6.0f} MiB peak")
        copy = root / "copy"
        shutil.copytree(site, copy, copy_function=os.link, ignore=lambda folder, names: [n for n in names if n.startswith("pagefind")] if Path(folder) == site else [])
        bound = f", {args.shard_bytes}" if args.shard_bytes else ""
        sharded = time_peak([sys.executable, "-c", f"from pathlib import Path; from digest.site.search import index_site; index_site(Path({str(copy)!r}){bound})"])
        shards = json.loads((copy / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
        print(f"Sharded index ({shards} shards):         {sharded[0]:6.1f} s {sharded[1]:6.0f} MiB peak")
        served: list[tuple[str, int]] = []
        total = search_bytes(site, "government", served)
        by_bundle = collections.Counter()
        for path, size in served:
            by_bundle[path.lstrip("/").split("/")[0]] += size
        print(f"First query 'government': {total / 1024:.1f} KB (" + ", ".join(f"{k} {v / 1024:.1f}" for k, v in sorted(by_bundle.items())) + ")")


if __name__ == "__main__":
    main()
