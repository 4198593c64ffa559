"""Normalization: one capture in, the article's fields and paragraphs out.

This is the only entry point the pipeline uses, so the method behind it can change without
touching the rest. Each kind of capture has its own reader (text, HTML, Markdown); what they
share is settled here: decoding, the outlet, its editors' hints, and the language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace


from digest.extract.article_fields import ArticleParts, domain_of, guess_language, match_outlet, outlet_named_on_page
from digest.extract.decoding import decode, decode_unrepaired, repair
from digest.errors import InputError
from digest.site.escaping import safe_url
from digest.extract.hints import HintError, compile_hint
from digest.extract.html_extraction import read_html_page
from digest.extract.markdown_extraction import read_markdown
from digest.extract.recurring import line_key
from digest.extract.settings import DEFAULT_SETTINGS, ExtractionSettings
from digest.records import Capture, NormalizedArticle, Outlet
from digest.extract.text_extraction import read_text_page


_SPACE = re.compile(r"\s+")


def normalize(
    capture: Capture,
    outlets: Mapping[str, Outlet] = {},
    recurring: frozenset[str] = frozenset(),
    settings: ExtractionSettings = DEFAULT_SETTINGS,
) -> NormalizedArticle:
    """Raises InputError for a capture that is not text or holds no article. `recurring` holds
    the hashes (recurring.line_key) of this capture's lines that its outlet prints on several
    captures (recurring.recurring_lines): those are chrome wherever they stand."""
    if capture.kind == "html":
        text = decode_unrepaired(capture.data)
        parts = _repaired(read_html_page(text, settings))
    elif capture.kind == "txt":
        text = decode(capture.data)
        parts = read_text_page(text, recurring)
    else:
        text = decode(capture.data)
        parts = read_markdown(text)
    outlet_id = match_outlet(outlets, parts.url, text)
    paragraphs = tuple(paragraph for paragraph in parts.paragraphs if line_key(paragraph) not in recurring)
    if outlet_id:
        paragraphs = _without_hinted_chrome(paragraphs, outlets[outlet_id].hints)
    if not paragraphs:
        raise InputError("no article text found in the capture")
    return NormalizedArticle(
        slug=capture.slug,
        paragraphs=paragraphs,
        title=parts.title,
        subtitle=parts.subtitle,
        published=parts.published,
        byline=parts.byline,
        outlet=outlet_id or _outlet_on_page(parts, text),
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


def _outlet_on_page(parts: ArticleParts, text: str) -> str | None:
    return (domain_of(parts.url) if parts.url else None) or parts.site_name or outlet_named_on_page(text.splitlines())


def _without_hinted_chrome(paragraphs: tuple[str, ...], hints: tuple[str, ...]) -> tuple[str, ...]:
    """Drop paragraphs an outlet's profile marks as chrome; RE2 keeps editors' patterns linear-time."""
    patterns = []
    for hint in hints:
        try:
            patterns.append(compile_hint(hint))
        except HintError:
            continue  # the schema reports a broken hint; it must not stop the build
    return tuple(paragraph for paragraph in paragraphs if not any(pattern.search(paragraph) for pattern in patterns))
