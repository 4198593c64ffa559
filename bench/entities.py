"""Entity recognition speed: 10,000 aliases over 1,000 articles of about 9 KB.

Recognition once was one backtracking regular expression of every alias, and 9,000 aliases
made one 9 KB article take over a minute. It is now an Aho-Corasick automaton; this prints the
time to build it and to match every article, with 1,000 and 10,000 aliases, so that the
figures show the time does not grow with the number of aliases. Made-up names and text (seeded),
so the script needs no data: `python bench/entities.py`.
"""

from __future__ import annotations

import random
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.entities import EntityRecogniser  # noqa: E402
from digest.records import Entity  # noqa: E402

ARTICLES = 1_000
ARTICLE_BYTES = 9_000


def _word(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9)))


def gazetteer(size: int, rng: random.Random) -> dict[str, Entity]:
    """``size`` aliases in all: a tenth in capitals, the rest names of one to three words."""
    entities = {}
    for number in range(size // 2):
        name = " ".join(_word(rng).capitalize() for _ in range(rng.randint(1, 3)))
        alias = _word(rng).upper()[:4] if number % 5 == 0 else f"{_word(rng).capitalize()}-{_word(rng)}"
        entities[f"e{number}"] = Entity(id=f"e{number}", name=name, kind="person", aliases=(alias,))
    return entities


def articles(names: list[str], rng: random.Random) -> list[list[str]]:
    """Prose of random words with a gazetteer name every twenty words or so."""
    texts = []
    for _ in range(ARTICLES):
        words, size = [], 0
        while size < ARTICLE_BYTES:
            word = rng.choice(names) if rng.random() < 0.05 else _word(rng)
            words.append(word)
            size += len(word) + 1
        text = " ".join(words)
        texts.append([text[i : i + 600] for i in range(0, len(text), 600)])
    return texts


def main() -> None:
    rng = random.Random(9)
    print(f"{ARTICLES:,} articles of {ARTICLE_BYTES:,} characters")
    for size in (1_000, 10_000):
        entities = gazetteer(size, rng)
        names = [s for e in entities.values() for s in (e.name, *e.aliases)]
        corpus = articles(names, rng)
        started = time.perf_counter()
        recogniser = EntityRecogniser(entities)
        built = time.perf_counter() - started
        started = time.perf_counter()
        found = sum(len(recogniser(paragraphs)) for paragraphs in corpus)
        matched = time.perf_counter() - started
        print(f"{len(names):>6,} aliases: automaton built in {built:.2f} s; {ARTICLES:,} articles matched in "
              f"{matched:.2f} s ({matched / ARTICLES * 1000:.1f} ms an article); {found:,} first mentions")


if __name__ == "__main__":
    main()
