"""What rendering captured text costs MkDocs: character references in Markdown versus raw HTML blocks.

    .venv/bin/python bench/render_cost.py [../shared/bench] [--articles 1000] [--full-build]

Makes a digest of N articles whose paragraphs are the benchmark's plain-text pages (cycled; a
synthetic text where the folder is missing), renders it with digest/site/render.py, and times
Python-Markdown with the site's extensions (what MkDocs runs on every page) over the pages:

- raw-block: the pages as rendered now (article text in one raw HTML block of escaped paragraphs);
- char-refs: the same pages with the article text written the way the renderer used to write
  it, every ASCII punctuation character a numeric character reference in Markdown paragraphs.

With --full-build it also times a whole `mkdocs build` (mkdocs.yml, Material, search) of both.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import string
import sys
import tempfile
import time
from pathlib import Path

import markdown

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from digest.records import EnrichedArticle, LinkedDigest, RenderedSite  # noqa: E402
from digest.site.escaping import shown_text  # noqa: E402
from digest.site.mkdocs_plugin import build_with_mkdocs, load_mkdocs_config  # noqa: E402
from digest.site.render import render_site  # noqa: E402

_CHAR_REFS = {ord(c): f"&#{ord(c)};" for c in string.punctuation}
_ARTICLE_TEXT = re.compile(r'<div class="article-text">\n.*?\n</div>\n', re.DOTALL)


def texts(bench_dir: Path) -> list[list[str]]:
    folder = bench_dir / "extraction" / "text"
    if folder.is_dir():
        pages = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))]
        return [[" ".join(block.split()) for block in page.split("\n\n") if block.strip()] for page in pages]
    sentence = "The council said on Tuesday (in a statement) that 1,200 people — 40% of them children — had left; see https://example.org/a?b=c."
    return [[sentence * 4] * 30]


def digest_of(n: int, bench_dir: Path) -> LinkedDigest:
    pages = texts(bench_dir)
    articles = tuple(
        EnrichedArticle(id=f"a{i:05d}", title=f"Article {i}", paragraphs=tuple(pages[i % len(pages)]) or ("x",),
                        published=f"20{10 + i % 10}-01-{1 + i % 28:02d}")
        for i in range(n)
    )
    return LinkedDigest(articles=articles, outlets={}, related={}, stories={}, story_of={}, title="Bench")


def with_char_refs(site: RenderedSite, digest: LinkedDigest) -> RenderedSite:
    """The article pages with their text written as Markdown paragraphs of character references."""
    by_title = {a.title: a for a in digest.articles}
    pages = []
    for page in site.pages:
        article = by_title.get(page.title) if page.path.startswith("articles/a") else None
        if article:
            old = "".join(" ".join(shown_text(p).split()).translate(_CHAR_REFS) + "\n\n" for p in article.paragraphs)
            page = dataclasses.replace(page, markdown=_ARTICLE_TEXT.sub(lambda _: old, page.markdown))
        pages.append(page)
    return dataclasses.replace(site, pages=tuple(pages))


def markdown_seconds(site: RenderedSite) -> float:
    md = markdown.Markdown(extensions=["toc"])
    start = time.perf_counter()
    for page in site.pages:
        md.reset().convert(page.markdown.split("\n---\n", 1)[1])
    return time.perf_counter() - start


def build_seconds(site: RenderedSite) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        config, plugin = load_mkdocs_config(REPO / "mkdocs.yml", Path(tmp) / "content", Path(tmp) / "site", Path(tmp) / "cache", strict=False)
        start = time.perf_counter()
        build_with_mkdocs(config, plugin, site)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench_dir", nargs="?", type=Path, default=REPO.parent / "shared" / "bench")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--full-build", action="store_true")
    args = parser.parse_args()
    digest = digest_of(args.articles, args.bench_dir)
    new = render_site(digest)
    old = with_char_refs(new, digest)
    chars = sum(len(a.text) for a in digest.articles)
    print(f"{args.articles} articles, {chars:,} characters of article text, {len(new.pages)} pages")
    for name, site in (("char-refs", old), ("raw-block", new)):
        seconds = min(markdown_seconds(site) for _ in range(2))
        size = sum(len(p.markdown) for p in site.pages)
        print(f"{name:10} Python-Markdown {seconds:7.2f} s   Markdown handed to MkDocs {size / 1e6:6.1f} MB")
    if args.full_build:
        for name, site in (("char-refs", old), ("raw-block", new)):
            print(f"{name:10} mkdocs build   {build_seconds(site):7.2f} s")


if __name__ == "__main__":
    main()
