"""A task's status as of a date, from its due date alone (the dataset records no progress): the words the
per-agency workbooks and the run report share."""

from __future__ import annotations

import datetime as dt

DUE_SOON_DAYS = 90
PAST_DUE = "Quá hạn"
NOT_YET_DUE = "Còn hạn"


def _day(due: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(due) if due else None
    except ValueError:
        return None


def due_status(due: str | None, kind: str | None, as_of: dt.date, window_days: int = DUE_SOON_DAYS) -> str:
    """ "Quá hạn", "Đến hạn trong N ngày", "Còn hạn", or why there is no calendar date to compare."""
    if not due:
        return f"Không có ngày cụ thể ({kind or 'không rõ'})"
    day = _day(due)
    if day is None:
        return f"Hạn không đọc được ({due})"
    if day < as_of:
        return PAST_DUE
    if (day - as_of).days <= window_days:
        return f"Đến hạn trong {window_days} ngày"
    return NOT_YET_DUE
