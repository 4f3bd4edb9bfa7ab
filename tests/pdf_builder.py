"""Draw small plan-like PDFs for the tests: ruled tables, superscripts, footnotes, landscape pages.

fpdf2 writes the PDF; Roboto (from the font-roboto package) has the Vietnamese glyphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import font_roboto
from fpdf import FPDF

FONT_DIR = Path(font_roboto.__file__).parent / "files"


@dataclass
class PageSpec:
    lines: list[str] = field(default_factory=list)  # text lines above the table
    rows: list[list[str]] = field(default_factory=list)  # ruled table rows; "^3" in a cell = superscript 3
    footnote: str | None = None  # "3|text": marker and text at the page bottom
    landscape: bool = False
    widths: list[float] = field(default_factory=list)
    rules: str = "all"
    """How the table is ruled: "all" (a box per cell), "rows" (a rule above and below every row), "frame" (rows
    and a box around the table, no rule between columns), "header-grid" (a box per header cell, rules between
    the other rows), "booktabs" (a rule above the table, under its header rows, and closing a table that ends on
    the page), "none"."""
    header_rows: int = 0
    """How many of ``rows`` are header rows (for the booktabs rule under the header)."""
    table_ends: bool = True
    """Whether the table ends on this page (booktabs draws its closing rule)."""


def build_pdf(path: Path, pages: list[PageSpec]) -> None:
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("Roboto", "", str(FONT_DIR / "Roboto-Regular.ttf"))
    pdf.add_font("Roboto", "B", str(FONT_DIR / "Roboto-Bold.ttf"))
    for spec in pages:
        pdf.add_page(orientation="L" if spec.landscape else "P")
        y = 60.0
        pdf.set_font("Roboto", "", 12)
        for line in spec.lines:
            bold = line.startswith("**")
            pdf.set_font("Roboto", "B" if bold else "", 12)
            pdf.text(60, y, line.strip("*"))
            y += 18
        if spec.rows:
            _draw_table(pdf, spec, y)
        if spec.footnote:
            marker, text = spec.footnote.split("|", 1)
            bottom = pdf.h - 50
            pdf.set_font("Roboto", "", 7)
            pdf.text(60, bottom - 4, marker)
            pdf.set_font("Roboto", "", 10)
            pdf.text(66, bottom, text)
    pdf.output(str(path))


def _draw_table(pdf: FPDF, spec: PageSpec, top: float) -> None:
    widths = spec.widths or [(pdf.w - 120) / len(spec.rows[0])] * len(spec.rows[0])
    height = 26.0
    y = top
    right = 60.0 + sum(widths)
    for index, row in enumerate(spec.rows):
        x = 60.0
        ruled_above = spec.rules in ("rows", "frame", "header-grid") or (
            spec.rules == "booktabs" and index in (0, spec.header_rows)
        )
        boxed = spec.rules == "all" or (spec.rules == "header-grid" and index < spec.header_rows)
        if ruled_above:
            pdf.line(60.0, y, right, y)
        for width, text in zip(widths, row, strict=True):
            if boxed:
                pdf.rect(x, y, width, height)
            main, _, sup = text.partition("^")
            pdf.set_font("Roboto", "", 12)
            pdf.text(x + 3, y + 17, main)
            if sup:
                offset = pdf.get_string_width(main) + 1
                pdf.set_font("Roboto", "", 7)
                pdf.text(x + 3 + offset, y + 11, sup[:1])
                pdf.set_font("Roboto", "", 12)
                pdf.text(x + 3 + offset + 5, y + 17, sup[1:])
            x += width
        y += height
    if spec.rules in ("rows", "frame", "header-grid") or (spec.rules == "booktabs" and spec.table_ends):
        pdf.line(60.0, y, right, y)
    if spec.rules == "frame":
        pdf.rect(60.0, top, right - 60.0, y - top)
