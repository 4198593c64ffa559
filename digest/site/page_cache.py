"""The MkDocs adapter's cache of finished pages, so a rebuild sends through the theme only the
pages whose inputs changed.

After one edited sidecar a handful of the digest's pages change, yet MkDocs would render every
page through Material's template, which is the floor of a build. A generated page's HTML is a
function of its path, its whole Markdown (``Page.markdown``: the build's random placeholder
token does not appear in it) and the site around it: the resolved MkDocs configuration (theme
and its features, nav, extra CSS, Markdown extensions, site URL), the nav pages that the nav
names without a title (MkDocs reads their titles, in every page's header, from the pages
themselves; the digest's own nav gives every title, so adding an article does not change the
key of the others), the theme's template files outside installed packages,
the digest's own code and the version of every installed distribution. That is the key.

What the key cannot see turns the cache off rather than risk a stale page: a plugin other than
digest, or a hook (what it does to a page is its own), and pages that are in the nav (their
previous and next links name their neighbours). Entries of the current site are kept, and of
one other (a `mkdocs serve` beside `digest build`, whose site URL differs); the rest is pruned.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sysconfig
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path

from mkdocs.theme import Theme

from digest.cache import PACKAGE_DIR, code_fingerprint
from digest.records import Page

NAMESPACE = "pages"
CACHED_PAGE_TEMPLATE = "digest-cached-page.html"  # renders nothing: the cached HTML is the page
# Configuration that a page's HTML does not depend on and that differs from build to build.
_NOT_IN_PAGES = frozenset({"site_dir", "plugins"})


def page_key(page: Page) -> str:
    return hashlib.sha256(f"{page.path}\0{page.markdown}".encode("utf-8", "surrogatepass")).hexdigest()


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


def _installed_library_dirs() -> tuple[Path, ...]:
    paths = sysconfig.get_paths()
    return tuple({Path(paths[name]).resolve() for name in ("purelib", "platlib")})


@cache
def _environment_fingerprint() -> str:
    """The digest's code and every installed distribution's version: what a page's HTML comes from
    besides its own inputs and the site's configuration. Versions are read from the names of the
    installed metadata folders (``name-version.dist-info``), a hundred times faster than
    importlib.metadata reading every METADATA file."""
    installed = sorted(
        entry for folder in _installed_library_dirs() if folder.is_dir()
        for entry in os.listdir(folder) if entry.endswith((".dist-info", ".egg-info"))
    )
    return code_fingerprint([PACKAGE_DIR / "site" / "mkdocs_plugin.py"], ()) + "\0" + "\0".join(installed)


def _theme_files_fingerprint(dirs: Iterable[str]) -> str:
    """The bytes of every theme file outside installed packages (their versions stand for those)."""
    digest = hashlib.sha256()
    libraries = _installed_library_dirs()
    for folder in map(Path, dirs):
        resolved = folder.resolve()
        digest.update(f"{folder}\0".encode())
        if any(resolved.is_relative_to(lib) for lib in libraries):
            continue
        for path in sorted(p for p in resolved.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(resolved)).encode() + b"\0" + path.read_bytes() + b"\0")
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
    return repr(value)


def site_fingerprint(config, nav_keys: Iterable[str]) -> str | None:
    """What every generated page's HTML shares, or None where the cache cannot be exact."""
    if set(config.plugins) != {"digest"} or config.hooks:
        return None
    digest = hashlib.sha256()
    settings = {name: value for name, value in config.items() if name not in _NOT_IN_PAGES}
    settings["digest plugin"] = config.plugins["digest"].config
    digest.update(repr(_canonical(settings)).encode("utf-8", "surrogatepass"))
    digest.update("\0".join(nav_keys).encode("utf-8", "surrogatepass"))
    digest.update(_theme_files_fingerprint(config.theme.dirs).encode())
    digest.update(_environment_fingerprint().encode())
    return digest.hexdigest()


class PageCache:
    """Finished pages of one site under ``cache_dir/pages/FINGERPRINT/``."""

    def __init__(self, cache_dir: Path, fingerprint: str):
        self._root = cache_dir / NAMESPACE
        self._directory = self._root / fingerprint[:32]
        self._wanted: set[Path] = set()

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
        """Drop this site's entries no page asked for, and every other site's but the newest."""
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
        for stale in others[1:]:
            shutil.rmtree(stale, ignore_errors=True)
