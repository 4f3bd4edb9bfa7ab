"""Which files a run reads, and which copy of a plan the records come from."""

from __future__ import annotations

from pathlib import Path

from pipeline.run_result import Failure
from schemas.records import PlanRecords

# Which copy of a plan the records come from when it arrives in several formats: DOCX keeps the real
# table structure (merged cells, no page breaks); a .doc/.rtf/.odt is DOCX after LibreOffice's conversion
# (one step more that can go wrong); a web page keeps merges and structure but mixes in its site; the text
# export keeps the words but loses merges; PDF needs layout reconstruction, so it is the last resort.
FORMAT_PREFERENCE = {"docx": 0, "html": 2, "text": 3, "pdf": 4}
CONVERTED_RANK = 1


def preference(plan: PlanRecords) -> int:
    """The rank of a plan's copy: lower is preferred."""
    document = plan.document
    return CONVERTED_RANK if document.converted_from else FORMAT_PREFERENCE[document.source_format]


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
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and not _hidden(p.relative_to(path)) and not _page_files(p, path)
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            failures.append(Failure(str(path), "no such file or folder"))
    return files, failures


def _hidden(path: Path) -> bool:
    """A dot file or folder, or an Office lock file (``~$name.docx``, written while the document is open)."""
    return any(part.startswith((".", "~$")) for part in path.parts if part not in (".", ".."))


_COMPANION_SUFFIXES = ("_files", ".fld", "-Dateien", "_archivos")
"""The folder a browser or Word saves a page's images and styles in, beside ``name.html``: ``name_files``."""


def _page_files(path: Path, root: Path) -> bool:
    """Whether ``path`` lies in the companion folder of a web page saved "with its files"."""
    for parent in path.relative_to(root).parents:
        folder = root / parent
        for suffix in _COMPANION_SUFFIXES:
            if folder.name.endswith(suffix):
                stem = folder.name[: -len(suffix)]
                if any((folder.parent / f"{stem}{ext}").is_file() for ext in (".html", ".htm", ".xhtml")):
                    return True
    return False


def merge_formats(plans: list[PlanRecords]) -> list[PlanRecords]:
    """One plan, one set of records: keep the preferred format's copy, list the others as alternates."""
    by_plan: dict[str, list[PlanRecords]] = {}
    for plan in plans:
        by_plan.setdefault(plan.document.plan_key, []).append(plan)
    merged: list[PlanRecords] = []
    for copies in by_plan.values():
        copies.sort(key=lambda p: (preference(p), p.document.source_path))
        chosen, others = copies[0], copies[1:]
        alternates = sorted({p.document.source_path for p in others} - {chosen.document.source_path})
        merged.append(
            chosen.model_copy(update={"document": chosen.document.model_copy(update={"alternate_sources": alternates})})
        )
    merged.sort(key=lambda p: p.document.source_path)
    return merged
