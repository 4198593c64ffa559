"""The pipeline from a content folder to a linked digest and its rendered pages.

This is the engine-agnostic core: it reads content/, runs the stages in order and returns
records. Handing pages to a site engine is the adapter's job (mkdocs_plugin.py), and writing
the site safely is publish.py's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path

from rich.progress import Progress

from digest.cache import NormalizationCache
from digest.captures import discover_captures, sidecar_path
from digest.editorial import enrich, load_editorial, load_sidecar
from digest.entities import GAZETTEER_FILE, load_gazetteer, recognise
from digest.errors import InputError
from digest.figures import extract_figures
from digest.linking import link, linking_inputs
from digest.extract.normalize import normalize
from digest.records import Capture, EnrichedArticle, LinkedDigest, Links, NormalizedArticle, Outlet, Problem, RenderedSite
from digest.site.render import directory_url, render_site
from digest.workers import WorkerCrash, Workers, run_all

PROGRESS_THRESHOLD = 200


def normalize_or_report(capture: Capture, outlets: Mapping[str, Outlet]) -> NormalizedArticle | Problem:
    """Normalize one capture, or say why it cannot be used: a pure function of its arguments,
    so it runs in any worker process or on a cluster."""
    try:
        return normalize(capture, outlets)
    except InputError as err:
        return Problem(str(capture.path), err.message, "error", err.line, err.column)
    except Exception as err:  # a bug or a pathological page must not stop the build
        return Problem(str(capture.path), f"could not be normalized ({type(err).__name__}: {err})")


def normalize_captures(
    captures: Sequence[Capture],
    outlets: Mapping[str, Outlet],
    cache: NormalizationCache | None = None,
    workers: Workers = Workers(),
    show_progress: bool = False,
) -> list[NormalizedArticle | Problem]:
    """Every capture normalized (from the cache when nothing it depends on changed), in order.

    Cache misses run through ``workers``; a capture whose worker dies becomes a Problem.
    """
    results: list[NormalizedArticle | Problem | None] = [cache.get(c) if cache else None for c in captures]
    missing = [i for i, result in enumerate(results) if result is None]
    shown = show_progress and len(missing) >= PROGRESS_THRESHOLD
    with Progress(transient=True, disable=not shown) as progress:
        task = progress.add_task("Normalizing captures", total=len(missing))
        computed = run_all(
            partial(normalize_or_report, outlets=outlets), [captures[i] for i in missing], workers,
            advance=lambda: progress.advance(task),
        )
    for index, result in zip(missing, computed):
        capture = captures[index]
        if isinstance(result, WorkerCrash):
            result = Problem(str(capture.path), f"could not be normalized: {result.reason}")
        elif cache and isinstance(result, NormalizedArticle):
            cache.put(capture, result)
        results[index] = result
    if cache:
        cache.prune()
    return results  # type: ignore[return-value]


def assemble_digest(
    content_dir: Path, cache_dir: Path | None = None, show_progress: bool = False, workers: Workers = Workers()
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
    for capture, normalized in zip(captures, normalize_captures(captures, editorial.outlets, cache, workers, show_progress)):
        if isinstance(normalized, Problem):
            problems.append(normalized)
            continue
        side_path = sidecar_path(content_dir, capture.slug)
        sidecar, found = load_sidecar(side_path) if side_path else (None, [])
        problems.extend(found)
        articles.append(enrich(normalized, sidecar, editorial.outlets, recognise_entities, extract_figures))

    links = _link_reusing_last(articles)
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


_last_links: dict[str, Links] = {}


def _link_reusing_last(articles: list[EnrichedArticle]) -> Links:
    """link(), or the links of the previous build in this process when their inputs are the same:
    `mkdocs serve` rebuilds after an edited summary without linking ten thousand articles again."""
    key = linking_inputs(articles)
    if key not in _last_links:
        _last_links.clear()
        _last_links[key] = link(articles)
    return _last_links[key]


def build_pages(
    content_dir: Path,
    cache_dir: Path | None = None,
    show_progress: bool = False,
    page_url: Callable[[str], str] = directory_url,
    workers: Workers = Workers(),
) -> RenderedSite:
    """Content folder in, Markdown pages and data files out: what any site engine needs."""
    digest, problems = assemble_digest(content_dir, cache_dir, show_progress, workers)
    site = render_site(digest, page_url)
    return dataclasses.replace(site, problems=tuple(problems))
