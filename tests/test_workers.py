"""Normalization on several processes and on a Dask cluster: same results, crashes named."""

import multiprocessing
import os
from pathlib import Path

import pytest

import digest.pipeline as pipeline
from digest.pipeline import NormalizationJob, normalize_all
from digest.records import Capture, NormalizedArticle, Problem
from digest.workers import Workers

needs_fork = pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="workers inherit the test's patch only when forked"
)


def _captures(count: int) -> list[Capture]:
    return [
        Capture(
            slug=f"article-{n}", path=Path(f"content/articles/article-{n}.txt"), kind="txt",
            data=f"Headline number {n}\n\nThe council met on day {n} and voted on the budget, officials said.\n".encode(),
        )
        for n in range(count)
    ]


def normalize_captures(captures: list[Capture], workers: Workers):
    return normalize_all([NormalizationJob(capture) for capture in captures], workers=workers)


def test_processes_give_the_same_articles_in_the_same_order_as_one_process():
    captures = _captures(30) + [Capture(slug="empty", path=Path("empty.txt"), kind="txt", data=b"")]
    inline = normalize_captures(captures, workers=Workers(jobs=1))
    parallel = normalize_captures(captures, workers=Workers(jobs=2))
    assert parallel == inline
    assert [a.title for a in parallel[:30]] == [f"Headline number {n}" for n in range(30)]
    assert isinstance(parallel[-1], Problem) and parallel[-1].path == "empty.txt"


@needs_fork
@pytest.mark.parametrize("victims", [{"article-7"}, {"article-0", "article-19", "article-38"}])
def test_a_capture_that_kills_its_worker_is_named_and_the_rest_go_on(monkeypatch, victims):
    real = pipeline.normalize

    def dies_on_victims(capture, *settings):
        if capture.slug in victims:
            os._exit(1)  # as a segfault in a C library or the out-of-memory killer would
        return real(capture, *settings)

    monkeypatch.setattr(pipeline, "normalize", dies_on_victims)
    captures = _captures(40)
    results = normalize_captures(captures, workers=Workers(jobs=2))

    crashed = {c.slug for c, r in zip(captures, results) if isinstance(r, Problem)}
    assert crashed == victims
    for capture, result in zip(captures, results):
        if isinstance(result, Problem):
            assert result.path == str(capture.path) and "worker process died" in result.message
        else:
            assert isinstance(result, NormalizedArticle) and result.slug == capture.slug


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_articles():
    distributed = pytest.importorskip("distributed")
    captures = _captures(12)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        on_dask = normalize_captures(captures, workers=Workers(dask_scheduler=cluster.scheduler_address))
    assert on_dask == normalize_captures(captures, workers=Workers(jobs=1))


@pytest.mark.slow
def test_an_unreachable_dask_scheduler_is_a_clear_error(tmp_path):
    pytest.importorskip("distributed")
    from click.testing import CliRunner

    from digest.cli import main

    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "a.txt").write_text("Headline\n\nSome text of the article that says something.\n")
    result = CliRunner().invoke(main, ["check", "--content", str(content), "--cache-dir", str(tmp_path / "cache"),
                                       "--dask-scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output


def _fails_on_odd(number: int) -> int:
    if number % 2:
        raise ValueError(f"odd {number}")
    return number * 10


def test_items_travel_in_chunks_yet_an_item_that_raises_fails_alone():
    from digest.workers import WorkerCrash, run_all

    arrived = []
    results = run_all(_fails_on_odd, list(range(203)), Workers(jobs=2), on_result=lambda index, result: arrived.append((index, result)))
    assert len(arrived) == 203 and dict(arrived) == dict(enumerate(results))  # each result reported once, with its index
    for number, result in enumerate(results):
        if number % 2:
            assert isinstance(result, WorkerCrash) and f"ValueError: odd {number}" in result.reason
        else:
            assert result == number * 10
