"""Body-extraction benchmark: our normalizer against baselines and published tools.

    .venv/bin/python bench/extraction.py [SHARED_BENCH]   # default: ../shared/bench
    .venv/bin/python bench/extraction.py --only text      # ours-text and its halves, fast

Reads SHARED_BENCH/extraction/{text/*.txt, html/*.html.gz, ground-truth.json} and prints
precision, recall and F1 (scoring.py, the public benchmark's method) for:

- ours-text: digest.extract.normalize on the plain-text captures (innerText of whole pages);
- whole-text and jusText over its lines: what keeping everything, or a published
  boilerplate remover, does on the same text;
- ours-html, trafilatura (default settings) and readability-lxml on the saved HTML;

then pages per second of ours-html and trafilatura on the same pages, and the figures of ours
on each half of the pages (sorted keys, alternating), the check that rules set on one half
hold on the other.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import justext
import lxml.html
import trafilatura
from readability import Document

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring import precision_recall_f1  # noqa: E402

from digest.extract.normalize import normalize  # noqa: E402
from digest.records import Capture  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def ours(kind: str) -> Callable[[bytes], str]:
    def extract(data: bytes) -> str:
        return normalize(Capture(slug="page", path=Path(f"page.{kind}"), kind=kind, data=data)).text  # type: ignore[arg-type]

    return extract


def whole_text(data: bytes) -> str:
    return data.decode("utf-8")


def justext_lines(data: bytes) -> str:
    """jusText needs HTML: each copied line becomes a paragraph of its own."""
    lines = data.decode("utf-8").split("\n")
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in map(_escape, lines) if line.strip()) + "</body></html>"
    paragraphs = justext.justext(html, justext.get_stoplist("English"))
    return "\n\n".join(paragraph.text for paragraph in paragraphs if not paragraph.is_boilerplate)


def trafilatura_default(data: bytes) -> str:
    return trafilatura.extract(data.decode("utf-8", "replace")) or ""


def readability_lxml(data: bytes) -> str:
    summary = Document(data.decode("utf-8", "replace")).summary()
    return lxml.html.fromstring(summary).text_content() if summary.strip() else ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def run(method: Callable[[bytes], str], pages: dict[str, bytes]) -> tuple[dict[str, str], float]:
    """Predictions and pages per second; a page the method fails on counts as empty."""
    predictions = {}
    started = time.perf_counter()
    for key, data in pages.items():
        try:
            predictions[key] = method(data)
        except Exception:  # noqa: BLE001 - a benchmark scores failures, it does not stop on them
            predictions[key] = ""
    return predictions, len(pages) / (time.perf_counter() - started)


def main(shared: Path, only_text: bool = False) -> None:
    root = shared / "extraction"
    truth = {key: value["articleBody"] for key, value in json.loads((root / "ground-truth.json").read_text()).items()}
    keys = sorted(truth)
    texts = {key: (root / "text" / f"{key}.txt").read_bytes() for key in keys}
    htmls = {} if only_text else {key: gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes()) for key in keys}
    halves = {"A": keys[0::2], "B": keys[1::2]}

    def score(predictions: dict[str, str], subset: list[str] = keys) -> str:
        precision, recall, f1 = precision_recall_f1((predictions[key], truth[key]) for key in subset)
        return f"P={precision:.3f} R={recall:.3f} F1={f1:.3f}"

    print(f"{len(keys)} pages from {root}\n")
    results = {"ours-text": run(ours("txt"), texts)}
    print(f"{'ours-text':18} {score(results['ours-text'][0])}")
    if only_text:
        print("\nhalves (A: even positions of the sorted keys, B: odd):")
        print(f"{'ours-text':18} " + "   ".join(f"{half}: {score(results['ours-text'][0], subset)}" for half, subset in halves.items()))
        return
    run(ours("html"), dict(list(htmls.items())[:3]))  # warm both up: imports and caches are not speed
    run(trafilatura_default, dict(list(htmls.items())[:3]))
    for name, method, pages in (
        ("whole-text", whole_text, texts),
        ("justext-lines", justext_lines, texts),
        ("ours-html", ours("html"), htmls),
        ("trafilatura", trafilatura_default, htmls),
        ("readability-lxml", readability_lxml, htmls),
    ):
        results[name] = run(method, pages)
        print(f"{name:18} {score(results[name][0])}")
    print("\nspeed on the same HTML (pages/s), three runs each, best:")
    for name, method in (("ours-html", ours("html")), ("trafilatura", trafilatura_default)):
        print(f"{name:18} {max(run(method, htmls)[1] for _ in range(3)):.1f}")
    print("\nhalves (A: even positions of the sorted keys, B: odd):")
    for name in ("ours-text", "ours-html"):
        print(f"{name:18} " + "   ".join(f"{half}: {score(results[name][0], subset)}" for half, subset in halves.items()))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("shared", nargs="?", type=Path, default=REPO.parent / "shared" / "bench")
    parser.add_argument("--only", choices=["text"], help="score only ours on the plain-text captures")
    arguments = parser.parse_args()
    main(arguments.shared, only_text=arguments.only == "text")
