"""The MkDocs adapter's cache of finished pages, so a rebuild sends through the theme only the
pages whose inputs changed.

After one edited sidecar a handful of the digest's pages change, yet MkDocs would render every
page through Material's template, which is the floor of a build. A generated page's HTML is a
function of its path, its front matter's values and its Markdown with the fragments in place
(``Page.filled_body``: the build's random placeholder token does not appear in it) and the
site around it: the resolved MkDocs configuration (theme and its features, nav, extra CSS,
Markdown extensions), the nav pages that the nav names without a title (MkDocs reads their
titles, in every page's header, from the pages themselves; the digest's own nav gives every
title, so adding an article does not change the key of the others), the files of docs/ the nav
names (Material shows their front matter's subtitle, icon and status in every page's nav), the
theme's template files outside installed packages, the digest's own code and the version of
every installed distribution. That is the key.

The site URL is not in it. It reaches a page only as its canonical link, which the cache leaves
out of what it keeps and adds to each page it hands out, so `mkdocs serve` (whose site URL is
its own address) starts from the pages `digest build` made. Nor are where the plugin reads
content and keeps its cache, which may be spelt relative or absolute.

What the key cannot see turns the cache off rather than risk a stale page: a plugin other than
digest, or a hook (what it does to a page is its own), and pages that are in the nav (their
previous and next links name their neighbours), a Markdown extension that may read files
(snippets, any not known to read only the page), and a theme file of the digest's own that
holds template code (it may print the number of pages, the build's date, the page's absolute
URL: anything of the build). Entries of the current site are kept, and of one other and of any
a build began with in the last hour; the rest is pruned.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
import shutil
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from html import escape
from pathlib import Path

from mkdocs.theme import Theme

from digest.cache import IN_USE_SECONDS, PACKAGE_DIR, code_fingerprint
from digest.records import Page

NAMESPACE = "pages"
CACHED_PAGE_TEMPLATE = "digest-cached-page.html"  # renders nothing: the cached HTML is the page
# Configuration that a page's HTML does not depend on and that differs from build to build
# (`mkdocs serve` gives the config file's path as typed, then absolute on its rebuilds; its
# address, what it watches, whether warnings stop the build). The site URL reaches Material's
# pages only as the canonical link, which the cache adds to each page as it hands it out
# (with_canonical_link): `mkdocs serve` (whose site URL is its own address) then finds the pages
# `digest build` made.
_NOT_IN_PAGES = frozenset({"site_dir", "plugins", "config_file_path", "dev_addr", "watch", "strict", "site_url"})
# Markdown extensions known to read nothing but the page: Python-Markdown's own (below), PyMdown's
# but snippets (which includes files) and b64 (which reads pictures), Material's. Any other,
# a later PyMdown module included, may read files the key cannot see.
_PAGE_ONLY_MODULES = frozenset(
    [f"pymdownx.{name}" for name in (
        "arithmatex betterem blocks.admonition blocks.caption blocks.definition blocks.details blocks.html blocks.tab "
        "bracketspan caret critic details emoji escapeall extra fancylists highlight inlinehilite keys magiclink mark "
        "pathconverter progressbar quotes saneheaders smartsymbols striphtml superfences tabbed tasklist tilde").split()]
    + ["material.extensions.emoji", "material.extensions.preview"]
)
# Jinja's expression and statement delimiters: a theme file of the digest's own holding them is a
# template, which the key cannot judge (Material's and the digest's packaged ones are known).
_TEMPLATE_CODE = re.compile(rb"\{\{|\{%")
PACKAGED_TEMPLATES = (PACKAGE_DIR / "site" / "templates").resolve()
# Where the digest plugin reads and writes, and how it watches and shards: not what a page shows.
_PLUGIN_OPTIONS_NOT_IN_PAGES = frozenset({"content", "cache_dir", "watch_by_polling", "search_shard_bytes"})
_PYTHON_MARKDOWN_EXTENSIONS = frozenset({
    "abbr", "admonition", "attr_list", "codehilite", "def_list", "extra", "fenced_code", "footnotes",
    "legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty", "tables", "toc", "wikilinks",
})


def page_key(page: Page) -> str:
    meta = json.dumps(page.meta, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{page.path}\0{meta}\0{page.filled_body}".encode("utf-8", "surrogatepass")).hexdigest()


def nav_paths(nav, titled: bool = False) -> Iterator[tuple[str, bool]]:
    """Every page path named in an MkDocs nav (a list of titles, paths and sections), and
    whether the nav gives its title (else MkDocs reads the title from the page itself)."""
    if isinstance(nav, str):
        yield nav, titled
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from nav_paths(value, titled=True)
    elif isinstance(nav, list):
        for item in nav:
            yield from nav_paths(item)


@cache
def _installed_library_dirs() -> tuple[Path, ...]:
    paths = sysconfig.get_paths()
    return tuple({Path(paths[name]).resolve() for name in ("purelib", "platlib")})


@cache
def _environment_fingerprint() -> str:
    """The digest's code and every installed distribution's files: what a page's HTML comes from
    besides its own inputs and the site's configuration. Each distribution stands by its RECORD
    (the hash of every file it installed), so a reinstall of changed templates under the same
    version number changes the key; far faster than hashing Material's 14,000 files."""
    digest = hashlib.sha256(code_fingerprint([PACKAGE_DIR / "site" / "mkdocs_plugin.py"], ()).encode())
    for folder in _installed_library_dirs():
        entries = sorted(os.listdir(folder)) if folder.is_dir() else []
        for entry in (e for e in entries if e.endswith((".dist-info", ".egg-info"))):
            record = folder / entry / ("RECORD" if entry.endswith(".dist-info") else "SOURCES.txt")
            digest.update(entry.encode() + b"\0" + (record.read_bytes() if record.is_file() else b"") + b"\0")
    return digest.hexdigest()


def digest_alone(config) -> bool:
    """No plugin but the digest and no hook: nothing else can see or change a page between its hooks."""
    return set(config.plugins) == {"digest"} and not config.hooks


def reads_only_the_page(extension: str) -> bool:
    """Judged by the module, however the extension is named (``pymdownx.snippets`` or its
    ``module:Class`` form ``pymdownx.snippets:SnippetExtension``)."""
    module = extension.partition(":")[0].strip()
    name = module.removeprefix("markdown.extensions.")
    return name in _PYTHON_MARKDOWN_EXTENSIONS or module in _PAGE_ONLY_MODULES


def _theme_files_fingerprint(dirs: Iterable[str]) -> str | None:
    """The bytes of every theme file outside installed packages (their RECORDs stand for those),
    or None if one of the digest's own holds template code: a template may print anything of the
    build (the number of pages, the build's date, the site URL, the page's absolute URL) that no
    key of the page's inputs can see. The digest's packaged templates are known and kept."""
    digest = hashlib.sha256()
    libraries = _installed_library_dirs()
    for folder in map(Path, dirs):
        resolved = folder.resolve()
        digest.update(f"{folder}\0".encode())
        if any(resolved.is_relative_to(lib) for lib in libraries):
            continue
        packaged = resolved.is_relative_to(PACKAGED_TEMPLATES)
        seen: set[str] = set()
        for top, subdirs, names in os.walk(resolved, followlinks=True):  # a linked partials/ folder counts
            real = os.path.realpath(top)
            if real in seen:  # a link back up the tree
                subdirs.clear()
                continue
            seen.add(real)
            subdirs.sort()
            for name in sorted(names):
                path = Path(top, name)
                if path.is_file():
                    data = path.read_bytes()
                    if not packaged and _TEMPLATE_CODE.search(data):
                        return None
                    digest.update(str(path.relative_to(resolved)).encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def _canonical(value):
    """A value of the configuration in a form whose text is the same in every process (a set's
    order follows string hashing, which differs from one Python process to the next)."""
    if isinstance(value, Theme):
        return ["Theme", value.dirs, sorted(value.static_templates), _canonical(dict(value.items()))]
    if isinstance(value, Mapping):
        return sorted((repr(key), _canonical(item)) for key, item in value.items())
    if isinstance(value, (set, frozenset)):
        return sorted(map(repr, map(_canonical, value)))
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    if _installed_function(value):  # its repr holds its address; its code counts by its package's RECORD
        return f"{value.__module__}.{value.__qualname__}"
    return repr(value)


def _installed_function(value) -> bool:
    """A function or class named in the configuration (``!!python/name:``) from an installed package."""
    if not (inspect.isfunction(value) or inspect.isclass(value) or inspect.isbuiltin(value)):
        return False
    source = getattr(sys.modules.get(value.__module__), "__file__", None)
    return bool(source) and any(Path(source).resolve().is_relative_to(folder) for folder in _installed_library_dirs())


def site_fingerprint(config, nav_keys: Iterable[str]) -> str | None:
    """What every generated page's HTML shares, or None where the cache cannot be exact."""
    if not digest_alone(config):
        return None
    if not all(reads_only_the_page(str(extension)) for extension in config.markdown_extensions):
        return None
    theme_files = _theme_files_fingerprint(config.theme.dirs)
    if theme_files is None:
        return None
    digest = hashlib.sha256()
    settings = {name: value for name, value in config.items() if name not in _NOT_IN_PAGES}
    settings["digest plugin"] = {name: value for name, value in config.plugins["digest"].config.items()
                                 if name not in _PLUGIN_OPTIONS_NOT_IN_PAGES}
    digest.update(repr(_canonical(settings)).encode("utf-8", "surrogatepass"))
    digest.update("\0".join(nav_keys).encode("utf-8", "surrogatepass"))
    digest.update(theme_files.encode())
    digest.update(_environment_fingerprint().encode())
    return digest.hexdigest()


def with_canonical_link(html: str, url: str | None) -> str:
    """A cached page's HTML with the page's canonical link, at the end of its <head>: the
    cache keeps pages without one, so that one entry serves every site URL."""
    end = html.find("</head>")
    if not url or end < 0:
        return html
    return f'{html[:end]}<link rel="canonical" href="{escape(url, quote=True)}">\n{html[end:]}'


class PageCache:
    """Finished pages of one site under ``cache_dir/pages/FINGERPRINT/``."""

    def __init__(self, cache_dir: Path, fingerprint: str):
        self._root = cache_dir / NAMESPACE
        self._directory = self._root / fingerprint[:32]
        self._wanted: set[Path] = set()
        self._touch()  # in use from now: another build's prune keeps it

    def _touch(self) -> None:
        try:
            os.utime(self._directory)
        except OSError:
            pass  # not there yet, or a read-only cache

    def _path(self, key: str) -> Path:
        path = self._directory / key[:2] / f"{key}.html"
        self._wanted.add(path)
        return path

    def lookup(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None

    def store(self, key: str, html: str) -> None:
        """Keep the page as MkDocs writes it (UTF-8, unencodable characters as references)."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as tmp:
                tmp.write(html.encode("utf-8", errors="xmlcharrefreplace"))
            os.replace(tmp.name, path)
        except OSError:
            pass  # the cache is an optimisation; a read-only disk must not fail the build

    @staticmethod
    def read(path: Path) -> str:
        return path.read_bytes().decode("utf-8")

    def prune(self) -> None:
        """Drop this site's entries no page asked for, and other sites' but the newest and those a
        build began with in the last IN_USE_SECONDS (it may be reading them now)."""
        if not self._directory.is_dir():
            return
        try:
            for path in self._directory.glob("*/*.html"):
                if path not in self._wanted:
                    path.unlink(missing_ok=True)
            os.utime(self._directory)
        except OSError:
            return  # a read-only cache still serves; it is only not tidied
        others = sorted((p for p in self._root.iterdir() if p.is_dir() and p != self._directory),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        recent = time.time() - IN_USE_SECONDS
        for stale in others[1:]:
            if stale.stat().st_mtime < recent:
                shutil.rmtree(stale, ignore_errors=True)
