"""The package is complete on its own: a wheel installed into a fresh environment builds a digest.

The dependencies are not downloaded again: the fresh environment sees the development
environment's site-packages through a .pth file, but the digest package itself, its templates,
configuration and scaffold come only from the wheel, and the digest lives outside the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE_CONTENT

pytestmark = pytest.mark.slow


def run(*command: str | Path, cwd: Path) -> str:
    result = subprocess.run(
        [str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=600,
        env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
    )
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh virtual environment with only the wheel installed into it."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"  # a copy, so that building leaves no build/ in the repository
    shutil.copytree(REPO, source, ignore=lambda folder, names: [
        n for n in names if n in ("__pycache__", ".git") or (Path(folder) == REPO and n in (".venv", "site", ".digest-cache", "build"))
    ])
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", root / "dist", source, cwd=root)
    wheel = next((root / "dist").glob("digest-*.whl"))
    venv.create(root / "env", with_pip=False)
    env_python = root / "env" / "bin" / "python"
    env_site = Path(run(env_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=root).strip())
    (env_site / "development-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", env_python, "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=root)
    location = run(env_python, "-c", "import digest; print(digest.__file__)", cwd=root)
    assert location.startswith(str(env_site)), location
    run(sys.executable, "-m", "pip", "--python", env_python, "check", cwd=root)  # declared dependencies are there
    return root / "env" / "bin"


def test_a_digest_started_with_the_installed_package_builds(installed, tmp_path):
    run(installed / "digest", "new", "team-digest", cwd=tmp_path)
    digest_root = tmp_path / "team-digest"
    shutil.copytree(SAMPLE_CONTENT, digest_root / "content", dirs_exist_ok=True)
    run(installed / "digest", "check", cwd=digest_root)
    run(installed / "digest", "build", "--strict", cwd=digest_root)
    site = digest_root / "site"
    assert (site / "stylesheets" / "digest.css").is_file()
    assert len(list((site / "articles").glob("*/index.html"))) == len(list(SAMPLE_CONTENT.glob("articles/*.txt")))
    run(installed / "python", "-m", "mkdocs", "build", "--quiet", "--site-dir", tmp_path / "by-mkdocs", cwd=digest_root)
    assert (tmp_path / "by-mkdocs" / "index.html").is_file()
