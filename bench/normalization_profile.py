"""Where normalization spends its time on 1,000 plain-text captures, with and without the cheap
checks that skip expensive work (ftfy only where it could change something).

    .venv/bin/python bench/normalization_profile.py [--articles 1000] [--shared ../shared/bench] [--top 12]

The captures are bench/scale.py's corpus. Both variants run in one process, alternately, so a
busy machine slows both alike; then the profile of the variant in use prints its top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import corpus_texts  # noqa: E402

from digest.extract import decoding  # noqa: E402
from digest.extract.normalize import normalize  # noqa: E402
from digest.records import Capture  # noqa: E402


def captures(texts: list[str], count: int) -> list[Capture]:
    out = []
    for n in range(count):
        paragraphs = [p for p in texts[n % len(texts)].split("\n\n") if p.strip()] or ["(empty)"]
        shift = (n // len(texts)) % len(paragraphs)
        body = paragraphs[shift:] + paragraphs[:shift]
        data = (f"Report {n}\n\n" + "\n\n".join(body)).encode("utf-8")
        out.append(Capture(slug=f"a{n:05d}", path=Path(f"a{n:05d}.txt"), kind="txt", data=data))
    return out


def normalize_all(items: list[Capture]) -> float:
    start = time.perf_counter()
    for capture in items:
        try:
            normalize(capture, {})
        except Exception:  # noqa: BLE001 - an unusable capture is part of the corpus
            pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parent.parent.parent / "shared" / "bench")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    items = captures(corpus_texts(args.shared), args.articles)
    cheap_check = decoding._FTFY_MIGHT_CHANGE
    always = re.compile("")  # matches everywhere: ftfy on every capture, as before the check
    times = {"ftfy on every capture": 0.0, "cheap check first": 0.0}
    for _ in range(2):
        decoding._FTFY_MIGHT_CHANGE = always
        times["ftfy on every capture"] += normalize_all(items)
        decoding._FTFY_MIGHT_CHANGE = cheap_check
        times["cheap check first"] += normalize_all(items)
    for name, seconds in times.items():
        print(f"{name:<24} {seconds / 2:6.2f} s for {len(items):,} captures")
    profile = cProfile.Profile()
    profile.runcall(normalize_all, items)
    pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
