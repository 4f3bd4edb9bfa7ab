"""SQL over a published dataset: DuckDB views on its Parquet files (``vnplan query``).

Each Parquet file of the dataset is a view of the same name (``documents``, ``targets``, ``tasks``, ``agencies``,
``review_queue``), read by DuckDB where it lies: a query reads only the columns and row groups it needs, nothing
is loaded beforehand.  ``agency_refs`` flattens every agency a record names, one row per (record, role, agency):
the lead and supporting agencies of the tasks and the tracking agencies of the targets, so that "what does this
agency lead or support" is one ``WHERE``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.runs import dataset_dir

FORMATS = ("table", "csv", "json")

_REF_COLUMNS = (
    "r.name AS name, r.raw AS raw, r.collective AS collective, r.resolved AS resolved, r.agency_id AS agency_id"
)
_AGENCY_REFS = f"""
CREATE VIEW agency_refs AS
SELECT doc_id, task_id AS record_id, 'tasks' AS "table", 'lead' AS role, {_REF_COLUMNS}
  FROM tasks, UNNEST(lead) AS u(r)
UNION ALL
SELECT doc_id, task_id, 'tasks', 'support', {_REF_COLUMNS} FROM tasks, UNNEST(support) AS u(r)
UNION ALL
SELECT doc_id, target_id, 'targets', 'tracking', {_REF_COLUMNS} FROM targets, UNNEST(tracking_agencies) AS u(r)
"""


class QueryError(ValueError):
    """A dataset that cannot be queried, or a query DuckDB refuses: one line saying why."""


def connect(dataset: Path) -> Any:
    """An in-memory DuckDB connection with a view per Parquet file of ``dataset`` (an output folder, whose
    ``current`` run is read, or a run folder), and ``agency_refs``."""
    import duckdb

    folder = dataset_dir(dataset)
    tables = sorted(folder.glob("*.parquet"))
    if not tables:
        raise QueryError(f"{dataset}: no published dataset here (no Parquet files in {folder})")
    connection = duckdb.connect()
    for table in tables:
        location = str(table.resolve()).replace("'", "''")
        connection.execute(f"CREATE VIEW \"{table.stem}\" AS SELECT * FROM read_parquet('{location}')")
    if {"tasks", "targets"} <= {table.stem for table in tables}:
        connection.execute(_AGENCY_REFS)
    return connection


def run_query(dataset: Path, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names and rows ``sql`` gives over ``dataset``."""
    import duckdb

    connection = connect(dataset)
    try:
        result = connection.execute(sql)
        columns = [column[0] for column in result.description or []]
        return columns, result.fetchall()
    except duckdb.Error as error:
        raise QueryError(str(error).splitlines()[0]) from error
    finally:
        connection.close()


def render(columns: Sequence[str], rows: Sequence[tuple[Any, ...]], form: str) -> str:
    """The rows as an aligned text table, CSV or JSON (a list of objects); lists and structs as JSON."""
    if form == "json":
        records = [dict(zip(columns, row, strict=True)) for row in rows]
        return json.dumps(records, ensure_ascii=False, indent=2, default=str)
    cells = [[_cell(value) for value in row] for row in rows]
    if form == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(cells)
        return buffer.getvalue().rstrip("\n")
    widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(columns)]
    lines = [
        "  ".join(name.ljust(width) for name, width in zip(columns, widths, strict=True)).rstrip(),
        "  ".join("-" * width for width in widths),
        *("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in cells),
        f"({len(rows)} row{'s' if len(rows) != 1 else ''})",
    ]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
