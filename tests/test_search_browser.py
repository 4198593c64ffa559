"""Search in headless Chromium: the header's box finds the right article, and filters narrow it,
also when the digest is indexed in shards (each article its own, the bound lowered).

Built with the real command and served by a plain static server, as `python3 -m http.server`
would serve it offline. Reuses the browser of the security test (Debian's chromium).
"""

from __future__ import annotations

import json

import functools
import http.server
import threading

import pytest

from conftest_security import MKDOCS_YML, build_site
from test_security_browser import _QuietHandler, browser  # noqa: F401  (the shared headless browser)

pytestmark = pytest.mark.slow  # a browser test: `make test` and CI run it

ARTICLES = {
    "bridge-wire": ("wire", "2019-03-04", "Bridge over the Orontes reopens",
                    "Engineers reopened the Orontes bridge after eleven months of repairs, the governor said."),
    "bridge-daily": ("daily", "2021-06-01", "Orontes bridge closes again",
                     "The Orontes bridge closed again for repairs to its eastern span, residents said."),
    "harvest-daily": ("daily", "2021-07-09", "Wheat harvest falls short",
                      "Farmers in the plain reported a wheat harvest far below last year's, citing drought."),
}
OUTLETS = """
wire: {name: Example Wire, domains: [wire.example], rating: high}
daily: {name: Example Daily, domains: [daily.example], rating: low}
"""


def _serve_digest(root, config_file=MKDOCS_YML):
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (root / "content" / "outlets.yml").write_text(OUTLETS, encoding="utf-8")
    for slug, (outlet, published, title, text) in ARTICLES.items():
        (articles / f"{slug}.txt").write_text(f"{title}\n\n{text}\n", encoding="utf-8")
        (articles / f"{slug}.yml").write_text(f"outlet: {outlet}\npublished: {published}\n", encoding="utf-8")
    site = build_site(root / "content", root, config_file)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return site, server


@pytest.fixture(scope="module")
def served_digest(tmp_path_factory):
    _, server = _serve_digest(tmp_path_factory.mktemp("search"))
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def served_shards(tmp_path_factory):
    """The same digest with a shard bound of one byte: as many shards as articles, each article
    in the one its path's hash names (some may share one)."""
    root = tmp_path_factory.mktemp("search-shards")
    config = root / "mkdocs.yml"
    (root / "docs").mkdir()  # the config's own docs_dir (optional static files), as in a digest
    config.write_text(f"INHERIT: {MKDOCS_YML}\nplugins:\n  - digest:\n      search_shard_bytes: 1\n", encoding="utf-8")
    site, server = _serve_digest(root, config)
    yield site, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def _results(driver, url: str) -> list[str]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, 20).until(seen.presence_of_element_located((By.CSS_SELECTOR, ".digest-search__count")))
    return [link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1] for link in driver.find_elements(By.CSS_SELECTOR, ".digest-search__link")]


def test_the_header_search_finds_the_article_on_every_page(browser, served_digest):  # noqa: F811
    for page in ("", "outlets/", "articles/harvest-daily/"):
        assert _results(browser, f"{served_digest}{page}?q=drought") == ["harvest-daily"], page
    assert sorted(_results(browser, f"{served_digest}?q=orontes")) == ["bridge-daily", "bridge-wire"]


def test_filters_narrow_the_results(browser, served_digest):  # noqa: F811
    assert _results(browser, f"{served_digest}?q=orontes&outlet=Example+Wire") == ["bridge-wire"]
    assert _results(browser, f"{served_digest}?q=orontes&year=2021") == ["bridge-daily"]
    assert _results(browser, f"{served_digest}?q=orontes&rating=Low+reliability") == ["bridge-daily"]
    options = browser.execute_script(
        "return [...document.querySelectorAll('.digest-search__filter')].map(s => s.dataset.filter)")
    assert {"outlet", "rating", "year"} <= set(options)


def _filter_values(driver) -> dict[str, set[str]]:
    return driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('.digest-search__filter')]"
        ".map(s => [s.dataset.filter, [...s.options].slice(1).map(o => o.value)]))")


def test_filters_load_only_when_asked_for(browser, served_digest):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    assert _results(browser, f"{served_digest}?q=drought") == ["harvest-daily"]
    assert _filter_values(browser) == {}
    browser.find_element(By.CSS_SELECTOR, ".digest-search__filter-toggle summary").click()
    WebDriverWait(browser, 20).until(lambda driver: _filter_values(driver).get("year"))
    assert set(_filter_values(browser)["year"]) == {"2019", "2021"}


def test_a_digest_in_shards_finds_and_filters_across_every_shard(browser, served_shards):  # noqa: F811
    site, url = served_shards
    shards = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))["shards"]
    assert shards >= 2
    assert sorted(p.name for p in site.iterdir() if p.name.startswith("pagefind")) == ["pagefind"] + [f"pagefind-{n}" for n in range(1, shards)]
    assert sorted(_results(browser, f"{url}?q=orontes")) == ["bridge-daily", "bridge-wire"]
    assert _results(browser, f"{url}articles/bridge-wire/?q=drought") == ["harvest-daily"]
    assert _results(browser, f"{url}?year=2019") == ["bridge-wire"]  # a value of one shard only
    assert sorted(_results(browser, f"{url}?outlet=Example+Daily")) == ["bridge-daily", "harvest-daily"]
    values = _filter_values(browser)
    assert {name: set(found) for name, found in values.items() if name != "story"} == {
        "outlet": {"Example Wire", "Example Daily"},
        "rating": {"High reliability", "Low reliability"},
        "year": {"2019", "2021"},
    }
