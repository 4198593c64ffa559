"""Pages whose Markdown is alike, converted once: the site is the one that converting every page
makes, file for file, and a Markdown that is more than headings and placeholders is converted
as it is."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from conftest import build_sample_with_settings
from digest.site.converted_once import ConvertedOnce


@pytest.fixture
def made(monkeypatch):
    """Every ConvertedOnce a build makes."""
    made: list[ConvertedOnce] = []
    original = ConvertedOnce.__init__

    def recording(self, enabled):
        original(self, enabled)
        made.append(self)

    monkeypatch.setattr(ConvertedOnce, "__init__", recording)
    return made


@pytest.mark.parametrize("settings", [
    "",
    "use_directory_urls: false\n",
    "markdown_extensions:\n  - toc:\n      permalink: true\n  - attr_list\n",
], ids=["folder URLs", "file URLs", "permalinks"])
def test_a_site_converted_once_per_shape_is_the_site_with_every_page_converted(tmp_path, monkeypatch, made, settings):
    once = build_sample_with_settings(tmp_path, settings, "once")
    assert made[-1].reused >= 4  # six article pages, one or two shapes
    monkeypatch.setattr(ConvertedOnce, "markdown", lambda self, path, markdown: markdown)
    assert build_sample_with_settings(tmp_path, settings, "every") == once


@pytest.mark.parametrize("settings", [
    "plugins:\n  - digest\n  - tags\n",
    # Appends a file to every page: its links are relative to each page, so pages of one shape differ.
    "markdown_extensions:\n  - toc\n  - pymdownx.snippets:\n      base_path: [snippets]\n      auto_append: [footer.md]\n",
    # Previews links by the page it is on: the permalinks of pages of one shape differ.
    "markdown_extensions:\n  - toc:\n      permalink: true\n  - material.extensions.preview:\n"
    "      sources:\n        include: [articles/duran-immortal-regiment-aleppo.md]\n",
], ids=["another plugin", "an extension that reads files", "an extension that reads the page"])
def test_what_may_make_pages_of_one_shape_differ_turns_it_off(tmp_path, made, settings):
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "footer.md").write_text("Featured: [an article](/articles/duran-immortal-regiment-aleppo.md)\n")
    build_sample_with_settings(tmp_path, settings, "site")
    assert made and all(once.reused == 0 for once in made)


PLACEHOLDER = '<div data-digest-fragment="{}-{}"></div>'


def _markdown(token: str, heading: str = "## Editor's summary") -> str:
    return f"{PLACEHOLDER.format(token, 1)}\n\n{heading}\n{PLACEHOLDER.format(token, 2)}\n"


def _converted(markdown: str) -> str:
    """A stand-in converter that, like a real one, can tell the pages' Markdown apart."""
    return f"<p>{len(markdown)}</p>" + markdown.replace("## ", "<h2>")


def test_only_markdown_of_plain_headings_and_placeholders_is_shared():
    once = ConvertedOnce(enabled=True)
    first, second = "a" * 32, "b" * 32
    page = SimpleNamespace(toc=["toc"], present_anchor_ids={"editors-summary"}, _title_from_render=None)
    assert once.markdown("one.md", _markdown(first)) == _markdown(first)
    assert once.html("one.md", _converted(_markdown(first)), page) == _converted(_markdown(first))
    alike = SimpleNamespace(toc=[], present_anchor_ids=set(), _title_from_render="x")
    assert once.markdown("two.md", _markdown(second)) == ""
    assert once.html("two.md", "", alike) == _converted(_markdown(first)).replace(first, second)
    assert (alike.toc, alike.present_anchor_ids, alike._title_from_render) == (["toc"], {"editors-summary"}, None)
    for heading in ("## [a link](x.md)", "## *emphasis*", "## Title {#id}", "Some text", "## <b>tag</b>"):
        markdown = _markdown(second, heading)
        assert once.markdown("three.md", markdown) == markdown
        assert once.html("three.md", _converted(markdown), page) == _converted(markdown)
    assert once.markdown("four.md", "## Plain heading\n") == "## Plain heading\n"  # no placeholder: nothing to share
