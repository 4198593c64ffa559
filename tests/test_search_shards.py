"""Search records and shards: Pagefind indexes the article records the core hands it.

Each indexed page becomes a record (its content and filters, none of the theme) at the path the
engine writes the page to; a large digest's records are dealt into shards of bounded text
(digest/site/search.py), here with the bound lowered so a few small records make several
shards. Pagefind itself runs (it takes well under a second on these records).
"""

from __future__ import annotations

import gzip
import json
import sys
import threading
import time
from pathlib import Path

import pytest

from digest.errors import InputError
from digest.records import Page
from digest.site import search
from digest.site.search import SearchIndexing, deal_shards, index_pages, search_record


def _page(name: str, outlet: str, text: str) -> Page:
    placeholder = f'<div data-digest-fragment="{"0" * 32}-1"></div>'
    return Page(
        path=f"articles/{name}.md",
        body=f"{placeholder}\n\n## Article text\n",
        title=name,
        meta={"title": name},
        fragments=((placeholder, f'<h1 class="article-title">{name}</h1>\n\n<p>{text}</p>'),),
        search_filters=(("outlet", outlet),),
    )


def _pages(pages: dict[str, tuple[str, str]]) -> list[tuple[str, Page]]:
    return [(f"articles/{name}/index.html", _page(name, *value)) for name, value in pages.items()]


def _fragments(bundle: Path) -> list[dict]:
    return [json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
            for path in (bundle / "fragment").glob("*.pf_fragment")]


def test_a_record_holds_the_pages_content_and_filters_and_nothing_of_the_front_matter():
    record = search_record(_page("a1", "Wire", "Orontes bridge reopens"), "en")
    assert record.startswith('<!doctype html><html lang="en">')
    assert '<h1 class="article-title">a1</h1>' in record and "<p>Orontes bridge reopens</p>" in record
    assert "<h2>Article text</h2>" in record
    assert "title: a1" not in record and "data-digest-fragment" not in record
    assert '<span data-pagefind-filter="outlet[data-value]" data-value="Wire"></span>' in record


def test_a_records_title_and_filters_are_escaped():
    page = _page("a1", 'Wire"><script>alert(1)</script>', "text")
    record = search_record(Page(page.path, page.body, "<img src=x onerror=alert(1)>", page.meta, page.fragments, page.search_filters), "en")
    assert "<script>" not in record and "<img" not in record
    assert "<title>&lt;img src=x onerror=alert(1)&gt;</title>" in record


def test_pages_are_dealt_into_as_many_shards_as_the_bound_needs_each_by_its_own_path():
    pages = {f"articles/a{n:05d}/index.html": 100 + (n * 37) % 900 for n in range(6000)}
    shards = deal_shards(pages, 1_200_000)
    assert len(shards) == -(-sum(pages.values()) // 1_200_000) == 3
    assert sorted(page for shard in shards for page in shard) == sorted(pages)
    totals = [sum(pages[p] for p in shard) for shard in shards]
    assert max(totals) < 1.1 * min(totals), "hashing deals thousands of pages evenly"
    assert shards == deal_shards(dict(reversed(pages.items())), 1_200_000)
    edited = {**pages, "articles/a00007/index.html": 5_000}
    assert deal_shards(edited, 1_200_000) == shards, "an edited page moves no page to another shard"
    assert deal_shards(pages, 10**12) == [sorted(pages)]
    assert len(deal_shards({"a": 10, "b": 10}, 1)) <= 2  # never more shards than pages
    assert deal_shards({}, 10_000) == []


def test_records_over_the_bound_are_indexed_in_shards_whose_urls_are_the_site_paths(tmp_path):
    records = _pages({f"a{n}": (f"Outlet {n}", f"Orontes bridge report number {n} " * 40) for n in range(5)})
    site = tmp_path / "site"
    index_pages(records, "en", site, shard_bytes=3_500)
    bundles = sorted(p.name for p in site.iterdir() if p.name.startswith("pagefind"))
    count = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    assert count >= 2 and bundles == ["pagefind"] + [f"pagefind-{n}" for n in range(1, count)]
    fragments = [_fragments(site / bundle) for bundle in bundles]
    assert all(fragments) and sum(map(len, fragments)) == len(records)
    urls = {fragment["url"] for shard in fragments for fragment in shard}
    assert urls == {"/" + path.removesuffix("index.html") for path, _ in records}
    titles = {fragment["meta"]["title"] for shard in fragments for fragment in shard}
    assert titles == {f"a{n}" for n in range(5)}
    assert {tuple(fragment["filters"]["outlet"]) for shard in fragments for fragment in shard} == {(f"Outlet {n}",) for n in range(5)}
    assert [p.name for p in site.iterdir() if not p.name.startswith("pagefind")] == [], "no record is in the site"
    for _ in range(100):  # the records beside the site are removed in the background
        if not list(tmp_path.glob("site.search-records-*")):
            break
        time.sleep(0.1)
    assert not list(tmp_path.glob("site.search-records-*"))


def test_records_within_the_bound_are_one_bundle(tmp_path):
    index_pages(_pages({"a": ("Wire", "Orontes bridge reopens.")}), "en", tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["pagefind"]
    assert json.loads((tmp_path / "pagefind" / "shards.json").read_text(encoding="utf-8")) == {"shards": 1}
    assert [fragment["url"] for fragment in _fragments(tmp_path / "pagefind")] == ["/articles/a/"]


def test_no_records_is_a_count_of_zero_and_no_bundle(tmp_path):
    index_pages([], "en", tmp_path)
    assert [p.name for p in (tmp_path / "pagefind").iterdir()] == ["shards.json"]
    assert json.loads((tmp_path / "pagefind" / "shards.json").read_text(encoding="utf-8")) == {"shards": 0}


def test_a_failing_shard_is_named_when_the_indexing_is_finished(tmp_path, monkeypatch):
    records = _pages({f"a{n}": ("Wire", "Orontes " * 100) for n in range(2)})
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    indexing = SearchIndexing(records, "en", tmp_path, shard_bytes=500)
    with pytest.raises(InputError, match=r"search index: Pagefind could not run \(shard 1 of 2, "):
        indexing.finish()


def test_a_cancelled_indexing_runs_no_further_shard(tmp_path, monkeypatch):
    """A failed build cancels: the shard under way ends, no other starts, no manifest is written."""
    records = _pages({f"a{n}": ("Wire", "Orontes " * 100) for n in range(3)})
    started, release = threading.Event(), threading.Event()
    runs = []

    def pagefind(*arguments, shard=""):
        runs.append(shard)
        started.set()
        release.wait(10)

    monkeypatch.setattr("digest.site.search._pagefind", pagefind)
    indexing = SearchIndexing(records, "en", tmp_path, 500)
    assert started.wait(10)
    threading.Timer(0.2, release.set).start()
    indexing.cancel()
    assert len(runs) == 1 and runs[0].startswith("shard 1 of ")
    assert list(tmp_path.iterdir()) == [], "the records are removed and no manifest is written"


def test_a_page_of_a_file_url_site_is_found_at_its_file(tmp_path):
    """A record is written where the engine writes its page, so Pagefind gives it the page's URL
    whatever the URL style (here use_directory_urls off)."""
    page = _page("a", "Wire", "Orontes bridge reopens.")
    index_pages([("articles/a.html", page), ("index.html", _page("home", "Wire", "Home text."))], "en", tmp_path)
    assert {fragment["url"] for fragment in _fragments(tmp_path / "pagefind")} == {"/articles/a.html", "/"}


def test_a_shard_whose_records_are_unchanged_comes_from_the_cache(tmp_path, monkeypatch):
    """A rebuild after one edited summary indexes only the shard holding it; the bundles are the same."""
    pages = {f"a{n}": ("Wire", f"Orontes bridge report number {n} " * 40) for n in range(12)}
    cache = tmp_path / "cache"
    index_pages(_pages(pages), "en", tmp_path / "cold", 8_000, cache)
    shards = json.loads((tmp_path / "cold" / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    assert shards >= 2
    runs = []
    real = search._pagefind
    monkeypatch.setattr(search, "_pagefind", lambda *arguments, shard="": (runs.append(shard), real(*arguments, shard=shard)))
    index_pages(_pages(pages), "en", tmp_path / "warm", 8_000, cache)
    assert runs == [], "nothing changed: every bundle from the cache"
    assert _tree(tmp_path / "warm") == _tree(tmp_path / "cold")
    index_pages(_pages({**pages, "a3": ("Wire", "An edited summary " * 40)}), "en", tmp_path / "edited", 8_000, cache)
    assert len(runs) == 1, "only the edited record's shard is indexed again"
    urls = {fragment["url"] for n in range(shards) for fragment in _fragments(tmp_path / "edited" / search.bundle_dir(n))}
    assert urls == {f"/articles/a{n}/" for n in range(12)}


def test_a_cache_that_cannot_be_written_still_indexes(tmp_path):
    cache = tmp_path / "cache"
    cache.write_text("a file where the cache folder should be", encoding="utf-8")  # unwritable even for root
    index_pages(_pages({"a": ("Wire", "Orontes bridge reopens.")}), "en", tmp_path / "site", cache_dir=cache)
    assert [fragment["url"] for fragment in _fragments(tmp_path / "site" / "pagefind")] == ["/articles/a/"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
