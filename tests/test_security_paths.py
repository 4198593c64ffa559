"""Names from content become file names through safe_name(), which cannot leave the site folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.paths import MAX_NAME_LENGTH, inside, safe_name
from digest.site.render import article_page, outlet_page

SEGMENT = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*(--[0-9a-f]{16})?$")
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}

HOSTILE_NAMES = [
    "", ".", "..", "../../etc/passwd", "/etc/passwd", "C:\\Windows\\system32", "\\\\server\\share",
    "CON", "con", "nul", "com1", "LPT9", "com¹", "aux.txt", "a/../../b", "....", "-", "--", " ",
    "\x00", "a\x00b", "ａｄｍｉｎ", "аdmin", "admin\u200b", "e\u0301", "x" * 500, "%2e%2e%2f", "~root",
    "\ud800", "index", "foo--0123456789abcdef",
]

names = st.one_of(
    st.text(max_size=200),
    st.sampled_from(HOSTILE_NAMES),
    st.text(alphabet="./\\-_ aCcOoNn1:", max_size=30),
)


def assert_safe_segment(result: str) -> None:
    assert SEGMENT.match(result), result
    assert 1 <= len(result) <= MAX_NAME_LENGTH
    assert result not in WINDOWS_RESERVED


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_become_one_plain_segment(name, tmp_path):
    result = safe_name(name)
    assert_safe_segment(result)
    assert inside(tmp_path, result).parent == tmp_path.resolve()


@settings(max_examples=400, deadline=None)
@given(names)
def test_any_name_becomes_one_safe_segment_inside_the_site(name):
    result = safe_name(name)
    assert_safe_segment(result)
    for page in (article_page(name), outlet_page(name), f"entities/{result}.md"):
        assert ".." not in Path(page).parts and not Path(page).is_absolute()


@settings(max_examples=300, deadline=None)
@given(names, names)
def test_different_names_never_share_a_file(first, second):
    if first != second:
        assert safe_name(first) != safe_name(second)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}", fullmatch=True))
def test_plain_names_are_kept_as_they_are(name):
    if name not in WINDOWS_RESERVED:
        assert safe_name(name) == name


def test_a_changed_name_cannot_take_the_file_of_a_plain_one():
    """An attacker who names a slug after another name's hashed form gets a different file."""
    hashed = safe_name("Foo")
    assert "--" in hashed
    assert safe_name(hashed) != hashed


def test_lookalikes_do_not_pass_for_the_name_they_imitate():
    assert safe_name("аdmin") != safe_name("admin")  # Cyrillic а
    assert safe_name("ａｄｍｉｎ") != "admin"  # fullwidth


@pytest.mark.parametrize("relative", ["../x", "/etc/passwd", "a/../../x", ".."])
def test_inside_refuses_paths_that_leave_the_root(tmp_path, relative):
    with pytest.raises(ValueError):
        inside(tmp_path, relative)


def test_inside_refuses_a_symbolic_link_that_leaves_the_root(tmp_path):
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "link").symlink_to(tmp_path)
    with pytest.raises(ValueError):
        inside(tmp_path / "root", "link/secret")
