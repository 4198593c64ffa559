"""Typed records passed between the pipeline stages.

Each stage takes records of the previous stage and returns records of its own, so that a stage
can be tested alone with hand-made inputs:

    Capture -> NormalizedArticle -> EnrichedArticle -> LinkedDigest -> RenderedSite

Records are frozen: a stage never edits what an earlier stage produced, which is what makes
per-article caching by content hash safe.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

Severity = Literal["error", "warning"]
CaptureKind = Literal["txt", "html", "md"]


@dataclass(frozen=True)
class Problem:
    """Something wrong with one input file; the build reports it and goes on without that file."""

    path: str
    message: str
    severity: Severity = "error"
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.severity}: {self.message}"
        # File names and YAML keys are hostile: a newline or an escape sequence in them must
        # not forge a log line or drive the terminal.
        return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


@dataclass(frozen=True)
class CaptureRefused(Problem):
    """A capture normalization cannot use (no article text, an undecodable file): a function of
    the capture alone, so it is cached like an article and a rebuild does not try it again. A
    capture over its time budget or one that crashed the extractor is a plain Problem, tried
    again next build."""


@dataclass(frozen=True)
class Capture:
    """One raw capture exactly as stored under content/articles/."""

    slug: str
    path: Path
    kind: CaptureKind
    data: bytes = field(repr=False)
    sidecar: Path | None = None  # the editors' sidecar beside it, when there is exactly one

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class NormalizedArticle:
    """What normalization recovered from a capture: fields plus the article's own paragraphs."""

    slug: str
    paragraphs: tuple[str, ...]
    title: str | None = None
    subtitle: str | None = None
    published: str | None = None  # ISO 8601 date (YYYY-MM-DD)
    byline: str | None = None
    outlet_claimed: str | None = None  # the outlet the page names itself (a claim, never an attribution)
    language: str | None = None
    url: str | None = None
    # Read from the paragraphs in the same per-article job (digest/figures.py), so a rebuild
    # reads them from the cache and a cold build extracts them on every core.
    figures: tuple[Figure, ...] = ()

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Outlet:
    """An editor's profile of an outlet (content/outlets.yml)."""

    id: str
    name: str
    domains: tuple[str, ...] = ()
    rating: str | None = None
    ownership: str | None = None
    stance: str | None = None
    note: str | None = None  # editor's Markdown
    sources: tuple[Source, ...] = ()
    reviewed: str | None = None  # ISO date of the last review
    hints: tuple[str, ...] = ()  # extra chrome patterns for this outlet's pages


@dataclass(frozen=True)
class EntityMention:
    entity_id: str
    name: str  # the canonical name
    kind: str  # person, place, organisation, event
    surface: str  # the text as it appears in the article (first mention)
    paragraph: int  # index of the paragraph holding the first mention
    start: int  # character offsets of the first mention within that paragraph
    end: int


@dataclass(frozen=True)
class Figure:
    """A number an article reports together with what it counts ("32,000 militants")."""

    value: str
    counts: str
    context: str


@dataclass(frozen=True)
class EditorialOverrides:
    """Editors' corrections to the automatic linking, from the sidecar."""

    pin_related: tuple[str, ...] = ()
    drop_related: tuple[str, ...] = ()
    story: str | None = None  # force this article into the named story (merge)
    split_story: bool = False  # take this article out of its automatic story


@dataclass(frozen=True)
class Provenance:
    """Where the capture came from, as `digest add` recorded it, and the checksum of its bytes now."""

    source: str | None = None  # the URL or file the capture was taken from
    retrieved: str | None = None  # ISO 8601 UTC time of the capture
    recorded_sha256: str | None = None  # the checksum `digest add` wrote into the sidecar
    sha256: str | None = None  # the checksum of the capture's bytes as stored now

    @property
    def verified(self) -> bool | None:
        """Whether the stored bytes are the ones that were added (None: nothing was recorded)."""
        if not (self.recorded_sha256 and self.sha256):
            return None
        return self.recorded_sha256 == self.sha256


@dataclass(frozen=True)
class EnrichedArticle:
    """A normalized article with the editorial layer and recognised entities attached."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    subtitle: str | None = None
    published: str | None = None
    byline: str | None = None
    url: str | None = None
    outlet_id: str | None = None
    outlet_name: str | None = None  # shown when the outlet has no profile yet
    outlet_source: str | None = None  # the evidence for outlet_id: "editor" or "source-url"
    outlet_claimed: str | None = None  # what the page says its outlet is; not confirmed
    summary: str | None = None  # editor's Markdown
    summary_status: str | None = None  # "draft" or "reviewed"
    reviewer: str | None = None
    reviewed: str | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    entities: tuple[EntityMention, ...] = ()
    figures: tuple[Figure, ...] = ()
    overrides: EditorialOverrides = EditorialOverrides()
    archived_url: str | None = None  # a web archive's copy of the original
    archived: str | None = None  # ISO date of that copy
    provenance: Provenance = Provenance()

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class RelatedLink:
    id: str
    reason: str
    score: float = 0.0


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    article_ids: tuple[str, ...]


@dataclass(frozen=True)
class Links:
    """What the linking stage adds: ranked related coverage and stories."""

    related: dict[str, tuple[RelatedLink, ...]]
    stories: dict[str, Story]
    story_of: dict[str, str]


@dataclass(frozen=True)
class Entity:
    """A gazetteer entry (content/entities.yml)."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class LinkedDigest:
    """Everything the renderer needs: articles, outlets, and the links between articles."""

    articles: tuple[EnrichedArticle, ...]
    outlets: dict[str, Outlet]
    related: dict[str, tuple[RelatedLink, ...]]
    stories: dict[str, Story]
    story_of: dict[str, str]
    entities: dict[str, Entity] = field(default_factory=dict)
    title: str = "Research digest"
    description: str | None = None  # editor's Markdown about what the digest covers


@dataclass(frozen=True)
class Page:
    """One generated page, as Markdown for the site engine, at a path relative to the site.

    ``body`` is the Markdown the engine converts and ``meta`` the values of its front matter
    (title, citation tags, feeds), kept as data so that an engine which takes them as data
    parses no YAML; ``source`` is the two as one Markdown file with YAML front matter. Large
    stretches of ready HTML (an article's text) are not in the body: each is a ``fragments``
    entry (placeholder, HTML), the placeholder a block-level element on its own lines that the
    engine passes through as it is, and the engine writes the HTML in its place after
    converting (``fill_fragments`` in digest/site/render.py). ``markdown`` is the whole page as
    one Markdown text, for an engine that takes no fragments: the same page, converted more
    slowly. ``search_filters`` (name, value) are what a reader can narrow a search by; a page
    that has them is indexed for search.
    """

    path: str
    body: str
    title: str
    meta: dict[str, object] = field(default_factory=dict)
    fragments: tuple[tuple[str, str], ...] = ()
    search_filters: tuple[tuple[str, str], ...] = ()

    @property
    def source(self) -> str:
        return front_matter(self.meta) + self.body

    @property
    def filled_body(self) -> str:
        """The body with its fragments in place of their placeholders."""
        text = self.body
        for placeholder, html in self.fragments:
            text = text.replace(placeholder, html, 1)
        return text

    @property
    def markdown(self) -> str:
        return front_matter(self.meta) + self.filled_body


_YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's, when installed: pages are many


def front_matter(meta: dict[str, object]) -> str:
    """``meta`` as a page's YAML front matter block."""
    # One line per value (no wrapping), so that no value can ever put a "---" line into the block.
    text = yaml.dump(meta, Dumper=_YAML_DUMPER, allow_unicode=True, sort_keys=False, width=2**30)
    return "---\n" + text + "---\n\n"


@dataclass(frozen=True)
class RenderedSite:
    """What the engine-agnostic core hands to the site engine (MkDocs today)."""

    pages: tuple[Page, ...]
    data_files: dict[str, bytes]
    nav: tuple[tuple[str, str], ...]  # (title, page path) for the few index pages only
    title: str = "Research digest"
    problems: tuple[Problem, ...] = ()
