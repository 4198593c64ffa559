"""Story, entity and timeline pages rendered from a made-up digest, hostile text included."""

import lxml.html

from conftest_security import live_markup, page_to_html
from digest.records import (
    Entity, EnrichedArticle, EntityMention, Figure, LinkedDigest, Outlet, RelatedLink, Story,
)
from digest.site.render import render_site

HOSTILE = "<script>alert(1)</script> [x](javascript:alert(1)) {{ 7*7 }}"


def digest():
    mention = EntityMention("hmeymim", "Hmeymim Air Base", "place", "Khmeimim", 0, 4, 12)
    a = EnrichedArticle(
        id="a", title="Putin at Khmeimim " + HOSTILE, paragraphs=("Big Khmeimim day: 32,000 militants killed.",),
        published="2017-12-11", outlet_id="rt", outlet_name="RT", summary="Says **32,000**. " + HOSTILE,
        entities=(mention,), figures=(Figure("32,000", "militants", "32,000 militants killed."),),
    )
    b = EnrichedArticle(
        id="b", title="Pullout announced", paragraphs=("At Hmeymim 30,000 militants died.",), published="2017-12-12",
        outlet_id="tass", outlet_name="TASS", entities=(EntityMention("hmeymim", "Hmeymim Air Base", "place", "Hmeymim", 0, 3, 10),),
        figures=(Figure("30,000", "militant", "30,000 militants died."), Figure("6,956", "sorties", "6,956 sorties")),
    )
    c = EnrichedArticle(id="c", title="Alone", paragraphs=("Nothing else.",), published="2016-01-01")
    return LinkedDigest(
        articles=(a, b, c),
        outlets={"rt": Outlet(id="rt", name="RT", rating="low")},
        related={"a": (RelatedLink("b", "Same story in TASS"),), "b": (RelatedLink("a", "Same story in RT"),), "c": ()},
        stories={"a": Story("a", a.title, ("a", "b")), "c": Story("c", "Alone", ("c",))},
        story_of={"a": "a", "b": "a", "c": "c"},
        entities={"hmeymim": Entity("hmeymim", "Hmeymim Air Base", "place", ("Hmeymim", "Khmeimim"))},
    )


def pages():
    site = render_site(digest())
    return {page.path: page.markdown for page in site.pages}, site.nav


def html_of(page_markdown: str):
    return lxml.html.fromstring(f"<div>{page_to_html(page_markdown)}</div>")


def row_texts(table) -> list[list[str]]:
    return [[" ".join(cell.text_content().split()) for cell in row.iter("td", "th")] for row in table.iter("tr")]


def test_story_page_sets_coverage_and_figures_side_by_side():
    by_path, _ = pages()
    assert "stories/c.md" not in by_path  # a story of one article is no page
    coverage, compared = [t for t in html_of(by_path["stories/a.md"]).iter("table") if t.get("class") != "chart-data"]
    header, *rows = row_texts(coverage)
    assert header == ["Outlet", "Date", "Headline", "Editor's summary", "Figures reported"]
    assert len(rows) == 2 and rows[0][0] == "RT Low reliability" and rows[1][0] == "TASS Not yet assessed"
    assert list(coverage.iter("tr"))[1].find(".//strong").text == "32,000"  # the editor's Markdown, in its cell
    assert "30,000 militant" in rows[1][4] and "6,956 sorties" in rows[1][4]
    _, *compared_rows = row_texts(compared)
    shown = " ".join(" ".join(row) for row in compared_rows)
    assert "32,000 militants" in shown and "30,000" in shown and "6,956" not in shown


def test_hostile_text_is_inert_on_every_coverage_page():
    by_path, _ = pages()
    for path in ("stories/a.md", "stories/index.md", "entities/hmeymim.md", "timeline.md"):
        html = page_to_html(by_path[path])
        assert live_markup(html) == [], path
        assert HOSTILE in " ".join(html_of(by_path[path]).text_content().split()), path


def test_entity_page_lists_coverage_and_the_article_links_its_first_mention():
    by_path, _ = pages()
    entity = html_of(by_path["entities/hmeymim.md"])
    assert {"../../articles/a/", "../../articles/b/"} <= {a.get("href") for a in entity.iter("a")}
    assert "Khmeimim" in entity.text_content()
    article = html_of(by_path["articles/a.md"])
    assert [(a.text, a.get("href")) for a in article.find_class("article-text")[0].iter("a")] == [("Khmeimim", "../../entities/hmeymim/")]
    assert "Part of the story" in by_path["articles/a.md"] and "Part of the story" not in by_path["articles/c.md"]


def test_timeline_and_indexes_are_in_the_nav_and_articles_are_not():
    by_path, nav = pages()
    timeline = by_path["timeline.md"]
    days = ["## " + day for day in ("2017-12-12", "2017-12-11", "2016-01-01")]
    assert timeline.index(days[0]) < timeline.index(days[1]) < timeline.index(days[2])
    assert "<strong>Story:</strong>" in timeline.split(days[1])[1].split("##")[0]
    paths = [path for _, path in nav]
    assert {"stories/index.md", "timeline.md", "entities/index.md"} <= set(paths)
    assert not any(path.startswith(("articles/a", "stories/a", "entities/h")) for path in paths)
