"""Theme blocks rendered once and reused on the pages off the nav: the site is the one that
rendering every block on every page makes, file for file."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from conftest import build_sample_with_settings
from digest.site.theme_blocks import SharedThemeBlocks


@pytest.fixture
def made(monkeypatch):
    """Every SharedThemeBlocks a build makes."""
    made: list[SharedThemeBlocks] = []
    for_site = SharedThemeBlocks.for_site.__func__

    def recording(cls, config, nav, files):
        made.append(for_site(cls, config, nav, files))
        return made[-1]

    monkeypatch.setattr(SharedThemeBlocks, "for_site", classmethod(recording))
    return made


@pytest.mark.parametrize("settings", ["", "use_directory_urls: false\n"], ids=["folder URLs", "file URLs"])
def test_a_site_with_shared_blocks_is_the_site_with_every_block_rendered(tmp_path, monkeypatch, made, settings):
    shared = build_sample_with_settings(tmp_path, settings, "shared")
    assert made[-1].reused > 100  # 6 articles and 48 entity pages share four blocks
    monkeypatch.setattr(SharedThemeBlocks, "_key", lambda self, name, page: None)
    assert build_sample_with_settings(tmp_path, settings, "rendered") == shared


@pytest.mark.parametrize("settings", [
    "theme:\n  name: material\n  custom_dir: overrides\n",
    "plugins:\n  - digest\n  - tags\n",
    "theme:\n  name: mkdocs\n",
], ids=["own theme folder", "another plugin", "another theme"])
def test_what_may_read_more_of_a_page_turns_reuse_off(tmp_path, made, settings):
    (tmp_path / "overrides").mkdir()
    build_sample_with_settings(tmp_path, settings, "site")
    assert made and all(blocks.reused == 0 for blocks in made)


def _page(url: str, toc=(), meta=None):
    return SimpleNamespace(url=url, toc=list(toc), meta=meta or {})


def test_a_page_renders_its_own_blocks_where_its_links_differ_from_its_neighbours():
    blocks = SharedThemeBlocks(nav_urls={"", "articles/"}, target_urls={"", "articles/", "assets/app.js", "a/b/c.png"})
    assert blocks._key("tabs", _page("articles/")) is None  # in the nav: its tab is active
    assert blocks._key("tabs", _page("assets/")) is None  # "assets/app.js" is "app.js" from here
    assert blocks._key("tabs", _page("a/b/")) is None
    assert blocks._key("tabs", _page("a/")) is None
    assert blocks._key("tabs", _page("articles/one/")) == blocks._key("tabs", _page("articles/two/"))
    assert blocks._key("tabs", _page("articles/one.html")) == blocks._key("tabs", _page("articles/two.html"))
    assert blocks._key("tabs", _page("articles/one/")) != blocks._key("tabs", _page("outlets/one/"))
    assert blocks._key("tabs", _page("articles/one/")) != blocks._key("tabs", _page("articles/one/two/"))
    assert blocks._key("tabs", _page("b/")) is not None


def test_the_home_page_off_the_nav_does_not_share_blocks_with_first_level_folders():
    blocks = SharedThemeBlocks(nav_urls=set(), target_urls={"articles/"})
    home = blocks._key("tabs", _page(""))
    assert home is not None and home != blocks._key("tabs", _page("stories/"))  # links start from "." and ".."
    assert home == blocks._key("tabs", _page("index.html")) == blocks._key("tabs", _page("timeline.html"))


def test_pages_share_a_block_only_with_the_same_contents_and_hidden_parts():
    blocks = SharedThemeBlocks(nav_urls=set(), target_urls=set())
    heading = SimpleNamespace(id="summary", title="Summary", level=2, children=[])
    other = SimpleNamespace(id="text", title="Text", level=2, children=[])
    assert blocks._key("site_nav", _page("a/x/", [heading])) != blocks._key("site_nav", _page("a/y/", [other]))
    assert blocks._key("site_nav", _page("a/x/", [heading])) == blocks._key("site_nav", _page("a/y/", [heading]))
    assert blocks._key("footer", _page("a/x/")) != blocks._key("footer", _page("a/y/", meta={"hide": ["footer"]}))
