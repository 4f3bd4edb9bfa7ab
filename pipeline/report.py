"""The run report: ``report.html`` in every run folder (so ``OUT/current/report.html``), and ``vnplan report``.

gather (``pipeline.report_data``: SQL over the run's Parquet files, its manifest) → draw (``pipeline.report_charts``:
matplotlib SVG) → render (``pipeline.report_html``: one self-contained page) → write atomically.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.atomic import atomic_write_text
from pipeline.due_status import PAST_DUE
from pipeline.report_data import Counts, ReportData, ReportSettings, gather
from pipeline.report_html import Chart, Links, render_report
from pipeline.report_refresh import REPORT_NAME, today_in_vietnam
from pipeline.runs import RUNS_DIR


def write_report(
    run_dir: Path,
    as_of: dt.date | None = None,
    out: Path | None = None,
    settings: ReportSettings | None = None,
    manifest: dict[str, Any] | None = None,
) -> Path:
    """Write the report of ``run_dir`` (a run folder holding a dataset) to ``out`` (default: ``run_dir/report.html``),
    with the deadlines' status as of ``as_of`` (default: today in Vietnam); its path.  ``manifest``: the run's, when
    it is not written yet."""
    settings = settings or ReportSettings()
    as_of = as_of or today_in_vietnam()
    target = out or run_dir / REPORT_NAME
    data = gather(run_dir, as_of, settings, manifest)
    page = render_report(data, charts(data), _links(run_dir, target), PAST_DUE, settings.due_window_days)
    atomic_write_text(target, page)
    return target


def charts(data: ReportData) -> list[Chart]:
    from pipeline.report_charts import share_bars, stacked_columns

    per = data.series_by
    legend = _legend_title(per)
    quarters, shares = data.due_quarters, data.deadline_shares
    return [
        _agency_chart(
            "co-quan-chu-tri", "Nhiệm vụ theo cơ quan chủ trì", data.lead_agencies, "nhiệm vụ", "cơ quan chủ trì", per
        ),
        Chart(
            "han-theo-quy",
            "Thời hạn theo quý",
            f"Số nhiệm vụ có hạn trong mỗi quý (ngày cuối của thời hạn), màu theo {per}; "
            f"{data.without_due} nhiệm vụ không có ngày cụ thể không tính ở đây.",
            _drawn(quarters, lambda c: stacked_columns(c, "Số nhiệm vụ", legend, "han-theo-quy")),
            quarters,
            "Quý",
        ),
        Chart(
            "loai-thoi-han",
            "Loại thời hạn",
            f"Tỷ lệ nhiệm vụ của mỗi {per} theo loại thời hạn (trong ngoặc: số nhiệm vụ). "
            "Thời hạn có điều kiện hoặc không rõ cần được đôn đốc, làm rõ.",
            _drawn(shares, lambda c: share_bars(c, "Tỷ lệ nhiệm vụ (%)", "loai-thoi-han")),
            shares,
            per.capitalize(),
        ),
        _agency_chart(
            "co-quan-theo-doi",
            "Chỉ tiêu theo cơ quan theo dõi",
            data.tracking_agencies,
            "chỉ tiêu",
            "cơ quan theo dõi",
            per,
        ),
    ]


def _agency_chart(anchor: str, title: str, counts: Counts, rows: str, role: str, per: str) -> Chart:
    """A chart of the agencies with the most ``rows`` ("nhiệm vụ", "chỉ tiêu") in a ``role``, coloured by ``per``."""
    from pipeline.report_charts import horizontal_bars

    left_out = f" Còn {counts.left_out} cơ quan khác (số liệu đầy đủ: vnplan query)." if counts.left_out else ""
    return Chart(
        anchor,
        title,
        f"Số {rows} mỗi {role}, {len(counts.categories)} cơ quan nhiều nhất, màu theo {per}.{left_out}",
        _drawn(counts, lambda c: horizontal_bars(c, f"Số {rows}", _legend_title(per), anchor)),
        counts,
        role.capitalize(),
    )


def _legend_title(per: str) -> str:
    return "Kế hoạch" if per == "kế hoạch" else "Tỉnh, thành phố"


def _drawn(counts: Counts, draw: Callable[[Counts], str]) -> str:
    """The chart's SVG, or "" when there is nothing to draw (the page says so instead)."""
    if not counts.categories or counts.total() == 0:
        return ""
    return draw(counts)


def _links(run_dir: Path, report: Path) -> Links:
    def relative(path: Path) -> str | None:
        if not path.is_file():
            return None
        return Path(os.path.relpath(path.resolve(), report.resolve().parent)).as_posix()

    dataset = run_dir.parent.parent if run_dir.parent.name == RUNS_DIR else run_dir
    return Links(
        data_docs=relative(run_dir / "quality" / "index.html"),
        review_queue=relative(run_dir / "review_queue.csv"),
        dataset=str(dataset),
    )
