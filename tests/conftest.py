"""Shared fixtures: the sample digest and small made-up content folders."""

from __future__ import annotations

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
