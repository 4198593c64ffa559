"""A whole build of the sample digest, checked the way a reader would use the site."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner

from conftest import REPO, SAMPLE_CONTENT
from digest.cli import main


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("build")
    before = _snapshot(SAMPLE_CONTENT)
    result = CliRunner().invoke(
        main,
        ["build", "--content", str(SAMPLE_CONTENT), "--site-dir", str(tmp / "site"), "--cache-dir", str(tmp / "cache"), "--config-file", str(REPO / "mkdocs.yml")],
    )
    assert result.exit_code == 0, result.output
    assert _snapshot(SAMPLE_CONTENT) == before, "a build must not change content/"
    return tmp / "site"


def _words(text: str) -> str:
    """Words only, so Markdown emphasis and spacing around tags do not matter."""
    return " ".join(re.findall(r"\w+", text))


def _pages(site: Path):
    for path in sorted(site.rglob("*.html")):
        yield path, BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _target(site: Path, page: Path, href: str) -> Path | None:
    """The file an internal link points at, or None for external links."""
    page_url = "/" + str(page.relative_to(site)).replace("index.html", "")
    url = urljoin(page_url, href)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path).lstrip("/")
    target = site / path
    return target / "index.html" if path == "" or path.endswith("/") else target


def test_every_internal_link_resolves(built_site):
    broken = []
    for page, soup in _pages(built_site):
        for tag, attribute in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for element in soup.find_all(tag):
                href = element.get(attribute)
                if not href or href.startswith("#"):
                    continue
                target = _target(built_site, page, href)
                if target is not None and not target.exists():
                    broken.append(f"{page.relative_to(built_site)} -> {href}")
    assert broken == []


def test_each_article_page_has_summary_outlet_note_and_related_links(built_site):
    articles = json.loads((built_site / "data" / "articles.json").read_text())["articles"]
    outlets = yaml.safe_load((SAMPLE_CONTENT / "outlets.yml").read_text())
    assert len(articles) == 5
    for record in articles:
        sidecar = yaml.safe_load((SAMPLE_CONTENT / "articles" / f"{record['id']}.yml").read_text())
        soup = BeautifulSoup((built_site / record["page"] / "index.html").read_text(), "html.parser")
        text = _words(soup.get_text(" "))
        assert _words(sidecar["summary"])[:80] in text, record["id"]
        if sidecar.get("outlet"):
            assert _words(outlets[sidecar["outlet"]]["note"])[:80] in text, record["id"]
            assert (record["outlet"], record["outlet_source"]) == (sidecar["outlet"], "editor")
            assert "Outlet attributed by the digest s editors" in text
        else:
            assert "have not attributed this article to an outlet" in text
        related_heading = soup.find(id="related-coverage")
        related_list = related_heading.find_next("ul")
        assert related_list is not None and related_list.find("a"), f"{record['id']} has no related links"
        assert all(r["reason"] for r in record["related"])


def test_articles_json_and_index_pages(built_site):
    data = json.loads((built_site / "data" / "articles.json").read_text())
    dated = [a["published"] for a in data["articles"] if a["published"]]
    index = BeautifulSoup((built_site / "articles" / "index.html").read_text(), "html.parser").get_text()
    positions = [index.index(date) for date in sorted(dated, reverse=True)]
    assert positions == sorted(positions), "the index lists articles newest first"
    home = BeautifulSoup((built_site / "index.html").read_text(), "html.parser").get_text()
    assert "Low reliability" in home and "Latest articles" in home
    nav = BeautifulSoup((built_site / "index.html").read_text(), "html.parser").select("nav.md-nav--primary a")
    assert not any("/articles/" in (a.get("href") or "") and a.get("href").rstrip("/").count("/") > 1 for a in nav)


def test_unattributed_capture_stays_unattributed(built_site):
    data = json.loads((built_site / "data" / "articles.json").read_text())
    khsham = next(a for a in data["articles"] if a["id"] == "khsham-monument-deir-ez-zor")
    assert khsham["outlet"] is None and khsham["outlet_source"] is None


def test_mkdocs_strict_build_from_the_repository_root(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPO, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert (tmp_path / "site" / "data" / "articles.json").exists()


def test_no_page_loads_a_script_style_or_picture_from_another_host(built_site):
    # A protocol-relative address ("//javascripts/search.js", once made by joining "/" and
    # "/javascripts") names another host; so does any absolute URL. The 404 page, which a host
    # serves for every missing address, is among the pages checked.
    foreign = []
    for page, soup in _pages(built_site):
        for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for element in soup.find_all(tag):
                address = element.get(attribute)
                if tag == "link" and "stylesheet" not in (element.get("rel") or []) and "preload" not in (element.get("rel") or []):
                    continue  # feeds, canonical and alternate links name addresses, they load nothing
                if address and (urlsplit(address).scheme or urlsplit(address).netloc):
                    foreign.append(f"{page.relative_to(built_site)}: <{tag} {attribute}={address}>")
        for element in soup.find_all(attrs={"data-root": True}):
            if urlsplit(element["data-root"]).netloc:
                foreign.append(f"{page.relative_to(built_site)}: data-root={element['data-root']}")
    assert (built_site / "404.html").is_file()
    assert foreign == []


def test_a_small_digest_is_one_search_bundle(built_site):
    """The sample's text is far under a shard's bound: one Pagefind run over the site, as before sharding."""
    assert sorted(p.name for p in built_site.iterdir() if p.name.startswith(("pagefind", ".pagefind"))) == ["pagefind"]
    assert json.loads((built_site / "pagefind" / "shards.json").read_text(encoding="utf-8")) == {"shards": 1}
