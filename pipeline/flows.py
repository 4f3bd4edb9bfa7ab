"""Prefect flows: ``ingest_plans`` maps ``process_document`` over an inbox, then gates and publishes the dataset.

- ``process_document`` (a task) runs read → extract → normalize → validate on one file.  Its result is
  cached across runs: the cache key is its inputs (the path, the file's sha256, the pipeline version:
  code + rule files + overrides) plus the task's source, and the results persist under ``out/cache``.
  An unchanged document is therefore not reprocessed; any rule or code change reprocesses everything.
  File-system errors are retried (a file still being copied in); a document that fails is quarantined.
- ``ingest_plans`` (the flow) writes the new dataset into a fresh run folder, runs the quality gate over
  it and, only if no critical expectation failed, switches ``out/current`` to it.

Without ``PREFECT_API_URL`` the flow runs in Prefect's ephemeral mode: nothing to start beforehand.

**Execution.**  By default (``workers=1``, no ``dask_address``) the documents run one after the other on the
flow's own thread, which is the main thread of ``vnplan run``: only there can the per-document time limit's
timer signal stop a page that hangs (``extractors/limits.py``).  With ``workers > 1`` they run on a local
Dask cluster of that many worker processes (one thread each: the work is CPU-bound Python, so threads would
only queue on the GIL), with ``dask_address`` on the workers of an existing Dask scheduler; see
:func:`_process_on_dask`.  The cache, retries, quarantine and outcomes are the same either way.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import time
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import psutil
from prefect import flow, task
from prefect.cache_policies import INPUTS, TASK_SOURCE
from prefect.client.schemas.objects import State, TaskRun
from prefect.context import FlowRunContext
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings
from prefect.states import Failed
from prefect.task_runners import TaskRunner
from prefect.utilities.annotations import quote

from extractors.errors import VnplanError
from extractors.limits import DEFAULT_LIMITS, ResourceLimits
from pipeline.atomic import write_manifest
from pipeline.documents import process_file
from pipeline.overrides import DEFAULT_OVERRIDES_PATH, apply_overrides, load_overrides
from pipeline.prefect_api import ensure_api
from pipeline.progress import RunListener, SilentListener
from pipeline.publish import write_dataset
from pipeline.quality import QualitySettings, check_tables, run_quality_gate
from pipeline.report_refresh import try_write_report
from pipeline.run_result import DocumentOutcome, Failure, RunResult
from pipeline.runs import (
    CACHE_DIR,
    new_run_dir,
    prune_runs,
    quarantine,
    switch_current,
)
from pipeline.sources import merge_formats
from pipeline.unchanged import FINGERPRINT_FIELD, RunInputs, record_if_unchanged
from pipeline.versions import file_sha256
from schemas.records import SCHEMA_VERSION, PlanRecords

if TYPE_CHECKING:
    from prefect_dask import DaskTaskRunner

# Who hears the stages of the document being processed.  A module-level slot rather than a task
# argument: task arguments are part of the cache key and must hash the same on every run.
_listener: RunListener = SilentListener()
_gathered: RunInputs | None = None
"""The inputs ``pipeline.run.run`` already read and hashed for this run, handed to ``ingest`` (like the listener:
a flow's parameters are what a deployment can pass, and these are the same files seconds later)."""


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
    # The limits decide only whether a document finishes, never its records: a changed limit reuses the cache.
    cache_policy=(INPUTS - "limits") + TASK_SOURCE,
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
    return process_file(Path(path), on_stage=_stage, limits=limits)


def _stage(stage: str) -> None:
    """Tell this process's listener the stage the document is at.

    A function rather than ``_listener.stage``: for Dask, Prefect's task function is pickled by value together
    with the globals it names, and the listener (a rich progress bar on stderr) cannot be pickled, nor should
    a worker talk to a copy of it.  This function is pickled by reference, so a worker process calls its own
    module's listener, which is silent.
    """
    _listener.stage(stage)


def _failure_reason(error: BaseException) -> str:
    if isinstance(error, VnplanError):
        return error.reason
    return f"unexpected error: {type(error).__name__}: {error}"


@dataclass
class Execution:
    """How a run executes its documents, and (filled during the run) where each one ran; kept in the manifest.

    ``workers == 1`` without ``dask_address``: serially on the flow's thread.  Otherwise on Dask: at
    ``dask_address`` when given (``workers`` is then not used), else on a local cluster of ``workers`` processes.
    """

    workers: int = 1
    dask_address: str | None = None
    dask_workers: list[str] = field(default_factory=list)
    """The workers the Dask scheduler had when the documents were submitted."""
    ran_on: dict[str, str] = field(default_factory=dict)
    """Input path → the Dask worker that ran its ``process_document`` task."""

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, not {self.workers}")

    @property
    def serial(self) -> bool:
        return self.workers == 1 and not self.dask_address

    def as_dict(self) -> dict[str, Any]:
        if self.serial:
            return {"mode": "serial", "workers": 1, "dask_address": None}
        return {
            "mode": "dask",
            "workers": len(self.dask_workers) if self.dask_address else self.workers,
            "dask_address": self.dask_address,
            "dask_workers": self.dask_workers,
            "ran_on": self.ran_on,
        }


class ExecutionError(ValueError):
    """The Dask cluster a run asked for cannot be used (a ValueError: the command line reports it plainly)."""


class _WorkerShutdownNoise(logging.Filter):
    """Drops the nanny's "Worker process still alive after 4.0 seconds, killing" when a local cluster stops.

    A worker that has run Prefect tasks (a large process: Prefect, spaCy, the tagger) can take more than the
    nanny's 4 s to exit on a busy machine, and is then killed.  That happens after the run's documents are
    done and their task runs reported, so the warning only alarms the person at the terminal.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Worker process still alive after")


def dask_task_runner(workers: int, dask_address: str | None) -> DaskTaskRunner:
    """The task runner for ``workers`` local processes, or for the Dask scheduler at ``dask_address``."""
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    nanny = logging.getLogger("distributed.nanny")
    if not any(isinstance(f, _WorkerShutdownNoise) for f in nanny.filters):
        nanny.addFilter(_WorkerShutdownNoise())
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,  # CPU-bound Python: one document per process at a time
            "processes": True,
            "dashboard_address": ":0",  # any free port: several runs (or clusters) on one machine do not collide
        }
    )


def _process_all(
    files: list[Path],
    hashes: dict[Path, str | None],
    out: Path,
    pipeline_key: str,
    result: RunResult,
    execution: Execution | None = None,
    limits: ResourceLimits = DEFAULT_LIMITS,
) -> list[PlanRecords]:
    """Every file through ``process_document``; one that fails is quarantined and the others go on.

    ``hashes``: the files' sha256 as the run already computed them (None where a file could not be read: it is
    hashed again, and fails with its own reason).
    """
    processor = process_document.with_options(result_storage=(out / CACHE_DIR).resolve())
    _listener.start(len(files))
    if execution is None or execution.serial:
        return _process_serially(files, hashes, out, pipeline_key, result, processor, limits)
    return _process_on_dask(files, hashes, out, pipeline_key, result, processor, execution, limits)


def _process_serially(
    files: list[Path],
    hashes: dict[Path, str | None],
    out: Path,
    pipeline_key: str,
    result: RunResult,
    processor: Any,
    limits: ResourceLimits,
) -> list[PlanRecords]:
    """One document after the other on this thread (the flow's, the main thread of ``vnplan run``)."""
    plans: list[PlanRecords] = []
    for path in files:
        _listener.document(path.name)
        started = time.perf_counter()
        sha: str | None = None
        try:
            sha = hashes.get(path) or file_sha256(path)
            state = processor(str(path), sha, pipeline_key, limits, return_state=True)
            plan = state.result()
            plans.append(plan)
            seconds = time.perf_counter() - started
            outcome = DocumentOutcome(str(path), sha, "cached" if state.name == "Cached" else "processed", seconds)
        except Exception as error:  # one broken document must not stop the others
            outcome, failure = _failed(out, path, sha, error, time.perf_counter() - started)
            result.failures.append(failure)
        result.documents.append(outcome)
        _listener.done(path.name, outcome.status)
    return plans


def _failed(
    out: Path, path: Path, sha: str | None, error: BaseException, seconds: float
) -> tuple[DocumentOutcome, Failure]:
    """Quarantine a document that failed; its outcome and its failure."""
    reason = _failure_reason(error)
    copy = quarantine(out, path, sha, reason)
    return DocumentOutcome(str(path), sha, "failed", seconds, reason), Failure(str(path), reason, str(copy), sha)


_Done = tuple[DocumentOutcome, PlanRecords | None, Failure | None]


@dataclass
class _Submitted:
    """A document handed to Dask: where it is in the input, its Prefect future, when it was submitted."""

    index: int
    path: Path
    sha: str
    future: Any  # prefect_dask.PrefectDaskFuture[PlanRecords]
    submitted: float


WORKER_WAIT_SECONDS = 60.0
"""How long a run waits for the Dask scheduler to have at least one worker."""


def _process_on_dask(
    files: list[Path],
    hashes: dict[Path, str | None],
    out: Path,
    pipeline_key: str,
    result: RunResult,
    processor: Any,
    execution: Execution,
    limits: ResourceLimits,
) -> list[PlanRecords]:
    """Every document as one ``process_document`` task on Dask; outcomes and plans in input order.

    The runner is the flow's own (``run_flow`` sets it with ``with_options``).  A deployment loads the flow
    from this module with its default runner, so when the flow's parameters ask for Dask and the runner is
    another one, the flow starts a Dask runner itself.  The Dask workers report their task runs to the
    Prefect API this flow uses (:func:`_api_url_for_workers`) and read and write the same result storage
    (``out/cache``, an absolute path: on a remote cluster it must be on storage every worker shares).

    The listener hears each document when it is submitted and when it is done (in the order they finish);
    the stages inside a document happen in another process and cannot be heard here.  Per-document seconds
    are the worker's compute time of the task, from Dask's task stream.  The per-document time limit is
    checked cooperatively only: the timer signal needs the main thread, and Dask runs tasks on worker threads.
    """
    from distributed import as_completed, get_task_stream
    from prefect_dask import DaskTaskRunner

    context = FlowRunContext.get()
    done: dict[int, _Done] = {}
    with ExitStack() as stack:
        flow_runner = context.task_runner if context is not None else None
        if isinstance(flow_runner, DaskTaskRunner):
            runner = flow_runner
        else:
            runner = stack.enter_context(dask_task_runner(execution.workers, execution.dask_address))
        client = _connected_client(runner, execution)
        api_url = _api_url_for_workers(context)
        execution.dask_workers = sorted(client.scheduler_info()["workers"])
        _check_workers_reach(api_url, execution.dask_workers)
        # The workers rebuild the flow's settings from the submitted context: with the API's real address.
        stack.enter_context(temporary_settings(updates={PREFECT_API_URL: api_url}))
        submitted: dict[Any, _Submitted] = {}
        with get_task_stream(client) as stream:
            for index, path in enumerate(files):
                _listener.document(path.name)
                started = time.perf_counter()
                try:
                    sha = hashes.get(path) or file_sha256(path)
                except Exception as error:  # unreadable before it could be submitted
                    outcome, failure = _failed(out, path, None, error, time.perf_counter() - started)
                    done[index] = (outcome, None, failure)
                    _listener.done(path.name, outcome.status)
                    continue
                parameters = {"path": str(path), "content_sha256": sha, "pipeline_key": pipeline_key}
                # What ``processor.submit(...)`` does with the flow's runner; here the runner may be this flow's own.
                future = runner.submit(processor, parameters | {"limits": limits})
                submitted[future.wrapped_future] = _Submitted(index, path, sha, future, started)
            _listener.step(f"{len(submitted)} document(s) on {len(execution.dask_workers)} Dask worker(s)")
            for finished in as_completed(list(submitted), loop=client.loop):
                item = submitted[finished]
                done[item.index] = _collect(out, item)
                _listener.done(item.path.name, done[item.index][0].status)
        _use_task_stream(stream.data, submitted.values(), done, execution)
    plans: list[PlanRecords] = []
    for index in sorted(done):  # input order, as a serial run gives them
        outcome, plan, failed = done[index]
        result.documents.append(outcome)
        if plan is not None:
            plans.append(plan)
        if failed is not None:
            result.failures.append(failed)
    return plans


def _connected_client(runner: DaskTaskRunner, execution: Execution) -> Any:
    """The runner's Dask client, once the scheduler has a worker; a clear error when there is none."""
    where = f"the Dask scheduler at {execution.dask_address}" if execution.dask_address else "a local Dask cluster"
    try:
        client = runner.client
        client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
    except (OSError, TimeoutError) as error:  # distributed's connection and wait timeouts are both
        raise ExecutionError(f"cannot run the documents on {where}: {type(error).__name__}: {error}") from error
    return client


def _collect(out: Path, item: _Submitted) -> _Done:
    """The outcome of one finished Dask task (seconds since submission, until the task stream tells better)."""
    path, sha = item.path, item.sha
    seconds = time.perf_counter() - item.submitted
    try:
        plan: PlanRecords = item.future.result()  # read from the result storage, as a serial run does
        cached = item.future.state.name == "Cached"
        return DocumentOutcome(str(path), sha, "cached" if cached else "processed", seconds), plan, None
    except Exception as error:  # one broken document must not stop the others
        outcome, failure = _failed(out, path, sha, error, seconds)
        return outcome, None, failure


def _use_task_stream(
    records: list[dict[str, Any]],
    submitted: Iterable[_Submitted],
    done: dict[int, _Done],
    execution: Execution,
) -> None:
    """Per document: the worker that ran it and its compute seconds there (records of other clients are ignored)."""
    by_key = {record.get("key"): record for record in records}
    for item in submitted:
        record = by_key.get(item.future.wrapped_future.key)
        if record is None:
            continue  # no record (the buffer rotated on a busy cluster): the seconds since submission stay
        execution.ran_on[str(item.path)] = str(record.get("worker"))
        compute = [s["stop"] - s["start"] for s in record.get("startstops", []) if s.get("action") == "compute"]
        outcome, plan, failure = done[item.index]
        if compute:
            done[item.index] = (replace(outcome, seconds=sum(compute)), plan, failure)


def _api_url_for_workers(context: FlowRunContext | None) -> str:
    """The Prefect API the Dask workers must report their task runs to: the one this flow run talks to.

    With ``PREFECT_API_URL`` (a server, or the test harness's) that is the setting.  In ephemeral mode the
    setting is empty and this process started a temporary server on a local port; the workers, which rebuild
    their settings from the flow's, would otherwise each start a temporary server of their own.
    """
    configured = get_current_settings().api.url
    if configured:
        return str(configured)
    if context is None:
        raise ExecutionError("no Prefect API to report the task runs to: run the documents inside the flow")
    return str(context.client.api_url).rstrip("/")


_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def _this_machine() -> set[str]:
    """Every name and address of this machine (a Dask worker here can reach a server on 127.0.0.1)."""
    names = _LOOPBACK | {socket.gethostname(), socket.getfqdn()}
    for addresses in psutil.net_if_addrs().values():
        names.update(address.address.split("%")[0] for address in addresses)
    return names


def _check_workers_reach(api_url: str, workers: list[str]) -> None:
    """Refuse a loopback Prefect API (ephemeral mode, a local ``vnplan serve``) for workers on other machines.

    Their task runs could not be reported, so every document would fail for a reason that is not the document's.
    """
    if urlsplit(api_url).hostname not in _LOOPBACK:
        return
    local = _this_machine()
    remote = [w for w in workers if not w.startswith("inproc://") and urlsplit(w).hostname not in local]
    if remote:
        raise ExecutionError(
            f"the Prefect API at {api_url} is only reachable from this machine, but the Dask workers "
            f"{', '.join(remote)} are elsewhere: set PREFECT_API_URL to a Prefect server they can reach"
        )


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
        "plans": [_plan_entry(p) for p in result.plans],
        "held_back": [_plan_entry(p) for p in result.held_back],
        "failures": [failure.as_dict() for failure in result.failures],
        "warnings": [{"path": w.path, "reason": w.reason} for w in result.warnings],
        "overrides_file": result.overrides_file,
        "overrides_applied": result.overrides_applied,
        "stale_overrides": [stale.as_dict() for stale in result.stale_overrides],
        "quality": result.quality.as_dict(relative_to=run_dir.resolve()) if result.quality else None,
    }


def is_held_back(plan: PlanRecords) -> bool:
    """A plan referring to an appendix that was not read is not published until a person accepts the finding:
    published, it would pass for a plan without those targets or tasks."""
    return any(f.severity == "critical" and not f.accepted for f in plan.document.completeness)


def _plan_entry(plan: PlanRecords) -> dict[str, Any]:
    doc = plan.document
    return {
        "doc_id": doc.doc_id,
        "plan_key": doc.plan_key,
        "source_path": doc.source_path,
        "alternate_sources": doc.alternate_sources,
        "targets": len(plan.targets),
        "tasks": len(plan.tasks),
        "review": len(plan.review),
        "complete": doc.complete,
        "completeness": [
            {"kind": f.kind, "severity": f.severity, "message": f.message, "accepted": f.accepted}
            for f in doc.completeness
        ],
    }


def _write_report(result: RunResult, manifest: dict[str, Any]) -> None:
    """The run's ``report.html`` (``pipeline.report``); if it cannot be drawn, why, in the summary and manifest."""
    assert result.run_dir is not None
    result.report, result.report_error = try_write_report(result.run_dir, manifest=manifest)
    if result.report_error:
        logging.getLogger(__name__).warning("report.html not written: %s", result.report_error)


def ingest(
    inbox: list[Path],
    out: Path,
    overrides: Path | None = DEFAULT_OVERRIDES_PATH,
    keep_runs: int = 5,
    quality: QualitySettings | None = None,
    execution: Execution | None = None,
    limits: ResourceLimits = DEFAULT_LIMITS,
    force: bool = False,
) -> RunResult:
    """The flow's work: process, merge, apply overrides, write a run folder, gate it, publish it.

    ``execution``: serially on this thread (the default) or on Dask, see :class:`Execution`.  When the
    published dataset was built from exactly these inputs (``pipeline.unchanged``), only a manifest saying
    so is written, unless ``force``.
    """
    execution = execution or Execution()
    quality = quality or QualitySettings()
    inputs = _inputs_gathered_for(inbox, out) or RunInputs.gather(inbox, out, overrides, limits, quality)
    unchanged = record_if_unchanged(inputs, overrides, keep_runs, force, _listener)
    if unchanged is not None:
        return unchanged
    result = inputs.new_result(overrides)
    decisions, previous, fingerprint = inputs.decisions, inputs.previous, inputs.fingerprint
    plans = _process_all(inputs.files, inputs.hashes, out, inputs.version.key, result, execution, limits)
    checked, result.stale_overrides = apply_overrides(merge_formats(plans), decisions)
    result.overrides_applied = len(decisions) - len(result.stale_overrides)
    result.plans = [plan for plan in checked if not is_held_back(plan)]
    result.held_back = [plan for plan in checked if is_held_back(plan)]

    _listener.step("writing the run folder")
    result.run_dir = run_dir = new_run_dir(out)
    # The review rows of the plans held back stay in the queue: accepting their finding publishes them.
    write_dataset(result.plans, run_dir, [failure.review_item() for failure in result.failures], result.held_back)
    _listener.step("quality gate")
    tables = check_tables(result.plans, _previous_rows(previous))
    result.quality = run_quality_gate(tables, run_dir, quality)
    result.published = result.quality.passed
    result.seconds = time.perf_counter() - inputs.clock
    manifest = _manifest(result, [str(p) for p in inbox], inputs.started, previous)
    _listener.step("report")
    _write_report(result, manifest)
    extra = {"executor": execution.as_dict(), "limits": limits.as_dict(), FINGERPRINT_FIELD: fingerprint}
    extra |= {"report": result.report.name if result.report else None, "report_error": result.report_error}
    write_manifest(run_dir, manifest | extra)
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
    workers: int = 1,
    dask_address: str | None = None,
    max_file_mb: float | None = DEFAULT_LIMITS.max_file_mb,
    max_seconds: float | None = DEFAULT_LIMITS.max_seconds,
    max_memory_mb: float | None = DEFAULT_LIMITS.max_memory_mb,
    force: bool = False,
) -> Any:
    """The nightly job.  Fails (after writing its run folder and manifest) when the quality gate fails.

    ``workers`` > 1 runs the documents on a local Dask cluster of that many processes, ``dask_address`` on an
    existing Dask scheduler (it wins over ``workers``); see :func:`run_flow` and :func:`_process_on_dask`.
    ``force`` runs everything even when nothing changed since the published run (``pipeline.unchanged``).
    """
    result = ingest(
        [Path(p) for p in inbox],
        Path(out),
        Path(overrides) if overrides else None,
        keep_runs,
        QualitySettings(max_row_drop=max_row_drop),
        Execution(workers, dask_address),
        ResourceLimits(max_file_mb, max_seconds, max_memory_mb),
        force,
    )
    # ``quote``: Prefect walks a flow's return value looking for futures to resolve; the run's plans hold none,
    # and walking them took 5 s of a 100-plan run (under cProfile), growing with the plans.  ``run_flow`` unwraps it.
    if not result.published:
        assert result.quality is not None
        names = ", ".join(f"{r.table}.{r.column or ''} {r.expectation}" for r in result.quality.critical_failures)
        return Failed(message=f"quality gate failed, previous dataset kept: {names}", data=quote(result))
    return quote(result)


def _inputs_gathered_for(inbox: list[Path], out: Path) -> RunInputs | None:
    """The inputs ``run_flow`` was handed for this inbox and output folder (taken once), else None."""
    global _gathered
    gathered, _gathered = _gathered, None
    if gathered is not None and gathered.inbox == inbox and gathered.out == out:
        return gathered
    return None


def run_flow(
    inbox: list[Path],
    out: Path,
    overrides: Path | None = DEFAULT_OVERRIDES_PATH,
    keep_runs: int = 5,
    listener: RunListener | None = None,
    max_row_drop: float = QualitySettings.max_row_drop,
    workers: int = 1,
    dask_address: str | None = None,
    limits: ResourceLimits = DEFAULT_LIMITS,
    force: bool = False,
    inputs: RunInputs | None = None,
) -> RunResult:
    """Run ``ingest_plans`` here and now; its RunResult whether the gate passed or not.

    ``inputs``: the run's inputs as the caller already gathered them (``pipeline.run.run``), not read again.

    ``workers == 1`` and no ``dask_address``: the documents run one after the other on this thread.
    ``workers > 1``: on a local Dask cluster of that many worker processes, started for this run and
    stopped after it.  ``dask_address`` (``tcp://host:8786``): on the workers of that Dask scheduler;
    ``workers`` is then not used.  A bad overrides file, ``workers < 1`` or a Dask cluster that cannot be
    used raise ``ValueError``; any other error of the flow is raised.
    """
    global _listener, _gathered
    if overrides is not None:
        load_overrides(overrides)  # fail early, with the file's own message
    execution = Execution(workers, dask_address)  # checks workers
    flow_ = ingest_plans
    if not execution.serial:
        # A TaskRunner, but its generic parameter does not match the annotation of ``with_options``.
        runner = cast("TaskRunner[Any]", dask_task_runner(workers, dask_address))
        flow_ = ingest_plans.with_options(task_runner=runner)
    _listener = listener or SilentListener()
    ensure_api()  # a Prefect API that answers, or one line saying why there is none (PrefectUnavailable)
    _gathered = inputs
    try:
        state = flow_(
            [str(p) for p in inbox],
            str(out),
            str(overrides) if overrides is not None else None,
            keep_runs,
            max_row_drop,
            workers,
            dask_address,
            limits.max_file_mb,
            limits.max_seconds,
            limits.max_memory_mb,
            force,
            return_state=True,
        )
    finally:
        _listener, _gathered = SilentListener(), None
    assert isinstance(state, State)  # a sync flow called with return_state=True
    outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, quote):
        outcome = outcome.unwrap()
    if isinstance(outcome, BaseException):
        raise outcome
    if not isinstance(outcome, RunResult):
        raise RuntimeError(f"ingest_plans ended in state {state.name}: {state.message}")
    return outcome
