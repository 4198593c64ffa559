"""Body-extraction benchmark, cross-validated: the project and its peers on held-out pages.

    .venv/bin/python bench/extraction.py [SHARED_BENCH] [--folds 5]   # default: ../shared/bench

Reads SHARED_BENCH/extraction/{text/*.txt, html/*.html.gz, ground-truth.json} and scores with
scoring.py (the public benchmark's method). The pages are split into k folds grouped by site (the
host of the page's URL), so no page and no site is ever in its own fold's training set. Every
choice below is taken on the other folds' pages only, then scored on the held-out fold:

- ours-html, chosen per fold: digest.normalize with the ExtractionSettings that score best on the
  training folds: trafilatura options (three, without comments) and the page-structure checks
  (leading headline and dek lines, the marked article element, the JSON-LD articleBody; a grid
  of 48 for each), taken on the reader's own functions, then run through normalize on the fold;
- ours-html: digest.normalize with its shipped settings (digest/extract/settings.py: what the
  folds chose; chosen on all pages, so not itself a held-out figure);
- ours-html, fast path per fold: as the first, with trafilatura's fast path only;
- trafilatura, options per fold: trafilatura itself with the options (7) that score best on the
  training folds: trafilatura's best setting;
- trafilatura + readability: a combination tried and not shipped (corroborated() below), its
  trafilatura options and two shares picked from a grid on the training folds;
- ours-text: digest.normalize on the copied innerText; whether an outlet's recurring lines are
  chrome is picked on the training folds (a page's site is its outlet; the count runs over every
  capture, as a digest counts all of its own, and reads no labels).

The peers take no choice: trafilatura with its defaults, trafilatura fast without comments,
readability-lxml, jusText over the text's lines, and keeping the whole text. Each row is the mean
F1 over the held-out folds with its standard deviation and range, the P/R/F1 pooled over all
held-out pages, and each fold's F1. Last, pages per second of ours-html and trafilatura (defaults,
and the fast path) on the same HTML in the same run, and the time of the recurring-line pass
over 10,000 captures.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import justext
import lxml.html
import trafilatura
from readability import Document

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring import precision_recall_f1  # noqa: E402

from digest.extract.html_extraction import article_paragraphs, page_structure, parse_html, trafilatura_text  # noqa: E402
from digest.extract.decoding import decode  # noqa: E402
from digest.extract.normalize import normalize  # noqa: E402
from digest.extract.recurring import line_key  # noqa: E402
from digest.extract.text_extraction import read_text_page  # noqa: E402
from digest.extract.recurring import recurring_lines  # noqa: E402
from digest.extract.settings import (  # noqa: E402
    DEFAULT_SETTINGS,
    DEFAULT_TEXT_SETTINGS,
    ExtractionSettings,
    TextReaderSettings,
    TrafilaturaOptions,
)
from digest.records import Capture  # noqa: E402

REPO = Path(__file__).resolve().parent.parent

OPTIONS = {
    "defaults": TrafilaturaOptions(),
    "fast, no comments": TrafilaturaOptions(fast=True, include_comments=False),
    "fast, precision, no comments": TrafilaturaOptions(fast=True, favor_precision=True, include_comments=False),
    "precision": TrafilaturaOptions(favor_precision=True),
    "precision, no comments": TrafilaturaOptions(favor_precision=True, include_comments=False),
    "recall, no comments": TrafilaturaOptions(favor_recall=True, include_comments=False),
    "no comments": TrafilaturaOptions(include_comments=False),
}
# The page-structure checks of the HTML reader (ExtractionSettings), chosen per fold.
STRUCTURE_GRID = [
    {"leading_headlines": headlines, "leading_dek": dek, "marked_body_share": share, "structured_body": bounds}
    for headlines in (True, False)
    for dek in (False, True)
    for share in (None, 0.3, 0.5, 0.7)
    for bounds in (None, (0.8, 1.25), (0.9, 1.1))
]
# trafilatura options the reader may take with them (the ones without comments).
READER_OPTIONS = ("fast, no comments", "precision, no comments", "fast, precision, no comments")
RECURRING_CHOICES = {"off": None, "on (2 captures)": 2}
# The plain-text reader's most influential weights (TextReaderSettings), re-chosen per fold by
# coordinate search from the defaults: each in turn takes the value of its row that scores best on
# the training folds (a move must gain), for TEXT_ROUNDS passes.
TEXT_GRID = {
    "base": (-9.0, -7.5, -6.0, -4.5, -3.0),
    "per_word": (0.35, 0.4, 0.5, 0.6, 0.75),
    "anchor": (0.3, 0.4, 0.5, 0.6, 0.75),
    "standalone": (2.0, 3.0, 4.0, 5.0, 6.0),
    "edge_score": (3.0, 4.0, 5.0, 6.0, 7.5),
    "interface_share": (0.2, 0.25, 0.3, 0.4, 0.5),
    "title_case": (1.5, 3.0, 4.5, 6.0),
}
TEXT_ROUNDS = 2
CORROBORATED = (0.3, 0.5, 0.7)
UNDER_READ = (0.0, 0.5, 0.6, 0.7)
WORD = re.compile(r"\w+")
SCALE = 10_000


def corroborated(text: str, second: str, share: float, under_read: float) -> str:
    """The combination tried and not kept (bench/README.md): trafilatura's lines whose word
    trigrams readability's text holds (at least `share` of them), or readability's text where
    trafilatura keeps less than `under_read` of its words; a short readability reading is ignored."""
    words, second_words = _words(text), _words(second)
    if len(second_words) < 0.5 * len(words):
        return text
    if len(words) < under_read * len(second_words):
        return second
    known, vocabulary = set(zip(second_words, second_words[1:], second_words[2:])), set(second_words)
    kept = []
    for line in text.split("\n"):
        line_words = _words(line)
        trigrams = list(zip(line_words, line_words[1:], line_words[2:]))
        found = sum(t in known for t in trigrams) / len(trigrams) if trigrams else float(set(line_words) <= vocabulary)
        if found >= share:
            kept.append(line)
    return "\n".join(kept)


def _words(text: str) -> list[str]:
    return [word.casefold() for word in WORD.findall(text)]


def grouped_folds(keys: list[str], group: dict[str, str], k: int) -> list[list[str]]:
    """k folds of whole groups; groups are dealt by a hash of their name, so the split is fixed
    and owes nothing to the pages' order or scores."""
    names = sorted(set(group.values()), key=lambda name: hashlib.sha256(name.encode()).hexdigest())
    fold_of = {name: index % k for index, name in enumerate(names)}
    return [[key for key in keys if fold_of[group[key]] == fold] for fold in range(k)]


def capture(key: str, kind: str, data: bytes) -> Capture:
    return Capture(slug=key, path=Path(f"{key}.{kind}"), kind=kind, data=data)  # type: ignore[arg-type]


def ours_html(data: bytes, settings: ExtractionSettings = DEFAULT_SETTINGS) -> str:
    return normalize(capture("page", "html", data), settings=settings).text


def whole_text(data: bytes) -> str:
    return data.decode("utf-8")


def justext_lines(data: bytes) -> str:
    """jusText needs HTML: each copied line becomes a paragraph of its own."""
    lines = data.decode("utf-8").split("\n")
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in map(_escape, lines) if line.strip()) + "</body></html>"
    paragraphs = justext.justext(html, justext.get_stoplist("English"))
    return "\n\n".join(paragraph.text for paragraph in paragraphs if not paragraph.is_boilerplate)


def reader_inputs(html: bytes, options: TrafilaturaOptions) -> tuple[str, object]:
    """trafilatura's text and the page's structure, as digest.extract.html_extraction reads them."""
    tree = parse_html(html.decode("utf-8", "replace"))
    if tree is None:
        return "", None
    structure = page_structure(tree)
    return trafilatura_text(tree, options), structure


def describe(settings: ExtractionSettings) -> str:
    option = next((name for name, value in OPTIONS.items() if value == settings.trafilatura), "?")
    share = "off" if settings.marked_body_share is None else f">= {settings.marked_body_share:.0%}"
    bounds = "off" if settings.structured_body is None else "{:.2f}-{:.2f}".format(*settings.structured_body)
    return (f"{option}; headline lines {'dropped' if settings.leading_headlines else 'kept'}, dek "
            f"{'dropped' if settings.leading_dek else 'kept'}; marked body {share}; JSON-LD body {bounds}")


class TextReadings:
    """The plain-text reader's paragraphs for a TextReaderSettings and a recurring-lines choice,
    over all pages once (each fold scores them on its training pages only)."""

    def __init__(self, texts: dict[str, str], found: dict[str, dict[str, frozenset[str]]]):
        self.texts, self.found = texts, found
        self._readings: dict[tuple[TextReaderSettings, str], dict[str, str]] = {}

    def __call__(self, settings: TextReaderSettings, recurring: str) -> dict[str, str]:
        if (settings, recurring) not in self._readings:
            lines = self.found[recurring]
            self._readings[settings, recurring] = {
                key: "\n".join(
                    paragraph for paragraph in read_text_page(text, lines.get(key, frozenset()), settings).paragraphs
                    if line_key(paragraph) not in lines.get(key, frozenset())
                )
                for key, text in self.texts.items()
            }
        return self._readings[settings, recurring]


def coordinate_search(readings: TextReadings, scores: "Scores", train: list[str]) -> tuple[TextReaderSettings, str]:
    settings, recurring = DEFAULT_TEXT_SETTINGS, max(RECURRING_CHOICES, key=lambda name: scores.f1(readings(DEFAULT_TEXT_SETTINGS, name), train))
    best = scores.f1(readings(settings, recurring), train)
    for _ in range(TEXT_ROUNDS):
        moved = False
        for name, values in TEXT_GRID.items():
            for value in values:
                candidate = replace(settings, **{name: value})
                score = scores.f1(readings(candidate, recurring), train)
                if score > best + 1e-9:
                    settings, best, moved = candidate, score, True
        if not moved:
            break
    return settings, recurring


def trafilatura_with(options: TrafilaturaOptions) -> Callable[[bytes], str]:
    def extract(data: bytes) -> str:
        return trafilatura.extract(data.decode("utf-8", "replace"), **options.as_arguments()) or ""

    return extract


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


class Scores:
    def __init__(self, truth: dict[str, str]):
        self.truth = truth
        self._pages: dict[tuple[str, str], tuple[float, float]] = {}

    def f1(self, predictions: dict[str, str], keys: list[str]) -> float:
        """F1 as scoring.py takes it; each page's precision and recall are kept, since grid search
        scores the same few readings of a page many times."""
        pages = [self._page(key, predictions[key]) for key in keys]
        precision = statistics.mean(page[0] for page in pages)
        recall = statistics.mean(page[1] for page in pages)
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def _page(self, key: str, predicted: str) -> tuple[float, float]:
        if (key, predicted) not in self._pages:
            precision, recall, _ = precision_recall_f1([(predicted, self.truth[key])])
            self._pages[key, predicted] = (precision, recall)
        return self._pages[key, predicted]

    def row(self, name: str, held_out: list[dict[str, str]], folds: list[list[str]]) -> str:
        """Mean F1 over held-out folds (std, range) and P/R/F1 pooled over all held-out pages."""
        per_fold = [self.f1(predictions, fold) for predictions, fold in zip(held_out, folds)]
        pooled = {key: predictions[key] for predictions, fold in zip(held_out, folds) for key in fold}
        precision, recall, f1 = precision_recall_f1((pooled[key], self.truth[key]) for key in sorted(pooled))
        folds_text = " ".join(f"{value:.3f}" for value in per_fold)
        return (
            f"{name:30} F1 {statistics.mean(per_fold):.3f} ± {statistics.stdev(per_fold):.3f} "
            f"[{min(per_fold):.3f}–{max(per_fold):.3f}]  pooled P={precision:.3f} R={recall:.3f} F1={f1:.3f}"
            f"  folds {folds_text}"
        )


def main(shared: Path, k: int) -> None:
    root = shared / "extraction"
    ground = json.loads((root / "ground-truth.json").read_text())
    truth = {key: value["articleBody"] for key, value in ground.items()}
    keys = sorted(truth)
    site = {key: (urlsplit(ground[key]["url"]).hostname or key).removeprefix("www.") for key in keys}
    folds = grouped_folds(keys, site, k)
    training = [[key for key in keys if key not in set(fold)] for fold in folds]
    texts = {key: (root / "text" / f"{key}.txt").read_bytes() for key in keys}
    htmls = {key: gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes()) for key in keys}
    scores = Scores(truth)
    print(f"{len(keys)} pages, {len(set(site.values()))} sites, {k} folds grouped by site: {[len(f) for f in folds]}\n")

    # Every reading once; each fold then picks among them on its training pages.
    readings = {name: run(trafilatura_with(options), htmls)[0] for name, options in OPTIONS.items()}
    second_opinions = run(readability_lxml, htmls)[0]
    combinations = {
        (name, share, under_read): {
            key: corroborated(readings[name][key], second_opinions[key], share, under_read) for key in keys
        }
        for name in OPTIONS
        for share in CORROBORATED
        for under_read in UNDER_READ
    }
    inputs = {name: {key: reader_inputs(htmls[key], OPTIONS[name]) for key in keys} for name in READER_OPTIONS}
    candidates = [ExtractionSettings(trafilatura=OPTIONS[name], **fields) for name in READER_OPTIONS for fields in STRUCTURE_GRID]
    quick = {  # the reader's paragraphs for every candidate setting (normalize adds only the title check and repair)
        settings: {
            key: "\n".join(article_paragraphs(text, structure, settings)) if structure else ""
            for key, (text, structure) in inputs[next(n for n in READER_OPTIONS if OPTIONS[n] == settings.trafilatura)].items()
        }
        for settings in candidates
    }
    found = {name: recurring_lines((capture(key, "txt", texts[key]) for key in keys), site, count) if count else {}
             for name, count in RECURRING_CHOICES.items()}
    text_readings = {
        name: {key: normalize(capture(key, "txt", texts[key]), recurring=lines.get(key, frozenset())).text for key in keys}
        for name, lines in found.items()
    }

    text_search = TextReadings({key: decode(texts[key]) for key in keys}, found)
    shipped = run(ours_html, htmls)[0]
    held_out: dict[str, list[dict[str, str]]] = {
        "ours-html": [shipped] * k, "ours-html, chosen per fold": [], "ours-html, fast path per fold": [],
        "trafilatura, options per fold": [], "trafilatura + readability": [], "ours-text": [],
        "ours-text, weights per fold": [],
    }
    notes: dict[str, list[str]] = {name: [] for name in held_out if name != "ours-html"}
    fast_path = [settings for settings in candidates if settings.trafilatura == OPTIONS["fast, no comments"]]
    for train, fold in zip(training, folds):
        for name, pool in (("ours-html, chosen per fold", candidates), ("ours-html, fast path per fold", fast_path)):
            settings = max(pool, key=lambda choice: scores.f1(quick[choice], train))
            held_out[name].append({key: ours_html(htmls[key], settings) for key in fold})
            notes[name].append(describe(settings))
        best = max(OPTIONS, key=lambda name: scores.f1(readings[name], train))
        held_out["trafilatura, options per fold"].append(readings[best])
        notes["trafilatura, options per fold"].append(best)
        pick = max(combinations, key=lambda choice: scores.f1(combinations[choice], train))
        held_out["trafilatura + readability"].append(combinations[pick])
        notes["trafilatura + readability"].append(
            f"{pick[0]}; lines with >= {pick[1]:.0%} of their trigrams in readability's; its text below {pick[2]:.0%}"
        )
        choice = max(RECURRING_CHOICES, key=lambda name: scores.f1(text_readings[name], train))
        held_out["ours-text"].append(text_readings[choice])
        notes["ours-text"].append(f"recurring lines {choice}")
        weights, recurring = coordinate_search(text_search, scores, train)
        lines = found[recurring]
        held_out["ours-text, weights per fold"].append({
            key: normalize(capture(key, "txt", texts[key]), recurring=lines.get(key, frozenset()),
                           settings=replace(DEFAULT_SETTINGS, text=weights)).text
            for key in fold
        })
        changed = {name: getattr(weights, name) for name in TEXT_GRID if getattr(weights, name) != getattr(DEFAULT_TEXT_SETTINGS, name)}
        notes["ours-text, weights per fold"].append(f"recurring lines {recurring}; changed from the defaults: {changed or 'none'}")

    print("HTML")
    for name in ("ours-html, chosen per fold", "ours-html", "ours-html, fast path per fold", "trafilatura, options per fold",
                 "trafilatura + readability"):
        print(scores.row(name, held_out[name], folds))
    print(scores.row("trafilatura defaults", [readings["defaults"]] * k, folds))
    print(scores.row("trafilatura fast, no comments", [readings["fast, no comments"]] * k, folds))
    print(scores.row("readability-lxml", [second_opinions] * k, folds))
    print("\nplain text (innerText of the whole page)")
    print(scores.row("ours-text", held_out["ours-text"], folds))
    print(scores.row("ours-text, weights per fold", held_out["ours-text, weights per fold"], folds))
    for name, predictions in text_readings.items():
        print(scores.row(f"ours-text, recurring {name}", [predictions] * k, folds))
    for name, method in (("justext-lines", justext_lines), ("keep-all", whole_text)):
        print(scores.row(name, [run(method, texts)[0]] * k, folds))
    print("\nchoices made on the training folds:")
    for name, chosen in notes.items():
        for fold, note in enumerate(chosen):
            print(f"  {name:28} fold {fold}: {note}")

    print("\nspeed on the same HTML (pages/s, best of two runs after a warm-up):")
    warm = dict(list(htmls.items())[:3])
    for name, method in (("ours-html", ours_html), ("trafilatura defaults", trafilatura_with(OPTIONS["defaults"])),
                         ("trafilatura fast, no comments", trafilatura_with(OPTIONS["fast, no comments"]))):
        run(method, warm)
        print(f"  {name:30} {max(run(method, htmls)[1] for _ in range(2)):.1f}")
    print(f"\nrecurring-line pass over {SCALE:,} plain-text captures (the 91 pages repeated, 100 outlets):")
    many = [capture(f"c{index}", "txt", texts[keys[index % len(keys)]]) for index in range(SCALE)]
    started = time.perf_counter()
    recurring_lines(many, {item.slug: f"outlet-{index % 100}" for index, item in enumerate(many)})
    print(f"  {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("shared", nargs="?", type=Path, default=REPO.parent / "shared" / "bench")
    parser.add_argument("--folds", type=int, default=5)
    arguments = parser.parse_args()
    main(arguments.shared, arguments.folds)
