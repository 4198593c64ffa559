"""The built site, made from content in which every value is hostile, runs only the theme's code.

A site built from the sample content is the reference: every script and style element of the
hostile site must be one the theme also puts in the clean site, and nothing anywhere may carry
an event handler, an unsafe URL, a frame, an object or a redirect.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import lxml.html
import pytest

from conftest_security import hostile_and_clean_sites, invisible_controls, live_markup, load_vectors

RELATIVE_PATH = re.compile(r"(\.\./)+|\"\.\.?\"")
FORBIDDEN_ANYWHERE = {"iframe", "frame", "object", "embed", "applet", "base", "portal"}
UNSAFE_URL = re.compile(r"^\s*(javascript|data|vbscript):", re.IGNORECASE)


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> tuple[Path, Path]:
    return hostile_and_clean_sites(tmp_path_factory)


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def theme_code(page: lxml.html.HtmlElement) -> set[tuple[str, str]]:
    """Script and style elements, with the page's depth taken out of relative paths."""
    return {
        (element.tag, element.get("src", "") + RELATIVE_PATH.sub("", element.text or ""))
        for element in page.iter("script", "style")
    }


@pytest.mark.slow
def test_the_hostile_site_runs_only_the_themes_scripts(sites):
    hostile, clean = sites
    allowed = set().union(*(theme_code(lxml.html.parse(str(p)).getroot()) for p in pages(clean)))
    built = pages(hostile)
    assert len(built) > 100
    for path in built:
        extra = theme_code(lxml.html.parse(str(path)).getroot()) - allowed
        assert not extra, f"{path}: {extra}"


def test_nothing_in_the_hostile_site_carries_a_handler_a_frame_or_an_unsafe_url(sites):
    hostile, _ = sites
    for path in pages(hostile):
        for element in lxml.html.parse(str(path)).getroot().iter():
            if not isinstance(element.tag, str):
                continue
            assert element.tag not in FORBIDDEN_ANYWHERE, path
            assert not (element.tag == "meta" and element.get("http-equiv", "").lower() == "refresh"), path
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), f"{path}: <{element.tag} {name}>"
                assert not UNSAFE_URL.match(value), f"{path}: <{element.tag} {name}={value!r}>"


def test_article_content_is_inert_html(sites):
    hostile, _ = sites
    for path in pages(hostile):
        for content in lxml.html.parse(str(path)).getroot().find_class("md-content__inner"):
            inner = "".join(lxml.html.tostring(child, encoding="unicode") for child in content)
            assert live_markup(inner, allowed_elements=frozenset({"svg"})) == [], path  # svg: the theme's icons


def test_titles_are_plain_text_in_the_head_and_the_header(sites):
    hostile, _ = sites
    for path in pages(hostile):
        root = lxml.html.parse(str(path)).getroot()
        titles = root.findall(".//title")
        assert len(titles) == 1 and not set("<>") & set(titles[0].text_content()), path
        for header in root.find_class("md-header__topic"):
            assert list(header.iter("script")) == [], path


def test_no_title_header_or_heading_holds_a_bidirectional_or_invisible_control(sites):
    hostile, _ = sites
    assert any("Right" in p.read_text(encoding="utf-8") for p in pages(hostile / "articles"))  # the vector was built
    for path in pages(hostile):
        root = lxml.html.parse(str(path)).getroot()
        shown = [*root.iter("title", "h1", "h2", "h3", "h4", "h5", "h6"), *root.find_class("md-header__topic"),
                 *root.find_class("md-nav__link")]
        for element in shown:
            text = " ".join(element.text_content().split())  # the theme's own indentation
            assert not invisible_controls(text), f"{path}: <{element.tag}> {text!r}"


def test_captured_text_shows_as_written_in_the_site(sites):
    hostile, _ = sites
    shown = "\n".join(lxml.html.parse(str(p)).getroot().text_content() for p in pages(hostile / "articles"))
    for vector in ("{{ 7*7 }}", '--8<-- "/etc/passwd"', "<script>window.__pwned=1;alert(1)</script>", "<!-- hidden comment -->"):
        assert vector in shown


def test_the_search_index_holds_article_text_as_text(sites):
    """Pagefind stores what readers see, as text; its UI prints it escaped (the browser test runs it)."""
    hostile, _ = sites
    fragments = [
        json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        for path in (hostile / "pagefind" / "fragment").glob("*.pf_fragment")
    ]
    assert fragments and all(f["url"].startswith("/articles/") for f in fragments)
    contents = "\n".join(f["content"] for f in fragments)
    assert "<script>window.__pwned=1;alert(1)</script>" in contents


def test_articles_json_is_data_keeping_values_as_written(sites):
    hostile, _ = sites
    records = json.loads((hostile / "data" / "articles.json").read_text(encoding="utf-8"))["articles"]
    titles = {record["title"] for record in records}
    assert "{{ 7*7 }}" in titles
    assert all(record["url"] is None or record["url"].startswith(("http://", "https://")) for record in records)


def test_every_bad_value_that_was_refused_was_reported(sites):
    hostile, _ = sites
    problems = (hostile.parent / "problems.txt").read_text(encoding="utf-8")
    for n in range(len(load_vectors())):
        assert re.search(rf"v{n:03d}-saved\.yml:1:\d+: error: url: must be an http:// or https:// URL", problems)
    assert "outlets.yml" in problems and "sources.0.url" in problems
