"""Every knob of the PDF reader in one explicit settings object (after pdfplumber's TableSettings)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from typing import Any

PDF_BACKENDS = ("pdfium", "pdfminer")
"""What can parse a PDF's pages (``extractors.pdf_backends``); the first is the default."""

BACKEND_VARIABLE = "VNPLAN_PDF_BACKEND"
"""The environment variable that picks another backend for a run (``VNPLAN_PDF_BACKEND=pdfminer vnplan run``)."""


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

    line_config: str = "--oem 1 --psm 7"
    """Tesseract options for the second reading of a table's row numbers, set side by side: one line."""

    line_spacing_pt: float = 36.0
    """White space between two row numbers set side by side for that reading (wider than a word space: each
    stays a word of its own)."""

    review_confidence: float = 70.0
    """A value read by OCR goes to a person when tesseract's confidence in a word of its cell or paragraph is
    below this (0-100); a value read with more confidence, that parses, is not queued for being a scan.  On the
    samples scanned at 200 dpi, right values' cells mostly read above 85 and a tenth between 55 and 80; the
    misread ones that parse wrong ("270" for "≥70") read below 70."""

    noise_confidence: float = 40.0
    """A line of OCR text whose median word confidence is below this is noise (specks, the grain of the paper, a
    stamp, the edge of the sheet read as letters) and is left out; a printed line's words are read with
    confidence (above 90 mostly), a misread one or two aside."""

    superscript_max_ratio: float = 0.0
    """Replaces ``PdfSettings.superscript_max_ratio`` on OCR pages: tesseract gives every word of a line one
    size taken from the line's own height, so size tells nothing about superscripts (0 switches the filter off)."""

    size_tolerance: float = math.inf
    """Replaces ``PdfSettings.size_tolerance`` on OCR pages: a size change between OCR lines is the line's
    letters (capitals, descenders), not a new paragraph."""


@dataclass(frozen=True)
class LayoutTableSettings:
    """Every knob of the header-anchored table finder (``extractors.layout_tables``).

    It reads the appendix tables that the ruled finder cannot: tables printed with few or no vertical rules
    (horizontal rules between rows only, the "booktabs" look, no rules at all).  Its columns come from the
    words of the table's header, its rows from horizontal rules, the gaps between text lines and the row
    numbers.  Lengths given as ratios are multiples of the table's font size, so that they hold for any size.
    """

    enabled: bool = True
    """Look for such tables on pages with a text layer (the ruled finder's tables are never replaced)."""

    min_columns: int = 3
    """A header must give at least this many columns (an appendix table has STT, a text and an agency)."""

    min_ruled_columns: int = 3
    """A ruled table with fewer columns (an outer frame around a table without inner vertical rules) does not
    hide its words from this finder; when this finder reads a table there, the ruled one is dropped."""

    max_header_words: int = 10
    """A header cell's phrase has at most this many words; a longer phrase is text, not a column title."""

    max_header_lines: int = 8
    """A header spans at most this many text lines (a column title wrapped in a narrow column)."""

    line_tolerance_ratio: float = 0.35
    """Words whose tops differ by less than this are on one text line."""

    phrase_gap_ratio: float = 0.6
    """A horizontal gap wider than this between two words of a header line separates two column titles."""

    row_gap_ratio: float = 0.2
    """A vertical gap between text lines wider than the table's line spacing by this much separates rows."""

    gap_tie_tolerance: float = 0.5
    """Points by which two blanks between rows may differ and still count as equal; the lower one then parts
    the rows (a table without padding, its cells aligned to the top: the row starts at its number)."""

    title_gap_ratio: float = 0.1
    """A line above a header line belongs to the header only when the gap between them exceeds the line spacing
    by at most this much (the lines of one column title); a table's own title stands further away."""

    title_lookahead: int = 3
    """A line across the columns (a group title without a number) stays in the table when a numbered row
    follows within this many bands."""

    max_row_gap_ratio: float = 3.0
    """A vertical gap wider than this ends the table (no row of a table stands this far from the next)."""

    rule_min_width_ratio: float = 0.8
    """A horizontal rule separates rows when it spans at least this share of the header's width (shorter
    rules underline a merged header cell such as "Mục tiêu" over its year columns)."""

    rule_tolerance: float = 1.5
    """Points a rule may overlap the text it separates (a rule drawn through a line's descenders)."""

    column_gap_ratio: float = 0.4
    """In a table without an STT column, two words on either side of a column boundary closer than this are one
    text running across the columns (prose), not two cells (the blank between two cells is their padding)."""

    crossing_tolerance: float = 1.0
    """Points a word may reach over a column boundary before it counts as spanning two columns."""

    boundary_step: float = 0.5
    """Points between the positions tried for a column boundary, in the gap between two column titles."""


@dataclass(frozen=True)
class PdfSettings:
    backend: str = PDF_BACKENDS[0]
    """What parses the pages (``extractors.pdf_backends``): "pdfium" (PDFium, fast) or "pdfminer" (pdfplumber
    as it comes, in Python: the reference the PDFium backend is tested against)."""

    table_settings: dict[str, Any] = field(default_factory=_default_table_settings)
    """Passed as is to ``pdfplumber.Page.find_tables``."""

    layout_tables: LayoutTableSettings = field(default_factory=LayoutTableSettings)
    """How appendix tables printed without (all) their ruling lines are found."""

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

    bullet_glyphs: str = "•◦▪▫●○■□‣⁃➢►▸❖✓✔\uf0b7\uf0a7\uf0a8\uf0d8\uf076\uf06e\uf071\uf0fc"
    """Glyphs that open a bulleted line (Word's list bullets, Symbol and Wingdings code points included)."""

    bullet_fonts: tuple[str, ...] = ("symbol", "wingdings", "courier", "mono")
    """Fonts (name substrings, case-insensitive) in which a lone letter opening a line is a bullet: Word's
    second-level bullet is "o" in Courier New (LibreOffice prints it in Liberation Mono)."""

    bullet_indent_tolerance: float = 4.0
    """Points within which two bullets stand at one indent (one list level)."""

    ocr: OcrSettings = field(default_factory=OcrSettings)
    """How pages without a text layer (scans) are read."""


DEFAULT_PDF_SETTINGS = PdfSettings()


def default_pdf_settings() -> PdfSettings:
    """``DEFAULT_PDF_SETTINGS`` with the backend ``VNPLAN_PDF_BACKEND`` names, when it names one (read on every
    call: a benchmark or a test switches it in process); a name that is no backend is a ``ValueError``."""
    chosen = os.environ.get(BACKEND_VARIABLE, "").strip().lower()
    if not chosen:
        return DEFAULT_PDF_SETTINGS
    if chosen not in PDF_BACKENDS:
        raise ValueError(f"{BACKEND_VARIABLE}={chosen!r} is no PDF backend: use one of {', '.join(PDF_BACKENDS)}")
    return replace(DEFAULT_PDF_SETTINGS, backend=chosen)
