"""Find the article and its metadata in a saved HTML page.

trafilatura finds the text, with the options of ExtractionSettings (bench/extraction.py
cross-validates them and prints the folds). The fields come from the page's own metadata (Open Graph,
schema.org, <meta> and <link> tags), read from the same parsed tree, which costs far less than
trafilatura's metadata search; htmldate is asked for a date only when the tags name none.
"""

from __future__ import annotations

import json
import re

import htmldate
import lxml.html
import trafilatura

from digest.extract.article_fields import ArticleParts, parse_date
from digest.extract.settings import DEFAULT_SETTINGS, ExtractionSettings

_SPACE = re.compile(r"\s+")
_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,60}$")


def read_html_page(html: str, settings: ExtractionSettings = DEFAULT_SETTINGS) -> ArticleParts:
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ArticleParts(paragraphs=())
    fields = _metadata(tree)
    text = trafilatura.extract(tree, **settings.trafilatura.as_arguments()) or ""
    paragraphs = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    paragraphs = [paragraph for paragraph in paragraphs if paragraph]
    title = fields["title"]
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    return ArticleParts(
        paragraphs=tuple(paragraphs),
        title=title,
        subtitle=_dek(fields["description"], paragraphs),
        published=fields["published"],
        byline=fields["byline"],
        url=fields["url"],
        site_name=fields["site_name"],
        language=fields["language"],
    )


def _metadata(tree: lxml.html.HtmlElement) -> dict[str, str | None]:
    meta = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower()
        content = (element.get("content") or "").strip()
        if key and content:
            meta.setdefault(key, content)
    linked = {" ".join((element.get("rel") or "").lower().split()): element.get("href") for element in tree.iter("link")}
    schema = _schema_org(tree)
    title = meta.get("og:title") or meta.get("twitter:title") or schema.get("headline") or _first_text(tree, "h1")
    if not title:
        page_title = _first_text(tree, "title")
        title = _TITLE_SUFFIX.sub("", page_title) if page_title else None
    published = next(
        filter(
            None,
            (
                parse_date(value)
                for value in (
                    meta.get("article:published_time"), schema.get("datePublished"), meta.get("datepublished"),
                    meta.get("date"), meta.get("pubdate"), meta.get("publishdate"), meta.get("dc.date.issued"),
                    meta.get("sailthru.date"), _first_attribute(tree, "time", "datetime"),
                )
                if value
            ),
        ),
        None,
    ) or _date_guessed_by_htmldate(tree)
    author = meta.get("author") or schema.get("author") or meta.get("article:author") or meta.get("byl")
    if author and author.startswith("http"):
        author = None
    return {
        "title": _SPACE.sub(" ", title).strip() if title else None,
        "description": meta.get("og:description") or meta.get("description") or meta.get("twitter:description"),
        "published": published,
        "byline": author,
        "url": linked.get("canonical") or meta.get("og:url"),
        "site_name": meta.get("og:site_name") or meta.get("application-name") or schema.get("publisher"),
        "language": (tree.get("lang") or meta.get("og:locale") or "").replace("_", "-").split("-")[0].lower() or None,
    }


def _date_guessed_by_htmldate(tree: lxml.html.HtmlElement) -> str | None:
    """htmldate asserts on some malformed trees (a lone <svg>); a missing date must not lose the page."""
    try:
        return htmldate.find_date(tree, extensive_search=False, original_date=True)
    except AssertionError:
        return None


def _schema_org(tree: lxml.html.HtmlElement) -> dict[str, str]:
    """headline, datePublished, author and publisher names from JSON-LD blocks."""
    found: dict[str, str] = {}
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        items = data if isinstance(data, list) else [data]
        items += [item for entry in list(items) if isinstance(entry, dict) for item in entry.get("@graph", [])]
        for item in items:
            if not isinstance(item, dict):
                continue
            for key in ("headline", "datePublished", "author", "publisher"):
                value = _name_of(item.get(key))
                if value:
                    found.setdefault(key, value)
    return found


def _name_of(value: object) -> str | None:
    if isinstance(value, list):
        names = [_name_of(item) for item in value]
        return ", ".join(name for name in names if name) or None
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _first_text(tree: lxml.html.HtmlElement, tag: str) -> str | None:
    for element in tree.iter(tag):
        text = _SPACE.sub(" ", element.text_content()).strip()
        if text:
            return text
    return None


def _first_attribute(tree: lxml.html.HtmlElement, tag: str, attribute: str) -> str | None:
    return next((element.get(attribute) for element in tree.iter(tag) if element.get(attribute)), None)


def _dek(description: str | None, paragraphs: list[str]) -> str | None:
    """A description that only repeats the opening of the article is not a dek."""
    if not description:
        return None
    opening = " ".join(paragraphs[:2])
    return None if description.rstrip(". …")[:60] in opening else description
