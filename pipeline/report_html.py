"""The run report as one self-contained HTML page: Jinja2 (autoescaped) over :class:`ReportData`, styles inline,
charts as inline SVG, no script and no link that leaves the folder.  The page is ``templates/report.html.j2``.

In Vietnamese, with the words the plans' followers use (kế hoạch, chỉ tiêu, nhiệm vụ, cơ quan chủ trì, thời hạn).
Each chart has its numbers in a table below it (a ``<details>``): to copy, and to read without the picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from pipeline.report_data import Counts, ReportData


@dataclass(frozen=True)
class Chart:
    anchor: str
    title: str
    caption: str
    svg: str
    counts: Counts
    category_header: str


@dataclass(frozen=True)
class Links:
    """Where the report's links point, relative to the report file (None: not there)."""

    data_docs: str | None
    review_queue: str | None
    dataset: str


TEMPLATE = "report.html.j2"


def vn_date(iso: str) -> str:
    """ "2026-12-31" as Vietnamese write it: "31/12/2026" (anything else as it is)."""
    parts = iso.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 and all(part.isdigit() for part in parts) else iso


_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("pipeline", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
)
_ENVIRONMENT.filters["vn_date"] = vn_date


def render_report(data: ReportData, charts: list[Chart], links: Links, past_due: str, window_days: int) -> str:
    template = _ENVIRONMENT.get_template(TEMPLATE)
    published = [plan for plan in data.plans if plan.published]
    return template.render(
        data=data,
        charts=charts,
        links=links,
        as_of=data.as_of.isoformat(),
        quality=data.quality,
        published=published,
        held_back=[plan for plan in data.plans if not plan.published],
        past_due=past_due,
        window=window_days,
    )
