"""The quality gate: Great Expectations suites over the tables about to be published, run as one checkpoint.

The published Parquet tables hold nested values (a task's deadline, its agency refs), which expectations
cannot reach, so the gate checks flat *check tables* derived from the same records: one row per document,
task, target, agency ref, and per plan seen in the previous published run.  They are written as Parquet
beside the Data Docs (``quality/tables``), so a person can open exactly what was checked.

Every expectation is ``critical`` (a failure keeps the previous dataset published and fails the run) or
``warning`` (reported, publishes anyway).  The knobs are one settings object, ``QualitySettings``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from normalizers.registry import default_registry
from pipeline.quality_index import write_index
from pipeline.quality_settings import QualitySettings
from pipeline.summaries import plan_agency_fields
from schemas.records import CompletenessKind, DeadlineKind, PlanRecords, TargetRecord, TaskRecord

QUALITY_DIR = "quality"
DATA_DOCS_DIR = "data_docs"
CHECK_TABLES_DIR = "tables"
DATA_DOCS_SITE = "vnplan"
DEADLINE_KINDS: tuple[str, ...] = DeadlineKind.__args__  # type: ignore[attr-defined]
FINDING_KINDS: tuple[str, ...] = CompletenessKind.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ExpectationResult:
    table: str
    expectation: str
    column: str | None
    severity: str
    success: bool
    description: str
    unexpected_count: int
    unexpected_examples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass(frozen=True)
class QualityReport:
    results: list[ExpectationResult]
    data_docs: Path | None
    """``quality/index.html``: vnplan's own index of the Data Docs (``pipeline.quality_index``), which lists
    every validation and suite without the network; GX's index builds its list with JavaScript from CDNs."""
    pages: list[Path] = field(default_factory=list)
    """One Data Docs page per checked table (they render offline)."""

    @property
    def critical_failures(self) -> list[ExpectationResult]:
        return [r for r in self.results if not r.success and r.severity == "critical"]

    @property
    def warnings(self) -> list[ExpectationResult]:
        return [r for r in self.results if not r.success and r.severity != "critical"]

    @property
    def passed(self) -> bool:
        """True when no critical expectation failed: the dataset may be published."""
        return not self.critical_failures

    def as_dict(self, relative_to: Path | None = None) -> dict[str, Any]:
        docs = self.data_docs
        if docs is not None and relative_to is not None:
            docs = docs.relative_to(relative_to)
        pages = [page.relative_to(relative_to) if relative_to else page for page in self.pages]
        return {
            "passed": self.passed,
            "expectations": len(self.results),
            "critical_failures": [r.as_dict() for r in self.critical_failures],
            "warnings": [r.as_dict() for r in self.warnings],
            "data_docs": str(docs) if docs is not None else None,
            "data_docs_pages": [str(page) for page in pages],
        }


# --- the check tables ---------------------------------------------------------------------------------


def _due_year(due: str | None) -> int | None:
    return int(due[:4]) if due and due[:4].isdigit() else None


def _task_row(task: TaskRecord) -> dict[str, Any]:
    deadline = task.deadline
    return {
        "task_id": task.task_id,
        "doc_id": task.doc_id,
        "source": task.source,
        "group": task.group,
        "stt": task.stt,
        "task": task.task,
        "kind": deadline.kind,
        "due": deadline.due,
        "due_year": _due_year(deadline.due),
        "needs_review": deadline.needs_review,
        "reviewed": task.reviewed,
    }


def _agency_rows(plan: PlanRecords) -> Iterable[dict[str, Any]]:
    registry = default_registry()
    queued = {(item.record_id, item.field, item.raw) for item in plan.review}
    for record, field_name, refs in plan_agency_fields(plan):
        record_id = record.target_id if isinstance(record, TargetRecord) else record.task_id
        for ref in refs:
            yield {
                "record_id": record_id,
                "field": field_name,
                "raw": ref.raw,
                "name": ref.name,
                "resolved": ref.resolved,
                "registry_name": registry.is_canonical_name(ref.agency_id, ref.name),
                "queued_or_reviewed": record.reviewed or (record_id, field_name, ref.raw) in queued,
            }


def check_tables(plans: list[PlanRecords], previous_rows: dict[str, int]) -> dict[str, pd.DataFrame]:
    """The flat tables the suites check.

    ``previous_rows``: rows (targets + tasks) per plan_key in the last published run (empty: no such run).
    """
    documents = [
        {
            "doc_id": plan.document.doc_id,
            "plan_key": plan.document.plan_key,
            "source_path": plan.document.source_path,
            "task_count": len(plan.tasks),
            "target_count": len(plan.targets),
            # the "no task at all" finding, open (a review row) or accepted by a person
            "no_tasks_flagged": any(finding.kind == "no_tasks" for finding in plan.document.completeness),
            "complete": plan.document.complete,
        }
        for plan in plans
    ]
    # One row per open finding, named by its plan's file: the per-kind expectations list the plans by name.
    findings = [
        {"plan": Path(plan.document.source_path).name, "kind": f.kind, "severity": f.severity, "message": f.message}
        for plan in plans
        for f in plan.document.completeness
        if not f.accepted
    ]
    row_counts = [
        {
            "plan_key": plan.document.plan_key,
            "previous_rows": previous_rows[plan.document.plan_key],
            "current_rows": len(plan.tasks) + len(plan.targets),
            "kept_share": (len(plan.tasks) + len(plan.targets)) / previous_rows[plan.document.plan_key],
        }
        for plan in plans
        if previous_rows.get(plan.document.plan_key)
    ]
    targets = [
        {"target_id": t.target_id, "doc_id": t.doc_id, "group": t.group, "stt": t.stt, "indicator": t.indicator}
        for plan in plans
        for t in plan.targets
    ]
    # One row: a run that finds no plan at all must not replace a dataset that had some (an unmounted inbox).
    run = [{"previous_plans": len(previous_rows), "current_plans": len(plans)}]
    return {
        "run": _frame(run, ("previous_plans", "current_plans")),
        "documents": _frame(documents, _DOCUMENT_COLUMNS),
        "tasks": _frame([_task_row(t) for plan in plans for t in plan.tasks], _TASK_COLUMNS),
        "targets": _frame(targets, _TARGET_COLUMNS),
        "agency_refs": _frame([row for plan in plans for row in _agency_rows(plan)], _AGENCY_COLUMNS),
        "row_counts": _frame(row_counts, _ROW_COUNT_COLUMNS),
        "completeness": _frame(findings, _FINDING_COLUMNS),
    }


_TASK_COLUMNS = (
    "task_id",
    "doc_id",
    "source",
    "group",
    "stt",
    "task",
    "kind",
    "due",
    "due_year",
    "needs_review",
    "reviewed",
)
_DOCUMENT_COLUMNS = (
    "doc_id",
    "plan_key",
    "source_path",
    "task_count",
    "target_count",
    "no_tasks_flagged",
    "complete",
)
_FINDING_COLUMNS = ("plan", "kind", "severity", "message")
_TARGET_COLUMNS = ("target_id", "doc_id", "group", "stt", "indicator")
_AGENCY_COLUMNS = ("record_id", "field", "raw", "name", "resolved", "registry_name", "queued_or_reviewed")
_ROW_COUNT_COLUMNS = ("plan_key", "previous_rows", "current_rows", "kept_share")


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    """A frame with exactly these columns, even with no rows (an empty run still gets checked)."""
    return pd.DataFrame(rows, columns=list(columns))


# --- the suites -----------------------------------------------------------------------------------------


def _suites(settings: QualitySettings) -> dict[str, list[Any]]:
    """table → expectations.  Imported here: Great Expectations takes seconds to import."""
    import great_expectations as gx
    from great_expectations.expectations.metadata_types import FailureSeverity
    from great_expectations.expectations.row_conditions import Column

    e = gx.expectations
    warning = FailureSeverity.WARNING
    not_reviewed = Column("reviewed") == False  # noqa: E712  (builds a condition object)

    def unique_id(column: str) -> list[Any]:
        return [e.ExpectColumnValuesToNotBeNull(column=column), e.ExpectColumnValuesToBeUnique(column=column)]

    def text_present(column: str) -> Any:
        return e.ExpectColumnValueLengthsToBeBetween(column=column, min_value=1, description=f"{column} not empty")

    return {
        "run": [
            e.ExpectColumnValuesToBeBetween(
                column="current_plans",
                min_value=1,
                row_condition=Column("previous_plans") > 0,
                description="a run with no plan at all does not replace a published dataset that had plans",
            ),
        ],
        "documents": [
            *unique_id("doc_id"),
            e.ExpectColumnValuesToBeUnique(column="plan_key"),
            e.ExpectColumnValuesToBeBetween(
                column="task_count",
                min_value=1,
                row_condition=Column("no_tasks_flagged") == False,  # noqa: E712  (a condition, not a test)
                description="a document has tasks unless its missing task list is flagged or accepted",
            ),
            e.ExpectColumnMeanToBeBetween(
                column="complete",
                min_value=settings.min_complete_share,
                severity=warning,
                description=f"at least {settings.min_complete_share:.0%} of the plans are complete",
            ),
        ],
        # One expectation per finding kind; its failing rows (listed in the summary) are the plans' names.
        "completeness": [
            e.ExpectColumnValuesToBeNull(
                column="plan",
                row_condition=Column("kind") == kind,
                severity=warning,
                description=f"no plan has an open {kind} finding",
            )
            for kind in FINDING_KINDS
        ],
        "tasks": [
            *unique_id("task_id"),
            *(e.ExpectColumnValuesToNotBeNull(column=column) for column in ("doc_id", "source", "kind")),
            text_present("task"),
            e.ExpectColumnValuesToBeInSet(column="kind", value_set=list(DEADLINE_KINDS)),
            e.ExpectColumnValuesToMatchStrftimeFormat(
                column="due", strftime_format="%Y-%m-%d", description="due is a real calendar date"
            ),
            e.ExpectColumnValuesToBeBetween(
                column="due_year", min_value=settings.earliest_due_year, max_value=settings.latest_due_year
            ),
            e.ExpectColumnValuesToBeInSet(
                column="needs_review",
                value_set=[True],
                row_condition=Column("due").is_null() & (Column("kind") != "recurring") & not_reviewed,
                description="an open deadline (no due date, not recurring) is flagged for review",
            ),
            e.ExpectColumnValuesToBeInSet(
                column="needs_review",
                value_set=[True],
                row_condition=(Column("kind") == "conditional") & not_reviewed,
                description="a conditional deadline is flagged for review",
            ),
            e.ExpectColumnValuesToMatchRegex(column="stt", regex=settings.stt_pattern, severity=warning),
            e.ExpectColumnValuesToMatchRegex(
                column="group",
                regex=settings.roman_group_pattern,
                row_condition=Column("source") == "appendix",
                severity=warning,
            ),
            e.ExpectColumnValuesToMatchRegex(
                column="group",
                regex=settings.section_group_pattern,
                row_condition=Column("source") == "section",
                severity=warning,
            ),
        ],
        "targets": [
            *unique_id("target_id"),
            e.ExpectColumnValuesToNotBeNull(column="doc_id"),
            text_present("indicator"),
            e.ExpectColumnValuesToMatchRegex(column="stt", regex=settings.stt_pattern, severity=warning),
            e.ExpectColumnValuesToMatchRegex(column="group", regex=settings.roman_group_pattern, severity=warning),
        ],
        "agency_refs": [
            text_present("name"),
            e.ExpectColumnValuesToBeInSet(
                column="registry_name",
                value_set=[True],
                row_condition=Column("resolved") == True,  # noqa: E712
                description="a resolved agency carries the registry's canonical name",
            ),
            e.ExpectColumnValuesToBeInSet(
                column="queued_or_reviewed",
                value_set=[True],
                row_condition=Column("resolved") == False,  # noqa: E712
                description="a name the registry does not know is in the review queue (or decided by a person)",
            ),
        ],
        "row_counts": [
            e.ExpectColumnValuesToBeBetween(
                column="kept_share",
                min_value=1 - settings.max_row_drop,
                description=f"no plan loses more than {settings.max_row_drop:.0%} of its rows against the last run",
            ),
        ],
    }


def _context(docs_dir: Path) -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        progress_bars=ProgressBarsConfig(globally=False),
        analytics_enabled=False,
        data_docs_sites={
            DATA_DOCS_SITE: {
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def _examples(result: dict[str, Any]) -> list[str]:
    return [str(value) for value in (result.get("partial_unexpected_list") or [])[:5]]


def run_quality_gate(
    tables: dict[str, pd.DataFrame], run_dir: Path, settings: QualitySettings | None = None
) -> QualityReport:
    """Run the suites as one checkpoint over ``tables``; Data Docs and the check tables go in ``run_dir/quality``."""
    settings = settings or QualitySettings()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    quality_dir = run_dir.resolve() / QUALITY_DIR  # GX wants absolute folders
    tables_dir = quality_dir / CHECK_TABLES_DIR
    tables_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_parquet(tables_dir / f"{name}.parquet", index=False)

    context = _context(quality_dir / DATA_DOCS_DIR)
    source = context.data_sources.add_pandas_filesystem("published", base_directory=tables_dir)
    definitions = []
    for name, expectations in _suites(settings).items():
        batch = source.add_parquet_asset(name).add_batch_definition_path(name, path=f"{name}.parquet")
        suite = context.suites.add(gx.ExpectationSuite(name=name))
        for expectation in expectations:
            suite.add_expectation(expectation)
        definition = gx.ValidationDefinition(name=name, data=batch, suite=suite)
        definitions.append(context.validation_definitions.add(definition))
    # No UpdateDataDocsAction: it rebuilds the whole site once per validation (seconds each); build it once.
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(name="published_tables", validation_definitions=definitions, result_format="SUMMARY")
    )
    outcome = checkpoint.run(run_id=RunIdentifier(run_name=run_dir.name))  # the run id labels the Data Docs
    context.build_data_docs(site_names=[DATA_DOCS_SITE])
    results: list[ExpectationResult] = []
    for validation in outcome.run_results.values():
        table = validation.suite_name
        for item in validation.results:
            config = item.expectation_config
            results.append(
                ExpectationResult(
                    table=table,
                    expectation=config.type,
                    column=config.kwargs.get("column"),
                    severity=str(getattr(config.severity, "value", config.severity)),
                    success=bool(item.success),
                    description=config.description or "",
                    unexpected_count=int(item.result.get("unexpected_count") or 0),
                    unexpected_examples=_examples(item.result),
                )
            )
    pages = sorted((quality_dir / DATA_DOCS_DIR / "validations").rglob("*.html"))
    index = write_index(quality_dir, run_dir.name, results, pages, quality_dir / DATA_DOCS_DIR)
    return QualityReport(results=results, data_docs=index, pages=pages)
