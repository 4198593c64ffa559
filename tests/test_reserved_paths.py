"""No content name takes the place of a generated page: every article, outlet, story and entity
keeps its own page, and every index still lists everything."""

from __future__ import annotations

import itertools

import lxml.html
import pytest

from conftest_security import page_to_html
from digest.pipeline import build_pages
from digest.records import EnrichedArticle, Entity, LinkedDigest, Outlet, Story
from digest.site.render import ITEMS_PER_PAGE, article_page, entity_page, outlet_page, render_site, story_page

# Names generated pages use, their case variants, and names close to them.
NAMES = ["index", "Index", "INDEX", "page-2", "Page-2", "page-10", "page-1", "page-02", "index-2", "readme", "README",
         "timeline", "data", "search", "404", "sitemap", "assets", "index--0123456789abcdef", "page"]


def titles_linked_from(page_markdown: str) -> list[str]:
    return [a.text_content() for a in lxml.html.fromstring(f"<div>{page_to_html(page_markdown)}</div>").iter("a")]


def digest_of_names(extra_articles: int = 0) -> LinkedDigest:
    articles = [EnrichedArticle(id=name, title=f"Article {name}", paragraphs=(f"Text of {name}.",), outlet_id=name,
                                outlet_name=f"Outlet {name}", published="2020-01-02") for name in NAMES]
    articles += [EnrichedArticle(id=f"filler-{n}", title=f"Filler {n}", paragraphs=("x",), published="2019-01-01")
                 for n in range(extra_articles)]
    pairs = list(zip(NAMES, NAMES[1:] + NAMES[:1]))
    return LinkedDigest(
        articles=tuple(articles),
        outlets={name: Outlet(id=name, name=f"Outlet {name}", rating="mixed") for name in NAMES},
        related={},
        stories={first: Story(first, f"Story {first}", (first, second)) for first, second in pairs},
        story_of={first: first for first, _ in pairs},
        entities={name: Entity(name, f"Entity {name}", "place") for name in NAMES},
    )


@pytest.fixture(scope="module")
def site():
    return render_site(digest_of_names(extra_articles=ITEMS_PER_PAGE))


def test_every_page_has_a_path_of_its_own(site):
    paths = [page.path for page in site.pages]
    assert len(paths) == len(set(paths))
    assert len({path.lower() for path in paths}) == len(paths)  # case-insensitive file systems too


@pytest.mark.parametrize("kind, page_of, title", [
    ("article", article_page, "Article {}"), ("outlet", outlet_page, "Outlet {}"),
    ("story", story_page, "Story {}"), ("entity", entity_page, "Entity {}"),
])
def test_each_thing_keeps_its_own_page(site, kind, page_of, title):
    by_path = {page.path: page for page in site.pages}
    for name in NAMES:
        page = by_path[page_of(name)]
        assert page.title == title.format(name), (kind, name, page.path)


@pytest.mark.parametrize("index, folder, title", [
    ("outlets/index.md", "outlets", "Outlet {}"), ("stories/index.md", "stories", "Story {}"),
    ("entities/index.md", "entities", "Entity {}"),
])
def test_every_index_still_lists_everything(site, index, folder, title):
    by_path = {page.path: page for page in site.pages}
    assert by_path[index].title not in {title.format(name) for name in NAMES}
    assert sorted(titles_linked_from(by_path[index].markdown)) == sorted(title.format(name) for name in NAMES)


def test_the_article_index_pages_list_every_article_once(site):
    by_path = {page.path: page for page in site.pages}
    listed = list(itertools.chain.from_iterable(
        [t for t in titles_linked_from(by_path[path].markdown) if t.startswith(("Article ", "Filler "))]
        for path in ("articles/index.md", "articles/page-2.md")))
    assert sorted(listed) == sorted([f"Article {name}" for name in NAMES] + [f"Filler {n}" for n in range(ITEMS_PER_PAGE)])


def test_captures_named_like_index_pages_keep_their_pages_in_a_real_build(make_content):
    body = "The regional council said on Tuesday that the bridge would take two more years to rebuild.\n"
    names = ("index", "page-2", "page-1")
    files = {f"articles/{name}.txt": f"{body}\n{body}" for name in names}
    files.update({f"articles/{name}.yml": f"title: Headline {name}\n" for name in names})
    content = make_content(files)
    site = build_pages(content)
    by_path = {page.path: page for page in site.pages}
    assert len(by_path) == len(site.pages)
    assert by_path["articles/index.md"].title == "All articles"
    for name in ("index", "page-2", "page-1"):
        assert by_path[article_page(name)].title == f"Headline {name}"
    assert sorted(t for t in titles_linked_from(by_path["articles/index.md"].markdown) if t.startswith("Headline")) == [
        "Headline index", "Headline page-1", "Headline page-2"]
