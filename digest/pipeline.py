"""The pipeline from a content folder to a linked digest and its rendered pages.

This is the engine-agnostic core: it reads content/, runs the stages in order and returns
records. Handing pages to a site engine is the adapter's job (mkdocs_plugin.py), and writing
the site safely is publish.py's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path

from rich.progress import Progress

from digest.cache import NormalizationCache
from digest.captures import discover_captures, editor_file
from digest.attribution import Attribution, attribute, web_host
from digest.editorial import enrich, load_editorial
from digest.entities import GAZETTEER, EntityRecogniser, load_gazetteer
from digest.errors import InputError
from digest.figures import extract_figures
from digest.linking import link
from digest.extract.article_fields import find_url
from digest.extract.decoding import decode_unrepaired
from digest.extract.normalize import normalize
from digest.extract.recurring import recurring_lines
from digest.records import Capture, EnrichedArticle, LinkedDigest, NormalizedArticle, Outlet, Problem, RenderedSite
from digest.schemas import SidecarModel
from digest.site.render import directory_url, render_site
from digest.validation import load_with_positions
from digest.yaml_loading import LoadedYaml

PROGRESS_THRESHOLD = 200


@dataclasses.dataclass(frozen=True)
class SidecarReading:
    """A capture's sidecar and the outlet it is attributed to: read before normalization, since
    the outlet decides which hints clean the capture and which captures share its chrome."""

    sidecar: SidecarModel | None
    path: Path | None
    loaded: LoadedYaml | None  # for pointing warnings at a key
    attribution: Attribution
    problems: tuple[Problem, ...]


@dataclasses.dataclass(frozen=True)
class ArticleInputs:
    """One article's capture read with its sidecar: what build and check both start from."""

    reading: SidecarReading
    normalized: NormalizedArticle | None  # None when the capture cannot be used (see problems)
    problems: tuple[Problem, ...]


def read_sidecar(capture: Capture, outlets: Mapping[str, Outlet]) -> SidecarReading:
    sidecar, loaded, problems = load_with_positions(SidecarModel, capture.sidecar) if capture.sidecar else (None, None, [])
    return SidecarReading(sidecar, capture.sidecar, loaded, attribute(sidecar, capture.sha256, outlets), tuple(problems))


def chrome_group(capture: Capture, reading: SidecarReading) -> str | None:
    """Which captures count together when finding the lines an outlet repeats (its chrome).

    An attributed capture counts only with captures attributed to the same outlet, so a capture
    that merely claims an outlet can never make that outlet's article text look like chrome;
    unattributed captures count with others fetched from, or claiming, the same host.
    """
    if reading.attribution.outlet_id:
        return f"outlet:{reading.attribution.outlet_id}"
    if reading.attribution.fetched_host:
        return f"fetched:{reading.attribution.fetched_host}"
    url = getattr(reading.sidecar, "url", None) or (_url_on_page(capture) if capture.kind == "txt" else None)
    host = web_host(str(url)) if url else None
    return f"claimed:{host}" if host else None


def _url_on_page(capture: Capture) -> str | None:
    try:
        return find_url(decode_unrepaired(capture.data).splitlines())
    except InputError:
        return None  # normalization reports the capture


def read_articles(
    captures: list[Capture], outlets: Mapping[str, Outlet], cache: NormalizationCache | None = None, show_progress: bool = False
) -> list[ArticleInputs]:
    """Every capture's sidecar, attribution and normalized article, in the captures' order."""
    readings = [read_sidecar(capture, outlets) for capture in captures]
    recurring = recurring_lines(captures, {c.slug: chrome_group(c, r) for c, r in zip(captures, readings)})
    inputs = []
    with Progress(transient=True, disable=not show_progress or len(captures) < PROGRESS_THRESHOLD) as progress:
        for capture, reading in progress.track(list(zip(captures, readings)), description="Normalizing captures"):
            profile = outlets.get(reading.attribution.outlet_id or "")
            hints = profile.hints if profile else ()
            normalized = normalize_or_report(capture, hints, cache, recurring.get(capture.slug, frozenset()))
            if isinstance(normalized, Problem):
                inputs.append(ArticleInputs(reading, None, (*reading.problems, normalized)))
            else:
                inputs.append(ArticleInputs(reading, normalized, reading.problems))
    return inputs


def normalize_or_report(
    capture: Capture,
    hints: tuple[str, ...] = (),
    cache: NormalizationCache | None = None,
    recurring: frozenset[str] = frozenset(),
) -> NormalizedArticle | Problem:
    """Normalize one capture (from the cache when unchanged), or say why it cannot be used."""
    compute = partial(normalize, capture, hints, recurring)
    try:
        return cache.get_or_compute(capture, compute, hints, recurring) if cache else compute()
    except InputError as err:
        return Problem(str(capture.path), err.message, "error", err.line, err.column)
    except Exception as err:  # a bug or a pathological page must not stop the build
        return Problem(str(capture.path), f"could not be normalized ({type(err).__name__}: {err})")


def assemble_digest(
    content_dir: Path, cache_dir: Path | None = None, show_progress: bool = False
) -> tuple[LinkedDigest, list[Problem]]:
    """Run every stage up to linking. Bad files become Problems; the rest still builds."""
    captures, problems = discover_captures(content_dir)
    editorial = load_editorial(content_dir)
    problems.extend(editorial.problems)
    gazetteer, found = load_gazetteer(editor_file(content_dir, GAZETTEER))
    problems.extend(found)
    cache = NormalizationCache(cache_dir) if cache_dir else None
    recognise_entities = EntityRecogniser(gazetteer, cache_dir)

    articles: list[EnrichedArticle] = []
    for inputs in read_articles(captures, editorial.outlets, cache, show_progress):
        problems.extend(inputs.problems)
        if inputs.normalized is not None:
            articles.append(enrich(inputs.normalized, inputs.reading.sidecar, inputs.reading.attribution,
                                   recognise_entities, extract_figures))

    links = link(articles)
    digest = LinkedDigest(
        articles=tuple(articles),
        outlets=editorial.outlets,
        related=links.related,
        stories=links.stories,
        story_of=links.story_of,
        entities=gazetteer,
        title=editorial.digest.title,
        description=editorial.digest.description,
    )
    return digest, problems


def build_pages(
    content_dir: Path,
    cache_dir: Path | None = None,
    show_progress: bool = False,
    page_url: Callable[[str], str] = directory_url,
    template_overrides: tuple[Path, ...] = (),
) -> RenderedSite:
    """Content folder in, Markdown pages and data files out: what any site engine needs."""
    digest, problems = assemble_digest(content_dir, cache_dir, show_progress)
    site = render_site(digest, page_url, template_overrides)
    return dataclasses.replace(site, problems=tuple(problems))
