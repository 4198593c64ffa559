"""Archive links and the capture's provenance: checked by `digest check`, shown on the article page."""

from __future__ import annotations

import hashlib

import lxml.html
import yaml
from conftest_security import page_to_html

from digest.check import check_content
from digest.pipeline import build_pages

CAPTURE = "Headline\n\n" + "The council said the bridge would take two more years to rebuild, officials said. " * 3
ARCHIVE = "https://web.archive.org/web/20190109000000/https://wire.example/bridge"


def _content(make_content, **sidecar):
    base = {"title": "Bridge", "outlet": "wire", "published": "2019-01-08", "summary": "S.", "url": "https://wire.example/bridge"}
    return make_content({
        "articles/bridge.txt": CAPTURE,
        "articles/bridge.yml": yaml.safe_dump({**base, **sidecar}),
        "outlets.yml": "wire:\n  name: Wire\n  rating: mixed\n",
    })


def _article_page(content):
    site = build_pages(content)
    return lxml.html.fromstring(page_to_html({page.path: page.markdown for page in site.pages}["articles/bridge.md"]))


def test_an_archived_copy_is_shown_beside_the_live_link_as_wikipedia_does(make_content):
    page = _article_page(_content(make_content, archived_url=ARCHIVE, archived="2019-01-09"))
    meta = page.find_class("article-meta")[0]
    links = [(a.text, a.get("href"), a.get("rel")) for a in meta.iter("a")]
    assert ("Archived", ARCHIVE, "nofollow noopener noreferrer") in links
    assert ("the original", "https://wire.example/bridge", "nofollow noopener noreferrer") in links
    assert "(Archived from the original on 2019-01-09)" in " ".join(meta.text_content().split())


def test_the_page_shows_where_the_capture_came_from_and_whether_its_bytes_are_those_added(make_content):
    digest_of = hashlib.sha256(CAPTURE.encode()).hexdigest()
    provenance = {"source": "https://wire.example/bridge?utm=<x>", "retrieved": "2019-01-09T10:11:12Z", "sha256": digest_of}
    table = _article_page(_content(make_content, provenance=provenance)).find_class("provenance")[0]
    shown = " ".join(table.text_content().split())
    assert "2019-01-09T10:11:12Z" in shown and digest_of in [code.text for code in table.iter("code")]
    assert "matches the checksum recorded" in shown and "utm=<x>" in shown and not table.xpath(".//x")

    changed = _content(make_content, provenance={**provenance, "sha256": "0" * 64})
    assert "does not match" in _article_page(changed).find_class("provenance")[0].text_content()
    errors = [p for p in check_content(changed) if p.severity == "error"]
    sidecar_lines = (changed / "articles" / "bridge.yml").read_text().splitlines()
    assert len(errors) == 1 and "SHA-256 is not the one `digest add` recorded" in errors[0].message
    assert sidecar_lines[errors[0].line - 1].startswith("provenance:")


def test_check_warns_about_an_archive_link_without_its_date_and_the_schema_refuses_other_schemes(make_content):
    messages = [p.message for p in check_content(_content(make_content, archived_url=ARCHIVE))]
    assert any("archived_url without `archived:`" in m for m in messages)
    messages = [p.message for p in check_content(_content(make_content, archived="2019-01-09"))]
    assert any("without `archived_url:`" in m for m in messages)
    problems = check_content(_content(make_content, archived_url="javascript:alert(1)", archived="2019-01-09"))
    assert any(p.severity == "error" and "archived_url" in p.message for p in problems)
