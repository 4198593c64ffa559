"""Search in headless Chromium: the header's box finds the right article, and filters narrow it.

Built with the real command and served by a plain static server, as `python3 -m http.server`
would serve it offline. Reuses the browser of the security test (Debian's chromium).
"""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from conftest_security import build_site
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


@pytest.fixture(scope="module")
def served_digest(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (root / "content" / "outlets.yml").write_text(OUTLETS, encoding="utf-8")
    for slug, (outlet, published, title, text) in ARTICLES.items():
        (articles / f"{slug}.txt").write_text(f"{title}\n\n{text}\n", encoding="utf-8")
        (articles / f"{slug}.yml").write_text(f"outlet: {outlet}\npublished: {published}\n", encoding="utf-8")
    site = build_site(root / "content", root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
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
