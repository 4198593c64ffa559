"""`digest new` starts a digest that builds, and the MkDocs hand-off behaves as MkDocs does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import SAMPLE_CONTENT
from digest.cli import main
from digest.schemas import json_schema_files
from digest.site.mkdocs_plugin import DigestPlugin

SCHEMA_LINE = "# yaml-language-server: $schema="


@pytest.fixture
def new_digest(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "my-digest"
    result = CliRunner().invoke(main, ["new", str(root)])
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(root)
    return root


def build(*args: str):
    return CliRunner().invoke(main, ["build", *args])


def test_a_new_digest_has_everything_an_editor_needs(new_digest):
    assert (new_digest / "content" / "articles").is_dir() and not any(
        p for p in (new_digest / "content" / "articles").iterdir() if not p.name.startswith(".")
    )
    config = yaml.load((new_digest / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    assert any(isinstance(p, dict) and "digest" in p for p in config["plugins"])
    for name in ("digest.yml", "outlets.yml", "entities.yml"):
        first_line = (new_digest / "content" / name).read_text().splitlines()[0]
        assert first_line.startswith(SCHEMA_LINE)
        schema = new_digest / "content" / first_line.removeprefix(SCHEMA_LINE)
        assert schema.resolve().read_text() == json_schema_files()[schema.name]
    workflows = {p.name for p in (new_digest / ".github" / "workflows").glob("*.yml")}
    assert workflows == {"pull-request.yml", "publish.yml"}
    assert "digest add" in (new_digest / "README.md").read_text()


def test_a_new_digest_is_valid_and_builds(new_digest):
    assert CliRunner().invoke(main, ["check", "--strict"]).exit_code == 0
    result = build("--strict")
    assert result.exit_code == 0, result.output
    assert (new_digest / "site" / "index.html").is_file()
    assert (new_digest / "site" / "stylesheets" / "digest.css").is_file()
    assert "stylesheets/digest.css" in (new_digest / "site" / "index.html").read_text()


def test_new_never_overwrites_a_file_and_names_each_one_kept(new_digest):
    (new_digest / "content" / "outlets.yml").write_text("mine: {name: Mine}\n")
    (new_digest / "README.md").write_text("our notes\n")
    result = CliRunner().invoke(main, ["new", str(new_digest)])
    assert result.exit_code == 0
    assert (new_digest / "content" / "outlets.yml").read_text() == "mine: {name: Mine}\n"
    assert (new_digest / "README.md").read_text() == "our notes\n"
    assert f"Kept {new_digest / 'README.md'}" in result.stderr
    assert f"Kept {new_digest / 'content' / 'outlets.yml'}" in result.stderr
    assert "Wrote" not in result.stdout


def test_new_adds_what_is_missing_to_an_existing_folder(tmp_path):
    (tmp_path / "content" / "articles").mkdir(parents=True)
    (tmp_path / "content" / "articles" / "a.txt").write_text("kept")
    result = CliRunner().invoke(main, ["new", str(tmp_path)])
    assert result.exit_code == 0
    assert (tmp_path / "content" / "articles" / "a.txt").read_text() == "kept"
    assert (tmp_path / "mkdocs.yml").is_file()


def test_a_template_in_the_digest_replaces_the_packaged_one(new_digest):
    (new_digest / "templates").mkdir()
    (new_digest / "templates" / "home.md.j2").write_text("# Our own home page\n\n{{ article_count }} articles\n")
    assert build().exit_code == 0
    home = (new_digest / "site" / "index.html").read_text()
    assert "Our own home page" in home and "0 articles" in home
    assert (new_digest / "site" / "articles" / "index.html").is_file()  # other templates still packaged


def test_a_build_without_mkdocs_yml_uses_the_packaged_configuration(tmp_path, monkeypatch):
    shutil.copytree(SAMPLE_CONTENT, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    result = build()
    assert result.exit_code == 0, result.output
    articles = json.loads((tmp_path / "site" / "data" / "articles.json").read_text())
    assert articles and (tmp_path / "site" / "stylesheets" / "digest.css").is_file()


def test_a_config_without_the_digest_plugin_is_a_one_line_error_naming_the_file(new_digest):
    (new_digest / "plain.yml").write_text("site_name: x\nplugins:\n  - search\n")
    result = CliRunner().invoke(main, ["build", "--config-file", "plain.yml"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: plain.yml: the 'digest' plugin is not listed under plugins (add `- digest` there)"
    ]
    assert not (new_digest / "site").exists()


def test_build_fires_the_plugin_events_from_startup_to_shutdown(new_digest, monkeypatch):
    events = []
    for name in ("on_startup", "on_config", "on_files", "on_shutdown"):
        original = getattr(DigestPlugin, name)

        def spy(self, *args, _name=name, _original=original, **kwargs):
            events.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(DigestPlugin, name, spy)
    assert build().exit_code == 0
    assert events == ["on_startup", "on_config", "on_files", "on_shutdown"]


def test_options_reach_the_plugin_before_validation(new_digest, tmp_path):
    content = tmp_path / "elsewhere"
    shutil.copytree(SAMPLE_CONTENT, content)
    result = build("--content", str(content), "--cache-dir", str(tmp_path / "cache"))
    assert result.exit_code == 0, result.output
    assert any((tmp_path / "cache").iterdir())
    assert not (new_digest / ".digest-cache").exists()
    assert json.loads((new_digest / "site" / "data" / "articles.json").read_text())
