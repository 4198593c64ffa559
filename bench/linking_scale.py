"""Time and peak memory of link() on a synthetic digest of 10,000 articles.

    .venv/bin/python bench/linking_scale.py [--articles N] [--story N]

The corpus is made up so that its size, not its content, is what is measured: words drawn from a
Zipf-distributed vocabulary, and articles of the same made-up event sharing a few rarer words,
a headline vocabulary and a date. The goal is under 10 seconds and under 1 GB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from related import bcubed_f1  # noqa: E402  (same scoring as the real benchmark)

from digest.linking import link  # noqa: E402
from digest.records import EditorialOverrides, EnrichedArticle  # noqa: E402

VOCABULARY = 40_000
WORDS_PER_ARTICLE = 450
EVENT_WORDS = 25


def synthetic_corpus(count: int, seed: int = 5, story: int = 0) -> tuple[list[EnrichedArticle], dict[str, str]]:
    """Articles and the made-up event of each; the first ``story`` articles report one event and
    are put in one story by the editors' override (`story:`), as a long-running story would be."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocabulary = ["".join(rng.choice(letters, size=rng.integers(4, 10))) for _ in range(VOCABULARY)]
    zipf = 1.0 / np.arange(1, VOCABULARY + 1)
    zipf /= zipf.sum()
    articles, event_of = [], {}
    event, left = -1, 0
    for number in range(count):
        if left == 0:
            event, left = event + 1, (story if number == 0 and story else int(rng.integers(1, 9)))
            event_words = rng.integers(2_000, VOCABULARY, size=EVENT_WORDS)
            day = date(2015, 1, 1) + timedelta(days=int(rng.integers(0, 3_000)))
        left -= 1
        background = rng.choice(VOCABULARY, size=WORDS_PER_ARTICLE, p=zipf)
        own = rng.choice(event_words, size=WORDS_PER_ARTICLE // 6)
        words = [vocabulary[w] for w in np.concatenate([background, own])]
        rng.shuffle(words)
        paragraphs = tuple(" ".join(words[i : i + 60]) for i in range(0, len(words), 60))
        title = " ".join(vocabulary[w] for w in rng.choice(event_words, size=6))
        article_id = f"a{number:05d}"
        published = (day + timedelta(days=int(rng.integers(0, 3)))).isoformat()
        overrides = EditorialOverrides(story="big-story") if number < story else EditorialOverrides()
        articles.append(EnrichedArticle(id=article_id, title=title, paragraphs=paragraphs, overrides=overrides,
                                        published=published, outlet_name=f"outlet{number % 60}"))
        event_of[article_id] = f"e{event}"
    return articles, event_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--story", type=int, default=0, help="make the first N articles one event (a big story)")
    args = parser.parse_args()
    articles, event_of = synthetic_corpus(args.articles, story=args.story)
    before = _peak_mib()
    start = time.perf_counter()
    links = link(articles)
    seconds = time.perf_counter() - start
    biggest = max(len(s.article_ids) for s in links.stories.values())
    print(f"link() on {len(articles):,} synthetic articles: {seconds:.2f} s, "
          f"peak memory {_peak_mib():,.0f} MiB (process, {before:,.0f} MiB before linking); "
          f"{len(links.stories):,} stories (largest {biggest:,} articles), B-cubed F1 {bcubed_f1(links.story_of, event_of):.3f} "
          f"against {len(set(event_of.values())):,} made-up events")


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
