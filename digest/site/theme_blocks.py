"""Material's blocks that come out the same on many pages, rendered once per build for them.

At 10,000 articles the theme's tabs, navigation sidebar, footer and configuration script took a
third of the time MkDocs spends in the theme, for HTML that is the same on every article page:
no article is in the nav, so no tab or nav entry is active on it, and every link these blocks
hold is relative to the page's folder. Each block is rendered once per (folder, parts the page
hides, table of contents) and reused; pages in the nav render their own.

Reuse is exact only while the blocks read nothing else of the page. Material's own partials
read only that (checked against the installed release, and tests/test_theme_blocks.py builds a
site with and without reuse and compares every file). A digest's own theme folder
(``custom_dir``), a theme other than Material, another plugin or a hook may read more of the
page, so any of them turns reuse off.
"""

from __future__ import annotations

import posixpath

import jinja2
from markupsafe import Markup

from digest.site.page_cache import digest_alone

SHARED_BLOCKS_GLOBAL = "digest_shared_block"  # what templates/overrides/main.html calls


class SharedThemeBlocks:
    """The template global that renders a block, or hands back the same block of an earlier page."""

    def __init__(self, nav_urls: set[str], target_urls: set[str], enabled: bool = True):
        self._enabled = enabled
        self._nav_urls = nav_urls
        # Folders that hold a page or file these blocks link to: a page whose own folder is one
        # of them links to it differently from its neighbours (``x/`` to ``x/y/`` is ``y/``).
        self._folders_with_targets = {
            "/".join(parts[:end]) + "/" for parts in (url.split("/") for url in target_urls) for end in range(1, len(parts))
        }
        self._made: dict[tuple, Markup] = {}
        self._page_key: tuple[object, tuple | None] = (None, None)  # the last page's, for its other blocks
        self.reused = 0

    @classmethod
    def for_site(cls, config, nav, files) -> SharedThemeBlocks:
        """The blocks of this build; they share nothing where reuse cannot be known to be exact."""
        exact = config.theme.name == "material" and not config.theme.custom_dir and digest_alone(config)
        nav_urls = {page.url for page in nav.pages}
        targets = nav_urls | {file.url for file in files if not file.is_documentation_page()}
        return cls(nav_urls, targets, enabled=exact)

    def _key(self, name: str, page) -> tuple | None:
        if self._page_key[0] is not page:  # a page asks for its four blocks in a row
            self._page_key = (page, self._shared_by(page))
        shared_by = self._page_key[1]
        return None if shared_by is None else (name, *shared_by)

    def _shared_by(self, page) -> tuple | None:
        """What the blocks of ``page`` depend on, or None if they are its own."""
        url = page.url
        if not self._enabled or url in self._nav_urls or (url.endswith("/") and url in self._folders_with_targets):
            return None
        hidden = page.meta.get("hide") if page.meta else None
        # Links are relative to the folder the page is read from: its own for a folder URL
        # ("x/y/" links as "x/z/" does, whatever its folder holds is checked above), else the
        # one holding it ("x/y.html"; the home page "" is read from the root, as "y.html" is,
        # not from beside its neighbours' folders as "y/" is).
        return posixpath.dirname(url.rstrip("/")), url.endswith("/"), repr(hidden), _toc_key(page.toc)

    @jinja2.pass_context
    def __call__(self, context, name: str, render) -> Markup:
        page = context.get("page")
        key = self._key(name, page) if page is not None else None
        if key is None:
            return Markup(render())
        if key in self._made:
            self.reused += 1
        else:
            self._made[key] = Markup(render())
        return self._made[key]


def _toc_key(items) -> tuple:
    return tuple((item.id, item.title, item.level, _toc_key(item.children)) for item in items)

