import shutil
from pathlib import Path

import pytest

import digest.cache as cache_module
import digest.pipeline as pipeline
from digest.cache import JsonCache, NormalizationCache
from digest.pipeline import read_articles
from digest.records import Capture, Outlet
from digest.workers import Workers

TEXT = b"Troops arrive in Manbij\n\nRussian military police began patrols near Manbij on Tuesday, residents said.\n"
INLINE = Workers(jobs=1)


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch):
    """Each test starts as a new process would: nothing remembered in memory."""
    monkeypatch.setattr(JsonCache, "_remembered", {})


@pytest.fixture
def normalized_slugs(monkeypatch):
    """The slugs normalization actually ran for (not served from the cache)."""
    calls: list[str] = []
    real = pipeline.normalize

    def counting(capture, *args):
        calls.append(capture.slug)
        return real(capture, *args)

    monkeypatch.setattr(pipeline, "normalize", counting)
    return calls


def _capture(slug: str, data: bytes = TEXT, kind: str = "txt", sidecar: Path | None = None) -> Capture:
    return Capture(slug=slug, path=Path(f"{slug}.{kind}"), kind=kind, data=data, sidecar=sidecar)


def _run(tmp_path, captures, outlets=None):
    cache = NormalizationCache(tmp_path / "cache")
    inputs = read_articles(captures, outlets or {}, cache, INLINE)
    cache.prune()
    return [i.normalized for i in inputs], cache


def test_unchanged_capture_is_served_from_cache_and_a_changed_one_is_recomputed(tmp_path, normalized_slugs):
    first, _ = _run(tmp_path, [_capture("a"), _capture("b", TEXT + b"\nMore.\n")])
    again, _ = _run(tmp_path, [_capture("a"), _capture("b", TEXT + b"\nOther.\n")])
    assert again[0] == first[0]
    assert normalized_slugs == ["a", "b", "b"]


def test_a_new_kind_of_the_same_bytes_is_normalized_again(tmp_path, normalized_slugs):
    _run(tmp_path, [_capture("x", kind="txt")])
    _run(tmp_path, [_capture("x", kind="md")])
    assert normalized_slugs == ["x", "x"]


def _outlet(**changes) -> Outlet:
    fields = dict(id="wire", name="Example Wire", domains=("wire.example",), rating="mixed", note="First note.")
    return Outlet(**{**fields, **changes})


def test_only_what_the_article_depends_on_invalidates_it(tmp_path, normalized_slugs):
    sidecar = tmp_path / "from-wire.yml"
    sidecar.write_text("outlet: wire\n", encoding="utf-8")
    captures = [_capture("from-wire", sidecar=sidecar), _capture("unattributed", TEXT + b"\nMore.\n")]
    _run(tmp_path, captures, {"wire": _outlet()})
    normalized_slugs.clear()

    _run(tmp_path, captures, {"wire": _outlet(note="A rewritten note.", rating="low", sources=())})
    _run(tmp_path, captures, {"wire": _outlet(domains=("wire.example", "wire.example.org"))})
    assert normalized_slugs == []  # a note, a rating or a domain is not read by normalization

    _run(tmp_path, captures, {"wire": _outlet(note="A rewritten note.", hints=("^Share this$",))})
    assert normalized_slugs == ["from-wire"]  # only the article that outlet's hints apply to


def _package_copy(tmp_path, monkeypatch) -> Path:
    package = tmp_path / "pkg" / "digest"
    shutil.copytree(cache_module.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache_module, "PACKAGE_DIR", package)
    monkeypatch.setattr(cache_module, "EXTRACTION_DIR", package / "extract")
    return package


def test_the_fingerprint_follows_the_extraction_code_and_libraries_only(tmp_path, monkeypatch):
    package = _package_copy(tmp_path, monkeypatch)
    fingerprint = cache_module.extraction_fingerprint.__wrapped__
    before = fingerprint()
    (package / "site" / "render.py").write_text("# rendering changed\n", encoding="utf-8")
    (package / "linking.py").write_text("# linking changed\n", encoding="utf-8")
    assert fingerprint() == before

    for changed in (package / "extract" / "text_extraction.py", package / "records.py"):  # records: imported by extract/
        original = changed.read_text(encoding="utf-8")
        changed.write_text(original + "\n# changed\n", encoding="utf-8")
        assert fingerprint() != before, changed.name
        changed.write_text(original, encoding="utf-8")
    assert fingerprint() == before

    real_version = cache_module.metadata.version
    monkeypatch.setattr(cache_module.metadata, "version", lambda name: "0.0" if name == "ftfy" else real_version(name))
    assert fingerprint() != before


def test_entries_no_build_asked_for_are_pruned(tmp_path):
    _run(tmp_path, [_capture("a"), _capture("b", TEXT + b"\nMore.\n")])
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 2
    _, cache = _run(tmp_path, [_capture("a")])
    assert list((tmp_path / "cache").rglob("*.json")) == list(cache._entries._wanted)


def test_a_corrupt_entry_is_recomputed(tmp_path, normalized_slugs):
    first, _ = _run(tmp_path, [_capture("a")])
    for entry in (tmp_path / "cache").rglob("*.json"):
        entry.write_text("{not json")
    JsonCache._remembered.clear()  # a later process
    again, _ = _run(tmp_path, [_capture("a")])
    assert again == first and normalized_slugs == ["a", "a"]


def test_links_are_reused_from_the_cache_by_a_new_process_and_equal_those_computed(tmp_path, monkeypatch):
    from digest.records import EnrichedArticle

    articles = [
        EnrichedArticle(id=f"a{n}", title=f"Patrols near Manbij {n % 2}", published=f"2020-01-0{1 + n}",
                        paragraphs=(f"Russian military police began patrols near Manbij, report {n}.", "Residents said so."))
        for n in range(4)
    ]
    computed = pipeline.link(articles)
    calls = []
    monkeypatch.setattr(pipeline, "link", lambda given: calls.append(1) or computed)
    for _ in range(2):
        monkeypatch.setattr(pipeline, "_last_links", {})
        monkeypatch.setattr(JsonCache, "_remembered", {})
        assert pipeline._link_reusing_last(articles, tmp_path) == computed
    assert calls == [1]
    edited = [articles[0].__class__(**{**articles[0].__dict__, "title": "Another event"}), *articles[1:]]
    monkeypatch.setattr(pipeline, "_last_links", {})
    pipeline._link_reusing_last(edited, tmp_path)
    assert calls == [1, 1]
    assert len(list((tmp_path / "links").glob("*/*.json"))) == 1  # the old links are pruned


def test_figures_are_read_with_the_article_and_come_back_from_the_cache(tmp_path, monkeypatch):
    calls = []
    real = pipeline.extract_figures
    monkeypatch.setattr(pipeline, "extract_figures", lambda paragraphs: calls.append(1) or real(paragraphs))
    text = TEXT + b"\nAbout 300 soldiers took part in the patrols.\n"
    first, _ = _run(tmp_path, [_capture("a", text)])
    JsonCache._remembered.clear()
    again, _ = _run(tmp_path, [_capture("a", text)])
    assert [f.value for f in again[0].figures] == ["About 300"]
    assert again[0].figures == first[0].figures
    assert len(calls) == 1


def test_a_refused_capture_is_remembered_and_a_timed_out_one_is_tried_again(tmp_path, normalized_slugs, monkeypatch):
    empty = _capture("empty", b"\n\n")
    first, cache = _run(tmp_path, [empty])
    JsonCache._remembered.clear()
    inputs = read_articles([empty], {}, NormalizationCache(tmp_path / "cache"), INLINE)
    assert normalized_slugs == ["empty"]
    assert inputs[0].normalized is None and [p.message for p in inputs[0].problems] == ["empty file"]

    def too_slow(capture, *args):
        normalized_slugs.append(capture.slug)
        raise pipeline._OverTimeBudget

    monkeypatch.setattr(pipeline, "normalize", too_slow)
    for _ in range(2):
        JsonCache._remembered.clear()
        read_articles([_capture("slow")], {}, NormalizationCache(tmp_path / "cache"), INLINE)
    assert normalized_slugs == ["empty", "slow", "slow"]
