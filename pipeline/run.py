"""The main job, as a library call: read → extract → normalize → validate → publish over files and folders.

The work is done by the Prefect flow ``pipeline.flows.ingest_plans``; see there.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractors.limits import DEFAULT_LIMITS, ResourceLimits
from pipeline.progress import RunListener, SilentListener
from pipeline.quality_settings import QualitySettings
from pipeline.run_result import DocumentOutcome, Failure, RunResult
from pipeline.unchanged import RunInputs, record_if_unchanged

if TYPE_CHECKING:
    from pipeline.documents import process_file

__all__ = ["DocumentOutcome", "Failure", "RunResult", "process_file", "run"]


def __getattr__(name: str) -> Any:
    """``process_file`` on first use: it loads the readers and the language models, which a run with nothing
    to do never needs."""
    if name == "process_file":
        from pipeline.documents import process_file

        return process_file
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run(
    paths: list[Path],
    out: Path,
    overrides: Path | None = None,
    keep_runs: int = 5,
    listener: RunListener | None = None,
    workers: int | None = 1,
    dask_address: str | None = None,
    limits: ResourceLimits = DEFAULT_LIMITS,
    force: bool = False,
) -> RunResult:
    """Build the dataset into a new run folder of ``out`` and publish it if it passes the quality gate.

    People's decisions in the ``overrides`` file (if any) are applied; a missing file means none, an
    unreadable one raises ``ValueError`` before any work.  ``workers`` > 1 processes the documents on a
    local Dask cluster of that many processes, ``dask_address`` on an existing Dask scheduler (see
    :func:`pipeline.flows.run_flow`).  ``limits`` bound each document's size, time and memory.  When nothing
    changed since the published run (same files, code, rules, overrides, settings: ``pipeline.unchanged``),
    only a manifest saying so is written, unless ``force``.
    """
    # Nothing changed since the published run: say so and stop, before Prefect, the quality gate (pandas, Great
    # Expectations) and the language models (spaCy, underthesea) are even imported.
    inputs = RunInputs.gather(paths, out, overrides, limits, QualitySettings())
    unchanged = record_if_unchanged(inputs, overrides, keep_runs, force, listener or SilentListener())
    if unchanged is not None:
        return unchanged
    if workers is None and dask_address is None:
        workers = workers_for(inputs.new_files())
    from pipeline.flows import run_flow  # Prefect is imported only when a run has work to do

    return run_flow(
        paths,
        out,
        overrides,
        keep_runs=keep_runs,
        listener=listener,
        workers=workers or 1,
        dask_address=dask_address,
        limits=limits,
        force=force,
        inputs=inputs,
    )


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it, else the CPU count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


CLUSTER_START_SECONDS = 15.0
"""What a local Dask cluster adds to a run once on this 2-core machine: its worker processes start and import the
pipeline, and stop at the end (``make bench``, "A plain vnplan run": 100 new text documents took 27.7 s on two
workers against 19.3 s one after the other)."""

CLUSTER_SECONDS_PER_DOCUMENT = 0.15
"""What a local Dask cluster adds to every document: its task run is reported to Prefect from the worker, its
result stored and sent back (1,000 text plans: 0.27 s per document on a worker against 0.12 s in process, 187.5 s
on two workers against about 144 s serially)."""

SECONDS_PER_DOCUMENT = {".pdf": 0.8, ".doc": 1.5, ".rtf": 1.5, ".odt": 1.5, ".docx": 0.2}
"""About how long one document takes to process, one after the other (``make bench``); a text, Markdown or web
page export takes ``SECONDS_OTHERWISE``.  A PDF adds ``SECONDS_PER_PDF_MB`` for each megabyte past the first half:
a large PDF is long, or scanned (OCR takes seconds per page)."""
SECONDS_OTHERWISE = 0.15
SECONDS_PER_PDF_MB = 10.0


def expected_seconds(files: Sequence[Path]) -> float:
    """An estimate of the serial processing time of ``files``, from their formats and the sizes of PDFs."""
    total = 0.0
    for path in files:
        suffix = path.suffix.lower()
        total += SECONDS_PER_DOCUMENT.get(suffix, SECONDS_OTHERWISE)
        if suffix == ".pdf":
            try:
                megabytes = path.stat().st_size / 1e6
            except OSError:
                megabytes = 0.0
            total += SECONDS_PER_PDF_MB * max(0.0, megabytes - 0.5)
    return total


def workers_for(new_files: Sequence[Path]) -> int:
    """``vnplan run``'s default: one worker process per usable core (a local Dask cluster) when the new
    documents' expected serial work is longer than the same work spread over the cores plus what the cluster
    adds, else 1: this process, one document after the other.  Text plans (0.15 s each) never pay for it on
    two cores; about 50 text PDFs do, and a scanned plan of a few megabytes with one more file."""
    if len(new_files) < 2:
        return 1
    cores = usable_cores()
    serial = expected_seconds(new_files)
    spread = CLUSTER_START_SECONDS + (serial + CLUSTER_SECONDS_PER_DOCUMENT * len(new_files)) / min(
        cores, len(new_files)
    )
    return min(cores, len(new_files)) if cores > 1 and serial > spread else 1
