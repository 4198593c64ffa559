"""Read a Markdown capture, which editors write or clean by hand and is taken as article text."""

from __future__ import annotations

import re

from digest.extract.article_fields import ArticleParts, parse_date

_FRONT_MATTER = re.compile(r"\A---\n(?P<body>.*?)\n---\n", re.DOTALL)
_FRONT_MATTER_FIELD = re.compile(r"^(?P<key>title|subtitle|date|published|byline|author|url):\s*(?P<value>.+)$", re.MULTILINE)
_HEADING = re.compile(r"^#{1,6}\s+")
_SPACE = re.compile(r"\s+")


def read_markdown(text: str) -> ArticleParts:
    fields = {}
    front_matter = _FRONT_MATTER.match(text)
    if front_matter:
        fields = {match["key"]: match["value"].strip().strip("'\"") for match in _FRONT_MATTER_FIELD.finditer(front_matter["body"])}
        text = text[front_matter.end() :]
    blocks = [_SPACE.sub(" ", block).strip() for block in re.split(r"\n\s*\n", text)]
    blocks = [block for block in blocks if block]
    title = fields.get("title")
    if blocks and blocks[0].startswith("# "):
        title = title or blocks[0][2:].strip()
        blocks = blocks[1:]
    published = fields.get("published") or fields.get("date")
    return ArticleParts(
        paragraphs=tuple(_HEADING.sub("", block) for block in blocks),
        title=title,
        subtitle=fields.get("subtitle"),
        published=parse_date(published) if published else None,
        byline=fields.get("byline") or fields.get("author"),
        url=fields.get("url"),
    )
