"""Keeping the published report current when nothing else changes.

The report's due-soon and past-due tables depend on the day.  A nightly run that finds nothing new publishes
nothing (``pipeline.unchanged``), so the published ``report.html`` would keep the date of the last real run.
Instead, such a run redraws it when its date is not today's.  This module is light (no chart or SQL library) so
that the check costs nothing on the no-change path; the drawing is imported only when it is needed.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPORT_NAME = "report.html"
TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
_AS_OF = re.compile(r'data-as-of="(\d{4}-\d{2}-\d{2})"')


def today_in_vietnam() -> dt.date:
    return dt.datetime.now(TIME_ZONE).date()


def report_date(path: Path) -> dt.date | None:
    """The as-of date a written report states (None: no report there, or not one of vnplan's)."""
    try:
        with path.open(encoding="utf-8") as handle:
            found = _AS_OF.search(handle.read(8192))
    except OSError:
        return None
    return dt.date.fromisoformat(found.group(1)) if found else None


def refresh_report(run_dir: Path, today: dt.date | None = None) -> tuple[Path | None, str | None]:
    """``run_dir``'s report, redrawn as of ``today`` (default: today in Vietnam) unless it already is; the report's
    path (None if it could not be written) and, if so, why."""
    today = today or today_in_vietnam()
    report = run_dir / REPORT_NAME
    if report_date(report) == today:
        return report, None
    return try_write_report(run_dir, today)


def try_write_report(
    run_dir: Path, as_of: dt.date | None = None, manifest: dict[str, Any] | None = None
) -> tuple[Path | None, str | None]:
    """Write ``run_dir``'s report; its path, or None and why it could not be written.  The report is a view of
    the dataset: when it cannot be drawn the run still publishes and says why, it is not failed for it."""
    from pipeline.report import write_report

    try:
        return write_report(run_dir, as_of, manifest=manifest), None
    except Exception as error:  # any failure of the view is reported; the dataset stands
        return None, f"{type(error).__name__}: {error}"
