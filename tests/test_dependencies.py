"""What the code imports is what pyproject.toml declares, and the README's table says the same.

A wheel installs only the declared dependencies, so an import that works here because some
other package pulled it in breaks for a user; a declared package nothing uses is weight.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# Declared, used, but never imported: the theme is named in the MkDocs configuration,
# Pagefind's binary is run as a module, and lxml.html.clean is imported by justext inside
# trafilatura, whose own requirement (lxml's extra) newer lxml releases no longer fill.
# Package -> (file, what shows the use).
USED_WITHOUT_IMPORT = {
    "mkdocs-material": ("digest/site/mkdocs.yml", "theme:\n  name: material"),
    "pagefind": ("digest/site/search.py", '"-m", "pagefind"'),
    "lxml-html-clean": ("digest/extract/html_extraction.py", "trafilatura"),
}
# Extras whose packages digest/ imports only when the user asks for them (a clear error otherwise).
OPTIONAL_RUNTIME_EXTRAS = ("dask",)


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    return normalized(re.match(r"[A-Za-z0-9_.-]+", requirement).group())


def declared(extra: str | None = None) -> set[str]:
    requirements = PYPROJECT["optional-dependencies"][extra] if extra else PYPROJECT["dependencies"]
    return {requirement_name(r) for r in requirements}


def imported_distributions(folder: Path) -> dict[str, set[str]]:
    """Distribution name -> files under ``folder`` that import it (third-party imports only)."""
    local = {p.stem for p in folder.glob("*.py")} | {"digest", "conftest_security"}
    by_module = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top in local:
                    continue
                assert top in by_module, f"{path.relative_to(REPO)} imports {top}, which no installed distribution provides"
                for distribution in by_module[top]:
                    found.setdefault(normalized(distribution), set()).add(str(path.relative_to(REPO)))
    return found


def test_every_import_in_digest_is_a_declared_dependency_and_every_dependency_is_used():
    imported = imported_distributions(REPO / "digest")
    optional = set().union(*(declared(extra) for extra in OPTIONAL_RUNTIME_EXTRAS))
    undeclared = {name: files for name, files in imported.items() if name not in declared() | optional}
    assert not undeclared, f"imported but not in [project] dependencies: {undeclared}"
    unused = declared() - set(imported) - set(USED_WITHOUT_IMPORT)
    assert not unused, f"declared but nothing in digest/ imports them: {unused}"


def test_packages_used_without_an_import_really_are_used():
    for name, (file, usage) in USED_WITHOUT_IMPORT.items():
        assert name in declared() and usage in (REPO / file).read_text(encoding="utf-8"), name


def test_tests_import_only_what_the_test_extra_or_the_dependencies_declare():
    imported = imported_distributions(REPO / "tests")
    undeclared = set(imported) - declared() - declared("test")
    assert not undeclared, f"tests import packages missing from the test extra: {undeclared}"


def readme_table() -> dict[str, str | None]:
    """Package -> extra (None for runtime) as the README's dependency table lists them."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Dependencies and why", 1)[1].split("\n## ", 1)[0]
    listed: dict[str, str | None] = {}
    for row in re.findall(r"^\| (?!package|---)([^|]+)\|", section, re.MULTILINE):
        extra = re.search(r"\((\w+) extra\)", row)
        names = re.sub(r"\(.*?\)", "", row)
        for name in names.split(","):
            listed[normalized(name.strip())] = extra.group(1) if extra else None
    return listed


def test_the_readme_dependency_table_matches_pyproject():
    expected = {name: None for name in declared()}
    for extra in PYPROJECT["optional-dependencies"]:
        expected.update({name: extra for name in declared(extra)})
    assert readme_table() == expected
