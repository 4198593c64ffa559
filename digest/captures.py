"""Finding and reading the raw captures under content/articles/.

This is the only stage that touches the file system for captures, so every rule about which
files are acceptable (kinds, size, links leaving content/, one capture per slug) lives here.
Captures and sidecars arrive from outside (scrapers, pull requests): a symbolic link could
point at a secret on the build machine, a device or a huge file, so every file must resolve
inside content/, be a regular file, and stay under a size limit before a byte of it is read.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

from digest.records import Capture, Problem

ARTICLES_DIR = "articles"
CAPTURE_KINDS = {".txt": "txt", ".html": "html", ".htm": "html", ".md": "md"}
SIDECAR_SUFFIXES = (".yml", ".yaml")  # compared in lower case: x.YML is a sidecar too
EDITOR_FILES = ("digest", "outlets", "entities")  # content/NAME.yml or NAME.yaml
MAX_CAPTURE_BYTES = 5 * 1024 * 1024


class _ContentFolder:
    """The content folder, and the real path of each file discover_captures meets in it.

    A name that is not a symbolic link resolves to its folder's real path joined with the name,
    so only folders and links are resolved component by component, each folder once: 20,000
    captures and sidecars cost an lstat each, not a walk of their whole path (a second a build).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._folders: dict[Path, Path] = {}

    def real_path(self, path: Path) -> Path:
        if path.is_symlink():
            return path.resolve()
        folder = self._folders.get(path.parent)
        if folder is None:
            folder = self._folders[path.parent] = path.parent.resolve()
        return folder / path.name

    def refusal(self, path: Path) -> str | None:
        """Why ``path`` must not be read, or None if it is a regular file inside the folder."""
        try:
            base, target = self.real_path(self.root), self.real_path(path)
        except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop
            return "symbolic link pointing outside the content folder; skipped"
        if target != base and base not in target.parents:
            return "symbolic link pointing outside the content folder; skipped"
        if not path.is_file():
            return "not a regular file; skipped"
        return None


def _read(path: Path, slug: str, kind: str, folder: _ContentFolder, sidecar: Path | None) -> Capture | Problem:
    refusal = folder.refusal(path)
    if refusal:
        return Problem(str(path), refusal)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_CAPTURE_BYTES + 1)  # never more, even if the file grows meanwhile
    except OSError as err:
        return Problem(str(path), f"cannot read capture: {err.strerror or err}")
    if len(data) > MAX_CAPTURE_BYTES:
        return Problem(str(path), f"capture is over the size limit of {MAX_CAPTURE_BYTES:,} bytes; skipped")
    return Capture(slug=slug, path=path, kind=kind, data=data, sidecar=sidecar)  # type: ignore[arg-type]


def editor_file(content_dir: Path, stem: str) -> Path | None:
    """content/STEM.yml or .yaml (any case of the extension); None if absent or if both exist.

    Both spellings at once are ambiguous, so neither is read; discover_captures reports them.
    """
    found = _yaml_files_named(content_dir, stem)
    return found[0] if len(found) == 1 else None


def _yaml_files_named(folder: Path, stem: str) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.stem == stem and p.suffix.lower() in SIDECAR_SUFFIXES)
    except OSError:
        return []


def discover_captures(content_dir: Path) -> tuple[list[Capture], list[Problem]]:
    """All usable captures with their sidecars, sorted by slug, and a Problem for every file left out.

    Every file under content/ that the build does not read is named, so that nothing an editor
    wrote (a capture in a subfolder, a misspelt sidecar, a hidden file) is silently ignored.
    """
    articles_dir = content_dir / ARTICLES_DIR
    if not articles_dir.is_dir():
        return [], [Problem(str(articles_dir), "no articles folder in the content folder")]
    by_slug: dict[str, list[Path]] = defaultdict(list)
    sidecars: dict[str, list[Path]] = defaultdict(list)
    problems: list[Problem] = []
    for path in sorted(articles_dir.iterdir()):
        suffix = path.suffix.lower()
        if path.name.startswith("."):
            continue  # reported with every other unused file
        if suffix in CAPTURE_KINDS:
            by_slug[path.stem].append(path)
        elif suffix in SIDECAR_SUFFIXES:
            sidecars[path.stem].append(path)
    folder = _ContentFolder(content_dir)
    captures: list[Capture] = []
    for slug, paths in sorted(by_slug.items()):
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            problems.extend(Problem(str(p), f"two captures share the slug '{slug}' ({names}); rename one") for p in paths)
            continue
        path = paths[0]
        sidecar = _sidecar_of(slug, sidecars.get(slug, []), folder, problems)
        result = _read(path, slug, CAPTURE_KINDS[path.suffix.lower()], folder, sidecar)
        (captures if isinstance(result, Capture) else problems).append(result)  # type: ignore[arg-type]
    for stem, paths in sorted(sidecars.items()):
        if stem not in by_slug:
            problems.extend(Problem(str(p), f"sidecar without a capture: no {stem}.txt, .html or .md beside it", "error", 1, 1) for p in paths)
    for stem in EDITOR_FILES:
        spellings = _yaml_files_named(content_dir, stem)
        if len(spellings) > 1:
            names = " and ".join(p.name for p in spellings)
            problems.extend(Problem(str(p), f"both {names} exist; neither is read until one is removed or merged into the other", "error", 1, 1) for p in spellings)
    listed = {p for paths in (*by_slug.values(), *sidecars.values()) for p in paths}
    listed |= {p for stem in EDITOR_FILES for p in _yaml_files_named(content_dir, stem)}
    problems.extend(_unused_files(folder, listed))
    return captures, problems


def _sidecar_of(slug: str, paths: list[Path], folder: _ContentFolder, problems: list[Problem]) -> Path | None:
    """The capture's one readable sidecar; two sidecars for one capture are an error and neither is read."""
    if len(paths) > 1:
        names = " and ".join(p.name for p in paths)
        problems.extend(Problem(str(p), f"two sidecars for the capture '{slug}' ({names}); neither is read until one is removed", "error", 1, 1) for p in paths)
        return None
    for path in paths:
        refusal = folder.refusal(path)
        if refusal:
            problems.append(Problem(str(path), refusal))
            return None
        return path
    return None


# Empty files whose only job is to keep a folder in version control (digest new writes one).
_FOLDER_PLACEHOLDERS = frozenset({".gitkeep", ".keep"})


def _unused_files(folder: _ContentFolder, listed: set[Path]) -> list[Problem]:
    """A warning for each file the build does not read; a hidden folder is named once, not entered.

    ``listed`` are the captures, sidecars and editors' files, reported on their own if unreadable;
    a file they link to inside content/ is used through them.
    """
    content_dir = folder.root
    used = {folder.real_path(p) for p in listed if p.is_file()}
    problems = []
    for walked, subfolders, files in os.walk(content_dir):
        here = Path(walked)
        for name in sorted(subfolders):
            path = here / name
            if name.startswith(".") or path.is_symlink() or path in listed:
                subfolders.remove(name)
                if name.startswith(".") or path.is_symlink():
                    problems.append(Problem(str(path), _why_unused(path, content_dir), "warning"))
        for name in sorted(files):
            path = here / name
            if name in _FOLDER_PLACEHOLDERS and path.stat().st_size == 0:
                continue  # keeps an empty folder in git; holds no editor's word
            if path not in listed and folder.real_path(path) not in used:
                problems.append(Problem(str(path), _why_unused(path, content_dir), "warning"))
    return problems


def _why_unused(path: Path, content_dir: Path) -> str:
    relative = path.relative_to(content_dir)
    suffix = path.suffix.lower()
    if path.name.startswith("."):
        return "hidden file or folder: not used by the build; remove it, or rename it if it should be read"
    if path.is_dir():
        return "symbolic link to a folder: not followed, so nothing in it is used by the build"
    if len(relative.parts) > 1 and relative.parts[0] == ARTICLES_DIR and suffix in (*CAPTURE_KINDS, *SIDECAR_SUFFIXES):
        return f"not read: captures and sidecars must sit directly in {ARTICLES_DIR}/, not in a subfolder; move it there"
    if len(relative.parts) == 1 and suffix in CAPTURE_KINDS:
        return f"not read: a capture belongs in {ARTICLES_DIR}/; move it there"
    if len(relative.parts) == 1 and suffix in SIDECAR_SUFFIXES:
        return f"not read: the only YAML files at the top of the content folder are {', '.join(s + '.yml' for s in EDITOR_FILES)}"
    return "not used by the build: not a capture (.txt, .html, .htm, .md), a sidecar (.yml, .yaml) or an editors' file; remove or rename it"
