"""Related coverage and story grouping, measured on shared/bench/related as shared/README.md scores it.

    .venv/bin/python bench/related.py [SHARED_BENCH_DIR]

The product is measured through itself: the 179 articles become captures and sidecars in a
content folder, `digest build` builds it, and links and stories are read back from
data/articles.json. A 2-fold check over events shows whether the story threshold carries over
to events it was not tuned on; TF-IDF baselines are printed for comparison.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np
import yaml
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

from digest.linking import DEFAULT_SETTINGS, link
from digest.records import EnrichedArticle

REPO = Path(__file__).resolve().parent.parent
THRESHOLDS = [round(t, 2) for t in np.arange(0.04, 0.30, 0.01)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", nargs="?", type=Path, default=REPO.parent / "shared" / "bench")
    args = parser.parse_args()
    rows = [json.loads(line) for line in (args.bench / "related" / "articles.jsonl").open()]
    event_of = {row["id"]: row["event"] for row in rows}
    print(f"{len(rows)} articles, {len(set(event_of.values()))} events")

    related, story_of = _through_digest_build(rows)
    print(f"digest build     precision@3 {precision_at_k(related, event_of):.3f}"
          f"   B-cubed F1 {bcubed_f1(story_of, event_of):.3f}")
    for name, (related, story_of) in _baselines(rows).items():
        print(f"{name:16} precision@3 {precision_at_k(related, event_of):.3f}"
              f"   B-cubed F1 {bcubed_f1(story_of, event_of):.3f}")
    _two_fold(rows, event_of)


def precision_at_k(related: Mapping[str, Sequence[str]], event_of: Mapping[str, str]) -> float:
    """For each article whose event has others: share of its first k links in the same event."""
    size = _event_sizes(event_of)
    precisions = []
    for article_id, event in event_of.items():
        k = min(3, size[event] - 1)
        if k > 0:
            first = related.get(article_id, [])[:k]
            precisions.append(sum(event_of.get(other) == event for other in first) / k)
    return float(np.mean(precisions))


def bcubed_f1(story_of: Mapping[str, str], event_of: Mapping[str, str]) -> float:
    members: dict[str, set[str]] = {}
    for article_id, story in story_of.items():
        members.setdefault(story, set()).add(article_id)
    size = _event_sizes(event_of)
    precision = recall = 0.0
    for article_id, event in event_of.items():
        story = members[story_of[article_id]]
        correct = sum(event_of.get(other) == event for other in story)  # other events count against
        precision += correct / len(story)
        recall += correct / size[event]
    precision, recall = precision / len(event_of), recall / len(event_of)
    return 2 * precision * recall / (precision + recall)


def _event_sizes(event_of: Mapping[str, str]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for event in event_of.values():
        sizes[event] = sizes.get(event, 0) + 1
    return sizes


def _through_digest_build(rows: list[dict]) -> tuple[dict[str, list[str]], dict[str, str]]:
    with tempfile.TemporaryDirectory() as workdir:
        content, site = Path(workdir) / "content", Path(workdir) / "site"
        write_content(rows, content)
        digest = REPO / ".venv" / "bin" / "digest"
        build = subprocess.run([str(digest), "build", "--content", str(content), "--site-dir", str(site),
                                "--cache-dir", str(Path(workdir) / "cache")], capture_output=True, text=True)
        if build.returncode:
            sys.exit(f"digest build failed:\n{build.stderr}")
        built = json.loads((site / "data" / "articles.json").read_text())["articles"]
    return ({a["id"]: [r["id"] for r in a["related"]] for a in built},
            {a["id"]: a["story"] for a in built})


def write_content(rows: Iterable[dict], content: Path) -> None:
    """Captures as plain text plus sidecars, as an editor would lay them out (no outlets.yml)."""
    articles = content / "articles"
    articles.mkdir(parents=True)
    for row in rows:
        (articles / f"{row['id']}.txt").write_text(row["text"].replace("\n", "\n\n") + "\n")
        sidecar = {"title": row["title"], "url": row["url"], "outlet": row["outlet"],
                   "published": row["published"][:10]}
        (articles / f"{row['id']}.yml").write_text(yaml.safe_dump(sidecar, allow_unicode=True))


def enriched(rows: Iterable[dict]) -> list[EnrichedArticle]:
    """The records link() sees, made straight from the rows (for tuning without builds)."""
    return [EnrichedArticle(id=r["id"], title=r["title"], paragraphs=tuple(r["text"].split("\n")),
                            published=r["published"][:10], url=r["url"], outlet_name=r["outlet"])
            for r in rows]


def _two_fold(rows: list[dict], event_of: Mapping[str, str]) -> None:
    """Tune the story threshold on half the events, report on the other half, both ways.

    The whole set is linked every time, as the product links a whole digest; only the scoring
    is split, so the threshold chosen on one half meets the other half's events unseen.
    """
    events = sorted(set(event_of.values()))
    random.Random(5).shuffle(events)
    halves = [set(events[::2]), set(events[1::2])]
    articles = enriched(rows)
    scores = {}  # threshold -> per half: (precision@3, B-cubed F1)
    for threshold in THRESHOLDS:
        links = link(articles, replace(DEFAULT_SETTINGS, story_threshold=threshold))
        related = {i: [r.id for r in rs] for i, rs in links.related.items()}
        scores[threshold] = [
            (precision_at_k(related, half_of), bcubed_f1(links.story_of, half_of))
            for half_of in ({i: e for i, e in event_of.items() if e in half} for half in halves)
        ]
    print(f"2-fold over events (story threshold tuned on one half, scored on the other;"
          f" default {DEFAULT_SETTINGS.story_threshold}):")
    for tune, test in ((0, 1), (1, 0)):
        tuned = max(THRESHOLDS, key=lambda t: scores[t][tune][1])
        precision, f1 = scores[tuned][test]
        print(f"  tuned {tuned:.2f} on {len(halves[tune])} events -> held-out {len(halves[test])} events:"
              f" precision@3 {precision:.3f}   B-cubed F1 {f1:.3f}")


def _baselines(rows: list[dict]) -> dict[str, tuple[dict[str, list[str]], dict[str, str]]]:
    """TF-IDF cosine over headline and text (dense N x N: fine for a 179-article benchmark)."""
    ids = [r["id"] for r in rows]
    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(
        [r["title"] + "\n" + r["text"] for r in rows])
    similarity = (vectors @ vectors.T).toarray()
    np.fill_diagonal(similarity, -1)
    related = {ids[i]: [ids[j] for j in np.argsort(-similarity[i])[:5]] for i in range(len(ids))}
    results = {}
    for name, threshold in (("TF-IDF cosine", 0.25),):
        _, labels = connected_components(similarity >= threshold, directed=False)
        results[name] = (related, {ids[i]: str(label) for i, label in enumerate(labels)})
    return results


if __name__ == "__main__":
    sys.exit(main())
