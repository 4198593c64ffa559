"""Bad files: each gets a clear message naming it, and the build goes on without it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from digest.captures import MAX_CAPTURE_BYTES, discover_captures
from digest.extract.decoding import decode
from digest.errors import InputError
from digest.records import Problem
from digest.yaml_loading import MAX_YAML_BYTES, load_yaml_file, load_yaml_text

ARTICLE = "Troops left the city\n\nThe ministry said on Monday that its troops had left the city after talks.\n"

BILLION_LAUGHS = """
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
title: *i
"""


def problems_for(problems: list[Problem], name: str) -> list[Problem]:
    return [p for p in problems if p.path.endswith(name)]


# -- decoding -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, encoding",
    [
        ("Министерство обороны России заявило, что войска отошли от города.", "cp1251"),
        ("قالت وزارة الدفاع الروسية إن القوات انسحبت من المدينة بعد المحادثات.", "cp1256"),
        ("Le ministère a déclaré que les troupes s'étaient retirées de la ville.", "cp1252"),
        ("Minister Straße: Die Truppen hätten die Stadt verlassen, sagte er.", "cp1252"),
        ("The ministry said the troops had left — “quietly”.", "utf-16"),
        ("The ministry said the troops had left the city.", "utf-16-le"),
        ("The ministry said the troops had left the city.", "utf-16-be"),
        ("Министерство обороны заявило, что войска отошли.", "utf-8-sig"),
    ],
)
def test_utf16_and_legacy_code_pages_are_decoded_correctly(text, encoding):
    assert decode(text.encode(encoding)) == text


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b" \n\t\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (b"text\x00with a NUL", "binary"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 9, "binary"),
        (b"abc\x01\x02\x03\x04 def", "binary"),
        (b"\xef\xbb\xbf\xff\xfe not utf-8 after a UTF-8 mark", "byte-order mark"),
    ],
)
def test_files_that_are_not_text_are_reported_not_garbled(data, message):
    with pytest.raises(InputError, match=message):
        decode(data)


# -- discovery ----------------------------------------------------------------------------
def test_a_symbolic_link_leaving_content_is_refused_and_named(make_content, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the build machine's secret")
    content = make_content({"articles/good.txt": ARTICLE})
    (content / "articles" / "leak.txt").symlink_to(secret)
    (content / "articles" / "leak2.html").symlink_to("/etc/passwd")
    (content / "articles" / "good.yml").symlink_to(secret)
    captures, problems = discover_captures(content)
    assert [c.slug for c in captures] == ["good"]
    for name in ("leak.txt", "leak2.html", "good.yml"):
        assert "outside the content folder" in problems_for(problems, name)[0].message
    assert captures[0].sidecar is None


def test_a_symbolic_link_inside_content_is_followed(make_content):
    content = make_content({"articles/good.txt": ARTICLE, "archive/original.txt": ARTICLE})
    (content / "articles" / "linked.txt").symlink_to(content / "archive" / "original.txt")
    captures, problems = discover_captures(content)
    assert [c.slug for c in captures] == ["good", "linked"] and problems == []


def test_a_symbolic_link_loop_is_reported(make_content):
    content = make_content({"articles/good.txt": ARTICLE})
    (content / "articles" / "loop.txt").symlink_to(content / "articles" / "loop.txt")
    captures, problems = discover_captures(content)
    assert [c.slug for c in captures] == ["good"]
    assert problems_for(problems, "loop.txt")


def test_a_capture_over_the_size_limit_is_refused_without_reading_it_all(make_content):
    content = make_content({"articles/good.txt": ARTICLE, "articles/huge.txt": b"a" * (MAX_CAPTURE_BYTES + 1)})
    captures, problems = discover_captures(content)
    assert [c.slug for c in captures] == ["good"]
    assert f"{MAX_CAPTURE_BYTES:,}" in problems_for(problems, "huge.txt")[0].message


def test_a_folder_named_like_a_capture_is_reported(make_content):
    content = make_content({"articles/good.txt": ARTICLE, "articles/odd.txt/inner": "x"})
    captures, problems = discover_captures(content)
    assert [c.slug for c in captures] == ["good"]
    assert "not a regular file" in problems_for(problems, "odd.txt")[0].message


def test_problem_lines_cannot_be_forged_by_file_names_or_keys():
    line = str(Problem("articles/a\n::error::forged.txt", "unknown key '\x1b[2Jx'"))
    assert "\n" not in line and "\x1b" not in line


# -- YAML ---------------------------------------------------------------------------------
def test_a_billion_laughs_sidecar_is_refused_at_once():
    with pytest.raises(InputError, match="aliases") as raised:
        load_yaml_text(BILLION_LAUGHS)
    assert raised.value.line == 3  # the first alias: refused before anything is expanded


def test_anchors_and_merge_keys_are_refused():
    with pytest.raises(InputError, match="aliases"):
        load_yaml_text("base: &b {title: x}\nother:\n  <<: *b\n")


def test_yaml_nested_very_deeply_is_an_input_error():
    with pytest.raises(InputError):
        load_yaml_text("[" * 50_000 + "]" * 50_000)


def test_yaml_files_over_the_size_limit_are_refused(tmp_path):
    path = tmp_path / "big.yml"
    path.write_text("title: " + "x" * MAX_YAML_BYTES)
    with pytest.raises(InputError, match="larger than"):
        load_yaml_file(path)


def test_yaml_that_is_not_utf8_is_reported_with_its_line(tmp_path):
    path = tmp_path / "latin.yml"
    path.write_bytes("title: ok\nbyline: Jos\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8") as raised:
        load_yaml_file(path)
    assert raised.value.line == 2


@pytest.mark.parametrize("text", ["!!python/object/apply:os.system ['echo pwned']", "!!python/name:os.system"])
def test_yaml_tags_that_would_run_code_are_refused(text):
    try:
        loaded = load_yaml_text(text)
    except InputError:
        return
    assert not callable(loaded.data) and "os" not in repr(type(loaded.data))


# -- the whole build ----------------------------------------------------------------------
def bad_content(make_content):
    long_line = ("word " * 700_000).strip()
    content = make_content({
        "articles/good.txt": ARTICLE,
        "articles/russian.txt": ("Войска покинули город\n\nМинистерство обороны заявило в понедельник, что войска покинули город после переговоров.\n").encode("cp1251"),
        "articles/wide.txt": ARTICLE.encode("utf-16"),
        "articles/not-text.txt": bytes(range(255, -1, -1)) * 4,
        "articles/undecodable.txt": bytes([0xFF, 0xFE, 0xFD, 0x80, 0x81, 0x90, 0x91, 0x9F]) * 3 + b"\xc3",
        "articles/empty.txt": b"",
        "articles/huge.txt": b"a " * (MAX_CAPTURE_BYTES // 2 + 1),
        "articles/deep.html": "<html><body>" + "<div>" * 50_000 + "<p>deep</p>" + "</div>" * 50_000 + "</body></html>",
        "articles/long-line.txt": f"Title\n\n{long_line}\n",
        "articles/listed.txt": ARTICLE,
        "articles/listed.yml": "- title\n- byline\n",
        "articles/laughs.txt": ARTICLE,
        "articles/laughs.yml": BILLION_LAUGHS,
    })
    (content / "articles" / "leak.txt").symlink_to("/etc/passwd")
    return content


@pytest.mark.slow  # a whole digest built and checked many times over: CI runs it, the fast subset skips it
def test_each_bad_file_is_named_and_the_rest_still_builds(make_content, tmp_path):
    import subprocess
    import sys

    content = bad_content(make_content)
    digest = [str(Path(sys.executable).with_name("digest")), "build", "--content", str(content), "--cache-dir", str(tmp_path / "cache")]
    # A hang guard, not a speed goal: the deep and huge files must not stall the build.
    result = subprocess.run([*digest, "--site-dir", str(tmp_path / "site")], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr
    for name in ("not-text.txt", "undecodable.txt", "empty.txt", "huge.txt", "deep.html", "listed.yml", "laughs.yml", "leak.txt"):
        assert f"{name}:" in result.stderr or f"{name}: " in result.stderr, name
    built = {p.parent.name for p in (tmp_path / "site" / "articles").glob("*/index.html")}
    assert {"good", "russian", "wide", "listed", "laughs"} <= built
    assert "Министерство обороны" in (tmp_path / "site" / "articles" / "russian" / "index.html").read_text(encoding="utf-8")

    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    strict = subprocess.run([*digest, "--site-dir", str(tmp_path / "site"), "--strict"], capture_output=True, text=True, cwd=tmp_path)
    assert strict.returncode != 0 and "strict" in strict.stderr
    assert before == {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}


# -- no capture holds up the build -----------------------------------------------------------------
def test_a_capture_that_outlasts_its_time_budget_is_named_and_left_out(monkeypatch):
    from digest import pipeline
    from digest.records import Capture

    def endless(*args):
        while True:  # stands for an extractor gone quadratic on a page shaped for it
            pass

    monkeypatch.setattr(pipeline, "NORMALIZE_SECONDS", 0.2)
    monkeypatch.setattr(pipeline, "normalize", endless)
    capture = Capture("slow", Path("articles/slow.html"), "html", b"<p>x</p>")
    problem = pipeline.normalize_or_report(pipeline.NormalizationJob(capture))
    assert problem.path == "articles/slow.html" and "not normalized within 0.2 seconds" in problem.message


def test_the_time_budget_ends_with_the_capture(monkeypatch):
    from digest import pipeline
    from digest.records import Capture

    monkeypatch.setattr(pipeline, "NORMALIZE_SECONDS", 0.2)
    page = b"Headline\n\n" + b"The ministry said the troops had left the area near the river. " * 5
    article = pipeline.normalize_or_report(pipeline.NormalizationJob(Capture("ok", Path("ok.txt"), "txt", page)))
    assert "troops had left" in article.text
    time.sleep(0.4)  # a timer left running would interrupt whatever runs next


@pytest.mark.parametrize("shape", ["<p>{}</p>", "<table><tr>{}</tr></table>"])
def test_a_paragraph_or_row_of_thousands_of_elements_keeps_its_text(shape):
    # trafilatura's time grows with the square of the elements in one paragraph or row; such a
    # paragraph is read as its text.
    from digest.extract.normalize import normalize
    from digest.records import Capture

    cell = "<td>w{}</td>" if "tr" in shape else "<b>w{}</b> "
    body = shape.format("".join(cell.format(n) for n in range(3000)))
    article = normalize(Capture("dense", Path("dense.html"), "html", f"<html><body>{body}</body></html>".encode()))
    words = article.text.split()
    assert "w0" in words[0] and "w2999" in article.text and len(article.text.split("w")) > 2500
