"""Safe YAML loading that remembers where every value stands in the file.

Editors fix what they are pointed at, so every error must carry a line and a column: the
loader keeps the YAML node tree beside the data and maps a path of keys back to a position.
Aliases are refused outright: a sidecar has no use for them, and expanding them is how a
"billion laughs" file exhausts memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from digest.errors import InputError

MAX_YAML_BYTES = 1_000_000


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent, index):  # noqa: D102 - PyYAML hook
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="YAML aliases (*name) are not allowed in digest files",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node):  # noqa: D102 - PyYAML hook
        # A date-shaped value that is not a real date (2017-13-45) stays a string, so that the
        # schema reports it at its field, like any other bad value, instead of the loader crashing.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp", _NoAliasLoader.construct_yaml_timestamp)


@dataclass(frozen=True)
class LoadedYaml:
    data: Any
    root: Node | None

    def position(self, keys: tuple[Any, ...], of_value: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the key at ``keys``, or of its nearest existing parent.

        With ``of_value``, the position of the value itself: a wrong value is pointed at where
        it stands, an unknown key at the key.
        """
        node = self.root
        best = (1, 1) if node is None else (node.start_mark.line + 1, node.start_mark.column + 1)
        for key in keys:
            child = _child(node, key)
            if child is None:
                return best
            node, mark = child
            best = (mark.line + 1, mark.column + 1)
        if of_value and node is not None:
            return node.start_mark.line + 1, node.start_mark.column + 1
        return best


def _child(node: Node | None, key: Any):
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == str(key):
                return value_node, key_node.start_mark
    if isinstance(node, SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        item = node.value[key]
        return item, item.start_mark
    return None


def load_yaml_text(text: str) -> LoadedYaml:
    """Parse YAML text; raises InputError with the line and column of a syntax error."""
    try:
        loader = _NoAliasLoader(text)
    except yaml.reader.ReaderError as err:  # control characters are refused before parsing starts
        before = text[: err.position]
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        raise InputError(f"invalid YAML: control character U+{err.character:04X} is not allowed", line, column) from None
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise InputError(f"invalid YAML: {err.problem or err.context}", line, column) from None
    except yaml.YAMLError as err:
        raise InputError(f"invalid YAML: {err}") from None
    except RecursionError:
        raise InputError("invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()
    return LoadedYaml(data, root)


def load_yaml_file(path: Path) -> LoadedYaml:
    """Read and parse a YAML file with the size and encoding checks every digest file gets.

    A link is not followed: it could make a build read, and publish, a file outside content/.
    """
    if path.is_symlink():
        raise InputError("symbolic link; editors' YAML files must be regular files in the content folder, so it is not followed")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read file: {err.strerror}") from None
    if len(raw) > MAX_YAML_BYTES:
        raise InputError(f"file is larger than {MAX_YAML_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputError("YAML files must be UTF-8 (invalid byte sequence)", line) from None
    return load_yaml_text(text)
