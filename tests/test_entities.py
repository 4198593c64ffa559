"""Gazetteer loading, recognition through aliases, and candidate suggestions, on made-up text."""

from pathlib import Path

import yaml

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digest.entities import EntityRecogniser, _fold, _is_acronym, _lookup_key, _surfaces, candidates_yaml, load_gazetteer, suggest_candidates
from digest.records import Entity


def recognise(paragraphs, gazetteer):
    return EntityRecogniser(gazetteer)(paragraphs)

GAZETTEER = """\
people:
  - name: Bashar al-Assad
    aliases: [Assad]
places:
  - name: Hmeymim Air Base
    aliases: [Hmeymim, Hemeymim, Khmeimim]
  - name: Latakia
    aliases: [Lattakia]
organisations:
  - name: Islamic State
    aliases: [ISIS, ISIL, IS, Daesh]
"""


def gazetteer(tmp_path: Path, text: str = GAZETTEER):
    path = tmp_path / "entities.yml"
    path.write_text(text, encoding="utf-8")
    return load_gazetteer(path)


def test_missing_file_is_an_empty_gazetteer(tmp_path):
    assert load_gazetteer(tmp_path / "entities.yml") == ({}, [])


def test_entries_get_readable_ids_and_kinds(tmp_path):
    entities, problems = gazetteer(tmp_path)
    assert problems == []
    assert entities["bashar-al-assad"].kind == "person"
    assert entities["hmeymim-air-base"].aliases == ("Hmeymim", "Hemeymim", "Khmeimim")
    assert entities["islamic-state"].kind == "organisation"


def test_bad_yaml_is_a_problem_with_its_line_not_a_traceback(tmp_path):
    entities, problems = gazetteer(tmp_path, "places:\n  - name: Aleppo\n - name: Halab\n")
    assert entities == {}
    assert len(problems) == 1 and problems[0].line == 3 and problems[0].path.endswith("entities.yml")


def test_unknown_keys_and_duplicate_ids_are_reported_where_they_stand(tmp_path):
    entities, problems = gazetteer(tmp_path, "places:\n  - name: Aleppo\n  - name: aleppo\n    id: aleppo\n")
    assert list(entities) == ["aleppo"]
    assert problems[0].line == 3 and "used twice" in problems[0].message
    _, problems = gazetteer(tmp_path, "places:\n  - name: Aleppo\n    alias: [Halab]\n")
    assert problems[0].line == 3 and "aliases" in problems[0].message


def test_transliterations_and_aliases_find_the_first_mention(tmp_path):
    entities, _ = gazetteer(tmp_path)
    paragraphs = ["Jets left the Khmeimim base at dawn.", "Later, Hmeymim was quiet and Lattakia slept."]
    mentions = {m.entity_id: m for m in recognise(paragraphs, entities)}
    base = mentions["hmeymim-air-base"]
    assert (base.surface, base.paragraph, base.start, base.end) == ("Khmeimim", 0, 14, 22)
    assert paragraphs[base.paragraph][base.start : base.end] == base.surface
    assert mentions["latakia"].surface == "Lattakia" and mentions["latakia"].name == "Latakia"


def test_acronyms_keep_their_case_and_words_their_boundaries(tmp_path):
    entities, _ = gazetteer(tmp_path)
    assert recognise(["This is what it is: Thisis, ISthmus, Assadist."], entities) == ()
    mentions = recognise(["Fighters of IS (also ISIL) left; Daesh denied it."], entities)
    assert [(m.entity_id, m.surface) for m in mentions] == [("islamic-state", "IS")]


def test_longest_name_wins_and_hyphens_accents_and_case_are_forgiven(tmp_path):
    entities, _ = gazetteer(tmp_path)
    mentions = recognise(["President BASHAR AL ASSAD spoke; later al-Assad left.", "Hméymim Air-Base"], entities)
    by_id = {m.entity_id: m for m in mentions}
    assert by_id["bashar-al-assad"].surface == "BASHAR AL ASSAD"
    assert by_id["hmeymim-air-base"].surface == "Hméymim Air-Base"


def test_candidates_are_names_several_articles_use_that_the_gazetteer_lacks(tmp_path):
    entities, _ = gazetteer(tmp_path)
    articles = [
        ["Colonel Ivan Petrov inspected Hmeymim. In the city of Tartus, sailors waited."],
        ["Ivan Petrov said the Wagner Group left Tartus province."],
        ["Assad thanked the Wagner Group on Monday."],
    ]
    candidates = {c.name: c for c in suggest_candidates(articles, entities)}
    assert set(candidates) == {"Ivan Petrov", "Tartus", "Wagner Group"}
    assert candidates["Ivan Petrov"].kind == "people"
    assert candidates["Tartus"].kind == "places"
    assert candidates["Wagner Group"].kind == "organisations"
    pasted = yaml.safe_load(candidates_yaml(list(candidates.values())))
    assert pasted["places"] == [{"name": "Tartus"}]
    path = tmp_path / "suggested.yml"
    path.write_text(candidates_yaml(list(candidates.values())), encoding="utf-8")
    loaded, problems = load_gazetteer(path)
    assert problems == [] and "ivan-petrov" in loaded


def test_cli_prints_suggestions_ready_to_paste(tmp_path):
    from click.testing import CliRunner

    from digest.cli import main

    articles = tmp_path / "articles"
    articles.mkdir()
    body = "The visit was short and the weather on the coast was mild, officials said on the day. " * 3
    (articles / "one.txt").write_text(f"{body}\n\nIvan Petrov visited Hmeymim. {body}\n", encoding="utf-8")
    (articles / "two.txt").write_text(f"{body}\n\nIvan Petrov left Hemeymim. {body}\n", encoding="utf-8")
    (tmp_path / "entities.yml").write_text(GAZETTEER, encoding="utf-8")
    result = CliRunner().invoke(main, ["entities", "suggest", "--content", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == {"people": [{"name": "Ivan Petrov"}]}


def _regex_reference(paragraphs, gazetteer):
    """The former recogniser, one regular expression of every alias: the oracle for the automaton.

    One fix: it looked an acronym's match up as written, so "IS  IS" (two spaces) matched the
    alias "IS IS" and was then dropped; here the spaces are folded before the lookup.
    """
    separator = r"[\s\-‐‑–]+"

    def pattern(surface):
        words = [re.escape(w) for w in re.split(separator, surface.strip()) if w]
        body = separator.join(words).replace("'", "['’]").replace("’", "['’]")
        return body if _is_acronym(surface) else f"(?i:{body})"

    entity_of, alternatives = {}, []
    for entity in gazetteer.values():
        for surface in _surfaces(entity):
            folded = _fold(surface)
            entity_of.setdefault(re.sub(separator, " ", folded.strip()).replace("’", "'") if _is_acronym(folded) else _lookup_key(folded), entity)
            alternatives.append(folded)
    alternatives.sort(key=len, reverse=True)
    regex = re.compile(rf"(?<!\w)(?:{'|'.join(pattern(a) for a in dict.fromkeys(alternatives))})(?!\w)")
    found = {}
    for number, paragraph in enumerate(paragraphs):
        for match in regex.finditer(_fold(paragraph)):
            entity = entity_of.get(re.sub(separator, " ", match[0]).replace("’", "'")) or entity_of.get(_lookup_key(match[0]))
            found.setdefault(entity.id, (entity.id, number, match.start(), match.end()))
    return list(found.values())


_WORDS = ["Assad", "al", "Hméymim", "Air", "Base", "IS", "SAA", "Daesh", "Abu", "O’Neil", "is", "base"]


@st.composite
def gazetteers_and_texts(draw):
    aliases = draw(st.lists(
        st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(lambda words: draw(st.sampled_from([" ", "-"])).join(words)),
        min_size=1, max_size=8, unique_by=lambda alias: _lookup_key(alias)))
    gazetteer = {f"e{n}": Entity(id=f"e{n}", name=alias, kind="place") for n, alias in enumerate(aliases)}
    variants = [*aliases, *(a.upper() for a in aliases), *(a.lower() for a in aliases), *(a.replace(" ", "  -") for a in aliases)]
    pieces = st.one_of(st.sampled_from(variants), st.sampled_from([*_WORDS, " ", "  ", "-", " – ", ", ", ". ", "x", "'", "’"]))
    paragraphs = draw(st.lists(st.lists(pieces, max_size=25).map("".join), min_size=1, max_size=3))
    return gazetteer, paragraphs


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gazetteers_and_texts())
def test_the_automaton_finds_what_the_former_regular_expression_found(case):
    gazetteer, paragraphs = case
    found = [(m.entity_id, m.paragraph, m.start, m.end) for m in EntityRecogniser(gazetteer)(paragraphs)]
    assert found == _regex_reference(paragraphs, gazetteer)


def test_recognition_is_cached_per_article_by_gazetteer_and_text(tmp_path, monkeypatch):
    entities, _ = gazetteer(tmp_path)
    paragraphs = ["Jets left Khmeimim."]
    first = EntityRecogniser(entities, tmp_path / "cache")(paragraphs)
    monkeypatch.setattr(EntityRecogniser, "_recognise", lambda self, p: ())
    assert EntityRecogniser(entities, tmp_path / "cache")(paragraphs) == first != ()
    changed = {**entities, "x": Entity(id="x", name="Jets", kind="organisation")}
    assert EntityRecogniser(changed, tmp_path / "cache")(paragraphs) == ()  # another gazetteer: computed again
