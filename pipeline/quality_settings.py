"""The quality gate's knobs (``pipeline.quality``), apart from the gate: a run's fingerprint includes them, and
the check for "nothing changed" must not import pandas and Great Expectations to compute it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QualitySettings:
    """Every knob of the gate in one place."""

    # A plan may lose at most this share of its rows (targets + tasks) against the last published run.
    max_row_drop: float = 0.5
    # A due date outside these years is a misread, not a plan's deadline.
    earliest_due_year: int = 2000
    latest_due_year: int = 2100
    # STT as plans number rows: 1, 2, 10, or 1.2 for a sub-row.
    stt_pattern: str = r"^\d+(?:\.\d+)*$"
    # Appendix groups are Roman numerals; prose task lists number their groups 1, 2, 3 too.
    roman_group_pattern: str = r"^[IVXLC]+$"
    section_group_pattern: str = r"^(?:\d+|[IVXLC]+)$"
    # At least this share of a run's plans is complete (extractors.completeness), else a warning.
    min_complete_share: float = 0.9
