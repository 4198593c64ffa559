"""Where coverage of one story gives different numbers for the same thing.

Outlets that report one event disagree most visibly on numbers: casualties, crowds, sorties.
This finds those disagreements within a story, conservatively, because a false "contradiction"
put beside an article is worse than a missed one.

Two figures count **the same thing** only when all of these hold:

- they are in articles of the same story;
- what each counts is the same phrase, word for word, once lowercased and with plural "-s"
  dropped from each word ("32,000 militants" and "30,000 militant"; not "soldiers" and
  "Russian soldiers", nor "militants killed" against "militants" in another sense the phrase
  does not show);
- they are in the same unit (a percentage only against a percentage, an amount of money only
  against the same currency);
- each article gives one number for that phrase: an article that gives several ("400 militants"
  and "32,000 militants") counts different things under one phrase, so it is left out of the
  comparison for that phrase.

Two such figures **disagree** when the ranges they allow do not overlap. A plain number allows
5% either side (so 10,000 and 10,900 agree, 32,000 and 28,000 do not); "about", "around",
"some", "roughly", "approximately" widen that to 15%; "nearly", "almost" reach up to the
number; "more than", "over", "at least" are open upwards and "fewer than", "under", "up to"
downwards. Vague amounts ("dozens", "hundreds", "thousands") are never compared.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from digest.records import EnrichedArticle, Figure

PLAIN_TOLERANCE = 0.05
APPROXIMATE_TOLERANCE = 0.15
MAX_CONTRADICTING = 5  # reports listed against one claim on an article page

_UNITS = {"$": "USD", "€": "EUR", "£": "GBP"}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
_WORD_VALUES = {
    **{w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                  "fourteen fifteen sixteen seventeen eighteen nineteen".split())},
    **{w: 10 * (i + 2) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())},
}
_APPROXIMATE = ("about", "around", "some", "roughly", "approximately")
_UP_TO_IT = ("nearly", "almost")
_AT_LEAST = ("more than", "over", "at least")
_AT_MOST = ("fewer than", "less than", "under", "up to")
_QUALIFIER = re.compile(r"^(?P<q>more than|fewer than|less than|at least|up to|over|under|nearly|almost|about|around|some|roughly|approximately)\s+", re.I)
_DIGITS = re.compile(r"^(?P<unit>[$€£])?(?P<number>\d[\d,]*(?:\.\d+)?)(?:\s+(?P<scale>[a-z]+))?(?P<percent>%)?$", re.I)


@dataclass(frozen=True)
class Amount:
    """The range of values a reported number allows, and its unit ("" for a count)."""

    low: float
    high: float
    unit: str


@dataclass(frozen=True)
class Report:
    article: EnrichedArticle
    figure: Figure
    amount: Amount


@dataclass(frozen=True)
class Disagreement:
    """Reports of one counted thing whose numbers do not all fit together."""

    counts: str  # what is counted, as the first report words it
    reports: tuple[Report, ...]  # every comparable report of it in the story, in story order


def parse_amount(value: str) -> Amount | None:
    """The range a figure's number allows, or None when it is too vague to compare."""
    text = " ".join(value.lower().split())
    qualifier = ""
    if match := _QUALIFIER.match(text):
        qualifier, text = match["q"], text[match.end():]
    number, unit = _number(text)
    if number is None:
        return None
    if qualifier in _AT_LEAST:
        return Amount(number, math.inf, unit)
    if qualifier in _AT_MOST:
        return Amount(0.0, number, unit)
    if qualifier in _UP_TO_IT:
        return Amount(number * (1 - APPROXIMATE_TOLERANCE), number, unit)
    tolerance = APPROXIMATE_TOLERANCE if qualifier in _APPROXIMATE else PLAIN_TOLERANCE
    return Amount(number * (1 - tolerance), number * (1 + tolerance), unit)


def _number(text: str) -> tuple[float | None, str]:
    if match := _DIGITS.match(text):
        scale = (match["scale"] or "").lower()
        if scale and scale not in _SCALES:
            return None, ""
        unit = "%" if match["percent"] else _UNITS.get(match["unit"] or "", "")
        return float(match["number"].replace(",", "")) * _SCALES.get(scale, 1), unit
    total, current = 0.0, 0.0
    for word in re.split(r"[\s-]+", text):
        if word in _WORD_VALUES:
            current += _WORD_VALUES[word]
        elif word == "hundred" and current:
            current *= 100
        elif word in _SCALES and current and word != "hundred":
            total += current * _SCALES[word]
            current = 0.0
        else:
            return None, ""  # "dozens", "hundreds", "thousands": vague
    return (total + current) or None, ""


def counted_phrase(figure: Figure) -> str:
    """What a figure counts, compared word for word: lowercased, each word without a plural -s."""
    words = figure.counts.lower().split()
    return " ".join(w[:-1] if w.endswith("s") and not w.endswith("ss") and len(w) > 3 else w for w in words)


def comparable_reports(articles: Sequence[EnrichedArticle]) -> dict[tuple[str, str], list[Report]]:
    """Each article's single figure per (counted phrase, unit), grouped across the story."""
    grouped: dict[tuple[str, str], list[Report]] = defaultdict(list)
    for article in articles:
        mine: dict[tuple[str, str], list[Report]] = defaultdict(list)
        for figure in article.figures:
            amount = parse_amount(figure.value)
            phrase = counted_phrase(figure)
            if amount is not None and phrase:
                mine[(phrase, amount.unit)].append(Report(article, figure, amount))
        for key, reports in mine.items():
            if len({(r.amount.low, r.amount.high) for r in reports}) == 1:  # one number for it
                grouped[key].append(reports[0])
    return grouped


def story_disagreements(articles: Sequence[EnrichedArticle]) -> list[Disagreement]:
    """Every counted thing on which two articles of the story give numbers that cannot both hold."""
    found = []
    for (phrase, _), reports in sorted(comparable_reports(articles).items()):
        if len(reports) < 2:
            continue
        if min(r.amount.high for r in reports) < max(r.amount.low for r in reports):
            found.append(Disagreement(reports[0].figure.counts, tuple(reports)))
    return found


def contradicted_claims(disagreements: Iterable[Disagreement]) -> dict[str, list[tuple[Report, list[Report]]]]:
    """For each article of the story, its figures that other coverage contradicts, each with the
    nearest (at most MAX_CONTRADICTING) reports whose numbers cannot hold with it.

    Each disagreement is sorted once, so a story of thousands of articles costs n log n.
    """
    claims: dict[str, list[tuple[Report, list[Report]]]] = defaultdict(list)
    for disagreement in disagreements:
        by_high = sorted(disagreement.reports, key=lambda r: r.amount.high)
        highs = [r.amount.high for r in by_high]
        by_low = sorted(disagreement.reports, key=lambda r: r.amount.low)
        lows = [r.amount.low for r in by_low]
        for claim in disagreement.reports:
            below = by_high[: bisect.bisect_left(highs, claim.amount.low)]  # all wholly below it
            above = by_low[bisect.bisect_right(lows, claim.amount.high):]  # all wholly above it
            against = (below[::-1][:MAX_CONTRADICTING] + above[:MAX_CONTRADICTING])
            against = [r for r in against if r.article.id != claim.article.id][:MAX_CONTRADICTING]
            if against:
                claims[claim.article.id].append((claim, against))
    return dict(claims)
