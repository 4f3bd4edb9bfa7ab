"""HTML tables (``<table>``) into the document model's rows, merged cells resolved as the DOCX reader does.

Converters write a table they cannot express as a Markdown pipe table (merged cells, several paragraphs in a
cell) as raw HTML inside the Markdown, and web pages hold their tables so.  lxml parses the HTML (a real
parser, forgiving of the tag soup pages are made of); this module only lays the cells out on the grid:

- a cell spanning columns (``colspan``) is its text in its first column and ``merged="left"`` cells after it;
- a cell spanning rows (``rowspan``) leaves ``merged="up"`` cells under it in the rows it covers;
- a cell's text is its paragraphs and lines joined by spaces, markup and footnote markers removed
  (``normalizers.text.clean_text``); it is bold when it is a header cell (``th``) or all its text is bold.
"""

from __future__ import annotations

import lxml.html

from extractors.model import Cell, Provenance, Row
from normalizers.text import clean_text, collapse_whitespace

MAX_SPAN = 63
"""A span wider or taller than this is damage (Word tables have at most 63 columns), cut to it."""
_BOLD_TAGS = ("b", "strong")


def _span(cell: lxml.html.HtmlElement, name: str) -> int:
    value = (cell.get(name) or "1").strip()
    return max(1, min(int(value), MAX_SPAN)) if value.isascii() and value.isdigit() else 1


def _is_bold(cell: lxml.html.HtmlElement, text: str) -> bool:
    if cell.tag == "th":
        return bool(text)
    bold = " ".join(
        "".join(element.itertext()) for element in cell.iter(*_BOLD_TAGS) if element.getparent().tag not in _BOLD_TAGS
    )
    return bool(text) and collapse_whitespace(bold) == collapse_whitespace("".join(cell.itertext()))


def _cell(cell: lxml.html.HtmlElement) -> Cell:
    text = clean_text(lxml.html.tostring(cell, encoding="unicode", with_tail=False))
    return Cell(text=text, bold=_is_bold(cell, text))


def _own_rows(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The table's rows, those of tables nested in its cells left out."""
    return [row for row in table.iter("tr") if next(row.iterancestors("table"), None) is table]


def table_rows(table: lxml.html.HtmlElement, line: int | None = None) -> list[Row]:
    """The rows of one ``<table>`` element on the grid, padded to the widest row; ``line`` is their provenance."""
    rows: list[Row] = []
    covered: dict[tuple[int, int], bool] = {}  # (row, column) under a cell spanning rows
    for r, tr in enumerate(_own_rows(table)):
        cells: list[Cell] = []
        for td in tr.iterchildren("td", "th"):
            while covered.pop((r, len(cells)), False):
                cells.append(Cell(merged="up"))
            column = len(cells)
            colspan, rowspan = _span(td, "colspan"), _span(td, "rowspan")
            cells.append(_cell(td))
            cells.extend(Cell(merged="left") for _ in range(colspan - 1))
            for below in range(r + 1, r + rowspan):
                for offset in range(colspan):
                    covered[(below, column + offset)] = True
        while covered.pop((r, len(cells)), False):
            cells.append(Cell(merged="up"))
        rows.append(Row(cells=cells, provenance=Provenance(line=line)))
    width = max((len(row.cells) for row in rows), default=0)
    for row in rows:
        row.cells.extend(Cell() for _ in range(width - len(row.cells)))
    return rows


def html_tables(html: str, line: int | None = None) -> list[list[Row]]:
    """The rows of every top-level table in an HTML fragment (empty when it holds none)."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    tables = [table for table in root.iter("table") if next(table.iterancestors("table"), None) is None]
    return [rows for rows in (table_rows(table, line) for table in tables) if rows]
