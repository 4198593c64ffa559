"""The thin adapter between the engine-agnostic core and MkDocs.

The core produces Markdown pages and data files; this plugin hands them to MkDocs as
generated files, adds the packaged theme assets and stylesheet, sets the small navigation of
index pages, and makes `mkdocs serve` watch the content and template folders. Moving to
another engine that reads Markdown means replacing only this file.

`digest build` drives MkDocs the way the `mkdocs build` command does: the configuration is
loaded with its overrides before validation, and the plugin events from startup to shutdown
fire in order.

What the core hands over (RenderedSite) is engine-agnostic: each page is Markdown
(``Page.body``, with its front matter's values as data in ``Page.meta``) plus ready HTML
fragments to write in place of placeholders after the Markdown is converted
(``Page.fragments``). An article's text is such a fragment: escaped by the
core's one escaping path (digest/site/escaping.py), it never passes through Python-Markdown,
which would only scan it for its closing tag at great cost. Each placeholder is a block-level
``<div data-digest-fragment="TOKEN-N"></div>`` with a per-build random token; content cannot
write one, since every value from content reaches a page escaped. This adapter hands MkDocs
``body``, sets ``meta`` as the page's meta (MkDocs then parses no YAML: a second at 10,000
pages), and fills the fragments in ``on_page_content`` (after Markdown, before the theme)
with ``fill_fragments``, which replaces each of the page's placeholders once, in one pass. An
engine that takes no fragments can convert ``Page.markdown``, the whole page as Markdown.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from digest.errors import InputError
from digest.pipeline import build_pages
from digest.records import RenderedSite
from digest.site.converted_once import ConvertedOnce, converts_alike
from digest.site.page_cache import CACHED_PAGE_TEMPLATE, PageCache, nav_paths, page_key, site_fingerprint, with_canonical_link
from digest.site.render import TEMPLATES_DIR, directory_url, file_url, fill_fragments
from digest.site.search import SHARD_BYTES, SearchIndexing
from digest.site.theme_blocks import SHARED_BLOCKS_GLOBAL, SharedThemeBlocks
from digest.site.watching import NotifiedFolders

log = logging.getLogger("mkdocs.plugins.digest")

PACKAGED_CONFIG = Path(__file__).resolve().parent / "mkdocs.yml"
ASSETS_DIR = TEMPLATES_DIR / "assets"
THEME_OVERRIDES_DIR = TEMPLATES_DIR / "overrides"  # Material's pages with Pagefind's search box, citation tags, feed links
STYLESHEET = "stylesheets/digest.css"


def page_url_style(config):
    """How MkDocs will address a page, so that data/articles.json names the right URLs."""
    return directory_url if config.use_directory_urls else file_url


class DigestPluginConfig(Config):
    content = config_options.Type(str, default="content")
    cache_dir = config_options.Type(str, default=".digest-cache")
    templates = config_options.Type(str, default="templates")
    # Bytes of search records (mostly article text) per Pagefind run: a larger digest is indexed in shards (search.py).
    search_shard_bytes = config_options.Type(int, default=SHARD_BYTES)
    watch_by_polling = config_options.Type(bool, default=False)  # see digest/site/watching.py


class DigestPlugin(BasePlugin[DigestPluginConfig]):
    """Set ``prebuilt`` to hand over pages that `digest build` already made."""

    prebuilt: RenderedSite | None = None

    def _config_relative(self, config, value: str) -> Path:
        return self._as_named(config, value).resolve()

    @staticmethod
    def _as_named(config, value: str) -> Path:
        """A folder option as a path beside mkdocs.yml, links not resolved."""
        return Path(os.path.abspath(Path(config.config_file_path).parent / value))

    def template_overrides(self, config) -> tuple[Path, ...]:
        """The digest's own templates/ folder, searched before the packaged templates."""
        folder = self._config_relative(config, self.config.templates)
        return (folder,) if folder.is_dir() and folder != TEMPLATES_DIR else ()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining this hook also keeps one plugin instance across `mkdocs serve` rebuilds.
        self.command = command

    def on_config(self, config):
        content_dir = self._config_relative(config, self.config.content)
        if self.prebuilt is None:
            cache_dir = self._config_relative(config, self.config.cache_dir)
            site = build_pages(
                content_dir, cache_dir, page_url=page_url_style(config), template_overrides=self.template_overrides(config)
            )
            for problem in site.problems:
                (log.warning if problem.severity == "error" else log.info)(str(problem))
        else:
            site, self.prebuilt = self.prebuilt, None
        self.site: RenderedSite | None = site
        config.site_name = site.title
        if not config.nav:
            config.nav = [{title: path} for title, path in site.nav]
        if str(THEME_OVERRIDES_DIR) not in config.theme.dirs:  # after a digest's own custom_dir
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME_OVERRIDES_DIR))
        if STYLESHEET not in map(str, config.extra_css):
            config.extra_css.append(STYLESHEET)
        for folder in self._watched_folders(config):
            if str(folder) not in map(str, config.watch):
                config.watch.append(str(folder))
        return config

    def _watched_folders(self, config) -> tuple[Path, ...]:
        """The folders as named, links not resolved: a link repointed is then a change of the
        watched name (watching.py), where the folder it named would go on being watched."""
        templates = (self._as_named(config, self.config.templates),) if self.template_overrides(config) else ()
        return (self._as_named(config, self.config.content), *templates, TEMPLATES_DIR)

    def on_serve(self, server, config, builder):
        if not self.config.watch_by_polling:
            server.observer = NotifiedFolders(server.observer, self._watched_folders(config))
        return server

    def _page_cache(self, config, files: Files) -> PageCache | None:
        by_path = {page.path: page for page in self.site.pages}
        nav_keys = []
        for path, titled in nav_paths(config.nav):
            file = files.get_file_from_path(path)
            if path in by_path:  # titled, only its being there shows in every page's nav
                nav_keys.append(f"{path}\0page" if titled else page_key(by_path[path]))
            elif file is not None:  # its front matter (subtitle, icon, status) shows in every page's nav
                nav_keys.append(f"{path}\0{hashlib.sha256(file.content_bytes).hexdigest()}")
            else:
                nav_keys.append(f"{path}\0missing")
        fingerprint = site_fingerprint(config, nav_keys)
        return PageCache(self._config_relative(config, self.config.cache_dir), fingerprint) if fingerprint else None

    def on_files(self, files: Files, config) -> Files:
        """Hand over the pages; one whose finished HTML is cached goes in empty, to be replaced whole."""
        self.fragments = {}
        self.converted_once = ConvertedOnce(enabled=converts_alike(config))
        self.cached_html: dict[str, Path] = {}
        self.keys_to_store: dict[str, str] = {}
        self.canonical_urls: dict[str, str | None] = {}
        in_nav = {path for path, _ in nav_paths(config.nav)}
        self.page_cache = self._page_cache(config, files) if self.site.pages else None
        # Each page's front matter goes to MkDocs as data (on_page_markdown), not as YAML it would parse.
        self.page_meta = {page.path: page.meta for page in self.site.pages}
        for page in self.site.pages:
            key = page_key(page) if self.page_cache and page.path not in in_nav else None
            stored = self.page_cache.lookup(key) if key else None
            if stored:
                self.cached_html[page.path] = stored
                files.append(File.generated(config, page.path, content=""))
                continue
            if key:
                self.keys_to_store[page.path] = key
            files.append(File.generated(config, page.path, content=page.body))
            if page.fragments:
                self.fragments[page.path] = page.fragments
        for path, data in self.site.data_files.items():
            files.append(File.generated(config, path, content=data))
        for asset in sorted(p for p in ASSETS_DIR.rglob("*") if p.is_file()):
            uri = asset.relative_to(ASSETS_DIR).as_posix()
            if files.get_file_from_path(uri) is None:  # a digest's docs/ may replace an asset
                files.append(File.generated(config, uri, abs_src_path=str(asset)))
        self._start_search_indexing(config, files)
        # From here MkDocs holds what it needs of the pages: without them, each page's fragments
        # go once its HTML is made (on_page_content), not after the whole site (200 MB at 10,000).
        self.site = None
        return files

    def _start_search_indexing(self, config, files: Files) -> None:
        """Hand the indexed pages to Pagefind now, at the paths MkDocs writes them to, so that it
        indexes while MkDocs renders."""
        indexed = [(files.get_file_from_path(page.path).dest_uri, page) for page in self.site.pages if page.search_filters]
        language = str(config.theme.get("language") or "en")
        self.search_indexing = SearchIndexing(indexed, language, Path(config.site_dir), self.config.search_shard_bytes,
                                              self._config_relative(config, self.config.cache_dir))

    def on_nav(self, nav, config, files):
        self.nav = nav
        return nav

    def on_env(self, env, config, files):
        env.globals[SHARED_BLOCKS_GLOBAL] = SharedThemeBlocks.for_site(config, self.nav, files)
        return env

    def on_page_markdown(self, markdown: str, page, config, files) -> str:
        page.meta.update(self.page_meta.pop(page.file.src_uri, {}))
        if page.file.src_uri in self.cached_html:
            page.meta["template"] = CACHED_PAGE_TEMPLATE
        return self.converted_once.markdown(page.file.src_uri, markdown)

    def on_page_content(self, html: str, page, config, files) -> str:
        html = self.converted_once.html(page.file.src_uri, html, page)
        return fill_fragments(html, self.fragments.pop(page.file.src_uri, ()))

    def on_page_context(self, context, page, config, nav):
        path = page.file.src_uri
        if path in self.cached_html or path in self.keys_to_store:  # its link is added after (with_canonical_link)
            self.canonical_urls[path], page.canonical_url = page.canonical_url, None
        return context

    def on_post_page(self, output: str, page, config) -> str:
        path = page.file.src_uri
        if path in self.cached_html:
            try:
                output = PageCache.read(self.cached_html[path])
            except (OSError, UnicodeDecodeError) as err:
                raise InputError(f"{self.cached_html[path]}: a cached page could not be read ({err}); build again") from None
        elif path in self.keys_to_store:
            self.page_cache.store(self.keys_to_store[path], output)
        else:
            return output
        page.canonical_url = self.canonical_urls.pop(path)
        return with_canonical_link(output, page.canonical_url)

    def on_shutdown(self) -> None:
        self.prebuilt = None  # handed-over pages belong to one build only

    def on_post_build(self, config) -> None:
        if self.page_cache:
            self.page_cache.prune()
        self.search_indexing.finish()

    def on_build_error(self, error: Exception) -> None:
        indexing = getattr(self, "search_indexing", None)
        if indexing is not None:
            indexing.cancel()


def _plugins_with_digest_options(config_file: Path, options: dict[str, str]) -> list:
    """The config file's plugins list with ``options`` set on the digest plugin.

    Raises InputError naming the file if the plugin is not there: without it MkDocs would
    build an empty site from docs_dir.
    """
    from mkdocs.utils.yaml import yaml_load

    with open(config_file, "rb") as fd:
        raw = yaml_load(fd)
    plugins = raw.get("plugins", [])
    entries = list(plugins.items()) if isinstance(plugins, dict) else [
        next(iter(p.items())) if isinstance(p, dict) else (p, None) for p in plugins
    ]
    if "digest" not in [name for name, _ in entries]:
        raise InputError(f"{config_file}: the 'digest' plugin is not listed under plugins (add `- digest` there)")
    return [
        {name: {**(settings or {}), **options}} if name == "digest" else ({name: settings} if settings is not None else name)
        for name, settings in entries
    ]


def load_mkdocs_config(
    config_file: Path | None, content_dir: Path, site_dir: Path, cache_dir: Path, strict: bool, docs_dir: Path | None = None
):
    """The MkDocs configuration, pointed at ``content_dir`` and ``site_dir`` before validation.

    Without a config file the packaged default is used; its docs_dir is then ``docs_dir`` or
    the packaged assets folder, since MkDocs needs one that exists.
    """
    from mkdocs.config import load_config

    config_file = config_file or PACKAGED_CONFIG
    if config_file.resolve() == PACKAGED_CONFIG:  # its docs_dir would point into the package
        docs_dir = docs_dir if docs_dir and docs_dir.is_dir() else ASSETS_DIR
    else:
        docs_dir = None
    options = {"content": str(content_dir.resolve()), "cache_dir": str(cache_dir.resolve())}
    config = load_config(
        config_file=str(config_file),
        site_dir=str(site_dir),
        strict=strict,
        docs_dir=str(docs_dir.resolve()) if docs_dir else None,
        plugins=_plugins_with_digest_options(config_file, options),
    )
    return config, config.plugins["digest"]


def build_with_mkdocs(config, plugin: DigestPlugin, site: RenderedSite | None = None) -> None:
    """Hand pages that the core already built to MkDocs and let it write the site.

    Without ``site``, the pages already set as ``plugin.prebuilt``: a caller that keeps no
    reference of its own lets each page's HTML go as soon as MkDocs has it.
    """
    from mkdocs.commands.build import build

    if site is not None:
        plugin.prebuilt = site
        del site
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
