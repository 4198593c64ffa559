"""Search in shards: a large digest's article pages are indexed in several Pagefind runs.

Pagefind's memory grows with the text it indexes, so the pages are dealt into shards of
bounded text (digest/site/search.py); here the bound is lowered so a few small pages make
several shards. Pagefind itself runs (it takes well under a second on these pages).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from digest.errors import InputError
from digest.site.search import deal_shards, index_site, indexed_text_bytes

PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head><body>
<header>Site chrome that is never indexed {chrome}</header>
<div data-pagefind-body>
<span data-pagefind-filter="outlet[data-value]" data-value="{outlet}"></span>
<h1>{title}</h1><p>{text}</p>
</div></body></html>"""


def _site(root: Path, pages: dict[str, tuple[str, str]]) -> Path:
    """A built site in miniature: article pages (path -> outlet, text) and one page not indexed."""
    for path, (outlet, text) in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(PAGE.format(title=path, chrome="x" * 5000, outlet=outlet, text=text), encoding="utf-8")
    (root / "index.html").write_text("<html><body><h1>Home</h1><p>orontes on the home page</p></body></html>", encoding="utf-8")
    return root


def _fragment_urls(bundle: Path) -> set[str]:
    return {
        json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))["url"]
        for path in (bundle / "fragment").glob("*.pf_fragment")
    }


def test_only_the_text_of_the_indexed_region_counts():
    page = PAGE.format(title="T", chrome="x" * 5000, outlet="Wire", text="orontes  bridge\n\nreopens")
    assert indexed_text_bytes(page.encode()) == len(" Torontes bridge reopens ")  # an estimate: tags go, not replaced by spaces
    assert indexed_text_bytes(b"<html><body><p>orontes</p></body></html>") is None
    # Content cannot write the region's opening tag: it reaches a page escaped.
    assert indexed_text_bytes(b"<p>&lt;div data-pagefind-body&gt;</p>") is None
    assert indexed_text_bytes(b"<p>data-pagefind-body</p>") is None
    assert indexed_text_bytes(b'<main class="x" data-pagefind-body><p>orontes</p></main>') == len("orontes")


def test_pages_are_dealt_into_even_bounded_shards_the_same_way_every_time():
    pages = {f"articles/a{n:03d}/index.html": 100 + (n * 37) % 900 for n in range(200)}
    shards = deal_shards(pages, 10_000)
    assert len(shards) == -(-sum(pages.values()) // 10_000)
    assert sorted(page for shard in shards for page in shard) == sorted(pages)
    largest = max(pages.values())
    assert all(sum(pages[p] for p in shard) <= 10_000 + largest for shard in shards)
    assert shards == deal_shards(dict(reversed(pages.items())), 10_000)
    assert deal_shards(pages, 10**9) == [sorted(pages)]
    assert len(deal_shards(pages, 1)) == len(pages)  # never more shards than pages
    assert deal_shards({}, 10_000) == []


def test_a_digest_over_the_bound_is_indexed_in_shards_whose_urls_are_the_site_paths(tmp_path):
    pages = {f"articles/a{n}/index.html": (f"Outlet {n}", f"Orontes bridge report number {n} " * 40) for n in range(5)}
    site = _site(tmp_path / "site", pages)
    index_site(site, shard_text_bytes=2_500)
    bundles = sorted(p.name for p in site.iterdir() if p.name.startswith("pagefind"))
    count = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    assert count >= 2 and bundles == ["pagefind"] + [f"pagefind-{n}" for n in range(1, count)]
    urls = [_fragment_urls(site / bundle) for bundle in bundles]
    assert all(urls) and sum(map(len, urls)) == len(pages)
    assert set().union(*urls) == {"/" + path.removesuffix("index.html") for path in pages}
    assert not [p for p in site.iterdir() if p.name.startswith(".pagefind-shard")], "the mirrors are removed"


def test_a_digest_within_the_bound_is_one_bundle_over_the_whole_site(tmp_path):
    site = _site(tmp_path / "site", {"articles/a/index.html": ("Wire", "Orontes bridge reopens.")})
    index_site(site)
    assert [p.name for p in site.iterdir() if p.name.startswith("pagefind")] == ["pagefind"]
    assert json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8")) == {"shards": 1}
    assert _fragment_urls(site / "pagefind") == {"/articles/a/"}


def test_a_failing_shard_is_named(tmp_path, monkeypatch):
    site = _site(tmp_path / "site", {f"articles/a{n}/index.html": ("Wire", "Orontes " * 100) for n in range(2)})
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    with pytest.raises(InputError, match=r"search index: Pagefind could not run \(shard 1 of 2, "):
        index_site(site, shard_text_bytes=500)


@pytest.mark.parametrize("quoted", [
    '<link rel="alternate" title="Bad x data-pagefind-body y" href="feed.xml">',
    "<a title='Bad  data-pagefind-body=1 ' href='x'>",
    '<meta content="&lt;div data-pagefind-body&gt;">',
])
def test_an_attribute_value_that_spells_the_marker_is_not_an_indexed_region(quoted):
    page = f"<html><head>{quoted}</head><body><p>Outlet page</p></body></html>".encode()
    assert indexed_text_bytes(page) is None
    marked = page.replace(b"<body>", b'<body><div class="md" data-pagefind-body>')
    assert indexed_text_bytes(marked) == len(b"Outlet page")
