"""Atom feeds (checked with feedparser) and the build's SVG pictures (present, small, inert)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
import xml.etree.ElementTree as ET

import feedparser
import lxml.html
from conftest_security import page_to_html
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.records import EnrichedArticle, Entity, EntityMention, LinkedDigest, Outlet, Provenance, Story
from digest.site.charts import MAX_COLUMNS, OTHER_OUTLETS, SVG_NS, TOP_OUTLETS, bar_chart, coverage_grid, grid_chart
from digest.site.escaping import xml_name
from digest.site.feeds import FEED_ENTRIES, FeedSpec, atom_feed
from digest.site.render import DIGEST_FEED, feed_path, render_site

HOSTILE = '</title><script>alert(1)</script> & ]]> {{ 7*7 }} \x1b\u202e'


def _digest(count: int, outlets: int = 2, title_of=lambda n: f"Article {n}") -> LinkedDigest:
    start = dt.date(2020, 1, 1)
    articles = tuple(
        EnrichedArticle(
            id=f"a{n:05d}", title=title_of(n), paragraphs=("Text.",), published=(start + dt.timedelta(days=n)).isoformat(),
            outlet_id=f"o{n % outlets}", outlet_name=f"Outlet {n % outlets}", summary=f"Summary {n}.",
            entities=(EntityMention("e", "E", "place", "E", 0, 0, 1),) if n % 3 == 0 else (),
        )
        for n in range(count)
    )
    ids = tuple(a.id for a in articles)
    return LinkedDigest(
        articles=articles, outlets={"o0": Outlet("o0", "Outlet 0", rating="high")}, related={},
        stories={ids[0]: Story(ids[0], "The story", ids)}, story_of={i: ids[0] for i in ids},
        entities={"e": Entity("e", "E", "place")}, title="Test digest",
    )


def _files(digest: LinkedDigest) -> dict[str, bytes]:
    return render_site(digest).data_files


def test_feeds_of_the_digest_each_outlet_story_and_entity_are_valid_atom_with_the_latest_entries():
    files = _files(_digest(120))
    for path in (DIGEST_FEED, feed_path("outlets", "o0"), feed_path("outlets", "o1"), feed_path("stories", "a00000"), feed_path("entities", "e")):
        feed = feedparser.parse(files[path])
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.version == "atom10" and 0 < len(feed.entries) <= FEED_ENTRIES
        published = [entry.published_parsed for entry in feed.entries]
        assert published == sorted(published, reverse=True), path  # newest first
    whole = feedparser.parse(files[DIGEST_FEED])
    assert [entry.title for entry in whole.entries[:2]] == ["Article 119", "Article 118"]
    assert whole.entries[0].link == "../articles/a00119/" and whole.entries[0].id.startswith("urn:uuid:")
    outlet = feedparser.parse(files[feed_path("outlets", "o1")])
    assert {entry.title for entry in outlet.entries} <= {f"Article {n}" for n in range(1, 120, 2)}
    entity = feedparser.parse(files[feed_path("entities", "e")])
    assert all(int(entry.title.split()[1]) % 3 == 0 for entry in entity.entries)


def test_pages_link_their_feeds_in_the_head_and_the_body():
    pages = {page.path: page.markdown for page in render_site(_digest(4)).pages}
    outlet = pages["outlets/o0.md"]
    shown = lxml.html.fromstring(page_to_html(outlet)).find_class("feed-links")[0]
    assert "href: feeds/outlets/o0.xml" in outlet.split("---\n\n")[0]
    assert "../../feeds/outlets/o0.xml" in [a.get("href") for a in shown.iter("a")]
    assert "href: feeds/digest.xml" in pages["index.md"].split("---\n\n")[0]
    assert "href: feeds/stories/a00000.xml" in pages["stories/a00000.md"]


def test_an_article_with_no_date_at_all_is_left_out_of_feeds_and_one_added_recently_is_news():
    old = EnrichedArticle(id="old", title="Old but new to us", paragraphs=("x",), published="2001-01-01",
                          provenance=Provenance(retrieved="2026-11-20T10:00:00Z"))
    undated = EnrichedArticle(id="undated", title="Undated", paragraphs=("x",))
    recent = EnrichedArticle(id="recent", title="Recent", paragraphs=("x",), published="2026-01-01")
    digest = LinkedDigest(articles=(old, undated, recent), outlets={}, related={}, stories={}, story_of={})
    feed = feedparser.parse(_files(digest)[DIGEST_FEED])
    assert [entry.title for entry in feed.entries] == ["Old but new to us", "Recent"]


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_any_title_stays_text_in_a_well_formed_feed(title):
    digest = _digest(3, title_of=lambda n: title + HOSTILE)
    spec = FeedSpec("feeds/x.xml", title + HOSTILE, "x/", digest.articles)
    document = atom_feed(spec, title + HOSTILE, lambda a: f"articles/{a.id}/", lambda a: title + HOSTILE)
    feed = feedparser.parse(document)
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == 3
    # The exact text through an XML parser: feedparser "repairs" text that looks double-encoded ("Â¡").
    titles = [e.text for e in ET.fromstring(document).iter("{http://www.w3.org/2005/Atom}title")]
    assert titles[1] == xml_name(title + HOSTILE)


# -- pictures ------------------------------------------------------------------------------
ALLOWED_SVG_ELEMENTS = {"svg", "title", "desc", "text", "line", "circle", "rect"}


def _elements(svg: bytes) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter())


def _assert_inert(svg: bytes) -> None:
    for element in _elements(svg):
        assert element.tag.removeprefix(f"{{{SVG_NS}}}") in ALLOWED_SVG_ELEMENTS, element.tag
        assert not any(name.lower().startswith("on") or "href" in name.lower() for name in element.attrib), element.attrib


def test_the_sample_sized_digest_gets_its_pictures_with_text_beside_them():
    site = render_site(_digest(30, outlets=3))
    pages = {page.path: page.markdown for page in site.pages}
    for path in ("charts/outlets-by-month.svg", "charts/ratings.svg", "charts/stories/a00000.svg"):
        root = ET.fromstring(site.data_files[path])
        assert root.get("role") == "img" and root.find(f"{{{SVG_NS}}}title").text and root.find(f"{{{SVG_NS}}}desc").text
        _assert_inert(site.data_files[path])
    def pictures_and_tables(page: str):
        root = lxml.html.fromstring(page_to_html(page))
        rows = [[" ".join(cell.text_content().split()) for cell in row] for table in root.find_class("chart-data")
                for row in table.iter("tr")]
        return [img.get("src") for img in root.iter("img")], rows

    images, rows = pictures_and_tables(pages["index.md"])
    assert images == ["charts/outlets-by-month.svg", "charts/ratings.svg"]
    assert ["Period", "Articles", "By outlet"] in rows and ["High reliability", "10", "1"] in rows
    images, rows = pictures_and_tables(pages["stories/a00000.md"])
    assert images == ["../../charts/stories/a00000.svg"] and ["Outlet", "Articles", "First report", "Last report"] in rows


def test_pictures_stay_small_and_bounded_at_ten_thousand_articles():
    reports = [(f"Outlet {n % 300}", (dt.date(2000, 1, 1) + dt.timedelta(days=n)).isoformat(), f"Headline {n}") for n in range(10_000)]
    for choices in (("month", "quarter", "year"), ("day", "week", "month", "quarter", "year")):
        grid = coverage_grid(reports, choices)
        assert len(grid.rows) == TOP_OUTLETS + 1 and grid.rows[-1] == OTHER_OUTLETS
        assert len(grid.columns) <= MAX_COLUMNS
        assert sum(grid.counts.values()) == 10_000
        svg = grid_chart(grid, "t", "d")
        marks = [e for e in _elements(svg) if e.tag.endswith("circle")]
        assert len(marks) <= (TOP_OUTLETS + 1) * MAX_COLUMNS
        assert len(svg) < 150_000, len(svg)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=15))
def test_labels_from_content_are_xml_text_and_nothing_else(labels):
    labels = [label + HOSTILE for label in labels]
    grid = coverage_grid(((label, "2020-01-0" + str(1 + n % 9), label) for n, label in enumerate(labels)), ("day",))
    for svg in (grid_chart(grid, labels[0], labels[-1]), bar_chart([(label, 3) for label in labels], labels[0], "d")):
        _assert_inert(svg)  # parses as XML: every label was escaped
        text = " ".join(" ".join(e.itertext()) for e in _elements(svg) if e.tag.endswith(("title", "text")))
        assert xml_name(labels[0])[:20] in text


_ANY_DATE = st.one_of(st.sampled_from([dt.date.min, dt.date.max, dt.date.max - dt.timedelta(days=40)]), st.dates())


@settings(max_examples=40, deadline=None)
@given(_ANY_DATE, _ANY_DATE)
def test_any_two_dates_a_capture_can_give_make_a_chart_and_feeds(first, last):
    """Dates from captures are not bounded like editors' are: a story from year 1 to the last day
    the calendar has still renders (the chart's columns stop at the calendar's end)."""
    digest = _digest(2)
    articles = (replace(digest.articles[0], published=first.isoformat()), replace(digest.articles[1], published=last.isoformat()))
    files = render_site(replace(digest, articles=articles)).data_files
    assert any(path.startswith("charts/stories/") for path in files)
