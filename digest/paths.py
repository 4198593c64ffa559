"""The one way a name from content (slug, outlet id, tag, entity) becomes a file name.

Names come from editors and from captures, so they are untrusted: whatever goes in, what
comes out is a single lowercase ASCII path segment that cannot climb out of the site folder,
collide with a Windows device name, or be empty. A name that had to change gets a hash of the
original after a double dash, which no unchanged name can contain (runs of dashes are folded),
so a changed name never takes the file of an unchanged one, and two changed names only share
a file if their hashes collide.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from pathlib import Path

MAX_NAME_LENGTH = 80
_HASH_LENGTH = 16
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(10)}
_UNSAFE = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=2**16)
def safe_name(name: str, reserved: re.Pattern[str] | None = None) -> str:
    """A file-name segment for ``name``: [a-z0-9-], 1 to 80 characters, never reserved.

    ``reserved`` matches further names the caller keeps for itself (generated index pages).
    Remembered: every link to a page works its name out again (150,000 at 10,000 articles).
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE.sub("-", ascii_name.lower()).strip("-")[:MAX_NAME_LENGTH].strip("-")
    taken = cleaned in _WINDOWS_RESERVED or bool(reserved and reserved.fullmatch(cleaned))
    if cleaned and cleaned == name and not taken:
        return cleaned
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_LENGTH]
    stem = cleaned[: MAX_NAME_LENGTH - _HASH_LENGTH - 2].strip("-") or "item"
    return f"{stem}--{digest}"


def inside(root: Path, relative: str | Path) -> Path:
    """The resolved path of ``relative`` under ``root``; refuses anything that lands outside it.

    Symbolic links are followed, so a link that points elsewhere is refused like ``../``.
    """
    base = root.resolve()
    target = (base / relative).resolve()
    if target != base and base not in target.parents:
        raise ValueError(f"path {str(relative)!r} leaves {root}")
    return target
