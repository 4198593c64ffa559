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
from digest.extract.normalize import normalize
from digest.records import Capture, EnrichedArticle, LinkedDigest, NormalizedArticle, Outlet, Problem, RenderedSite
from digest.site.render import directory_url, render_site

PROGRESS_THRESHOLD = 200


def normalize_or_report(
    capture: Capture, outlets: Mapping[str, Outlet], cache: NormalizationCache | None = None
) -> NormalizedArticle | Problem:
    """Normalize one capture (from the cache when unchanged), or say why it cannot be used."""
    compute = partial(normalize, capture, outlets)
    try:
        return cache.get_or_compute(capture, compute) if cache else compute()
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
    gazetteer, found = load_gazetteer(content_dir / GAZETTEER_FILE)
    problems.extend(found)
    cache = NormalizationCache(cache_dir, editorial.outlets) if cache_dir else None
    recognise_entities = partial(recognise, gazetteer=gazetteer)

    articles: list[EnrichedArticle] = []
    with Progress(transient=True, disable=not show_progress or len(captures) < PROGRESS_THRESHOLD) as progress:
        for capture in progress.track(captures, description="Normalizing captures"):
            normalized = normalize_or_report(capture, editorial.outlets, cache)
            if isinstance(normalized, Problem):
                problems.append(normalized)
                continue
            side_path = sidecar_path(content_dir, capture.slug)
            sidecar, found = load_sidecar(side_path) if side_path else (None, [])
            problems.extend(found)
            articles.append(enrich(normalized, sidecar, editorial.outlets, recognise_entities, extract_figures, capture.sha256))

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
