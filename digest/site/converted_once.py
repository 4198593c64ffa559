"""Pages whose Markdown is alike, converted by MkDocs once.

An article page's Markdown is a few fixed headings between placeholders of ready HTML
(``fill_fragments`` in digest/site/render.py): everything of its own is in the fragments. Yet
Python-Markdown took half a millisecond a page over it (MkDocs makes a new converter for every
page, and the toc extension reads each heading): 4 s of a 10,000-article build. Two such pages
come out of the converter the same but for their placeholders' tokens, so the first page of each
shape is converted, and each later one is given that page's HTML with its own tokens, its table
of contents and its anchors; MkDocs converts an empty text for it.

Only Markdown made of plain headings, placeholders and blank lines counts as a shape (no link,
no markup, nothing a converter could read differently on another page). It is exact while the
converter's output depends on nothing but that text: a Markdown extension that reads the page
or files (pymdownx.snippets appending a file with links, Material's preview reading the page's
path) would make pages of one shape differ, so every configured extension must be one known to
read only the text (page_cache.reads_only_the_page) and none of Material's; and nothing else
may read or change a page between the digest's hooks, so another plugin or a hook turns it off,
as it does the theme's shared blocks (theme_blocks.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digest.site.page_cache import digest_alone, reads_only_the_page
from digest.site.render import FRAGMENT_PLACEHOLDER, fragment_placeholder

_ANY_PLACEHOLDER = "\0"  # what stands for each placeholder in a shape
# A line of a shape: a plain heading, a placeholder or nothing.
_SHAPE_LINE = re.compile(r"""#{1,6} [A-Za-z][A-Za-z ,.:;?'’-]*|\0|""")


def converts_alike(config) -> bool:
    """Whether two pages of one shape come out of MkDocs' converter alike: each extension reads
    nothing but the text it converts, and is not one of Material's, which may read which page
    that is (its link previews)."""
    return digest_alone(config) and all(
        reads_only_the_page(str(extension)) and not str(extension).startswith("material.")
        for extension in config.markdown_extensions
    )


@dataclass(frozen=True)
class _Converted:
    """The HTML of the first page of a shape, cut at its tokens, and what MkDocs read from it."""

    parts: tuple[str, ...]  # the HTML between its placeholders
    toc: object
    anchor_ids: frozenset[str]
    title: str | None


class ConvertedOnce:
    """Called from the plugin's hooks: ``markdown`` says what MkDocs converts for a page, and
    ``html`` gives the page's HTML afterwards."""

    def __init__(self, enabled: bool):
        self._enabled = enabled
        self._converted: dict[str, _Converted] = {}
        self._first: dict[str, tuple[str, list[str]]] = {}  # page: (its shape, its tokens), being converted
        self._alike: dict[str, tuple[_Converted, list[str]]] = {}  # page: (its shape's HTML, its tokens)
        self.reused = 0

    def markdown(self, path: str, markdown: str) -> str:
        if not self._enabled:
            return markdown
        tokens = FRAGMENT_PLACEHOLDER.findall(markdown)
        shape = FRAGMENT_PLACEHOLDER.sub(_ANY_PLACEHOLDER, markdown) if tokens else ""
        if not tokens or not all(_SHAPE_LINE.fullmatch(line) for line in shape.split("\n")):
            return markdown
        converted = self._converted.get(shape)
        if converted is None:
            self._first[path] = (shape, tokens)
            return markdown
        self._alike[path] = (converted, tokens)
        return ""

    def html(self, path: str, html: str, page) -> str:
        if path in self._first:
            shape, tokens = self._first.pop(path)
            pieces = FRAGMENT_PLACEHOLDER.split(html)  # the HTML between placeholders, and their tokens
            if pieces[1::2] == tokens:  # each placeholder came through once, in order
                self._converted[shape] = _Converted(tuple(pieces[0::2]), page.toc, frozenset(
                    page.present_anchor_ids or ()), getattr(page, "_title_from_render", None))
            return html
        if path not in self._alike:
            return html
        converted, tokens = self._alike.pop(path)
        page.toc = converted.toc
        page.present_anchor_ids = set(converted.anchor_ids)
        if hasattr(page, "_title_from_render"):
            page._title_from_render = converted.title
        self.reused += 1
        pieces = [converted.parts[0]]
        for token, part in zip(tokens, converted.parts[1:]):
            pieces += [fragment_placeholder(token), part]
        return "".join(pieces)
