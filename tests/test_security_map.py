"""SECURITY.md maps each threat to the test that proves its defence: every test it names exists.

A renamed or deleted test would otherwise leave a threat that the document says is covered and
no test covers. References are `FILE.py::test_name`, or `::test_name` for the file named last
in the same table row.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REFERENCE = re.compile(r"(test_\w+\.py)?::(test_\w+)")


def referenced_tests(document: str) -> list[tuple[str, str]]:
    found = []
    for row in document.splitlines():
        current = None
        for file_name, test_name in REFERENCE.findall(row):
            current = file_name or current
            assert current, f"SECURITY.md names ::{test_name} without a file before it: {row[:120]}"
            found.append((current, test_name))
    return found


def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def test_every_test_security_md_names_exists():
    references = referenced_tests((REPO / "SECURITY.md").read_text(encoding="utf-8"))
    assert len(references) > 20  # the map is a table of threats, not a stray mention
    missing = [f"{file_name}::{test_name}" for file_name, test_name in references
               if not (REPO / "tests" / file_name).is_file() or test_name not in defined_tests(REPO / "tests" / file_name)]
    assert not missing, f"SECURITY.md names tests that do not exist: {missing}"


def test_a_reference_without_a_file_takes_the_file_named_before_it():
    assert referenced_tests("| x | y | `test_a.py::test_b`, `::test_c` |") == [("test_a.py", "test_b"), ("test_a.py", "test_c")]
