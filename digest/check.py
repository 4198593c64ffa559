"""`digest check`: every problem in a content folder, each pointed at a file, line and column.

Editors read these messages in a pull request, so the check runs the same loaders as the build
(one set of rules) and adds the warnings that only matter while an article is being written up:
no summary yet, no date, an outlet nobody has profiled.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from digest.attribution import Attribution, claim_confirmed, profile_serving, provenance_mismatch
from digest.cache import NormalizationCache
from digest.captures import discover_captures, editor_file
from digest.editorial import enrich, load_editorial
from digest.entities import GAZETTEER, load_gazetteer
from digest.pipeline import ArticleInputs, read_articles
from digest.records import Capture, EnrichedArticle, Outlet, Problem, Severity
from digest.workers import Workers
from digest.yaml_loading import LoadedYaml


def check_content(content_dir: Path, cache_dir: Path | None = None, workers: Workers = Workers()) -> list[Problem]:
    """All errors and warnings for ``content_dir``, sorted by file and position.

    With ``cache_dir``, captures are normalized through the build's cache, so checking a large
    digest after a build does not normalize every article again.
    """
    captures, problems = discover_captures(content_dir)
    editorial = load_editorial(content_dir)
    problems.extend(editorial.problems)
    problems.extend(load_gazetteer(editor_file(content_dir, GAZETTEER))[1])
    cache = NormalizationCache(cache_dir) if cache_dir else None
    slugs = {capture.slug for capture in captures}
    for capture, inputs in zip(captures, read_articles(captures, editorial.outlets, cache, workers)):
        problems.extend(_check_article(capture, inputs, editorial.outlets))
        problems.extend(_link_override_problems(capture, inputs, slugs))
    return sorted((_with_position(p) for p in problems), key=lambda p: (p.path, p.line or 0, p.column or 0))


def strict(problems: list[Problem]) -> list[Problem]:
    """`--strict`: an unfinished article blocks the merge like a broken one."""
    return [dataclasses.replace(p, severity="error") for p in problems]


def github_annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command, so the problem shows on the pull request's diff."""
    properties = f"file={_escape_property(problem.path)}"
    if problem.line is not None:
        properties += f",line={problem.line}"
        if problem.column is not None:
            properties += f",col={problem.column}"
    return f"::{problem.severity} {properties}::{_escape_data(problem.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _with_position(problem: Problem) -> Problem:
    """A problem about a whole file points at its start, so every line reads PATH:LINE:COLUMN."""
    if problem.line is None and Path(problem.path).is_file():
        return dataclasses.replace(problem, line=1, column=1)
    return problem


def _check_article(
    capture: Capture, inputs: ArticleInputs, outlets: Mapping[str, Outlet]
) -> list[Problem]:
    problems = list(inputs.problems)
    reading = inputs.reading
    if inputs.normalized is None or (reading.path and reading.sidecar is None):
        return problems  # the sidecar's own errors say enough; its values cannot be judged
    article = enrich(inputs.normalized, reading.sidecar, reading.attribution, capture_sha256=capture.sha256)
    where = _Locator(reading.path or capture.path, reading.loaded)
    if provenance_mismatch(reading.sidecar, capture.sha256):
        problems.append(where.problem(
            "provenance", "the capture's SHA-256 is not the one `digest add` recorded: it was changed after it was added, "
            "so its provenance (and the address it was fetched from) no longer applies; restore it or add it again", "error"))
    return [*problems, *_unfinished(article, reading.attribution, outlets, where)]


def _link_override_problems(capture: Capture, inputs: ArticleInputs, slugs: set[str]) -> list[Problem]:
    """A pinned or dropped article that does not exist: a mistyped id would silently do nothing."""
    reading = inputs.reading
    if reading.sidecar is None or reading.loaded is None:
        return []
    problems = []
    for kind in ("pin", "drop"):
        for index, article_id in enumerate(getattr(reading.sidecar.related, kind)):
            if article_id == capture.slug or article_id not in slugs:
                line, column = reading.loaded.position(("related", kind, index), of_value=True)
                why = "is this article itself" if article_id == capture.slug else "names no article in the digest"
                problems.append(Problem(str(reading.path), f"related.{kind}.{index}: '{article_id}' {why}; "
                                        "it changes nothing until it names another article's id", "warning", line, column))
    return problems


@dataclasses.dataclass(frozen=True)
class _Locator:
    """Points a warning at the sidecar key it is about, or at the file when the key is missing."""

    path: Path
    loaded: LoadedYaml | None

    def problem(self, key: str, message: str, severity: Severity = "warning") -> Problem:
        has_key = self.loaded is not None and isinstance(self.loaded.data, dict) and key in self.loaded.data
        line, column = self.loaded.position((key,)) if has_key else (1, 1)
        return Problem(str(self.path), message, severity, line, column)


def _unfinished(article: EnrichedArticle, attribution: Attribution, outlets: Mapping[str, Outlet], where: _Locator) -> list[Problem]:
    warnings = []
    if not article.summary:
        warnings.append(where.problem("summary", "no summary yet: write one under `summary:` (it is shown as a draft until reviewed)"))
    elif article.summary_status == "reviewed" and not (article.reviewer and article.reviewed):
        warnings.append(where.problem("summary_status", "summary marked reviewed without `reviewer:` and `reviewed:` (YYYY-MM-DD)"))
    if not article.published:
        warnings.append(where.problem("published", "no date: the capture shows none; add `published: YYYY-MM-DD` if you can establish it"))
    if article.outlet_id is None and attribution.fetched_host:
        warnings.append(where.problem("outlet", f"no outlet: the capture was fetched from {attribution.fetched_host}, which no profile "
                                      "in outlets.yml lists under `domains:`; add a profile, or `outlet:` with an outlet id"))
    elif article.outlet_id is None:
        warnings.append(where.problem("outlet", "no outlet: add `outlet:` with an outlet id from outlets.yml"))
    elif article.outlet_id not in outlets:
        warnings.append(where.problem("outlet", f"outlet '{article.outlet_name}' has no profile in outlets.yml yet"))
    if article.outlet_claimed and not claim_confirmed(article.outlet_claimed, attribution, outlets):
        warnings.append(where.problem("outlet", f"the page claims to be from '{article.outlet_claimed}', which the evidence does not "
                                      "confirm; it is shown as a claim only. If it is right, write `outlet:` with its outlet id"))
    served = profile_serving(attribution.fetched_host, outlets) if attribution.fetched_host else None
    if attribution.source == "editor" and served and served.id != article.outlet_id:
        warnings.append(where.problem("outlet", f"`outlet:` says '{article.outlet_name}', but the capture was fetched from "
                                      f"{attribution.fetched_host}, a domain of '{served.id}'; check which is right"))
    if article.archived_url and not article.archived:
        warnings.append(where.problem("archived_url", "archived_url without `archived:` (YYYY-MM-DD), the day the archive made its copy"))
    elif article.archived and not article.archived_url:
        warnings.append(where.problem("archived", "`archived:` without `archived_url:`: give the address of the archived copy"))
    return warnings
