"""Numbers that disagree within a story: parsed conservatively, shown on story and article pages."""

from __future__ import annotations

import pytest

import lxml.html
from conftest_security import page_to_html

from digest.disagreements import contradicted_claims, counted_phrase, parse_amount, story_disagreements
from digest.records import EnrichedArticle, Figure, LinkedDigest, Story
from digest.site.render import render_site


def _article(id, outlet, *figures):
    return EnrichedArticle(id=id, title=f"Title {id}", paragraphs=("x",), outlet_id=outlet, outlet_name=outlet.upper(),
                           figures=tuple(Figure(value, counts, f"{value} {counts} said.") for value, counts in figures))


@pytest.mark.parametrize("value, low, high", [
    ("32,000", 30_400, 33_600), ("more than ten thousand", 10_000, float("inf")), ("up to 400", 0, 400),
    ("nearly 300", 255, 300), ("1.5 million", 1_425_000, 1_575_000),
])
def test_a_number_allows_a_range_that_its_qualifier_sets(value, low, high):
    amount = parse_amount(value)
    assert amount.low == pytest.approx(low) and amount.high == pytest.approx(high)


@pytest.mark.parametrize("value", ["dozens", "hundreds", "thousands", "several"])
def test_vague_amounts_are_never_compared(value):
    assert parse_amount(value) is None


def test_units_and_phrases_must_match_word_for_word():
    assert parse_amount("12%").unit == "%" and parse_amount("$5 million").unit == "USD" and parse_amount("12").unit == ""
    assert counted_phrase(Figure("1", "Militants", "")) == counted_phrase(Figure("1", "militant", ""))
    assert counted_phrase(Figure("1", "Russian soldiers", "")) != counted_phrase(Figure("1", "soldiers", ""))


def test_only_numbers_that_cannot_both_hold_disagree():
    a = _article("a", "rt", ("32,000", "militants"), ("6,956", "sorties"), ("about 400", "tanks"))
    b = _article("b", "tass", ("28,000", "militants"), ("7,000", "sorties"), ("450", "tanks"))
    c = _article("c", "bbc", ("more than 25,000", "militants"))
    found = story_disagreements([a, b, c])
    assert [d.counts for d in found] == ["militants"]  # 6,956 vs 7,000 and about 400 vs 450 agree
    claims = contradicted_claims(found)
    assert [(claim.article.id, [r.article.id for r in against]) for claim, against in claims["a"]] == [("a", ["b"])]
    assert "c" not in claims  # "more than 25,000" fits both


def test_an_article_giving_several_numbers_for_one_phrase_is_left_out_of_that_comparison():
    a = _article("a", "rt", ("32,000", "militants"), ("400", "militants"))
    b = _article("b", "tass", ("1,000", "militants"))
    assert story_disagreements([a, b]) == []


def test_story_and_article_pages_show_the_disagreement():
    hostile = "militants <script>alert(1)</script>"
    a = _article("a", "rt", ("32,000", hostile))
    b = _article("b", "tass", ("20,000", hostile))
    digest = LinkedDigest(articles=(a, b), outlets={}, related={}, stories={"a": Story("a", "S", ("a", "b"))},
                          story_of={"a": "a", "b": "a"})
    pages = {page.path: page.markdown for page in render_site(digest).pages}
    table = lxml.html.fromstring(page_to_html(pages["stories/a.md"])).find_class("disagreements")[0]
    shown = " ".join(table.text_content().split())
    assert "32,000" in shown and "20,000" in shown and hostile in shown and not table.xpath(".//script")
    listed = lxml.html.fromstring(page_to_html(pages["articles/a.md"])).find_class("contradicted")[0]
    shown = " ".join(listed.text_content().split())
    assert "32,000" in shown and "20,000" in shown
    assert ("Title b", "../b/") in [(a.text, a.get("href")) for a in listed.iter("a")]
    assert lxml.html.fromstring(page_to_html(pages["articles/b.md"])).find_class("contradicted")
