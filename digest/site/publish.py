"""Replacing the site folder atomically, one build at a time, and never anything but a site.

A build writes into a fresh folder beside the site and swaps it in at the end, so a failed,
interrupted or killed build leaves the previous site whole. On Linux the swap is a single
renameat2(RENAME_EXCHANGE) call; elsewhere two renames leave a gap of microseconds.
A lock file beside the site keeps two builds from swapping at once.

The folder that is swapped out is deleted, so a mistyped --site-dir (content/, the project,
a home folder) would be lost: an existing folder is only replaced if an earlier build marked
it as a site, or if it is empty.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

from digest.errors import InputError

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
LOCK_TIMEOUT_SECONDS = 3600
SITE_MARKER = ".digest-site"
# Fault injection for the kill test: "STAGE:FILE" makes a build write STAGE to FILE on reaching
# that stage and wait there for a signal, so the test kills it exactly at each step.
PAUSE_AT_ENV = "DIGEST_PAUSE_AT"
STAGES = ("locked", "folder-made", "built", "marked", "swapped")


def _stage(name: str) -> None:
    wanted, _, ready_file = os.environ.get(PAUSE_AT_ENV, "").partition(":")
    if wanted == name:
        Path(ready_file).write_text(name)
        signal.pause()


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories; False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _temporary_prefixes(site_dir: Path) -> tuple[str, str]:
    """The names this site's temporary folders start with. They carry a hash of the site's own
    path, so no other site's folder (``site.old-2024``'s ``.site.old-2024.build-*``) and no
    folder a person made (``.site.old-backup``) ever matches, whatever the names."""
    mark = hashlib.sha256(os.fsencode(site_dir)).hexdigest()[:16]
    return f".{site_dir.name}.build-{mark}-", f".{site_dir.name}.old-{mark}-"


def _leftovers(site_dir: Path) -> list[Path]:
    prefixes = _temporary_prefixes(site_dir)
    return [p for p in site_dir.parent.iterdir() if p.name.startswith(prefixes) and p.is_dir() and not p.is_symlink()]


def lock_path(site_dir: Path) -> Path:
    return site_dir.parent / f".{site_dir.name}.lock"


def _check_replaceable(site_dir: Path) -> None:
    if not site_dir.exists():
        return
    if not site_dir.is_dir():
        raise InputError(f"{site_dir} is not a folder; refusing to replace it with the site")
    if not (site_dir / SITE_MARKER).is_file() and any(site_dir.iterdir()):
        raise InputError(
            f"{site_dir} is not empty and was not built by digest; refusing to replace it "
            f"(remove it yourself if it really is an old site)"
        )


def _remove_now(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def remove_in_background(folder: Path) -> None:
    """Delete ``folder`` in a detached process, so the command returns once the new site is in
    place (deleting ten thousand pages takes seconds); a deletion cut short is a leftover the
    next build removes."""
    code = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
    try:
        subprocess.Popen([sys.executable, "-c", code, str(folder)], start_new_session=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        _remove_now(folder)


def publish(site_dir: Path, build_into: Callable[[Path], None], discard: Callable[[Path], None] = _remove_now) -> None:
    """Run ``build_into(folder)`` on a new folder, then make that folder the site.

    If ``build_into`` raises, the site is left exactly as it was. Raises InputError, before
    building, if ``site_dir`` holds something other than an earlier site. The folder swapped
    out (or the failed build's) is removed by ``discard``, which is given it under its hidden
    leftover name.
    """
    site_dir = site_dir.resolve()
    _check_replaceable(site_dir)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock_path(site_dir)), timeout=LOCK_TIMEOUT_SECONDS):
        for stale in _leftovers(site_dir):  # from builds that were killed; we hold the lock
            shutil.rmtree(stale, ignore_errors=True)
        _stage("locked")
        building, swapped_out = _temporary_prefixes(site_dir)
        new = Path(tempfile.mkdtemp(prefix=building, dir=site_dir.parent))
        try:
            _stage("folder-made")
            build_into(new)
            _stage("built")
            (new / SITE_MARKER).write_text("Built by digest; the next build replaces this whole folder.\n")
            new.chmod(0o755)
            _stage("marked")
            if not site_dir.exists():
                os.rename(new, site_dir)
            elif _exchange(new, site_dir):
                pass  # `new` now holds the previous site
            else:
                old = site_dir.with_name(f"{swapped_out}{os.getpid()}")
                os.rename(site_dir, old)
                os.rename(new, site_dir)
                new = old
            _stage("swapped")
        finally:
            discard(new)
