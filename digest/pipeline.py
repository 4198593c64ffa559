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
from digest.attribution import Attribution, attribute
from digest.editorial import enrich, load_editorial
from digest.entities import GAZETTEER, EntityRecogniser, load_gazetteer
from digest.errors import InputError
from digest.figures import extract_figures
from digest.linking import link
from digest.extract.normalize import normalize
from digest.records import Capture, EnrichedArticle, LinkedDigest, NormalizedArticle, Outlet, Problem, RenderedSite
from digest.schemas import SidecarModel
from digest.site.render import directory_url, render_site
from digest.validation import load_with_positions
from digest.yaml_loading import LoadedYaml

PROGRESS_THRESHOLD = 200


@dataclasses.dataclass(frozen=True)
class ArticleInputs:
    """One article's capture read with its sidecar: what build and check both start from."""

    sidecar: SidecarModel | None
    sidecar_path: Path | None
    loaded_sidecar: LoadedYaml | None  # for pointing warnings at a key
    attribution: Attribution
    normalized: NormalizedArticle | None  # None when the capture cannot be used (see problems)
    problems: tuple[Problem, ...]


def read_article(
    capture: Capture, outlets: Mapping[str, Outlet], cache: NormalizationCache | None = None
) -> ArticleInputs:
    """The sidecar first, since the outlet it attributes decides which hints clean the capture."""
    side_path = capture.sidecar
    sidecar, loaded, problems = load_with_positions(SidecarModel, side_path) if side_path else (None, None, [])
    attribution = attribute(sidecar, capture.sha256, outlets)
    profile = outlets.get(attribution.outlet_id or "")
    normalized = normalize_or_report(capture, profile.hints if profile else (), cache)
    if isinstance(normalized, Problem):
        return ArticleInputs(sidecar, side_path, loaded, attribution, None, (*problems, normalized))
    return ArticleInputs(sidecar, side_path, loaded, attribution, normalized, tuple(problems))


def normalize_or_report(
    capture: Capture, hints: tuple[str, ...] = (), cache: NormalizationCache | None = None
) -> NormalizedArticle | Problem:
    """Normalize one capture (from the cache when unchanged), or say why it cannot be used."""
    compute = partial(normalize, capture, hints)
    try:
        return cache.get_or_compute(capture, compute, hints) if cache else compute()
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
    with Progress(transient=True, disable=not show_progress or len(captures) < PROGRESS_THRESHOLD) as progress:
        for capture in progress.track(captures, description="Normalizing captures"):
            inputs = read_article(capture, editorial.outlets, cache)
            problems.extend(inputs.problems)
            if inputs.normalized is not None:
                articles.append(enrich(inputs.normalized, inputs.sidecar, inputs.attribution, recognise_entities, extract_figures))

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
