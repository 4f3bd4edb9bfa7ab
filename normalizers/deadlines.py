"""Deadlines: the timeline text of a task, as a record.

Parsing the Vietnamese timeline grammar is not done yet: every deadline is
'unknown' and flagged for review with the reason "not normalized", so that no
consumer mistakes a missing parse for a real absence of deadline.
"""

from __future__ import annotations

from schemas.records import Deadline

NOT_NORMALIZED = "not normalized"


def normalize_deadline(raw: str | None) -> Deadline:
    return Deadline(kind="unknown", due=None, needs_review=True, reasons=[NOT_NORMALIZED])
