"""Property-based tests: for any input, no exception escapes and the output is inert.

Strategies mix arbitrary text and bytes with the injection corpus and with markup fragments, so
that hypothesis explores hostile structure, not only random noise.
"""

from __future__ import annotations

import time
from pathlib import Path

import yaml
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest_security import front_matter, live_markup, load_vectors, page_to_html
from digest.extract.decoding import decode
from digest.errors import InputError
from digest.site.escaping import editor_markdown
from digest.extract.normalize import normalize
from digest.records import Capture, EnrichedArticle, LinkedDigest, NormalizedArticle, Outlet, RelatedLink, Source
from digest.site.render import render_site
from digest.schemas import OutletModel, SidecarModel
from digest.validation import load_and_validate
from digest.yaml_loading import load_yaml_text

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
VECTORS = load_vectors()
FRAGMENTS = [
    "<p>", "</p>", "<div>", "</div>", "<script>", "</script>", "<!--", "-->", "<title>", "</title>", "<h1>",
    "<article>", "<meta property=\"og:title\" content=\"", "\">", "{{", "}}", "[", "](", ")", "!!! ", "--8<-- ",
    "\n\n", "\n", "    ", "# ", "* ", "> ", "|", "&#", "&amp;", "javascript:", "https://example.org/",
    "The ministry said on Monday that its troops had left the city after talks. ",
]

hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(VECTORS),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(VECTORS), st.text(max_size=20)), max_size=30).map("".join),
)
hostile_bytes = st.one_of(
    st.binary(max_size=2000),
    hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.tuples(hostile_text, st.sampled_from(["utf-16", "utf-16-le", "cp1251", "cp1252", "latin-1", "utf-8-sig"])).map(
        lambda pair: pair[0].encode(pair[1], "ignore")
    ),
)


@FUZZ
@given(hostile_bytes)
def test_decoding_returns_text_or_says_why_not(data):
    try:
        text = decode(data)
    except InputError as err:
        assert err.message
        return
    assert isinstance(text, str) and "\x00" not in text


@FUZZ
@given(hostile_bytes, st.sampled_from(["txt", "html", "md"]))
def test_normalizing_any_capture_returns_an_article_or_an_input_error(data, kind):
    try:
        article = normalize(Capture("fuzz", Path(f"fuzz.{kind}"), kind, data), {})
    except InputError as err:
        assert err.message
        return
    assert isinstance(article, NormalizedArticle) and article.paragraphs
    assert all(isinstance(p, str) and p for p in article.paragraphs)


@FUZZ
@given(st.text(max_size=500))
def test_loading_any_yaml_text_returns_data_or_an_input_error(text):
    try:
        load_yaml_text(text)
    except InputError as err:
        assert err.message


yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), hostile_text),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)),
    max_leaves=12,
)
sidecar_keys = st.sampled_from(list(SidecarModel.model_fields) + ["unknown"])


@FUZZ
@given(st.one_of(yaml_values, st.dictionaries(sidecar_keys, yaml_values, max_size=8)))
def test_validating_any_sidecar_reports_problems_and_never_raises(tmp_path_factory, document):
    path = tmp_path_factory.mktemp("sidecar") / "fuzz.yml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    model, problems = load_and_validate(SidecarModel, path)
    assert (model is None) == bool(problems)
    assert all(p.path == str(path) and p.message for p in problems)


@FUZZ
@given(st.dictionaries(st.sampled_from(list(OutletModel.model_fields)), yaml_values, max_size=6))
def test_validating_any_outlet_profile_never_raises(tmp_path_factory, profile):
    path = tmp_path_factory.mktemp("outlets") / "outlets.yml"
    path.write_text(yaml.safe_dump({"evil": profile}, allow_unicode=True), encoding="utf-8")
    load_and_validate(dict[str, OutletModel], path)


@FUZZ
@given(hostile_text)
def test_editors_markdown_is_always_inert(text):
    assert live_markup(page_to_html(str(editor_markdown(text)))) == []


@st.composite
def digests(draw) -> LinkedDigest:
    text = lambda: draw(hostile_text)  # noqa: E731 - a fresh hostile value per field
    outlet = Outlet(id="o", name=text(), domains=(text(),), ownership=text(), stance=text(), note=text(),
                    sources=(Source(text(), text()),), rating=draw(st.sampled_from([None, "low", "high"])))
    articles = tuple(
        EnrichedArticle(id=draw(st.sampled_from(["a", "b", "c"])) + str(n), title=text(), paragraphs=(text(), text()),
                        subtitle=text(), byline=text(), url=text(), outlet_id=draw(st.sampled_from(["o", text(), None])),
                        outlet_name=text(), summary=text(), tags=(text(),), published=draw(st.sampled_from([None, "2024-01-01"])))
        for n in range(draw(st.integers(1, 3)))
    )
    related = {articles[0].id: tuple(RelatedLink(a.id, text()) for a in articles[1:])}
    return LinkedDigest(articles=articles, outlets={"o": outlet}, related=related, stories={}, story_of={},
                        title=text(), description=text())


@pytest.mark.slow  # a whole digest built and checked many times over: CI runs it, the fast subset skips it
@FUZZ
@given(digests())
def test_rendering_any_digest_gives_inert_pages(digest):
    site = render_site(digest)
    for page in site.pages:
        assert live_markup(page_to_html(page.markdown)) == [], page.path
        assert not set("<>&\"'`{}") & set(front_matter(page.markdown)["title"])


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="a()+*?|^$\\1{}[]-.", min_size=1, max_size=30))
def test_any_outlet_hint_runs_in_linear_time_or_is_skipped(hint):
    page = "https://evil.example/news/1\n\nHeadline\n\n" + "a" * 20_000 + "!\n\n" + "The ministry said the troops had left. " * 20
    outlets = {"evil": Outlet(id="evil", name="Evil", domains=("evil.example",), hints=(hint,))}
    started = time.monotonic()
    try:
        normalize(Capture("hint", Path("hint.txt"), "txt", page.encode()), outlets)
    except InputError:
        pass
    assert time.monotonic() - started < 5
