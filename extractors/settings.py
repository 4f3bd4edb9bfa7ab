"""Every knob of the PDF reader in one explicit settings object (after pdfplumber's TableSettings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def _default_table_settings() -> dict[str, Any]:
    # Plans print their appendices as ruled tables: find cells from the drawn lines only,
    # so that text columns in the body are never mistaken for a table.
    return {
        "vertical_strategy": "lines",
        "horizontal_strategy": "lines",
        "snap_tolerance": 3,
        "join_tolerance": 3,
        "intersection_tolerance": 3,
    }


@dataclass(frozen=True)
class PdfSettings:
    table_settings: dict[str, Any] = field(default_factory=_default_table_settings)
    """Passed as is to ``pdfplumber.Page.find_tables``."""

    superscript_max_ratio: float = 0.7
    """A char smaller than this fraction of the page's usual size is a superscript marker and is dropped."""

    bold_font_markers: tuple[str, ...] = ("bold", "black", "heavy", "semibold", ",b")
    """Substrings of a font name (case-insensitive) that mean bold."""

    margin_ratio: float = 0.1
    """A lone number within this fraction of the page height from the top/bottom is a page number."""

    paragraph_gap_ratio: float = 0.9
    """A vertical gap larger than this many line heights starts a new paragraph."""

    full_line_ratio: float = 0.9
    """A line reaching this fraction of the text width continues into the next line."""

    centre_tolerance: float = 12.0
    """Points of asymmetry allowed for two lines to count as centred (titles)."""

    size_tolerance: float = 0.5
    """Points of font-size difference that end a paragraph."""

    x_tolerance: float = 1.5
    """pdfplumber's horizontal tolerance when grouping chars into words."""


DEFAULT_PDF_SETTINGS = PdfSettings()
