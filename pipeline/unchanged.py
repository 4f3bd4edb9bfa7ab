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

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.runs import MANIFEST, current_run
from pipeline.versions import file_sha256

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
