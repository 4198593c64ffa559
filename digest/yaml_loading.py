"""Safe YAML loading that remembers where every value stands in the file.

Editors fix what they are pointed at, so every error must carry a line and a column: the
loader keeps the YAML node tree beside the data and maps a path of keys back to a position.
Aliases are refused outright: a sidecar has no use for them, and expanding them is how a
"billion laughs" file exhausts memory. A key written twice in one mapping is recorded with both
positions: YAML loaders keep the last value silently, which would let a second `rating:` flip an
outlet from very-low to high unseen, so the validator refuses the mapping that holds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from digest.errors import InputError

MAX_YAML_BYTES = 1_000_000


class _DigestChecks:
    """What every digest loader does on top of PyYAML's safe constructor."""

    def construct_mapping(self, node, deep=False):  # noqa: D102 - PyYAML hook
        self.flatten_mapping(node)  # merge keys (<<) first, so a key they repeat is seen too
        first_seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                earlier = first_seen.setdefault(key, key_node)
            except TypeError:
                continue  # an unhashable key: the base constructor reports it
            if earlier is not key_node:
                self.duplicates.append((node, key, earlier.start_mark, key_node.start_mark))
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node):  # noqa: D102 - PyYAML hook
        # A date-shaped value that is not a real date (2017-13-45) stays a string, so that the
        # schema reports it at its field, like any other bad value, instead of the loader crashing.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


class _NoAliasLoader(_DigestChecks, yaml.SafeLoader):
    def compose_node(self, parent, index):  # noqa: D102 - PyYAML hook
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="YAML aliases (*name) are not allowed in digest files",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)


_NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp", _NoAliasLoader.construct_yaml_timestamp)

try:
    from yaml.cyaml import CParser as _CParser  # libyaml's, when PyYAML was built with it
except ImportError:
    _CParser = None
if _CParser is not None:
    class _FastLoader(_DigestChecks, _CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """libyaml's parser under the same constructor: for text with no alias it builds the same
        nodes, several times faster than the pure-Python parser (ten thousand sidecars a build).
        Only plain text (``_PLAIN``: no alias can be in it) comes here; the rest, and text that
        libyaml refuses, goes to _NoAliasLoader, whose alias check and messages editors see."""

        def __init__(self, stream):
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    _FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _FastLoader.construct_yaml_timestamp)


@dataclass(frozen=True)
class DuplicateKey:
    """A key written twice in one mapping: where the mapping is, and both 1-based lines."""

    mapping_keys: tuple[Any, ...]  # the path of keys and indexes to the mapping holding it
    key: Any
    first_line: int
    first_column: int
    line: int
    column: int

    @property
    def message(self) -> str:
        return (f"duplicate key {self.key!r}: written at line {self.first_line} and again at line {self.line}; "
                "YAML would keep only the last value, so neither is used until one is removed")


@dataclass(frozen=True)
class LoadedYaml:
    data: Any
    root: Node | None
    duplicates: tuple[DuplicateKey, ...] = ()
    # Each mapping's keys, indexed the first time a position inside it is asked for: a file of
    # 60,000 unknown keys is 60,000 problems, and a scan of the keys for each took quadratic time.
    _key_index: dict[int, dict[str, tuple[Node, Any]]] = field(default_factory=dict, compare=False, repr=False)

    def duplicates_under(self, keys: tuple[Any, ...]) -> list[DuplicateKey]:
        """Duplicate keys inside the value at ``keys``, the key at ``keys`` itself included."""
        return [d for d in self.duplicates if (*d.mapping_keys, d.key)[: len(keys)] == keys]

    def position(self, keys: tuple[Any, ...], of_value: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the key at ``keys``, or of its nearest existing parent.

        With ``of_value``, the position of the value itself: a wrong value is pointed at where
        it stands, an unknown key at the key.
        """
        node = self.root
        best = (1, 1) if node is None else (node.start_mark.line + 1, node.start_mark.column + 1)
        for key in keys:
            child = self._child(node, key)
            if child is None:
                return best
            node, mark = child
            best = (mark.line + 1, mark.column + 1)
        if of_value and node is not None:
            return node.start_mark.line + 1, node.start_mark.column + 1
        return best

    def _child(self, node: Node | None, key: Any):
        if isinstance(node, MappingNode):
            keys = self._key_index.get(id(node))  # the nodes live as long as self.root holds them
            if keys is None:
                keys = self._key_index[id(node)] = {}
                for key_node, value_node in node.value:
                    if isinstance(key_node, ScalarNode):
                        keys.setdefault(key_node.value, (value_node, key_node.start_mark))
            return keys.get(str(key))
        if isinstance(node, SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            item = node.value[key]
            return item, item.start_mark
        return None


# Text the two parsers are known to read alike: none of the characters that start an alias,
# an anchor, a tag, a complex key or a directive, no document marker, no comment right after a
# block scalar's "|" or ">", and no tab, byte-order mark, control or Unicode line break, where
# libyaml accepts or places what PyYAML refuses or places otherwise (found by comparing the
# two on 35,000 made-up and real files).
_PLAIN = re.compile(r"(?:[^*&!?%|>\-\t\ufeff\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]|[|>](?!#)|-(?!--))*")


def load_yaml_text(text: str) -> LoadedYaml:
    """Parse YAML text; raises InputError with the line and column of a syntax error."""
    if _CParser is not None and _PLAIN.fullmatch(text):
        loader = _FastLoader(text)
        loader.duplicates = []
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
            return LoadedYaml(data, root, _located(root, loader.duplicates))
        except (yaml.YAMLError, RecursionError):
            pass  # reported below, in the words and at the position the pure-Python parser gives
        finally:
            loader.dispose()
    try:
        loader = _NoAliasLoader(text)
    except yaml.reader.ReaderError as err:  # control characters are refused before parsing starts
        before = text[: err.position]
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        raise InputError(f"invalid YAML: control character U+{err.character:04X} is not allowed", line, column) from None
    loader.duplicates = []
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
    return LoadedYaml(data, root, _located(root, loader.duplicates))


def _located(root: Node | None, found: list) -> tuple[DuplicateKey, ...]:
    """Duplicates with the key path of the mapping that holds each, found by walking the node tree."""
    if not found:
        return ()
    paths: dict[int, tuple[Any, ...]] = {}
    pending: list[tuple[Node, tuple[Any, ...]]] = [(root, ())] if root is not None else []
    while pending:
        node, path = pending.pop()
        paths[id(node)] = path
        if isinstance(node, MappingNode):
            pending.extend((value, (*path, key.value if isinstance(key, ScalarNode) else None)) for key, value in node.value)
        elif isinstance(node, SequenceNode):
            pending.extend((item, (*path, index)) for index, item in enumerate(node.value))
    located = (
        DuplicateKey(paths.get(id(node), ()), key, first.line + 1, first.column + 1, again.line + 1, again.column + 1)
        for node, key, first, again in found
    )
    return tuple(sorted(located, key=lambda d: (d.line, d.column)))


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
