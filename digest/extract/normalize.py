"""Normalization: one capture in, the article's fields and paragraphs out.

This is the only entry point the pipeline uses, so the method behind it can change without
touching the rest. Each kind of capture has its own reader (text, HTML, Markdown); what they
share is settled here: decoding, the attributed outlet's hints, the outlet the page claims to
be from, and the language. The page's claim is recorded, never trusted (digest/attribution.py).
"""

from __future__ import annotations

import re
from dataclasses import replace

from digest.attribution import web_host
from digest.extract.article_fields import ArticleParts, guess_language, outlet_named_on_page
from digest.extract.decoding import decode, decode_unrepaired, repair
from digest.errors import InputError
from digest.site.escaping import safe_url
from digest.extract.hints import HintError, compile_hint
from digest.extract.html_extraction import read_html_page
from digest.extract.markdown_extraction import read_markdown
from digest.extract.recurring import line_key
from digest.extract.settings import DEFAULT_SETTINGS, ExtractionSettings
from digest.records import Capture, NormalizedArticle
from digest.extract.text_extraction import read_text_page


_SPACE = re.compile(r"\s+")


def normalize(
    capture: Capture,
    hints: tuple[str, ...] = (),
    recurring: frozenset[str] = frozenset(),
    settings: ExtractionSettings = DEFAULT_SETTINGS,
) -> NormalizedArticle:
    """Raises InputError for a capture that is not text or holds no article.

    ``hints`` are the chrome patterns of the outlet the article is attributed to on evidence;
    ``recurring`` holds the hashes (recurring.line_key) of this capture's lines that its outlet
    prints on several captures (recurring.recurring_lines): those are chrome wherever they stand.
    """
    if capture.kind == "html":
        text = decode_unrepaired(capture.data)
        parts = _repaired(read_html_page(text, settings))
    elif capture.kind == "txt":
        text = decode(capture.data)
        parts = read_text_page(text, recurring, settings.text)
    else:
        text = decode(capture.data)
        parts = read_markdown(text)
    paragraphs = tuple(paragraph for paragraph in parts.paragraphs if line_key(paragraph) not in recurring)
    paragraphs = _without_hinted_chrome(paragraphs, hints)
    if not paragraphs:
        raise InputError("no article text found in the capture")
    return NormalizedArticle(
        slug=capture.slug,
        paragraphs=paragraphs,
        title=parts.title,
        subtitle=parts.subtitle,
        published=parts.published,
        byline=parts.byline,
        outlet_claimed=_outlet_claimed(parts, text),
        language=parts.language or guess_language(" ".join(paragraphs)),
        url=safe_url(parts.url),  # a page's canonical link is hostile too: web addresses only
    )


def _repaired(parts: ArticleParts) -> ArticleParts:
    """Mojibake repair of an HTML page's article and fields, in one pass over them all."""
    fields = (parts.title, parts.subtitle, parts.byline)
    lines = [_SPACE.sub(" ", text or "") for text in (*fields, *parts.paragraphs)]
    repaired = [_SPACE.sub(" ", line).strip() for line in repair("\n".join(lines)).split("\n")]
    title, subtitle, byline = (line or None for line in repaired[:3])
    return replace(parts, paragraphs=tuple(filter(None, repaired[3:])), title=title, subtitle=subtitle, byline=byline)


def _outlet_claimed(parts: ArticleParts, text: str) -> str | None:
    """What the page names as its outlet: its site name, its own address's host, or a copyright owner."""
    host = web_host(parts.url) if parts.url else None
    claim = parts.site_name or (host.removeprefix("www.") if host else None) or outlet_named_on_page(text.splitlines())
    return " ".join(claim.split())[:200] if claim else None


def _without_hinted_chrome(paragraphs: tuple[str, ...], hints: tuple[str, ...]) -> tuple[str, ...]:
    """Drop paragraphs an outlet's profile marks as chrome; RE2 keeps editors' patterns linear-time."""
    patterns = []
    for hint in hints:
        try:
            patterns.append(compile_hint(hint))
        except HintError:
            continue  # the schema reports a broken hint; it must not stop the build
    return tuple(paragraph for paragraph in paragraphs if not any(pattern.search(paragraph) for pattern in patterns))
