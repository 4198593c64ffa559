"""Differential test of the rendering path: a hostile value changes a page's text, never its shape.

For every field a capture or an editors' YAML file can set, a small digest is built twice through
the real pipeline: once with a benign value in that field and once with a value drawn from a
grammar of HTML, Markdown, Markdown-extension and Jinja syntax. All the digests of one draw are
published by one real MkDocs build (mkdocs.yml, the Material theme), each under a folder of its
own. Then, for every page, the document's structure (element names and attribute names, in
order) must be the same in both sites, and the value must appear as written: as text, or for a
URL field as the link's address. Editors' Markdown fields (summaries, notes, the description) are
Markdown on purpose: the block they render to must be exactly markdown-it's safe rendering of
the value, and the rest of the page must keep its shape. A sample of the hostile pages is then
opened in headless Chromium: no script runs, no dialog opens, no page navigates.
"""

from __future__ import annotations

import dataclasses
import html
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest_security import MKDOCS_YML, live_markup
from digest.extract.markdown_extraction import read_markdown
from digest.pipeline import build_pages
from digest.records import Page, RenderedSite
from digest.site.escaping import editor_markdown
from digest.site.mkdocs_plugin import build_with_mkdocs, load_mkdocs_config
from test_security_browser import _QuietHandler, assert_nothing_ran, browser  # noqa: F401  (browser: a fixture)

# -- the grammar of hostile values ----------------------------------------------------------------
WORDS = st.sampled_from(["x", "alert", "script", "onclick", "hidden", "note", "a", "b1", "javascript", "data"])
PAYLOADS = st.sampled_from(["alert(1)", "window.__pwned=1", "parent.__pwned=1;alert(2)", "location='//evil.example'"])
URL_SAFE_SCHEMES = st.sampled_from(["javascript:", "data:text/html,", "vbscript:", "JaVaScRiPt:", "//evil.example/", ""])


@st.composite
def html_syntax(draw) -> str:
    tag = draw(st.sampled_from(["script", "img", "svg", "iframe", "a", "div", "style", "details", "x", "meta", "base", "form"]))
    attribute = draw(st.sampled_from(["onerror", "onload", "onclick", "src", "href", "style", "ontoggle", "srcdoc", "open"]))
    payload = draw(PAYLOADS)
    return draw(st.sampled_from([
        f"<{tag} {attribute}={payload}>", f'<{tag} {attribute}="{payload}">{payload}</{tag}>', f"</{tag}>",
        f"<!-- {payload} -->", f'"><{tag} {attribute}={payload}>', f"'><{tag}/{attribute}={payload}>",
        f"<![CDATA[{payload}]]>", f"&lt;{tag}&gt;", "</div></p></li></td></table>", f"<{tag}",
    ]))


@st.composite
def markdown_syntax(draw) -> str:
    text, payload, scheme = draw(WORDS), draw(PAYLOADS), draw(URL_SAFE_SCHEMES)
    return draw(st.sampled_from([
        f"[{text}]({scheme}{payload})", f'[{text}](https://example.org/ "{payload}")', f"[{text}][r]\n\n[r]: {scheme}{payload}",
        f"<{scheme}{payload}>", f"<https://example.org/{text}>", f"*{text}*", f"**{text}**", f"_{text}_", f"`{payload}`",
        f"![{text}]({scheme}{payload})", f"[{text}](https://example.org/ '{payload}\"><script>{payload}</script>')",
        f"\\<{text}>", f"&#60;script&#62;{payload}", f"# {text}", f"> {text}", f"- {text}", f"1. {text}", "---",
        f'<div markdown="1">*{text}*</div>', f"    {payload}", f"~~~\n{payload}\n~~~",
    ]))


@st.composite
def extension_syntax(draw) -> str:
    text, payload = draw(WORDS), draw(PAYLOADS)
    return draw(st.sampled_from([
        f"!!! note \"{text}\"", f"??? {text}", f"{{: onclick=\"{payload}\" }}", f"{{: #id .class onclick={payload} }}",
        f"{{ onclick={payload} }}", '--8<-- "/etc/passwd"', "--8<-- \"mkdocs.yml\"", "[TOC]", "[[_TOC_]]",
        f"*[{text}]: {payload}", f"[^{text}]", f"[^{text}]: {payload}", f"=== \"{text}\"", f"++{text}++", f"=={text}==",
        f"~~{text}~~", f"{text}{{#{text} onclick={payload}}}", ":material-alert:", "$$x$$",
    ]))


@st.composite
def jinja_syntax(draw) -> str:
    payload = draw(PAYLOADS)
    return draw(st.sampled_from([
        "{{ 7*7 }}", "{{ config.site_name }}", "{% for x in range(3) %}{{ x }}{% endfor %}", "{# hidden #}",
        f"{{{{ '{payload}' }}}}", "{{ self.__init__.__globals__ }}", "{% raw %}x{% endraw %}", "{%- if true -%}y{%- endif %}",
        "${7*7}", "#{7*7}",
    ]))


SYNTAX = st.one_of(html_syntax(), markdown_syntax(), extension_syntax(), jinja_syntax(), WORDS)
# One line: a value that breaks a paragraph of a plain-text capture changes its shape legitimately.
INLINE_VALUES = st.lists(SYNTAX, min_size=1, max_size=4).map(lambda parts: " ".join(" ".join(parts).split()))
MARKDOWN_VALUES = st.lists(SYNTAX, min_size=1, max_size=4).map("\n".join)
# What safe_url and the schema accept: the scheme is http(s); the rest is any syntax without the
# characters a URL may not hold.
URL_VALUES = st.lists(SYNTAX, min_size=1, max_size=3).map(
    lambda parts: "https://qhost.example/" + "".join(ch for ch in "".join(parts) if not ch.isspace() and ch not in "<>\"'`\\"))

# -- a small digest in which each field has a benign value ----------------------------------------
PROSE = {
    "bridge": "The regional council said on Tuesday that the reconstruction of the bridge would take at least two more "
              "years, and that the cost had risen because of the price of steel and labour.",
    "harbour": "Fishermen in the northern harbour complained that the quotas announced in spring left their boats idle "
               "for most of the season while prices at the market kept climbing.",
    "orchard": "Growers across the valley expect an early apple harvest after a warm winter, though several orchards lost "
               "blossom to a late frost in April, the cooperative reported.",
}
BENIGN_URL = "https://qhost.example/plain"


def base_fields() -> dict[str, str]:
    """Each field's benign value: a word of its own, so that no two fields (or articles) share one."""
    fields = {
        "txt text": BENIGN, "html og:title": BENIGN, "html og:description": BENIGN, "html author": BENIGN,
        "html canonical": BENIGN_URL, "html og:url": BENIGN_URL, "html text": BENIGN,
        "md title": BENIGN, "md subtitle": BENIGN, "md byline": BENIGN, "md url": BENIGN_URL, "md text": BENIGN,
        "sidecar title": BENIGN, "sidecar subtitle": BENIGN, "sidecar byline": BENIGN, "sidecar url": BENIGN_URL,
        "sidecar summary": BENIGN, "sidecar reviewer": BENIGN, "sidecar tag": BENIGN, "sidecar unprofiled outlet": BENIGN,
        "sidecar archived url": BENIGN_URL, "sidecar provenance source": BENIGN,
        "outlet name": BENIGN, "outlet note": BENIGN, "outlet ownership": BENIGN, "outlet stance": BENIGN,
        "outlet domain": "benign-outlet.example", "outlet source title": BENIGN, "outlet source url": BENIGN_URL,
        "digest title": BENIGN, "digest description": BENIGN,
        "entity name": BENIGN, "entity alias": BENIGN, "entity note": BENIGN,
    }
    return {key: f"Benign{n}" if value is BENIGN else value for n, (key, value) in enumerate(fields.items())}


BENIGN = object()


MARKDOWN_FIELDS = {"sidecar summary", "outlet note", "digest description", "entity note"}
URL_FIELDS = {key for key, value in base_fields().items() if value == BENIGN_URL}
# Values that name things are written inside a word of their own, so that a short value ("a")
# never matches an article's text and changes what the pages list.
WRAPPED_FIELDS = {"entity name", "entity alias", "md title", "md subtitle", "md byline"}
# Where the value shows: (page, which of the article pages) for the check that it appears as written.
SHOWN_ON = {
    "txt text": "articles/bridge.md", "sidecar title": "articles/bridge.md", "sidecar subtitle": "articles/bridge.md",
    "sidecar byline": "articles/bridge.md", "sidecar url": "articles/bridge.md", "sidecar reviewer": "articles/bridge.md",
    "sidecar tag": "articles/bridge.md", "sidecar archived url": "articles/bridge.md",
    "sidecar provenance source": "articles/bridge.md",
    "html og:title": "articles/harbour.md", "html og:description": "articles/harbour.md", "html author": "articles/harbour.md",
    "html canonical": "articles/harbour.md", "html text": "articles/harbour.md",
    "md title": "articles/orchard.md", "md subtitle": "articles/orchard.md", "md byline": "articles/orchard.md",
    "md url": "articles/orchard.md", "md text": "articles/orchard.md", "sidecar unprofiled outlet": "articles/orchard.md",
    "outlet name": "outlets/qoutlet.md", "outlet ownership": "outlets/qoutlet.md", "outlet stance": "outlets/qoutlet.md",
    "outlet domain": "outlets/qoutlet.md", "outlet source title": "outlets/qoutlet.md", "outlet source url": "outlets/qoutlet.md",
    "digest title": "index.md", "entity alias": "ENTITY", "entity name": "ENTITY",
}


def in_sentence(value: str, prose: str) -> str:
    return f"{prose} Witnesses quoted {value} in full. {prose}"


def orchard_body(md_text: str) -> str:
    return f"{in_sentence(md_text, PROSE['orchard'])}\n\n{PROSE['orchard']}\n"


def write_content(root: Path, fields: dict[str, str]) -> Path:
    """A content folder of three unrelated articles (one per capture kind), an outlet, an entity."""
    f = {key: f"Qz {value} qz" if key in WRAPPED_FIELDS else value for key, value in fields.items()}
    articles = root / "articles"
    articles.mkdir(parents=True)
    (articles / "bridge.txt").write_text(f"Bridge repairs delayed\n\n{in_sentence(f['txt text'], PROSE['bridge'])}\n\n"
                                         f"{PROSE['bridge']} Qazaq officials agreed.\n", encoding="utf-8")
    sidecar = {"title": f["sidecar title"], "subtitle": f["sidecar subtitle"], "byline": f["sidecar byline"],
               "url": f["sidecar url"], "outlet": "qoutlet", "published": "2020-01-02", "summary": f["sidecar summary"],
               "summary_status": "reviewed", "reviewer": f["sidecar reviewer"], "reviewed": "2020-02-03",
               "tags": [f["sidecar tag"], "roads"], "archived_url": f["sidecar archived url"], "archived": "2020-01-05",
               "provenance": {"source": f["sidecar provenance source"]}}
    (articles / "bridge.yml").write_text(yaml.safe_dump(sidecar, allow_unicode=True), encoding="utf-8")
    e = {key: html.escape(value, quote=True) for key, value in f.items()}
    (articles / "harbour.html").write_text(
        f'<html><head><title>Harbour quotas</title><meta property="og:title" content="{e["html og:title"]}">'
        f'<meta property="og:description" content="{e["html og:description"]}"><meta name="author" content="{e["html author"]}">'
        f'<link rel="canonical" href="{e["html canonical"]}"><meta property="og:url" content="{e["html og:url"]}">'
        f'<meta property="article:published_time" content="2020-03-04"></head><body><article><h1>Harbour quotas</h1>'
        f'<p>{html.escape(in_sentence(f["html text"], PROSE["harbour"]))}</p><p>{PROSE["harbour"]}</p>'
        f'<p>{PROSE["harbour"]}</p></article></body></html>', encoding="utf-8")
    (articles / "harbour.yml").write_text("outlet: qoutlet\n", encoding="utf-8")
    front = {key: f[f"md {key}"] for key in ("title", "subtitle", "byline", "url")}
    (articles / "orchard.md").write_text(
        "---\n" + yaml.safe_dump({**front, "date": "2020-05-06"}, allow_unicode=True) + "---\n\n"
        + orchard_body(f["md text"]), encoding="utf-8")
    (articles / "orchard.yml").write_text(yaml.safe_dump({"outlet": f["sidecar unprofiled outlet"]}, allow_unicode=True), encoding="utf-8")
    outlets = {"qoutlet": {"name": f["outlet name"], "domains": [f["outlet domain"]], "rating": "mixed",
                           "ownership": f["outlet ownership"], "stance": f["outlet stance"], "note": f["outlet note"],
                           "sources": [{"title": f["outlet source title"], "url": f["outlet source url"]}], "reviewed": "2020-01-01"}}
    (root / "outlets.yml").write_text(yaml.safe_dump(outlets, allow_unicode=True), encoding="utf-8")
    (root / "digest.yml").write_text(yaml.safe_dump({"title": f["digest title"], "description": f["digest description"]},
                                                    allow_unicode=True), encoding="utf-8")
    gazetteer = {"places": [{"name": f["entity name"], "aliases": ["Qazaq", f["entity alias"]], "note": f["entity note"]}]}
    (root / "entities.yml").write_text(yaml.safe_dump(gazetteer, allow_unicode=True), encoding="utf-8")
    return root


# -- building and comparing -----------------------------------------------------------------------
@dataclasses.dataclass
class Example:
    field: str
    value: str
    benign: RenderedSite
    hostile: RenderedSite


def _moved(site: RenderedSite, folder: str) -> list[Page]:
    return [dataclasses.replace(page, path=f"{folder}/{page.path}") for page in site.pages]


def publish(examples: list[Example], into: Path) -> Path:
    """All the examples' pages in one real MkDocs build; the first benign digest also at the root."""
    pages = list(examples[0].benign.pages)
    for n, example in enumerate(examples):
        pages += _moved(example.benign, f"e{n}/benign") + _moved(example.hostile, f"e{n}/hostile")
    site = dataclasses.replace(examples[0].benign, pages=tuple(pages), data_files={})
    config, plugin = load_mkdocs_config(MKDOCS_YML, into / "unused-content", into / "site", into / "cache", strict=False)
    build_with_mkdocs(config, plugin, site)
    return into / "site"


def built_file(site_dir: Path, page_path: str) -> Path:
    stem = page_path.removesuffix(".md")
    return site_dir / (stem.removesuffix("index") if stem.endswith("index") else stem + "/") / "index.html"


def shape(element, skip: Callable[[object], bool] = lambda e: False) -> list[tuple[str, tuple[str, ...]]]:
    """Element names and attribute names in document order; a skipped element keeps only itself."""
    found = []
    stack = [element]
    while stack:
        node = stack.pop()
        if not isinstance(node.tag, str):
            found.append(("#comment", ()))
            continue
        found.append((node.tag, tuple(sorted(node.attrib))))
        if not skip(node):
            stack.extend(reversed(list(node)))
    return found


def without_author_tags(shape_list):
    """A byline names one or more authors, so the number of citation_author tags follows the data;
    each is still a <meta> with a name and a content and nothing else."""
    return [item for item in shape_list if item != ("meta", ("content", "name"))]


def is_editor_text(element) -> bool:
    return "editor-text" in (element.get("class") or "").split()


def paired_pages(example: Example) -> list[tuple[Page, Page]]:
    """Benign and hostile pages side by side; a page whose name comes from the value pairs by folder."""
    benign = {p.path: p for p in example.benign.pages}
    hostile = {p.path: p for p in example.hostile.pages}
    pairs = [(benign[path], hostile[path]) for path in benign if path in hostile]
    left_b = [p for path, p in benign.items() if path not in hostile]
    left_h = [p for path, p in hostile.items() if path not in benign]
    assert sorted(p.path.split("/")[0] for p in left_b) == sorted(p.path.split("/")[0] for p in left_h), example.field
    for page in left_b:
        match = next(h for h in left_h if h.path.split("/")[0] == page.path.split("/")[0])
        left_h.remove(match)
        pairs.append((page, match))
    return pairs


def folded(text: str) -> str:
    return " ".join(text.split())


def check_example(site_dir: Path, n: int, example: Example) -> list[Path]:
    hostile_files = []
    for benign_page, hostile_page in paired_pages(example):
        benign_root = lxml.html.parse(str(built_file(site_dir / f"e{n}/benign", benign_page.path))).getroot()
        hostile_file = built_file(site_dir / f"e{n}/hostile", hostile_page.path)
        hostile_root = lxml.html.parse(str(hostile_file)).getroot()
        hostile_files.append(hostile_file)
        where = f"{example.field} = {example.value!r}: {hostile_page.path}"
        if example.field in MARKDOWN_FIELDS:
            assert shape(hostile_root, is_editor_text) == shape(benign_root, is_editor_text), where
            # The loader strips a value's surrounding white space (an indented first line is no code block).
            values = (example.value, example.value.strip(), *(v for k, v in base_fields().items() if k in MARKDOWN_FIELDS))
            expected = {repr(shape(lxml.html.fragment_fromstring(str(editor_markdown(v))))) for v in values}
            for block in filter(is_editor_text, hostile_root.iter()):
                assert repr(shape(block)) in expected, where
        else:
            assert without_author_tags(shape(hostile_root)) == without_author_tags(shape(benign_root)), where
        content = hostile_root.find_class("md-content__inner")[0]
        assert live_markup(lxml.html.tostring(content, encoding="unicode"), allowed_elements=frozenset({"svg"})) == [], where
    return hostile_files


def shown_page(example: Example) -> str | None:
    page = SHOWN_ON.get(example.field)
    if page == "ENTITY":
        return next(p.path for p in example.hostile.pages if p.path.startswith("entities/") and p.path != "entities/index.md")
    return page


def check_shown_as_written(site_dir: Path, n: int, example: Example) -> None:
    page = shown_page(example)
    if page is None:
        return
    root = lxml.html.parse(str(built_file(site_dir / f"e{n}/hostile", page))).getroot()
    content = root.find_class("md-content__inner")[0]
    if example.field in URL_FIELDS:
        assert example.value in {a.get("href") for a in content.iter("a")}, (example.field, example.value)
    elif example.field == "md text":
        # A Markdown capture's body is read as the words it shows (its syntax is not article text).
        for paragraph in read_markdown(orchard_body(example.value)).paragraphs:
            assert folded(paragraph) in folded(content.text_content()), (example.field, example.value, paragraph)
    else:
        assert folded(example.value) in folded(content.text_content()), (example.field, example.value)


def field_file(field: str) -> str:
    """The content file a field is written into (see write_content)."""
    if field == "sidecar unprofiled outlet":
        return "articles/orchard.yml"
    kind = field.split()[0]
    return {"sidecar": "articles/bridge.yml", "outlet": "outlets.yml", "digest": "digest.yml", "entity": "entities.yml",
            "md": "articles/orchard.md", "html": "articles/harbour.html", "txt": "articles/bridge.txt"}[kind]


def build_example(tmp: Path, field: str, value: str) -> Example | None:
    sites = []
    for name, fields in (("benign", base_fields()), ("hostile", {**base_fields(), field: value})):
        folder = tmp / f"{field.replace(' ', '-').replace(':', '')}-{name}"
        shutil.rmtree(folder, ignore_errors=True)
        site = build_pages(write_content(folder, fields))
        errors = [p for p in site.problems if p.severity == "error"]
        if errors and name == "hostile":
            # A value the schema refuses (not a host name, too long) is an error naming its file and
            # line, and the rest of the digest is still built; a value it accepts must be shown inertly.
            assert all(p.path == str(folder / field_file(field)) and p.line for p in errors), [str(p) for p in errors]
            assert any(page.path.startswith("articles/") for page in site.pages), "the rest of the digest is built"
            return None
        assert not errors, (field, value, [str(p) for p in site.problems])
        sites.append(site)
    return Example(field, value, *sites)


def values_for(field: str):
    if field == "outlet domain":  # host names the schema accepts, and anything else
        return st.one_of(st.from_regex(r"\A(xn--)?[a-z0-9]{1,12}(-[a-z0-9]{1,8})?\.(example|org|xn--p1ai)\Z"), INLINE_VALUES)
    if field in URL_FIELDS:
        return URL_VALUES
    return MARKDOWN_VALUES if field in MARKDOWN_FIELDS else INLINE_VALUES


ONE_VALUE_PER_FIELD = st.fixed_dictionaries({field: values_for(field) for field in base_fields()})


@pytest.fixture(scope="module")
def browser_sample():
    """Hostile pages, collected while the examples are checked, for the browser test below."""
    return []


@pytest.mark.slow
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
@given(draw=ONE_VALUE_PER_FIELD)
def test_a_hostile_value_in_any_field_changes_the_text_never_the_shape(draw, tmp_path_factory, browser_sample):
    tmp = tmp_path_factory.mktemp("differential")
    examples = [e for e in (build_example(tmp, field, value) for field, value in draw.items()) if e is not None]
    site_dir = publish(examples, tmp)
    for n, example in enumerate(examples):
        hostile_files = check_example(site_dir, n, example)
        check_shown_as_written(site_dir, n, example)
        browser_sample.append((site_dir, random.Random(n).choice(hostile_files)))


@pytest.mark.slow
def test_a_sample_of_the_hostile_pages_runs_nothing_in_a_browser(browser, browser_sample):  # noqa: F811
    import functools
    import http.server
    import threading

    assert browser_sample, "the differential test runs first and collects pages"
    site_dir = browser_sample[-1][0]
    sample = [page for folder, page in browser_sample if folder == site_dir]
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        for page in sample:
            url = base + page.relative_to(site_dir).as_posix().removesuffix("index.html")
            browser.get(url)
            assert_nothing_ran(browser, url)
    finally:
        server.shutdown()
