"""People, places and organisations: the editors' gazetteer and where articles mention them.

content/entities.yml lists entities by kind, each with the aliases and transliterations
outlets use for it (Hmeymim, Hemeymim, Khmeimim):

    places:
      - name: Hmeymim Air Base
        aliases: [Hmeymim, Hemeymim, Khmeimim]
    organisations:
      - name: Islamic State
        aliases: [ISIS, ISIL, IS, Daesh]

An entity's id is `id:` if given, otherwise its name in lowercase with dashes (bashar-al-assad). An alias written in
capitals (IS, SAA) only matches in capitals, so "IS" never matches "is"; any other name or
alias matches regardless of case, accents, and hyphen or space ("al-Assad", "al Assad").
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import ahocorasick

from digest.cache import JsonCache, recognition_fingerprint
from digest.paths import safe_name
from digest.records import Entity, EntityMention, Problem
from digest.schemas import GazetteerModel
from digest.validation import load_with_positions

GAZETTEER = "entities"  # content/entities.yml (or .yaml)
KINDS = {"people": "person", "places": "place", "organisations": "organisation", "events": "event"}

def load_gazetteer(path: Path | None) -> tuple[dict[str, Entity], list[Problem]]:
    """Entities by id. A missing file is an empty gazetteer; a broken one is reported, not raised."""
    if path is None or not path.exists():
        return {}, []
    model, loaded, problems = load_with_positions(GazetteerModel, path)
    if model is None:
        return {}, problems
    entities: dict[str, Entity] = {}
    claimed: dict[str, str] = {}
    for section, kind in KINDS.items():
        for index, entry in enumerate(getattr(model, section)):
            entity = Entity(id=entry.id or _slug(entry.name), name=entry.name, kind=kind,
                            aliases=tuple(entry.aliases), note=entry.note)
            line, column = loaded.position((section, index))
            if entity.id in entities:
                problems.append(Problem(str(path), f"entity id '{entity.id}' is used twice; give one an id:", "error", line, column))
                continue
            for surface in _surfaces(entity):
                owner = claimed.setdefault(_lookup_key(surface), entity.id)
                if owner != entity.id:
                    problems.append(Problem(str(path), f"'{surface}' names both '{owner}' and '{entity.id}'; it stays with '{owner}'", "warning", line, column))
            entities[entity.id] = entity
    return entities, problems


class EntityRecogniser:
    """Finds gazetteer names in text in time linear in the text, whatever the number of aliases.

    All aliases go into one Aho-Corasick automaton (pyahocorasick) over a canonical form of the
    text: accents folded, case lowered, runs of spaces and hyphens made one space, and ’ made '.
    Each character keeps its offset, so mentions point into the original paragraph. A match
    counts where it starts and ends at word boundaries; an alias in capitals must also match
    case for case; at each position the longest name wins and matches do not overlap, as in
    reading. Different keys ending at one place differ in length, so at most the longest
    alias's length of them end at any character: the work per character has a fixed bound.

    With ``cache_dir``, results are cached per article by the gazetteer's fingerprint and the
    text, so an unchanged article is not matched again.
    """

    def __init__(self, gazetteer: dict[str, Entity], cache_dir: Path | None = None):
        entries: dict[str, list[tuple[Entity, str | None]]] = {}
        for entity in gazetteer.values():
            for surface in _surfaces(entity):
                cased = _canonical(surface.strip(" -‐‑–"))[0]
                if cased.strip():
                    entries.setdefault(_lower(cased), []).append((entity, cased if _is_acronym(cased) else None))
        self.fingerprint = hashlib.sha256(json.dumps(sorted(
            (e.id, e.name, e.kind, list(e.aliases)) for e in gazetteer.values()
        )).encode()).hexdigest()
        self._automaton = ahocorasick.Automaton() if entries else None
        for key, found in entries.items():
            self._automaton.add_word(key, (len(key), tuple(found)))
        if self._automaton is not None:
            self._automaton.make_automaton()
        self._cache = JsonCache(cache_dir, "entities", recognition_fingerprint()) if cache_dir else None

    def __call__(self, paragraphs: Sequence[str]) -> tuple[EntityMention, ...]:
        if self._automaton is None:
            return ()
        if self._cache is None:
            return self._recognise(paragraphs)
        return self._cache.get_or_compute(
            (self.fingerprint, json.dumps(list(paragraphs), ensure_ascii=False)),
            lambda: self._recognise(paragraphs),
            lambda mentions: [dataclasses.astuple(m) for m in mentions],
            lambda rows: tuple(EntityMention(*row) for row in rows),
        )

    def prune(self) -> None:
        """Forget the entries of articles this build did not ask for."""
        if self._cache is not None:
            self._cache.prune()

    def knows(self, name: str) -> bool:
        """Whether ``name`` as a whole is one of the gazetteer's names or aliases."""
        return any(m.start == 0 and m.end == len(name) for m in self._recognise([name]))

    def _recognise(self, paragraphs: Sequence[str]) -> tuple[EntityMention, ...]:
        mentions: dict[str, EntityMention] = {}
        for number, paragraph in enumerate(paragraphs):
            for start, end, entity in self._matches(paragraph):
                if entity.id not in mentions:
                    mentions[entity.id] = EntityMention(
                        entity_id=entity.id, name=entity.name, kind=entity.kind,
                        surface=paragraph[start:end], paragraph=number, start=start, end=end,
                    )
        return tuple(mentions.values())

    def _matches(self, paragraph: str) -> list[tuple[int, int, Entity]]:
        """Leftmost-longest, non-overlapping mentions as (start, end, entity) in paragraph offsets."""
        cased, origin = _canonical(paragraph)
        lowered = _lower(cased)
        longest: dict[int, tuple[int, Entity]] = {}
        for last, (length, found) in self._automaton.iter(lowered):
            start, end = last + 1 - length, last + 1
            if (start and _is_word(lowered[start - 1])) or (end < len(lowered) and _is_word(lowered[end])):
                continue
            entity = next((e for e, exact in found if exact is None or cased[start:end] == exact), None)
            if entity is not None and longest.get(start, (0,))[0] < end:
                longest[start] = (end, entity)
        chosen, cursor = [], 0
        for start in sorted(longest):
            end, entity = longest[start]
            if start >= cursor:
                chosen.append((origin[start], origin[end - 1] + 1, entity))
                cursor = end
        return chosen


_SEPARATORS = re.compile(r"[\s\-‐‑–]+")


def _canonical(text: str) -> tuple[str, list[int]]:
    """``text`` with accents folded, ’ as ', and each run of spaces or hyphens as one space;
    with the offset in ``text`` of each character."""
    folded = _fold(text).replace("’", "'")
    pieces, origin, cursor = [], [], 0
    for run in _SEPARATORS.finditer(folded):
        pieces.append(folded[cursor : run.start()])
        origin.extend(range(cursor, run.start()))
        pieces.append(" ")
        origin.append(run.start())
        cursor = run.end()
    pieces.append(folded[cursor:])
    origin.extend(range(cursor, len(folded)))
    return "".join(pieces), origin


def _lower(text: str) -> str:
    """Lower case, one character for one (a few characters lengthen when lowered; they stay)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _slug(name: str) -> str:
    """"Bashar al-Assad" -> "bashar-al-assad": ids editors can read, and file names as they are."""
    return safe_name(re.sub(r"[^a-z0-9]+", "-", _fold(name).lower()).strip("-") or name)


def _surfaces(entity: Entity) -> list[str]:
    return [s for s in dict.fromkeys((entity.name, *entity.aliases)) if s.strip()]


def _is_acronym(surface: str) -> bool:
    return surface.isupper()


def _lookup_key(surface: str) -> str:
    return re.sub(r"[\s\-‐‑–]+", " ", _fold(surface).replace("’", "'")).casefold().strip()


def _fold(text: str) -> str:
    """Accents dropped, one character for one, so offsets in the folded text are offsets in the text."""
    return "".join(unicodedata.normalize("NFKD", c)[:1] if not c.isascii() else c for c in text)


@dataclass(frozen=True)
class Candidate:
    """A name editors may want in the gazetteer."""

    name: str
    kind: str  # a gazetteer section, guessed from the words around the name
    articles: int
    example: str


_NAME = re.compile(r"(?<![\w’'-])(?:[A-Z][\w’'-]*[a-z][\w’'-]*|[A-Z]{2,})(?:(?:\s+|-)(?:(?:al|el|ez|ad|bin|de|of|the)(?:\s+|-))?(?:[A-Z][\w’'-]*))*")
_PERSON_TITLES = {"president", "general", "colonel", "lieutenant", "minister", "mr", "mrs", "ms", "dr", "sergeant",
                  "commander", "leader", "spokesman", "spokeswoman", "chief", "king", "prince", "senator", "marshal"}
_PLACE_WORDS = {"province", "city", "region", "airbase", "base", "governorate", "town", "village", "countryside", "mountains", "river"}
_ORGANISATION_WORDS = {"ministry", "army", "forces", "force", "group", "party", "agency", "council", "brigade", "company",
                       "committee", "movement", "front", "organization", "organisation", "union", "news", "corporation",
                       "regiment", "directorate", "staff", "court", "militia", "militias", "emirate"}
_CALENDAR = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
             "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
             "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
_DEMONYM_ENDINGS = ("ian", "ians", "ese", "ish", "ans")
_NOT_NAMES = {"the", "a", "an", "in", "on", "at", "this", "that", "these", "those", "it", "he", "she", "they", "we",
              "i", "you", "but", "and", "or", "if", "as", "for", "with", "by", "from", "among", "also", "after",
              "before", "despite", "although", "however", "while", "when", "what", "who", "how", "its", "his", "her",
              "their", "our", "share", "read", "more", "previous", "next", "photo", "credit", "help", "support"}


def suggest_candidates(
    articles: Iterable[Sequence[str]], gazetteer: dict[str, Entity], min_articles: int = 2
) -> list[Candidate]:
    """Capitalised names that several articles use and the gazetteer does not know, most used first."""
    known = EntityRecogniser(gazetteer) if gazetteer else None
    seen_in: Counter[str] = Counter()
    lowercase_words: Counter[str] = Counter()
    examples: dict[str, str] = {}
    kinds: dict[str, Counter] = defaultdict(Counter)
    for paragraphs in articles:
        names_here = set()
        for paragraph in paragraphs:
            lowercase_words.update(w for w in re.findall(r"\b[a-z]+\b", paragraph))
            for match in _NAME.finditer(paragraph):
                name = _trim_name(match[0])
                if not name or (known and known.knows(name)):
                    continue
                names_here.add(name)
                examples.setdefault(name, paragraph[max(0, match.start() - 60) : match.end() + 60])
                kinds[name][_guess_kind(name, paragraph[max(0, match.start() - 30) : match.start()], paragraph[match.end() : match.end() + 30])] += 1
        seen_in.update(names_here)
    candidates = [
        Candidate(name, _most_likely_kind(kinds[name]), count, " ".join(examples[name].split()))
        for name, count in seen_in.items()
        if count >= min_articles and not (" " not in name and lowercase_words[name.lower()] > 0)
    ]
    return sorted(candidates, key=lambda c: (-c.articles, c.name))


def _trim_name(name: str) -> str:
    """Drops sentence-starting function words and ranks ("But Colonel Ivan Cheremisin" -> "Ivan Cheremisin").

    Single words that are calendar names or nationality adjectives ("Syrian") are no entities.
    """
    words = re.split(r"\s+", name.strip(" -’'"))
    while len(words) > 1 and (words[0].lower() in _NOT_NAMES | _PERSON_TITLES or words[0].lower().split("-")[0] in _PERSON_TITLES):
        words = words[1:]
    name = " ".join(words).removesuffix("’s").removesuffix("'s")
    lower = name.lower()
    if len(name) < 2 or lower in _NOT_NAMES | _PERSON_TITLES | _CALENDAR or (" " not in name and lower.endswith(_DEMONYM_ENDINGS)):
        return ""
    return name


def _most_likely_kind(clues: Counter) -> str:
    """Sections with clues win; a name with none is most often a person's."""
    clues = Counter({kind: n for kind, n in clues.items() if kind})
    return clues.most_common(1)[0][0] if clues else "people"


def _guess_kind(name: str, before: str, after: str) -> str | None:
    """The gazetteer section the words around a name point to, or None without a clue."""
    previous = [w.lower() for w in re.findall(r"[A-Za-z]+", before[-30:])]
    following = [w.lower() for w in re.findall(r"[A-Za-z]+", after[:30])]
    words = {w.lower() for w in name.split()}
    if words & _ORGANISATION_WORDS or name.isupper():
        return "organisations"
    if previous and previous[-1] in _PERSON_TITLES:
        return "people"
    if words & _PLACE_WORDS or set(following[:1] + previous[-2:]) & _PLACE_WORDS or previous[-1:] == ["near"]:
        return "places"
    return None


def candidates_yaml(candidates: Sequence[Candidate]) -> str:
    """Candidates as entities.yml sections, ready to paste; counts and an example as comments."""
    lines = ["# Suggested entities: keep, fix the section of, or delete each, then paste into content/entities.yml."]
    for section in KINDS:
        chosen = [c for c in candidates if c.kind == section]
        if chosen:
            lines.append(f"{section}:")
            for candidate in chosen:
                example = "".join(ch for ch in candidate.example if ch.isprintable())[:140]
                name = json.dumps(candidate.name, ensure_ascii=False)  # a JSON string is a YAML string
                lines.append(f"  - name: {name}  # {candidate.articles} articles: …{example}…")
    return "\n".join(lines) + "\n"

