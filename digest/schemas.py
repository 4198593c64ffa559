"""The schemas of everything editors write, declared once.

The pydantic models are the single source of truth: the loaders validate with them, and the
JSON Schema files that editors' editors use for completion are generated from them.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter

from digest.extract.hints import HintError, compile_hint
from digest.site.escaping import has_visible_text

RATING_SCALE: dict[str, str] = {
    "high": "Consistently accurate; clear sourcing; corrects its errors.",
    "mostly-reliable": "Generally accurate, with some slant or selective framing.",
    "mixed": "Accurate reporting alongside unsourced or one-sided claims; verify before use.",
    "low": "Frequently unsupported, misleading or propagandistic claims.",
    "very-low": "Fabrication or coordinated disinformation; use only as a record of what it says.",
}

Rating = Literal["high", "mostly-reliable", "mixed", "low", "very-low"]
HttpUrl = Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"']+$", max_length=2000)]
# A date an editor writes: within the years a digest can be about. Dates near the calendar's end
# (9999-12-31) left no room for the arithmetic of charts and feeds, and stopped a build.
Date = Annotated[dt.date, Field(ge=dt.date(1000, 1, 1), le=dt.date(2999, 12, 31))]


def _within_the_years(moment: dt.datetime) -> dt.datetime:
    """A moment in the same years as a Date, in its own time zone and in UTC (the pages show it
    in UTC: 9999-12-31T23:00-14:00 is past the calendar's end there)."""
    try:
        years = {moment.year, moment.astimezone(dt.timezone.utc).year}
    except (OverflowError, ValueError):
        years = {0}
    if not all(1000 <= year <= 2999 for year in years):
        raise ValueError("must lie in the years 1000 to 2999")
    return moment


DateTime = Annotated[dt.datetime, AfterValidator(_within_the_years)]
Identifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", min_length=1, max_length=100)
]


def _visible(value: str) -> str:
    if not has_visible_text(value):
        raise ValueError("shows nothing (empty, blank or invisible characters only); write a value or leave the key out")
    return value


# Text an editor writes on one line. An empty, blank or invisible value (a Hangul filler, a
# zero-width space) would silently blank what it replaces (a title, an outlet): it is refused.
ShortText = Annotated[str, StringConstraints(max_length=500, pattern=r"\S"), AfterValidator(_visible)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]


def _compiles(pattern: str) -> str:
    try:
        compile_hint(pattern)
    except HintError as err:
        reason = err.args[0] if err.args else ""
        reason = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        raise ValueError(f"not a valid RE2 regular expression ({reason})") from None
    return pattern


Hint = Annotated[str, StringConstraints(max_length=500), AfterValidator(_compiles)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SourceModel(_Strict):
    """A public source an assessment rests on."""

    title: ShortText
    url: HttpUrl


class OutletModel(_Strict):
    """An outlet profile in content/outlets.yml."""

    name: ShortText
    domains: list[Annotated[str, StringConstraints(max_length=253)]] = []
    rating: Rating | None = Field(None, description="; ".join(f"{k}: {v}" for k, v in RATING_SCALE.items()))
    ownership: LongText | None = None
    stance: LongText | None = None
    note: LongText | None = Field(None, description="The reliability note, in Markdown.")
    sources: list[SourceModel] = []
    reviewed: Date | None = None
    hints: list[Hint] = Field(
        [], description="Regular expressions (RE2 syntax) for chrome lines on this outlet's pages."
    )


class RelatedOverridesModel(_Strict):
    pin: list[Identifier] = Field([], description="Slugs always listed as related, first.")
    drop: list[Identifier] = Field([], description="Slugs never listed as related.")


class ProvenanceModel(_Strict):
    """Where a capture came from, written by `digest add` so that it can be traced and re-checked."""

    source: ShortText | None = Field(None, description="The URL or file the capture was taken from.")
    url: HttpUrl | None = Field(
        None,
        description="The address the capture's bytes came from: fetched by `digest add` (after redirects), "
        "or given with --url for a saved file. Its host attributes the article to the profile with that domain.",
    )
    retrieved: DateTime | None = Field(None, description="When the capture was taken (UTC).")
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = Field(
        None, description="SHA-256 of the capture's bytes as stored."
    )


class SidecarModel(_Strict):
    """content/articles/SLUG.yml: what editors add to one capture. Values here win."""

    title: ShortText | None = None
    subtitle: ShortText | None = None
    url: HttpUrl | None = None
    outlet: ShortText | None = Field(None, description="An outlet id from outlets.yml, or a domain.")
    published: Date | None = None
    byline: ShortText | None = None
    summary: LongText | None = Field(None, description="The editor's summary, in Markdown.")
    summary_status: Literal["draft", "reviewed"] | None = Field(
        None, description="draft until a second editor has checked the summary against the capture."
    )
    reviewer: ShortText | None = Field(None, description="Who reviewed the summary.")
    reviewed: Date | None = Field(None, description="When the summary was reviewed (YYYY-MM-DD).")
    tags: list[Annotated[str, StringConstraints(max_length=100)]] = []
    related: RelatedOverridesModel = Field(default_factory=RelatedOverridesModel)  # built, not deep-copied, per sidecar
    story: Identifier | None = Field(None, description="Put this article into the story with this id.")
    split_story: bool = Field(False, description="Take this article out of its automatic story.")
    provenance: ProvenanceModel | None = None
    archived_url: HttpUrl | None = Field(
        None,
        description="A copy of the original in a web archive (Wayback Machine, archive.today), shown beside the live link.",
    )
    archived: Date | None = Field(None, description="When that archived copy was made (YYYY-MM-DD).")


class DigestModel(_Strict):
    """content/digest.yml: what the digest as a whole covers."""

    title: ShortText = "Research digest"
    description: LongText | None = None


OutletsFile = dict[Identifier, OutletModel]


EntityName = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class EntityModel(_Strict):
    """One gazetteer entry."""

    name: EntityName
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)] | None = None
    aliases: list[EntityName] = []
    note: Annotated[str, StringConstraints(max_length=20_000)] | None = None


class GazetteerModel(_Strict):
    """content/entities.yml: entities by kind."""

    people: list[EntityModel] = []
    places: list[EntityModel] = []
    organisations: list[EntityModel] = []
    events: list[EntityModel] = []


SCHEMA_FILES: dict[str, tuple[str, object]] = {
    "sidecar.schema.json": ("Article sidecar (content/articles/SLUG.yml)", SidecarModel),
    "outlets.schema.json": ("Outlet profiles (content/outlets.yml)", OutletsFile),
    "digest.schema.json": ("Digest description (content/digest.yml)", DigestModel),
    "entities.schema.json": ("Gazetteer of people, places, organisations and events (content/entities.yml)", GazetteerModel),
}


def json_schema_files() -> dict[str, str]:
    """The JSON Schema text of each editors' file, generated from the models so it cannot drift."""
    files = {}
    for name, (title, model) in SCHEMA_FILES.items():
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title}
        schema.update(TypeAdapter(model).json_schema())
        schema["title"] = title
        files[name] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return files
