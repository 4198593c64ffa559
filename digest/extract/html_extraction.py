"""Find the article and its metadata in a saved HTML page.

trafilatura finds the text, with the options of ExtractionSettings; the page's own structure then
checks it (bench/extraction.py cross-validates the settings and prints the folds): leading lines
that repeat the headline go, a JSON-LD articleBody of plausible length stands for the text, and
(a setting the folds leave off) the element the page marks as its article body can bound it. The fields come
from the page's own metadata (Open Graph, schema.org, <meta> and <link> tags), read from the same
parsed tree, which costs far less than trafilatura's metadata search; htmldate is asked for a date
only when the tags name none.

Everything in the page is hostile input: JSON-LD that does not parse, nests too deeply or has
the wrong types is ignored, and markup or character references inside an articleBody become
plain text.
"""

from __future__ import annotations

import html as html_entities
import json
import re
from dataclasses import dataclass

import htmldate
import lxml.etree
import lxml.html
import trafilatura

from digest.extract.article_fields import ArticleParts, parse_date
from digest.extract.settings import DEFAULT_SETTINGS, ExtractionSettings, TrafilaturaOptions

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,60}$")
_BARE_ADDRESS = re.compile(r"^\S+://\S+$")
_MARKUP = re.compile(r"</?[A-Za-z][^>]*>")
_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "body")
_LEADING_LINES = 3  # headline, dek and a repeated headline at most
_JSON_DEPTH = 4  # how deep an articleBody may sit in a JSON-LD block (@graph, mainEntity, a list)
MAX_ELEMENTS_IN_PARAGRAPH = 500  # more than any article's paragraph or table row holds (see trafilatura_text)
# Comments and processing instructions are not text; left in the tree, a comment inside a
# paragraph makes trafilatura lose the rest of it (one development page lost half its article).
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)


@dataclass(frozen=True)
class PageStructure:
    """What the page says about its own article, as word keys (casefolded \\w+ words joined by
    spaces) where it is compared with trafilatura's lines."""

    headlines: frozenset[str] = frozenset()
    descriptions: frozenset[str] = frozenset()
    marked_body: str = ""  # the text of the elements marked as the article body
    structured_bodies: tuple[str, ...] = ()  # JSON-LD articleBody values, as plain text


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.fromstring(html, parser=_PARSER)
    except (ValueError, lxml.etree.ParserError):
        return None


def read_html_page(html: str, settings: ExtractionSettings = DEFAULT_SETTINGS) -> ArticleParts:
    tree = parse_html(html)
    if tree is None:
        return ArticleParts(paragraphs=())
    items = _json_ld_items(tree)
    fields = _metadata(tree, items)
    structure = page_structure(tree, items)
    text = trafilatura_text(tree, settings.trafilatura)
    paragraphs = article_paragraphs(text, structure, settings)
    title = fields["title"]
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    return ArticleParts(
        paragraphs=tuple(paragraphs),
        title=title,
        subtitle=_dek(fields["description"], paragraphs),
        published=fields["published"],
        byline=fields["byline"],
        url=fields["url"],
        site_name=fields["site_name"],
        language=fields["language"],
    )


def trafilatura_text(tree: lxml.html.HtmlElement, options: TrafilaturaOptions) -> str:
    """trafilatura's text of the tree, exactly as the page wrote it.

    trafilatura decodes character references in the text it returns (xml.xmltotxt), although
    the parsed tree's text is decoded already: a page that shows "&#60;script&#62;" would read
    "<script>", and "Smith&para" would read "Smith¶". Every "&" in the tree's text is written as
    "&amp;" first, which that decoding turns back exactly. The tree is trafilatura's afterwards
    (it prunes what it is given); the caller has read what it needs from it.

    trafilatura's time grows with the square of the elements inside one paragraph or table row
    (a paragraph of 40,000 <b> tags took two minutes, a row of 40,000 cells seven seconds and
    growing): a paragraph or row holding more elements than any article's keeps its text and
    loses its tags.
    """
    for paragraph in tree.iter("p", "tr"):
        if len(paragraph.xpath(".//*")) > MAX_ELEMENTS_IN_PARAGRAPH:
            text = paragraph.text_content()  # linear; lxml's strip_tags merges text nodes in quadratic time
            for child in list(paragraph):
                paragraph.remove(child)
            paragraph.text = text
    for element in tree.iter():
        if element.text and "&" in element.text:
            element.text = element.text.replace("&", "&amp;")
        if element.tail and "&" in element.tail:
            element.tail = element.tail.replace("&", "&amp;")
    return trafilatura.extract(tree, **options.as_arguments()) or ""


def article_paragraphs(text: str, structure: PageStructure, settings: ExtractionSettings = DEFAULT_SETTINGS) -> list[str]:
    """trafilatura's text checked against the page's structure, as the settings ask."""
    paragraphs = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    paragraphs = [paragraph for paragraph in paragraphs if paragraph]
    if settings.leading_headlines or settings.leading_dek:
        paragraphs = _without_leading_headlines(paragraphs, structure, settings)
    if settings.marked_body_share is not None and structure.marked_body:
        marked = f" {structure.marked_body} "
        inside = [paragraph for paragraph in paragraphs if f" {_key(paragraph)} " in marked]
        if _word_count(inside) >= settings.marked_body_share * _word_count(paragraphs) and inside:
            paragraphs = inside
    if settings.structured_body is not None:
        low, high = settings.structured_body
        words = _word_count(paragraphs)
        for body in structure.structured_bodies:
            lines = [_SPACE.sub(" ", line).strip() for line in body.split("\n")]
            lines = [line for line in lines if line]
            if words and low * words <= _word_count(lines) <= high * words:
                return _without_leading_headlines(lines, structure, settings)
    return paragraphs


def _without_leading_headlines(paragraphs: list[str], structure: PageStructure, settings: ExtractionSettings) -> list[str]:
    start = 0
    while start < min(len(paragraphs), _LEADING_LINES):
        paragraph = paragraphs[start]
        key = _key(paragraph)
        if not (
            (settings.leading_headlines and (key in structure.headlines or _BARE_ADDRESS.match(paragraph)))
            or (settings.leading_dek and key in structure.descriptions)
        ):
            break
        start += 1
    return paragraphs[start:]


def page_structure(tree: lxml.html.HtmlElement, items: list[dict] | None = None) -> PageStructure:
    """Read before trafilatura runs, on the same tree."""
    items = _json_ld_items(tree) if items is None else items
    headlines, descriptions = set(), set()
    for element in tree.iter("meta"):
        name = (element.get("property") or element.get("name") or "").lower()
        content = element.get("content") or ""
        if name in ("og:title", "twitter:title", "title"):
            headlines.add(_key(content))
        elif name in ("og:description", "twitter:description", "description"):
            descriptions.add(_key(content))
    for tag in ("h1", "title"):
        for element in tree.iter(tag):
            headlines.add(_key(element.text_content()))
    headlines.update(_key(item["headline"]) for item in items if isinstance(item.get("headline"), str))
    marked = tree.xpath('//*[@itemprop="articleBody" or @property="articleBody"]')
    bodies = tuple(dict.fromkeys(filter(None, (_plain_text(body) for body in _article_bodies(items)))))
    return PageStructure(
        headlines=frozenset(headlines - {""}),
        descriptions=frozenset(descriptions - {""}),
        marked_body=" | ".join(filter(None, (_key(element.text_content()) for element in marked))),
        structured_bodies=bodies,
    )


def _key(text: str) -> str:
    return " ".join(word.casefold() for word in _WORD.findall(text))


def _word_count(lines: list[str]) -> int:
    return sum(len(_WORD.findall(line)) for line in lines)


def _json_ld_items(tree: lxml.html.HtmlElement) -> list[dict]:
    """The objects of the page's JSON-LD blocks: each block's object or list of objects, and the
    members of their @graph. Blocks that do not parse are skipped."""
    items: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "", strict=False)  # raw control characters are common
        except (ValueError, RecursionError):
            continue
        for entry in data if isinstance(data, list) else [data]:
            if not isinstance(entry, dict):
                continue
            items.append(entry)
            graph = entry.get("@graph")
            if isinstance(graph, list):
                items.extend(item for item in graph if isinstance(item, dict))
    return items


def _article_bodies(items: list[dict]) -> list[str]:
    """articleBody strings of the JSON-LD objects, looked for a few levels down (mainEntity)."""
    found: list[str] = []

    def visit(value: object, depth: int) -> None:
        if depth > _JSON_DEPTH:
            return
        if isinstance(value, dict):
            body = value.get("articleBody")
            if isinstance(body, str):
                found.append(body)
            for key, inner in value.items():
                if key != "articleBody" and isinstance(inner, (dict, list)):
                    visit(inner, depth + 1)
        elif isinstance(value, list):
            for inner in value:
                visit(inner, depth + 1)

    for item in items:
        visit(item, 0)
    return found


def _plain_text(body: str) -> str:
    """An articleBody as plain text: character references decoded (twice-encoded ones too),
    markup reduced to its text with a line break after each block."""
    for _ in range(2):
        decoded = html_entities.unescape(body)
        if decoded == body:
            break
        body = decoded
    if _MARKUP.search(body):
        try:
            fragment = lxml.html.fragment_fromstring(body, create_parent="div", parser=_PARSER)
        except (ValueError, lxml.etree.ParserError):
            return _MARKUP.sub(" ", body).strip()
        for element in list(fragment.iter("script", "style")):
            element.drop_tree()
        for element in fragment.iter(*_BLOCK_TAGS):
            element.tail = "\n" + (element.tail or "")
        body = fragment.text_content()
    return body.strip()


def _metadata(tree: lxml.html.HtmlElement, items: list[dict]) -> dict[str, str | None]:
    meta = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower()
        content = (element.get("content") or "").strip()
        if key and content:
            meta.setdefault(key, content)
    linked = {" ".join((element.get("rel") or "").lower().split()): element.get("href") for element in tree.iter("link")}
    schema = _schema_org(items)
    title = meta.get("og:title") or meta.get("twitter:title") or schema.get("headline") or _first_text(tree, "h1")
    if not title:
        page_title = _first_text(tree, "title")
        title = _TITLE_SUFFIX.sub("", page_title) if page_title else None
    published = next(
        filter(
            None,
            (
                parse_date(value)
                for value in (
                    meta.get("article:published_time"), schema.get("datePublished"), meta.get("datepublished"),
                    meta.get("date"), meta.get("pubdate"), meta.get("publishdate"), meta.get("dc.date.issued"),
                    meta.get("sailthru.date"), _first_attribute(tree, "time", "datetime"),
                )
                if value
            ),
        ),
        None,
    ) or _date_guessed_by_htmldate(tree)
    author = meta.get("author") or schema.get("author") or meta.get("article:author") or meta.get("byl")
    if author and author.startswith("http"):
        author = None
    return {
        "title": _SPACE.sub(" ", title).strip() if title else None,
        "description": meta.get("og:description") or meta.get("description") or meta.get("twitter:description"),
        "published": published,
        "byline": author,
        "url": linked.get("canonical") or meta.get("og:url"),
        "site_name": meta.get("og:site_name") or meta.get("application-name") or schema.get("publisher"),
        "language": (tree.get("lang") or meta.get("og:locale") or "").replace("_", "-").split("-")[0].lower() or None,
    }


def _date_guessed_by_htmldate(tree: lxml.html.HtmlElement) -> str | None:
    """htmldate asserts on some malformed trees (a lone <svg>); a missing date must not lose the page."""
    try:
        return htmldate.find_date(tree, extensive_search=False, original_date=True)
    except AssertionError:
        return None


def _schema_org(items: list[dict]) -> dict[str, str]:
    """headline, datePublished, author and publisher names from JSON-LD objects."""
    found: dict[str, str] = {}
    for item in items:
        for key in ("headline", "datePublished", "author", "publisher"):
            value = _name_of(item.get(key))
            if value:
                found.setdefault(key, value)
    return found


def _name_of(value: object, nested: bool = False) -> str | None:
    if isinstance(value, list) and not nested:
        names = [_name_of(item, nested=True) for item in value]
        return ", ".join(name for name in names if name) or None
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _first_text(tree: lxml.html.HtmlElement, tag: str) -> str | None:
    for element in tree.iter(tag):
        text = _SPACE.sub(" ", element.text_content()).strip()
        if text:
            return text
    return None


def _first_attribute(tree: lxml.html.HtmlElement, tag: str, attribute: str) -> str | None:
    return next((element.get(attribute) for element in tree.iter(tag) if element.get(attribute)), None)


def _dek(description: str | None, paragraphs: list[str]) -> str | None:
    """A description that only repeats the opening of the article is not a dek."""
    if not description:
        return None
    opening = " ".join(paragraphs[:2])
    return None if description.rstrip(". …")[:60] in opening else description
