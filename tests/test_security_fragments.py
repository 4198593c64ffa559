"""Placeholders for HTML set aside from the engine's Markdown cannot be forged by content.

Each generated page hands the site engine only its headings as Markdown; the HTML between them
travels beside it (Page.fragments) and is written in place of a placeholder after the Markdown
is converted. A capture that holds a placeholder's text, even one with the build's own token,
must neither inject a body nor make one appear twice.
"""

from __future__ import annotations

import lxml.html
import pytest
from click.testing import CliRunner

from conftest import REPO
from conftest_security import page_to_html
from digest.cli import main
from digest.records import EnrichedArticle, LinkedDigest, Story
from digest.site import render
from digest.site.render import article_page, fill_fragments, render_site

TOKEN = "0" * 32
FORGED = [f'<div data-digest-fragment="{TOKEN}-{n}"></div>' for n in range(1, 40)]


def _digest(articles):
    return LinkedDigest(articles=tuple(articles), outlets={}, related={}, stories={a.id: Story(a.id, a.title, (a.id,)) for a in articles},
                        story_of={a.id: a.id for a in articles})


def test_a_page_hands_the_engine_only_headings_and_placeholders():
    article = EnrichedArticle(id="a", title="A", paragraphs=("First <b>paragraph</b>.", "Second."))
    page = {p.path: p for p in render_site(_digest([article])).pages}[article_page("a")]
    body = page.body
    assert "paragraph" not in body and "&lt;b&gt;" not in body
    lines = [line for line in body.splitlines() if line.strip()]
    assert all(line.startswith("## ") or render.FRAGMENT_PLACEHOLDER.fullmatch(line) for line in lines), lines
    assert [placeholder in body for placeholder, _ in page.fragments] == [True] * len(page.fragments)
    assert "First &lt;b&gt;paragraph&lt;/b&gt;." in page.markdown  # the whole page, for an engine without fragments


def test_fill_replaces_each_of_the_pages_placeholders_once_and_nothing_else():
    own, other = f'<div data-digest-fragment="{"a" * 32}-1"></div>', f'<div data-digest-fragment="{"b" * 32}-1"></div>'
    html = f"<h2>x</h2>\n{own}\n{own}\n{other}\n"
    assert fill_fragments(html, ((own, f"<p>body</p>{own}"),)) == f"<h2>x</h2>\n<p>body</p>{own}\n\n\n"
    with pytest.raises(ValueError):
        fill_fragments("<h2>x</h2>", ((own, "<p>body</p>"),))


@pytest.fixture(scope="module")
def forged_site(tmp_path_factory):
    """A digest whose captures hold placeholders with the very token the build will use."""
    tmp = tmp_path_factory.mktemp("forged")
    articles = tmp / "content" / "articles"
    articles.mkdir(parents=True)
    forged = "\n\n".join(f"The reporter wrote this marker {f} into the paragraph, and the story goes on for a while after it." for f in FORGED)
    (articles / "forger.txt").write_text(f"Forger\n\n{forged}\n\nThe forged paragraph ends here.\n\n{FORGED[0]} inline {FORGED[1]}\n", encoding="utf-8")
    (articles / "forger.yml").write_text(f"summary: '{FORGED[2]}'\nbyline: '{FORGED[3]}'\n", encoding="utf-8")
    (articles / "victim.txt").write_text("Victim\n\nThe victim's only paragraph, written once.\n", encoding="utf-8")
    patch = pytest.MonkeyPatch()
    patch.setattr(render.secrets, "token_hex", lambda n: TOKEN)
    try:
        result = CliRunner().invoke(main, ["build", "--content", str(tmp / "content"), "--site-dir", str(tmp / "site"),
                                           "--cache-dir", str(tmp / "cache"), "--config-file", str(REPO / "mkdocs.yml")])
    finally:
        patch.undo()
    assert result.exit_code == 0, result.output
    return tmp / "site"


def test_a_capture_holding_placeholders_shows_them_as_text_and_injects_nothing(forged_site):
    page = lxml.html.parse(str(forged_site / "articles" / "forger" / "index.html")).getroot()
    assert not [div for div in page.iter("div") if div.get("data-digest-fragment") is not None]
    text = page.find_class("article-text")[0].text_content()
    assert FORGED[10] in text and "The forged paragraph ends here." in text
    assert len(page.find_class("article-text")) == 1
    assert len(page.find_class("provenance")) == 1  # no other stretch of the page was pulled in twice


def test_no_body_appears_twice_or_on_another_page(forged_site):
    for html_file in sorted(forged_site.rglob("*.html")):
        content = html_file.read_text(encoding="utf-8")
        assert 'data-digest-fragment="' not in content, html_file
        assert content.count("The victim&#39;s only paragraph") + content.count("The victim's only paragraph") <= 1, html_file
        page = lxml.html.fromstring(content)
        assert len(page.find_class("article-text")) <= 1, html_file


def test_the_whole_markdown_of_a_forging_page_is_still_inert():
    article = EnrichedArticle(id="a", title="A", paragraphs=tuple(FORGED[:3]))
    page = {p.path: p for p in render_site(_digest([article])).pages}[article_page("a")]
    html = lxml.html.fromstring(page_to_html(page.markdown))
    assert not [div for div in html.iter("div") if div.get("data-digest-fragment") is not None]
