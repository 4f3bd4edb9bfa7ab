"""Prefect flows: ``ingest_plans`` maps ``process_document`` over an inbox, then gates and publishes the dataset.

- ``process_document`` (a task) runs read → extract → normalize → validate on one file.  Its result is
  cached across runs: the cache key is its inputs (the path, the file's sha256, the pipeline version:
  code + rule files + overrides) plus the task's source, and the results persist under ``out/cache``.
  An unchanged document is therefore not reprocessed; any rule or code change reprocesses everything.
  File-system errors are retried (a file still being copied in); a document that fails is quarantined.
- ``ingest_plans`` (the flow) writes the new dataset into a fresh run folder, runs the quality gate over
  it and, only if no critical expectation failed, switches ``out/current`` to it.

Without ``PREFECT_API_URL`` the flow runs in Prefect's ephemeral mode: nothing to start beforehand.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import INPUTS, TASK_SOURCE
from prefect.client.schemas.objects import State, TaskRun
from prefect.states import Failed

from extractors.errors import VnplanError
from extractors.limits import DEFAULT_LIMITS, ResourceLimits
from pipeline.documents import process_file
from pipeline.overrides import DEFAULT_OVERRIDES_PATH, DOCUMENT_FIELD, apply_overrides, load_overrides
from pipeline.progress import RunListener, SilentListener
from pipeline.publish import write_dataset, write_manifest
from pipeline.quality import QualitySettings, check_tables, run_quality_gate
from pipeline.run_result import DocumentOutcome, Failure, RunResult
from pipeline.runs import (
    CACHE_DIR,
    new_run_dir,
    prune_runs,
    published_manifest,
    quarantine,
    switch_current,
)
from pipeline.sources import discover, merge_formats
from pipeline.versions import file_sha256, pipeline_version
from schemas.records import SCHEMA_VERSION, PlanRecords

# Who hears the stages of the document being processed.  A module-level slot rather than a task
# argument: task arguments are part of the cache key and must hash the same on every run.
_listener: RunListener = SilentListener()


def _is_transient(task: Any, task_run: TaskRun, state: State) -> bool:
    """Retry only what can pass by itself: file-system errors.  A document that cannot be read stays so."""
    try:
        state.result()
    except VnplanError:
        return False
    except OSError:
        return True
    except Exception:
        return False
    return False


@task(
    name="process_document",
    cache_policy=INPUTS + TASK_SOURCE,
    persist_result=True,
    cache_result_in_memory=False,
    retries=2,
    retry_delay_seconds=1,
    retry_condition_fn=_is_transient,
)
def process_document(
    path: str, content_sha256: str, pipeline_key: str, limits: ResourceLimits = DEFAULT_LIMITS
) -> PlanRecords:
    """One document's records within ``limits`` (``content_sha256`` and ``pipeline_key`` are for the cache key)."""
    return process_file(Path(path), on_stage=_listener.stage, limits=limits)


def _failure_reason(error: BaseException) -> str:
    if isinstance(error, VnplanError):
        return error.reason
    return f"unexpected error: {type(error).__name__}: {error}"


def _process_all(files: list[Path], out: Path, pipeline_key: str, result: RunResult) -> list[PlanRecords]:
    """Every file through ``process_document``; one that fails is quarantined and the others go on."""
    processor = process_document.with_options(result_storage=(out / CACHE_DIR).resolve())
    plans: list[PlanRecords] = []
    _listener.start(len(files))
    for path in files:
        _listener.document(path.name)
        started = time.perf_counter()
        sha: str | None = None
        try:
            sha = file_sha256(path)
            state = processor(str(path), sha, pipeline_key, return_state=True)
            plan = state.result()
            plans.append(plan)
            seconds = time.perf_counter() - started
            outcome = DocumentOutcome(str(path), sha, "cached" if state.name == "Cached" else "processed", seconds)
        except Exception as error:  # one broken document must not stop the others
            reason = _failure_reason(error)
            copy = quarantine(out, path, sha, reason)
            result.failures.append(Failure(str(path), reason, str(copy)))
            outcome = DocumentOutcome(str(path), sha, "failed", time.perf_counter() - started, reason)
        result.documents.append(outcome)
        _listener.done(path.name, outcome.status)
    return plans


def _previous_rows(manifest: dict[str, Any] | None) -> dict[str, int]:
    if not manifest:
        return {}
    return {p["plan_key"]: p["targets"] + p["tasks"] for p in manifest.get("plans", []) if "plan_key" in p}


def _manifest(
    result: RunResult, inbox: list[str], started: dt.datetime, previous: dict[str, Any] | None
) -> dict[str, Any]:
    run_dir = result.run_dir
    assert run_dir is not None
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": run_dir.name,
        "status": "published" if result.published else "failed: quality gate",
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "previous_run": previous.get("run_id") if previous else None,
        "versions": result.version,
        "inbox": inbox,
        "sources": result.sources,
        "summary": result.summary(),
        "documents": [outcome.as_dict() for outcome in result.documents],
        "plans": [
            {
                "doc_id": p.document.doc_id,
                "plan_key": p.document.plan_key,
                "source_path": p.document.source_path,
                "alternate_sources": p.document.alternate_sources,
                "targets": len(p.targets),
                "tasks": len(p.tasks),
                "review": len(p.review),
            }
            for p in result.plans
        ],
        "failures": [failure.as_dict() for failure in result.failures],
        "warnings": [{"path": w.path, "reason": w.reason} for w in result.warnings],
        "overrides_file": result.overrides_file,
        "overrides_applied": result.overrides_applied,
        "stale_overrides": [stale.as_dict() for stale in result.stale_overrides],
        "quality": result.quality.as_dict(relative_to=run_dir.resolve()) if result.quality else None,
    }


def ingest(
    inbox: list[Path],
    out: Path,
    overrides: Path | None = DEFAULT_OVERRIDES_PATH,
    keep_runs: int = 5,
    quality: QualitySettings | None = None,
) -> RunResult:
    """The flow's work: process, merge, apply overrides, write a run folder, gate it, publish it."""
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    decisions = load_overrides(overrides) if overrides is not None else []
    version = pipeline_version(overrides)
    files, failures = discover(inbox)
    result = RunResult(
        failures=failures,
        sources=[str(f) for f in files],
        version=version.as_dict(),
        overrides_file=str(overrides) if overrides is not None else None,
    )
    out.mkdir(parents=True, exist_ok=True)
    plans = _process_all(files, out, version.key, result)
    result.plans, result.stale_overrides = apply_overrides(merge_formats(plans), decisions)
    result.overrides_applied = len(decisions) - len(result.stale_overrides)

    _listener.step("writing the run folder")
    previous = published_manifest(out)
    result.run_dir = run_dir = new_run_dir(out)
    write_dataset(result.plans, run_dir)
    _listener.step("quality gate")
    plan_keys = {plan.document.plan_key for plan in result.plans}
    accepted = {o.record_id for o in decisions if o.field == DOCUMENT_FIELD} & plan_keys
    tables = check_tables(result.plans, _previous_rows(previous), accepted)
    result.quality = run_quality_gate(tables, run_dir, quality)
    result.published = result.quality.passed
    result.seconds = time.perf_counter() - clock
    write_manifest(run_dir, _manifest(result, [str(p) for p in inbox], started, previous))
    if result.published:
        switch_current(out, run_dir)
    prune_runs(out, keep_runs)
    return result


@flow(name="ingest_plans", description="Read every plan in the inbox, check the dataset, publish it if it passes.")
def ingest_plans(
    inbox: list[str],
    out: str = "out",
    overrides: str | None = str(DEFAULT_OVERRIDES_PATH),
    keep_runs: int = 5,
    max_row_drop: float = QualitySettings.max_row_drop,
) -> Any:
    """The nightly job.  Fails (after writing its run folder and manifest) when the quality gate fails."""
    result = ingest(
        [Path(p) for p in inbox],
        Path(out),
        Path(overrides) if overrides else None,
        keep_runs,
        QualitySettings(max_row_drop=max_row_drop),
    )
    if not result.published:
        assert result.quality is not None
        names = ", ".join(f"{r.table}.{r.column or ''} {r.expectation}" for r in result.quality.critical_failures)
        return Failed(message=f"quality gate failed, previous dataset kept: {names}", data=result)
    return result


def run_flow(
    inbox: list[Path],
    out: Path,
    overrides: Path | None = DEFAULT_OVERRIDES_PATH,
    keep_runs: int = 5,
    listener: RunListener | None = None,
    max_row_drop: float = QualitySettings.max_row_drop,
) -> RunResult:
    """Run ``ingest_plans`` here and now; its RunResult whether the gate passed or not.

    A bad overrides file raises ``ValueError`` before any work; any other error of the flow is raised.
    """
    global _listener
    if overrides is not None:
        load_overrides(overrides)  # fail early, with the file's own message
    _listener = listener or SilentListener()
    try:
        state = ingest_plans(
            [str(p) for p in inbox],
            str(out),
            str(overrides) if overrides is not None else None,
            keep_runs,
            max_row_drop,
            return_state=True,
        )
    finally:
        _listener = SilentListener()
    assert isinstance(state, State)  # a sync flow called with return_state=True
    outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, BaseException):
        raise outcome
    if not isinstance(outcome, RunResult):
        raise RuntimeError(f"ingest_plans ended in state {state.name}: {state.message}")
    return outcome
