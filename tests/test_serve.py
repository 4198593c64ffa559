"""`mkdocs serve` shows the digest and rebuilds when content changes."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
import urllib.request

import pytest

from conftest import SAMPLE_CONTENT

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(url: str, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = _fetch(url)
        if page and text in page:
            return True
        time.sleep(0.5)
    return False


@pytest.fixture
def served(tmp_path):
    """A copy of the sample in a digest made by `digest new`, served by `mkdocs serve`."""
    subprocess.run([str(Path(sys.executable).with_name("digest")), "new", str(tmp_path)], check=True, capture_output=True)
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content, dirs_exist_ok=True)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "-f", str(tmp_path / "mkdocs.yml")],
        cwd=tmp_path, stdout=open(tmp_path / "serve.log", "w"), stderr=subprocess.STDOUT,
    )
    try:
        yield content, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_serve_shows_the_sample_and_reloads_on_content_change(served):
    content, base = served
    page = f"{base}/articles/khsham-monument-deir-ez-zor/"
    assert _wait_for(page, "Monument to Russian Heroes", 90), "the served site never showed the article"

    sidecar = content / "articles" / "khsham-monument-deir-ez-zor.yml"
    sidecar.write_text(sidecar.read_text().replace("summary: |", "summary: |\n  Marker sentence for the reload test.", 1))
    assert _wait_for(page, "Marker sentence for the reload test", 90), "a sidecar change did not rebuild the site"

    capture = content / "articles" / "khsham-monument-deir-ez-zor.txt"
    capture.write_bytes(capture.read_bytes().replace(b"Deir ez-Zor", b"Deir ez-Zor Reloadtown", 1))
    assert _wait_for(page, "Reloadtown", 90), "a capture change did not rebuild the site"
