"""No editor's word is silently dropped: duplicate YAML keys, sidecar spellings, unused files.

Each problem is reported by name (and line, for YAML) by `digest check` and by the build, and
`digest check --strict` fails on it.
"""

from __future__ import annotations

import json

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.check import check_content
from digest.errors import InputError
from digest.cli import main
from digest.editorial import load_editorial
from digest.entities import load_gazetteer
from digest.pipeline import assemble_digest
from digest.yaml_loading import load_yaml_text

CAPTURE = "Troops leave the base\n\nThe last convoy left the base on Monday morning, officials said, after two years.\n"
SIDECAR = "outlet: wire\npublished: 2018-03-12\nsummary: The last troops left.\n"
OUTLETS = "wire:\n  name: The Wire\n  domains: [wire.example]\n  rating: mixed\n"


def _strict_check_fails(content: Path) -> bool:
    return CliRunner().invoke(main, ["check", "--strict", "--content", str(content), "--cache-dir", str(content.parent / "cache")]).exit_code == 1


def _named(problems, name: str):
    return [p for p in problems if Path(p.path).name == name]


# -- duplicate keys ------------------------------------------------------------------------------
@st.composite
def documents_with_a_duplicate(draw):
    """YAML text of nested mappings and lists with one key written twice at some depth."""
    depth = draw(st.integers(0, 4))
    key = draw(st.sampled_from(["rating", "name", "url", "title", "aliases", "x-y"]))
    first, second = draw(st.sampled_from(["very-low", "1", "true", "a"])), draw(st.sampled_from(["high", "2", "b"]))
    lines, indent = [], ""
    for level in range(depth):
        lines.append(f"{indent}level{level}:")
        if draw(st.booleans()):
            lines.append(f"{indent}  - other: 1")
            indent += "    "
        else:
            indent += "  "
    lines += [f"{indent}{key}: {first}", f"{indent}keep: 0", f"{indent}{key}: {second}"]
    first_line = len(lines) - 2
    return "\n".join(lines) + "\n", key, first_line, len(lines)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents_with_a_duplicate())
def test_a_key_written_twice_at_any_depth_is_found_with_both_lines(case):
    text, key, first_line, second_line = case
    duplicates = load_yaml_text(text).duplicates
    assert [(d.key, d.first_line, d.line) for d in duplicates] == [(key, first_line, second_line)]
    assert f"line {first_line}" in duplicates[0].message and f"line {second_line}" in duplicates[0].message


def test_keys_that_yaml_reads_as_the_same_value_are_duplicates():
    assert [d.key for d in load_yaml_text("1: a\n01: b\n").duplicates] == [1]
    assert [d.key for d in load_yaml_text("a: 1\n'a': 2\n").duplicates] == ["a"]
    assert [d.key for d in load_yaml_text("<<: {a: 1}\na: 2\n").duplicates] == ["a"]


@pytest.mark.parametrize(
    ("relative", "text", "line"),
    [
        ("outlets.yml", OUTLETS + "  rating: high\n", 5),
        ("outlets.yml", OUTLETS + "wire:\n  name: Other\n", 5),
        ("outlets.yml", OUTLETS + "  sources:\n    - {title: A, url: 'https://a.example', title: B}\n", 6),
        ("digest.yml", "title: A\ndescription: x\ntitle: B\n", 3),
        ("entities.yml", "places:\n  - name: Aleppo\n    aliases: [Halab]\n    aliases: [Alep]\n", 4),
        ("articles/a.yml", SIDECAR + "outlet: other\n", 4),
        ("articles/a.yml", SIDECAR + "related:\n  pin: [b]\n  pin: [c]\n", 6),
    ],
)
def test_duplicate_keys_in_every_editors_file_are_errors_and_fail_a_strict_check(make_content, relative, text, line):
    files = {"outlets.yml": OUTLETS, "articles/a.txt": CAPTURE, "articles/a.yml": SIDECAR, relative: text}
    content = make_content(files)
    problems = [p for p in _named(check_content(content), Path(relative).name) if "duplicate key" in p.message]
    assert problems and problems[0].severity == "error" and problems[0].line == line, problems
    assert _strict_check_fails(content)
    _, build_problems = assemble_digest(content)
    assert any("duplicate key" in p.message for p in build_problems)


def test_a_duplicated_rating_never_reaches_the_site(make_content):
    content = make_content({"outlets.yml": "wire:\n  name: The Wire\n  rating: very-low\n  rating: high\nother:\n  name: O\n"})
    editorial = load_editorial(content)
    assert list(editorial.outlets) == ["other"]  # the ambiguous profile is left out, the others stay


# -- where editors' files are found ---------------------------------------------------------------
@pytest.mark.parametrize("extension", [".yml", ".yaml", ".YML", ".Yaml", ".YAML"])
def test_a_sidecar_is_found_whatever_the_case_of_its_extension(make_content, extension):
    content = make_content({"outlets.yml": OUTLETS, "articles/a.txt": CAPTURE, f"articles/a{extension}": SIDECAR})
    digest, problems = assemble_digest(content)
    assert digest.articles[0].summary == "The last troops left." and digest.articles[0].outlet_id == "wire"
    assert problems == []


def test_two_sidecars_for_one_capture_are_an_error_and_neither_is_used(make_content):
    content = make_content({"outlets.yml": OUTLETS, "articles/a.txt": CAPTURE, "articles/a.yml": SIDECAR,
                            "articles/a.YAML": SIDECAR.replace("wire", "other")})
    digest, _ = assemble_digest(content)
    assert digest.articles[0].outlet_id is None
    problems = check_content(content)
    for name in ("a.yml", "a.YAML"):
        assert any("two sidecars" in p.message and p.severity == "error" for p in _named(problems, name))


@pytest.mark.parametrize("extension", [".yaml", ".YML"])
def test_editors_files_may_be_spelt_yaml(make_content, extension):
    content = make_content({f"outlets{extension}": OUTLETS, f"digest{extension}": "title: Spelt\n",
                            f"entities{extension}": "places:\n  - name: Aleppo\n", "articles/a.txt": CAPTURE})
    digest, problems = assemble_digest(content)
    assert (digest.title, list(digest.outlets), list(digest.entities)) == ("Spelt", ["wire"], ["aleppo"])
    assert problems == []


@pytest.mark.parametrize("stem", ["outlets", "digest", "entities"])
def test_both_spellings_of_an_editors_file_are_an_error(make_content, stem):
    text = {"outlets": OUTLETS, "digest": "title: T\n", "entities": "places:\n  - name: Aleppo\n"}[stem]
    content = make_content({f"{stem}.yml": text, f"{stem}.yaml": text, "articles/a.txt": CAPTURE})
    problems = check_content(content)
    for name in (f"{stem}.yml", f"{stem}.yaml"):
        assert any("neither is read" in p.message and p.severity == "error" for p in _named(problems, name))
    assert load_gazetteer(None) == ({}, [])


# -- files the build does not use -------------------------------------------------------------------
UNUSED = [
    "articles/2019/b.txt",  # a capture in a subfolder
    "articles/2019/b.yml",
    "articles/.draft.txt",  # dot-files
    ".notes.yml",
    "c.html",  # a capture at the top of content/
    "sidecar.yml",
    "articles/a.pdf",  # unknown extensions
    "articles/a.txt.bak",
    "README.md",
    "images/photo.jpg",
]


@pytest.mark.parametrize("relative", UNUSED)
def test_every_file_the_build_does_not_use_is_reported_by_name(make_content, relative):
    content = make_content({"outlets.yml": OUTLETS, "articles/a.txt": CAPTURE, "articles/a.yml": SIDECAR, relative: "x\n"})
    expected = str(content / relative)
    assert expected in {p.path for p in check_content(content)}
    assert expected in {p.path for p in assemble_digest(content)[1]}
    assert _strict_check_fails(content)


def test_a_hidden_folder_is_named_once(make_content):
    content = make_content({"articles/a.txt": CAPTURE, ".git/objects/x": "1", ".git/HEAD": "2"})
    paths = [p.path for p in check_content(content) if ".git" in p.path]
    assert paths == [str(content / ".git")]


def test_an_empty_folder_placeholder_is_not_reported_but_one_with_words_is(make_content):
    content = make_content({"articles/a.txt": CAPTURE, "articles/.gitkeep": "", ".keep": "editor's note"})
    reported = {Path(p.path).name for p in check_content(content) if "hidden" in p.message}
    assert reported == {".keep"}


def test_the_sample_content_uses_every_file():
    from conftest import SAMPLE_CONTENT

    problems = check_content(SAMPLE_CONTENT)
    assert not [p for p in problems if "not used" in p.message or "not read" in p.message or "hidden" in p.message]


def test_every_spelling_reads_the_same_values(make_content):
    content = make_content({"outlets.yml": OUTLETS, "articles/a.txt": CAPTURE, "articles/a.Yaml": SIDECAR})
    digest, _ = assemble_digest(content)
    assert digest.articles[0].published == yaml.safe_load(SIDECAR)["published"].isoformat()


@pytest.mark.parametrize(
    ("domains", "message"),
    [("[wire.example, 'not a host']", "not a domain of one outlet"), ("[com]", "not a domain of one outlet"),
     ("[wire.example, co.uk]", "not a public suffix"), ("[github.io]", "not a public suffix"), ("[BlogSpot.com.]", "not a public suffix"),
     ("[wire.example, other.example]", "also a domain of 'other'")],
)
def test_outlet_domains_must_be_host_names_owned_by_one_outlet(make_content, domains, message):
    content = make_content({"outlets.yml": f"other:\n  name: Other\n  domains: [other.example]\nwire:\n  name: The Wire\n  domains: {domains}\n"})
    problems = [p for p in load_editorial(content).problems if message in p.message]
    assert problems and problems[0].line == 6 and problems[0].severity == "error"


@pytest.mark.parametrize("twin", ["Good News", "good news", "Good\u00a0News\u200b", "Ｇｏｏｄ News", " Good  News ",
                                  "G\u043e\u043ed N\u0435ws", "Good\u2800News"])  # Cyrillic о and е, a Braille blank
def test_two_outlets_whose_names_read_the_same_are_an_error(make_content, twin):
    # They would share a search filter and a chart row, and a reader would take one for the other.
    content = make_content({"outlets.yml": f"good:\n  name: Good News\n  rating: high\nbad:\n  name: {json.dumps(twin)}\n  rating: very-low\n"})
    problems = [p for p in load_editorial(content).problems if "reads the same as the name of 'good'" in p.message]
    assert problems and problems[0].line == 5 and problems[0].severity == "error"


_YAML_PIECES = st.sampled_from([
    "a", "b", ":", "-", " ", "\n", "\t", "'", '"', "#", "[", "]", "{", "}", ",", "|", ">", "&", "!", "%", "@", "`",
    "?", "*", "0", "9", ".", "é", "к", "\u2028", "\x85", "\ufeff", "2019-01-02", "2017-13-45", "true", "null", "~", "<<",
    "---", "...", "key: value\n", "  - item\n", "!!str ", "summary: >\n  Text.\n", "title: x\ntitle: y\n",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_YAML_PIECES, max_size=30).map("".join))
def test_libyamls_parser_reads_what_the_pure_python_parser_reads(text):
    """Sidecars are parsed by libyaml where the text is plain (yaml_loading._PLAIN): the values,
    duplicate keys, positions and errors must be those of the pure-Python parser."""
    import digest.yaml_loading as loading

    def outcome():
        try:
            loaded = loading.load_yaml_text(text)
        except InputError as err:
            return err.message, err.line, err.column
        marks, pending = [], [loaded.root] if loaded.root is not None else []
        while pending:
            node = pending.pop()
            marks.append((node.tag, node.start_mark.line, node.start_mark.column))
            if isinstance(node.value, list):
                pending.extend(n for item in node.value for n in (item if isinstance(item, tuple) else (item,)))
        return repr(loaded.data), loaded.duplicates, marks

    fast = outcome()
    parser, loading._CParser = loading._CParser, None
    try:
        assert outcome() == fast
    finally:
        loading._CParser = parser
