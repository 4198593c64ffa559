"""Atom feeds (RFC 4287) of the digest and of each outlet, story and entity, written by feedgen.

A reader follows new coverage in a feed reader rather than by revisiting pages. An entry is an
article's arrival in the digest: ``updated`` is the latest of its publication, its capture and
its review, so that an article published years ago but added today is news to the reader.
Articles with none of these dates cannot be placed in time and are left out of feeds.

Feeds are bounded (the latest FEED_ENTRIES articles) so that at tens of thousands of articles
each stays small. Links are relative to the feed's own address (RFC 4287 allows IRI references),
so the site works wherever it is served; ids are stable URNs derived from the article id.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from digest.records import EnrichedArticle
from digest.site.escaping import xml_name, xml_text

FEED_ENTRIES = 50
SUMMARY_CHARACTERS = 400
_ID_NAMESPACE = uuid.UUID("6f1d3c52-2b0e-5b8a-9a53-3d1b7f1f6a10")


@dataclass(frozen=True)
class FeedSpec:
    """One feed to write: where it goes, what it is called, and the page it follows."""

    path: str  # e.g. "feeds/outlets/rt.xml"
    title: str
    page_url: str  # the site-relative URL of the page the feed follows
    articles: Sequence[EnrichedArticle]


def entry_time(article: EnrichedArticle) -> dt.datetime | None:
    """When the article became news in the digest: the latest date known about it."""
    moments = [_moment(value) for value in (article.published, article.provenance.retrieved, article.reviewed) if value]
    return max(moments) if moments else None


def _moment(value: str) -> dt.datetime:
    if len(value) == 10:
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.timezone.utc)
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.timezone.utc)


def latest(articles: Sequence[EnrichedArticle], limit: int = FEED_ENTRIES) -> list[tuple[dt.datetime, EnrichedArticle]]:
    """The ``limit`` articles that most recently became news, newest first."""
    timed = [(moment, article) for article in articles if (moment := entry_time(article))]
    timed.sort(key=lambda row: (row[0], row[1].id), reverse=True)
    return timed[:limit]


def _urn(*parts: str) -> str:
    return uuid.uuid5(_ID_NAMESPACE, "\x1f".join(parts)).urn


def atom_feed(
    spec: FeedSpec,
    digest_title: str,
    article_url: Callable[[EnrichedArticle], str],
    publisher_of: Callable[[EnrichedArticle], str | None],
) -> bytes:
    """One Atom document. ``article_url`` gives the site-relative URL of an article's page."""
    here = posixpath.dirname(spec.path)
    relative = lambda url: posixpath.relpath(url or ".", here or ".") + ("/" if url.endswith("/") else "")  # noqa: E731
    entries = latest(spec.articles)
    feed = FeedGenerator()
    feed.id(_urn("feed", digest_title, spec.path))
    feed.title(xml_name(spec.title) or "Untitled")
    feed.subtitle(xml_text(f"Latest articles in {digest_title}"))
    feed.author({"name": xml_name(digest_title) or "Research digest"})
    feed.link(href=posixpath.basename(spec.path), rel="self", type="application/atom+xml")
    feed.link(href=relative(spec.page_url), rel="alternate", type="text/html")
    feed.updated(entries[0][0] if entries else dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc))
    feed.generator("digest")
    for moment, article in reversed(entries):  # feedgen lists the last added first
        entry = feed.add_entry()
        entry.id(_urn("article", digest_title, article.id))
        entry.title(xml_name(article.title) or article.id)
        entry.link(href=relative(article_url(article)), rel="alternate", type="text/html")
        entry.updated(moment)
        if article.published:
            entry.published(_moment(article.published))
        publisher = publisher_of(article)
        entry.author({"name": xml_name(article.byline or publisher or "Unattributed") or "Unattributed"})
        if publisher:
            entry.category(term=xml_name(publisher))
        summary = xml_text((article.summary or article.subtitle or "")[: 2 * SUMMARY_CHARACTERS])
        if summary:
            cut = summary if len(summary) <= SUMMARY_CHARACTERS else summary[:SUMMARY_CHARACTERS].rsplit(" ", 1)[0] + "…"
            entry.summary(cut, type="text")
    return feed.atom_str(pretty=True)
