"""Shared fixtures: the sample digest and small made-up content folders."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CONTENT = REPO / "content"


@pytest.fixture
def make_content(tmp_path):
    """Write a content folder from {relative path: text or bytes}; returns its path."""

    def make(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "content"
        (root / "articles").mkdir(parents=True, exist_ok=True)
        for relative, body in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
        return root

    return make


def build_sample_with_settings(tmp_path: Path, settings: str, name: str) -> dict[str, str]:
    """Build the sample digest with the packaged mkdocs.yml plus ``settings``, into
    ``tmp_path/name``: each built file but the search bundles, by its SHA-256."""
    from click.testing import CliRunner

    from digest.cli import main

    (tmp_path / "docs").mkdir(exist_ok=True)
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"INHERIT: {REPO / 'digest' / 'site' / 'mkdocs.yml'}\n{settings}", encoding="utf-8")
    site = tmp_path / name
    result = CliRunner().invoke(main, [
        "build", "--content", str(SAMPLE_CONTENT), "--site-dir", str(site), "--cache-dir", str(tmp_path / f"cache-{name}"),
        "--config-file", str(config),
    ])
    assert result.exit_code == 0, result.output
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*")) if p.is_file() and not p.relative_to(site).parts[0].startswith("pagefind")
    }
