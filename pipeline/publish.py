"""Write a dataset folder (Parquet tables, one JSON file per plan, a manifest), each file atomically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from pipeline.atomic import atomic_write, atomic_write_text
from pipeline.summaries import agency_summaries, review_queue
from schemas.arrow import arrow_schema
from schemas.records import (
    AgencySummary,
    DocumentRecord,
    PlanRecords,
    ReviewItem,
    TargetRecord,
    TaskRecord,
)


def _write_table(path: Path, rows: list[dict[str, Any]], schema: pa.Schema, csv: bool = False) -> None:
    table = pa.Table.from_pylist(rows, schema=schema)
    atomic_write(path, lambda target: pq.write_table(table, target))
    if csv:
        atomic_write(path.with_suffix(".csv"), lambda target: pa_csv.write_csv(table, target))


HELD_BACK_DIR = "held_back"


def write_dataset(
    plans: list[PlanRecords],
    out: Path,
    unread: Sequence[ReviewItem] = (),
    held_back: Sequence[PlanRecords] = (),
) -> None:
    """Write these plans as the dataset in ``out`` (stale per-plan JSON files are removed).

    ``unread`` are the review rows of the files that could not be processed: they join the review queue.
    ``held_back`` are plans read but not published (``pipeline.flows.is_held_back``): their JSON goes to
    ``held_back/`` beside the dataset, for a person to see what was read, and their review rows join the queue.
    Ids are not checked here: the quality gate checks them before the dataset is published.
    """
    if held_back:
        held_dir = out / HELD_BACK_DIR
        held_dir.mkdir(parents=True, exist_ok=True)
        for plan in held_back:
            atomic_write_text(held_dir / f"{plan.document.doc_id}.json", plan.model_dump_json(indent=2) + "\n")
    unread = [*unread, *(item for plan in held_back for item in plan.review)]
    json_dir = out / "json"
    json_dir.mkdir(parents=True, exist_ok=True)
    for plan in plans:
        # pydantic's own JSON writer (in Rust): the same text as ``json.dumps(..., ensure_ascii=False, indent=2)``,
        # whose indented output the standard library writes in pure Python (a fifth of a 1,000-plan run's writing).
        text = plan.model_dump_json(indent=2) + "\n"
        atomic_write_text(json_dir / f"{plan.document.doc_id}.json", text)
    keep = {f"{plan.document.doc_id}.json" for plan in plans}
    for stale in json_dir.glob("*.json"):
        if stale.name not in keep:
            stale.unlink()
    _write_table(out / "documents.parquet", [p.document.model_dump() for p in plans], arrow_schema(DocumentRecord))
    _write_table(
        out / "targets.parquet", [t.model_dump() for p in plans for t in p.targets], arrow_schema(TargetRecord)
    )
    _write_table(out / "tasks.parquet", [t.model_dump() for p in plans for t in p.tasks], arrow_schema(TaskRecord))
    _write_table(
        out / "agencies.parquet", [a.model_dump() for a in agency_summaries(plans)], arrow_schema(AgencySummary)
    )
    _write_table(
        out / "review_queue.parquet",
        [item.model_dump() for item in [*review_queue(plans), *unread]],
        arrow_schema(ReviewItem),
        csv=True,
    )
