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
from collections.abc import Sequence
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


def horizontal_bars(counts: Counts, xlabel: str, legend_title: str, ident: str) -> str:
    """One bar per category, top to bottom in the order given, stacked by series."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    lines = sum(_wrap(c).count("\n") + 1 for c in counts.categories)
    with _styled():
        figure = Figure(
            figsize=(
                WIDTH_INCHES,
                1.0 + 0.24 * lines + 0.1 * len(counts.categories) + _legend_inches(list(_drawn_series(counts))),
            ),
            layout="constrained",
        )
        axes = figure.subplots()
        positions = list(range(len(counts.categories)))
        left = [0] * len(positions)
        names = _drawn_series(counts)
        for name, colour in names.items():
            values = counts.series[name]
            axes.barh(positions, values, left=left, color=colour, label=name, height=0.7)
            left = [a + b for a, b in zip(left, values, strict=True)]
        for position, total in zip(positions, left, strict=True):
            axes.annotate(str(total), (total, position), xytext=(3, 0), textcoords="offset points", va="center")
        axes.set_yticks(positions, [_wrap(c) for c in counts.categories])
        axes.invert_yaxis()
        axes.set_xlabel(xlabel)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        _legend(figure, list(names), legend_title)
        return _svg(figure, ident)


def stacked_columns(counts: Counts, ylabel: str, legend_title: str, ident: str) -> str:
    """One column per category, left to right (the quarters), stacked by series."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with _styled():
        figure = Figure(figsize=(WIDTH_INCHES, 3.8 + _legend_inches(list(_drawn_series(counts)))), layout="constrained")
        axes = figure.subplots()
        positions = list(range(len(counts.categories)))
        bottom = [0] * len(positions)
        names = _drawn_series(counts)
        for name, colour in names.items():
            values = counts.series[name]
            axes.bar(positions, values, bottom=bottom, color=colour, label=name, width=0.75)
            bottom = [a + b for a, b in zip(bottom, values, strict=True)]
        axes.set_xticks(positions, _sparse(counts.categories), rotation=45 if len(positions) > 8 else 0, ha="right")
        axes.set_ylabel(ylabel)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        _legend(figure, list(names), legend_title)
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

    totals = [sum(counts.series[name][i] for name in counts.series) for i in range(len(counts.categories))]
    lines = sum(_wrap(c).count("\n") + 1 for c in counts.categories)
    with _styled():
        figure = Figure(figsize=(WIDTH_INCHES, 1.5 + 0.24 * lines + 0.1 * len(counts.categories)), layout="constrained")
        axes = figure.subplots()
        positions = list(range(len(counts.categories)))
        left = [0.0] * len(positions)
        names = [name for name in counts.series if any(counts.series[name])]
        fallback = iter(_colours([n for n in names if n not in _SHARE_COLOURS]))
        for name in names:
            shares = [100.0 * v / t if t else 0.0 for v, t in zip(counts.series[name], totals, strict=True)]
            colour = _SHARE_COLOURS.get(name) or next(fallback)
            axes.barh(positions, shares, left=left, color=colour, label=name, height=0.7)
            left = [a + b for a, b in zip(left, shares, strict=True)]
        axes.set_yticks(positions, [f"{_wrap(c)} ({t})" for c, t in zip(counts.categories, totals, strict=True)])
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.set_xlabel(xlabel)
        figure.legend(loc="outside lower center", ncols=len(names), fontsize=8)
        return _svg(figure, ident)
