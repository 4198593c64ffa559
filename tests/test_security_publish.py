"""Nothing lost: the site is swapped in whole or not at all, builds take turns, content/ is untouched.

The kill test runs the real `digest build` and kills it with SIGKILL at each stage of the
publish sequence: the build pauses there (DIGEST_PAUSE_AT) and says so through a file, so the
kill lands exactly there however loaded the machine is. After each, the site must be whole.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest_security import PROSE
from digest.errors import InputError
from digest.site.publish import PAUSE_AT_ENV, SITE_MARKER, STAGES, _temporary_prefixes, publish, remove_in_background

REPO = Path(__file__).resolve().parent.parent
DIGEST = Path(sys.executable).with_name("digest")
CAPTURES_FOR_CONCURRENCY_TEST = 200
STAGE_TIMEOUT_SECONDS = 300


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
    stale = tmp_path / (_temporary_prefixes((tmp_path / "site").resolve())[0] + "killed")
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


@pytest.mark.slow
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
def generated_content(root: Path, captures: int) -> Path:
    content = root / "content"
    (content / "articles").mkdir(parents=True)
    for n in range(captures):
        body = "\n\n".join(f"{PROSE} Report {n}, part {p}." for p in range(8))
        (content / "articles" / f"report-{n:04d}.txt").write_text(f"Report number {n}\n\n{body}\n", encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def big_content(tmp_path_factory) -> Path:
    return generated_content(tmp_path_factory.mktemp("big"), CAPTURES_FOR_CONCURRENCY_TEST)


def build_command(content: Path, site: Path, cache: Path) -> list[str]:
    return [str(DIGEST), "build", "--content", str(content), "--site-dir", str(site), "--cache-dir", str(cache)]


def _without_search_bundle(files: dict[str, str]) -> dict[str, str]:
    return {path: digest for path, digest in files.items() if not path.startswith("pagefind/")}


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    """A small digest built once; the kill tests check that it survives each kill whole."""
    root = tmp_path_factory.mktemp("kill")
    command = build_command(generated_content(root, 20), root / "site", root / "cache")
    subprocess.run(command, check=True, capture_output=True, cwd=root)
    return root, command


def kill_at(stage: str, command: list[str], root: Path) -> None:
    """Start a build, wait until it pauses at ``stage``, and SIGKILL it there."""
    ready = root / f"ready-{stage}"
    ready.unlink(missing_ok=True)
    build = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=root,
        env={**os.environ, PAUSE_AT_ENV: f"{stage}:{ready}"},
    )
    deadline = time.monotonic() + STAGE_TIMEOUT_SECONDS
    while not ready.exists():
        if build.poll() is not None:
            pytest.fail(f"the build ended before reaching {stage}: {build.stderr.read().decode()}")
        assert time.monotonic() < deadline, f"the build did not reach {stage}"
        time.sleep(0.05)
    build.send_signal(signal.SIGKILL)
    assert build.wait() == -signal.SIGKILL
    build.stderr.close()


@pytest.mark.slow
@pytest.mark.parametrize("stage", STAGES)
def test_a_build_killed_at_any_stage_leaves_a_whole_site(built_site, stage):
    root, command = built_site
    site = root / "site"
    before = snapshot(site)
    assert "index.html" in before and SITE_MARKER in before

    kill_at(stage, command, root)
    # The same content, so the previous and the new site are alike, search bundle aside.
    after = snapshot(site)
    assert _without_search_bundle(after) == _without_search_bundle(before)
    assert "pagefind/pagefind-entry.json" in after

    subprocess.run(command, check=True, capture_output=True, cwd=root)
    # Pagefind names its bundle's files by a hash that varies from one indexing to the next.
    assert _without_search_bundle(snapshot(site)) == _without_search_bundle(before)
    # The swapped-out site and the search records are removed by detached processes.
    for _ in range(100):
        if not [p for p in root.iterdir() if p.name.startswith(".site.") and p.is_dir()]:
            break
        time.sleep(0.1)
    assert not [p for p in root.iterdir() if p.name.startswith(".site.") and p.is_dir()]


def test_a_build_passes_every_stage_the_kill_test_names_in_order(tmp_path, monkeypatch):
    ready = tmp_path / "ready"
    reached = []
    monkeypatch.setattr("digest.site.publish.signal.pause", lambda: reached.append(ready.read_text()))
    for stage in STAGES:
        monkeypatch.setenv(PAUSE_AT_ENV, f"{stage}:{ready}")
        publish(tmp_path / "site", lambda folder: write_site(folder, stage))
    assert reached == list(STAGES)


@pytest.mark.slow
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
    pages = [name for name in files if name.startswith("articles/report-") and name.endswith("/index.html")]
    assert len(pages) == CAPTURES_FOR_CONCURRENCY_TEST


def test_the_swapped_out_site_is_removed_in_the_background(tmp_path):
    site = tmp_path / "site"
    publish(site, lambda folder: write_site(folder, "first"), discard=remove_in_background)
    publish(site, lambda folder: write_site(folder, "second"), discard=remove_in_background)
    assert (site / "index.html").read_text() == "second"
    for _ in range(200):  # the detached process deletes it shortly; wait at most 20 s
        if not [p for p in tmp_path.iterdir() if p.name.startswith(".site.") and p.is_dir()]:
            break
        time.sleep(0.1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.lock", "site"]


def test_another_sites_build_folder_and_a_users_folder_are_not_leftovers(tmp_path):
    # The building folders of sites named "site.preview" and "site.old-2024", and a person's own.
    others = [tmp_path / (_temporary_prefixes((tmp_path / name).resolve())[0] + "inprogress")
              for name in ("site.preview", "site.old-2024", "site.build-x")]
    others += [tmp_path / name for name in (".site.backup-2024", ".site.old-backup", ".site.build-logs")]
    for folder in others:
        folder.mkdir()
        (folder / "keep.html").write_text("x")
    publish(tmp_path / "site", lambda folder: write_site(folder, "first"))
    assert all((folder / "keep.html").exists() for folder in others)
