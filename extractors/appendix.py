"""Read the rows of a plan's appendix tables: group rows, targets and tasks.

A group row is a roman numeral in the STT column with one title across the
row ("II | Thúc đẩy phát triển kinh tế số"); it sets ``group``/``group_title``
of the rows below it.  Every other row with text in its main column is one
target (targets table) or one task (tasks table).  Cells stay raw text here:
splitting agencies and parsing deadlines are the normalizers' job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extractors.layout import is_roman_numeral
from extractors.model import Document, Row
from extractors.tables import LogicalTable, find_appendix_tables

_MAIN_COLUMN = {"targets": "indicator", "tasks": "task"}


@dataclass
class AppendixRow:
    """One target or task as its table printed it."""

    kind: str  # "targets" | "tasks"
    position: int  # 0-based index among the rows of this kind in the document
    group: str | None
    group_title: str | None
    stt: str | None
    cells: dict[str, str] = field(default_factory=dict)  # role -> cell text
    values: list[tuple[int, str]] = field(default_factory=list)  # (year, cell text)
    page: int | None = None
    table_block: int = 0  # index of the document block its table starts at
    confidence: dict[str, float] = field(default_factory=dict)
    """Read by OCR: tesseract's lowest word confidence in each role's cell (the year cells under "values")."""


def normalize_stt(text: str) -> str | None:
    """'1.' -> '1'; numbering mistakes are kept as printed."""
    stt = text.strip().rstrip(".").strip()
    return stt or None


def group_title_of(row: Row) -> str | None:
    """The title if the row is a group row (roman numeral + one title), else None."""
    if not row.cells or not is_roman_numeral(row.cells[0].text):
        return None
    others = {cell.text for cell in row.cells[1:] if cell.text}
    return others.pop() if len(others) == 1 else None


def read_table_rows(table: LogicalTable, start: int = 0) -> list[AppendixRow]:
    main_role = _MAIN_COLUMN[table.kind]
    columns = {role: column for column, role in table.roles.items()}
    group: str | None = None
    group_title: str | None = None
    records: list[AppendixRow] = []
    # A row may be shorter than the header (the model does not promise rectangular tables): its missing
    # cells are empty.
    width = 1 + max([0, *table.roles, *table.years])
    for row in table.rows:
        texts = row.texts + [""] * (width - len(row.cells))
        title = group_title_of(row)
        if title is not None:
            group, group_title = normalize_stt(texts[0]), title
            continue
        main_column = columns.get(main_role)
        if main_column is None or not texts[main_column]:
            continue
        stt_column = columns.get("stt", 0)
        records.append(
            AppendixRow(
                kind=table.kind,
                position=start + len(records),
                group=group,
                group_title=group_title,
                stt=normalize_stt(texts[stt_column]),
                cells={role: texts[column] for role, column in columns.items() if role != "stt"},
                values=[(year, texts[column]) for column, year in sorted(table.years.items())],
                page=row.provenance.page,
                table_block=table.start_block,
                confidence=_cell_confidences(row, columns, table.years),
            )
        )
    return records


def _cell_confidences(row: Row, columns: dict[str, int], years: dict[int, int]) -> dict[str, float]:
    """The OCR confidence of each role's cell of ``row`` (none for text that was not OCR'd)."""
    cells = row.cells
    found = {role: cells[column].confidence for role, column in columns.items() if column < len(cells)}
    values = [cells[column].confidence for column in years if column < len(cells)]
    found["values"] = min((value for value in values if value is not None), default=None)
    return {role: value for role, value in found.items() if value is not None}


def extract_appendix(document: Document, tables: list[LogicalTable] | None = None) -> dict[str, list[AppendixRow]]:
    """Targets and tasks rows of every appendix table of the document (``tables``, when the caller has found
    them already), in document order."""
    found: dict[str, list[AppendixRow]] = {"targets": [], "tasks": []}
    for table in find_appendix_tables(document) if tables is None else tables:
        rows = found[table.kind]
        rows.extend(read_table_rows(table, start=len(rows)))
    return found
