"""Finding and reading the raw captures under content/articles/.

This is the only stage that touches the file system for captures, so every rule about which
files are acceptable (kinds, size, links leaving content/, one capture per slug) lives here.
Captures and sidecars arrive from outside (scrapers, pull requests): a symbolic link could
point at a secret on the build machine, a device or a huge file, so every file must resolve
inside content/, be a regular file, and stay under a size limit before a byte of it is read.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from digest.paths import inside
from digest.records import Capture, Problem

ARTICLES_DIR = "articles"
CAPTURE_KINDS = {".txt": "txt", ".html": "html", ".htm": "html", ".md": "md"}
SIDECAR_SUFFIXES = (".yml", ".yaml")
MAX_CAPTURE_BYTES = 5 * 1024 * 1024


def _refusal(path: Path, content_dir: Path) -> str | None:
    """Why ``path`` must not be read, or None if it is a regular file inside content/."""
    try:
        inside(content_dir, path)
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symbolic link loop
        return "symbolic link pointing outside the content folder; skipped"
    if not path.is_file():
        return "not a regular file; skipped"
    return None


def _read(path: Path, slug: str, kind: str, content_dir: Path) -> Capture | Problem:
    refusal = _refusal(path, content_dir)
    if refusal:
        return Problem(str(path), refusal)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_CAPTURE_BYTES + 1)  # never more, even if the file grows meanwhile
    except OSError as err:
        return Problem(str(path), f"cannot read capture: {err.strerror or err}")
    if len(data) > MAX_CAPTURE_BYTES:
        return Problem(str(path), f"capture is over the size limit of {MAX_CAPTURE_BYTES:,} bytes; skipped")
    return Capture(slug=slug, path=path, kind=kind, data=data)  # type: ignore[arg-type]


def sidecar_path(content_dir: Path, slug: str) -> Path | None:
    """The sidecar of ``slug`` if there is a readable one (.yml preferred to .yaml).

    A sidecar that may not be read is left out here; discover_captures reports it.
    """
    for suffix in SIDECAR_SUFFIXES:
        path = content_dir / ARTICLES_DIR / f"{slug}{suffix}"
        if path.is_file() and _refusal(path, content_dir) is None:
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
        refusal = _refusal(path, content_dir)
        if refusal:
            problems.append(Problem(str(path), refusal))
        elif path.stem not in by_slug:
            problems.append(Problem(str(path), f"sidecar without a capture: no {path.stem}.txt, .html or .md beside it", "error", 1, 1))
    return captures, problems
