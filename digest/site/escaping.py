"""Making hostile text inert in generated Markdown, and rendering editors' Markdown safely.

Captured text reaches pages that a Markdown engine, its extensions and a browser will read.
Escaping only HTML is not enough there: `[x](javascript:...)`, `!!! note`, `--8<-- "file"`
and `{{ ... }}` are all plain ASCII punctuation. So every ASCII punctuation character in
untrusted text becomes a numeric character reference: a browser shows it as written, and no
Markdown rule, extension or template engine can match it.

Editors' summaries and notes are Markdown on purpose. They go through markdown-it with raw
HTML off, images off and only http(s) links allowed, and their text is made inert the same way.
"""

from __future__ import annotations

import re
import string
import unicodedata
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup

_ENTITIES = {ord(c): f"&#{ord(c)};" for c in string.punctuation}
_SAFE_SCHEMES = ("http", "https")
# Bidirectional embeddings, overrides and isolates can make text read other than it is stored
# (a link text that shows reversed). Joiners and other format characters stay: Persian, Indic
# scripts and emoji need them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _shown(ch: str) -> bool:
    return ch not in _BIDI_CONTROLS and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES


def inert(text: object) -> Markup:
    """Text that shows as written in Markdown and HTML alike; white space folded to one line."""
    folded = " ".join(str(text).split())
    return Markup("".join(filter(_shown, folded)).translate(_ENTITIES))


# What _shown() drops (categories Cc, Cs, Zl, Zp are exactly these ranges, bidi controls as
# above), less the white space that folding turns into spaces, plus the two non-characters XML
# 1.0 forbids: one regular expression, because feeds and pictures pass whole summaries through it.
_HIDDEN = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def shown_text(text: object) -> str:
    """Text as a reader should see it, on one line, for places that escape it themselves (XML
    written by a library, attributes): bidi controls, control characters and the two
    non-characters XML 1.0 forbids are dropped."""
    return " ".join(_HIDDEN.sub("", str(text)).split())


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL with no characters that could break out."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.netloc:
        return None
    if any(ch.isspace() or ch in "<>\"'`\\" or not ch.isprintable() for ch in url):
        return None
    return url


def _render_text(self, tokens, idx, options, env):
    return str(inert_keep_spacing(tokens[idx].content))


def _render_code_inline(self, tokens, idx, options, env):
    return f"<code>{inert_keep_spacing(tokens[idx].content)}</code>"


def _render_code_block(self, tokens, idx, options, env):
    lines = tokens[idx].content.splitlines()
    return "<pre><code>" + "<br>".join(str(inert_keep_spacing(line)) for line in lines) + "</code></pre>\n"


def _render_link_open(self, tokens, idx, options, env):
    tokens[idx].attrSet("rel", "nofollow noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


def inert_keep_spacing(text: str) -> Markup:
    """Like inert(), for text inside editors' Markdown, where spacing is the author's."""
    return Markup("".join(filter(_shown, text)).translate(_ENTITIES))


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_block", "html_inline"])
    md.validateLink = lambda url: safe_url(url) is not None
    md.add_render_rule("text", _render_text)
    md.add_render_rule("code_inline", _render_code_inline)
    md.add_render_rule("code_block", _render_code_block)
    md.add_render_rule("fence", _render_code_block)
    md.add_render_rule("link_open", _render_link_open)
    return md


_EDITOR_MARKDOWN = _markdown()


def editor_markdown(text: str | None) -> Markup:
    """Editors' Markdown as an HTML block that the site's Markdown engine passes through as is.

    The block has no blank line inside, so the engine sees one raw HTML block.
    """
    if not text:
        return Markup("")
    html = _EDITOR_MARKDOWN.render(text)
    lines = [line for line in html.splitlines() if line.strip()]
    return Markup('<div class="editor-text">\n' + "\n".join(lines) + "\n</div>")
