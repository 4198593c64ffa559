"""The HTML reader checks trafilatura's text against the page's own structure: its headline, the
element it marks as the article body and its JSON-LD articleBody. All of it is hostile input."""

import html as html_module
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.extract.html_extraction import PageStructure, article_paragraphs, page_structure, parse_html
from digest.extract.normalize import normalize
from digest.extract.settings import DEFAULT_SETTINGS
from digest.records import Capture

PARAGRAPHS = [
    "The city council voted on Tuesday to expand the bus network, adding three routes that will serve the northern districts from next spring.",
    "Officials said the new lines would cost about four million dollars a year, paid for by a small rise in parking fees in the centre.",
    "“We have waited for this for a decade,” said a resident who takes two buses to reach her job at the hospital every morning.",
    "The plan still needs the approval of the regional transport authority, which is expected to decide before the end of the year.",
]
# The JSON-LD body says the last sentence a little differently, so a test can tell which text won.
STRUCTURED_LAST = "The plan still needs the consent of the regional transport authority, which should decide before the end of the year."


def html_capture(html: str) -> Capture:
    return Capture(slug="page", path=Path("page.html"), kind="html", data=html.encode())  # type: ignore[arg-type]


def page(json_ld: str = "", body: str = "") -> str:
    body = body or "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
    script = f'<script type="application/ld+json">{json_ld}</script>' if json_ld else ""
    return f"""<html lang="en"><head><title>Council expands bus network | Example News</title>
    <meta property="og:title" content="Council expands bus network">
    <meta name="description" content="Three new routes for the north.">{script}</head>
    <body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
    <article><h1>Council expands bus network</h1>{body}</article><footer>© 2021 Example News</footer></body></html>"""


def graph_with_body(article_body: str) -> str:
    """A JSON-LD block as pages write it: "</" escaped, so that it cannot close the script."""
    return json_ld_text({"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Example News"},
        {"@type": "NewsArticle", "headline": "Council expands bus network", "articleBody": article_body},
    ]})


def json_ld_text(data: object) -> str:
    return json.dumps(data).replace("</", "<\\/")


def test_a_json_ld_article_body_in_a_graph_with_markup_and_references_becomes_the_plain_text():
    markup = "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS[:3]) + f"<p>{STRUCTURED_LAST}</p>"
    # Twice-encoded references (&amp;quot;) are common in these blocks.
    markup = markup.replace("“", "&amp;ldquo;").replace("”", "&amp;rdquo;") + "<script>alert(1)</script>"
    article = normalize(html_capture(page(graph_with_body(markup))))
    assert article.paragraphs == (*PARAGRAPHS[:3], STRUCTURED_LAST)
    assert not any(mark in article.text for mark in ("<", ">", "&", "alert"))


def test_a_json_ld_article_body_in_a_top_level_list_is_found():
    items = json_ld_text([{"@type": "Organization", "name": "Example"},
                        {"@type": "Article", "articleBody": "\n\n".join([*PARAGRAPHS[:3], STRUCTURED_LAST])}])
    assert normalize(html_capture(page(items))).paragraphs[-1] == STRUCTURED_LAST


def test_a_teaser_length_article_body_is_ignored():
    article = normalize(html_capture(page(graph_with_body("The city council voted on Tuesday to expand the bus network."))))
    assert article.paragraphs == tuple(PARAGRAPHS)


@pytest.mark.parametrize("json_ld", [
    '{"@type": "NewsArticle", "articleBody": "unterminated',
    "[" * 100_000,
    '{"@graph": 5}',
    '{"@graph": [1, "x", null, {"articleBody": 7}]}',
    '{"@type": "NewsArticle", "articleBody": ["a", "list"], "headline": {"x": 1}, "author": [[["deep"]]]}',
    '"just a string"',
    "null",
    "<p>not json</p>",
])
def test_malformed_or_mistyped_json_ld_is_ignored_and_the_page_still_reads(json_ld):
    article = normalize(html_capture(page(json_ld)))
    assert article.paragraphs == tuple(PARAGRAPHS)
    assert article.title == "Council expands bus network"


def test_an_html_comment_inside_a_paragraph_does_not_cut_the_text_short():
    body = "".join(f"<p>{paragraph[:40]}<!-- ad slot -->{paragraph[40:]}</p>" for paragraph in PARAGRAPHS)
    assert normalize(html_capture(page(body=body))).paragraphs == tuple(PARAGRAPHS)


def test_page_structure_reads_headlines_descriptions_marked_body_and_json_ld():
    tree = parse_html(page(graph_with_body("<p>One &amp;amp; two</p><p>Three</p>"),
                           body='<div itemprop="articleBody"><p>Inside the body.</p></div>'))
    structure = page_structure(tree)
    assert "council expands bus network" in structure.headlines
    assert structure.descriptions == frozenset({"three new routes for the north"})
    assert structure.marked_body == "inside the body"
    assert structure.structured_bodies == ("One & two\nThree",)


def test_leading_headline_and_address_lines_are_dropped_and_the_dek_kept_by_default():
    structure = PageStructure(headlines=frozenset({"council expands bus network"}),
                              descriptions=frozenset({"three new routes for the north"}))
    text = "Council expands bus network\nhttps://example.org/news/buses\nThree new routes for the north.\n" + "\n".join(PARAGRAPHS)
    assert article_paragraphs(text, structure) == ["Three new routes for the north.", *PARAGRAPHS]
    dek_too = replace(DEFAULT_SETTINGS, leading_dek=True)
    assert article_paragraphs(text, structure, dek_too) == PARAGRAPHS
    # A later line that repeats the headline is the article's own.
    assert article_paragraphs("\n".join([*PARAGRAPHS, "Council expands bus network"]), structure)[-1] == "Council expands bus network"


def test_the_marked_body_bounds_the_text_unless_it_holds_too_little_of_it():
    structure = PageStructure(marked_body=" ".join(re.findall(r"\w+", " ".join(PARAGRAPHS).casefold())))
    settings = replace(DEFAULT_SETTINGS, marked_body_share=0.5)
    text = "\n".join([*PARAGRAPHS, "Sign up for our newsletter"])
    assert article_paragraphs(text, structure, settings) == PARAGRAPHS
    partial = PageStructure(marked_body="the city council voted on tuesday")
    assert article_paragraphs(text, partial, settings) == [*PARAGRAPHS, "Sign up for our newsletter"]


# -- the page's text exactly as written ----------------------------------------------------------
_ENTITY_LIKE = st.lists(st.sampled_from(["&", "#60;", "&#60;", "&amp;", "&lt;", "&para", "&copy;", "lt;", "script", "x", " ", "AT&T"]),
                        min_size=1, max_size=12).map("".join)


@settings(max_examples=60, deadline=None)
@given(_ENTITY_LIKE)
def test_what_a_page_shows_is_what_its_article_text_says(shown):
    # A page that shows "&#60;script&#62;" (written &amp;#60;...) must not read "<script>": the
    # text is decoded once, by the HTML parser, and never again.
    sentence = "The ministry said the troops had left the area near the river crossing at dawn. "
    page = (f"<html><head><title>Report</title></head><body><article><p>{sentence * 3}</p>"
            f"<p>Officials quoted the sign that read {html_module.escape(shown)} in full, and the crowd outside the town hall repeated it.</p>"
            f"<p>{sentence * 3}</p></article></body></html>")
    article = normalize(Capture("p", Path("p.html"), "html", page.encode()))
    assert " ".join(f"that read {shown} in full".split()) in " ".join(article.text.split())
