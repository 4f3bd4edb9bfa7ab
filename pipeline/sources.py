"""Which files a run reads, and which copy of a plan the records come from."""

from __future__ import annotations

from pathlib import Path

from pipeline.run_result import Failure
from schemas.records import PlanRecords

# Which copy of a plan the records come from when it arrives in several formats: DOCX keeps
# the real table structure (merged cells, no page breaks), the text export keeps the words
# but loses merges, and PDF needs layout reconstruction, so it is the last resort.
FORMAT_PREFERENCE = {"docx": 0, "text": 1, "pdf": 2}


def discover(paths: list[Path]) -> tuple[list[Path], list[Failure]]:
    """Every file under the given paths, in a stable order; missing paths are failures.

    Files of a type vnplan does not read are listed too: an upload in the inbox that cannot be a plan
    (a spreadsheet, a scan as .jpg) gets an error and a quarantine entry, never silent neglect.
    Hidden files (``.name``, e.g. a download in progress) and Office lock files (``~$name``) are left alone.
    """
    files: list[Path] = []
    failures: list[Failure] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p.relative_to(path))))
        elif path.is_file():
            files.append(path)
        else:
            failures.append(Failure(str(path), "no such file or folder"))
    return files, failures


def _hidden(path: Path) -> bool:
    """A dot file or folder, or an Office lock file (``~$name.docx``, written while the document is open)."""
    return any(part.startswith((".", "~$")) for part in path.parts if part not in (".", ".."))


def merge_formats(plans: list[PlanRecords]) -> list[PlanRecords]:
    """One plan, one set of records: keep the preferred format's copy, list the others as alternates."""
    by_plan: dict[str, list[PlanRecords]] = {}
    for plan in plans:
        by_plan.setdefault(plan.document.plan_key, []).append(plan)
    merged: list[PlanRecords] = []
    for copies in by_plan.values():
        copies.sort(key=lambda p: (FORMAT_PREFERENCE[p.document.source_format], p.document.source_path))
        chosen, others = copies[0], copies[1:]
        alternates = sorted({p.document.source_path for p in others} - {chosen.document.source_path})
        merged.append(
            chosen.model_copy(update={"document": chosen.document.model_copy(update={"alternate_sources": alternates})})
        )
    merged.sort(key=lambda p: p.document.source_path)
    return merged
