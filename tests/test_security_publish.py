"""Nothing lost: the site is swapped in whole or not at all, builds take turns, content/ is untouched.

The kill test runs the real `digest build` on a few hundred generated captures and kills it
with SIGKILL at moments spread over a whole build, so some land while MkDocs writes and some
near the swap; after each, the previous site must be exactly as it was.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest_security import PROSE
from digest.errors import InputError
from digest.site.publish import SITE_MARKER, publish

REPO = Path(__file__).resolve().parent.parent
DIGEST = Path(sys.executable).with_name("digest")
CAPTURES_FOR_KILL_TEST = 200
KILLS = 6


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (links not followed) with the hash of its bytes."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            files[str(path.relative_to(folder))] = "link:" + os.readlink(path)
        elif path.is_file():
            files[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def write_site(folder: Path, text: str) -> None:
    (folder / "index.html").write_text(text)
    (folder / "sub").mkdir()
    (folder / "sub" / "page.html").write_text(text * 2)


# -- publish() itself ---------------------------------------------------------------------
def test_a_failing_build_leaves_the_site_as_it_was(tmp_path):
    site = tmp_path / "site"
    publish(site, lambda folder: write_site(folder, "first"))
    before = snapshot(site)

    def failing(folder: Path) -> None:
        write_site(folder, "half")
        raise RuntimeError("build broke")

    with pytest.raises(RuntimeError):
        publish(site, failing)
    assert snapshot(site) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.") and p.is_dir()] == []


def test_a_successful_build_replaces_the_site_whole(tmp_path):
    site = tmp_path / "site"
    publish(site, lambda folder: write_site(folder, "first"))
    publish(site, lambda folder: (folder / "only.html").write_text("second"))
    assert set(snapshot(site)) == {"only.html", SITE_MARKER}


def test_without_an_atomic_exchange_the_site_is_still_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr("digest.site.publish._exchange", lambda a, b: False)
    site = tmp_path / "site"
    publish(site, lambda folder: write_site(folder, "first"))
    publish(site, lambda folder: write_site(folder, "second"))
    assert (site / "index.html").read_text() == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


@pytest.mark.parametrize("victim", ["content", "project"])
def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path, victim):
    folder = tmp_path / victim
    (folder / "articles").mkdir(parents=True)
    (folder / "articles" / "a.txt").write_text("precious")
    before = snapshot(folder)
    with pytest.raises(InputError, match="not built by digest"):
        publish(folder, lambda f: write_site(f, "site"))
    assert snapshot(folder) == before


def test_an_empty_folder_may_become_the_site(tmp_path):
    (tmp_path / "site").mkdir()
    publish(tmp_path / "site", lambda folder: write_site(folder, "first"))
    assert (tmp_path / "site" / "index.html").read_text() == "first"


def test_leftovers_of_killed_builds_are_removed(tmp_path):
    stale = tmp_path / ".site.build-killed"
    stale.mkdir()
    (stale / "half.html").write_text("x")
    publish(tmp_path / "site", lambda folder: write_site(folder, "first"))
    assert not stale.exists()


def _slow_build(site: str, log: str, name: str) -> None:
    def build_into(folder: Path) -> None:
        with open(log, "a") as out:
            out.write(f"start {name}\n")
        time.sleep(0.3)
        write_site(folder, name)
        with open(log, "a") as out:
            out.write(f"end {name}\n")

    publish(Path(site), build_into)


def test_builds_at_the_same_time_take_turns(tmp_path):
    log = tmp_path / "log"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_slow_build, args=(str(tmp_path / "site"), str(log), f"b{i}")) for i in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    lines = log.read_text().split()
    events = list(zip(lines[0::2], lines[1::2]))
    assert [kind for kind, _ in events] == ["start", "end"] * 3  # never two builds inside at once
    assert (tmp_path / "site" / "index.html").read_text() in {"b0", "b1", "b2"}


# -- the real command ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_content(tmp_path_factory) -> Path:
    content = tmp_path_factory.mktemp("big") / "content"
    (content / "articles").mkdir(parents=True)
    for n in range(CAPTURES_FOR_KILL_TEST):
        body = "\n\n".join(f"{PROSE} Report {n}, part {p}." for p in range(8))
        (content / "articles" / f"report-{n:04d}.txt").write_text(f"Report number {n}\n\n{body}\n", encoding="utf-8")
    return content


def build_command(content: Path, site: Path, cache: Path) -> list[str]:
    return [str(DIGEST), "build", "--content", str(content), "--site-dir", str(site), "--cache-dir", str(cache)]


def _without_search_bundle(files: dict[str, str]) -> dict[str, str]:
    return {path: digest for path, digest in files.items() if not path.startswith("pagefind/")}


def test_a_build_killed_at_any_moment_leaves_the_previous_site_whole(big_content, tmp_path):
    site, cache = tmp_path / "site", tmp_path / "cache"
    command = build_command(big_content, site, cache)
    subprocess.run(command, check=True, capture_output=True, cwd=tmp_path)
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True, cwd=tmp_path)
    duration = time.monotonic() - started
    before = snapshot(site)
    assert "index.html" in before and SITE_MARKER in before

    moments = sorted(random.Random(6).uniform(0.05, duration) for _ in range(KILLS - 1)) + [duration * 0.97]
    killed = 0
    for moment in moments:
        build = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
        time.sleep(moment)
        build.send_signal(signal.SIGKILL)
        killed += build.wait() == -signal.SIGKILL
        assert snapshot(site) == before, f"killed after {moment:.2f}s of {duration:.2f}s"
    assert killed >= KILLS // 2, "the builds finished before they could be killed"

    subprocess.run(command, check=True, capture_output=True, cwd=tmp_path)
    # Pagefind names its bundle's files by a hash that varies from one indexing to the next.
    assert _without_search_bundle(snapshot(site)) == _without_search_bundle(before)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.") and p.is_dir()]


def test_two_builds_started_at_once_both_succeed_and_leave_a_whole_site(big_content, tmp_path):
    site = tmp_path / "site"
    builds = [
        subprocess.Popen(build_command(big_content, site, tmp_path / f"cache{i}"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
        for i in range(2)
    ]
    for build in builds:
        _, err = build.communicate(timeout=300)
        assert build.returncode == 0, err.decode()
    files = snapshot(site)
    assert "index.html" in files and SITE_MARKER in files
    assert sum(1 for name in files if name.startswith("articles/report-")) == CAPTURES_FOR_KILL_TEST
