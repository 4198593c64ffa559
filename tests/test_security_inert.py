"""Nothing from a capture or a sidecar becomes live in the generated pages (unit level).

Every field of a digest is filled with each vector of the injection corpus; each page is turned
into HTML by the site's own Markdown extensions and searched for anything that could act.
The built site itself is checked in test_security_site.py and in a browser in
test_security_browser.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest_security import bidi_controls, front_matter, invisible_controls, live_markup, load_vectors, page_to_html, set_aside_by_markdown, visible_text
from digest.site.escaping import editor_markdown, heading_text, safe_url, shown_text, xml_name, xml_text
from digest.extract.normalize import normalize
from digest.records import Capture, EnrichedArticle, Entity, EntityMention, LinkedDigest, Outlet, RelatedLink, Source, Story
from digest.site.render import article_page, render_site

VECTORS = load_vectors()
TITLE_BREAKERS = set("<>&\"'`{}")


def hostile_digest(vector: str) -> LinkedDigest:
    """A digest in which every value that comes from content is ``vector``."""
    outlet = Outlet(
        id="evil", name=vector, domains=(vector,), rating="low", ownership=vector, stance=vector, note=vector,
        sources=(Source(vector, vector), Source(vector, "javascript:alert(1)"), Source(vector, "data:text/html,x")),
        reviewed="2024-01-01",
    )
    mention = EntityMention(entity_id="ent", name=vector, kind="person", surface="Mention", paragraph=0, start=0, end=7)
    paragraph = f"Mention {vector}"
    first = EnrichedArticle(
        id="a", title=vector, paragraphs=(paragraph, vector), subtitle=vector, published="2024-01-02", byline=vector,
        url=vector, outlet_id="evil", outlet_name=vector, summary=vector, summary_status="draft", reviewer=vector,
        reviewed="2024-01-03", tags=(vector, "plain"), entities=(mention,),
    )
    second = EnrichedArticle(id="b", title=vector, paragraphs=(vector,), url="javascript:alert(1)", outlet_id="unprofiled", outlet_name=vector)
    return LinkedDigest(
        articles=(first, second),
        outlets={"evil": outlet},
        related={"a": (RelatedLink("b", vector),), "b": (RelatedLink("a", vector),)},
        stories={"s": Story("s", vector, ("a", "b"))},
        story_of={"a": "s", "b": "s"},
        entities={"ent": Entity("ent", vector, "person", (vector,), vector)},
        title=vector,
        description=vector,
    )


@pytest.mark.parametrize("vector", VECTORS)
def test_every_page_is_inert_whatever_the_content(vector):
    site = render_site(hostile_digest(vector))
    for page in site.pages:
        html = page_to_html(page.markdown)
        assert live_markup(html) == [], (page.path, html)
        assert set_aside_by_markdown(page.markdown), page.path
        assert not TITLE_BREAKERS & set(front_matter(page.markdown)["title"]), page.path
    assert not TITLE_BREAKERS & set(site.title), "the site name is printed raw by the theme"


@pytest.mark.parametrize("vector", VECTORS)
def test_captured_text_shows_exactly_as_written(vector):
    site = render_site(hostile_digest(vector))
    page = {p.path: p for p in site.pages}[article_page("a")]
    text = visible_text(page_to_html(page.markdown))
    assert " ".join(shown_text(vector).split()) in text  # white space folded, controls dropped


@pytest.mark.parametrize("vector", VECTORS)
def test_articles_json_is_data_that_keeps_values_as_written(vector):
    site = render_site(hostile_digest(vector))
    records = json.loads(site.data_files["data/articles.json"])["articles"]
    assert records[0]["title"] == vector and records[0]["byline"] == vector


def test_jinja_delimiters_in_content_are_not_evaluated():
    site = render_site(hostile_digest("{{ 7*7 }} {% if true %}yes{% endif %}"))
    page = {p.path: p for p in site.pages}[article_page("a")]
    text = visible_text(page_to_html(page.markdown))
    assert "{{ 7*7 }}" in text and "49" not in text
    assert "{% if true %}yes{% endif %}" in text


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "data:text/html,x",
                                 "vbscript:x", "file:///etc/passwd", "//evil.example/x", "/relative", "http:", "https://",
                                 'https://a.example/"onmouseover="x', "https://a.example/<x>", "https://a.example/\x00",
                                 "https://a.example/ x", "java\tscript:alert(1)", "http://[::1"])
def test_unsafe_urls_are_refused(url):
    assert safe_url(url) is None


def test_http_and_https_urls_are_kept():
    assert safe_url("https://example.org/a?b=c&d=e#f") == "https://example.org/a?b=c&d=e#f"
    assert safe_url("HTTP://example.org/") == "HTTP://example.org/"


def test_editors_markdown_still_renders_emphasis_lists_and_web_links():
    html = page_to_html(str(editor_markdown("Some *emphasis* and **strong**.\n\n- one\n- two\n\n[site](https://example.org/x)")))
    assert "<em>emphasis</em>" in html and "<strong>strong</strong>" in html
    assert html.count("<li>") == 2
    links = lxml.html.fromstring(html).iter("a")
    assert [(a.get("href"), a.get("rel")) for a in links] == [("https://example.org/x", "nofollow noopener noreferrer")]
    assert live_markup(html) == []


@pytest.mark.parametrize("link", ["[x](javascript:alert(1))", "[x](data:text/html,hi)", "<javascript:alert(1)>",
                                  "[x][r]\n\n[r]: javascript:alert(1)", "![x](javascript:alert(1))", "[x](//evil.example)"])
def test_editors_markdown_refuses_unsafe_links(link):
    html = page_to_html(str(editor_markdown(link)))
    assert "<a " not in html and "<img" not in html


def test_editors_markdown_loads_no_images():
    html = page_to_html(str(editor_markdown("![tracker](https://example.org/pixel.png)")))
    assert "<img" not in html


def test_editors_raw_html_and_comments_show_as_text():
    html = page_to_html(str(editor_markdown("<b onclick=x>bold</b> <!-- note --> <script>x()</script>")))
    assert live_markup(html) == []
    assert "<b onclick=x>bold</b> <!-- note --> <script>x()</script>" in visible_text(html)


INVISIBLES = st.sampled_from(["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
                              "\u200e", "\u200f", "\u061c", "\u200b", "\u2060", "\ufeff", "\u00ad", "\x1b", "\x00",
                              "\u115f", "\u1160", "\u3164", "\uffa0", "\u034f", "\u180e", "\u2061", "\U000e0041"])


@pytest.mark.slow  # a whole digest built and checked many times over: CI runs it, the fast subset skips it
@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(INVISIBLES, st.text(alphabet="Abc <>&", max_size=3)), min_size=1, max_size=12).map("".join))
def test_no_title_or_heading_holds_a_bidirectional_or_invisible_control(title):
    site = render_site(hostile_digest(title))
    assert not invisible_controls(site.title)
    for page in site.pages:
        assert not invisible_controls(front_matter(page.markdown)["title"]), page.path
        for heading in lxml.html.fromstring(f"<div>{page_to_html(page.markdown)}</div>").iter("h1", "h2", "h3", "h4", "h5", "h6"):
            assert not invisible_controls(heading.text_content()), (page.path, heading.text_content())


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.characters(), INVISIBLES), max_size=30).map("".join))
def test_no_shown_value_keeps_a_bidi_control_and_no_name_an_invisible_character(value):
    # Body text, citation tags and every other shown value lose the bidi controls (marks
    # included); titles, names and headings lose everything invisible too.
    assert not bidi_controls(shown_text(value)) and not bidi_controls(xml_text(value))
    assert not invisible_controls(heading_text(value)) and not invisible_controls(xml_name(value))


def test_bidirectional_overrides_are_removed_but_joiners_kept():
    assert "\u202e" not in shown_text("a\u202eb") and "\u2067" not in shown_text("a\u2067b")
    assert "\u200c" in shown_text("می\u200cخواهم")  # Persian needs the zero-width non-joiner


def test_a_captured_page_s_unsafe_canonical_link_is_dropped():
    page = (
        '<html><head><link rel="canonical" href="javascript:alert(1)"><title>T</title></head><body><h1>T</h1>'
        + "<p>The ministry said on Monday that its troops had left the city after long talks with the council.</p>" * 4
        + "</body></html>"
    )
    assert normalize(Capture("p", Path("p.html"), "html", page.encode()), {}).url is None


_EDITOR_PIECES = st.sampled_from([
    "\\# ", "# ", "## ", "###### ", "    ", "\t", "\n", "\n\n", "```\n", "~~~\n", "> ", "- ", "1. ", "---\n", "===\n",
    "[x](javascript:window.__pwned=1)", "![i](https://x.example/a.png)", "<b>bold</b>", "[[TOC]]", "*em*", "`code`",
    "{: onclick=alert(1) }", "--8<-- \"/etc/passwd\"", "text", "Orontes bridge",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_EDITOR_PIECES, min_size=1, max_size=25).map("".join))
def test_no_line_of_editors_markdown_is_ever_taken_for_a_page_heading(text):
    """Editors' Markdown becomes HTML inside a page whose only Markdown is its template's headings.
    Whatever lines the editor writes (escaped "#", code blocks, headings of their own), the
    page's headings are the template's, and nothing in the page can act."""
    def pages(value: str) -> dict:
        digest = hostile_digest("plain")
        outlet = Outlet(**{**digest.outlets["evil"].__dict__, "note": value})
        first = EnrichedArticle(**{**digest.articles[0].__dict__, "summary": value})
        entity = Entity(**{**digest.entities["ent"].__dict__, "note": value})
        changed = LinkedDigest(**{**digest.__dict__, "articles": (first, digest.articles[1]), "outlets": {"evil": outlet},
                                  "entities": {"ent": entity}, "description": value})
        return {page.path: page for page in render_site(changed).pages}

    plain, hostile = pages("plain"), pages(text)
    assert plain.keys() == hostile.keys()
    for path, page in hostile.items():
        headings = [line for line in page.source.splitlines() if line.startswith("#")]
        assert headings == [line for line in plain[path].source.splitlines() if line.startswith("#")], path
        assert live_markup(page_to_html(page.markdown)) == [], path
        assert set_aside_by_markdown(page.markdown), path


def test_shown_text_folds_every_line_break_and_drops_every_control_even_in_otherwise_plain_text():
    from digest.site.escaping import _BREAKS, shown_text

    for code in _BREAKS:  # the quick check for text with nothing to change must see each of them
        assert shown_text(f"plain {chr(code)}text") == "plain  text"
    for hidden in ("\x00", "\x1b", "\x9f", "\u202e", "\u2066", "\ud800"):
        assert shown_text(f"plain{hidden} text") == "plain text"
    assert shown_text("plain text, nothing to change") == "plain text, nothing to change"


# A digest's own template may write Markdown and print values into it (README, "Changing the look"),
# plainly, through Jinja filters that return Markup (e, join, ~ with a helper's Markup)
# and through filter blocks (whose result Jinja writes as it is, a line break put in a value included).
MARKDOWN_PRINTING_VALUES = """
## Related to {{ article.title | heading }}

Read {{ link(article.title, page_path, article_page(article.id)) }} by {{ article.byline }}, from
{{ outlet_badge(article.outlet_id, page_path) }}: {{ article.subtitle }} *{{ article.tags | join(", ") }}*

{{ article.title }}

{{ article.title | e }} {{ outlet_badge(article.outlet_id, page_path) ~ " " ~ article.title }} {{ article.tags | join(", ") | e }}

{{ article.summary | e }} {% filter striptags %}{{ article.title }}{% endfilter %}

{{ paragraphs | join("\\n\\n") }}

{% filter replace(" # ", "\\n# ") %}{{ article.tags | join(" ") }}{% endfilter %}

About <span title="{{ article.title }}">this</span>, from {{ article.url | urlize }} *emphasis*

Source: <{{ article.url }}> (where it was captured). Byline:
{{ article.byline }}

{{ article.title }}

## Printed values end

"""
# Marks forged from content, a value's line that would be a heading, bare addresses, attribute lists.
FORGED = "Beta \ufdd1[forged](javascript:alert(23))\ufdd0 title"
HEADING_LINE = "# Heading [click](javascript:alert(1)) here"
MORE_LINES = "[second](javascript:alert(2)) ![x](https://evil.example/a.png){: onerror=alert(3) } www.evil.example.com/phish"


def test_values_a_digest_s_own_template_prints_into_markdown_stay_text(tmp_path):
    import markdown
    import yaml

    from conftest_security import site_markdown_extensions, write_hostile_content
    from digest.pipeline import build_pages
    from digest.site.render import TEMPLATES_DIR

    content = write_hostile_content(tmp_path / "content")
    (content / "articles" / "vforged.txt").write_text(f"{FORGED}\n\n{HEADING_LINE}\n\n{MORE_LINES}\n\n{FORGED}\n", encoding="utf-8")
    (content / "articles" / "vforged.yml").write_text(yaml.safe_dump({
        "title": FORGED, "byline": FORGED, "tags": [FORGED, HEADING_LINE], "summary": f"`{FORGED}` {MORE_LINES}",
        "url": "https://x.org/[y](x/autofocus/onfocus=alert(5)//)"}), encoding="utf-8")
    # A value alone on a line under the template's (a setext underline), opening a block, or
    # naming a tag after the template's "<" (its path segments its attributes).
    (content / "articles" / "vlines.txt").write_text(f"/// details\n\n{PROSE_FOR_FILTERS}\n", encoding="utf-8")
    (content / "articles" / "vlines.yml").write_text(yaml.safe_dump({
        "title": "/// details", "byline": "---", "url": "https://e.org/x/contenteditable/autofocus/hidden"}), encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    packaged = (TEMPLATES_DIR / "article.md.j2").read_text(encoding="utf-8")
    (templates / "article.md.j2").write_text(packaged.replace("## Article text", MARKDOWN_PRINTING_VALUES + "## Article text"))
    # Extensions that add syntax a value could use: attribute lists (event handlers), bare links, marks, blocks.
    extensions = [*site_markdown_extensions(), "attr_list", "abbr", "pymdownx.magiclink", "pymdownx.tilde", "pymdownx.caret",
                  "pymdownx.details", "pymdownx.blocks.details"]
    site = build_pages(content, tmp_path / "cache", template_overrides=(templates,))
    checked = 0
    for page in site.pages:
        if not page.path.startswith("articles/v") or "Related to" not in page.body:
            continue
        html = markdown.markdown(page.markdown.split("\n---\n", 1)[1], extensions=extensions)
        assert live_markup(html) == [], page.path
        assert "\ufdd0" not in html and "\ufdd1" not in html, page.path
        root = lxml.html.fromstring(f"<div>{html}</div>")
        title = root.find(".//h1").text_content()  # printed into HTML by the packaged part of the template
        headings = [h for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        names = [h.text_content() for h in headings]
        start, end = (next(n for n, name in enumerate(names) if name.startswith(text)) for text in ("Related to", "Printed values end"))
        assert names[start].split() == f"Related to {title}".split(), page.path  # every character shown, none read as Markdown
        assert end == start + 1, (page.path, names[start:end + 1])  # no line of a value became a heading
        between = False
        for element in root.iter():
            if element is headings[start] or element is headings[end]:
                between = element is headings[start]
                continue
            if between:  # what the template printed: the helpers' links and its own emphasis, nothing a value made
                assert element.tag in ("p", "a", "span", "em", "div"), (page.path, element.tag)
                assert set(element.attrib) <= {"href", "class", "title", "rel"}, (page.path, element.attrib)
                # the helpers' links between pages, and urlize's of the article's own address
                assert element.get("href", "..").startswith(("..", "./", "https://")), (page.path, element.get("href"))
        checked += 1
    assert checked >= len(VECTORS) + 2


def test_a_filter_block_that_moves_the_value_marks_leaves_no_markdown_on_the_page(tmp_path, make_content):
    """``reverse`` puts a value's closing mark before its opening one: no mark is trusted then."""
    import markdown

    from digest.pipeline import build_pages

    reversed_link = "[x](javascript:alert(1))"[::-1]
    content = make_content({"articles/a.txt": f"{reversed_link}\n\n{PROSE_FOR_FILTERS}\n", "articles/a.yml": "summary: S.\n"})
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "article.md.j2").write_text("## Heading\n\nTitle: {% filter reverse %}{{ article.title }}{% endfilter %} *x*\n")
    page = next(p for p in build_pages(content, tmp_path / "cache", template_overrides=(templates,)).pages if p.path == "articles/a.md")
    html = markdown.markdown(page.markdown.split("\n---\n", 1)[1])
    assert live_markup(html) == [] and "<a" not in html and "\ufdd0" not in html and "\ufdd1" not in html
    assert reversed_link[::-1] in visible_text(html)  # shown as text


PROSE_FOR_FILTERS = "The council said on Tuesday that the bridge would take two more years to rebuild, at a higher cost."
