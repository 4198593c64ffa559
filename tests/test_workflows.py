"""The GitHub Actions workflows: valid, and doing what the editors' process relies on."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))


def _workflow(name: str) -> dict:
    return yaml.load((WORKFLOWS / name).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # keeps `on` a string


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _linter(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed")
    return found


def test_workflows_match_the_github_schema():
    result = subprocess.run(
        [_linter("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, FILES)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pass_actionlint():
    result = subprocess.run([_linter("actionlint"), *map(str, FILES)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pull_requests_are_checked_built_strictly_and_previewed():
    workflow = _workflow("pull-request.yml")
    assert "pull_request" in workflow["on"]
    steps = _steps(workflow)
    commands = [step.get("run", "") for step in steps]
    check = next(i for i, c in enumerate(commands) if c.startswith("digest check"))
    build = next(i for i, c in enumerate(commands) if c.startswith("digest build --strict"))
    upload = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert check < build < upload
    assert steps[upload]["with"]["path"] == "site/"


def test_main_is_built_and_deployed_to_pages():
    workflow = _workflow("publish.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    uses = [step.get("uses", "") for step in _steps(workflow)]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


@pytest.mark.parametrize("name", ["publish.yml", "pull-request.yml"])
def test_the_normalization_cache_is_kept_between_runs_and_restored_before_the_build(name):
    steps = _steps(_workflow(name))
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    cache = steps[uses.index("actions/cache")]
    assert cache["with"]["path"] == ".digest-cache" and cache["with"]["restore-keys"]
    first_digest_run = next(i for i, step in enumerate(steps) if "digest " in step.get("run", ""))
    assert uses.index("actions/cache") < first_digest_run
