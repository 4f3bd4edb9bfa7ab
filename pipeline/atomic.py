"""Files written atomically (a temporary file in the same folder, renamed over the target), and the manifest.

Kept apart from ``pipeline.publish`` (pyarrow) so that a run with nothing to do records its manifest without
importing the table writers.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from schemas.records import SCHEMA_VERSION


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file in the same folder, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(temporary))
        os.chmod(temporary, 0o644)  # mkstemp makes the file private; the dataset is for other tools to read
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda target: target.write_text(text, encoding="utf-8"))


def write_manifest(out: Path, manifest: dict[str, Any]) -> None:
    """The run's manifest.json (the schema version first)."""
    manifest = {"schema_version": SCHEMA_VERSION, **manifest}
    atomic_write_text(out / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
