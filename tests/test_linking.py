"""Linking on a small made-up corpus: three events, several outlets, two unrelated pieces."""

from dataclasses import replace

import pytest
from hypothesis import given, strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer, strip_accents_unicode

from digest.linking import DEFAULT_SETTINGS, _candidate_pairs, _folded, link
from digest.records import EditorialOverrides, EnrichedArticle, EntityMention


def article(id, title, text, outlet, published, entities=()):
    return EnrichedArticle(
        id=id, title=title, paragraphs=tuple(text.split("\n")), outlet_id=outlet, outlet_name=outlet,
        published=published, entities=tuple(entities),
    )


def mention(entity_id, name):
    return EntityMention(entity_id, name, "place", name, 0, 0, len(name))


FERRY = "The ferry Nordlys ran aground near Tromso harbour on Tuesday.\nCoastguard divers rescued 84 passengers from the stranded ferry after the hull cracked on rocks."
VOLCANO = "The Katla volcano erupted under the glacier, sending an ash plume over Vik.\nAirlines cancelled flights as volcanic ash drifted across the north Atlantic."
MERGER = "Brightwell Foods agreed to buy the dairy cooperative Lumora for 2 billion.\nShareholders of Lumora must approve the dairy merger, regulators said."

CORPUS = [
    article("ferry-a", "Ferry Nordlys aground off Tromso", FERRY, "Arctic Post", "2024-03-05", [mention("tromso", "Tromso")]),
    article("ferry-b", "Passengers rescued as Nordlys ferry hits rocks", FERRY.replace("Tuesday", "Tuesday night"), "Nordic Wire", "2024-03-05", [mention("tromso", "Tromso")]),
    article("ferry-c", "Tromso ferry grounding: divers saved 84", "Divers of the coastguard saved 84 passengers of the Nordlys ferry.\nThe stranded ferry hull cracked near Tromso harbour.", "Arctic Post", "2024-03-06", [mention("tromso", "Tromso")]),
    article("volcano-a", "Katla volcano erupts under glacier", VOLCANO, "Nordic Wire", "2024-05-01", [mention("vik", "Vik")]),
    article("volcano-b", "Ash from Katla grounds Atlantic flights", VOLCANO.replace("cancelled", "scrapped"), "Island Times", "2024-05-02", [mention("vik", "Vik")]),
    article("merger-a", "Brightwell to buy Lumora dairy", MERGER, "Market Daily", "2024-07-10"),
    article("merger-b", "Lumora dairy merger needs shareholder vote", MERGER.replace("agreed", "has agreed"), "Nordic Wire", "2024-07-11"),
    article("garden", "Pruning roses in spring", "Cut rose stems above an outward bud.\nMulch the roses with compost after pruning.", "Garden Weekly", "2024-03-05"),
    article("chess", "Chess olympiad opens", "Grandmasters from ninety federations sat down for the first round of the chess olympiad.", "Board Games", "2024-09-01"),
]


def ids(links):
    return [link.id for link in links]


def test_every_article_is_in_exactly_one_story_and_events_are_grouped():
    links = link(CORPUS)
    assert set(links.story_of) == {a.id for a in CORPUS}
    members = [a for story in links.stories.values() for a in story.article_ids]
    assert sorted(members) == sorted(a.id for a in CORPUS)
    groups = {frozenset(s.article_ids) for s in links.stories.values()}
    assert groups == {
        frozenset({"ferry-a", "ferry-b", "ferry-c"}), frozenset({"volcano-a", "volcano-b"}),
        frozenset({"merger-a", "merger-b"}), frozenset({"garden"}), frozenset({"chess"}),
    }


def test_story_is_named_after_its_earliest_article():
    story = link(CORPUS).stories["ferry-a"]
    assert story.title == "Ferry Nordlys aground off Tromso"
    assert story.article_ids[-1] == "ferry-c"


def test_same_story_comes_first_and_other_outlets_before_the_same_outlet():
    related = link(CORPUS).related["ferry-a"]
    assert ids(related)[:2] == ["ferry-b", "ferry-c"]  # ferry-c is from Arctic Post too
    assert related[0].reason == "Same story in Nordic Wire; shares Tromso"
    assert related[0].score > 0
    assert len(related) <= 5
    assert "chess" not in ids(related)


def test_reason_without_shared_story_names_entities_then_the_date_then_words():
    harbour = "Tromso harbour reopened after storm damage to the quay."
    pair = [
        article("quay", "Tromso quay reopens", harbour, "Arctic Post", "2024-03-05", [mention("tromso", "Tromso")]),
        article("storm", "Storm damage on the coast", "Storm damage closed roads on the coast.", "Nordic Wire", "2024-03-05"),
        article("roads", "Coast roads closed", "Storm damage closed coast roads again.", "Nordic Wire", "2024-04-01"),
        article("ferry", "Ferry to Tromso", "The ferry to Tromso harbour sails again.", "Nordic Wire", "2024-06-01", [mention("tromso", "Tromso")]),
    ]
    links = link(pair, replace(DEFAULT_SETTINGS, story_threshold=1.0))
    reasons = {(a, r.id): r.reason for a, rs in links.related.items() for r in rs}
    assert reasons[("quay", "ferry")] == "Shares Tromso"
    assert reasons[("quay", "storm")] == "Same event date (2024-03-05)"
    assert reasons[("roads", "storm")].startswith("Similar wording: ")


def test_editors_pin_and_drop_related_links():
    pinned = replace(CORPUS[0], overrides=EditorialOverrides(pin_related=("chess", "unknown-id"), drop_related=("ferry-b",)))
    related = link([pinned, *CORPUS[1:]]).related["ferry-a"]
    assert ids(related)[0] == "chess"
    assert related[0].reason.startswith("Editors' pick")
    assert "ferry-b" not in ids(related)
    assert "unknown-id" not in ids(related)


def test_editors_split_a_story_and_merge_into_another():
    split = replace(CORPUS[2], overrides=EditorialOverrides(split_story=True))
    merged = replace(CORPUS[7], overrides=EditorialOverrides(story="volcano-b"))
    links = link([*CORPUS[:2], split, *CORPUS[3:7], merged, CORPUS[8]])
    assert links.story_of["ferry-c"] == "ferry-c"
    assert links.stories["ferry-a"].article_ids == ("ferry-a", "ferry-b")
    assert links.story_of["garden"] == links.story_of["volcano-a"] == "garden"  # now the earliest
    assert "garden" in ids(links.related["volcano-a"])


def test_editors_name_a_story_of_their_own():
    named = [replace(a, overrides=EditorialOverrides(story="spring-2024")) for a in (CORPUS[7], CORPUS[8])]
    links = link([*CORPUS[:7], *named])
    assert links.stories["spring-2024"].article_ids == ("garden", "chess")


def test_articles_of_stop_words_only_still_link():
    links = link([article("one", "One", "It is what it was.", None, None), article("two", "Two", "It was.", None, None)])
    assert links.related == {"one": (), "two": ()} and len(links.stories) == 2


def test_unattributed_articles_keep_the_paragraphs_they_share():
    shared = "Divers rescued 84 passengers from the stranded Nordlys ferry near Tromso."
    links = link([article("a", "Ferry aground", shared, None, None), article("b", "Ferry rescue", shared, None, None)])
    assert links.story_of["a"] == links.story_of["b"]


def test_empty_and_single_article_digests():
    assert link([]).stories == {}
    single = link(CORPUS[:1])
    assert single.related == {"ferry-a": ()}
    assert single.story_of == {"ferry-a": "ferry-a"}


@pytest.mark.parametrize("max_candidates", [1, 2])
def test_only_a_few_candidates_per_article_are_scored(max_candidates):
    matrix = TfidfVectorizer().fit_transform(a.text for a in CORPUS).tocsr()
    rows, cols = _candidate_pairs(matrix, replace(DEFAULT_SETTINGS, max_candidates=max_candidates))
    assert len(rows) <= len(CORPUS) * max_candidates
    assert all(rows < cols)


def test_a_rebuild_in_the_same_process_links_again_only_when_linking_inputs_change(make_content, tmp_path, monkeypatch):
    import digest.pipeline as pipeline

    calls = []
    real = pipeline.link
    monkeypatch.setattr(pipeline, "link", lambda articles: calls.append(len(articles)) or real(articles))
    monkeypatch.setattr(pipeline, "_last_links", {})
    body = "Headline {n}\n\nThe council of town {n} met and voted on the budget for the harbour, officials said.\n"
    content = make_content({f"articles/a{n}.txt": body.format(n=n) for n in range(3)} | {"articles/a0.yml": "summary: First.\n"})
    cache = tmp_path / "cache"
    first, _ = pipeline.assemble_digest(content, cache)
    (content / "articles" / "a0.yml").write_text("summary: An edited summary.\n")
    edited, _ = pipeline.assemble_digest(content, cache)
    assert calls == [3] and edited.related == first.related
    assert edited.articles[0].summary == "An edited summary."
    (content / "articles" / "a0.yml").write_text("title: A new headline\n")
    pipeline.assemble_digest(content, cache)
    assert calls == [3, 3]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))) | st.sampled_from(["Café DÉJÀ vu …", "ﬁ ½ Ｆｕｌｌ", "İstanbul ǅ ẞ", "\u0301a\u0308"]))
def test_terms_are_folded_as_scikit_learn_folds_them(text):
    """link() hands scikit-learn text already folded; its own lowercase and unicode accent strip are the oracle."""
    assert _folded(text) == strip_accents_unicode(text.lower())
