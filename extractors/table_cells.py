"""The text of every cell of a pdfplumber table, as ``Table.extract`` gives it, without its quadratic scan.

pdfplumber's ``Table.extract`` looks at every char of the page for every row of the table (rows × chars tests:
360,000 on one 20-page sample, the reader's largest own cost once PDFium parses the pages).  This does the
same with the chars sorted by their middle's height: a row's chars are found by bisection, then tested with
pdfplumber's own rule (the char's middle inside the row's box, then the cell's, half-open), kept in page order,
and joined by pdfplumber's ``extract_text`` with the same settings.  The texts are the same
(``tests/test_pdf_backends.py`` holds them to ``Table.extract``).
"""

from __future__ import annotations

import bisect
from typing import Any

from pdfplumber.utils import extract_text

BBox = tuple[float, float, float, float]


def _middle_inside(middle: tuple[float, float], bbox: BBox) -> bool:
    """pdfplumber's ``char_in_bbox``: the middle of a char within the box, left and top edges included."""
    x, y = middle
    x0, top, x1, bottom = bbox
    return x0 <= x < x1 and top <= y < bottom


def cell_texts(table: Any, chars: list[dict[str, Any]], x_tolerance: float) -> list[list[str | None]]:
    """Each row's cell texts (None for a cell a merge covers, "" for an empty one), as
    ``table.extract(x_tolerance=x_tolerance)`` on a page whose chars are ``chars``."""
    middles = [((c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2) for c in chars]
    order = sorted(range(len(chars)), key=lambda index: middles[index][1])
    heights = [middles[index][1] for index in order]
    texts: list[list[str | None]] = []
    for row in table.rows:
        row_box = row.bbox
        start = bisect.bisect_left(heights, row_box[1])
        end = bisect.bisect_left(heights, row_box[3])  # top <= y < bottom
        row_chars = sorted(index for index in order[start:end] if _middle_inside(middles[index], row_box))
        cells: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                continue
            inside = [chars[index] for index in row_chars if _middle_inside(middles[index], cell)]
            cells.append(extract_text(inside, x_tolerance=x_tolerance) if inside else "")
        texts.append(cells)
    return texts
