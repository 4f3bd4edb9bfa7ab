"""Table extractors on the sample PDFs: their speed and their cell-level agreement with the gold files.

The gold cells.  Every gold record that comes from an appendix table (the targets of Phụ lục I and the
tasks whose ``source`` is ``appendix``) gives its key cells: the main text (indicator or task), and the
unit, the yearly target values, the deadline text and the output when the gold has them; and each raw
span of its agency fields (tracking agencies, lead, support).

Agreement.  For each gold record, the extractor's *anchor row* is the table row with the cell most like
the record's main text (rapidfuzz ratio on the letters alone, so a lost space does not move the anchor).
A gold cell then counts as found in that row:
- ``exact``: a cell of the row equals it after normalization (Unicode NFC, whitespace collapsed); an
  agency span: it is contained in a cell of the row;
- ``fuzzy``: rapidfuzz ``ratio`` ≥ 90 with a cell of the row (``partial_ratio`` for an agency span);
- ``letters``: equal (contained, for a span) once spaces and punctuation are removed: the cell
  boundaries are right even if the text lost its spacing.
The share of gold cells found is reported for each.  Extractors are compared on their raw page tables,
before vnplan stitches page-split rows together (``extractors/tables.py``), so a cell broken by a page
break is missed by all of them alike.  The gold files are only read here, to measure.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

Table = list[list[str]]
Extractor = Callable[[Path], list[Table]]
FUZZY_THRESHOLD = 90.0
TEXT_FIELDS = {
    "targets": ("indicator", "unit", "target_2026", "target_2030"),
    "tasks": ("task", "deadline_raw", "output"),
}
MAIN_FIELD = {"targets": "indicator", "tasks": "task"}
AGENCY_FIELDS = {"targets": ("tracking_agencies",), "tasks": ("lead", "support")}
_SPACES = re.compile(r"\s+")
_NOT_LETTERS = re.compile(r"[\W_]+")


def normalize(text: str | None) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def letters(text: str | None) -> str:
    return _NOT_LETTERS.sub("", normalize(text)).casefold()


@dataclass(frozen=True)
class GoldCell:
    record: str
    field: str
    text: str
    span: bool
    """An agency span (found when contained in a cell) rather than a whole cell."""


@dataclass
class GoldRecord:
    key: str
    main: str
    cells: list[GoldCell]


@dataclass
class Agreement:
    cells: int = 0
    exact: int = 0
    fuzzy: int = 0
    letters: int = 0
    by_field: dict[str, list[int]] = field(default_factory=dict)

    def add(self, cell: GoldCell, exact: bool, fuzzy: bool, same_letters: bool) -> None:
        self.cells += 1
        self.exact += exact
        self.fuzzy += fuzzy
        self.letters += same_letters
        counts = self.by_field.setdefault(cell.field, [0, 0, 0, 0])
        for index, value in enumerate((True, exact, fuzzy, same_letters)):
            counts[index] += value

    def as_dict(self) -> dict[str, Any]:
        share = (lambda n: n / self.cells) if self.cells else (lambda n: None)
        return {
            "cells": self.cells,
            "exact": self.exact,
            "fuzzy": self.fuzzy,
            "letters": self.letters,
            "exact_share": share(self.exact),
            "fuzzy_share": share(self.fuzzy),
            "letters_share": share(self.letters),
            "by_field": {
                name: dict(zip(("cells", "exact", "fuzzy", "letters"), counts, strict=True))
                for name, counts in sorted(self.by_field.items())
            },
        }


def gold_records(gold: dict[str, Any]) -> list[GoldRecord]:
    """The appendix-table records of one gold file with their key cells."""
    records: list[GoldRecord] = []
    for table in ("targets", "tasks"):
        for index, record in enumerate(gold.get(table, [])):
            if table == "tasks" and record.get("source") != "appendix":
                continue
            key = f"{table}[{index}]"
            cells = [
                GoldCell(key, name, normalize(record[name]), span=False)
                for name in TEXT_FIELDS[table]
                if normalize(record.get(name))
            ]
            cells += [
                GoldCell(key, name, normalize(ref["raw"]), span=True)
                for name in AGENCY_FIELDS[table]
                for ref in record.get(name) or []
                if normalize(ref.get("raw"))
            ]
            records.append(GoldRecord(key, normalize(record[MAIN_FIELD[table]]), cells))
    return records


def gold_pdfs(gold_dir: Path, samples: Path) -> Iterator[tuple[Path, list[GoldRecord]]]:
    """(sample PDF, its appendix-table gold records) for every gold file with such records and a PDF."""
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        pdf = samples / f"{Path(gold.get('file', gold_path.name)).stem}.pdf"
        records = gold_records(gold)
        if records and pdf.exists():
            yield pdf, records


def _anchor(rows: list[list[str]], main: str) -> list[str]:
    wanted = letters(main)
    best: list[str] = []
    best_score = -1.0
    for row in rows:
        score = max((fuzz.ratio(wanted, letters(cell)) for cell in row), default=0.0)
        if score > best_score:
            best, best_score = row, score
    return best


def _found(cell: GoldCell, row: list[str]) -> tuple[bool, bool, bool]:
    texts = [normalize(text) for text in row]
    if cell.span:
        exact = any(cell.text in text for text in texts)
        fuzzy = any(fuzz.partial_ratio(cell.text, text) >= FUZZY_THRESHOLD for text in texts)
        same = any(letters(cell.text) in letters(text) for text in texts)
    else:
        exact = cell.text in texts
        fuzzy = any(fuzz.ratio(cell.text, text) >= FUZZY_THRESHOLD for text in texts)
        same = letters(cell.text) in {letters(text) for text in texts}
    return exact, fuzzy or exact, same or exact


def agreement(tables: list[Table], records: list[GoldRecord], into: Agreement | None = None) -> Agreement:
    """How many gold cells of ``records`` the extracted ``tables`` hold (see the module's docstring)."""
    result = into or Agreement()
    rows = [[text or "" for text in row] for table in tables for row in table]
    for record in records:
        row = _anchor(rows, record.main) if rows else []
        for cell in record.cells:
            result.add(cell, *_found(cell, row))
    return result


# -- the extractors ---------------------------------------------------------------------------


def vnplan_tables(path: Path) -> list[Table]:
    """vnplan's PDF reader (``read_document``): the cell texts of its table blocks, page by page."""
    from extractors.readers import read_document

    return [[row.texts for row in block.rows] for block in read_document(path).tables()]


def pdfplumber_tables(path: Path) -> list[Table]:
    """pdfplumber's ``find_tables`` + ``extract`` with vnplan's table settings, without vnplan's reader around it."""
    import pdfplumber

    from extractors.settings import DEFAULT_PDF_SETTINGS

    tables: list[Table] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.find_tables(DEFAULT_PDF_SETTINGS.table_settings):
                extracted = table.extract(x_tolerance=DEFAULT_PDF_SETTINGS.x_tolerance)
                tables.append([[text or "" for text in row] for row in extracted])
            page.close()
    return tables


def pymupdf_tables(path: Path, *, use_layout: bool | None = None) -> list[Table]:
    """PyMuPDF's ``page.find_tables()`` + ``Table.extract()``; ``use_layout=False``: line-based only."""
    import pymupdf

    options: dict[str, Any] = {} if use_layout is None else {"use_layout": use_layout}
    tables: list[Table] = []
    with pymupdf.open(path) as document:
        for page in document:
            for table in page.find_tables(**options).tables:
                tables.append([[text or "" for text in row] for row in table.extract()])
    return tables


def pymupdf_supports_layout_switch() -> bool:
    """Whether this PyMuPDF's ``find_tables`` has ``use_layout`` (2.0 gates tables by a layout model)."""
    import inspect

    import pymupdf

    return "use_layout" in inspect.signature(pymupdf.table.find_tables).parameters
