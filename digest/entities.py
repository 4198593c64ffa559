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

import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

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


def recognise(paragraphs: Sequence[str], gazetteer: dict[str, Entity]) -> tuple[EntityMention, ...]:
    """The first mention of each gazetteer entity, in reading order."""
    if not gazetteer:
        return ()
    matcher = _matcher(tuple(gazetteer.values()))
    mentions: dict[str, EntityMention] = {}
    for number, paragraph in enumerate(paragraphs):
        for match in matcher.pattern.finditer(_fold(paragraph)):
            entity = matcher.entity_of.get(match[0]) or matcher.entity_of.get(_lookup_key(match[0]))
            if entity is not None and entity.id not in mentions:
                mentions[entity.id] = EntityMention(
                    entity_id=entity.id, name=entity.name, kind=entity.kind,
                    surface=paragraph[match.start() : match.end()], paragraph=number,
                    start=match.start(), end=match.end(),
                )
    return tuple(mentions.values())


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern
    entity_of: dict[str, Entity]  # exact-case acronyms and folded, lowercased names


@lru_cache(maxsize=8)
def _matcher(entities: tuple[Entity, ...]) -> _Matcher:
    """One regular expression for the whole gazetteer, longest names first; built once per gazetteer."""
    entity_of: dict[str, Entity] = {}
    alternatives = []
    for entity in entities:
        for surface in _surfaces(entity):
            folded = _fold(surface)
            key = folded if _is_acronym(folded) else _lookup_key(folded)
            entity_of.setdefault(key, entity)
            alternatives.append(folded)
    alternatives.sort(key=len, reverse=True)
    body = "|".join(_surface_pattern(s) for s in dict.fromkeys(alternatives))
    return _Matcher(re.compile(rf"(?<!\w)(?:{body})(?!\w)"), entity_of)


def _slug(name: str) -> str:
    """"Bashar al-Assad" -> "bashar-al-assad": ids editors can read, and file names as they are."""
    return safe_name(re.sub(r"[^a-z0-9]+", "-", _fold(name).lower()).strip("-") or name)


def _surfaces(entity: Entity) -> list[str]:
    return [s for s in dict.fromkeys((entity.name, *entity.aliases)) if s.strip()]


def _is_acronym(surface: str) -> bool:
    return surface.isupper()


def _surface_pattern(surface: str) -> str:
    words = [re.escape(w) for w in re.split(r"[\s\-‐‑–]+", surface.strip()) if w]
    pattern = r"[\s\-‐‑–]+".join(words).replace("'", "['’]").replace("’", "['’]")
    return pattern if _is_acronym(surface) else f"(?i:{pattern})"


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
    known = _matcher(tuple(gazetteer.values())) if gazetteer else None
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
                if not name or (known and known.pattern.fullmatch(_fold(name))):
                    continue
                names_here.add(name)
                examples.setdefault(name, paragraph[max(0, match.start() - 60) : match.end() + 60])
                kinds[name][_guess_kind(name, paragraph[: match.start()], paragraph[match.end() :])] += 1
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

