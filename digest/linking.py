"""Related coverage and stories: which articles report the same event, and what else to read next.

Articles are compared as TF-IDF vectors of their headline, URL words, recognised entities and
body. Digests grow to tens of thousands of articles, so nothing here compares every article with
every other: each article's few heaviest (rarest, most repeated) terms form an inverted index,
only articles sharing one of those terms become candidates, and only candidates are scored.

Story ids: a story is named after its earliest article (its id is that article's id), so an
editor can send an article into a story by writing `story: <id of any article in it>` in the
sidecar. A `story:` value that is not an article id names a story of its own: every article
that gives the same name is grouped under that id. `split_story: true` takes an article out of
its automatic story.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Callable, Sequence
from urllib.parse import urlparse

import numpy as np
from scipy import sparse

from digest.records import EnrichedArticle, Links, RelatedLink, Story


@dataclass(frozen=True)
class LinkSettings:
    """Tuned on bench/related.py (2-fold over events); see bench/README.md."""

    max_related: int = 5
    headline_weight: int = 2  # the headline is repeated: it names the event in few words
    blocking_terms: int = 24  # an article's heaviest terms, used to find its candidates
    max_candidates: int = 40  # candidates per article that get an exact score
    story_threshold: float = 0.07  # average event similarity at which two groups are one story
    centre_prior: float = 10.0  # the digest's mean vector counts as much as this many articles
    date_scale_days: float = 365.0  # similarity halves when two articles are this far apart
    min_related_score: float = 0.05  # weaker pairs are not worth a reader's click


DEFAULT_SETTINGS = LinkSettings()

_SLUG_WORD = re.compile(r"[A-Za-z]{3,}")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def link(articles: Sequence[EnrichedArticle], settings: LinkSettings = DEFAULT_SETTINGS) -> Links:
    """Ranked related coverage for every article and the stories they group into."""
    if not articles:
        return Links(related={}, stories={}, story_of={})
    from sklearn.feature_extraction.text import TfidfVectorizer  # a second to import: only when links are computed

    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", preprocessor=_folded, dtype=np.float32)
    try:
        matrix = vectorizer.fit_transform(_linking_texts(articles, settings)).tocsr()
        terms = vectorizer.get_feature_names_out()
    except ValueError:  # nothing but stop words anywhere: no article resembles another
        matrix, terms = sparse.csr_matrix((len(articles), 0), dtype=np.float32), np.array([], dtype=str)
    scores, event_scores = _score_candidates(matrix, articles, settings)
    stories, story_of = _stories(articles, event_scores, settings)
    coverage = _RelatedCoverage(articles, scores, matrix, terms, stories, settings)
    related = {article.id: coverage.of(index) for index, article in enumerate(articles)}
    return Links(related=related, stories=stories, story_of=story_of)


def linking_inputs(articles: Sequence[EnrichedArticle]) -> str:
    """A hash of everything link() reads, so a caller may reuse its result when nothing changed
    (an edited summary or a new reviewer does not move any link)."""
    digest = hashlib.sha256()
    for a in articles:
        entities = [(m.entity_id, m.name) for m in a.entities]
        fields = (a.id, a.title, a.paragraphs, a.url, a.published, a.outlet_id, a.outlet_name, entities, a.overrides)
        digest.update(repr(fields).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _linking_texts(articles: Sequence[EnrichedArticle], settings: LinkSettings) -> list[str]:
    boilerplate = _outlet_boilerplate(articles)
    texts = []
    for article in articles:
        outlet = _outlet_key(article)
        body = [p for p in article.paragraphs if (outlet, p.strip()) not in boilerplate]
        entity_tokens = [_entity_token(m.entity_id) for m in article.entities]
        parts = [article.title] * settings.headline_weight
        parts += [" ".join(_url_words(article.url)), " ".join(entity_tokens), *body]
        texts.append("\n".join(parts))
    return texts


def _folded(text: str) -> str:
    """Lower case without accents: scikit-learn's ``lowercase`` then ``strip_accents="unicode"``,
    whose per-character loop was a third of link() at 10,000 articles; the same text, with only
    the text's distinct non-ASCII characters looked up."""
    text = text.lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    marks = {ord(ch): None for ch in set(_NON_ASCII.findall(decomposed)) if unicodedata.combining(ch)}
    return decomposed.translate(marks) if marks else decomposed


def _outlet_boilerplate(articles: Sequence[EnrichedArticle]) -> set[tuple[str, str]]:
    """Paragraphs an outlet prints under several articles (newsletter pitches, copyright lines).

    They are not about the story, yet they would make an outlet's articles look alike.
    """
    seen = Counter()
    for article in articles:
        if outlet := _outlet_key(article):  # unattributed articles share no outlet's chrome
            seen.update({(outlet, p.strip()) for p in article.paragraphs if p.strip()})
    return {key for key, count in seen.items() if count > 1}


def _outlet_key(article: EnrichedArticle) -> str | None:
    """The attributed outlet only: a page's own address or name is a claim (digest/attribution.py)."""
    return article.outlet_id


def _url_words(url: str | None) -> list[str]:
    """Words of a URL's path: many outlets spell the headline there, even when the page is bare."""
    return _SLUG_WORD.findall(urlparse(url).path) if url else []


def _entity_token(entity_id: str) -> str:
    """One token per entity, so that all its aliases count as the same term."""
    return "entity_" + re.sub(r"\W", "_", entity_id)


def _score_candidates(
    matrix: sparse.csr_matrix, articles: Sequence[EnrichedArticle], settings: LinkSettings
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Two symmetric sparse similarities between candidate pairs, both damped by date distance.

    Relatedness is plain cosine: sharing the digest's topic is a reason to read on. Being the
    same event is cosine after the digest's common topic is taken out (_centred_cosine).
    """
    rows, cols = _candidate_pairs(matrix, settings)
    days = np.array([_day_number(a.published) for a in articles], dtype=float)
    gap = np.abs(days[rows] - days[cols])
    damping = np.where(np.isnan(gap), 1.0, 1.0 / (1.0 + gap / settings.date_scale_days))
    n = len(articles)

    def symmetric(values: np.ndarray) -> sparse.csr_matrix:
        upper = sparse.coo_matrix(((values * damping).astype(np.float32), (rows, cols)), shape=(n, n))
        return (upper + upper.T).tocsr()

    dots = _row_dots(matrix, rows, cols)
    return symmetric(dots), symmetric(_centred_cosine(matrix, rows, cols, dots, settings.centre_prior))


def _candidate_pairs(matrix: sparse.csr_matrix, settings: LinkSettings) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) sharing one of their heaviest terms, at most max_candidates per article."""
    heaviest = _top_per_row(matrix, settings.blocking_terms)
    heaviest_t = heaviest.T.tocsr()
    rows, cols = [], []
    # A slice of rows against every article can be nearly dense (the digest's topic words are
    # everyone's heaviest terms): 256 rows keep it to a few tens of MB at 10,000 articles.
    chunk = 256
    for start in range(0, matrix.shape[0], chunk):
        shared = (heaviest[start : start + chunk] @ heaviest_t).tocsr()
        shared.setdiag(0, k=start)  # an article is not its own candidate
        shared.eliminate_zeros()
        best = _top_per_row(shared, settings.max_candidates).tocoo()
        rows.append(best.row + start)
        cols.append(best.col)
    pairs = np.unique(np.sort(np.column_stack([np.concatenate(rows), np.concatenate(cols)]), axis=1), axis=0)
    return pairs[:, 0], pairs[:, 1]


def _top_per_row(matrix: sparse.csr_matrix, k: int) -> sparse.csr_matrix:
    """The k largest entries of each row; the rest dropped."""
    matrix = matrix.tocsr(copy=True)
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        if end - start > k:
            values = matrix.data[start:end]
            values[np.argpartition(-values, k)[k:]] = 0
    matrix.eliminate_zeros()
    return matrix


def _row_dots(matrix: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Dot products of the given row pairs, a slice at a time to bound memory."""
    out = np.empty(len(rows), dtype=np.float32)
    chunk = 2000  # each pair copies both rows' terms: 20,000 pairs took 100 MB
    for start in range(0, len(rows), chunk):
        left = matrix[rows[start : start + chunk]]
        right = matrix[cols[start : start + chunk]]
        out[start : start + chunk] = np.asarray(left.multiply(right).sum(axis=1)).ravel()
    return out


def _centred_cosine(
    matrix: sparse.csr_matrix, rows: np.ndarray, cols: np.ndarray, dots: np.ndarray, prior: float
) -> np.ndarray:
    """Cosine of the vectors minus the digest's mean vector.

    What every article of a digest shares (its topic: "Russia", "Syria", "military") says
    nothing about which event an article reports; subtracting the mean removes it. A mean of a
    few articles is mostly their own events, so it is shrunk by n / (n + prior). Computed from
    sparse products, as (x-c).(y-c) = x.y - x.c - y.c + c.c, so nothing dense is built.
    """
    n = matrix.shape[0]
    centre = np.asarray(matrix.mean(axis=0)).ravel() * (n / (n + prior))
    towards_centre = matrix @ centre
    centre_norm = float(centre @ centre)
    centred_dots = dots - towards_centre[rows] - towards_centre[cols] + centre_norm
    norms = np.sqrt(np.maximum(1.0 - 2.0 * towards_centre + centre_norm, 1e-12))
    return centred_dots / (norms[rows] * norms[cols])


def _day_number(published: str | None) -> float:
    try:
        return float(date.fromisoformat((published or "")[:10]).toordinal())
    except ValueError:
        return float("nan")


def _stories(
    articles: Sequence[EnrichedArticle], scores: sparse.csr_matrix, settings: LinkSettings
) -> tuple[dict[str, Story], dict[str, str]]:
    automatic = _average_linkage(scores, settings.story_threshold)
    stories, story_of = {}, {}
    for name, members in _apply_story_overrides(articles, automatic):
        ordered = sorted((articles[i] for i in members), key=lambda a: (a.published or "9999", a.id))
        story = Story(id=name or ordered[0].id, title=ordered[0].title, article_ids=tuple(a.id for a in ordered))
        stories[story.id] = story
        story_of.update((article_id, story.id) for article_id in story.article_ids)
    return stories, story_of


def _average_linkage(scores: sparse.csr_matrix, threshold: float) -> list[int]:
    """Group label per article: merge the two groups with the highest average similarity.

    Average linkage over the candidate graph (a missing pair counts as similarity 0). Unlike
    joining every pair above a threshold, one loose pair cannot chain two events together.
    scipy and scikit-learn only offer it over a dense N x N matrix, hence this sparse version.
    """
    n = scores.shape[0]
    size = [1] * n
    totals: list[dict[int, float] | None] = [{} for _ in range(n)]
    upper = sparse.triu(scores, k=1).tocoo()
    heap = []
    for i, j, value in zip(upper.row.tolist(), upper.col.tolist(), upper.data.tolist()):
        totals[i][j] = totals[j][i] = value
        if value >= threshold:
            heap.append((-value, i, j))
    heapq.heapify(heap)
    label = list(range(n))
    while heap:
        negative, a, b = heapq.heappop(heap)
        if totals[a] is None or totals[b] is None or b not in totals[a]:
            continue
        if totals[a][b] / (size[a] * size[b]) != -negative:
            continue  # superseded by an entry pushed after a merge
        if size[a] < size[b]:
            a, b = b, a
        merged = totals[a]
        del merged[b]
        for c, value in totals[b].items():
            if c != a:
                merged[c] = merged.get(c, 0.0) + value
                del totals[c][b]
                totals[c][a] = merged[c]
        totals[b] = None
        size[a] += size[b]
        label[b] = a
        for c, value in merged.items():
            average = value / (size[a] * size[c])
            if average >= threshold:
                heapq.heappush(heap, (-average, a, c))
    return [_root(label, i) for i in range(n)]


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _apply_story_overrides(
    articles: Sequence[EnrichedArticle], automatic: list[int]
) -> list[tuple[str | None, list[int]]]:
    """(editors' story name or None, article indexes) per story, after splits and merges."""
    parent = list(range(len(articles)))
    first_of_group: dict[int, int] = {}
    for i, group in enumerate(automatic):
        if not articles[i].overrides.split_story:
            parent[_root(parent, i)] = _root(parent, first_of_group.setdefault(group, i))
    index_of = {a.id: i for i, a in enumerate(articles)}
    first_named: dict[str, int] = {}
    for i, article in enumerate(articles):
        target = article.overrides.story
        if target is not None:
            other = index_of[target] if target in index_of else first_named.setdefault(target, i)
            parent[_root(parent, i)] = _root(parent, other)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(articles)):
        groups[_root(parent, i)].append(i)
    names = {_root(parent, i): name for name, i in sorted(first_named.items(), reverse=True)}
    return [(names.get(root), members) for root, members in groups.items()]


class _StoryMembers:
    """Each story's members in story order, arranged so that an article's few story links are
    found without walking the whole story: a story of 4,000 articles would otherwise cost
    4,000 x 4,000 steps."""

    def __init__(self, articles: Sequence[EnrichedArticle], index_of: dict[str, int], stories: dict[str, Story]):
        self.outlet = [_outlet_key(a) for a in articles]
        self.story = [""] * len(articles)
        self.position = [0] * len(articles)
        self.ordered: dict[str, list[int]] = {}
        self.run_end: dict[str, list[int]] = {}  # position after the run of one outlet's members
        self.of_outlet: dict[tuple[str, str], list[int]] = defaultdict(list)
        for story in stories.values():
            ordered = [index_of[article_id] for article_id in story.article_ids]
            self.ordered[story.id] = ordered
            ends = [len(ordered)] * len(ordered)
            for position in range(len(ordered) - 2, -1, -1):
                same = self.outlet[ordered[position]] == self.outlet[ordered[position + 1]]
                ends[position] = ends[position + 1] if same else position + 1
            self.run_end[story.id] = ends
            for position, j in enumerate(ordered):
                self.story[j] = story.id
                self.position[j] = position
                self.of_outlet[(story.id, self.outlet[j])].append(j)

    def first(self, story: str, outlet: str, skip: Callable[[int], bool], count: int) -> list[int]:
        """Up to ``count`` members from other outlets and ``count`` from ``outlet``, in story
        order, that ``skip`` does not exclude. Runs of ``outlet`` are jumped over, so the walk
        is as long as what it finds and skips, not as long as the story."""
        ordered, ends = self.ordered[story], self.run_end[story]
        others: list[int] = []
        position = 0
        while position < len(ordered) and len(others) < count:
            j = ordered[position]
            if self.outlet[j] == outlet:
                position = ends[position]
                continue
            if not skip(j):
                others.append(j)
            position += 1
        own = []
        for j in self.of_outlet[(story, outlet)]:
            if len(own) == count:
                break
            if not skip(j):
                own.append(j)
        return others + own


class _RelatedCoverage:
    """What every article's related coverage is chosen from, worked out once for the digest."""

    def __init__(
        self,
        articles: Sequence[EnrichedArticle],
        scores: sparse.csr_matrix,
        matrix: sparse.csr_matrix,
        terms: np.ndarray,
        stories: dict[str, Story],
        settings: LinkSettings,
    ):
        self.articles, self.scores, self.matrix, self.terms, self.settings = articles, scores, matrix, terms, settings
        self.index_of = {a.id: i for i, a in enumerate(articles)}
        self.members = _StoryMembers(articles, self.index_of, stories)
        self.entity_ids = [frozenset(m.entity_id for m in a.entities) for a in articles]

    def of(self, index: int) -> tuple[RelatedLink, ...]:
        """Pinned links, then the same story (other outlets first), then the closest other coverage."""
        articles, members, settings = self.articles, self.members, self.settings
        article = articles[index]
        row = slice(self.scores.indptr[index], self.scores.indptr[index + 1])
        score_of = dict(zip(self.scores.indices[row].tolist(), self.scores.data[row].tolist()))
        story_at, story = members.story, members.story[index]
        dropped = set(article.overrides.drop_related) | {article.id}
        pinned = [self.index_of[p] for p in article.overrides.pin_related if p in self.index_of and p not in dropped]
        outlet = _outlet_key(article)
        # Only the first few unscored members of the story can be chosen: they all score 0 and keep
        # story order, so more than max_related (plus the pinned ones they may repeat) never count.
        wanted = settings.max_related + len(pinned)
        unscored = members.first(story, outlet, lambda j: j in score_of or articles[j].id in dropped, wanted)
        story_members = sorted([j for j in score_of if story_at[j] == story] + unscored, key=members.position.__getitem__)
        candidates = [j for j, score in score_of.items() if score >= settings.min_related_score] + story_members
        candidates = [j for j in dict.fromkeys(candidates) if articles[j].id not in dropped]
        best = heapq.nsmallest(wanted, candidates, key=lambda j: (
            story_at[j] != story, outlet is not None and members.outlet[j] == outlet, -score_of.get(j, 0.0)))
        chosen = list(dict.fromkeys(pinned + best))[: settings.max_related]
        return tuple(
            RelatedLink(
                id=articles[j].id,
                reason=_reason(article, articles[j], self.entity_ids[j], story_at[j] == story,
                               lambda: _shared_terms(self.matrix, self.terms, index, j), j in pinned),
                score=round(float(score_of.get(j, 0.0)), 4),
            )
            for j in chosen
        )


def _shared_terms(matrix: sparse.csr_matrix, terms: np.ndarray, i: int, j: int, count: int = 3) -> list[str]:
    """The words that weigh most in both articles, for a reason when nothing better is known."""
    left, right = (slice(matrix.indptr[k], matrix.indptr[k + 1]) for k in (i, j))
    common, in_left, in_right = np.intersect1d(
        matrix.indices[left], matrix.indices[right], assume_unique=True, return_indices=True
    )
    weight = matrix.data[left][in_left] * matrix.data[right][in_right]
    words = (str(terms[common[k]]) for k in np.argsort(-weight))
    return [w for w in words if not w.startswith("entity_")][:count]


def _reason(
    article: EnrichedArticle,
    other: EnrichedArticle,
    theirs: frozenset[str],
    same_story: bool,
    shared_terms: Callable[[], list[str]],
    pinned: bool,
) -> str:
    """Why `other` (recognising the entities ``theirs``) is worth reading after `article`, in
    words; shared terms are the last resort."""
    other_outlet = other.outlet_name or other.outlet_id
    shared = [m.name for m in article.entities if m.entity_id in theirs][:3]
    if same_story:
        reason = f"Same story in {other_outlet}" if other_outlet else "Same story"
        if shared:
            reason += "; shares " + ", ".join(shared)
    elif shared:
        reason = "Shares " + ", ".join(shared)
    elif article.published and article.published[:10] == (other.published or "")[:10]:
        reason = f"Same event date ({article.published[:10]})"
    elif words := shared_terms():
        reason = "Similar wording: " + ", ".join(words)
    else:
        reason = "Related coverage"
    return f"Editors' pick; {reason[0].lower()}{reason[1:]}" if pinned else reason
