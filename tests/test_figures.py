"""Figures with what they count, on made-up reports of one event."""

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from digest.figures import ASCII_CASE_TWINS, AFTER_CHARACTERS, CONTEXT_CHARACTERS, counted_thing, extract_figures, sentence_around
from digest.records import Figure


def pairs(*paragraphs):
    return [(f.value, f.counts) for f in extract_figures(paragraphs)]


def test_numbers_with_what_they_count_and_their_qualifiers():
    text = ("The general said 32,000 militants were killed. Planes flew 6,956 sorties and helicopters, "
            "more than 7,000 sorties; more than 67,000 square kilometers of territory and 78 oil and gas fields were retaken.")
    assert pairs(text) == [
        ("32,000", "militants"), ("6,956", "sorties"), ("more than 7,000", "sorties"),
        ("more than 67,000", "square kilometers of territory"), ("78", "oil and gas fields"),
    ]


def test_number_words_money_and_percentages():
    assert pairs("More than ten thousand townspeople gathered.") == [("More than ten thousand", "townspeople")]
    assert pairs("The bank takes a $5 billion charge.") == [("$5 billion", "charge")]
    assert pairs("Turnout was 40% of voters.") == [("40%", "voters")]


def test_dates_years_times_and_durations_are_not_figures():
    text = "On Dec. 11, 2017 at 5:52 p.m., after two years and 227 days, in 2016, on 4 December, 3 ships sank"
    assert pairs(text) == []  # "4 December, 3 ships": a number this close to a month is taken for a date
    assert pairs("In 2016, 3 ships were lost.") == [("3", "ships")]
    assert pairs("Two men spoke.", "He was one of them.") == []


def test_a_phrase_stops_at_verbs_glue_and_line_ends():
    assert pairs("At least 59 people were killed and 527 were injured.") == [("At least 59", "people")]
    assert pairs("394 tanks and more than 12,000 pieces of other military equipment") == [
        ("394", "tanks"), ("more than 12,000", "pieces of other military equipment"),
    ]
    assert pairs("12 Points\nUpvote Downvote") == [("12", "Points")]


def test_context_is_the_sentence_holding_the_figure():
    figure = extract_figures(["Calm returned. Police said 27 people were hurt. The river reopened."])[0]
    assert figure.context == "Police said 27 people were hurt."


def test_counted_things_line_up_across_wordings():
    assert counted_thing(Figure("32,000", "militants", "")) == counted_thing(Figure("over 30,000", "militant", ""))
    assert counted_thing(Figure("12,000", "pieces of equipment", "")) == "piece"


# -- cost: every look around a number reads a bounded window --------------------------------------

REACH = max(2 * CONTEXT_CHARACTERS, AFTER_CHARACTERS)
PIECES = st.sampled_from(["12 soldiers", "3,000 tanks", "more than 40 sorties", ". ", "? ", "! ", "and", "of", "word", "x" * 60, " "])


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=60), st.text(alphabet="ab. ?", min_size=0, max_size=80), st.text(alphabet="cd! ", min_size=0, max_size=80))
def test_what_is_said_about_a_number_depends_only_on_the_text_near_it(middle, far_left, far_right):
    # Text (with no numbers of its own) further than the windows from every number cannot change
    # a figure or its sentence, so a paragraph of a hundred thousand numbers costs linear time (a
    # capture of 2 MB of such numbers once stalled a build for hours).
    core = " ".join(middle)
    pad = "z" * (REACH + 5)
    one = extract_figures(["p. " + pad + " " + core + " " + pad + " q"])
    other = extract_figures([far_left + pad + " " + core + " " + pad + far_right])
    assert one == other


def test_a_sentence_longer_than_the_windows_is_cut_around_the_mention():
    paragraph = "word " * 1000 + "32 tanks" + " word" * 1000
    start = paragraph.index("32")
    shown = sentence_around(paragraph, start, start + 8)
    assert shown.startswith("…") and shown.endswith("…") and "32 tanks" in shown
    assert len(shown) <= CONTEXT_CHARACTERS + 2


def test_only_the_known_twins_match_ascii_letters_ignoring_case():
    """extract_figures skips a paragraph by lower-casing it, which is exact only if no other
    character matches an ASCII letter under IGNORECASE (as the Kelvin sign matches k)."""
    letter = re.compile("[a-z]", re.IGNORECASE)
    twins = {chr(code) for code in range(128, sys.maxunicode + 1) if letter.fullmatch(chr(code))}
    assert twins == set(ASCII_CASE_TWINS)


def test_number_words_are_found_in_any_case():
    assert pairs("FIVE HUNDRED soldiers", "ſeven thouſand people", "Twelve Thousand ships") == [
        ("FIVE HUNDRED", "soldiers"), ("ſeven thouſand", "people"), ("Twelve Thousand", "ships"),
    ]
