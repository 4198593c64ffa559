"""How a value from content reaches a page: as an escaped text node or a fully encoded attribute.

Generated pages are Markdown for the site engine, but everything in them that comes from
content sits inside block-level HTML (``html_block``) that Python-Markdown sets aside and never
parses again. Inside those blocks a value is either text, HTML-escaped by markupsafe, or an
attribute value in which every character but letters and digits is a numeric character
reference, so that no HTML, Markdown or Markdown-extension syntax survives even if a block were
ever read as inline text. Escaping once per paragraph costs the engine nothing: it only scans a
raw block for its closing tag.

Editors' summaries and notes are Markdown on purpose. They go through markdown-it with raw
HTML off, images off and only http(s) links allowed, and their HTML becomes one raw block too.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

_SAFE_SCHEMES = ("http", "https")
# Unicode's Bidi_Control characters: embeddings, overrides, isolates and the marks LRM, RLM and
# ALM can make text read other than it is stored (a link text that shows reversed). They go
# from every value shown.
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Where a template printed a value: two of Unicode's noncharacters, which are for a program's
# own use and never text, so no content may hold them (shown_text drops them).
VALUE_START, VALUE_END = "\ufdd0", "\ufdd1"
# Not shown anywhere: C0 and C1 controls (the white space among them is folded to spaces
# first), surrogates, the line and paragraph separators, the bidi controls and the value marks.
_NOT_SHOWN = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029{_BIDI_CONTROLS}{VALUE_START}{VALUE_END}]")
# Names and headings (titles, outlet and entity names, bylines, labels) also lose every
# Default_Ignorable_Code_Point: zero-width spaces, soft hyphens, word joiners, invisible
# operators, Hangul fillers, the combining grapheme joiner, tags. Two names that look the same
# must be the same. Kept: ZWNJ and ZWJ (Persian, Indic scripts and emoji need them) and the
# variation selectors (emoji and CJK presentation), which hide nothing on their own.
_INVISIBLE_IN_NAMES = re.compile(
    "[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b\u2060-\u206f\u3164\ufeff\uffa0\ufff0-\ufffb"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_BREAKS = str.maketrans("\t\n\r\v\f\x85\u2028\u2029", " " * 8)
_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]")


def shown_text(text: object) -> str:
    """The text a reader may see: line breaks become spaces; bidi and control characters go.

    HTML folds white space anyway; a line break kept in a value could end a raw HTML block.
    Most text holds none of those (every line break is a control character): one search finds
    that, ten times faster than translating an article's paragraphs.
    """
    text = str(text)
    if _NOT_SHOWN.search(text) is None:
        return text
    return _NOT_SHOWN.sub("", text.translate(_BREAKS))


def heading_text(text: object) -> str:
    """Text for a title, a heading or a name: one line, nothing invisible that could reorder or hide it."""
    shown = _INVISIBLE_IN_NAMES.sub("", shown_text(text))
    if not shown.isascii():  # every format character (Cf) is outside ASCII: most names skip the loop
        shown = "".join(ch for ch in shown if ch in "\u200c\u200d" or unicodedata.category(ch) != "Cf")
    return " ".join(shown.split())


# Characters that draw a blank though their category says symbol: the Braille blank and the
# object replacement character.
_BLANK_SYMBOLS = frozenset("\u2800\ufffc")


def has_visible_text(text: str) -> bool:
    """Whether a name or title shows anything once heading_text has taken out what is invisible:
    a letter, a digit, a punctuation mark or a symbol that draws (marks alone do not)."""
    return any(unicodedata.category(ch)[0] in "LNPS" and ch not in _BLANK_SYMBOLS for ch in heading_text(text))


def text_node(text: object) -> Markup:
    """A value as an HTML text node: shown as written, never read as markup."""
    return escape(shown_text(text))


class _CharacterReferences(dict):
    """str.translate's table for attribute values, filled as characters are met: an ASCII letter
    or digit stays, any other character becomes its numeric character reference."""

    def __missing__(self, code: int) -> str:
        value = chr(code) if _NOT_ALPHANUMERIC.fullmatch(chr(code)) is None else f"&#{code};"
        self[code] = value
        return value


_ATTRIBUTE_TABLE = _CharacterReferences()


def attribute_value(value: str) -> Markup:
    """A value for a double-quoted attribute: every character but letters and digits encoded."""
    return Markup(shown_text(value).translate(_ATTRIBUTE_TABLE))


# What shown_text() drops, and the two non-characters XML 1.0 forbids; white space is folded.
_NOT_IN_XML = re.compile(f"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff{_BIDI_CONTROLS}\ufffe\uffff]")


def xml_text(text: object) -> str:
    """Text as a reader should see it, on one line, for places that escape it themselves (XML
    written by a library, attributes): bidi controls, control characters and the two
    non-characters XML 1.0 forbids are dropped."""
    return " ".join(_NOT_IN_XML.sub("", str(text)).split())


def xml_name(text: object) -> str:
    """A title or a name for XML written by a library (feed titles, chart labels): as heading_text."""
    return _NOT_IN_XML.sub("", heading_text(text))


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


def marked_value(html: str) -> Markup:
    """A printed value, marked so that ``inert_markdown`` can tell it from its template's text."""
    return Markup(f"{VALUE_START}{html}{VALUE_END}")


def value_depths(text: str) -> Callable[[int], int] | None:
    """How many printed values each position of ``text`` is inside, as inert_markdown counts;
    None if the marks cannot be trusted.

    Every value is marked once, with nothing marked inside it (_finalize), so the marks come in
    pairs. A filter block can move them (``reverse``, ``truncate``).
    """
    positions, depths, depth = [], [], 0
    for mark in _MARKS.finditer(text):
        depth = depth + 1 if mark.group() == VALUE_START else depth - 1
        if depth not in (0, 1):
            return None
        positions.append(mark.start())
        depths.append(depth)
    if depth:
        return None
    return lambda position: depths[index - 1] if (index := bisect.bisect_right(positions, position - 1)) else 0


def all_one_value(text: str) -> str:
    """Template output whose marks cannot be trusted, marked as one value: none of it is Markdown."""
    return f"{VALUE_START}{unmarked(text)}{VALUE_END}"


def unmarked(text: str) -> str:
    """Template output with the value marks taken out: for HTML the engine passes through as is."""
    return text.replace(VALUE_START, "").replace(VALUE_END, "") if VALUE_START in text else text


_MARKS = re.compile(f"[{VALUE_START}{VALUE_END}]")
_MARKED_PIECES = re.compile(f"({VALUE_START}|{VALUE_END}|<[A-Za-z/][^<>]*>)")
# What starts Markdown's inline syntax, and its extensions' (attribute lists, emoji, bare links
# and addresses such as www.x.org, maths, marks, insertions, collapsible "???" blocks), as
# character references; "#" apart from the ones they contain.
_MARKDOWN_SYNTAX = str.maketrans({ch: f"&#{ord(ch)};" for ch in "[]()!*_`\\{}:~^=+|$<>@.?"})
_HASH = re.compile("(?<!&)#")


def inert_markdown(text: str, depth: int = 0) -> str:
    """Template output the engine reads as Markdown (a heading, Markdown a digest's own template
    writes), with the values in it unable to be read as Markdown, and the value marks taken out.

    Escaping makes a value's text inert as HTML, not as Markdown: a title printed into a heading
    of a digest's own template made a link of "[here](javascript:...)". In what a template
    printed, each character that can start Markdown syntax becomes its character reference,
    which a browser shows as the character; HTML tags a helper made (links, badges) keep their
    form, and only their text is turned. The template's own text stays Markdown. ``depth``: how
    many values ``text`` begins inside (a filter block may have put a line break in one).
    """
    if not depth and VALUE_START not in text:
        return text
    pieces, value_begins = [], False
    for index, piece in enumerate(_MARKED_PIECES.split(text)):
        if piece == VALUE_START:
            depth += 1
            value_begins = True
        elif piece == VALUE_END:
            depth = max(0, depth - 1)
        elif index % 2:  # what the pattern matched besides a mark: a tag
            pieces.append(_inert_tag(piece, inside_value=depth > 0))
            depth = max(0, depth + piece.count(VALUE_START) - piece.count(VALUE_END))
            value_begins = False
        elif depth and piece:
            turned = _HASH.sub("&#35;", piece.translate(_MARKDOWN_SYNTAX))
            if value_begins:
                turned = _inert_beginning(turned, after_tag_opening=bool(pieces) and pieces[-1].endswith(("<", "</")))
            pieces.append(turned)
            value_begins = False
        else:
            pieces.append(piece)
    return "".join(pieces)


def _inert_beginning(text: str, after_tag_opening: bool) -> str:
    """A value's text with its first character a reference where it could begin syntax: any
    punctuation at a line's start (a "-" list or setext underline, "///" blocks), and anything
    after a template's "<", where a letter would begin a tag named by content."""
    first = text[0]
    if first == "&" or first.isspace() or (first.isalnum() and not after_tag_opening):
        return text  # "&": already a reference (escape() leaves no bare one)
    return f"&#{ord(first)};{text[1:]}"


_MARKED_SPAN = re.compile(f"{VALUE_START}[^{VALUE_START}{VALUE_END}]*{VALUE_END}")
_QUOTED = re.compile(r""""[^"]*"|'[^']*'""")


def _inert_tag(tag: str, inside_value: bool) -> str:
    """A tag in Markdown with every value in it fully encoded, as attribute_value encodes:
    Python-Markdown's link pattern reads inside a raw tag, and made "[y](onmouseover=...)" in a
    title attribute a link whose quotes ended the attribute. A value the template put in the tag
    is encoded whole; a tag a value brought (a helper's link, urlize's) has each quoted attribute
    value encoded (a helper's are already)."""
    def encoded(text: str) -> str:
        return str(attribute_value(html.unescape(unmarked(text))))

    tag = _MARKED_SPAN.sub(lambda span: encoded(span.group()), tag)
    if inside_value:
        tag = _QUOTED.sub(lambda quoted: quoted.group()[0] + encoded(quoted.group()[1:-1]) + quoted.group()[-1], tag)
    return unmarked(tag)


def plain_text(value: object) -> Markup:
    """Jinja's ``striptags`` that stays escaped: Jinja's unescapes what it keeps, so a title's
    escaped "<img onerror=...>" came out of a template's filter block as a live element."""
    return escape(Markup(value if isinstance(value, Markup) else escape(value)).striptags())


def _render_text(self, tokens, idx, options, env):
    return str(escape(_NOT_SHOWN.sub("", tokens[idx].content)))


def _render_link_open(self, tokens, idx, options, env):
    token = tokens[idx]
    attributes = {"href": token.attrGet("href") or "", "title": token.attrGet("title")}
    encoded = "".join(f' {name}="{attribute_value(value)}"' for name, value in attributes.items() if value)
    return f'<a{encoded} rel="nofollow noopener noreferrer">'


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_block", "html_inline"])
    md.validateLink = lambda url: safe_url(url) is not None
    md.add_render_rule("text", _render_text)
    md.add_render_rule("link_open", _render_link_open)
    return md


_EDITOR_MARKDOWN = _markdown()


def editor_markdown(text: str | None) -> Markup:
    """Editors' Markdown as one raw HTML block the site's Markdown engine passes through as is.

    On one line: every line break markdown-it writes (between blocks, at soft breaks, inside a
    code block) becomes the character reference &#10;, which HTML reads as the same line break.
    A page's Markdown is its template's headings and the HTML between them, and a line of an
    editor's text that began with "# " (an escaped "\\#", a code block's line) was taken for a
    template's heading and handed to Python-Markdown, links and all.
    """
    if not text:
        return Markup("")
    text = unmarked(text)  # a code span's text is escaped, not shown_text'd: it must not bring marks
    return Markup('<div class="editor-text">' + _EDITOR_MARKDOWN.render(text).strip("\n").replace("\n", "&#10;") + "</div>")
