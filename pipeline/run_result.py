"""What a run did: per document, per plan, the failures, the overrides and the quality gate's verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pipeline.overrides import FILE_FIELD, NO_TASK_LIST, StaleOverride
from schemas.records import PlanRecords, ReviewItem

if TYPE_CHECKING:  # the gate (pandas, Great Expectations) is imported only by a run that builds a dataset
    from pipeline.quality import QualityReport

DocumentStatus = Literal["processed", "cached", "failed", "unchanged"]


UNREAD = "not processed: the file was set aside in quarantine"


@dataclass(frozen=True)
class Failure:
    path: str
    reason: str
    quarantined: str | None = None  # where the copy of the document was put aside
    sha256: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"path": self.path, "reason": self.reason, "quarantined": self.quarantined, "sha256": self.sha256}

    def review_item(self) -> ReviewItem:
        """The review-queue row that tells a person this file was not read, and why."""
        return failure_review_item(self.as_dict())


def failure_review_item(failure: dict[str, str | None]) -> ReviewItem:
    """The review row of one failure, from a ``Failure`` or its manifest entry (``as_dict``)."""
    path, sha = str(failure["path"]), failure.get("sha256")
    return ReviewItem(
        doc_id=sha or "",
        record_id=f"sha256:{sha}" if sha else path,
        field=FILE_FIELD,
        subject="document",
        raw=Path(path).name,
        understood=UNREAD,
        reason=str(failure["reason"]),
    )


@dataclass(frozen=True)
class DocumentOutcome:
    """One input file in one run: processed anew, taken from the cache, or failed (and why)."""

    path: str
    sha256: str | None
    status: DocumentStatus
    seconds: float
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "reason": self.reason,
        }


@dataclass
class RunResult:
    plans: list[PlanRecords] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    documents: list[DocumentOutcome] = field(default_factory=list)
    overrides_file: str | None = None
    overrides_applied: int = 0
    stale_overrides: list[StaleOverride] = field(default_factory=list)
    version: dict[str, str] = field(default_factory=dict)
    run_dir: Path | None = None
    quality: QualityReport | None = None
    published: bool = False
    seconds: float = 0.0
    unchanged_since: str | None = None
    """The published run this one found nothing new against (``pipeline.unchanged``); then nothing was built."""
    published_summary: dict[str, Any] = field(default_factory=dict)
    """That run's summary: what the (unchanged) published dataset holds."""

    report: Path | None = None
    """The run's ``report.html``, once written."""
    report_error: str | None = None
    """Why the report could not be written (the run is not failed for it)."""

    held_back: list[PlanRecords] = field(default_factory=list)
    """Plans read but not published: an appendix they refer to was not read (a critical finding not accepted)."""

    @property
    def warnings(self) -> list[Failure]:
        """Plans that were read but need a person: each open finding that says rows are missing."""
        return [
            Failure(plan.document.source_path, NO_TASK_LIST if f.kind == "no_tasks" else f"incomplete: {f.message}")
            for plan in [*self.plans, *self.held_back]
            for f in plan.document.completeness
            if not f.accepted and f.severity != "review"
        ]

    def count(self, status: DocumentStatus) -> int:
        return sum(1 for outcome in self.documents if outcome.status == status)

    def summary(self) -> dict[str, Any]:
        """The run in figures (printed at the end of a run and kept in the manifest).

        For a run that found nothing changed, the dataset figures are those of the published dataset.
        """
        built = {
            "plans": len(self.plans),
            "targets": sum(len(p.targets) for p in self.plans),
            "tasks": sum(len(p.tasks) for p in self.plans),
            "review_items": sum(len(p.review) for p in self.plans),
            "complete_plans": sum(1 for p in self.plans if p.document.complete),
            "held_back": len(self.held_back),
            "quality_passed": self.quality.passed if self.quality else None,
            "quality_warnings": len(self.quality.warnings) if self.quality else 0,
        }
        if self.unchanged_since is not None:
            built = {key: self.published_summary.get(key, value) for key, value in built.items()}
        return {
            "documents": len(self.documents),
            "processed": self.count("processed"),
            "cached": self.count("cached"),
            "unchanged": self.count("unchanged"),
            "failed": len(self.failures),
            **built,
            "published": self.published,
            "seconds": round(self.seconds, 2),
        }
