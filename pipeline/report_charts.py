"""The report's charts: matplotlib figures saved as inline SVG (no file, no script, no network).

Text stays text in the SVG (``svg.fonttype: none``): the browser draws the Vietnamese labels with its own fonts,
they can be searched and copied, and the file stays small.  The hash salt is fixed and the date left out, so the
same data gives the same SVG; each chart's ids carry its own prefix.  The object API (``Figure``) is used, not
``pyplot``: no global state, no GUI backend.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, cast

from pipeline.report_data import OTHERS, Counts

_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "font.family": ["DejaVu Sans", "Liberation Sans", "sans-serif"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
_OTHERS_COLOUR = "#b0b0b0"
WIDTH_INCHES = 9.0


# matplotlib's "tab10" then "Set2" (colour-blind friendly, readable on paper): plans beyond them reuse the cycle.
_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf",
    "#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494",
)  # fmt: skip


def _colours(names: Sequence[str]) -> list[str]:
    """One colour per series in order; "Khác" (the rest together) in grey."""
    colours, index = [], 0
    for name in names:
        if name == OTHERS:
            colours.append(_OTHERS_COLOUR)
        else:
            colours.append(_PALETTE[index % len(_PALETTE)])
            index += 1
    return colours


def _drawn_series(counts: Counts) -> dict[str, str]:
    """The series with a bar in this chart, each with the colour of its place among all series (so a plan has
    one colour in every chart)."""
    names = list(counts.series)
    return {name: colour for name, colour in zip(names, _colours(names), strict=True) if any(counts.series[name])}


def _svg(figure: object, ident: str) -> str:
    """The figure as an ``<svg>`` element (no XML prologue, no doctype: it is embedded in HTML).  ``ident`` salts
    the ids matplotlib gives its markers, so that the page's several charts share no id."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "vnplan"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})  # type: ignore[attr-defined]
    text = buffer.getvalue()
    return _own_ids(text[text.index("<svg") :], ident)


def _own_ids(svg: str, ident: str) -> str:
    """Every id of ``svg`` and every reference to one prefixed with ``ident``: matplotlib numbers its elements
    (``figure_1``, ``axes_1``) afresh in each figure, and one HTML page must not hold an id twice."""
    svg = _ID.sub(lambda m: f'{m.group(1)}="{ident}-{m.group(2)}"', svg)
    svg = _HREF.sub(lambda m: f'{m.group(1)}="#{ident}-{m.group(2)}"', svg)
    return _URL.sub(lambda m: f"url(#{ident}-{m.group(1)})", svg)


_ID = re.compile(r'\b(id)="([^"]+)"')
_HREF = re.compile(r'\b((?:xlink:)?href)="#([^"]+)"')
_URL = re.compile(r"url\(#([^)]+)\)")


def _wrap(label: str, width: int = 42) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _styled() -> AbstractContextManager[None]:
    """The report's look (``_RC``) for the figure drawn inside."""
    import matplotlib

    # rc_context's stubs want each key as a Literal; _RC's keys are plain strings.
    return matplotlib.rc_context(cast(Any, _RC))


def _legend(figure: object, names: Sequence[str], title: str) -> None:
    """Below the axes, never over the bars; none for a single series (the caption names it)."""
    if len(names) > 1:
        figure.legend(  # type: ignore[attr-defined]
            title=title, loc="outside lower center", ncols=min(len(names), 3), fontsize=8, title_fontsize=8
        )


def _legend_inches(names: Sequence[str]) -> float:
    return 0.35 + 0.2 * -(-len(names) // 3) if len(names) > 1 else 0.0


MAX_TICK_LABELS = 16


def _sparse(quarters: Sequence[str]) -> list[str]:
    """Past ``MAX_TICK_LABELS`` columns only the first quarter of each year is labelled (the others stay ticked)."""
    if len(quarters) <= MAX_TICK_LABELS:
        return list(quarters)
    return [label if label.startswith("I/") else "" for label in quarters]


def _rows_inches(categories: Sequence[str]) -> float:
    """The height the bars of a horizontal chart take: a line per wrapped label line, a gap per bar."""
    return sum(0.24 * (_wrap(c).count("\n") + 1) + 0.1 for c in categories)


def _stacked(
    axes: Any, series: Mapping[str, Sequence[float]], colours: dict[str, str], horizontal: bool
) -> list[float]:
    """Each series drawn on the ones before it (bars left to right, or columns bottom up); the stacked totals."""
    base = [0.0] * len(next(iter(series.values()), []))
    positions = list(range(len(base)))
    for name, colour in colours.items():
        values = series[name]
        if horizontal:
            axes.barh(positions, values, left=base, color=colour, label=name, height=0.7)
        else:
            axes.bar(positions, values, bottom=base, color=colour, label=name, width=0.75)
        base = [a + b for a, b in zip(base, values, strict=True)]
    return base


def horizontal_bars(counts: Counts, xlabel: str, legend_title: str, ident: str) -> str:
    """One bar per category, top to bottom in the order given, stacked by series."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    colours = _drawn_series(counts)
    height = 1.0 + _rows_inches(counts.categories) + _legend_inches(list(colours))
    with _styled():
        figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
        axes = figure.subplots()
        totals = _stacked(axes, counts.series, colours, horizontal=True)
        for position, total in enumerate(totals):
            axes.annotate(f"{total:g}", (total, position), xytext=(3, 0), textcoords="offset points", va="center")
        axes.set_yticks(range(len(totals)), [_wrap(c) for c in counts.categories])
        axes.invert_yaxis()
        axes.set_xlabel(xlabel)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        _legend(figure, list(colours), legend_title)
        return _svg(figure, ident)


def stacked_columns(counts: Counts, ylabel: str, legend_title: str, ident: str) -> str:
    """One column per category, left to right (the quarters), stacked by series."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    colours = _drawn_series(counts)
    with _styled():
        figure = Figure(figsize=(WIDTH_INCHES, 3.8 + _legend_inches(list(colours))), layout="constrained")
        axes = figure.subplots()
        _stacked(axes, counts.series, colours, horizontal=False)
        rotation = 45 if len(counts.categories) > 8 else 0
        axes.set_xticks(range(len(counts.categories)), _sparse(counts.categories), rotation=rotation, ha="right")
        axes.set_ylabel(ylabel)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        _legend(figure, list(colours), legend_title)
        return _svg(figure, ident)


_SHARE_COLOURS = {
    "Có hạn xác định": "#4c9f70",
    "Thường xuyên, định kỳ": "#4878cf",
    "Có điều kiện": "#e6a23c",
    "Không rõ": "#d65f5f",
}


def share_bars(counts: Counts, xlabel: str, ident: str) -> str:
    """Each category's rows as 100 %, split by series (the deadline shares of each plan or province)."""
    from matplotlib.figure import Figure

    totals = counts.category_totals()
    names = [name for name in counts.series if any(counts.series[name])]
    fallback = iter(_colours([name for name in names if name not in _SHARE_COLOURS]))
    colours = {name: _SHARE_COLOURS.get(name) or next(fallback) for name in names}
    shares = {
        name: [100.0 * v / t if t else 0.0 for v, t in zip(counts.series[name], totals, strict=True)] for name in names
    }
    with _styled():
        figure = Figure(figsize=(WIDTH_INCHES, 1.5 + _rows_inches(counts.categories)), layout="constrained")
        axes = figure.subplots()
        _stacked(axes, shares, colours, horizontal=True)
        labels = [f"{_wrap(c)} ({t})" for c, t in zip(counts.categories, totals, strict=True)]
        axes.set_yticks(range(len(totals)), labels)
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.set_xlabel(xlabel)
        figure.legend(loc="outside lower center", ncols=len(names), fontsize=8)
        return _svg(figure, ident)
