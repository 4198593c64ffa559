"""Citation: the built page read as Zotero reads it, and the CSL-JSON, BibTeX and CSV files."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import lxml.html
import pybtex.database
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from digest.citation import _BIBTEX_SPECIALS, bibtex_entry, byline_people, digest_csv
from digest.cli import main
from digest.records import EnrichedArticle, Provenance
from conftest_security import bidi_controls, invisible_controls
from digest.site.escaping import xml_name

HOSTILE_TITLE = 'Tanks & "drones": {100%} of $5 \\ costs_#1 ~^ </title><script>alert(1)</script>'
CAPTURE = "Wire copy\n\n" + "The council said the bridge would take at least two more years to rebuild, officials said. " * 3


def _build(make_content, tmp_path, sidecar: dict) -> Path:
    content = make_content({
        "articles/bridge.txt": CAPTURE,
        "articles/bridge.yml": yaml.safe_dump(sidecar, allow_unicode=True),
        "outlets.yml": "wire:\n  name: The Wire & Co\n  domains: [wire.example]\n  rating: mixed\n",
    })
    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--content", str(content), "--site-dir", str(site),
                                       "--cache-dir", str(tmp_path / "cache"), "--config-file", str(REPO / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    return site


def zotero_embedded_metadata(html: str) -> dict:
    """What Zotero's Embedded Metadata translator takes from Highwire Press tags: it reads every
    <meta name="citation_*" content>, names case-insensitively, several authors in order."""
    tags: dict[str, list[str]] = {}
    for meta in lxml.html.fromstring(html).iter("meta"):
        name = (meta.get("name") or "").lower()
        if name.startswith("citation_"):
            tags.setdefault(name, []).append(meta.get("content"))
    first = lambda name: (tags.get(name) or [None])[0]  # noqa: E731
    return {
        "title": first("citation_title"),
        "creators": tags.get("citation_author", []),
        "date": first("citation_publication_date") or first("citation_date"),
        "publisher": first("citation_publisher"),
        "url": first("citation_public_url") or first("citation_fulltext_html_url"),
        "publicationTitle": first("citation_journal_title"),
        "language": first("citation_language"),
    }


def test_zotero_reads_the_article_page_as_the_original_article(make_content, tmp_path):
    site = _build(make_content, tmp_path, {
        "title": HOSTILE_TITLE, "outlet": "wire", "published": "2019-01-08",
        "byline": "By Jane Roe and John Doe; Translation by Sam Poe",
        "url": "https://wire.example/2019/01/08/bridge",
    })
    page = (site / "articles" / "bridge" / "index.html").read_text(encoding="utf-8")
    item = zotero_embedded_metadata(page)
    assert item == {
        "title": HOSTILE_TITLE, "creators": ["Jane Roe", "John Doe"], "date": "2019/01/08",
        "publisher": "The Wire & Co", "url": "https://wire.example/2019/01/08/bridge",
        "publicationTitle": None, "language": item["language"],
    }
    head = page.split("</head>")[0]
    assert "<script>alert(1)" not in head  # the title reached <head> only as an encoded attribute value

    # The page's feeds are linked in <head> and exist: the whole digest's and its outlet's.
    document = lxml.html.fromstring(page)
    feeds = [link.get("href") for link in document.iter("link") if link.get("type") == "application/atom+xml" and link.get("rel") == "alternate"]
    assert len(feeds) == 2 and all((site / "articles" / "bridge" / href).resolve().is_file() for href in feeds)

    # The downloads the page links to exist and hold the same citation.
    hrefs = {a.text_content(): a.get("href") for a in document.iter("a")}
    csl = json.loads((site / "articles" / "bridge" / hrefs["CSL-JSON"]).resolve().read_text(encoding="utf-8"))
    assert csl[0]["title"] == HOSTILE_TITLE and csl[0]["author"] == [{"literal": "Jane Roe"}, {"literal": "John Doe"}]
    assert csl[0]["translator"] == [{"literal": "Sam Poe"}] and csl[0]["issued"] == {"date-parts": [[2019, 1, 8]]}
    bib = pybtex.database.parse_string((site / "articles" / "bridge" / hrefs["BibTeX"]).resolve().read_text(encoding="utf-8"), "bibtex")
    assert _unescape(bib.entries["bridge"].fields["title"]) == "{" + HOSTILE_TITLE + "}"

    # The whole digest as CSL-JSON and CSV, beside articles.json.
    whole = json.loads((site / "data" / "articles.csl.json").read_text(encoding="utf-8"))
    assert [item["id"] for item in whole] == ["bridge"] and whole[0]["publisher"] == "The Wire & Co"
    rows = list(csv.DictReader(io.StringIO((site / "data" / "articles.csv").read_text(encoding="utf-8"))))
    assert rows[0]["title"] == HOSTILE_TITLE and rows[0]["rating"] == "mixed" and rows[0]["published"] == "2019-01-08"
    assert "text" not in rows[0]  # metadata only: the data files stay small at 10,000 articles


def test_an_unattributed_undated_article_claims_no_publisher_or_date(make_content, tmp_path):
    site = _build(make_content, tmp_path, {"title": "Plain"})
    item = zotero_embedded_metadata((site / "articles" / "bridge" / "index.html").read_text(encoding="utf-8"))
    assert item["title"] == "Plain" and item["publisher"] is None and item["date"] is None and item["creators"] == []


def _unescape(value: str) -> str:
    """The inverse of the BibTeX escaping, written independently: each escape back to its character."""
    inverse = {escaped: char for char, escaped in _BIBTEX_SPECIALS.items()}
    pattern = re.compile("|".join(re.escape(e) for e in sorted(inverse, key=len, reverse=True)))
    return pattern.sub(lambda m: inverse[m.group(0)], value)


@settings(max_examples=300, deadline=None)
@given(title=st.text(min_size=1, max_size=60).filter(lambda t: xml_name(t)),
       byline=st.text(alphabet=st.characters(blacklist_characters=";,&|"), min_size=1, max_size=30).filter(lambda t: xml_name(t) and " and " not in t.lower()))
def test_bibtex_keeps_any_title_and_name_whole_and_injects_no_field(title, byline):
    article = EnrichedArticle(id="a-1", title=title, paragraphs=("x",), byline=byline, url="https://x.example/{a}%20b",
                              provenance=Provenance(retrieved="2020-01-01T00:00:00Z"))
    entry = pybtex.database.parse_string(bibtex_entry(article, "Outlet } , title = {x"), "bibtex").entries["a-1"]
    assert set(entry.fields) <= {"title", "author", "translator", "howpublished", "organization", "url", "urldate"}
    assert _unescape(entry.fields["title"]) == "{" + xml_name(title) + "}"
    assert _unescape(entry.fields["howpublished"]) == "Outlet } , title = {x"
    assert entry.fields["url"] == "https://x.example/%7Ba%7D%20b"
    authors = byline_people(byline)[0]
    assert [_unescape(str(p)) for p in entry.persons.get("author", [])] == ["{" + xml_name(n) + "}" for n in authors]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_csv_cells_are_kept_and_never_start_a_spreadsheet_formula(value):
    # A cell holds the value as the pages show a name: nothing invisible to hide a formula or
    # reorder the text ("=cmd" behind a zero-width space), and never a formula.
    rows = list(csv.DictReader(io.StringIO(digest_csv([{"id": "a", "title": value}]).decode("utf-8"), newline="")))
    cell = rows[0]["title"]
    shown = xml_name(value)
    assert cell == shown or (cell == "'" + shown and shown[:1] in "=+-@")
    assert not cell.startswith(("=", "+", "-", "@")) and not bidi_controls(cell) and not invisible_controls(cell)


def test_bylines_name_authors_and_translators_apart():
    assert byline_people("Reporting by Abdul Salam Haj Bakri; Translation by Rana Abdul") == (["Abdul Salam Haj Bakri"], ["Rana Abdul"])
    assert byline_people("By Jane Roe, John Doe & Ann Lee") == (["Jane Roe", "John Doe", "Ann Lee"], [])
    assert byline_people("Edited by Max Mustermann") == ([], [])
    assert byline_people(None) == ([], [])


_URL_TAIL = st.lists(st.sampled_from(list("abc/.-_~%#&?=+$!*'();:@,^[]{}\\|`") + ["^^5c", "^^7b", "^^7d", "\\input", "\\write18"]),
                     max_size=20).map("".join)


@settings(max_examples=200, deadline=None)
@given(_URL_TAIL, _URL_TAIL)
def test_no_address_brings_a_tex_command_comment_or_caret_into_a_bibtex_entry(url_tail, archive_tail):
    """Addresses reach a reader's TeX: in ``url`` (read verbatim) nothing may end the field or
    form "^^" (TeX's way to write any character); in the typeset note, nothing may be read as a
    command, a comment or a parameter."""
    article = EnrichedArticle(id="a", title="T", paragraphs=("x",), url="https://example.org/" + url_tail,
                              archived_url="https://web.archive.org/web/2020/" + archive_tail, archived="2020-01-02")
    fields = dict(pybtex.database.parse_string(bibtex_entry(article, None), "bibtex").entries["a"].fields)
    assert not set("{}\\^") & set(fields["url"])
    note = re.sub(r"\\(?:[%#&_$ {}]|text[a-z]+\{\})", "", fields["note"])  # bibtex_escape's escapes
    assert not set("\\{}%#^~$&_") & set(note), fields["note"]
