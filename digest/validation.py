"""Validate loaded YAML against a schema and say exactly where each problem is."""

from __future__ import annotations

import difflib
import functools
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from digest.errors import InputError
from digest.records import Problem
from digest.yaml_loading import LoadedYaml, load_yaml_file

T = TypeVar("T")


def _known_keys(schema: Any, loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed at ``loc``, for did-you-mean hints on unknown keys."""
    model = schema if isinstance(schema, type) and issubclass(schema, BaseModel) else None
    if model is None:
        args = getattr(schema, "__args__", ())
        if len(args) == 2 and isinstance(args[1], type) and issubclass(args[1], BaseModel):
            model, loc = args[1], loc[1:]  # a mapping of ids to models
        else:
            return []
    for key in loc:
        if isinstance(key, int):
            continue
        field = model.model_fields.get(key)
        if field is None:
            break
        annotation = field.annotation
        inner = [a for a in getattr(annotation, "__args__", (annotation,)) if isinstance(a, type)]
        nested = next((a for a in inner if issubclass(a, BaseModel)), None)
        if nested is None:
            break
        model = nested
    return list(model.model_fields)


def _message(error: dict[str, Any], schema: Any) -> str:
    loc = tuple(error["loc"])
    name = ".".join(str(part) for part in loc) or "document"
    if error["type"] == "extra_forbidden":
        known = _known_keys(schema, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(known)})"
        return f"unknown key '{loc[-1]}'{hint}"
    if error["type"] == "string_pattern_mismatch" and loc and loc[-1] == "url":
        return f"{name}: must be an http:// or https:// URL"
    if error["type"] == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == r"\S":
        return f"{name}: empty; write a value or leave the key out"
    if error["type"] == "value_error":
        return f"{name}: {error['msg'].removeprefix('Value error, ')}"
    if error["type"].startswith("date_"):
        return f"{name}: not a valid date ({error['input']!r}); write dates as YYYY-MM-DD"
    if error["type"].startswith("datetime_"):
        return f"{name}: not a valid date and time ({error['input']!r}); write YYYY-MM-DDTHH:MM:SSZ"
    return f"{name}: {error['msg']}"


@functools.cache
def _adapter(schema) -> TypeAdapter:
    """One per schema: building one costs more than validating a sidecar with it."""
    return TypeAdapter(schema)


def validate_loaded(
    schema: type[T] | Any, loaded: LoadedYaml, path: Path, keys: tuple[Any, ...] = ()
) -> tuple[T | None, list[Problem]]:
    """Validate the mapping at ``keys`` in parsed YAML; each error becomes a Problem at its position."""
    duplicates = loaded.duplicates_under(keys)
    if duplicates:
        return None, [Problem(str(path), d.message, "error", d.line, d.column) for d in duplicates]
    data = loaded.data
    for key in keys:
        data = data[key]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        line, column = loaded.position(keys)
        kind = type(data).__name__
        return None, [Problem(str(path), f"expected a mapping of keys to values, found a {kind}", "error", line, column)]
    try:
        return _adapter(schema).validate_python(data), []
    except ValidationError as err:
        problems = []
        for error in err.errors():
            loc = tuple(error["loc"])
            line, column = loaded.position(keys + loc, of_value=error["type"] != "extra_forbidden")
            problems.append(Problem(str(path), _message(error, schema), "error", line, column))
        return None, problems


def load_and_validate(schema: type[T] | Any, path: Path) -> tuple[T | None, list[Problem]]:
    """Load a YAML file and validate it; never raises for bad input."""
    model, _, problems = load_with_positions(schema, path)
    return model, problems


def load_with_positions(schema: type[T] | Any, path: Path) -> tuple[T | None, LoadedYaml | None, list[Problem]]:
    """Like load_and_validate, keeping the parsed file so later checks can point at a key too."""
    try:
        loaded = load_yaml_file(path)
    except InputError as err:
        return None, None, [Problem(str(path), err.message, "error", err.line, err.column)]
    model, problems = validate_loaded(schema, loaded, path)
    return model, loaded, problems
