from pathlib import Path

from digest.cache import NormalizationCache
from digest.records import Capture, NormalizedArticle


def _capture(data: bytes) -> Capture:
    return Capture(slug="a", path=Path("a.txt"), kind="txt", data=data)


def test_unchanged_capture_is_served_from_cache_and_a_changed_one_is_recomputed(tmp_path):
    calls = []

    def compute(text):
        def run():
            calls.append(text)
            return NormalizedArticle(slug="a", paragraphs=(text,), title="T")
        return run

    cache = NormalizationCache(tmp_path)
    first = cache.get_or_compute(_capture(b"one"), compute("one"))
    again = NormalizationCache(tmp_path).get_or_compute(_capture(b"one"), compute("one"))
    assert again == first and calls == ["one"]

    NormalizationCache(tmp_path).get_or_compute(_capture(b"two"), compute("two"))
    assert calls == ["one", "two"]


def test_changed_outlet_hints_invalidate_the_cache(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return NormalizedArticle(slug="a", paragraphs=("p",))

    NormalizationCache(tmp_path).get_or_compute(_capture(b"x"), compute)
    NormalizationCache(tmp_path).get_or_compute(_capture(b"x"), compute, hints=("^Share$",))
    NormalizationCache(tmp_path).get_or_compute(_capture(b"x"), compute, hints=("^Share$",))
    assert len(calls) == 2


def test_a_corrupt_entry_is_recomputed(tmp_path):
    cache = NormalizationCache(tmp_path)
    cache.get_or_compute(_capture(b"x"), lambda: NormalizedArticle(slug="a", paragraphs=("p",)))
    for entry in tmp_path.rglob("*.json"):
        entry.write_text("{not json")
    result = cache.get_or_compute(_capture(b"x"), lambda: NormalizedArticle(slug="a", paragraphs=("q",)))
    assert result.paragraphs == ("q",)
