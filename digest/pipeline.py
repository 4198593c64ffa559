"""The pipeline from a content folder to a linked digest and its rendered pages.

This is the engine-agnostic core: it reads content/, runs the stages in order and returns
records. Handing pages to a site engine is the adapter's job (mkdocs_plugin.py), and writing
the site safely is publish.py's.
"""

from __future__ import annotations

import dataclasses
import gc
import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from rich.progress import Progress

from digest.attribution import Attribution, attribute, lookalike_profile, web_host
from digest.cache import LinksCache, NormalizationCache
from digest.captures import discover_captures, editor_file
from digest.editorial import enrich, load_editorial
from digest.entities import GAZETTEER, EntityRecogniser, load_gazetteer
from digest.errors import InputError
from digest.extract.article_fields import find_url
from digest.extract.decoding import decode_unrepaired
from digest.extract.normalize import normalize
from digest.extract.recurring import recurring_lines
from digest.figures import extract_figures
from digest.linking import link, linking_inputs
from digest.records import Capture, CaptureRefused, EnrichedArticle, LinkedDigest, Links, NormalizedArticle, Outlet, Problem, RenderedSite
from digest.schemas import SidecarModel
from digest.site.render import directory_url, render_site
from digest.validation import load_with_positions
from digest.workers import WorkerCrash, Workers, run_all
from digest.yaml_loading import LoadedYaml

PROGRESS_THRESHOLD = 200
NORMALIZE_SECONDS = 120  # per capture: a 5 MiB capture of ordinary shape takes well under this


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
class NormalizationJob:
    """Everything normalization of one capture reads: the unit a worker or a cluster runs."""

    capture: Capture
    hints: tuple[str, ...] = ()
    recurring: frozenset[str] = frozenset()


@dataclasses.dataclass(frozen=True)
class ArticleInputs:
    """One article's capture read with its sidecar: what build and check both start from."""

    reading: SidecarReading
    normalized: NormalizedArticle | None  # None when the capture cannot be used (see problems)
    problems: tuple[Problem, ...]


def read_sidecar(capture: Capture, outlets: Mapping[str, Outlet]) -> SidecarReading:
    sidecar, loaded, problems = load_with_positions(SidecarModel, capture.sidecar) if capture.sidecar else (None, None, [])
    profile = lookalike_profile(sidecar.outlet, outlets) if sidecar and sidecar.outlet else None
    if profile and loaded:
        line, column = loaded.position(("outlet",), of_value=True)
        problems.append(Problem(str(capture.sidecar), f"outlet: '{sidecar.outlet}' reads the same as the outlet "
                                f"'{profile.id}' ({profile.name}) but is not written the same (an invisible or look-alike "
                                f"character?); the article is not attributed to it. Write '{profile.id}'", "error", line, column))
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
    captures: Sequence[Capture],
    outlets: Mapping[str, Outlet],
    cache: NormalizationCache | None = None,
    workers: Workers = Workers(),
    show_progress: bool = False,
) -> list[ArticleInputs]:
    """Every capture's sidecar, attribution and normalized article, in the captures' order."""
    readings = [read_sidecar(capture, outlets) for capture in captures]
    recurring = recurring_lines(captures, {c.slug: chrome_group(c, r) for c, r in zip(captures, readings)})
    _keep_out_of_collections()
    jobs = []
    for capture, reading in zip(captures, readings):
        profile = outlets.get(reading.attribution.outlet_id or "")
        jobs.append(NormalizationJob(capture, profile.hints if profile else (), recurring.get(capture.slug, frozenset())))
    inputs = []
    for reading, normalized in zip(readings, normalize_all(jobs, cache, workers, show_progress)):
        if isinstance(normalized, Problem):
            inputs.append(ArticleInputs(reading, None, (*reading.problems, normalized)))
        else:
            inputs.append(ArticleInputs(reading, normalized, reading.problems))
    return inputs


class _OverTimeBudget(Exception):
    pass


@contextmanager
def _time_budget(seconds: float) -> Iterator[None]:
    """Raise _OverTimeBudget in this thread after ``seconds``, where a timer signal can reach it.

    Extraction libraries have inputs that cost them quadratic time (digest/extract works around
    those it knows), so no single capture may hold up the build: it is given up and named. The
    timer needs the main thread of its process, which local workers and inline runs are; a Dask
    worker's threads run without it.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise _OverTimeBudget

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def normalize_or_report(job: NormalizationJob) -> NormalizedArticle | Problem:
    """Normalize one capture and read its figures, or say why it cannot be used: a pure function
    of the job, so it runs in any worker process or on a cluster."""
    try:
        with _time_budget(NORMALIZE_SECONDS):
            article = normalize(job.capture, job.hints, job.recurring)
            return dataclasses.replace(article, figures=extract_figures(article.paragraphs))
    except _OverTimeBudget:
        return Problem(str(job.capture.path), f"not normalized within {NORMALIZE_SECONDS:g} seconds; left out "
                       "(a page shaped to cost the extractor quadratic time?)")
    except InputError as err:
        return CaptureRefused(str(job.capture.path), err.message, "error", err.line, err.column)
    except Exception as err:  # a bug or a pathological page must not stop the build
        return Problem(str(job.capture.path), f"could not be normalized ({type(err).__name__}: {err})")


def normalize_all(
    jobs: Sequence[NormalizationJob],
    cache: NormalizationCache | None = None,
    workers: Workers = Workers(),
    show_progress: bool = False,
) -> list[NormalizedArticle | Problem]:
    """Every job's article (from the cache when nothing it reads changed), in order.

    Cache misses run through ``workers``, and each result is cached as it arrives, while the
    workers go on; a capture whose worker dies becomes a Problem.
    """
    results: list[NormalizedArticle | Problem | None] = [
        cache.get(job.capture, job.hints, job.recurring) if cache else None for job in jobs
    ]
    missing = [i for i, result in enumerate(results) if result is None]
    shown = show_progress and len(missing) >= PROGRESS_THRESHOLD
    with Progress(transient=True, disable=not shown) as progress:
        task = progress.add_task("Normalizing captures", total=len(missing))

        def arrived(position: int, result: NormalizedArticle | Problem | WorkerCrash) -> None:
            index = missing[position]
            job = jobs[index]
            if isinstance(result, WorkerCrash):
                result = Problem(str(job.capture.path), f"could not be normalized: {result.reason}")
            elif cache and isinstance(result, (NormalizedArticle, CaptureRefused)):
                cache.put(job.capture, result, job.hints, job.recurring)
            results[index] = result
            progress.advance(task)

        run_all(normalize_or_report, [jobs[i] for i in missing], workers, on_result=arrived)
    return results  # type: ignore[return-value]


def assemble_digest(
    content_dir: Path, cache_dir: Path | None = None, show_progress: bool = False, workers: Workers = Workers()
) -> tuple[LinkedDigest, list[Problem]]:
    """Run every stage up to linking. Bad files become Problems; the rest still builds."""
    captures, problems = discover_captures(content_dir)
    editorial = load_editorial(content_dir)
    problems.extend(editorial.problems)
    gazetteer, found = load_gazetteer(editor_file(content_dir, GAZETTEER))
    problems.extend(found)
    cache = NormalizationCache(cache_dir) if cache_dir else None
    recognise_entities = EntityRecogniser(gazetteer, cache_dir)

    _keep_out_of_collections()
    articles: list[EnrichedArticle] = []
    for capture, inputs in zip(captures, read_articles(captures, editorial.outlets, cache, workers, show_progress)):
        problems.extend(inputs.problems)
        if inputs.normalized is not None:
            articles.append(enrich(inputs.normalized, inputs.reading.sidecar, inputs.reading.attribution,
                                   recognise_entities, capture.sha256))
    if cache:
        cache.prune()
        recognise_entities.prune()

    _keep_out_of_collections()
    links = _link_reusing_last(articles, cache_dir)
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
    _keep_out_of_collections()
    return digest, problems


def _keep_out_of_collections() -> None:
    """Freeze what the stages so far made: it lives until the build ends, and Python's full
    collections, set off by every later stage's allocations (MkDocs' millions of objects
    among them), would walk all of it again each time (at 10,000 articles, 2.8 s of the pipeline and 2.5 s
    of MkDocs).
    Frozen objects still go when nothing refers to them; the next build (`mkdocs serve`)
    unfreezes them before starting."""
    gc.freeze()


_last_links: dict[str, Links] = {}


def _link_reusing_last(articles: list[EnrichedArticle], cache_dir: Path | None = None) -> Links:
    """link(), or the links of the previous build (in this process, else in the cache) when
    their inputs are the same: a rebuild after an edited summary links nothing again."""
    key = linking_inputs(articles)
    if key not in _last_links:
        _last_links.clear()
        compute = lambda: link(articles)  # noqa: E731
        _last_links[key] = LinksCache(cache_dir).get_or_compute(key, compute) if cache_dir else compute()
    return _last_links[key]


def build_pages(
    content_dir: Path,
    cache_dir: Path | None = None,
    show_progress: bool = False,
    page_url: Callable[[str], str] = directory_url,
    template_overrides: tuple[Path, ...] = (),
    workers: Workers = Workers(),
) -> RenderedSite:
    """Content folder in, Markdown pages and data files out: what any site engine needs."""
    gc.unfreeze()  # the previous build's records (`mkdocs serve`), frozen between stages, may go now
    digest, problems = assemble_digest(content_dir, cache_dir, show_progress, workers)
    site = render_site(digest, page_url, template_overrides, jobs=workers.local_jobs)
    _keep_out_of_collections()  # the pages, until the engine is done with them
    return dataclasses.replace(site, problems=tuple(problems))
