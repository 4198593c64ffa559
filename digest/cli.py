"""The `digest` command line."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from digest.records import Problem


def report(problems: list[Problem] | tuple[Problem, ...]) -> None:
    """Print problems to stderr, one `PATH:LINE:COLUMN: severity: message` a line."""
    for problem in problems:
        click.echo(str(problem), err=True)


content_option = click.option(
    "--content", "content_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("content"), show_default=True, help="The content folder.",
)


def _workers_options(command):
    """--jobs and --dask-scheduler: where per-article normalization runs."""
    command = click.option(
        "--dask-scheduler", metavar="ADDRESS", default=None,
        help="Normalize on a Dask cluster (tcp://host:8786) instead of local processes; needs digest[dask].",
    )(command)
    return click.option(
        "--jobs", "-j", type=click.IntRange(min=1), default=None,
        help="Processes that normalize captures [default: one per core].",
    )(command)


def _workers(jobs: int | None, dask_scheduler: str | None):
    from digest.workers import Workers

    return Workers(jobs=jobs, dask_scheduler=dask_scheduler)


@click.group()
@click.version_option(package_name="digest")
def main() -> None:
    """Turn a folder of article captures and editors' YAML into a browsable static site."""


@main.command()
@content_option
@click.option("--site-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("site"), show_default=True, help="Where the built site goes (replaced atomically).")
@click.option("--config-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None, help="MkDocs configuration [default: ./mkdocs.yml, else the packaged one].")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=Path(".digest-cache"), show_default=True, help="Per-article cache, keyed by content hash.")
@click.option("--strict", is_flag=True, help="Fail on any problem in the content, and on MkDocs warnings.")
@_workers_options
def build(content_dir: Path, site_dir: Path, config_file: Path | None, cache_dir: Path, strict: bool, jobs: int | None, dask_scheduler: str | None) -> None:
    """Build the whole site from CONTENT into SITE-DIR."""
    from mkdocs.exceptions import MkDocsException

    from digest.cache import JsonCache
    from digest.errors import InputError
    from digest.site.mkdocs_plugin import build_with_mkdocs, load_mkdocs_config, page_url_style
    from digest.pipeline import build_pages
    from digest.site.publish import publish, remove_in_background

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    if config_file is None and Path("mkdocs.yml").is_file():
        config_file = Path("mkdocs.yml")

    def build_into(folder: Path) -> None:
        config, plugin = load_mkdocs_config(config_file, content_dir, folder, cache_dir, strict, docs_dir=Path("docs"))
        site = build_pages(
            content_dir, cache_dir, show_progress=sys.stderr.isatty(), page_url=page_url_style(config),
            template_overrides=plugin.template_overrides(config),
            workers=_workers(jobs, dask_scheduler),
        )
        JsonCache.forget_remembered()
        report(site.problems)
        if strict and site.problems:
            raise click.ClickException(f"{len(site.problems)} problem(s) in {content_dir}; strict build stopped, site left as it was")
        built = f"Built {len(site.pages)} pages from {content_dir} ({len(site.problems)} problem(s) reported)."
        plugin.prebuilt, site = site, None
        build_with_mkdocs(config, plugin)
        click.echo(built, err=True)

    try:
        publish(site_dir, build_into, discard=remove_in_background)
    except MkDocsException as err:
        raise click.ClickException(f"MkDocs: {err}") from None
    except InputError as err:
        raise click.ClickException(err.message) from None
    click.echo(f"Site written to {site_dir}/. Browse it with `mkdocs serve` (live preview), or serve the static files: python3 -m http.server -d {site_dir}")


@main.command()
@content_option
@click.option("--strict", is_flag=True, help="Treat warnings (no summary, no date, unprofiled outlet) as errors.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=Path(".digest-cache"), show_default=True, help="Per-article cache shared with digest build.")
@_workers_options
def check(content_dir: Path, strict: bool, cache_dir: Path, jobs: int | None, dask_scheduler: str | None) -> None:
    """Validate every YAML file and capture in CONTENT; exit 1 on any error."""
    import os

    from digest.check import check_content, github_annotation
    from digest.check import strict as as_errors

    from digest.errors import InputError

    try:
        problems = check_content(content_dir, cache_dir, _workers(jobs, dask_scheduler))
    except InputError as err:
        raise click.ClickException(err.message) from None
    if strict:
        problems = as_errors(problems)
    report(problems)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in problems:
            click.echo(github_annotation(problem))
    errors = sum(p.severity == "error" for p in problems)
    click.echo(f"{content_dir}: {errors} error(s), {len(problems) - errors} warning(s).", err=True)
    if errors:
        sys.exit(1)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def new(directory: Path) -> None:
    """Start a new digest in DIRECTORY: configuration, content/, schemas, workflows, README."""
    from importlib.metadata import version

    from digest.scaffold import scaffold

    result = scaffold(directory, version("digest"))
    for path in result.written:
        click.echo(f"Wrote {path}")
    for path in result.kept:
        click.echo(f"Kept {path} (already there; not overwritten)", err=True)
    click.echo(f"Next: cd {directory} && digest add URL, then digest build (README.md says more).")


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("schemas"), show_default=True, help="Where the JSON Schema files go.")
def schemas(out_dir: Path) -> None:
    """Write the JSON Schema of sidecars, outlets.yml and digest.yml, for editors' YAML support."""
    from digest.schemas import json_schema_files

    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in json_schema_files().items():
        (out_dir / name).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out_dir / name}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line: path, title, subtitle, published, byline, outlet_claimed, language, text.")
@click.option("--outlets", "outlets_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None, help="Outlet profiles (outlets.yml), for --outlet.")
@click.option("--outlet", "outlet_id", default=None, help="Apply the hints of this profile in --outlets (the outlet the captures are attributed to).")
def normalize(paths: tuple[Path, ...], as_json: bool, outlets_file: Path | None, outlet_id: str | None) -> None:
    """Normalize captures (.txt, .html, .htm, .md); an unreadable one is reported and the others go on.

    The outlet a page names is printed as `outlet_claimed`: a claim, not an attribution.
    """
    import json

    from digest.captures import CAPTURE_KINDS
    from digest.editorial import load_outlets
    from digest.errors import InputError
    from digest.extract.normalize import normalize as normalize_capture
    from digest.records import Capture

    outlets = {}
    if outlets_file:
        outlets, problems = load_outlets(outlets_file)
        report(problems)
    if outlet_id is not None and outlet_id not in outlets:
        raise click.BadParameter(f"no profile '{outlet_id}' in the --outlets file", param_hint="--outlet")
    hints = outlets[outlet_id].hints if outlet_id else ()
    for path in paths:
        try:
            kind = CAPTURE_KINDS.get(path.suffix.lower())
            if kind is None:
                raise InputError(f"not a capture: expected one of {', '.join(CAPTURE_KINDS)}")
            article = normalize_capture(Capture(slug=path.stem, path=path, kind=kind, data=path.read_bytes()), hints)
        except (InputError, OSError) as err:
            message = err.message if isinstance(err, InputError) else (err.strerror or str(err))
            if as_json:
                click.echo(json.dumps({"path": str(path), "error": message}, ensure_ascii=False))
            else:
                click.echo(f"{path}: error: {message}", err=True)
            continue
        fields = {
            "path": str(path), "title": article.title, "subtitle": article.subtitle, "published": article.published,
            "byline": article.byline, "outlet_claimed": article.outlet_claimed, "language": article.language, "text": article.text,
        }
        if as_json:
            click.echo(json.dumps(fields, ensure_ascii=False))
        else:
            click.echo("\n".join(f"{key}: {value}" for key, value in fields.items() if key != "text") + f"\n\n{article.text}\n")


@main.command()
@click.argument("source")
@content_option
@click.option("--url", help="The article's address, when SOURCE is a saved file.")
@click.option("--outlet", help="The outlet id from outlets.yml. Without it, the article is attributed only if the address it came from is a profiled outlet's domain.")
@click.option("--published", type=click.DateTime(formats=["%Y-%m-%d"]), help="Publication date, YYYY-MM-DD (otherwise taken from the capture).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=Path(".digest-cache"), show_default=True, help="Per-article cache used to compare with existing articles.")
@click.option("--timeout", type=click.FloatRange(min=1), default=30.0, show_default=True, help="Seconds allowed for downloading a URL.")
@click.option("--allow-near-duplicate", is_flag=True, help="Add the capture even if an article with the same text is already there.")
def add(source: str, content_dir: Path, url: str | None, outlet: str | None, published, cache_dir: Path, timeout: float, allow_near_duplicate: bool) -> None:
    """Add SOURCE (a saved page or an http(s) URL) as a new capture with a draft sidecar."""
    from digest.add import add as add_capture
    from digest.add import read_source
    from digest.errors import InputError

    try:
        result = add_capture(
            read_source(source, url, timeout),
            content_dir,
            outlet=outlet,
            published=published.date() if published else None,
            cache_dir=cache_dir,
            allow_near_duplicate=allow_near_duplicate,
        )
    except InputError as err:
        raise click.ClickException(err.message) from None
    if result.status == "identical":
        click.echo(f"{source}: the same capture is already in the digest as '{result.slug}'; nothing written.")
    elif result.status == "near-duplicate":
        raise click.ClickException(
            f"{source}: the same article text ({result.similarity:.0%} alike) is already in the digest as "
            f"'{result.slug}'; nothing written. Use --allow-near-duplicate to add it anyway."
        )
    else:
        click.echo(f"Added '{result.slug}': {content_dir}/articles/{result.slug}.yml is ready for your summary.")


@main.group()
def entities() -> None:
    """The gazetteer of people, places and organisations (content/entities.yml)."""


@entities.command()
@content_option
@click.option("--min-articles", type=click.IntRange(min=1), default=2, show_default=True, help="Only names used in at least this many articles.")
def suggest(content_dir: Path, min_articles: int) -> None:
    """Print names the articles use and the gazetteer lacks, as YAML to paste into entities.yml."""
    from digest.entities import candidates_yaml, suggest_candidates
    from digest.pipeline import assemble_digest

    digest, problems = assemble_digest(content_dir)
    report(problems)
    candidates = suggest_candidates((a.paragraphs for a in digest.articles), digest.entities, min_articles)
    click.echo(candidates_yaml(candidates), nl=False)
