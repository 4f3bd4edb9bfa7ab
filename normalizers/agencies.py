"""Agency cells: one cell names one or more agencies.

For now a cell is split on commas and semicolons and each piece is its own
name; resolving pieces to canonical agencies (and not splitting inside names
such as "Sở Văn hóa, Thể thao và Du lịch") is the agency registry's job.
"""

from __future__ import annotations

import re

from normalizers.text import clean_text
from schemas.records import AgencyRef

_SEPARATOR = re.compile(r"[,;]")


def split_agency_cell(cell: str | None) -> list[AgencyRef]:
    pieces = (clean_text(piece) for piece in _SEPARATOR.split(cell or ""))
    return [AgencyRef(raw=piece, name=piece, collective=False) for piece in pieces if piece]
