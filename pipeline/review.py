"""The review sheet: export a dataset's flagged values for people, import their decisions as overrides.

``export_review`` writes one row per review item with the context a person needs, and empty
reviewer columns (decision, correct_kind, correct_due, correct_name, note); ``import_review``
reads the filled sheet back, checks each row and merges the good ones into the overrides file.
Both ``.xlsx`` (Excel, with drop-down lists) and ``.csv`` (UTF-8 with BOM) are supported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import openpyxl  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from normalizers.text import clean_text
from pipeline.atomic import atomic_write, atomic_write_text
from pipeline.overrides import (
    FILE_FIELD,
    REVIEW_FIELDS,
    Override,
    add_overrides,
    is_iso_date,
    now_utc,
    subject_of,
)
from pipeline.publish import HELD_BACK_DIR
from pipeline.run_result import failure_review_item
from pipeline.runs import MANIFEST, plan_files, read_plan
from pipeline.runs import dataset_dir as current_dataset
from schemas.records import DeadlineKind, PlanRecords, TargetRecord, TaskRecord

KEY_COLUMNS = ("record_id", "field", "raw")
CONTEXT_COLUMNS = (
    "doc_id",
    "document",
    "province",
    "record_type",
    "source",
    "group",
    "stt",
    "page",
    "text",
    "subject",
    "understood",
    "reason",
    "candidate",
    "score",
)
REVIEWER_COLUMNS = ("decision", "correct_kind", "correct_due", "correct_name", "note")
COLUMNS = KEY_COLUMNS + CONTEXT_COLUMNS + REVIEWER_COLUMNS
DECISIONS = ("accept", "correct")
DEADLINE_KINDS: tuple[str, ...] = get_args(DeadlineKind)
SHEET_TITLE = "review"
_WIDTHS = {"raw": 40, "text": 60, "understood": 40, "reason": 30, "candidate": 30, "correct_name": 30, "note": 30}


# ---------------------------------------------------------------- export


def _record_columns(record: TaskRecord | TargetRecord | None) -> dict[str, Any]:
    if record is None:  # a document-level row (no task list, or a file that could not be read)
        return dict.fromkeys(("record_type", "source", "group", "stt", "page", "text"))
    return {
        "record_type": "task" if isinstance(record, TaskRecord) else "target",
        "source": record.source if isinstance(record, TaskRecord) else "appendix",
        "group": record.group,
        "stt": record.stt,
        "page": record.page,
        "text": record.task if isinstance(record, TaskRecord) else record.indicator,
    }


def _rows(plan: PlanRecords) -> Iterator[dict[str, Any]]:
    records: dict[str, TaskRecord | TargetRecord] = {t.task_id: t for t in plan.tasks}
    records.update((t.target_id, t) for t in plan.targets)
    doc = plan.document
    for item in plan.review:
        yield {
            "record_id": item.record_id,
            "field": item.field,
            "raw": item.raw,
            "doc_id": item.doc_id,
            "document": Path(doc.source_path).name,
            "province": doc.province,
            **_record_columns(records.get(item.record_id)),
            "subject": item.subject,
            "understood": item.understood,
            "reason": item.reason,
            "candidate": item.candidate,
            "score": item.score,
        }


def review_rows(dataset_dir: Path) -> list[dict[str, Any]]:
    """One row per review item of the dataset in ``dataset_dir`` (its ``json/*.json`` plans).

    ``dataset_dir`` is an output folder (its ``current`` dataset is read) or one run folder.
    """
    published = plan_files(dataset_dir)
    folder = current_dataset(dataset_dir)
    rows: list[dict[str, Any]] = []
    held_back = sorted((folder / HELD_BACK_DIR).glob("*.json"))  # plans read but not published
    for path in [*published, *held_back]:
        rows.extend(_rows(read_plan(path)))
    rows.extend(_unread_rows(folder / MANIFEST))
    return rows


def _unread_rows(manifest_path: Path) -> Iterator[dict[str, Any]]:
    """The files the run could not process (its manifest's failures): one row each, to be fixed at the source."""
    if not manifest_path.is_file():
        return
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for failure in manifest.get("failures", []):
        item = failure_review_item(failure)
        yield {
            "record_id": item.record_id,
            "field": item.field,
            "raw": item.raw,
            "doc_id": item.doc_id,
            "document": item.raw,
            "province": None,
            **_record_columns(None),
            "subject": item.subject,
            "understood": item.understood,
            "reason": item.reason,
            "candidate": None,
            "score": None,
        }


def export_review(dataset_dir: Path, out_path: Path) -> int:
    """Write the review sheet (``.xlsx`` or ``.csv`` by suffix) atomically; returns the number of rows."""
    suffix = out_path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValueError(f"{out_path}: unsupported review sheet type {out_path.suffix!r}; use .xlsx or .csv")
    rows = review_rows(dataset_dir)
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({**{c: "" for c in REVIEWER_COLUMNS}, **row} for row in rows)
        atomic_write_text(out_path, "\ufeff" + buffer.getvalue())
    else:
        workbook = _workbook(rows)
        atomic_write(out_path, lambda target: workbook.save(target))
    return len(rows)


def _workbook(rows: list[dict[str, Any]]) -> Any:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(column) for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    last = max(len(rows) + 1, 2)
    sheet.auto_filter.ref = f"A1:{_letter('note')}{last}"
    for number, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = _WIDTHS.get(column, 14)
        if column in ("raw", "text", "understood", "reason"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=number, max_col=number):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, choices in (("decision", DECISIONS), ("correct_kind", DEADLINE_KINDS)):
        validation = DataValidation(
            type="list",
            formula1=f'"{",".join(choices)}"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=column,
            error=f"Choose one of: {', '.join(choices)}",
        )
        validation.add(f"{_letter(column)}2:{_letter(column)}{last}")
        sheet.add_data_validation(validation)
    due_column = COLUMNS.index("correct_due") + 1
    for (cell,) in sheet.iter_rows(min_row=2, max_row=last, min_col=due_column, max_col=due_column):
        cell.number_format = "@"  # keep typed dates as text: Excel would turn them into serial numbers
    return workbook


def _letter(column: str) -> str:
    letter: str = get_column_letter(COLUMNS.index(column) + 1)
    return letter


# ---------------------------------------------------------------- import


@dataclass
class ImportResult:
    """What an import did: non-blank rows read, decisions stored, rows left undecided, invalid rows."""

    rows: int = 0
    accepted: int = 0
    corrected: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def stored(self) -> int:
        return self.accepted + self.corrected


def _text(value: object) -> str:
    """A cell as text: dates typed in Excel become YYYY-MM-DD, numbers lose a trailing '.0'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(path: Path) -> list[list[str]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds (zip, XML, key errors) for a broken file
        raise ValueError(f"{path}: cannot read the Excel file: {error}") from error
    try:
        sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
        return [[_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _read_csv(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text; save the sheet as 'CSV UTF-8' ({error})") from error
    except OSError as error:
        raise ValueError(f"{path}: cannot be read: {error}") from error
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","  # Excel in some locales saves with ';'
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _check(cells: dict[str, str]) -> Override | str | None:
    """The override a filled row asks for, the reason it is invalid, or None for a row left empty."""
    decision = cells["decision"].lower()
    kind, due, name = cells["correct_kind"].lower(), cells["correct_due"], clean_text(cells["correct_name"])
    corrections = [c for c in ("correct_kind", "correct_due", "correct_name") if cells[c]]
    if not decision:
        if not corrections:
            return None
        decision = "correct"
    if decision not in DECISIONS:
        return f"decision {cells['decision']!r} is not one of: accept, correct"
    if cells["field"] == FILE_FIELD:
        return "a file that could not be read cannot be decided here: fix or replace the file (see reason)"
    if not cells["record_id"] or cells["field"] not in REVIEW_FIELDS:
        return "the record_id/field columns were changed; they must stay as exported"
    subject = subject_of(cells["field"])
    if subject == "document" and (decision != "accept" or corrections):
        return (
            "a completeness finding can only be accepted (acknowledged: the plan really is so); fix the document "
            "to add what is missing"
        )
    wrong = ("correct_name",) if subject == "deadline" else ("correct_kind", "correct_due")
    misplaced = [c for c in wrong if cells[c]]
    if misplaced:
        return f"{', '.join(misplaced)} does not apply to a {subject} row"
    if decision == "accept" and corrections:
        return f"decision is accept but {', '.join(corrections)} is filled; use decision correct"
    if kind and kind not in DEADLINE_KINDS:
        return f"correct_kind {cells['correct_kind']!r} is not one of: {', '.join(DEADLINE_KINDS)}"
    if due and not is_iso_date(due):
        return f"correct_due {due!r} is not a real date written YYYY-MM-DD"
    if decision == "correct" and subject == "deadline" and not kind:
        return "a deadline correction needs correct_kind"
    if decision == "correct" and subject == "agency" and not name:
        return "an agency correction needs correct_name"
    try:
        return Override.model_validate(
            {
                "record_id": cells["record_id"],
                "field": cells["field"],
                "raw": cells["raw"],
                "subject": subject,
                "decision": decision,
                "kind": kind or None,
                "due": due or None,
                "name": name or None,
                "doc_id": cells.get("doc_id") or None,
                "understood": cells.get("understood") or None,
                "note": cells["note"] or None,
                "decided_at": now_utc(),
            }
        )
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        return str(error).replace("\n", " ")


def import_review(path: Path, overrides_path: Path) -> ImportResult:
    """Store the decisions of a filled review sheet in the overrides file; invalid rows are reported.

    Valid rows are stored even when other rows are invalid.  An unreadable sheet raises ``ValueError``.
    """
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValueError(f"{path}: unsupported review sheet type {path.suffix!r}; use .xlsx or .csv")
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    table = _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path)
    header = [cell.strip().lower() for cell in table[0]] if table else []
    missing = [c for c in (*KEY_COLUMNS, *REVIEWER_COLUMNS) if c not in header]
    if missing:
        raise ValueError(f"{path}: not a vnplan review sheet (missing columns: {', '.join(missing)})")
    result = ImportResult()
    found: dict[tuple[str, str, str], tuple[int, Override]] = {}
    for number, row in enumerate(table[1:], start=2):
        if not any(row):
            continue
        result.rows += 1
        cells = {column: (row[i] if i < len(row) else "") for i, column in enumerate(header)}
        outcome = _check(cells)
        if outcome is None:
            result.skipped += 1
        elif isinstance(outcome, str):
            result.errors.append(f"{path.name}: row {number}: {outcome}")
        elif outcome.key in found and _decided(found[outcome.key][1]) != _decided(outcome):
            result.errors.append(f"{path.name}: row {number}: contradicts row {found[outcome.key][0]} (same value)")
        else:
            found.setdefault(outcome.key, (number, outcome))
    overrides = [override for _, override in found.values()]
    result.accepted = sum(o.decision == "accept" for o in overrides)
    result.corrected = len(overrides) - result.accepted
    if overrides:
        add_overrides(overrides_path, overrides)
    return result


def _decided(override: Override) -> tuple[str, str | None, str | None, str | None]:
    return (override.decision, override.kind, override.due, override.name)
