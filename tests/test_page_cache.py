"""The cache of finished pages: a rebuild is the site a cold build makes, and a page is served
from the cache only when nothing its HTML depends on changed."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from digest.cache import JsonCache
from digest.cli import main
import digest.site.page_cache as page_cache
from digest.site.page_cache import NAMESPACE

ARTICLE = """\
Russian police patrol Manbij

Russian military police began patrols near Manbij on Tuesday, residents said.

The patrols follow an agreement reached in Sochi; about 300 soldiers took part.
"""


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch):
    monkeypatch.setattr(JsonCache, "_remembered", {})


@pytest.fixture
def project(tmp_path, make_content):
    make_content({
        "articles/patrols.txt": ARTICLE,
        "articles/patrols.yml": "summary: Police patrols began near Manbij.\npublished: 2019-10-23\n",
        "articles/talks.txt": ARTICLE.replace("Manbij", "Kobani").replace("patrol", "talk"),
        "articles/talks.yml": "summary: Talks about Kobani.\npublished: 2019-10-24\n",
    })
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(f"INHERIT: {REPO / 'digest' / 'site' / 'mkdocs.yml'}\n", encoding="utf-8")
    return tmp_path


def _build(project: Path, site: str, cache: str = "cache") -> Path:
    result = CliRunner().invoke(main, [
        "build", "--content", str(project / "content"), "--site-dir", str(project / site),
        "--cache-dir", str(project / cache), "--config-file", str(project / "mkdocs.yml"),
    ])
    assert result.exit_code == 0, result.output
    return project / site


def _pages(site: Path) -> dict[str, str]:
    """Every file of the site but Pagefind's bundle (its file names differ from run to run)."""
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*")) if p.is_file() and "pagefind" not in p.relative_to(site).parts
    }


def _entries(project: Path, cache: str = "cache") -> list[Path]:
    return sorted((project / cache / NAMESPACE).glob("*/*/*.html"))


def test_a_rebuild_after_an_edit_is_byte_for_byte_the_cold_build(project):
    _build(project, "site")
    assert _entries(project), "the first build fills the page cache"
    sidecar = project / "content" / "articles" / "patrols.yml"
    sidecar.write_text(sidecar.read_text().replace("Police patrols began", "Joint patrols started"), encoding="utf-8")
    warm = _build(project, "site")
    cold = _build(project, "cold", cache="empty-cache")
    assert _pages(warm) == _pages(cold)
    assert "Joint patrols started" in (warm / "articles" / "patrols" / "index.html").read_text(encoding="utf-8")


def test_an_unchanged_page_comes_from_the_cache_and_a_changed_one_is_rendered(project):
    _build(project, "site")
    entries = _entries(project)
    for entry in entries:  # mark every cached page, to see which ones a rebuild takes from the cache
        entry.write_text(entry.read_text(encoding="utf-8").replace("</body>", "<!-- from the cache --></body>"), encoding="utf-8")
    sidecar = project / "content" / "articles" / "patrols.yml"
    sidecar.write_text(sidecar.read_text().replace("Police patrols began", "Joint patrols started"), encoding="utf-8")
    site = _build(project, "site")
    talks = (site / "articles" / "talks" / "index.html").read_text(encoding="utf-8")
    patrols = (site / "articles" / "patrols" / "index.html").read_text(encoding="utf-8")
    assert "<!-- from the cache -->" in talks
    assert "<!-- from the cache -->" not in patrols and "Joint patrols started" in patrols


def test_pages_in_the_nav_are_never_cached(project):
    site = _build(project, "site")
    cached = {entry.read_text(encoding="utf-8") for entry in _entries(project)}
    assert (site / "index.html").read_text(encoding="utf-8") not in cached
    assert (site / "articles" / "talks" / "index.html").read_text(encoding="utf-8") in cached


def test_a_changed_theme_template_renders_every_page_again(project):
    overrides = project / "overrides"
    overrides.mkdir()
    main_html = overrides / "main.html"
    main_html.write_text('{% extends "base.html" %}{% block footer %}<p>Footer one</p>{% endblock %}', encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        f"INHERIT: {REPO / 'digest' / 'site' / 'mkdocs.yml'}\ntheme:\n  name: material\n  custom_dir: overrides\n", encoding="utf-8")
    _build(project, "site")
    main_html.write_text('{% extends "base.html" %}{% block footer %}<p>Footer two</p>{% endblock %}', encoding="utf-8")
    site = _build(project, "site")
    assert "Footer two" in (site / "articles" / "talks" / "index.html").read_text(encoding="utf-8")


def test_a_changed_setting_renders_every_page_again(project):
    _build(project, "site")
    (project / "mkdocs.yml").write_text(
        f"INHERIT: {REPO / 'digest' / 'site' / 'mkdocs.yml'}\ncopyright: Desk of 2026\n", encoding="utf-8")
    site = _build(project, "site")
    assert "Desk of 2026" in (site / "articles" / "talks" / "index.html").read_text(encoding="utf-8")


def test_another_plugin_turns_the_cache_off(project):
    (project / "mkdocs.yml").write_text(
        f"INHERIT: {REPO / 'digest' / 'site' / 'mkdocs.yml'}\nplugins:\n  - digest\n  - tags\n", encoding="utf-8")
    _build(project, "site")
    assert _entries(project) == []


def test_entries_of_pages_that_are_gone_are_pruned(project):
    _build(project, "site")
    before = len(_entries(project))
    (project / "content" / "articles" / "talks.txt").unlink()
    (project / "content" / "articles" / "talks.yml").unlink()
    _build(project, "site")
    after = _entries(project)
    assert 0 < len(after) < before
    assert all("Kobani" not in entry.read_text(encoding="utf-8") for entry in after)


def test_a_cache_entry_removed_during_a_build_is_a_clear_error_and_the_site_stays(project, monkeypatch):
    site = _build(project, "site")
    before = _pages(site)

    def vanished(path: Path) -> str:
        raise FileNotFoundError(2, "No such file or directory", str(path))

    monkeypatch.setattr(page_cache.PageCache, "read", staticmethod(vanished))
    result = CliRunner().invoke(main, [
        "build", "--content", str(project / "content"), "--site-dir", str(site),
        "--cache-dir", str(project / "cache"), "--config-file", str(project / "mkdocs.yml"),
    ])
    assert result.exit_code != 0
    assert "a cached page could not be read" in result.output and "Traceback" not in result.output
    assert _pages(site) == before
    shutil.rmtree(project / "cache")
    assert _pages(_build(project, "site")) == before


@pytest.mark.parametrize("nav_entry, before, after", [
    # MkDocs reads the title of a page the nav names without one from the page; every header shows it.
    ("about.md", "# About us\n", "# Who we are\n"),
    # Material shows a nav page's subtitle, icon and status in every page's navigation.
    ("About: about.md", "---\nsubtitle: First edition\n---\n# About\n", "---\nsubtitle: Who we are\n---\n# About\n"),
], ids=["without a title", "with a title"])
def test_a_page_named_in_the_nav_keys_every_page(project, nav_entry, before, after):
    (project / "docs" / "about.md").write_text(before, encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        f"INHERIT: {REPO / 'digest' / 'site' / 'mkdocs.yml'}\nnav:\n  - Home: index.md\n  - {nav_entry}\n", encoding="utf-8")
    _build(project, "site")
    (project / "docs" / "about.md").write_text(after, encoding="utf-8")
    warm = _pages(_build(project, "site"))
    assert "Who we are" in (project / "site" / "articles" / "talks" / "index.html").read_text(encoding="utf-8")
    shutil.rmtree(project / "cache")
    assert _pages(_build(project, "cold")) == warm


def test_a_function_named_in_the_configuration_keys_pages_alike_in_every_build(project):
    """Material's emoji recipe names functions (``!!python/name:``), whose repr holds an address."""
    (project / "mkdocs.yml").write_text(
        f"INHERIT: {REPO / 'digest' / 'site' / 'mkdocs.yml'}\nmarkdown_extensions:\n  - toc\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n", encoding="utf-8")
    command = [str(Path(sys.executable).with_name("digest")), "build", "--content", "content", "--site-dir", "site",
               "--cache-dir", "cache", "--config-file", "mkdocs.yml"]
    subprocess.run(command, cwd=project, check=True, capture_output=True)
    first = _entries(project)
    subprocess.run(command, cwd=project, check=True, capture_output=True)  # another process: other addresses
    assert first and _entries(project) == first  # the second build found every page under the same key


def test_a_markdown_extension_that_may_read_files_turns_the_cache_off(project):
    (project / "mkdocs.yml").write_text(
        f"INHERIT: {REPO / 'digest' / 'site' / 'mkdocs.yml'}\nmarkdown_extensions:\n  - toc\n  - pymdownx.snippets\n",
        encoding="utf-8")
    _build(project, "site")
    assert _entries(project) == []


def test_the_config_file_spelt_relative_or_absolute_keys_pages_alike(project, monkeypatch):
    """`mkdocs serve` names the config file as typed on its first build, then absolute."""
    from mkdocs.config import load_config

    monkeypatch.chdir(project)
    fingerprints = set()
    for name in ("mkdocs.yml", str(project / "mkdocs.yml")):
        with open(name, "rb") as opened:  # as serve's -f option hands it over
            fingerprints.add(page_cache.site_fingerprint(load_config(config_file=opened), []))
    assert len(fingerprints) == 1 and None not in fingerprints


def test_a_linked_folder_in_the_theme_counts(project):
    shared = project / "shared" / "partials"
    shared.mkdir(parents=True)
    (shared / "copyright.html").write_text("<p>Partial one</p>", encoding="utf-8")
    (project / "overrides").mkdir()
    (project / "overrides" / "partials").symlink_to(shared, target_is_directory=True)
    (project / "mkdocs.yml").write_text(
        f"INHERIT: {REPO / 'digest' / 'site' / 'mkdocs.yml'}\ntheme:\n  name: material\n  custom_dir: overrides\n", encoding="utf-8")
    _build(project, "site")
    (shared / "copyright.html").write_text("<p>Partial two</p>", encoding="utf-8")
    site = _build(project, "site")
    assert "Partial two" in (site / "articles" / "talks" / "index.html").read_text(encoding="utf-8")


def test_an_installed_package_reinstalled_with_changed_files_changes_the_key(tmp_path, monkeypatch):
    library = tmp_path / "site-packages"
    record = library / "theme-1.0.dist-info" / "RECORD"
    record.parent.mkdir(parents=True)
    record.write_text("theme/main.html,sha256=aaa,10\n")
    monkeypatch.setattr(page_cache, "_installed_library_dirs", lambda: (library,))
    before = page_cache._environment_fingerprint.__wrapped__()
    record.write_text("theme/main.html,sha256=bbb,10\n")  # same version, another template
    assert page_cache._environment_fingerprint.__wrapped__() != before


def test_prune_keeps_another_site_a_build_began_with_lately(tmp_path):
    root = tmp_path / NAMESPACE
    old, newest, in_use = (root / name for name in ("old", "newest", "inuse"))
    for folder in (old, in_use, newest):
        folder.mkdir(parents=True)
    hour_ago = time.time() - 2 * page_cache.IN_USE_SECONDS
    os.utime(old, (hour_ago, hour_ago))
    os.utime(in_use, (time.time() - 60, time.time() - 60))
    current = page_cache.PageCache(tmp_path, "c" * 64)
    current.store("k" * 64, "<html></html>")
    current.prune()
    assert sorted(p.name for p in root.iterdir()) == sorted(["c" * 32, "newest", "inuse"])


@pytest.mark.parametrize("extension", ["pymdownx.snippets", "pymdownx.snippets:SnippetExtension"])
def test_a_markdown_extension_named_in_any_form_that_may_read_files_turns_the_cache_off(project, extension):
    (project / "mkdocs.yml").write_text(
        f"INHERIT: {REPO / 'digest' / 'site' / 'mkdocs.yml'}\nmarkdown_extensions:\n  - toc\n  - {extension}\n", encoding="utf-8")
    from mkdocs.config import load_config

    assert page_cache.site_fingerprint(load_config(config_file=str(project / "mkdocs.yml")), []) is None


def test_only_extensions_known_to_read_nothing_but_the_page_keep_the_cache():
    kept = ["toc", "markdown.extensions.tables", "markdown.extensions.toc:TocExtension", "pymdownx.superfences", "material.extensions.emoji"]
    refused = ["pymdownx.snippets", " pymdownx.snippets : SnippetExtension", "pymdownx.b64", "pymdownx.a_later_module",
               "my_site.includes", "markdown_include.include"]
    assert all(page_cache.reads_only_the_page(name) for name in kept)
    assert not any(page_cache.reads_only_the_page(name) for name in refused)


def test_a_theme_template_printing_the_build_date_turns_the_cache_off(project, monkeypatch):
    (project / "overrides" / "partials").mkdir(parents=True)
    (project / "overrides" / "partials" / "copyright.html").write_text(
        "<p>Built {{ build_date_utc.strftime('%Y-%m-%d') }}</p>", encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        f"INHERIT: {REPO / 'digest' / 'site' / 'mkdocs.yml'}\ntheme:\n  name: material\n  custom_dir: overrides\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")
    _build(project, "site")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    site = _build(project, "site")
    assert "Built 2023-11-14" in (site / "articles" / "talks" / "index.html").read_text(encoding="utf-8")
    assert _entries(project) == []


def _with_site_url(project: Path, url: str, extra: str = "") -> None:
    (project / "mkdocs.yml").write_text(
        f"INHERIT: {REPO / 'digest' / 'site' / 'mkdocs.yml'}\nsite_url: {url}\n{extra}", encoding="utf-8")


def _mark_entries(project: Path) -> None:
    for entry in _entries(project):
        entry.write_text(entry.read_text(encoding="utf-8").replace("</body>", "<!-- from the cache --></body>"), encoding="utf-8")


def test_pages_cached_under_one_site_url_serve_another_with_its_own_canonical_link(project):
    """`mkdocs serve` gives the site its own address: it starts from the pages `digest build` made."""
    _with_site_url(project, "https://desk.example/digest/")
    _build(project, "site")
    _mark_entries(project)
    _with_site_url(project, "http://127.0.0.1:8000/")
    site = _build(project, "served")
    talks = (site / "articles" / "talks" / "index.html").read_text(encoding="utf-8")
    assert "<!-- from the cache -->" in talks
    assert '<link rel="canonical" href="http://127.0.0.1:8000/articles/talks/">' in talks and "desk.example" not in talks
    cold = _build(project, "cold", cache="empty-cache")
    for page in sorted(cold.rglob("*.html")):
        served = (site / page.relative_to(cold)).read_text(encoding="utf-8").replace("<!-- from the cache -->", "")
        assert served == page.read_text(encoding="utf-8"), page


@pytest.mark.parametrize("template", [
    "<p>Home: {{ config.site_url }}</p>", "<p>{{ pages|length }} pages</p>", "<p>{{ page.abs_url }}</p>",
    "{% if page.canonical_url %}<p>At {{ page.canonical_url }}</p>{% endif %}",
])
def test_a_theme_template_of_the_digest_s_own_turns_the_cache_off(project, template):
    """A template may print anything of the build, which no key of a page's inputs can see."""
    (project / "overrides" / "partials").mkdir(parents=True)
    (project / "overrides" / "partials" / "copyright.html").write_text(template, encoding="utf-8")
    theme = "theme:\n  name: material\n  custom_dir: overrides\n"
    _with_site_url(project, "https://desk.example/old/", theme)
    _build(project, "site")
    _with_site_url(project, "https://mirror.example/new/", theme)
    site = _build(project, "site")
    assert _entries(project) == []
    assert _pages(site) == _pages(_build(project, "cold", cache="empty-cache"))
    talks = (site / "articles" / "talks" / "index.html").read_text(encoding="utf-8")
    assert "desk.example" not in talks and "/old/" not in talks


def test_where_the_plugin_reads_and_caches_does_not_key_pages(project, monkeypatch):
    """`digest build` hands the plugin absolute folders; `mkdocs serve` reads them as written."""
    _build(project, "site")
    _mark_entries(project)
    monkeypatch.chdir(project)
    (project / "mkdocs.yml").write_text(
        f"INHERIT: {REPO / 'digest' / 'site' / 'mkdocs.yml'}\nplugins:\n  - digest:\n      content: content\n"
        "      cache_dir: cache\n      watch_by_polling: true\n", encoding="utf-8")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(project / "served"), dev_addr="127.0.0.1:8123")
    config.site_url = "http://127.0.0.1:8123/"
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url=config.site_url)
    assert "<!-- from the cache -->" in (project / "served" / "articles" / "talks" / "index.html").read_text(encoding="utf-8")


def test_the_canonical_link_added_to_a_cached_page_is_an_escaped_attribute_value():
    html = "<html><head><title>t</title></head><body><p>&lt;/head&gt;</p></body></html>"
    linked = page_cache.with_canonical_link(html, 'https://desk.example/a/"><script>alert(1)</script>')
    assert linked.count("<script") == 0 and linked.count("<link") == 1
    assert linked.index('<link rel="canonical" href="https://desk.example/a/&quot;&gt;&lt;script&gt;') < linked.index("</head>")
    assert page_cache.with_canonical_link(html, None) == html
