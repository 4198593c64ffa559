"""Finding and reading the raw captures under content/articles/.

This is the only stage that touches the file system for captures, so every rule about which
files are acceptable (kinds, size, links leaving content/, one capture per slug) lives here.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .records import Capture, Problem

ARTICLES_DIR = "articles"
CAPTURE_KINDS = {".txt": "txt", ".html": "html", ".htm": "html", ".md": "md"}
SIDECAR_SUFFIXES = (".yml", ".yaml")
MAX_CAPTURE_BYTES = 5 * 1024 * 1024


def _is_inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _read(path: Path, slug: str, kind: str, content_dir: Path) -> Capture | Problem:
    if path.is_symlink() and not _is_inside(path, content_dir):
        return Problem(str(path), "symbolic link pointing outside the content folder; skipped")
    try:
        size = path.stat().st_size
        if size > MAX_CAPTURE_BYTES:
            return Problem(str(path), f"capture is {size:,} bytes, over the limit of {MAX_CAPTURE_BYTES:,}; skipped")
        data = path.read_bytes()
    except OSError as err:
        return Problem(str(path), f"cannot read capture: {err.strerror or err}")
    return Capture(slug=slug, path=path, kind=kind, data=data)  # type: ignore[arg-type]


def sidecar_path(content_dir: Path, slug: str) -> Path | None:
    """The sidecar of ``slug`` if there is one (.yml preferred to .yaml)."""
    for suffix in SIDECAR_SUFFIXES:
        path = content_dir / ARTICLES_DIR / f"{slug}{suffix}"
        if path.is_file():
            return path
    return None


def discover_captures(content_dir: Path) -> tuple[list[Capture], list[Problem]]:
    """All usable captures, sorted by slug, and a Problem for every file that was left out."""
    articles_dir = content_dir / ARTICLES_DIR
    if not articles_dir.is_dir():
        return [], [Problem(str(articles_dir), "no articles folder in the content folder")]
    by_slug: dict[str, list[Path]] = defaultdict(list)
    sidecars: list[Path] = []
    problems: list[Problem] = []
    for path in sorted(articles_dir.iterdir()):
        if path.name.startswith("."):
            continue
        suffix = path.suffix.lower()
        if suffix in CAPTURE_KINDS:
            by_slug[path.stem].append(path)
        elif suffix in SIDECAR_SUFFIXES:
            sidecars.append(path)
        elif not path.is_dir():
            problems.append(Problem(str(path), "not a capture (.txt, .html, .htm, .md) nor a sidecar (.yml); ignored", "warning"))
    captures: list[Capture] = []
    for slug, paths in sorted(by_slug.items()):
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            problems.extend(Problem(str(p), f"two captures share the slug '{slug}' ({names}); rename one") for p in paths)
            continue
        path = paths[0]
        result = _read(path, slug, CAPTURE_KINDS[path.suffix.lower()], content_dir)
        (captures if isinstance(result, Capture) else problems).append(result)  # type: ignore[arg-type]
    for path in sidecars:
        if path.stem not in by_slug:
            problems.append(Problem(str(path), f"sidecar without a capture: no {path.stem}.txt, .html or .md beside it", "error", 1, 1))
    return captures, problems
