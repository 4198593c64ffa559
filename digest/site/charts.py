"""Static SVG pictures made at build time: no script is needed to see them, and none can run.

Three pictures: a story's coverage timeline (which outlet reported when), the digest's articles
per outlet per month, and how the digest's articles spread over the reliability ratings.

Pages show them through <img>, in which a browser never runs scripts or loads anything, and every
label is written by ElementTree, which escapes it as XML text; the labels that come from content
(outlet names, headlines) are the only text that is not ours. Each picture carries <title> and
<desc> (role="img"); the page puts the same figures in a table beside it.

The number of marks is bounded whatever the size of the digest: at most TOP_OUTLETS rows (the
rest summed as "Other outlets") and at most MAX_COLUMNS time buckets, which widen from month to
quarter to year (or, on a story, from day to week to month) as the span grows.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from digest.site.escaping import xml_name

SVG_NS = "http://www.w3.org/2000/svg"
TOP_OUTLETS = 12
MAX_COLUMNS = 48
LABEL_CHARACTERS = 28
HEADLINE_CHARACTERS = 80
OTHER_OUTLETS = "Other outlets"
_FONT = "font-family:sans-serif;font-size:11px"
_LEFT, _TOP, _CELL, _ROW = 190, 36, 14, 18

ET.register_namespace("", SVG_NS)


@dataclass(frozen=True)
class Bucketing:
    """How dates are grouped into columns: by day, week, month, quarter or year."""

    name: str

    def key(self, day: dt.date) -> str:
        if self.name == "day":
            return day.isoformat()
        if self.name == "week":
            monday = day - dt.timedelta(days=day.weekday())
            return "week of " + monday.isoformat()
        if self.name == "month":
            return f"{day.year}-{day.month:02d}"
        if self.name == "quarter":
            return f"{day.year} Q{(day.month - 1) // 3 + 1}"
        return str(day.year)

    def span(self, first: dt.date, last: dt.date, limit: int | None = None) -> list[str]:
        """Every column label from ``first`` to ``last``, in order, gaps included (only the first
        ``limit`` + 1 if there are more than ``limit``)."""
        keys, day = [], first
        while day <= last:
            key = self.key(day)
            if not keys or keys[-1] != key:
                keys.append(key)
                if limit is not None and len(keys) > limit:
                    return keys
            step = dt.timedelta(days=1 if self.name in ("day", "week") else 28)
            if day > dt.date.max - step:  # the last day a date can be: nothing comes after it
                break
            day += step
        if keys[-1] != self.key(last):
            keys.append(self.key(last))
        return keys


def choose_bucketing(first: dt.date, last: dt.date, choices: Sequence[str]) -> Bucketing:
    """The finest grouping that fits the span in MAX_COLUMNS columns."""
    for name in choices:
        bucketing = Bucketing(name)
        if len(bucketing.span(first, last, limit=MAX_COLUMNS)) <= MAX_COLUMNS:
            return bucketing
    return Bucketing("year")


@dataclass(frozen=True)
class Grid:
    """Counts of articles by row (an outlet) and column (a period): what a chart and its table show."""

    rows: list[str]  # outlet names, most articles first, OTHER_OUTLETS last when present
    columns: list[str]  # period labels, oldest first
    counts: dict[tuple[str, str], int]
    titles: dict[tuple[str, str], str]  # the headline of a cell that holds one article, for its tooltip
    undated: int = 0

    def row_columns(self, row: str) -> list[tuple[str, int]]:
        """The periods in which the row has articles, oldest first, with their counts."""
        return [(column, self.counts[(row, column)]) for column in self.columns if (row, column) in self.counts]

    def column_rows(self, column: str) -> list[tuple[str, int]]:
        """The outlets with articles in the period, in row order, with their counts."""
        return [(row, self.counts[(row, column)]) for row in self.rows if (row, column) in self.counts]


def coverage_grid(reports: Iterable[tuple[str, str | None, str]], choices: Sequence[str]) -> Grid:
    """Group (outlet name, ISO date or None, headline) reports into a bounded grid."""
    reports = list(reports)
    dated = [(outlet, dt.date.fromisoformat(day[:10]), title) for outlet, day, title in reports if day]
    per_outlet = Counter(outlet for outlet, _, _ in dated)
    top = [name for name, _ in sorted(per_outlet.items(), key=lambda kv: (-kv[1], kv[0].lower()))[:TOP_OUTLETS]]
    shown = set(top)
    rows = top + ([OTHER_OUTLETS] if len(per_outlet) > len(top) else [])
    if not dated:
        return Grid(rows, [], {}, {}, undated=len(reports))
    bucketing = choose_bucketing(min(d for _, d, _ in dated), max(d for _, d, _ in dated), choices)
    columns = bucketing.span(min(d for _, d, _ in dated), max(d for _, d, _ in dated))
    counts: Counter = Counter()
    titles: dict[tuple[str, str], str] = {}
    for outlet, day, title in dated:
        cell = (outlet if outlet in shown else OTHER_OUTLETS, bucketing.key(day))
        counts[cell] += 1
        titles[cell] = title
    return Grid(rows, columns, dict(counts), titles, undated=len(reports) - len(dated))


def _label(text: str, limit: int = LABEL_CHARACTERS) -> str:
    text = xml_name(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _document(width: int, height: int, title: str, desc: str) -> ET.Element:
    svg = ET.Element(f"{{{SVG_NS}}}svg", {
        "width": str(width), "height": str(height), "viewBox": f"0 0 {width} {height}",
        "role": "img", "aria-labelledby": "chart-title chart-desc",
    })
    ET.SubElement(svg, f"{{{SVG_NS}}}title", {"id": "chart-title"}).text = xml_name(title)
    ET.SubElement(svg, f"{{{SVG_NS}}}desc", {"id": "chart-desc"}).text = xml_name(desc)
    return svg


def _text(parent: ET.Element, x: float, y: float, text: str, anchor: str = "start", **extra: str) -> None:
    ET.SubElement(parent, f"{{{SVG_NS}}}text", {
        "x": f"{x:g}", "y": f"{y:g}", "text-anchor": anchor, "style": _FONT, **extra,
    }).text = text


def _serialize(svg: ET.Element) -> bytes:
    return ET.tostring(svg, encoding="utf-8", xml_declaration=True)


def grid_chart(grid: Grid, title: str, desc: str) -> bytes:
    """A dot grid: one row per outlet, one column per period, dot area by number of articles."""
    width = _LEFT + max(1, len(grid.columns)) * _CELL + 20
    height = _TOP + max(1, len(grid.rows)) * _ROW + 60
    svg = _document(width, height, title, desc)
    peak = max(grid.counts.values(), default=1)
    for index, row in enumerate(grid.rows):
        y = _TOP + index * _ROW + _ROW / 2
        _text(svg, _LEFT - 8, y + 4, _label(row), "end")
        ET.SubElement(svg, f"{{{SVG_NS}}}line", {
            "x1": str(_LEFT), "x2": str(width - 20), "y1": f"{y:g}", "y2": f"{y:g}", "stroke": "#ddd",
        })
        for column_index, column in enumerate(grid.columns):
            count = grid.counts.get((row, column))
            if not count:
                continue
            radius = 2 + 4.5 * (count / peak) ** 0.5
            dot = ET.SubElement(svg, f"{{{SVG_NS}}}circle", {
                "cx": f"{_LEFT + column_index * _CELL + _CELL / 2:g}", "cy": f"{y:g}", "r": f"{radius:.1f}",
                "fill": "#3f51b5", "fill-opacity": "0.75",
            })
            label = f"{row}, {column}: " + (f"“{_label(grid.titles[(row, column)], HEADLINE_CHARACTERS)}”" if count == 1 else f"{count} articles")
            ET.SubElement(dot, f"{{{SVG_NS}}}title").text = xml_name(label)
    axis_y = _TOP + len(grid.rows) * _ROW + 14
    step = max(1, len(grid.columns) // 8)
    for column_index, column in enumerate(grid.columns):
        if column_index % step == 0 or column_index == len(grid.columns) - 1:
            x = _LEFT + column_index * _CELL + _CELL / 2
            _text(svg, x, axis_y, column, "end", transform=f"rotate(-35 {x:g} {axis_y:g})")
    return _serialize(svg)


def bar_chart(bars: Sequence[tuple[str, int]], title: str, desc: str) -> bytes:
    """Horizontal bars, one per label (a handful: the rating scale)."""
    width, bar_width = 520, 280
    height = _TOP + max(1, len(bars)) * 24 + 10
    svg = _document(width, height, title, desc)
    peak = max((count for _, count in bars), default=0) or 1
    for index, (label, count) in enumerate(bars):
        y = _TOP + index * 24
        _text(svg, _LEFT - 8, y + 14, _label(label), "end")
        length = bar_width * count / peak
        ET.SubElement(svg, f"{{{SVG_NS}}}rect", {
            "x": str(_LEFT), "y": str(y + 3), "width": f"{length:.1f}", "height": "16", "fill": "#3f51b5",
        })
        _text(svg, _LEFT + length + 6, y + 15, str(count))
    return _serialize(svg)
