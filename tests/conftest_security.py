"""Helpers shared by the security tests: the injection corpus and a judge of live markup.

"Inert" is checked on HTML, the way a browser would meet it: generated Markdown goes through
the same Markdown extensions as the site, and the HTML is searched for anything that could
run, load, redirect or restyle (elements, attributes and URL schemes).
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import markdown
import yaml

INJECTION_DIR = Path(__file__).resolve().parent / "injection"
MKDOCS_YML = Path(__file__).resolve().parent.parent / "mkdocs.yml"

LIVE_ELEMENTS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "link", "meta",
    "base", "form", "input", "button", "textarea", "select", "svg", "math", "img", "video", "audio",
    "source", "track", "picture", "portal", "template", "noscript", "details", "dialog", "x",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcdoc", "srcset"}
SAFE_URL = re.compile(r"^(https?://|[#./a-z0-9_-])", re.IGNORECASE)
UNSAFE_SCHEME = re.compile(r"^\s*(javascript|data|vbscript|file):", re.IGNORECASE)


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
        if tag in LIVE_ELEMENTS and tag not in allowed_elements:
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
