"""Read a Markdown capture, which editors write or clean by hand and is taken as article text.

The front matter is YAML, read by the same safe loader as every editors' file, and the body is
parsed by markdown-it-py, so that a list item, a link or an emphasis becomes the words it
shows: the article text is plain text, never Markdown syntax.
"""

from __future__ import annotations

import datetime as dt
import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from digest.errors import InputError
from digest.extract.article_fields import ArticleParts, parse_date
from digest.yaml_loading import load_yaml_text

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)?---[ \t]*(\n|\Z)", re.DOTALL)
_SPACE = re.compile(r"\s+")
_PARSER = MarkdownIt("commonmark", {"html": False})
_FIELDS = ("title", "subtitle", "date", "published", "byline", "author", "url")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """The known front-matter fields as text, and the body after the front matter."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = load_yaml_text(match["body"] or "").data
    except InputError as err:
        line = err.line + 1 if err.line else None  # count the opening ---
        raise InputError(f"front matter: {err.message}", line, err.column) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("front matter: expected key: value pairs", 2)
    fields = {}
    for key in _FIELDS:
        value = data.get(key)
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        if isinstance(value, (str, int, float)) and str(value).strip():
            fields[key] = str(value).strip()
    return fields, text[match.end() :]


def _plain(inline: Token) -> str:
    """What an inline run shows a reader: link and emphasis text, image alt text, code."""
    words = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            words.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            words.append(" ")
        elif child.type == "image":
            words.append(_plain(child))
    return _SPACE.sub(" ", "".join(words)).strip()


def read_markdown(text: str) -> ArticleParts:
    fields, body = _front_matter(text)
    tokens = _PARSER.parse(body)
    blocks: list[tuple[str, str]] = []  # (opening token type, text)
    for index, token in enumerate(tokens):
        if token.type == "inline":
            blocks.append((tokens[index - 1].tag, _plain(token)))
        elif token.type in ("fence", "code_block"):
            blocks.append((token.tag, _SPACE.sub(" ", token.content).strip()))
    blocks = [(tag, block) for tag, block in blocks if block]
    title = fields.get("title")
    if blocks and blocks[0][0] == "h1":
        title = title or blocks[0][1]
        blocks = blocks[1:]
    published = fields.get("published") or fields.get("date")
    return ArticleParts(
        paragraphs=tuple(block for _, block in blocks),
        title=title,
        subtitle=fields.get("subtitle"),
        published=parse_date(published) if published else None,
        byline=fields.get("byline") or fields.get("author"),
        url=fields.get("url"),
    )
