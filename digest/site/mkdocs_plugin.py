"""The thin adapter between the engine-agnostic core and MkDocs.

The core produces Markdown pages and data files; this plugin hands them to MkDocs as
generated files, sets the small navigation of index pages, and makes `mkdocs serve` watch the
content folder. Moving to another engine that reads Markdown means replacing only this file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from digest.pipeline import build_pages
from digest.records import RenderedSite
from digest.site.render import THEME_OVERRIDES_DIR, directory_url, file_url

log = logging.getLogger("mkdocs.plugins.digest")


def page_url_style(config):
    """How MkDocs will address a page, so that data/articles.json names the right URLs."""
    return directory_url if config.use_directory_urls else file_url


class DigestPluginConfig(Config):
    content = config_options.Type(str, default="content")
    cache_dir = config_options.Type(str, default=".digest-cache")


class DigestPlugin(BasePlugin[DigestPluginConfig]):
    """Set ``prebuilt`` to hand over pages that `digest build` already made."""

    prebuilt: RenderedSite | None = None

    def _config_relative(self, config, value: str) -> Path:
        return (Path(config.config_file_path).parent / value).resolve()

    def on_config(self, config):
        content_dir = self._config_relative(config, self.config.content)
        if self.prebuilt is None:
            cache_dir = self._config_relative(config, self.config.cache_dir)
            site = build_pages(content_dir, cache_dir, page_url=page_url_style(config))
            for problem in site.problems:
                (log.warning if problem.severity == "error" else log.info)(str(problem))
        else:
            site = self.prebuilt
        self.site = site
        config.site_name = site.title
        # The core's per-page <head> data (citation tags, feed links) is placed by this template.
        if str(THEME_OVERRIDES_DIR) not in config.theme.dirs:
            config.theme.dirs.insert(0, str(THEME_OVERRIDES_DIR))
        if not config.nav:
            config.nav = [{title: path} for title, path in site.nav]
        if str(content_dir) not in map(str, config.watch):
            config.watch.append(str(content_dir))
        return config

    def on_files(self, files: Files, config) -> Files:
        for page in self.site.pages:
            files.append(File.generated(config, page.path, content=page.markdown))
        for path, data in self.site.data_files.items():
            files.append(File.generated(config, path, content=data))
        return files


def load_mkdocs_config(config_file: Path, content_dir: Path, site_dir: Path, strict: bool):
    """The project's MkDocs configuration, pointed at ``content_dir`` and ``site_dir``."""
    from mkdocs.config import load_config

    config = load_config(config_file=str(config_file), site_dir=str(site_dir), strict=strict)
    plugin = config.plugins.get("digest")
    if plugin is None:
        raise ValueError(f"{config_file}: the 'digest' plugin is not listed under plugins")
    plugin.config.content = str(content_dir.resolve())
    return config, plugin


def build_with_mkdocs(config, plugin: DigestPlugin, site: RenderedSite) -> None:
    """Hand pages that the core already built to MkDocs and let it write the site."""
    from mkdocs.commands.build import build

    plugin.prebuilt = site
    build(config)
