"""The published JSON Schema files: generated from the models, current, and true to the content."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from digest.cli import main
from pydantic import ValidationError

from digest.schemas import SidecarModel, json_schema_files

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "schemas"
SAMPLE = REPO / "content"
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.MULTILINE)


def _as_json(value):
    """YAML dates as the strings an editor typed, which is what the JSON Schema describes."""
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _sample_files():
    yield SAMPLE / "outlets.yml", "outlets.schema.json"
    yield SAMPLE / "digest.yml", "digest.schema.json"
    for sidecar in sorted((SAMPLE / "articles").glob("*.yml")):
        yield sidecar, "sidecar.schema.json"


def test_committed_schemas_match_the_models():
    expected = json_schema_files()
    assert sorted(path.name for path in SCHEMAS.glob("*.json")) == sorted(expected)
    for name, text in expected.items():
        assert (SCHEMAS / name).read_text(encoding="utf-8") == text, f"{name} is stale: run `digest schemas`"


def test_schemas_command_writes_the_files(tmp_path):
    result = CliRunner().invoke(main, ["schemas", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert {path.name: path.read_text(encoding="utf-8") for path in tmp_path.iterdir()} == json_schema_files()


@pytest.mark.parametrize(("path", "schema_name"), list(_sample_files()), ids=lambda v: getattr(v, "name", v))
def test_sample_files_point_at_their_schema_and_satisfy_it(path, schema_name):
    jsonschema = pytest.importorskip("jsonschema")
    text = path.read_text(encoding="utf-8")
    reference = SCHEMA_LINE.search(text)
    if reference:  # digest.yml may go without: it has two fields
        assert (path.parent / reference.group(1)).resolve() == SCHEMAS / schema_name
    schema = yaml.safe_load((SCHEMAS / schema_name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(_as_json(yaml.safe_load(text)))


def test_json_schema_rejects_unknown_keys_and_ratings():
    jsonschema = pytest.importorskip("jsonschema")
    sidecar = jsonschema.Draft202012Validator(yaml.safe_load((SCHEMAS / "sidecar.schema.json").read_text()))
    assert [e.message for e in sidecar.iter_errors({"sumary": "x"})] == [
        "Additional properties are not allowed ('sumary' was unexpected)"
    ]
    outlets = jsonschema.Draft202012Validator(yaml.safe_load((SCHEMAS / "outlets.schema.json").read_text()))
    errors = list(outlets.iter_errors({"wire": {"name": "The Wire", "rating": "dubious"}}))
    assert [list(e.absolute_path) for e in errors] == [["wire", "rating"]]


@pytest.mark.parametrize("moment", ["9999-12-31T23:00:00-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-00:01", "0999-06-01T00:00:00"])
def test_times_at_the_calendars_ends_are_refused(moment):
    """Shown in UTC, these are past the calendar's end (a traceback once); refused at their field instead."""
    with pytest.raises(ValidationError, match="must lie in the years 1000 to 2999"):
        SidecarModel(provenance={"retrieved": moment})
    assert SidecarModel(provenance={"retrieved": "2020-01-02T03:04:05-14:00"}).provenance.retrieved.year == 2020
