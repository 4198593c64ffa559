"""`digest new`: the files a research team needs to start its own digest.

Like `mkdocs new` and `hugo new site`, it writes a working skeleton, and it never overwrites a
file, so running it in an existing digest only adds what is missing. The skeleton's files ship
inside the package (scaffold_files/); mkdocs.yml is the packaged default configuration and
schemas/ is what `digest schemas` writes, so neither exists twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from digest.schemas import json_schema_files
from digest.site.mkdocs_plugin import PACKAGED_CONFIG

SCAFFOLD_DIR = Path(__file__).resolve().parent / "scaffold_files"
# Stored without the leading dot: tools that copy package data tend to skip hidden names.
HIDDEN_NAMES = {"github": ".github", "gitignore": ".gitignore"}
REQUIREMENTS = (
    "# What the workflows install. Point this at where your team gets digest from, e.g.\n"
    "# digest @ git+https://github.com/YOUR-ORG/digest@v{version}\n"
    "digest=={version}\n"
)


@dataclass(frozen=True)
class Scaffolded:
    written: tuple[Path, ...]
    kept: tuple[Path, ...]


def skeleton(version: str) -> dict[str, bytes]:
    """Relative path -> bytes of every file a new digest starts with."""
    files = {"mkdocs.yml": PACKAGED_CONFIG.read_bytes(), "requirements.txt": REQUIREMENTS.format(version=version).encode()}
    files.update({f"schemas/{name}": text.encode() for name, text in json_schema_files().items()})
    for source in sorted(p for p in SCAFFOLD_DIR.rglob("*") if p.is_file()):
        parts = source.relative_to(SCAFFOLD_DIR).parts
        files["/".join((HIDDEN_NAMES.get(parts[0], parts[0]), *parts[1:]))] = source.read_bytes()
    return files


def scaffold(root: Path, version: str) -> Scaffolded:
    """Write the skeleton under ``root``; a file that already exists is kept as it is."""
    written, kept = [], []
    for relative, data in skeleton(version).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "xb") as out:  # "x": fails rather than replace, even in a race
                out.write(data)
        except FileExistsError:
            kept.append(path)
            continue
        written.append(path)
    return Scaffolded(tuple(written), tuple(kept))
