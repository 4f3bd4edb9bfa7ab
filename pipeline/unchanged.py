"""Whether a run has anything to do: the published dataset already comes from exactly these inputs.

A nightly run over an inbox where nothing changed would rebuild, re-check and republish the same dataset
(every document from the cache, the same bytes written again).  Like ``make`` or ``dvc repro``, vnplan
instead compares one fingerprint of everything the dataset depends on with the one the published run
recorded in its manifest, and when they are equal it only records that it looked (a manifest-only run
folder with status ``unchanged``).  The fingerprint covers each input file's path and sha256, the
pipeline version (code, rule files, overrides file), the per-document limits and the quality-gate
settings.  A published run with failures is never taken as final: a document refused for time or
memory may pass on another night, so such an inbox is always run again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from extractors.limits import ResourceLimits
from pipeline.atomic import write_manifest
from pipeline.overrides import Override, load_overrides
from pipeline.quality_settings import QualitySettings
from pipeline.report_refresh import refresh_report
from pipeline.run_result import DocumentOutcome, Failure, RunResult
from pipeline.runs import MANIFEST, current_run, new_run_dir, prune_runs, published_manifest
from pipeline.sources import discover
from pipeline.versions import PipelineVersion, file_sha256, pipeline_version

FINGERPRINT_FIELD = "input_fingerprint"
UNCHANGED = "unchanged"


def file_hashes(files: Sequence[Path]) -> dict[Path, str | None]:
    """Each file's sha256 (the run reuses them for the cache keys); None for a file that cannot be read."""
    hashes: dict[Path, str | None] = {}
    for path in files:
        try:
            hashes[path] = file_sha256(path)
        except OSError:
            hashes[path] = None  # it fails, with its own reason, when the run processes it
    return hashes


def input_fingerprint(hashes: dict[Path, str | None], settings: dict[str, Any]) -> str | None:
    """One hash of the input files (paths and contents) and ``settings``; None if a file cannot be read."""
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode("utf-8"))
    for path in sorted(hashes, key=str):
        sha = hashes[path]
        if sha is None:
            return None
        digest.update(f"\0{path}\0{sha}".encode())
    return digest.hexdigest()


def unchanged_since(out: Path, published: dict[str, Any] | None, fingerprint: str | None) -> str | None:
    """The run id of the published dataset if it was built from exactly this fingerprint, else None."""
    if published is None or fingerprint is None:
        return None
    if published.get(FINGERPRINT_FIELD) != fingerprint or published.get("status") != "published":
        return None
    if published.get("failures"):
        return None  # a document that failed may pass this time (a time or memory limit)
    run_dir = current_run(out)
    if run_dir is None or not (run_dir / MANIFEST).is_file() or not (run_dir / "documents.parquet").is_file():
        return None
    run_id = published.get("run_id")
    return str(run_id) if run_id else None


class _Steps(Protocol):
    def step(self, name: str) -> None: ...


@dataclass
class RunInputs:
    """What a run reads before any document: the files, their hashes, the versions, the published run."""

    inbox: list[Path]
    out: Path
    decisions: list[Override]
    version: PipelineVersion
    files: list[Path]
    failures: list[Failure]
    hashes: dict[Path, str | None]
    fingerprint: str | None
    previous: dict[str, Any] | None
    started: dt.datetime
    clock: float

    @classmethod
    def gather(
        cls, inbox: list[Path], out: Path, overrides: Path | None, limits: ResourceLimits, quality: QualitySettings
    ) -> RunInputs:
        """Everything the fingerprint covers, read and hashed (a bad overrides file raises ``ValueError``)."""
        started, clock = dt.datetime.now(dt.UTC), time.perf_counter()
        decisions = load_overrides(overrides) if overrides is not None else []
        version = pipeline_version(overrides)
        files, failures = discover(inbox)
        out.mkdir(parents=True, exist_ok=True)
        hashes = file_hashes(files)
        settings = {"version": version.key, "limits": limits.as_dict(), "quality": asdict(quality)}
        return cls(
            inbox=inbox,
            out=out,
            decisions=decisions,
            version=version,
            files=files,
            failures=failures,
            hashes=hashes,
            fingerprint=input_fingerprint(hashes, settings),
            previous=published_manifest(out),
            started=started,
            clock=clock,
        )

    def new_result(self, overrides: Path | None) -> RunResult:
        return RunResult(
            failures=list(self.failures),
            sources=[str(f) for f in self.files],
            version=self.version.as_dict(),
            overrides_file=str(overrides) if overrides is not None else None,
        )

    def new_files(self) -> list[Path]:
        """The files the published run did not read with this pipeline version: the work this run has (a
        document the per-document cache holds under another run's version still counts as new)."""
        previous = self.previous or {}
        if (previous.get("versions") or {}).get("key") != self.version.key:
            return list(self.files)
        seen = {entry.get("sha256") for entry in previous.get("documents") or [] if entry.get("status") != "failed"}
        return [path for path in self.files if self.hashes.get(path) not in seen]

    def unchanged_since(self, force: bool) -> str | None:
        """The published run these inputs equal, unless ``force`` or a file cannot be listed."""
        if force or self.failures:
            return None
        return unchanged_since(self.out, self.previous, self.fingerprint)


def record_if_unchanged(
    inputs: RunInputs, overrides: Path | None, keep_runs: int, force: bool, listener: _Steps
) -> RunResult | None:
    """When nothing changed since the published run: a manifest-only run folder says so, and that run's result
    is returned; else None (the run has work to do).

    Called before the orchestrator, the quality gate and the language models are loaded (``pipeline.run``), so
    that a night with nothing new costs the hashing of the inbox and little else; the flow calls it too.
    """
    same_as = inputs.unchanged_since(force)
    if same_as is None or inputs.previous is None:
        return None
    result = inputs.new_result(overrides)
    published = inputs.previous
    result.documents = [DocumentOutcome(str(path), sha, "unchanged", 0.0) for path, sha in inputs.hashes.items()]
    result.unchanged_since = same_as
    result.published_summary = dict(published.get("summary") or {})
    result.published = True  # the published dataset is this run's dataset
    listener.step(f"nothing changed since run {same_as}: the published dataset stays current")
    result.run_dir = run_dir = new_run_dir(inputs.out)
    result.seconds = time.perf_counter() - inputs.clock
    manifest = {
        "run_id": run_dir.name,
        "status": UNCHANGED,
        "same_as": same_as,
        "started_at": inputs.started.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "previous_run": same_as,
        "versions": result.version,
        "inbox": [str(p) for p in inputs.inbox],
        "sources": result.sources,
        "summary": result.summary(),
        "documents": [outcome.as_dict() for outcome in result.documents],
        FINGERPRINT_FIELD: published.get(FINGERPRINT_FIELD),
    }
    published_run = current_run(inputs.out)
    if published_run is not None:  # its due-soon tables depend on the day: redrawn when the day has changed
        result.report, result.report_error = refresh_report(published_run)
    write_manifest(run_dir, manifest | {"report_error": result.report_error})
    prune_runs(inputs.out, keep_runs)
    return result
