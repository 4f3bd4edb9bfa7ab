"""What the figures were measured on: the machine, Python, the key libraries, and which vnplan code."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import psutil

LIBRARIES = (
    "pdfplumber",
    "pdfminer.six",
    "python-docx",
    "pymupdf",
    "prefect",
    "great_expectations",
    "spacy",
    "underthesea",
    "pydantic",
    "pyarrow",
    "rapidfuzz",
)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def load_average() -> list[float] | None:
    """The 1, 5 and 15-minute load averages: how busy the (possibly shared) machine was."""
    return [round(value, 2) for value in os.getloadavg()] if hasattr(os, "getloadavg") else None


def machine_info() -> dict[str, Any]:
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "libraries": library_versions(),
        "load_average_at_start": load_average(),
    }


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def code_info(root: Path, packages: tuple[str, ...]) -> dict[str, Any]:
    """The commit of the measured code, and whether its packages had uncommitted changes (read-only git)."""
    commit = _git(root, "rev-parse", "HEAD")
    status = _git(root, "status", "--porcelain", "--", *packages)
    return {
        "root": str(root),
        "commit": commit,
        "commit_subject": _git(root, "log", "-1", "--format=%s"),
        "dirty": bool(status) if status is not None else None,
    }
