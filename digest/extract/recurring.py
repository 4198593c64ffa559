"""Lines an outlet prints on several of its captures: menus, footers, appeals, disclaimers.

A single page cannot tell its site's chrome from its article when the chrome reads like prose
(a donation appeal, a disclaimer), but a digest holds many captures of each outlet, and the
article is the part that changes from one capture to the next. One pass over the digest counts
each line's hash once per capture within its outlet's group; a line found in at least
`min_captures` captures of the group is chrome. Counting hashes keeps the pass linear in the
digest's size: nothing is compared pairwise.

Normalization stays a pure function of one capture: each capture is handed only the hashes of
its own lines that recur, so its result (and its cache entry) depends on nothing else.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from digest.errors import InputError
from digest.extract.decoding import decode_unrepaired
from digest.records import Capture

MIN_CAPTURES = 3  # in this many captures of one outlet a line is chrome, not coincidence
MIN_WORDS = 2  # shorter lines (a lone date, a number) recur by chance and are judged by the page reader

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def line_key(line: str) -> str:
    """The hash a line is counted under: case, white space and Unicode normal form do not make it
    another line (the pass reads captures unrepaired; the readers see them repaired and in NFC)."""
    text = unicodedata.normalize("NFC", _SPACE.sub(" ", line).strip().casefold())
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def countable_lines(capture: Capture) -> set[str]:
    """Hashes of a plain-text or Markdown capture's lines (an HTML page's chrome is left to its reader)."""
    if capture.kind == "html":
        return set()
    try:
        text = decode_unrepaired(capture.data)  # mojibake repair costs ten times the rest of the pass
    except InputError:
        return set()  # normalization reports the capture
    return {line_key(line) for line in text.splitlines() if len(_WORD.findall(line)) >= MIN_WORDS}


def recurring_lines(
    captures: Iterable[Capture], group_of: Mapping[str, str | None], min_captures: int = MIN_CAPTURES
) -> dict[str, frozenset[str]]:
    """For each capture (by slug), the hashes of its lines that recur in at least `min_captures`
    captures of its group (group_of: slug -> outlet, or None for a capture of no known outlet)."""
    seen: dict[str, set[str]] = {}
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for capture in captures:
        group = group_of.get(capture.slug)
        if group is None:
            continue
        seen[capture.slug] = countable_lines(capture)
        counts[group].update(seen[capture.slug])
    return {
        slug: frozenset(key for key in keys if counts[group_of[slug]][key] >= min_captures)  # type: ignore[index]
        for slug, keys in seen.items()
    }
