"""Size and time of what researchers download at 10,000 articles: feeds, pictures, citations, data/.

Builds a synthetic digest (no shared data needed): ARTICLES articles from 300 outlets over ten
years, one story of 4,000 articles and many small ones, 2,000 entities, real-length titles,
bylines and summaries, and renders it. Prints the bytes of each kind of file the render writes
beside the pages, the largest single file of each kind, and the render time.

    .venv/bin/python bench/research_outputs.py [ARTICLES]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections import defaultdict

from digest.records import EnrichedArticle, Entity, EntityMention, Figure, LinkedDigest, Outlet, Story
from digest.site.render import render_site


def synthetic_digest(count: int, seed: int = 13) -> LinkedDigest:
    rng = random.Random(seed)
    start = dt.date(2014, 1, 1)
    words = "russian forces syria aleppo council bridge withdrawal militants strike convoy ceasefire talks".split()
    articles = []
    for n in range(count):
        title = " ".join(rng.choice(words) for _ in range(rng.randint(6, 14))).capitalize()
        mentions = tuple(EntityMention(f"e{rng.randrange(2000)}", "E", "place", "E", 0, 0, 1) for _ in range(rng.randint(0, 6)))
        articles.append(EnrichedArticle(
            id=f"article-{n:05d}", title=title, paragraphs=("Text.",),
            published=(start + dt.timedelta(days=rng.randrange(3650))).isoformat() if rng.random() > 0.1 else None,
            byline=f"By Reporter {rng.randrange(900)} and Reporter {rng.randrange(900)}", url=f"https://outlet{n % 300}.example/{n}",
            outlet_id=f"outlet-{rng.randrange(300)}", outlet_name="Outlet", summary=" ".join(rng.choice(words) for _ in range(90)),
            summary_status="reviewed", reviewed="2026-11-21", entities=mentions,
            figures=(Figure(f"{rng.randrange(1, 40)},000", "militants", "x"),),
        ))
    ids = [a.id for a in articles]
    stories, story_of = {}, {}
    big = ids[:4000]
    stories[big[0]] = Story(big[0], "The big story", tuple(big))
    rest = ids[4000:]
    for i in range(0, len(rest), 4):
        members = tuple(rest[i : i + 4])
        stories[members[0]] = Story(members[0], "A story", members)
    for story in stories.values():
        for member in story.article_ids:
            story_of[member] = story.id
    outlets = {f"outlet-{i}": Outlet(f"outlet-{i}", f"Outlet {i}", rating=rng.choice(["high", "mixed", "low", None])) for i in range(300)}
    entities = {f"e{i}": Entity(f"e{i}", f"Entity {i}", "place") for i in range(2000)}
    return LinkedDigest(tuple(articles), outlets, {}, stories, story_of, entities, "Synthetic digest")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    digest = synthetic_digest(count)
    began = time.perf_counter()
    site = render_site(digest)
    seconds = time.perf_counter() - began
    kinds: dict[str, list[int]] = defaultdict(list)
    for path, data in site.data_files.items():
        kind = ("feeds" if path.startswith("feeds/") else "charts" if path.startswith("charts/")
                else "citation files" if path.endswith((".bib", ".csl.json")) and path.startswith("articles/") else path)
        kinds[kind].append(len(data))
    print(f"{count} articles, {len(site.pages)} pages rendered in {seconds:.1f} s")
    for kind, sizes in sorted(kinds.items()):
        print(f"  {kind:28} {len(sizes):6} file(s) {sum(sizes) / 1e6:8.2f} MB   largest {max(sizes) / 1e3:8.1f} KB")


if __name__ == "__main__":
    main()
