"""The main job: read → extract → normalize → validate → publish, over a set of files and folders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from extractors.appendix import extract_appendix
from extractors.directives import extract_directives
from extractors.errors import VnplanError
from extractors.metadata import extract_metadata
from extractors.readers import read_document, supported_suffixes
from extractors.task_list import locate_task_list, read_section_tasks
from normalizers.agencies import default_resolver
from pipeline.build import build_plan
from pipeline.overrides import StaleOverride, apply_overrides, load_overrides
from pipeline.publish import publish
from schemas.records import PlanRecords

# Which copy of a plan the records come from when it arrives in several formats: DOCX keeps
# the real table structure (merged cells, no page breaks), the text export keeps the words
# but loses merges, and PDF needs layout reconstruction, so it is the last resort.
FORMAT_PREFERENCE = {"docx": 0, "text": 1, "pdf": 2}


@dataclass(frozen=True)
class Failure:
    path: str
    reason: str


@dataclass
class RunResult:
    plans: list[PlanRecords] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    overrides_applied: int = 0
    stale_overrides: list[StaleOverride] = field(default_factory=list)

    @property
    def warnings(self) -> list[Failure]:
        """Documents that were read but need a person: the ones in which no task list was found."""
        return [
            Failure(plan.document.source_path, item.reason)
            for plan in self.plans
            for item in plan.review
            if item.subject == "document"
        ]


def discover(paths: list[Path]) -> tuple[list[Path], list[Failure]]:
    """Every readable file under the given paths, in a stable order; missing paths are failures."""
    suffixes = supported_suffixes()
    files: list[Path] = []
    failures: list[Failure] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes and not _hidden(p))
            )
        elif path.is_file():
            files.append(path)
        else:
            failures.append(Failure(str(path), "no such file or folder"))
    return files, failures


def _hidden(path: Path) -> bool:
    return any(part.startswith(".") for part in path.parts if part not in (".", ".."))


def process_file(path: Path) -> PlanRecords:
    """One document through read → extract → normalize; the pydantic records validate themselves."""
    document = read_document(path)
    metadata = extract_metadata(document)
    appendix = extract_appendix(document)
    task_list = locate_task_list(document, has_appendix_tasks=bool(appendix["tasks"]))
    resolver = default_resolver()
    sections = read_section_tasks(
        document, task_list, lambda text: resolver.names_only_agencies(text, jurisdiction=metadata.jurisdiction)
    )
    directives = extract_directives(document, task_list.section if sections else None)
    return build_plan(document, metadata, appendix, directives, sections)


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


def run(paths: list[Path], out: Path, overrides: Path | None = None) -> RunResult:
    """Build and publish the dataset; people's decisions in the ``overrides`` file (if any) are applied.

    A missing overrides file means no overrides; an unreadable one raises ``ValueError`` before any work.
    """
    decisions = load_overrides(overrides) if overrides is not None else []
    files, failures = discover(paths)
    result = RunResult(failures=failures, sources=[str(f) for f in files])
    plans: list[PlanRecords] = []
    for path in files:
        try:
            plans.append(process_file(path))
        except VnplanError as error:
            result.failures.append(Failure(str(path), error.reason))
        except Exception as error:  # one broken document must not stop the others
            result.failures.append(Failure(str(path), f"unexpected error: {type(error).__name__}: {error}"))
    result.plans, result.stale_overrides = apply_overrides(merge_formats(plans), decisions)
    result.overrides_applied = len(decisions) - len(result.stale_overrides)
    manifest = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "sources": result.sources,
        "plans": [
            {
                "doc_id": p.document.doc_id,
                "source_path": p.document.source_path,
                "alternate_sources": p.document.alternate_sources,
            }
            for p in result.plans
        ],
        "failures": [{"path": f.path, "reason": f.reason} for f in result.failures],
        "warnings": [{"path": w.path, "reason": w.reason} for w in result.warnings],
        "overrides_file": str(overrides) if overrides is not None else None,
        "overrides_applied": result.overrides_applied,
        "stale_overrides": [stale.as_dict() for stale in result.stale_overrides],
    }
    publish(result.plans, out, manifest)
    return result
