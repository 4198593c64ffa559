"""`digest check`: every error and warning, with its message and its file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.check import check_content, github_annotation
from digest.cli import main
from digest.records import EnrichedArticle, LinkedDigest, Problem
from digest.site.render import article_page, render_site

CAPTURE = """
    Example News

    Troops leave the base

    By Jane Doe
    12 March 2018

    The last convoy left the base on Monday morning, officials said, ending a deployment that had lasted two years.

    Residents watched from the roadside as the vehicles passed through the town centre and onto the highway north.

    A spokesman said the withdrawal had been planned for months and that no further changes were expected this year.
"""
UNDATED_CAPTURE = "\n\n".join(CAPTURE.split("\n\n")[:2] + CAPTURE.split("\n\n")[3:])
OUTLETS = "wire:\n  name: The Wire\n  rating: mixed\n"
SIDECAR = "outlet: wire\nsummary: The last troops left.\nsummary_status: draft\n"


@pytest.fixture
def content(make_content):
    """A content folder with one complete article; a test adds the file it breaks."""

    def make(files: dict[str, str | bytes]) -> Path:
        return make_content({"outlets.yml": OUTLETS, "articles/base.txt": CAPTURE, "articles/base.yml": SIDECAR, **files})

    return make


def _only(problems: list[Problem], name: str) -> Problem:
    found = [p for p in problems if Path(p.path).name == name]
    assert len(found) == 1, problems
    return found[0]


def _at(problem: Problem) -> tuple[str, str, int | None, int | None]:
    return problem.severity, problem.message, problem.line, problem.column


def test_complete_content_has_no_problems(content):
    assert check_content(content({})) == []


def test_invalid_yaml_is_reported_at_its_line(content):
    root = content({"articles/base.yml": 'outlet: wire\nsummary: "never closed\n'})
    problem = _only(check_content(root), "base.yml")
    assert problem.severity == "error"
    assert problem.message.startswith("invalid YAML: ")
    assert (problem.line, problem.column) == (3, 1)


def test_yaml_aliases_are_refused(content):
    root = content({"articles/base.yml": "tags: &t [a]\nrelated: {pin: *t}\n"})
    assert _at(_only(check_content(root), "base.yml")) == ("error", "invalid YAML: YAML aliases (*name) are not allowed in digest files", 2, 16)


def test_wrong_type_is_reported_at_its_value(content):
    root = content({"articles/base.yml": SIDECAR + "tags: [a, b]\nsplit_story: maybe\n"})
    problem = _only(check_content(root), "base.yml")
    assert _at(problem) == ("error", "split_story: Input should be a valid boolean, unable to interpret input", 5, 14)


def test_bad_date_is_reported_at_its_value(content):
    root = content({"articles/base.yml": SIDECAR + "published: 2018-13-45\n"})
    expected = "published: not a valid date ('2018-13-45'); write dates as YYYY-MM-DD"
    assert _at(_only(check_content(root), "base.yml")) == ("error", expected, 4, 12)


@pytest.mark.parametrize("value", ['""', "'   '"])
def test_an_empty_title_or_outlet_is_an_error_not_a_blank(content, value):
    # An empty value would blank what it replaces (the capture's headline, the outlet) unseen.
    root = content({"articles/base.yml": SIDECAR + f"title: {value}\n"})
    assert _at(_only(check_content(root), "base.yml")) == ("error", "title: empty; write a value or leave the key out", 4, 8)


@pytest.mark.parametrize("value", ['"\\uffa0"', '"\\u2064\\u200b"', '"\\u17b4\\u17b5"', '"\\U000e0020"', '"\\u2800"', '"\\u0301\\u0302"', '"\\ufffc"'])
def test_a_title_of_invisible_characters_is_an_error_not_a_blank(content, value):
    root = content({"articles/base.yml": SIDECAR + f"title: {value}\n"})
    problem = _only(check_content(root), "base.yml")
    assert problem.severity == "error" and problem.message.startswith("title: shows nothing"), problem


def test_unknown_key_gets_a_did_you_mean(content):
    root = content({"articles/base.yml": "outlet: wire\nsumary: The last troops left.\n"})
    problems = [p for p in check_content(root) if p.severity == "error"]
    assert [_at(p) for p in problems] == [("error", "unknown key 'sumary' (did you mean 'summary'?)", 2, 1)]


def test_unknown_outlet_key_gets_a_did_you_mean(content):
    root = content({"outlets.yml": OUTLETS + "  ratin: low\n  sources:\n    - {title: About, url: ftp://x}\n"})
    problems = [_at(p) for p in check_content(root) if Path(p.path).name == "outlets.yml"]
    assert problems == [
        ("error", "unknown key 'ratin' (did you mean 'rating'?)", 4, 3),
        ("error", "sources.0.url: must be an http:// or https:// URL", 6, 27),
    ]


def test_rating_outside_the_scale_is_an_error(content):
    root = content({"outlets.yml": OUTLETS.replace("mixed", "dubious")})
    problem = _only(check_content(root), "outlets.yml")
    assert problem.message.startswith("rating: Input should be 'high', 'mostly-reliable', 'mixed', 'low' or 'very-low'")
    assert (problem.line, problem.column) == (3, 11)


def test_sidecar_without_capture(content):
    root = content({"articles/orphan.yml": SIDECAR})
    expected = "sidecar without a capture: no orphan.txt, .html or .md beside it"
    assert _at(_only(check_content(root), "orphan.yml")) == ("error", expected, 1, 1)


def test_two_captures_with_one_slug(content):
    root = content({"articles/base.html": "<p>Another copy</p>"})
    problems = [_at(p) for p in check_content(root)]
    message = "two captures share the slug 'base' (base.html, base.txt); rename one"
    assert problems == [("error", message, 1, 1), ("error", message, 1, 1)]


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"\x00\x01\x02binary\x03" * 20, "binary data, not text"), (b"  \n", "empty file")],
)
def test_unreadable_capture(content, data, message):
    root = content({"articles/base.txt": data})
    problem = _only(check_content(root), "base.txt")
    assert (problem.severity, problem.line, problem.column) == ("error", 1, 1)
    assert problem.message.startswith(message)


def test_missing_summary_date_and_profile_are_warnings(content):
    sidecar = "outlet: nowhere.example\nsummary: ''\n"
    root = content({"articles/base.txt": UNDATED_CAPTURE, "articles/base.yml": sidecar})
    assert [_at(p) for p in check_content(root)] == [
        ("warning", "no date: the capture shows none; add `published: YYYY-MM-DD` if you can establish it", 1, 1),
        ("warning", "outlet 'nowhere.example' has no profile in outlets.yml yet", 1, 1),
        ("warning", "no summary yet: write one under `summary:` (it is shown as a draft until reviewed)", 2, 1),
    ]


def test_reviewed_summary_needs_a_reviewer(content):
    root = content({"articles/base.yml": SIDECAR.replace("draft", "reviewed")})
    expected = "summary marked reviewed without `reviewer:` and `reviewed:` (YYYY-MM-DD)"
    assert _at(_only(check_content(root), "base.yml")) == ("warning", expected, 3, 1)


def test_cli_prints_path_line_column_and_fails_on_errors(content):
    root = content({"articles/base.yml": "outlet: wire\nsumary: x\n"})
    result = CliRunner().invoke(main, ["check", "--content", str(root)], env={"GITHUB_ACTIONS": "false"})
    assert result.exit_code == 1
    assert f"{root}/articles/base.yml:2:1: error: unknown key 'sumary' (did you mean 'summary'?)" in result.stderr
    assert "::error" not in result.stdout


def test_cli_warnings_pass_unless_strict(content):
    root = content({"articles/base.yml": "outlet: wire\n"})
    relaxed = CliRunner().invoke(main, ["check", "--content", str(root)])
    assert relaxed.exit_code == 0
    assert f"{root}/articles/base.yml:1:1: warning: no summary yet" in relaxed.stderr
    strict = CliRunner().invoke(main, ["check", "--strict", "--content", str(root)])
    assert strict.exit_code == 1
    assert f"{root}/articles/base.yml:1:1: error: no summary yet" in strict.stderr


def test_cli_writes_github_annotations_on_actions(content):
    root = content({"articles/base.yml": "outlet: wire\nsumary: x\n"})
    result = CliRunner().invoke(main, ["check", "--content", str(root)], env={"GITHUB_ACTIONS": "true"})
    expected = f"::error file={root}/articles/base.yml,line=2,col=1::unknown key 'sumary' (did you mean 'summary'?)"
    assert expected in result.stdout.splitlines()


def test_annotation_escapes_what_would_end_the_command():
    problem = Problem("a,b:c.yml", "100% wrong\nsecond line", "warning", 3, 4)
    assert github_annotation(problem) == "::warning file=a%2Cb%3Ac.yml,line=3,col=4::100%25 wrong%0Asecond line"


def test_sample_content_has_no_errors():
    sample = Path(__file__).resolve().parent.parent / "content"
    assert [p for p in check_content(sample) if p.severity == "error"] == []


def test_draft_summary_is_labelled_on_the_site():
    draft = EnrichedArticle(id="a", title="A", paragraphs=("Text.",), summary="Work in progress.", summary_status="draft")
    reviewed = EnrichedArticle(id="b", title="B", paragraphs=("Text.",), summary="Checked.", summary_status="reviewed")
    digest = LinkedDigest(articles=(draft, reviewed), outlets={}, related={}, stories={}, story_of={})
    pages = {page.path: page.markdown for page in render_site(digest).pages}
    assert "Draft: this summary has not been reviewed yet." in pages[article_page("a")]
    assert "Draft: this summary" not in pages[article_page("b")]
    index = next(text for path, text in pages.items() if "draft summary" in text)
    assert index.count("draft summary") == 1


def test_a_broken_gazetteer_is_reported_at_its_line(content):
    root = content({"entities.yml": "places:\n  - name: Hmeymim\n    alias: [Khmeimim]\n"})
    problem = _only(check_content(root), "entities.yml")
    assert problem.severity == "error" and problem.line == 3 and "did you mean 'aliases'" in problem.message


def test_check_shares_the_build_cache(content, tmp_path):
    root = content({})
    cache_dir = tmp_path / "cache"
    assert check_content(root, cache_dir) == []
    assert list(cache_dir.rglob("*.json")), "check normalized without storing in the cache"
    assert check_content(root, cache_dir) == []


def test_thousands_of_unknown_keys_are_each_reported_at_their_own_line(content):
    # Each problem is pointed at its key through an index of the mapping's keys, built once;
    # a scan of the keys per problem made a file of 60,000 keys take minutes.
    root = content({"articles/base.yml": SIDECAR + "".join(f"k{n}: {n}\n" for n in range(20_000))})
    problems = [p for p in check_content(root) if p.path.endswith("base.yml")]
    assert len(problems) == 20_000
    assert [p.line for p in problems[:3]] == [4, 5, 6] and problems[-1].line == 20_003


def test_a_pin_or_drop_that_names_no_other_article_is_pointed_out(content):
    # A mistyped id in `related:` would silently do nothing.
    root = content({"articles/other.txt": CAPTURE.replace("convoy", "column"), "articles/other.yml": SIDECAR,
                    "articles/base.yml": SIDECAR + "related:\n  pin: [other, base-typo, base]\n  drop: [ghost]\n"})
    found = sorted((p.line, p.message.split(":")[0], p.message.split("'")[1]) for p in check_content(root)
                   if p.path.endswith("base.yml") and "related." in p.message)
    assert found == [(5, "related.pin.1", "base-typo"), (5, "related.pin.2", "base"), (6, "related.drop.0", "ghost")]
