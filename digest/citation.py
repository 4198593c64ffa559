"""How researchers cite an article: Highwire Press meta tags, CSL-JSON, BibTeX, and the digest as CSV.

Each format is one that reference managers already read: Zotero's browser connector reads the
``citation_*`` meta tags of a page (Google Scholar's Highwire Press convention), Zotero,
Mendeley and pandoc import CSL-JSON, and LaTeX users import BibTeX. The article cited is the
original (its outlet, its date, its address), not the digest's copy of it.

These are pure functions of the article records: the renderer decides where the results go.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable

from digest.records import EnrichedArticle
from digest.site.escaping import xml_name

# Roles a byline may name before "by"; only writers are authors, translators are credited apart.
_WRITER_ROLES = {"", "by", "written by", "reporting by", "reported by", "words by", "story by"}
_TRANSLATOR_ROLES = {"translation by", "translated by", "translated from arabic by", "translated from russian by"}
_ROLE = re.compile(r"^(?P<role>(?:[a-z]+ )*?by)\s+", re.IGNORECASE)
_BYLINE_SEPARATORS = re.compile(r"\s*(?:;|,|&|\band\b|\|)\s*", re.IGNORECASE)

# Characters with a meaning in BibTeX or LaTeX, written so that they print as themselves. Braces
# become commands rather than \{ \}: BibTeX counts every brace, escaped or not, when it looks for
# the end of a value, so one unbalanced "\{" would swallow the rest of the entry.
_BIBTEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_BIBTEX_TABLE = str.maketrans(_BIBTEX_SPECIALS)
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = (
    "id", "title", "subtitle", "outlet", "outlet_name", "rating", "published", "byline", "url",
    "archived_url", "archived", "retrieved_from", "retrieved", "capture_sha256", "story", "page",
    "summary_status",
)


def byline_people(byline: str | None) -> tuple[list[str], list[str]]:
    """The authors and the translators a byline names ("Reporting by A; Translation by B").

    Parts are split at ";", ",", "&", "|" and "and". A part whose role is neither a writer's nor
    a translator's ("Edited by", "Photos by") names nobody to cite.
    """
    authors: list[str] = []
    translators: list[str] = []
    if not byline:
        return authors, translators
    current = authors
    for part in re.split(r"\s*;\s*", " ".join(byline.split())):
        role_match = _ROLE.match(part)
        role = role_match["role"].lower() if role_match else ""
        if role in _WRITER_ROLES:
            current = authors
        elif role in _TRANSLATOR_ROLES:
            current = translators
        else:
            continue
        names = part[role_match.end():] if role_match else part
        current.extend(name for name in _BYLINE_SEPARATORS.split(names) if name)
    return authors, translators


def _date_parts(iso_date: str | None) -> list[int] | None:
    if not iso_date:
        return None
    return [int(piece) for piece in iso_date[:10].split("-")]


def highwire_tags(article: EnrichedArticle, publisher: str | None) -> list[tuple[str, str]]:
    """The ``citation_*`` meta tags (name, content) of an article page, in Highwire Press form.

    ``citation_journal_title`` is left out on purpose: Zotero reads it as the sign of a journal
    article, and these are news pages; the outlet is the publisher.
    """
    tags = [("citation_title", article.title)]
    authors, _ = byline_people(article.byline)
    tags += [("citation_author", name) for name in authors]
    if article.published:
        tags.append(("citation_publication_date", article.published[:10].replace("-", "/")))
    if publisher:
        tags.append(("citation_publisher", publisher))
    if article.url:
        tags.append(("citation_public_url", article.url))
    if article.language:
        tags.append(("citation_language", article.language))
    return tags


def csl_item(article: EnrichedArticle, publisher: str | None, page_url: str | None = None) -> dict:
    """The article as one CSL-JSON item (the format of citeproc, Zotero and pandoc)."""
    authors, translators = byline_people(article.byline)
    item: dict = {"id": article.id, "type": "webpage", "title": article.title}
    if authors:
        item["author"] = [{"literal": name} for name in authors]
    if translators:
        item["translator"] = [{"literal": name} for name in translators]
    if publisher:
        item["container-title"] = publisher
        item["publisher"] = publisher
    if parts := _date_parts(article.published):
        item["issued"] = {"date-parts": [parts]}
    if article.url:
        item["URL"] = article.url
    if parts := _date_parts(article.provenance.retrieved):
        item["accessed"] = {"date-parts": [parts]}
    if article.language:
        item["language"] = article.language
    if article.archived_url:
        item["note"] = f"Archived at {article.archived_url}" + (f" on {article.archived}" if article.archived else "")
    if page_url:
        item["archive_location"] = page_url
    return item


def bibtex_escape(text: str) -> str:
    """Text as a BibTeX value prints it: LaTeX specials escaped, braces always balanced."""
    return xml_name(text).translate(_BIBTEX_TABLE)


def bibtex_entry(article: EnrichedArticle, publisher: str | None) -> str:
    """The article as one BibTeX ``@misc`` entry, with the biblatex fields (date, urldate) too."""
    authors, translators = byline_people(article.byline)
    fields: list[tuple[str, str]] = [("title", "{" + bibtex_escape(article.title) + "}")]
    if authors:
        # Each name in braces: a literal name, never split into first and last by BibTeX.
        fields.append(("author", " and ".join("{" + bibtex_escape(name) + "}" for name in authors)))
    if translators:
        fields.append(("translator", " and ".join("{" + bibtex_escape(name) + "}" for name in translators)))
    if publisher:
        fields.append(("howpublished", bibtex_escape(publisher)))
        fields.append(("organization", bibtex_escape(publisher)))
    if parts := _date_parts(article.published):
        fields.append(("year", str(parts[0])))
        fields.append(("date", article.published[:10]))
    if article.url:
        fields.append(("url", _bibtex_url(article.url)))
    if article.provenance.retrieved:
        fields.append(("urldate", article.provenance.retrieved[:10]))
    if article.archived_url:
        # A note is typeset as text, where \\url cannot read its argument verbatim: the address
        # is escaped as text there, so TeX reads no command, comment or ^^ sequence out of it.
        note = "Archived at " + bibtex_escape(article.archived_url)
        fields.append(("note", note + (f" on {article.archived}" if article.archived else "")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{article.id},\n{body}\n}}\n"


def _bibtex_url(url: str) -> str:
    """A URL as a verbatim BibTeX field holds it: braces (the only characters that could end the
    field), backslashes and carets (TeX reads "^^5c" as a backslash as it reads a line) percent-
    encoded, which leaves the address the same (none of them may stand unencoded in a URL)."""
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C").replace("^", "%5E")


def json_array(items: Iterable[object]) -> bytes:
    """A JSON array with one item a line: as readable in a diff as indented JSON, and encoded by
    json's C encoder, which indentation turns off (a 15 MB articles.json took seconds)."""
    return ("[\n" + ",\n".join(json.dumps(item, ensure_ascii=False) for item in items) + "\n]").encode("utf-8")


def digest_csl_json(items: Iterable[dict]) -> bytes:
    """The whole digest as one CSL-JSON array."""
    return json_array(items)


def _spreadsheet_safe(value: object) -> str:
    """A cell as the pages show its value (one line, no bidi or invisible characters, which
    could reorder a name or hide a formula behind a zero-width space), never a formula."""
    text = "" if value is None else xml_name(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def digest_csv(rows: Iterable[dict[str, object]]) -> bytes:
    """The digest as CSV for spreadsheets, one article a line, the columns of CSV_COLUMNS.

    Values are shown as on the pages' titles and names, and one that a spreadsheet would run as
    a formula is prefixed with an apostrophe, which spreadsheets show as text; articles.json and
    the CSL-JSON keep every value as written.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: _spreadsheet_safe(row.get(column)) for column in CSV_COLUMNS})
    return out.getvalue().encode("utf-8")


def csv_row(article: EnrichedArticle, outlet_name: str | None, rating: str | None, story: str | None,
            page_url: str) -> dict[str, object]:
    """One article's line in data/articles.csv."""
    return {
        "id": article.id, "title": article.title, "subtitle": article.subtitle, "outlet": article.outlet_id,
        "outlet_name": outlet_name, "rating": rating, "published": article.published, "byline": article.byline,
        "url": article.url, "archived_url": article.archived_url, "archived": article.archived,
        "retrieved_from": article.provenance.source, "retrieved": article.provenance.retrieved,
        "capture_sha256": article.provenance.sha256, "story": story, "page": page_url,
        "summary_status": article.summary_status,
    }


