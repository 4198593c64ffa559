"""Gazetteer loading, recognition through aliases, and candidate suggestions, on made-up text."""

from pathlib import Path

import yaml

from digest.entities import candidates_yaml, load_gazetteer, recognise, suggest_candidates

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
