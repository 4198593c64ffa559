"""Rendering a linked digest into pages and data files with Jinja2 templates.

A page is Markdown for the site engine, but of a fixed shape: Markdown headings whose text is
written in the templates (so that the engine's table of contents works), and between them
block-level HTML that the engine sets aside. Every value from content is printed inside that
HTML by Jinja with autoescape on, through ``text_node`` or ``attribute_value``
(digest/site/escaping.py): one rendering path, and no value is ever text that a Markdown
engine parses. Links between pages are computed here, for the engine's URL style.
"""

from __future__ import annotations

import functools
import multiprocessing
import posixpath
import re
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from digest.attribution import Attribution, claim_confirmed
from digest.citation import bibtex_entry, csl_item, csv_row, digest_csl_json, digest_csv, highwire_tags, json_array
from digest.disagreements import contradicted_claims, story_disagreements
from digest.figures import counted_thing, sentence_around
from digest.paths import safe_name
from digest.records import EnrichedArticle, EntityMention, Figure, LinkedDigest, Page, RenderedSite, Story
from digest.schemas import RATING_SCALE
from digest.site.charts import Grid, bar_chart, coverage_grid, grid_chart
from digest.site.escaping import (
    all_one_value, attribute_value, editor_markdown, heading_text, inert_markdown, marked_value, plain_text, safe_url,
    shown_text, text_node, unmarked, value_depths,
)
from digest.site.feeds import FeedSpec, atom_feed

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
ITEMS_PER_PAGE = 500  # rows of any listing: the article index, an outlet's or entity's articles, the timeline
STORY_ROWS_PER_PAGE = 100  # a story's rows carry summaries and figures, so fewer fit a page
LATEST_ON_HOME = 10
FIGURES_PER_ARTICLE = 8  # in a story's side-by-side table; the article page has the text
REPORTS_PER_DISAGREEMENT = 12  # listed on the story page; each article page lists its own

RATING_LABELS = {
    "high": "High reliability",
    "mostly-reliable": "Mostly reliable",
    "mixed": "Mixed reliability",
    "low": "Low reliability",
    "very-low": "Very low reliability",
}
NOT_ASSESSED = "Not yet assessed"
ATTRIBUTION_NOTES = {
    "editor": "Outlet attributed by the digest's editors.",
    "source-url": "Outlet attributed from the address the capture was fetched from.",
}
UNATTRIBUTED = "Unattributed"
ENTITY_SECTIONS = {"person": "People", "place": "Places", "organisation": "Organisations", "event": "Events"}
# Page titles reach the theme's <title> and header, which we do not control: keep them plain.
_TITLE_LOOKALIKES = str.maketrans({"<": "‹", ">": "›", "&": "＆", '"': "”", "'": "’", "`": "ˋ", "{": "❴", "}": "❵"})
# The names generated pages take inside a folder of content pages (articles/, outlets/, ...):
# a content name like these gets another file name, so that it never replaces an index.
_GENERATED_NAME = re.compile(r"index|page-[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def content_page(folder: str, name: str) -> str:
    """The page of a named thing (article, outlet, story, entity) inside ``folder``."""
    return f"{folder}/{safe_name(name, reserved=_GENERATED_NAME)}.md"


def article_page(article_id: str) -> str:
    return content_page("articles", article_id)


def outlet_page(outlet_id: str) -> str:
    return content_page("outlets", outlet_id)


def story_page(story_id: str) -> str:
    return content_page("stories", story_id)


def entity_page(entity_id: str) -> str:
    return content_page("entities", entity_id)


def numbered_page(first_page: str, number: int) -> str:
    """Where page ``number`` of a listing lives: beside an index page, or under the page's own folder."""
    if number == 1:
        return first_page
    stem = first_page.removesuffix(".md")
    folder = stem.removesuffix("index") if stem == "index" or stem.endswith("/index") else stem + "/"
    return f"{folder}page-{number}.md"


def citation_files(article_id: str) -> tuple[str, str]:
    """The CSL-JSON and BibTeX files offered beside an article's page."""
    stem = article_page(article_id).removesuffix(".md")
    return f"{stem}.csl.json", f"{stem}.bib"


DIGEST_FEED = "feeds/digest.xml"


def feed_path(kind: str, item_id: str) -> str:
    """The Atom feed of one outlet, story or entity (kind: outlets, stories, entities)."""
    return f"feeds/{kind}/{safe_name(item_id)}.xml"


def feed_title(digest: LinkedDigest, followed: str) -> str:
    return f"{digest.title}: {followed}"


def story_chart(story_id: str) -> str:
    return f"charts/stories/{safe_name(story_id)}.svg"


OUTLET_MONTHS_CHART = "charts/outlets-by-month.svg"
RATINGS_CHART = "charts/ratings.svg"


def directory_url(page_path: str) -> str:
    """The URL of a page under MkDocs' default use_directory_urls."""
    stem = page_path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def file_url(page_path: str) -> str:
    """The URL of a page when use_directory_urls is off."""
    return page_path.removesuffix(".md") + ".html"


def relative_url(from_url: str, to_url: str) -> str:
    """The link from the page at ``from_url`` to ``to_url``, both relative to the site root.

    posixpath.relpath's answer, worked out from the two paths' parts alone: relpath makes both
    absolute against the working folder first, a system call for each of the 30,000 links of a
    10,000-article digest.
    """
    from_dir = from_url[:-1] if from_url.endswith("/") else posixpath.dirname(from_url)
    start = _path_parts(from_dir)
    target = _path_parts(to_url.rstrip("/"))
    common = 0
    for here, there in zip(start, target):
        if here != there:
            break
        common += 1
    link = "/".join([".."] * (len(start) - common) + target[common:]) or "."
    return link + "/" if to_url.endswith("/") or not to_url else link


def _path_parts(path: str) -> list[str]:
    normal = posixpath.normpath(path or ".")
    return [] if normal == "." else normal.split("/")


@functools.lru_cache(maxsize=2**16)
def _encoded_link(from_url: str, to_url: str) -> Markup:
    """relative_url() encoded for an href; pages at one depth link to the same targets alike."""
    return attribute_value(relative_url(from_url, to_url))


def plain_title(title: str) -> str:
    """A title the theme may print raw into <title>, the header and attributes."""
    return heading_text(title).translate(_TITLE_LOOKALIKES)[:200]


def heading_date(day: str) -> str:
    """A date for a Markdown heading; only ISO dates, which hold no Markdown syntax, qualify."""
    if not _ISO_DATE.fullmatch(day):
        raise ValueError(f"not an ISO date: {day!r}")
    return day


def _finalize(value: object) -> object:
    """What a template prints: the value escaped (unless it is Markup: made in escaping.py or
    here, or by a Jinja filter such as ``e``, ``join`` or ``~`` from content), on one line and
    without controls or value marks whatever made it, then marked as a value for set_aside
    (escaping.inert_markdown). A value with a line break could start a heading of its own."""
    if value is None:
        return ""
    return marked_value(shown_text(value if isinstance(value, Markup) else escape(value)))


_HEADING_LINE = re.compile(r"^#{1,6} [^\n]*$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_BLOCK_HTML = re.compile(r"<(?:/div>|(?:address|article|aside|blockquote|details|div|dl|figure|footer|h[1-6]|header|hr|nav|ol|p|pre|section|table|ul)[\s>/])")  # a closing </div>: a wrapper spanning blank lines

def _front_matter(title: str, citation: list[tuple[str, str]] = (), feeds: list[tuple[str, str]] = ()) -> dict[str, object]:
    """The page's front matter: its title, and what the theme puts in the page for it.

    ``citation`` holds Highwire Press meta tags, ``feeds`` (title, site-relative path) the Atom
    feeds the page links to; the theme override prints each as an HTML-escaped attribute value.
    """
    meta: dict[str, object] = {"title": plain_title(title)}
    if citation:
        meta["citation"] = [[name, heading_text(value)] for name, value in citation]
    if feeds:
        meta["feeds"] = [{"title": heading_text(feed_title), "href": path} for feed_title, path in feeds]
    return meta


class Renderer:
    """Holds the template environment and the digest's lookups while pages are rendered."""

    def __init__(self, digest: LinkedDigest, page_url: Callable[[str], str] = directory_url,
                 template_overrides: tuple[Path, ...] = ()):
        self.digest = digest
        self.page_url = page_url
        self.by_id = {a.id: a for a in digest.articles}
        self.unprofiled_names = {a.outlet_id: a.outlet_name for a in digest.articles if a.outlet_id}
        self._token = secrets.token_hex(16)
        self._fragments = 0
        self.env = jinja2.Environment(
            # A digest's own templates/ folder comes first, so a template there replaces the
            # packaged one of the same name and everything else keeps working.
            loader=jinja2.FileSystemLoader([*map(str, template_overrides), str(TEMPLATES_DIR)]),
            autoescape=True,  # every value is escaped HTML unless it is Markup built in escaping.py or here
            finalize=_finalize,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(markdown=editor_markdown, heading=heading_text, rating_label=self.rating_label, heading_date=heading_date,
                                striptags=plain_text)
        self.env.globals.update(
            link=self.link,
            external_link=self.external_link,
            outlet_badge=self.outlet_badge,
            rating_badge=rating_badge,
            article_page=article_page,
            outlet_page=outlet_page,
            story_page=story_page,
            entity_page=entity_page,
            citation_files=citation_files,
            image=self.image,
            file_href=self.file_href,
            feed_links=self.feed_links,
            context_of=self.mention_context,
            max_figures=FIGURES_PER_ARTICLE,
            max_reports=REPORTS_PER_DISAGREEMENT,
            rating_scale=RATING_SCALE,
            rating_labels=RATING_LABELS,
        )

    # -- helpers the templates call -------------------------------------------------------
    @staticmethod
    def rating_label(rating: str | None) -> str:
        return RATING_LABELS.get(rating or "", NOT_ASSESSED)

    def link(self, text: object, from_page: str, to_page: str) -> Markup:
        """A link between generated pages, at the URL the engine gives ``to_page``."""
        href = _encoded_link(self.page_url(from_page), self.page_url(to_page))
        return Markup(f'<a href="{href}">{text_node(heading_text(text))}</a>')  # a title or a name

    @staticmethod
    def external_link(text: object, url: str | None) -> Markup:
        url = safe_url(url)
        if url is None:
            return Markup("")
        return Markup(f'<a href="{attribute_value(url)}" rel="nofollow noopener noreferrer">{text_node(heading_text(text))}</a>')

    def file_href(self, from_page: str, site_file: str) -> Markup:
        """The encoded link from a page to a file the build writes beside the pages (feeds, pictures)."""
        return _encoded_link(self.page_url(from_page), site_file)

    def image(self, alt: str, from_page: str, to_file: str) -> Markup:
        """A picture made at build time; its alternative text is ours, never content."""
        return Markup(f'<img src="{self.file_href(from_page, to_file)}" alt="{attribute_value(alt)}">')

    def feed_links(self, feeds, from_page: str) -> Markup:
        """Visible links to the page's Atom feeds (the <head> links them too)."""
        links = [Markup(f'<a href="{self.file_href(from_page, path)}">{text_node(title)}</a>') for title, path in feeds]
        return Markup('<p class="feed-links">Follow in a feed reader: ') + Markup(" · ").join(links) + Markup("</p>")

    def outlet_badge(self, outlet_id: str | None, from_page: str) -> Markup:
        """Outlet name linking to its page, with its rating; or 'Unattributed'."""
        if not outlet_id:
            return Markup(UNATTRIBUTED)
        outlet = self.digest.outlets.get(outlet_id)
        rating = outlet.rating if outlet else None
        return self.link(self.outlet_name(outlet_id), from_page, outlet_page(outlet_id)) + Markup(" ") + rating_badge(rating)

    def outlet_name(self, outlet_id: str) -> str:
        outlet = self.digest.outlets.get(outlet_id)
        return outlet.name if outlet else self.unprofiled_names.get(outlet_id) or outlet_id

    # -- pages ----------------------------------------------------------------------------
    def page(
        self, template: str, path: str, title: str, citation=(), feeds=(), search_filters: dict | None = None, **context: object
    ) -> Page:
        feeds = [(feed_title(self.digest, "all articles"), DIGEST_FEED), *feeds]
        body = self.env.get_template(template).render(page_path=path, digest=self.digest, feeds=feeds, **context)
        source, fragments = self.set_aside(body)
        filters = tuple((name, heading_text(value)) for name, value in (search_filters or {}).items())
        return Page(path=path, body=source, title=title, meta=_front_matter(title, citation, feeds),
                    fragments=fragments, search_filters=filters)

    def set_aside(self, body: str) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The page's Markdown with each stretch of HTML between its headings replaced by a
        placeholder, and the (placeholder, HTML) pairs: the engine converts only the headings.

        A stretch is set aside only if each of its blocks opens with a block-level tag, as every
        block of the packaged templates does; Markdown written in a digest's own template stays
        Markdown. The HTML is what the engine would have made of the stretch (its raw blocks, a
        blank line apart), so the built page is the same. What stays Markdown (the headings, a
        digest's own Markdown) has the values printed into it made inert (inert_markdown).
        """
        pieces: list[str] = []
        fragments: list[tuple[str, str]] = []
        cursor = 0
        depth_at = value_depths(body)  # a line inside a printed value is never a heading of the template's
        if depth_at is None:
            body = all_one_value(body)
            depth_at = value_depths(body)
        for heading in (*(h for h in _HEADING_LINE.finditer(body) if not depth_at(h.start())), None):
            stretch = body[cursor : heading.start() if heading else len(body)]
            blocks = [block.strip("\n") for block in _BLANK_LINES.split(unmarked(stretch)) if block.strip()]
            if blocks and all(_BLOCK_HTML.match(block) for block in blocks):
                placeholder = self.placeholder()
                fragments.append((placeholder, "\n\n".join(blocks)))
                pieces.append(("\n" if pieces else "") + placeholder + "\n\n")
            else:
                pieces.append(inert_markdown(stretch, depth_at(cursor)))
            if heading:
                pieces.append(inert_markdown(heading.group()))
                cursor = heading.end()
        return "".join(pieces), tuple(fragments)

    def placeholder(self) -> str:
        """A block-level element no content can write: content is escaped, and the token is this build's secret."""
        self._fragments += 1
        return fragment_placeholder(f"{self._token}-{self._fragments}")

    def search_filters(self, article: EnrichedArticle, story: Story | None) -> dict[str, str]:
        """What a reader can narrow a search by: the article's search record carries them as Pagefind filters."""
        outlet = self.digest.outlets.get(article.outlet_id or "")
        filters = {
            "outlet": self.outlet_name(article.outlet_id) if article.outlet_id else UNATTRIBUTED,
            "rating": self.rating_label(outlet.rating if outlet else None),
            "year": (article.published or "")[:4] or "Undated",
        }
        if story:
            filters["story"] = plain_title(story.title)
        return filters

    def paginated(
        self, template: str, path: str, title: str, key: str, items: list, per_page: int = ITEMS_PER_PAGE, **context: object
    ) -> list[Page]:
        """One listing over as many pages as it needs; each page gets its slice as ``key`` and
        ``pages`` (number, the paths of all pages, total items) for the shared page links."""
        chunks = [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]
        paths = [numbered_page(path, n) for n in range(1, len(chunks) + 1)]
        return [
            self.page(
                template, page_path, title if number == 1 else f"{title}, page {number}",
                **{key: chunk}, pages=Pagination(number, paths, len(items)), **context,
            )
            for number, (chunk, page_path) in enumerate(zip(chunks, paths), start=1)
        ]

    def reports(self, articles):
        """(outlet name, date, headline) of each article: what the coverage pictures plot."""
        return ((self.publisher(a) or UNATTRIBUTED, a.published, a.title) for a in articles)

    def publisher(self, article: EnrichedArticle) -> str | None:
        """The outlet to cite as the article's publisher, when it is attributed."""
        return self.outlet_name(article.outlet_id) if article.outlet_id else None

    @staticmethod
    def mention_context(article: EnrichedArticle, mention: EntityMention) -> str:
        return sentence_around(article.paragraphs[mention.paragraph], mention.start, mention.end)

    def paragraphs_with_entity_links(self, article: EnrichedArticle, from_page: str) -> list[Markup]:
        """The article's paragraphs as escaped HTML, with the first mention of each known entity linked."""
        by_paragraph: dict[int, list] = defaultdict(list)
        for mention in article.entities:
            if mention.entity_id in self.digest.entities:
                by_paragraph[mention.paragraph].append(mention)
        rendered = []
        for index, paragraph in enumerate(article.paragraphs):
            pieces, cursor = [], 0
            for mention in sorted(by_paragraph.get(index, ()), key=lambda m: m.start):
                if mention.start < cursor:
                    continue  # overlapping mentions: the first one wins
                pieces.append(text_node(paragraph[cursor : mention.start]))
                pieces.append(self.link(paragraph[mention.start : mention.end], from_page, entity_page(mention.entity_id)))
                cursor = mention.end
            pieces.append(text_node(paragraph[cursor:]))
            rendered.append(Markup("").join(pieces))
        return rendered


FRAGMENT_PLACEHOLDER = re.compile(r'<div data-digest-fragment="([0-9a-f]{32}-[0-9]+)"></div>')  # group 1: its token


def fragment_placeholder(token: str) -> str:
    return f'<div data-digest-fragment="{token}"></div>'


def fill_fragments(html: str, fragments: tuple[tuple[str, str], ...]) -> str:
    """The engine's HTML of a page with each placeholder replaced by its fragment, in one pass.

    Only the page's own placeholders are replaced, each once (its fragment's HTML is never
    scanned again); a placeholder the engine did not pass through intact is an error, since the
    page would lose its text.
    """
    if not fragments:
        return html
    by_token = {FRAGMENT_PLACEHOLDER.fullmatch(placeholder).group(1): fragment for placeholder, fragment in fragments}
    used: set[str] = set()

    def fill(match: re.Match) -> str:
        token = match.group(1)
        if token not in by_token or token in used:
            return ""
        used.add(token)
        return by_token[token]

    filled = FRAGMENT_PLACEHOLDER.sub(fill, html)
    if len(used) != len(by_token):
        raise ValueError("the site engine did not keep a fragment's placeholder in place")
    return filled


def rating_badge(rating: str | None) -> Markup:
    css = f"rating rating-{rating}" if rating in RATING_LABELS else "rating rating-none"
    return Markup(f'<span class="{css}">{text_node(Renderer.rating_label(rating))}</span>')


@dataclass(frozen=True)
class Pagination:
    number: int
    paths: list[str]
    total: int



def newest_first(articles) -> list[EnrichedArticle]:
    """Dated articles newest first, then undated ones by title."""
    dated = sorted((a for a in articles if a.published), key=lambda a: (a.published, a.id), reverse=True)
    undated = sorted((a for a in articles if not a.published), key=lambda a: a.title.lower())
    return dated + undated


def _articles_json(digest: LinkedDigest, page_url: Callable[[str], str]) -> bytes:
    records = []
    for article in digest.articles:
        records.append(
            {
                "id": article.id,
                "title": article.title,
                "subtitle": article.subtitle,
                "outlet": article.outlet_id,
                "outlet_name": article.outlet_name,
                "outlet_source": article.outlet_source,
                "outlet_claimed": article.outlet_claimed,
                "published": article.published,
                "byline": article.byline,
                "url": article.url,
                "summary": article.summary,
                "summary_status": article.summary_status,
                "text": article.text,
                "tags": list(article.tags),
                "entities": [m.entity_id for m in article.entities],
                "related": [{"id": r.id, "reason": r.reason} for r in digest.related.get(article.id, ())],
                "story": digest.story_of.get(article.id),
                "page": page_url(article_page(article.id)),
                "archived_url": article.archived_url,
                "archived": article.archived,
                "provenance": {
                    "source": article.provenance.source,
                    "retrieved": article.provenance.retrieved,
                    "recorded_sha256": article.provenance.recorded_sha256,
                    "sha256": article.provenance.sha256,
                },
            }
        )
    return b'{"articles": ' + json_array(records) + b"}\n"


MAX_CLAIM_SHOWN = 60


def _unconfirmed_claim(article: EnrichedArticle, digest: LinkedDigest) -> str | None:
    """The outlet the page claims, unless the evidence already says the same.

    Shown quoted and cut to the length of a name: a page's site name can be any sentence
    ("Reuters · High reliability. This article was attributed by the editors…"), and the box
    that says who published an article is no place for the page's own prose.
    """
    attribution = Attribution(article.outlet_id, article.outlet_name, article.outlet_source)  # type: ignore[arg-type]
    claim = article.outlet_claimed
    if not claim or claim_confirmed(claim, attribution, digest.outlets):
        return None
    return claim if len(claim) <= MAX_CLAIM_SHOWN else claim[:MAX_CLAIM_SHOWN].rsplit(" ", 1)[0] + "…"


def _shared_story(digest: LinkedDigest, article_id: str) -> Story | None:
    """The article's story if other articles report it too; a story of one is no page."""
    story = digest.stories.get(digest.story_of.get(article_id, ""))
    return story if story and len(story.article_ids) > 1 else None


def _coverage_pages(renderer: Renderer, ordered: list[EnrichedArticle], disagreements: dict,
                    extras: "SiteExtras") -> list[Page]:
    """Story, entity and timeline pages: one event read through several outlets, and who said what."""
    digest = renderer.digest
    stories = [s for s in digest.stories.values() if len(s.article_ids) > 1]
    pages = []
    for story in stories:
        members = [renderer.by_id[i] for i in story.article_ids if i in renderer.by_id]
        dates = sorted(a.published for a in members if a.published)
        grid = coverage_grid(renderer.reports(members), ("day", "week", "month", "quarter", "year"))
        chart = extras.chart(story_chart(story.id), grid, f"Coverage timeline: {story.title}",
                             "Which outlet reported this story when; each dot is one or more articles.")
        feed = extras.feed(feed_path("stories", story.id), f"Story: {story.title}", story_page(story.id), members)
        pages.extend(renderer.paginated(
            "story.md.j2", story_page(story.id), story.title, "articles", members, STORY_ROWS_PER_PAGE, feeds=[feed], story=story,
            first_date=dates[0] if dates else None, last_date=dates[-1] if dates else None,
            compared=_figures_compared(members), disagreements=disagreements.get(story.id, []),
            chart=chart, grid=grid,
        ))
    listed = [(s, renderer.by_id[s.article_ids[0]].published, len({renderer.by_id[i].outlet_id for i in s.article_ids}))
              for s in stories]
    listed.sort(key=lambda row: (row[1] or "", row[0].id), reverse=True)
    pages.append(renderer.page("stories_index.md.j2", "stories/index.md", "Stories", stories=listed))

    mentions: dict[str, list[tuple[EnrichedArticle, EntityMention]]] = defaultdict(list)
    for article in ordered:
        for mention in article.entities:
            mentions[mention.entity_id].append((article, mention))
    for entity in digest.entities.values():
        mentioned = mentions.get(entity.id, [])
        feeds = [extras.feed(feed_path("entities", entity.id), f"Mentions of {entity.name}", entity_page(entity.id),
                             [article for article, _ in mentioned])] if mentioned else []
        pages.extend(renderer.paginated("entity.md.j2", entity_page(entity.id), entity.name,
                                        "mentions", mentioned, feeds=feeds, entity=entity))
    by_kind: dict[str, list] = defaultdict(list)
    for entity in sorted(digest.entities.values(), key=lambda e: e.name.lower()):
        by_kind[entity.kind].append((entity, len(mentions.get(entity.id, []))))
    sections = [(ENTITY_SECTIONS[kind], by_kind[kind]) for kind in ENTITY_SECTIONS if by_kind[kind]]
    pages.append(renderer.page("entities_index.md.j2", "entities/index.md", "People, places and organisations", sections=sections))

    starting: dict[str | None, list] = defaultdict(list)
    for story in stories:
        starting[renderer.by_id[story.article_ids[0]].published].append(story)
    entries: list[tuple[str | None, Story | None, EnrichedArticle | None]] = []
    for article in ordered:  # each day: the stories that start on it, then its articles
        if not entries or entries[-1][0] != article.published:
            entries.extend((article.published, story, None) for story in starting.get(article.published, []))
        entries.append((article.published, None, article))
    pages.extend(renderer.paginated("timeline.md.j2", "timeline.md", "Timeline", "entries", entries))
    return pages


def _figures_compared(articles: list[EnrichedArticle]) -> list[tuple[str, list[tuple[EnrichedArticle, Figure]]]]:
    """What more than one outlet counts, with each article's first figure for it."""
    reports: dict[str, dict[str, tuple[EnrichedArticle, Figure]]] = defaultdict(dict)
    for article in articles:
        for figure in article.figures:
            reports[counted_thing(figure)].setdefault(article.id, (article, figure))
    compared = []
    for thing, by_article in sorted(reports.items()):
        rows = list(by_article.values())
        if thing and len({article.outlet_id for article, _ in rows}) > 1:
            compared.append((rows[0][1].counts, rows))
    return compared


class SiteExtras:
    """The files written beside the pages (feeds, charts, citations), collected as pages ask for them."""

    def __init__(self, renderer: Renderer, page_url: Callable[[str], str]):
        self.renderer = renderer
        self.page_url = page_url
        self.files: dict[str, bytes] = {}

    def feed(self, path: str, title: str, page: str, articles) -> tuple[str, str]:
        """Write the Atom feed of ``articles``; returns (title, path) for the page's <head>."""
        spec = FeedSpec(path=path, title=feed_title(self.renderer.digest, title), page_url=self.page_url(page), articles=articles)
        self.files[path] = atom_feed(spec, self.renderer.digest.title,
                                     lambda article: self.page_url(article_page(article.id)), self.renderer.publisher)
        return spec.title, path

    def chart(self, path: str, grid: Grid, title: str, desc: str) -> str | None:
        if not grid.columns:
            return None
        self.files[path] = grid_chart(grid, title, desc)
        return path

    def citations(self, article: EnrichedArticle) -> list[tuple[str, str]]:
        """Write the article's CSL-JSON and BibTeX files; returns its Highwire Press meta tags."""
        publisher = self.renderer.publisher(article)
        csl_path, bib_path = citation_files(article.id)
        self.files[csl_path] = digest_csl_json([csl_item(article, publisher)])
        self.files[bib_path] = bibtex_entry(article, publisher).encode("utf-8")
        return highwire_tags(article, publisher)


def _digest_data(renderer: Renderer, page_url: Callable[[str], str]) -> dict[str, bytes]:
    """data/: the whole digest as articles.json, CSL-JSON and CSV (metadata only, no article text)."""
    digest = renderer.digest
    rating = lambda a: digest.outlets[a.outlet_id].rating if a.outlet_id in digest.outlets else None  # noqa: E731
    return {
        "data/articles.json": _articles_json(digest, page_url),
        "data/articles.csl.json": digest_csl_json(
            csl_item(a, renderer.publisher(a), page_url(article_page(a.id))) for a in digest.articles
        ),
        "data/articles.csv": digest_csv(
            csv_row(a, renderer.publisher(a), rating(a), digest.story_of.get(a.id), page_url(article_page(a.id)))
            for a in digest.articles
        ),
    }


def _overview(renderer: Renderer, extras: SiteExtras, ordered: list[EnrichedArticle]) -> dict[str, object]:
    """The home page's pictures: articles per outlet per month, and articles per rating."""
    digest = renderer.digest
    grid = coverage_grid(renderer.reports(ordered), ("month", "quarter", "year"))
    months_chart = extras.chart(OUTLET_MONTHS_CHART, grid, "Articles per outlet per month",
                                "Dots show how many articles each outlet has in the digest in each period.")
    articles_per: Counter = Counter()
    outlets_per: dict[str, set] = defaultdict(set)
    for article in ordered:
        outlet = digest.outlets.get(article.outlet_id or "")
        key = outlet.rating if outlet and outlet.rating else NOT_ASSESSED
        articles_per[key] += 1
        if article.outlet_id:
            outlets_per[key].add(article.outlet_id)
    ratings = [(RATING_LABELS.get(key, key), articles_per[key], len(outlets_per[key])) for key in (*RATING_LABELS, NOT_ASSESSED)]
    extras.files[RATINGS_CHART] = bar_chart([(label, n) for label, n, _ in ratings], "Articles by their outlet's rating",
                                            "How many of the digest's articles come from outlets of each reliability rating.")
    return {"months_chart": months_chart, "months_grid": grid, "ratings_chart": RATINGS_CHART, "ratings": ratings}


def _article_page(renderer: Renderer, claims: dict, article: EnrichedArticle) -> tuple[Page, dict[str, bytes]]:
    """One article's page and its citation files."""
    digest = renderer.digest
    extras = SiteExtras(renderer, renderer.page_url)
    path = article_page(article.id)
    story = _shared_story(digest, article.id)
    outlet_feeds = [(feed_title(digest, renderer.outlet_name(article.outlet_id)), feed_path("outlets", article.outlet_id))] if article.outlet_id else []
    page = renderer.page(
        "article.md.j2", path, article.title, search_filters=renderer.search_filters(article, story),
        citation=extras.citations(article), feeds=outlet_feeds,
        contradicted=claims.get(article.id, []),
        article=article,
        outlet=digest.outlets.get(article.outlet_id or ""),
        attribution_note=ATTRIBUTION_NOTES.get(article.outlet_source or ""),
        unconfirmed_claim=_unconfirmed_claim(article, digest),
        paragraphs=renderer.paragraphs_with_entity_links(article, path),
        related=[(renderer.by_id[r.id], r) for r in digest.related.get(article.id, ()) if r.id in renderer.by_id],
        story=story,
    )
    return page, extras.files


PARALLEL_ARTICLES = 1000  # below this, forking workers costs more than it saves
_forked_renderer: tuple[Renderer, dict] | None = None  # what forked workers render with (set before the fork)


def _render_articles(renderer: Renderer, claims: dict, articles) -> tuple[list[Page], dict[str, bytes]]:
    pages, files = [], {}
    for article in articles:
        page, written = _article_page(renderer, claims, article)
        pages.append(page)
        files.update(written)
    return pages, files


def _render_forked(start: int, stop: int) -> tuple[list[Page], dict[str, bytes]]:
    renderer, claims = _forked_renderer  # type: ignore[misc]
    return _render_articles(renderer, claims, renderer.digest.articles[start:stop])


class ArticlePages:
    """The article pages, rendered by ``jobs`` forked processes while this one renders the rest.

    Article pages are most of a large digest's rendering and each depends only on the linked
    digest, which a forked worker has without copying it; the pages come back in the articles'
    order, so the site is the same however many workers made it. Where processes cannot be
    forked (Windows, macOS' default), or for one job, this process renders them itself.
    """

    def __init__(self, renderer: Renderer, claims: dict, jobs: int = 1):
        self._inline = jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods()
        self._renderer, self._claims = renderer, claims
        if self._inline:
            return
        global _forked_renderer
        _forked_renderer = (renderer, claims)
        articles = len(renderer.digest.articles)
        chunk = -(-articles // (jobs * 4))  # a few chunks a worker, so none waits long for the last
        self._pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
        self._chunks = [self._pool.submit(_render_forked, start, min(start + chunk, articles))
                        for start in range(0, articles, chunk)]

    def collect(self) -> tuple[list[Page], dict[str, bytes]]:
        if self._inline:
            return _render_articles(self._renderer, self._claims, self._renderer.digest.articles)
        global _forked_renderer
        pages, files = [], {}
        try:
            for chunk in self._chunks:
                chunk_pages, chunk_files = chunk.result()
                pages.extend(chunk_pages)
                files.update(chunk_files)
        finally:
            self._pool.shutdown(cancel_futures=True)
            _forked_renderer = None
        return pages, files


def render_site(
    digest: LinkedDigest, page_url: Callable[[str], str] = directory_url, template_overrides: tuple[Path, ...] = (),
    jobs: int = 1,
) -> RenderedSite:
    renderer = Renderer(digest, page_url, template_overrides)
    extras = SiteExtras(renderer, page_url)
    ordered = newest_first(digest.articles)
    pages: list[Page] = []

    pages.append(
        renderer.page(
            "home.md.j2", "index.md", digest.title,
            latest=ordered[:LATEST_ON_HOME], article_count=len(ordered),
            outlets=sorted(digest.outlets.values(), key=lambda o: o.name.lower()),
            **_overview(renderer, extras, ordered),
        )
    )
    extras.feed(DIGEST_FEED, "all articles", "index.md", ordered)
    disagreements = {}
    claims: dict[str, list] = {}
    for story in digest.stories.values():
        if len(story.article_ids) > 1:
            found = story_disagreements([renderer.by_id[i] for i in story.article_ids if i in renderer.by_id])
            disagreements[story.id] = found
            claims.update(contradicted_claims(found))

    pages.extend(renderer.paginated("articles_index.md.j2", "articles/index.md", "All articles", "articles", ordered))
    articles_at = len(pages)
    article_pages = ArticlePages(renderer, claims, jobs if len(digest.articles) >= PARALLEL_ARTICLES else 1)

    by_outlet: dict[str, list[EnrichedArticle]] = defaultdict(list)
    for article in ordered:
        if article.outlet_id:
            by_outlet[article.outlet_id].append(article)
    outlet_ids = sorted(set(digest.outlets) | set(by_outlet))
    for outlet_id in outlet_ids:
        name = renderer.outlet_name(outlet_id)
        feed = extras.feed(feed_path("outlets", outlet_id), name, outlet_page(outlet_id), by_outlet.get(outlet_id, []))
        pages.extend(
            renderer.paginated(
                "outlet.md.j2", outlet_page(outlet_id), name, "articles", by_outlet.get(outlet_id, []), feeds=[feed],
                outlet=digest.outlets.get(outlet_id), name=name,
            )
        )
    pages.append(
        renderer.page(
            "outlets_index.md.j2", "outlets/index.md", "Outlets",
            outlets=[(oid, renderer.outlet_name(oid), len(by_outlet.get(oid, []))) for oid in outlet_ids],
        )
    )

    pages.extend(_coverage_pages(renderer, ordered, disagreements, extras))
    rendered, citation_files_written = article_pages.collect()
    pages[articles_at:articles_at] = rendered
    extras.files.update(citation_files_written)

    nav = (
        ("Home", "index.md"), ("Articles", "articles/index.md"), ("Stories", "stories/index.md"),
        ("Timeline", "timeline.md"), ("Entities", "entities/index.md"), ("Outlets", "outlets/index.md"),
    )
    return RenderedSite(
        pages=tuple(pages),
        data_files={**_digest_data(renderer, page_url), **extras.files},
        nav=nav,
        title=plain_title(digest.title),
    )
