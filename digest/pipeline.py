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
from digest.captures import discover_captures, sidecar_path
from digest.editorial import enrich, load_editorial, load_sidecar
from digest.entities import GAZETTEER_FILE, load_gazetteer, recognise
from digest.errors import InputError
from digest.figures import extract_figures
from digest.linking import link
from digest.extract.article_fields import domain_of, find_url
from digest.extract.decoding import decode_unrepaired
from digest.extract.normalize import normalize
from digest.extract.recurring import recurring_lines
from digest.records import Capture, EnrichedArticle, LinkedDigest, NormalizedArticle, Outlet, Problem, RenderedSite
from digest.site.render import directory_url, render_site

PROGRESS_THRESHOLD = 200


def normalize_or_report(
    capture: Capture,
    outlets: Mapping[str, Outlet],
    cache: NormalizationCache | None = None,
    recurring: frozenset[str] = frozenset(),
) -> NormalizedArticle | Problem:
    """Normalize one capture (from the cache when unchanged), or say why it cannot be used."""
    compute = partial(normalize, capture, outlets, recurring)
    try:
        return cache.get_or_compute(capture, compute, recurring) if cache else compute()
    except InputError as err:
        return Problem(str(capture.path), err.message, "error", err.line, err.column)
    except Exception as err:  # a bug or a pathological page must not stop the build
        return Problem(str(capture.path), f"could not be normalized ({type(err).__name__}: {err})")


def outlet_groups(content_dir: Path, captures: list[Capture]) -> dict[str, str | None]:
    """Which outlet each capture belongs to, for counting the lines an outlet repeats: its sidecar's
    outlet, else its sidecar's or its own URL's domain (a broken sidecar is reported later)."""
    groups: dict[str, str | None] = {}
    for capture in captures:
        side_path = sidecar_path(content_dir, capture.slug)
        sidecar = load_sidecar(side_path)[0] if side_path else None
        url = getattr(sidecar, "url", None) or (_url_on_page(capture) if capture.kind == "txt" else None)
        groups[capture.slug] = getattr(sidecar, "outlet", None) or (domain_of(str(url)) if url else None)
    return groups


def _url_on_page(capture: Capture) -> str | None:
    try:
        return find_url(decode_unrepaired(capture.data).splitlines())
    except InputError:
        return None  # normalization reports the capture


def assemble_digest(
    content_dir: Path, cache_dir: Path | None = None, show_progress: bool = False
) -> tuple[LinkedDigest, list[Problem]]:
    """Run every stage up to linking. Bad files become Problems; the rest still builds."""
    captures, problems = discover_captures(content_dir)
    editorial = load_editorial(content_dir)
    problems.extend(editorial.problems)
    gazetteer, found = load_gazetteer(content_dir / GAZETTEER_FILE)
    problems.extend(found)
    cache = NormalizationCache(cache_dir, editorial.outlets) if cache_dir else None
    recognise_entities = partial(recognise, gazetteer=gazetteer)

    recurring = recurring_lines(captures, outlet_groups(content_dir, captures))
    articles: list[EnrichedArticle] = []
    with Progress(transient=True, disable=not show_progress or len(captures) < PROGRESS_THRESHOLD) as progress:
        for capture in progress.track(captures, description="Normalizing captures"):
            normalized = normalize_or_report(capture, editorial.outlets, cache, recurring.get(capture.slug, frozenset()))
            if isinstance(normalized, Problem):
                problems.append(normalized)
                continue
            side_path = sidecar_path(content_dir, capture.slug)
            sidecar, found = load_sidecar(side_path) if side_path else (None, [])
            problems.extend(found)
            articles.append(enrich(normalized, sidecar, editorial.outlets, recognise_entities, extract_figures))

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
) -> RenderedSite:
    """Content folder in, Markdown pages and data files out: what any site engine needs."""
    digest, problems = assemble_digest(content_dir, cache_dir, show_progress)
    site = render_site(digest, page_url)
    return dataclasses.replace(site, problems=tuple(problems))
