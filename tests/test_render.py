import json

import lxml.html
import yaml

from conftest_security import live_markup, page_to_html, set_aside_by_markdown, visible_text
from digest.records import EnrichedArticle, LinkedDigest, Outlet, RelatedLink, Source, Story
from digest.site.render import ITEMS_PER_PAGE, article_page, directory_url, relative_url, render_site


def _digest(articles, outlets=None, related=None):
    return LinkedDigest(
        articles=tuple(articles),
        outlets=outlets or {},
        related=related or {},
        stories={a.id: Story(a.id, a.title, (a.id,)) for a in articles},
        story_of={a.id: a.id for a in articles},
        title="Test digest",
        description="Covers *testing*.",
    )


def _article(id, **fields):
    return EnrichedArticle(id=id, title=fields.pop("title", id.title()), paragraphs=fields.pop("paragraphs", ("Text.",)), **fields)


WIRE = Outlet(id="wire", name="The Wire", rating="mostly-reliable", note="Checks its **sources**.", sources=(Source("About", "https://wire.example/about"),))


def test_article_page_carries_summary_outlet_note_and_related_reasons():
    a = _article("a", outlet_id="wire", outlet_name="The Wire", summary="An *editor's* summary.", summary_status="reviewed", published="2020-01-02")
    b = _article("b", outlet_id="other", outlet_name="other.example")
    site = render_site(_digest([a, b], {"wire": WIRE}, {"a": (RelatedLink("b", "Same story in other.example"),)}))
    page = {p.path: p for p in site.pages}[article_page("a")].markdown
    html = lxml.html.fromstring(page_to_html(page))
    assert [e.text for e in html.iter("em")] == ["editor's"]
    assert [e.text for e in html.iter("strong")] == ["sources"]  # the outlet's reliability note, rendered
    assert "Mostly reliable" in html.text_content()
    assert ("B", "../b/") in {(a.text, a.get("href")) for a in html.iter("a")}
    assert html.find_class("related-reason")[0].text == "Same story in other.example"
    other = {p.path: p for p in site.pages}[article_page("b")].markdown
    assert "has not been assessed yet" in other


def test_articles_are_listed_on_index_pages_never_in_the_nav():
    articles = [_article(f"a{i:05d}", published=f"2020-01-{1 + i % 28:02d}") for i in range(ITEMS_PER_PAGE + 3)]
    site = render_site(_digest(articles))
    nav_paths = [path for _, path in site.nav]
    assert not any(path.startswith("articles/a") for path in nav_paths)
    paths = {p.path for p in site.pages}
    assert {"articles/index.md", "articles/page-2.md"} <= paths
    first_index = {p.path: p for p in site.pages}["articles/index.md"].markdown
    assert first_index.index("2020-01-28") < first_index.index("2020-01-01")


def test_articles_json_has_the_documented_fields():
    a = _article("a", outlet_id="wire", url="https://wire.example/a", byline="By X", subtitle="Dek")
    site = render_site(_digest([a], {"wire": WIRE}))
    record = json.loads(site.data_files["data/articles.json"])["articles"][0]
    for key in ("id", "title", "subtitle", "outlet", "published", "byline", "url", "summary", "text", "related", "story", "page"):
        assert key in record
    assert record["page"] == "articles/a/" and record["story"] == "a" and record["text"] == "Text."


def test_captured_text_is_inert_in_every_page():
    hostile = '<script>alert(1)</script> [x](javascript:alert(1)) {{ 7*7 }} --8<-- "/etc/passwd"'
    a = _article("a", title=hostile, paragraphs=(hostile,), byline=hostile, outlet_id="evil", outlet_name=hostile, tags=(hostile,))
    site = render_site(_digest([a]))
    assert hostile in visible_text(page_to_html({p.path: p for p in site.pages}[article_page("a")].markdown))
    for page in site.pages:
        _, front_matter, body = page.markdown.split("---\n", 2)
        assert "<script" not in body and 'href="javascript:' not in body
        assert set_aside_by_markdown(page.markdown), page.path
        html = page_to_html(page.markdown)
        assert "<script" not in html and 'href="javascript:' not in html and live_markup(html) == []
        shown_title = yaml.safe_load(front_matter)["title"]
        assert not set(shown_title) & set("<>&{}")


def test_unsafe_original_url_does_not_become_a_link():
    a = _article("a", url="javascript:alert(1)")
    page = {p.path: p for p in render_site(_digest([a])).pages}[article_page("a")].markdown
    assert "Original article" not in page


def test_first_entity_mention_is_linked_without_changing_the_spacing_around_it():
    from digest.records import Entity, EntityMention

    paragraph = "Troops of Russia's army met SANA, then Russia again."
    mentions = (
        EntityMention("russia", "Russia", "place", "Russia", 0, 10, 16),
        EntityMention("sana", "SANA", "organisation", "SANA", 0, 28, 32),
    )
    a = _article("a", paragraphs=(paragraph,), entities=mentions)
    digest = _digest([a])
    digest.entities.update({"russia": Entity("russia", "Russia", "place"), "sana": Entity("sana", "SANA", "organisation")})
    page = {p.path: p for p in render_site(digest).pages}[article_page("a")].markdown
    text = lxml.html.fromstring(page_to_html(page)).find_class("article-text")[0]
    assert " ".join(text.text_content().split()) == paragraph
    assert [(a.text, a.get("href")) for a in text.iter("a")] == [("Russia", "../../entities/russia/"), ("SANA", "../../entities/sana/")]


def test_every_listing_that_grows_with_the_digest_is_paginated():
    """An outlet's, an entity's and a story's articles and the timeline: each article on one page of each."""
    from digest.records import Entity, EntityMention
    from digest.site.render import STORY_ROWS_PER_PAGE, entity_page, outlet_page, story_page

    count = ITEMS_PER_PAGE + STORY_ROWS_PER_PAGE + 7
    mention = EntityMention("aleppo", "Aleppo", "place", "Aleppo", 0, 0, 6)
    articles = [
        _article(f"a{i:05d}", title=f"Headline{i:05d}", paragraphs=("Aleppo again.",), published=f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}",
                 outlet_id="wire", outlet_name="The Wire", entities=(mention,))
        for i in range(count)
    ]
    story = Story("a00000", "Big", tuple(a.id for a in articles))
    digest = LinkedDigest(
        articles=tuple(articles), outlets={"wire": WIRE}, related={}, stories={"a00000": story},
        story_of={a.id: "a00000" for a in articles}, entities={"aleppo": Entity("aleppo", "Aleppo", "place")},
    )
    pages = {p.path: p.markdown for p in render_site(digest).pages}
    for first, per_page in ((outlet_page("wire"), ITEMS_PER_PAGE), (entity_page("aleppo"), ITEMS_PER_PAGE),
                            ("timeline.md", ITEMS_PER_PAGE), (story_page("a00000"), STORY_ROWS_PER_PAGE)):
        stem = first.removesuffix(".md")
        listing = [first] + sorted((p for p in pages if p.startswith(stem + "/page-")), key=lambda p: int(p.split("-")[-1][:-3]))
        assert len(listing) == -(-count // per_page) > 1, first
        seen = []
        for number, path in enumerate(listing, start=1):
            rows = [a.id for a in articles if f"Headline{a.id[1:]}" in pages[path]]
            assert 0 < len(rows) <= per_page, path
            seen += rows
            shown = lxml.html.fromstring(page_to_html(pages[path]))
            hrefs = {a.get("href") for block in shown.find_class("pages") for a in block.iter("a")}
            # every page links every other page of its listing
            assert hrefs == {relative_url(directory_url(path), directory_url(o)) for o in listing if o != path}, path
        assert sorted(seen) == sorted(a.id for a in articles), first


def test_article_pages_rendered_by_forked_workers_are_the_pages_this_process_renders(monkeypatch):
    """A large digest's article pages come from forked workers; the site must not depend on it."""
    monkeypatch.setattr("digest.site.render.PARALLEL_ARTICLES", 2)
    articles = [_article(f"a{i:03d}", outlet_id="wire", outlet_name="The Wire", published=f"2020-01-{1 + i % 28:02d}",
                         summary=f"Summary *{i}*.") for i in range(23)]
    digest = _digest(articles, {"wire": WIRE}, {"a000": (RelatedLink("a001", "Same story"),)})
    alone, forked = render_site(digest, jobs=1), render_site(digest, jobs=2)
    assert [(p.path, p.title, p.markdown, p.search_filters) for p in forked.pages] == \
        [(p.path, p.title, p.markdown, p.search_filters) for p in alone.pages]
    assert forked.data_files == alone.data_files
    assert sum(p.path.startswith("articles/a") for p in forked.pages) == len(articles)


def test_relative_url_gives_posixpaths_relpath_for_page_and_file_urls():
    import posixpath
    import random

    def by_relpath(from_url: str, to_url: str) -> str:
        from_dir = from_url[:-1] if from_url.endswith("/") else posixpath.dirname(from_url)
        link = posixpath.relpath(to_url.rstrip("/") or ".", from_dir or ".")
        return link + "/" if to_url.endswith("/") or not to_url else link

    parts = ["articles", "a1", "a2", "stories", "index.html", "feed.xml", ".", "page-2"]
    rng = random.Random(7)
    for _ in range(5000):
        from_url, to_url = ("/".join(rng.choices(parts, k=rng.randint(0, 4))) + rng.choice(["", "/"]) for _ in range(2))
        assert relative_url(from_url, to_url) == by_relpath(from_url, to_url), (from_url, to_url)
