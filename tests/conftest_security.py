"""Helpers shared by the security tests: the injection corpus and a judge of live markup.

"Inert" is checked on HTML, the way a browser would meet it: generated Markdown goes through
the same Markdown extensions as the site, and the HTML is searched for anything that could
run, load, redirect or restyle (elements, attributes and URL schemes).
"""

from __future__ import annotations

import re
import unicodedata
import subprocess
import sys
from pathlib import Path

import lxml.html
import markdown
import yaml

INJECTION_DIR = Path(__file__).resolve().parent / "injection"
MKDOCS_YML = Path(__file__).resolve().parent.parent / "digest" / "site" / "mkdocs.yml"

LIVE_ELEMENTS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "link", "meta",
    "base", "form", "input", "button", "textarea", "select", "svg", "math", "img", "video", "audio",
    "source", "track", "picture", "portal", "template", "noscript", "details", "dialog", "x",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcdoc", "srcset"}
SAFE_URL = re.compile(r"^(https?://|[#./a-z0-9_-])", re.IGNORECASE)
UNSAFE_SCHEME = re.compile(r"^\s*(javascript|data|vbscript|file):", re.IGNORECASE)
# The build's own pictures: SVG files it wrote under charts/, shown through <img> (which never runs
# a script); their alternative text is fixed. Any other <img> is live markup.
BUILD_CHART = re.compile(r"^(\.\./)*charts/[a-z0-9/-]+\.svg$")


def _is_build_chart(element) -> bool:
    return element.tag.lower() == "img" and bool(BUILD_CHART.match(element.get("src", ""))) and set(element.attrib) <= {"src", "alt"}


def invisible_controls(text: str) -> set[str]:
    """Characters that reorder or hide text: bidi controls and marks, controls, invisible format
    characters, and the letters and marks that show nothing (Hangul fillers, the combining
    grapheme joiner)."""
    return {ch for ch in text if (unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200c\u200d")
            or any(word in unicodedata.name(ch, "") for word in ("FILLER", "GRAPHEME JOINER"))}


def bidi_controls(text: str) -> set[str]:
    """Characters that change the direction of the text around them: the explicit embeddings,
    overrides and isolates, and the marks LRM, RLM and ALM."""
    return {ch for ch in text if unicodedata.bidirectional(ch) in ("LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI")
            or unicodedata.name(ch, "") in ("LEFT-TO-RIGHT MARK", "RIGHT-TO-LEFT MARK", "ARABIC LETTER MARK")}


def load_vectors() -> list[str]:
    """The injection corpus: one vector per record, records separated by a line '%%'."""
    text = (INJECTION_DIR / "vectors.txt").read_text(encoding="utf-8")
    return [record.strip("\n") for record in text.split("\n%%\n") if record.strip()]


def site_markdown_extensions() -> list:
    """The Markdown extensions mkdocs.yml turns on, so that unit tests see what the site sees."""
    config = yaml.load(MKDOCS_YML.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    return [next(iter(e)) if isinstance(e, dict) else e for e in config.get("markdown_extensions", [])]


def page_to_html(page_markdown: str) -> str:
    """A generated page (front matter and Markdown) as the site's Markdown engine makes it HTML."""
    body = page_markdown.split("\n---\n", 1)[1] if page_markdown.startswith("---\n") else page_markdown
    return markdown.markdown(body, extensions=site_markdown_extensions())


_MARKDOWN_HEADING = re.compile(r"^#{1,6} .*$", re.MULTILINE)
_HTML_HEADING = re.compile(r"<h[1-6] id=\"[^\"]*\">[^<]*</h[1-6]>")


def set_aside_by_markdown(page_markdown: str) -> bool:
    """Whether the site's Markdown engine passes every part of the page but its headings as is.

    That is the rendering path's promise: content reaches Markdown only inside raw HTML blocks,
    so Markdown, its extensions and its link pattern never rewrite a byte of it.
    """
    body = page_markdown.split("\n---\n", 1)[1] if page_markdown.startswith("---\n") else page_markdown
    html = page_to_html(page_markdown)
    return _HTML_HEADING.sub("", html).split() == _MARKDOWN_HEADING.sub("", body).split()


def live_markup(html: str, allowed_elements: frozenset[str] = frozenset()) -> list[str]:
    """Everything in ``html`` that could act: live elements, event handlers, unsafe URLs."""
    if not html.strip():
        return []
    root = lxml.html.fromstring(f"<div>{html}</div>")
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            if isinstance(element, lxml.html.HtmlComment):
                found.append(f"comment {element.text!r}")
            continue
        tag = element.tag.lower()
        if tag in LIVE_ELEMENTS and tag not in allowed_elements and not _is_build_chart(element):
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on") or name == "style":
                found.append(f"<{tag} {name}>")
            elif name in URL_ATTRIBUTES and (UNSAFE_SCHEME.match(value) or not SAFE_URL.match(value.strip() or "#")):
                found.append(f"<{tag} {name}={value!r}>")
    return found


def visible_text(html: str) -> str:
    """The text a reader sees, white space folded."""
    if not html.strip():
        return ""
    return " ".join(lxml.html.fromstring(f"<div>{html}</div>").text_content().split())


def front_matter(page_markdown: str) -> dict:
    return yaml.safe_load(page_markdown.split("---\n", 2)[1])


# -- a content folder in which every value is hostile, and built sites to compare --------
REPO = Path(__file__).resolve().parent.parent
SAMPLE_CONTENT = REPO / "content"
PROSE = (
    "The regional council said on Tuesday that the reconstruction of the bridge would take at least "
    "two more years, and that the cost had risen because of the price of steel and labour."
)


def _html_capture(vector: str) -> str:
    return (
        f"<html><head><title>{vector}</title><meta property=\"og:title\" content=\"{vector}\">"
        f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\"><script>window.__pwned=1</script>"
        f"<link rel=\"canonical\" href=\"javascript:alert(1)\"></head><body><h1>{vector}</h1>"
        f"<p>{PROSE} {vector}</p><p>{PROSE}</p><p>{vector} {PROSE}</p><p>{PROSE}</p></body></html>"
    )


def write_hostile_content(root: Path) -> Path:
    """content/ with every vector in a title, a body and each free-text field editors write."""
    articles = root / "articles"
    articles.mkdir(parents=True)
    vectors = load_vectors()
    outlets = {}
    for n, vector in enumerate(vectors):
        (articles / f"v{n:03d}-page.html").write_text(_html_capture(vector), encoding="utf-8")
        (articles / f"v{n:03d}-copied.txt").write_text(f"{vector}\n\n{PROSE} {vector}\n\n{PROSE}\n\n{vector}\n", encoding="utf-8")
        (articles / f"v{n:03d}-saved.md").write_text(f"# {vector}\n\n{PROSE}\n\n{vector}\n\n{PROSE} {vector}\n", encoding="utf-8")
        sidecar = {
            "title": vector, "subtitle": vector, "byline": vector, "summary": f"{vector}\n\n*{vector}*",
            "reviewer": vector, "tags": [vector, "plain"], "outlet": f"outlet-{n % 10}" if n % 2 else vector,
            "published": f"2020-01-{1 + n % 28:02d}", "url": f"https://example.org/a{n}?q=)](javascript:alert(1))",
            "archived_url": f"https://web.archive.example/{n}/https://example.org/a{n}?q=)](javascript:alert(1))",
            "archived": "2020-02-01", "provenance": {"source": vector, "retrieved": "2020-01-31T00:00:00Z", "sha256": "0" * 64},
        }
        (articles / f"v{n:03d}-copied.yml").write_text(yaml.safe_dump(sidecar, allow_unicode=True), encoding="utf-8")
        (articles / f"v{n:03d}-saved.yml").write_text(yaml.safe_dump({"url": "javascript:alert(1)"}), encoding="utf-8")
        outlets[f"outlet-{n % 10}"] = {
            "name": vector, "domains": [vector], "rating": "low", "ownership": vector, "stance": vector,
            "note": f"{vector}\n\n[link](https://example.org/{n})", "sources": [{"title": vector, "url": f"https://example.org/s{n}"}],
            "hints": [vector],
        }
    outlets["outlet-js"] = {"name": "Scripted", "sources": [{"title": "x", "url": "javascript:alert(1)"}]}
    (root / "outlets.yml").write_text(yaml.safe_dump(outlets, allow_unicode=True), encoding="utf-8")
    digest = {"title": "</title><script>window.__pwned=1;alert(1)</script>{{ 7*7 }}", "description": "\n\n".join(vectors)}
    (root / "digest.yml").write_text(yaml.safe_dump(digest, allow_unicode=True), encoding="utf-8")
    return root


def build_site(content: Path, into: Path, config_file: Path = MKDOCS_YML) -> Path:
    """Build ``content`` with the real command once per test session; returns the site folder."""
    site = into / "site"
    if not (site / "index.html").exists():
        digest = Path(sys.executable).with_name("digest")
        command = [str(digest), "build", "--content", str(content), "--site-dir", str(site), "--cache-dir", str(into / "cache"),
                   "--config-file", str(config_file)]
        result = subprocess.run(command, capture_output=True, text=True, cwd=into)
        assert result.returncode == 0, result.stderr
        (into / "problems.txt").write_text(result.stderr, encoding="utf-8")
    return site


def hostile_and_clean_sites(tmp_path_factory) -> tuple[Path, Path]:
    """The hostile site and the sample site, built once however many test modules ask."""
    base = tmp_path_factory.getbasetemp()
    hostile_dir, clean_dir = base / "security-hostile", base / "security-clean"
    if not (hostile_dir / "content").exists():
        hostile_dir.mkdir(exist_ok=True)
        write_hostile_content(hostile_dir / "content")
    clean_dir.mkdir(exist_ok=True)
    return build_site(hostile_dir / "content", hostile_dir), build_site(SAMPLE_CONTENT, clean_dir)
