"""The output folder other tools read: one folder per run, a ``current`` pointer, a cache and a quarantine.

::

    out/
      current -> runs/20261123T020000Z-3f2a1c   the last dataset that passed the quality gate
      runs/<run id>/                            documents.parquet, tasks.parquet, json/, manifest.json, quality/
      cache/                                    Prefect's persisted per-document results (cross-run cache)
      quarantine/<sha256 prefix>/<file>         copies of documents that could not be processed, with reason.json

A run writes its whole dataset into a new run folder, then ``current`` is switched with one atomic rename,
so a reader that opens ``out/current/...`` sees either the old dataset or the new one, never a mix.
A run that fails the quality gate keeps its folder (to inspect) but ``current`` stays where it was.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

from pipeline.atomic import atomic_write_text
from schemas.records import PlanRecords

RUNS_DIR = "runs"
CURRENT = "current"
CACHE_DIR = "cache"
QUARANTINE_DIR = "quarantine"
MANIFEST = "manifest.json"


def new_run_dir(out: Path) -> Path:
    """A fresh run folder; names sort in time order."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    run_dir = out / RUNS_DIR / f"{stamp}-{secrets.token_hex(3)}"
    run_dir.mkdir(parents=True)
    return run_dir


def current_run(out: Path) -> Path | None:
    """The run folder ``current`` points at, if any."""
    pointer = out / CURRENT
    if not pointer.is_symlink() and not pointer.is_dir():
        return None
    target = pointer.resolve()
    return target if target.is_dir() else None


def dataset_dir(path: Path) -> Path:
    """Where the dataset files are: ``path/current`` for an output folder, else ``path`` itself (a run folder)."""
    return current_run(path) or path


def plan_files(path: Path) -> list[Path]:
    """The published plans' JSON files of a dataset (``path``: an output folder or a run folder), in name order;
    a ``ValueError`` naming ``path`` when it holds no dataset."""
    json_dir = dataset_dir(path) / "json"
    if not json_dir.is_dir():
        raise ValueError(f"{path}: not a vnplan dataset (no json/ folder); run `vnplan run` first")
    return sorted(json_dir.glob("*.json"))


def read_plan(path: Path) -> PlanRecords:
    """One plan file, or a ``ValueError`` naming it (a file another vnplan version wrote, or a damaged one)."""
    try:
        return PlanRecords.model_validate_json(path.read_bytes())
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        raise ValueError(f"{path}: not a plan file of this vnplan version: {error}") from error


def switch_current(out: Path, run_dir: Path) -> None:
    """Point ``out/current`` at ``run_dir`` atomically (a relative symlink renamed over the old one)."""
    temporary = out / f".{CURRENT}.{secrets.token_hex(4)}"
    os.symlink(os.path.relpath(run_dir, out), temporary, target_is_directory=True)
    try:
        os.replace(temporary, out / CURRENT)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def published_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of the dataset ``current`` points at, if any."""
    run_dir = current_run(out)
    if run_dir is None or not (run_dir / MANIFEST).is_file():
        return None
    manifest: dict[str, Any] = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    return manifest


def prune_runs(out: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` run folders (never the published one); the deleted folders.

    Datasets and manifest-only records (runs that found nothing changed) are counted apart, so a week of
    quiet nights does not push the earlier datasets out.
    """
    if keep < 1:
        raise ValueError(f"keep_runs must be at least 1, not {keep}")
    runs = sorted((p for p in (out / RUNS_DIR).iterdir() if p.is_dir()), key=lambda p: p.name)
    published = current_run(out)
    removed = []
    record_only = {run: _is_record_only(run) for run in runs}
    for kind in (True, False):
        for run_dir in [run for run in runs if record_only[run] is kind][:-keep]:
            if published is not None and run_dir.resolve() == published:
                continue
            shutil.rmtree(run_dir)
            removed.append(run_dir)
    return removed


def _is_record_only(run_dir: Path) -> bool:
    """A run folder holding only its manifest (a run that found nothing changed)."""
    return [path.name for path in run_dir.iterdir()] == [MANIFEST]


def quarantine(out: Path, source: Path, sha256: str | None, reason: str) -> Path:
    """Copy a document that could not be processed aside, with why; the original is never moved or changed."""
    folder = out / QUARANTINE_DIR / (sha256[:16] if sha256 else secrets.token_hex(8))
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / source.name
    if source.is_file() and not copy.exists():
        shutil.copy2(source, copy)
    note = {
        "source_path": str(source),
        "sha256": sha256,
        "reason": reason,
        "quarantined_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    atomic_write_text(folder / "reason.json", json.dumps(note, ensure_ascii=False, indent=2) + "\n")
    return copy
