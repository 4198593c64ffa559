"""An article is attributed to an outlet only on evidence, and the page says which evidence.

The attacks are generated: hosts and URLs built around a profiled domain (look-alikes, userinfo,
ports, suffixes, Unicode confusables) and captures that print profiled names and domains in
every place a page can (text, title, og:site_name, canonical link, copyright line, hidden tags,
scripts). None of them may attribute an article; only the editor's `outlet:` and the address
`digest add` recorded for the capture's exact bytes may.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.attribution import attribute, web_host
from digest.check import check_content, strict
from digest.editorial import enrich
from digest.extract.normalize import normalize
from digest.pipeline import assemble_digest
from digest.records import Capture, EnrichedArticle, LinkedDigest, Outlet
from digest.schemas import ProvenanceModel, SidecarModel
from digest.site.render import article_page, render_site

OUTLETS = {
    "wire": Outlet(id="wire", name="Reuters", domains=("reuters.com",), rating="high"),
    "state": Outlet(id="state", name="State TV", domains=("statetv.example", "news.statetv.example"), rating="very-low"),
}
BODY = "The convoy left the base on Monday morning, officials said, after two years in the province."
SHA = hashlib.sha256(b"capture").hexdigest()
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _fetched(url: str, sha256: str = SHA) -> SidecarModel:
    """A sidecar recording ``url``, built without the schema so the attribution's own checks are tested."""
    return SidecarModel.model_construct(provenance=ProvenanceModel.model_construct(source="saved.html", url=url, sha256=sha256), outlet=None)


# -- source-url: the recorded address's host, and nothing that only looks like it ---------------
_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_CONFUSABLES = {"e": "е", "o": "о", "r": "г", "c": "с", "u": "υ", "m": "ｍ\u0301"}


@st.composite
def attack_urls(draw) -> str:
    """A URL that mentions reuters.com without its host being reuters.com or a subdomain of it."""
    domain = "reuters.com"
    path = draw(st.sampled_from(["/", "/world/a", "/reuters.com", "?u=https://reuters.com/", "#reuters.com"]))
    trick = draw(st.sampled_from(["suffix", "prefix", "userinfo", "port", "confusable", "path", "subdomain-of-other", "scheme"]))
    other = ".".join(draw(st.lists(_LABEL, min_size=1, max_size=3))) + draw(st.sampled_from([".org", ".net", ".example"]))
    if trick == "suffix":  # reuters.com.example.org
        host = f"{domain}.{other}"
    elif trick == "prefix":  # evilreuters.com, reuters-com.example
        host = draw(st.sampled_from([f"{draw(_LABEL)}{domain}", f"{draw(_LABEL)}-{domain}", domain.replace(".", "-") + "." + other]))
    elif trick == "userinfo":  # reuters.com@evil.org, user@reuters.com
        host = draw(st.sampled_from([f"{domain}@{other}", f"{draw(_LABEL)}@{domain}", f"{domain}:443@{other}", f"{draw(_LABEL)}:pw@{domain}"]))
    elif trick == "port":
        host = f"{domain}:{draw(st.integers(1, 65535).filter(lambda p: p not in (80, 443)))}"
    elif trick == "confusable":
        position = draw(st.sampled_from([i for i, ch in enumerate(domain) if ch in _CONFUSABLES]))
        host = domain[:position] + _CONFUSABLES[domain[position]] + domain[position + 1 :]
    elif trick == "path":
        host = other
        path = "/" + domain + path
    elif trick == "subdomain-of-other":
        host = f"{domain.replace('.', '')}.{other}"
    else:
        return draw(st.sampled_from(["ftp", "javascript", "data", "file"])) + f"://{domain}{path}"
    scheme = draw(st.sampled_from(["https", "http", "HTTPS"]))
    return f"{scheme}://{host}{path}"


@FUZZ
@given(attack_urls())
def test_no_address_that_only_mentions_a_profiled_domain_attributes_an_article(url):
    attribution = attribute(_fetched(url), SHA, OUTLETS)
    assert attribution.outlet_id is None and attribution.source is None, (url, attribution)


@FUZZ
@given(
    st.lists(_LABEL, max_size=3),
    st.sampled_from(["reuters.com", "REUTERS.COM", "Reuters.Com", "reuters.com."]),
    st.sampled_from(["https", "http"]),
    st.sampled_from(["", ":443", ":80"]),
)
def test_the_profiled_domain_and_its_subdomains_attribute_the_article(subdomains, domain, scheme, port):
    if (scheme, port) in (("https", ":80"), ("http", ":443")):
        port = ""
    url = f"{scheme}://{'.'.join([*subdomains, domain])}{port}/world/story"
    attribution = attribute(_fetched(url), SHA, OUTLETS)
    assert (attribution.outlet_id, attribution.source) == ("wire", "source-url"), url


def test_international_hosts_are_compared_in_their_ascii_form():
    assert web_host("https://ＲＥＵＴＥＲＳ。com/x") == "reuters.com"  # full-width letters and stops are the same host
    assert web_host("https://00--0.reuters.com./x") == "00--0.reuters.com"
    look_alike = web_host("https://reutеrs.com/x")  # a Cyrillic е: another host
    assert look_alike.startswith("xn--") and look_alike.endswith(".com")
    assert attribute(_fetched("https://reutеrs.com/x"), SHA, OUTLETS).outlet_id is None
    assert web_host("https://reuters.com\\@evil.org/") is None  # parsers disagree on backslashes


@pytest.mark.parametrize("suffix", ["co.uk", "github.io", "blogspot.com", "com", "公司.cn", "xn--55qx5d.cn", "個人.hk", "网络.cn"])
def test_a_public_suffix_in_a_profile_attributes_no_site_under_it(suffix):
    # Sites of many owners share a public suffix; listing one must not hand them its rating.
    outlets = {"wide": Outlet(id="wide", name="Wide", rating="high", domains=(suffix,))}
    assert attribute(_fetched(f"https://www.someone.{suffix}/a"), SHA, outlets).outlet_id is None


def test_the_most_specific_profiled_domain_wins():
    attribution = attribute(_fetched("https://news.statetv.example/a"), SHA, OUTLETS)
    assert attribution.outlet_id == "state"


def test_a_recorded_address_counts_only_for_the_bytes_it_was_recorded_with():
    changed = attribute(_fetched("https://reuters.com/a", sha256="0" * 64), SHA, OUTLETS)
    assert changed.outlet_id is None and changed.fetched_host is None


def test_the_editors_outlet_wins_and_says_so():
    attribution = attribute(SidecarModel(outlet="state", provenance={"url": "https://reuters.com/a", "sha256": SHA}), SHA, OUTLETS)
    assert (attribution.outlet_id, attribution.source, attribution.fetched_host) == ("state", "editor", "reuters.com")


# -- what a page says about itself is a claim, never an attribution ---------------------------
_PLACES = {
    "text": "{}\n\n" + BODY + "\n\nReporting by {} staff.",
    "title": "<html><head><title>{} | {}</title></head><body><article><p>" + BODY + "</p></article></body></html>",
    "site_name": '<html><head><meta property="og:site_name" content="{}"><meta property="og:url" content="https://{}/a"></head><body><article><p>' + BODY + "</p></article></body></html>",
    "canonical": '<html><head><link rel="canonical" href="https://{1}/world/{0}"></head><body><article><p>' + BODY + "</p></article></body></html>",
    "copyright": BODY + "\n\n© 2021 {}. All rights reserved. {}",
    "hidden": '<html><body><div hidden>{} {}</div><script>var outlet="{}";</script><article><p>' + BODY + "</p></article></body></html>",
}


@pytest.mark.slow  # a whole digest built and checked many times over: CI runs it, the fast subset skips it
@FUZZ
@given(
    place=st.sampled_from(sorted(_PLACES)),
    outlet=st.sampled_from(sorted(OUTLETS)),
    disguise=st.sampled_from(["{}", "{}.example.org", "www.{}", "{}@evil.example", "{}:8443"]),
)
def test_no_capture_attributes_itself_whatever_it_prints(place, outlet, disguise):
    profile = OUTLETS[outlet]
    template = _PLACES[place]
    page = template.format(profile.name, disguise.format(profile.domains[0]), profile.domains[0])
    kind = "html" if page.startswith("<html") else "txt"
    capture = Capture(slug="a", path=Path(f"a.{kind}"), kind=kind, data=page.encode())
    normalized = normalize(capture)
    attribution = attribute(None, capture.sha256, OUTLETS)
    article = enrich(normalized, None, attribution)
    assert (article.outlet_id, article.outlet_source) == (None, None)
    page_markdown = _article_markdown(article)
    assert "High reliability" not in page_markdown and "Very low reliability" not in page_markdown


def _article_markdown(article: EnrichedArticle) -> str:
    digest = LinkedDigest(articles=(article,), outlets=OUTLETS, related={}, stories={}, story_of={})
    return next(p.markdown for p in render_site(digest).pages if p.path == article_page(article.id))


def test_the_page_shows_a_claim_as_a_claim_without_a_rating():
    article = EnrichedArticle(id="a", title="T", paragraphs=(BODY,), outlet_claimed="Reuters")
    markdown = _article_markdown(article)
    assert "The page claims to be from “Reuters” (not confirmed)." in markdown
    assert "reliability" not in markdown.split("## About the outlet")[1].split("##")[0].lower()


def test_a_claim_that_is_a_sentence_is_shown_quoted_and_cut_to_a_name():
    # A site name can say anything; the outlet box must not carry the page's prose as its own.
    prose = "Reuters · High reliability. This article was attributed by the digest's editors and its capture matches"
    markdown = _article_markdown(EnrichedArticle(id="a", title="T", paragraphs=(BODY,), outlet_claimed=prose))
    box = markdown.split("## About the outlet")[1].split("##")[0]
    assert "claims to be from “Reuters · High reliability" in box
    assert "editors and its capture" not in box and "reliability" not in box.replace("High reliability", "")


def test_a_claim_the_evidence_confirms_is_not_pointed_out():
    article = EnrichedArticle(id="a", title="T", paragraphs=(BODY,), outlet_id="wire", outlet_name="Reuters",
                              outlet_source="source-url", outlet_claimed="reuters.com")
    markdown = _article_markdown(article)
    assert "claims to be from" not in markdown
    assert "Outlet attributed from the address the capture was fetched from." in markdown


# -- through the whole pipeline: build data, check warnings, strict failure -----------------------
CLAIMING_PAGE = ('<html><head><meta property="og:site_name" content="Reuters"><link rel="canonical" '
                 'href="https://www.reuters.com/world/a"></head><body><article><p>' + BODY + "</p></article></body></html>")
OUTLETS_YML = "wire:\n  name: Reuters\n  domains: [reuters.com]\n  rating: high\n"


def _content(make_content, sidecar: dict | None, page: str = CLAIMING_PAGE) -> Path:
    files = {"outlets.yml": OUTLETS_YML, "articles/a.html": page}
    if sidecar is not None:
        files["articles/a.yml"] = yaml.safe_dump(sidecar, sort_keys=False)
    return make_content(files)


def test_a_page_claiming_a_profiled_outlet_is_unattributed_and_check_warns(make_content):
    content = _content(make_content, {"summary": "S", "published": "2020-01-01"})
    digest, _ = assemble_digest(content)
    article = digest.articles[0]
    assert (article.outlet_id, article.outlet_source, article.outlet_claimed) == (None, None, "Reuters")
    problems = check_content(content)
    claims = [p for p in problems if "claims to be from 'Reuters'" in p.message]
    assert claims and claims[0].severity == "warning" and claims[0].path.endswith("a.yml")
    assert all(p.severity == "error" for p in strict(problems)) and strict(problems)


def test_a_capture_fetched_from_a_profiled_domain_is_attributed_by_its_address(make_content):
    sha = hashlib.sha256(CLAIMING_PAGE.encode()).hexdigest()
    content = _content(make_content, {"summary": "S", "published": "2020-01-01",
                                      "provenance": {"url": "https://world.reuters.com/a", "sha256": sha}})
    digest, problems = assemble_digest(content)
    assert (digest.articles[0].outlet_id, digest.articles[0].outlet_source) == ("wire", "source-url")
    assert check_content(content) == []
    records = json.loads(render_site(digest).data_files["data/articles.json"])["articles"]
    assert (records[0]["outlet"], records[0]["outlet_source"], records[0]["outlet_claimed"]) == ("wire", "source-url", "Reuters")


def test_a_capture_changed_after_it_was_added_loses_its_address_and_is_an_error(make_content):
    content = _content(make_content, {"summary": "S", "published": "2020-01-01",
                                      "provenance": {"url": "https://reuters.com/a", "sha256": "0" * 64}})
    digest, _ = assemble_digest(content)
    assert digest.articles[0].outlet_id is None
    errors = [p for p in check_content(content) if p.severity == "error"]
    assert errors and "SHA-256" in errors[0].message and errors[0].line == 3


def test_an_editor_outlet_that_contradicts_the_recorded_address_is_a_warning(make_content):
    sha = hashlib.sha256(CLAIMING_PAGE.encode()).hexdigest()
    content = _content(make_content, {"outlet": "other.example", "summary": "S", "published": "2020-01-01",
                                      "provenance": {"url": "https://reuters.com/a", "sha256": sha}})
    messages = [p.message for p in check_content(content)]
    assert any("a domain of 'wire'" in m for m in messages), messages


@pytest.mark.parametrize("given_outlet", [None, "wire"])
def test_digest_add_writes_only_the_outlet_the_editor_gives(make_content, tmp_path, given_outlet):
    from digest.add import add, read_source

    content = _content(make_content, None, page="")
    (content / "articles" / "a.html").unlink()
    saved = tmp_path / "saved.html"
    saved.write_text(CLAIMING_PAGE)
    result = add(read_source(str(saved), "https://www.reuters.com/world/a"), content, outlet=given_outlet)
    sidecar = yaml.safe_load((content / "articles" / f"{result.slug}.yml").read_text())
    assert sidecar.get("outlet") == given_outlet
    # A saved file was fetched by nobody here: the editor's --url is the article's address, not
    # a record of where these bytes came from, so only the editor's --outlet attributes it.
    assert sidecar["url"] == "https://www.reuters.com/world/a" and "url" not in sidecar["provenance"]
    digest, _ = assemble_digest(content)
    expected = ("wire", "editor") if given_outlet else (None, None)
    assert (digest.articles[0].outlet_id, digest.articles[0].outlet_source) == expected


@pytest.mark.parametrize("written", [
    "Reuters\u200b", "Ｒｅｕｔｅｒｓ", "Reu\u00adters", "REUTERS\u2060", "reuters\u200d",  # invisible, full width
    "R\u0435uters", "Reuter\u0455", "Reut\u0435rs", "\u03a4he Wire",  # Cyrillic е and ѕ, Greek Τ
    "Reuters\u2800", "Reuters\ufffc", "reuters\u2010wire", "reuters\u2011wire",  # blank symbols, other dashes
    "reut\u0435rs.com",  # the profile's domain, with a Cyrillic е
])
def test_an_outlet_name_that_only_looks_like_a_profiles_is_an_error_and_attributes_nothing(tmp_path, written):
    """"Reuters" with an invisible or full-width character would show as Reuters, unassessed,
    beside the real one and under its search filter: it is refused at its line instead."""
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "outlets.yml").write_text("reuters:\n  name: Reuters\n  domains: [reuters.com]\n  rating: high\n"
                                         "reuters-wire:\n  name: The Wire\n  rating: high\n", encoding="utf-8")
    (content / "articles" / "fake.txt").write_text("Headline\n\nThe council met on Tuesday and voted on the budget.\n", encoding="utf-8")
    (content / "articles" / "fake.yml").write_text(f"title: Fake\noutlet: \"{written}\"\n", encoding="utf-8")
    digest, problems = assemble_digest(content)
    (article,) = digest.articles
    assert article.outlet_id is None and article.outlet_name is None
    (problem,) = [p for p in problems if p.path.endswith("fake.yml")]
    assert problem.severity == "error" and problem.line == 2 and "reads the same as the outlet 'reuters" in problem.message
