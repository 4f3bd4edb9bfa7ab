"""Every knob of the PDF reader in one explicit settings object (after pdfplumber's TableSettings)."""

from __future__ import annotations

import math
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
class OcrSettings:
    """Every knob of the OCR of scanned pages (``extractors.ocr``): tesseract, rendering, ruling lines.

    Lengths are in PDF points (1/72 inch), whatever the rendering resolution.
    """

    enabled: bool = True
    """Read pages without a text layer by OCR; when off, such pages are skipped as before."""

    language: str = "vie"
    """Tesseract's ``-l`` value: the language data to read with ("vie+eng" for several)."""

    dpi: int = 300
    """Resolution the page is rendered at for tesseract (300 is what tesseract is trained for)."""

    min_chars: int = 20
    """A page whose text layer has fewer visible chars than this is treated as a scan (a stray page number or
    a scanner's watermark is not a text layer)."""

    tesseract_config: str = "--oem 1 --psm 3"
    """Tesseract options for the text outside the tables: the LSTM engine, automatic page layout."""

    cell_config: str = "--oem 1 --psm 6"
    """Tesseract options for the table cells, read pasted one under the other: one block of lines."""

    cell_gap_pt: float = 20.0
    """White space between two cells pasted for reading (more than a line's height: they stay apart)."""

    min_cell_ink_pt: float = 2.0
    """A cell whose ink is smaller than this both ways (a speck of dust, a stray dot) is read as empty."""

    timeout_seconds: float = 180.0
    """Tesseract is stopped on a page it has not read after this long."""

    tesseract_threads: int = 1
    """Threads per tesseract run (its ``OMP_THREAD_LIMIT``; one set in the environment wins).  Tesseract's
    OpenMP threads make one page slower, not faster, on a small machine: 4.8 s against 1.9 s here."""

    blank_ink_ratio: float = 0.0005
    """A rendered page with a smaller share of dark pixels is blank: it is not sent to tesseract."""

    dark_threshold: int | None = None
    """Grey level (0-255) below which a pixel is ink; None: Otsu's threshold, computed per page."""

    line_threshold: int | None = None
    """Grey level below which a pixel can belong to a ruling line; None: halfway from the ink threshold to
    white, because a thin line scanned or straightened turns grey in places and would break into pieces."""

    max_skew_degrees: float = 3.0
    """A scan tilted by up to this many degrees is straightened before reading; 0 switches it off."""

    min_horizontal_line_pt: float = 20.0
    """A horizontal run of ink this long is a ruling line (a letter's stroke is shorter)."""

    min_vertical_line_pt: float = 12.0
    """A vertical run of ink this long is a ruling line (shorter than the lowest table row)."""

    max_line_thickness_pt: float = 4.0
    """A thicker run of ink (a filled box, a logo, a shaded cell) is not a ruling line."""

    line_gap_pt: float = 2.0
    """Gaps of up to this length in a printed or scanned ruling line are bridged."""

    grid_tolerance_pt: float = 3.0
    """A ruling belongs to a table when it meets two rulings of the other direction within this distance
    (pdfplumber's intersection tolerance); bold serifs, underlines and dashes meet none."""

    erase_rulings: bool = True
    """Paint the ruling lines white before OCR, so tesseract does not read cell borders as letters."""

    erase_margin_pt: float = 0.5
    """How far around a ruling line's ink is painted white too (its blurred or antialiased edge)."""

    reread_max_chars: int = 4
    """A table cell whose text comes out this short (a number "1.", "50", "%", or nothing) is read again with
    ``reread_language``."""

    reread_language: str = "vie+eng"
    """Language data for the second reading of the short cells, used when installed (else not read again):
    the small Vietnamese model misreads lone digits ("50" as "90"), the English one knows them better."""

    superscript_max_ratio: float = 0.0
    """Replaces ``PdfSettings.superscript_max_ratio`` on OCR pages: tesseract gives every word of a line one
    size taken from the line's own height, so size tells nothing about superscripts (0 switches the filter off)."""

    size_tolerance: float = math.inf
    """Replaces ``PdfSettings.size_tolerance`` on OCR pages: a size change between OCR lines is the line's
    letters (capitals, descenders), not a new paragraph."""


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

    ocr: OcrSettings = field(default_factory=OcrSettings)
    """How pages without a text layer (scans) are read."""


DEFAULT_PDF_SETTINGS = PdfSettings()
