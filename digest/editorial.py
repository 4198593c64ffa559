"""The editorial layer: sidecars, outlet profiles and the digest's own description.

Editors' values win over what normalization guessed. A broken sidecar or outlet profile is
reported and left out; the article itself still builds from its capture.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from digest.attribution import Attribution, profile_domain, reads_as
from digest.captures import editor_file
from digest.errors import InputError
from digest.paths import safe_name
from digest.records import (
    EditorialOverrides,
    EnrichedArticle,
    NormalizedArticle,
    Outlet,
    Problem,
    Provenance,
    Source,
)
from digest.schemas import DigestModel, OutletModel, SidecarModel
from digest.validation import load_and_validate, validate_loaded
from digest.yaml_loading import load_yaml_file

OUTLETS = "outlets"  # content/outlets.yml (or .yaml)
DIGEST = "digest"


@dataclass(frozen=True)
class Editorial:
    digest: DigestModel
    outlets: dict[str, Outlet]
    problems: tuple[Problem, ...]


def _outlet_record(outlet_id: str, model: OutletModel) -> Outlet:
    return Outlet(
        id=outlet_id,
        name=model.name,
        domains=tuple(d.lower().removeprefix("www.") for d in model.domains),
        rating=model.rating,
        ownership=model.ownership,
        stance=model.stance,
        note=model.note,
        sources=tuple(Source(s.title, s.url) for s in model.sources),
        reviewed=model.reviewed.isoformat() if model.reviewed else None,
        hints=tuple(model.hints),
    )


def load_outlets(path: Path | None) -> tuple[dict[str, Outlet], list[Problem]]:
    """Each outlet is validated on its own, so one bad profile does not hide the others."""
    if path is None or not path.exists():
        return {}, []
    try:
        loaded = load_yaml_file(path)
    except InputError as err:
        return {}, [Problem(str(path), err.message, "error", err.line, err.column)]
    if loaded.data is None:
        return {}, []
    if not isinstance(loaded.data, dict):
        return {}, [Problem(str(path), "expected a mapping of outlet ids to profiles", "error", 1, 1)]
    outlets: dict[str, Outlet] = {}
    problems: list[Problem] = []
    for outlet_id in loaded.data:
        line, column = loaded.position((outlet_id,))
        if not isinstance(outlet_id, str) or safe_name(outlet_id) != outlet_id:
            problems.append(Problem(str(path), f"outlet id {outlet_id!r} must be lowercase letters, digits and dashes", "error", line, column))
            continue
        model, found = validate_loaded(OutletModel, loaded, path, (outlet_id,))
        problems.extend(found)
        if model is not None:
            outlets[outlet_id] = _outlet_record(outlet_id, model)
    problems.extend(_domain_problems(outlets, loaded, path))
    problems.extend(_name_problems(outlets, loaded, path))
    return outlets, problems


def _name_problems(outlets: dict[str, Outlet], loaded, path: Path) -> list[Problem]:
    """Two profiles whose names read the same ("Good News" and "Good\u00a0News\u200b") would
    share a search filter, a chart row and a reader's trust: each name must read as its own."""
    problems, readers_see = [], {}
    for outlet in outlets.values():
        first = readers_see.setdefault(reads_as(outlet.name), outlet.id)
        if first != outlet.id:
            line, column = loaded.position((outlet.id, "name"), of_value=True)
            problems.append(Problem(str(path), f"name: '{outlet.name}' reads the same as the name of '{first}'; "
                                    "give each outlet a name of its own", "error", line, column))
    return problems


def _domain_problems(outlets: dict[str, Outlet], loaded, path: Path) -> list[Problem]:
    """Domains attribute articles (digest/attribution.py): each must be a host name and belong to one outlet."""
    problems, owner = [], {}
    for outlet in outlets.values():
        for index, domain in enumerate(outlet.domains):
            line, column = loaded.position((outlet.id, "domains", index), of_value=True)
            host = profile_domain(domain)
            if host is None:
                problems.append(Problem(str(path), f"domains.{index}: '{domain}' is not a domain of one outlet such as "
                                        "example.com (a host name, and not a public suffix such as co.uk or github.io "
                                        "that many owners' sites share); it attributes no article", "error", line, column))
            elif owner.setdefault(host, outlet.id) != outlet.id:
                problems.append(Problem(str(path), f"domains.{index}: '{domain}' is also a domain of '{owner[host]}'; "
                                        f"articles fetched from it are attributed to '{owner[host]}' only", "error", line, column))
    return problems


def load_editorial(content_dir: Path) -> Editorial:
    problems: list[Problem] = []
    digest_path = editor_file(content_dir, DIGEST)
    digest = DigestModel()
    if digest_path:
        model, found = load_and_validate(DigestModel, digest_path)
        problems.extend(found)
        digest = model or digest
    outlets, found = load_outlets(editor_file(content_dir, OUTLETS))
    problems.extend(found)
    return Editorial(digest, outlets, tuple(problems))


def load_sidecar(path: Path) -> tuple[SidecarModel | None, list[Problem]]:
    if not path.exists():
        return None, []
    return load_and_validate(SidecarModel, path)


def enrich(
    article: NormalizedArticle,
    sidecar: SidecarModel | None,
    attribution: Attribution,
    recognise_entities=None,
    capture_sha256: str | None = None,
) -> EnrichedArticle:
    """Combine a normalized article with its sidecar (whose values win) and its outlet's attribution.

    ``capture_sha256`` is the checksum of the capture's bytes as stored now, shown beside the
    one `digest add` recorded so that a reader can verify the text they are reading.
    """
    side = sidecar or SidecarModel()
    recorded = side.provenance
    paragraphs = article.paragraphs
    return EnrichedArticle(
        id=article.slug,
        title=side.title or article.title or article.slug,
        paragraphs=paragraphs,
        subtitle=side.subtitle or article.subtitle,
        published=side.published.isoformat() if side.published else article.published,
        byline=side.byline or article.byline,
        url=side.url or article.url,
        outlet_id=attribution.outlet_id,
        outlet_name=attribution.outlet_name,
        outlet_source=attribution.source,
        outlet_claimed=article.outlet_claimed,
        summary=side.summary,
        summary_status=side.summary_status or ("draft" if side.summary else None),
        reviewer=side.reviewer,
        reviewed=side.reviewed.isoformat() if side.reviewed else None,
        tags=tuple(side.tags),
        language=article.language,
        entities=recognise_entities(paragraphs) if recognise_entities else (),
        figures=article.figures,
        overrides=EditorialOverrides(
            pin_related=tuple(side.related.pin),
            drop_related=tuple(side.related.drop),
            story=side.story,
            split_story=side.split_story,
        ),
        archived_url=side.archived_url,
        archived=side.archived.isoformat() if side.archived else None,
        provenance=Provenance(
            source=recorded.source if recorded else None,
            retrieved=_utc_iso(recorded.retrieved) if recorded and recorded.retrieved else None,
            recorded_sha256=recorded.sha256 if recorded else None,
            sha256=capture_sha256,
        ),
    )


def _utc_iso(moment: dt.datetime) -> str:
    """An ISO 8601 time in UTC ('2026-11-21T19:46:49Z'); a time without a zone is taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc)
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
