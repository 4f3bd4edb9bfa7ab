"""People's decisions on flagged values: the overrides file, and applying it to a run's plans.

The file (default ``state/overrides.json``) is JSON meant to be read and, if need be, edited by hand::

    {"version": 1, "overrides": [{"record_id": ..., "field": "deadline", "raw": ..., "decision": ...}, ...]}

One override per (record_id, field, raw): the key of the review item it answers.  Record ids are
derived from what a plan says, so an override keeps applying on every rerun, whatever the format the
plan arrived in.  An override that no longer fits the records is reported as stale, never dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from normalizers.text import clean_text
from pipeline.atomic import atomic_write_text
from schemas.records import (
    AgencyRef,
    CompletenessFinding,
    Deadline,
    DeadlineKind,
    DocumentRecord,
    Milestone,
    PlanRecords,
    ReviewSubject,
    TargetRecord,
    TaskRecord,
)

OVERRIDES_VERSION = 1
DEFAULT_OVERRIDES_PATH = Path("state/overrides.json")
AGENCY_FIELDS = ("lead", "support", "tracking_agencies")
DEADLINE_FIELD = "deadline"
COMPLETENESS_FIELD = "completeness"  # a document-level review row: a completeness finding (raw: its key)
DOCUMENT_FIELD = "tasks"  # before schema 1.5: "the document has no task list"; kept as accepting that finding
NO_TASKS_KEY = "no_tasks"  # the key of the "no task at all" finding
NO_TASK_LIST = "no task list found: no appendix task table and no body section that assigns tasks"
FILE_FIELD = "file"  # a document-level review row: the file could not be processed and was quarantined
REVIEW_FIELDS = (DEADLINE_FIELD, COMPLETENESS_FIELD, DOCUMENT_FIELD, *AGENCY_FIELDS)  # a review row's fields
Decision = Literal["accept", "correct"]
OverrideKey = tuple[str, str, str]
R = TypeVar("R", TaskRecord, TargetRecord)


def now_utc() -> str:
    """The current time as an ISO UTC timestamp (seconds)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def is_iso_date(value: str) -> bool:
    """True for a real calendar date written YYYY-MM-DD."""
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def subject_of(field: str) -> ReviewSubject:
    """What kind of value a record field holds."""
    if field in (COMPLETENESS_FIELD, DOCUMENT_FIELD, FILE_FIELD):
        return "document"
    return "deadline" if field == DEADLINE_FIELD else "agency"


class Override(BaseModel):
    """One person's decision on one flagged value."""

    model_config = ConfigDict(extra="forbid")

    record_id: str
    field: str
    raw: str
    subject: ReviewSubject
    decision: Decision
    kind: DeadlineKind | None = None
    due: str | None = None
    name: str | None = None
    doc_id: str | None = None
    understood: str | None = None
    note: str | None = None
    decided_at: str

    @field_validator("record_id", "field", "raw", "name", "doc_id", "understood", "note", "due", mode="before")
    @classmethod
    def _nfc(cls, value: object) -> object:
        return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.field not in REVIEW_FIELDS:
            raise ValueError(f"unknown field {self.field!r}")
        if self.subject != subject_of(self.field):
            raise ValueError(f"subject {self.subject!r} does not fit field {self.field!r}")
        if self.subject == "document" and self.decision != "accept":
            raise ValueError("a document finding can only be accepted")
        if self.due is not None and not is_iso_date(self.due):
            raise ValueError(f"due {self.due!r} is not a date YYYY-MM-DD")
        if self.decision == "correct" and self.subject == "deadline" and self.kind is None:
            raise ValueError("a deadline correction needs a kind")
        if self.decision == "correct" and self.subject == "agency" and not self.name:
            raise ValueError("an agency correction needs a name")
        return self

    @property
    def key(self) -> OverrideKey:
        return (self.record_id, self.field, self.raw)


@dataclass(frozen=True)
class StaleOverride:
    """An override that no longer fits the records, and why."""

    override: Override
    reason: str

    def as_dict(self) -> dict[str, str | None]:
        o = self.override
        return {"record_id": o.record_id, "field": o.field, "raw": o.raw, "doc_id": o.doc_id, "reason": self.reason}


# ---------------------------------------------------------------- the file


def load_overrides(path: Path) -> list[Override]:
    """The overrides in ``path``; a missing file means none.  A bad file raises ``ValueError``."""
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"overrides file {path}: cannot be read: {error}") from error
    except json.JSONDecodeError as error:
        raise ValueError(f"overrides file {path}: not valid JSON: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("overrides"), list):
        raise ValueError(f'overrides file {path}: expected an object {{"version": 1, "overrides": [...]}}')
    if data.get("version") != OVERRIDES_VERSION:
        raise ValueError(f"overrides file {path}: unsupported version {data.get('version')!r} (expected 1)")
    overrides: list[Override] = []
    seen: dict[OverrideKey, int] = {}
    for number, entry in enumerate(data["overrides"], start=1):
        try:
            override = Override.model_validate(entry)
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}" for e in error.errors())
            raise ValueError(f"overrides file {path}: override #{number}: {problems}") from error
        if override.key in seen:
            raise ValueError(
                f"overrides file {path}: override #{number} repeats override #{seen[override.key]} "
                f"(record_id={override.record_id}, field={override.field}, raw={override.raw!r})"
            )
        seen[override.key] = number
        overrides.append(override)
    return overrides


def merge_overrides(existing: Iterable[Override], new: Iterable[Override]) -> list[Override]:
    """``existing`` with ``new`` added; a new override replaces the one with the same key.  Sorted by key."""
    by_key = {o.key: o for o in existing}
    by_key.update((o.key, o) for o in new)
    return [by_key[key] for key in sorted(by_key)]


def save_overrides(path: Path, overrides: Iterable[Override]) -> None:
    """Write the overrides file atomically, sorted by key, one readable entry per override."""
    entries = [o.model_dump(mode="json") for o in merge_overrides([], overrides)]
    text = json.dumps({"version": OVERRIDES_VERSION, "overrides": entries}, ensure_ascii=False, indent=2) + "\n"
    atomic_write_text(path, text)


def add_overrides(path: Path, new: Iterable[Override]) -> list[Override]:
    """Merge ``new`` into the file at ``path`` (created if missing); the file's whole content is returned."""
    merged = merge_overrides(load_overrides(path), new)
    save_overrides(path, merged)
    return merged


# ---------------------------------------------------------------- applying


def _same(a: str | None, b: str | None) -> bool:
    return clean_text(a) == clean_text(b)


def _corrected_deadline(old: Deadline, kind: DeadlineKind, due: str | None, raw: str) -> Deadline:
    """The person's kind/due; the machine's details are kept only where they still fit."""
    if (kind, due) == (old.kind, old.due):
        return old.model_copy(update={"needs_review": False, "reasons": []})
    return Deadline(
        kind=kind,
        due=due,
        start=old.start if not (due and old.start and old.start > due) else None,
        milestones=[Milestone(due=due, text=raw)] if due else [],
        recurrence=old.recurrence if kind == "recurring" else None,
        condition=old.condition if kind == "conditional" else None,
        needs_review=False,
        reasons=[],
    )


def _apply_deadline(task: TaskRecord, o: Override) -> TaskRecord | str:
    if not _same(task.deadline_raw, o.raw):
        return f"the deadline text is now {task.deadline_raw or ''!r}"
    if o.decision == "accept":
        deadline = task.deadline.model_copy(update={"needs_review": False, "reasons": []})
    else:
        assert o.kind is not None  # checked by Override
        deadline = _corrected_deadline(task.deadline, o.kind, o.due, task.deadline_raw or "")
    return task.model_copy(update={"deadline": deadline, "reviewed": True})


def _resolve(name: str, plan: PlanRecords) -> list[AgencyRef]:
    doc = plan.document
    from normalizers.agencies import default_resolver  # spaCy: only when an override names an agency

    results = default_resolver().resolve_cell(name, jurisdiction=doc.jurisdiction, province=doc.province)
    return [r.ref for r in results]


def _corrected_ref(ref: AgencyRef, name: str, plan: PlanRecords) -> AgencyRef:
    """The ref re-resolved under the name a person gave; its raw stays as written in the document."""
    refs = _resolve(name, plan)
    if len(refs) == 1 and refs[0].resolved:
        found = refs[0]
        keep = ("name", "agency_id", "kind", "level", "collective", "resolved", "successor")
        return ref.model_copy(update={attr: getattr(found, attr) for attr in keep})
    cleared = {"agency_id": None, "kind": None, "level": None, "successor": None, "collective": False}
    return ref.model_copy(update={"name": clean_text(name), "resolved": False, **cleared})


def _apply_agency(record: R, o: Override, plan: PlanRecords) -> R | str:
    if o.field not in type(record).model_fields:
        return f"a {type(record).__name__} has no field {o.field!r}"
    refs: list[AgencyRef] = getattr(record, o.field)
    if o.raw == "":
        if refs:
            return f"agencies are now found: {', '.join(ref.raw for ref in refs)}"
        added = _resolve(o.name or "", plan) if o.decision == "correct" else []
        return record.model_copy(update={o.field: added, "reviewed": True})
    if not any(_same(ref.raw, o.raw) for ref in refs):
        return f"no agency written {o.raw!r} in {o.field} any more"
    if o.decision == "correct":
        assert o.name is not None  # checked by Override
        refs = [_corrected_ref(ref, o.name, plan) if _same(ref.raw, o.raw) else ref for ref in refs]
    return record.model_copy(update={o.field: refs, "reviewed": True})


def _apply_one(plan: PlanRecords, record: R, o: Override) -> R | str:
    if o.subject == "agency":
        return _apply_agency(record, o, plan)
    if isinstance(record, TaskRecord):
        return _apply_deadline(record, o)  # type: ignore[return-value]  # R is TaskRecord here
    return "targets have no deadline"


def apply_overrides(
    plans: list[PlanRecords], overrides: Iterable[Override]
) -> tuple[list[PlanRecords], list[StaleOverride]]:
    """The plans with every fitting override applied (and its review items gone), and the stale overrides."""
    tasks = [list(plan.tasks) for plan in plans]
    targets = [list(plan.targets) for plan in plans]
    located: dict[str, tuple[int, int, bool]] = {}
    for p, plan in enumerate(plans):
        located.update((t.task_id, (p, i, True)) for i, t in enumerate(plan.tasks))
        located.update((t.target_id, (p, i, False)) for i, t in enumerate(plan.targets))
    documents = {plan.document.plan_key: plan for plan in plans}
    answered: set[OverrideKey] = set()
    stale: list[StaleOverride] = []
    for o in sorted(overrides, key=lambda item: item.key):
        if o.field in (COMPLETENESS_FIELD, DOCUMENT_FIELD):  # "the plan really is so" (an accept, by validation)
            if o.record_id not in documents:
                stale.append(StaleOverride(o, "no document with this plan key in this run"))
            elif not _accept_finding(documents[o.record_id], o):
                stale.append(StaleOverride(o, "the plan has no such completeness finding any more"))
            else:
                answered.add((o.record_id, COMPLETENESS_FIELD, _finding_key(o)))
            continue
        if o.record_id not in located:
            stale.append(StaleOverride(o, "no record with this id in this run"))
            continue
        p, i, is_task = located[o.record_id]
        outcome: TaskRecord | TargetRecord | str
        if is_task:
            outcome = _apply_one(plans[p], tasks[p][i], o)
            if isinstance(outcome, TaskRecord):
                tasks[p][i] = outcome
        else:
            outcome = _apply_one(plans[p], targets[p][i], o)
            if isinstance(outcome, TargetRecord):
                targets[p][i] = outcome
        if isinstance(outcome, str):
            stale.append(StaleOverride(o, outcome))
        else:
            answered.add((o.record_id, o.field, clean_text(o.raw)))
    updated = [
        plan.model_copy(
            update={
                "document": with_accepted_findings(plan.document, answered),
                "tasks": tasks[p],
                "targets": targets[p],
                "review": [i for i in plan.review if (i.record_id, i.field, clean_text(i.raw)) not in answered],
            }
        )
        for p, plan in enumerate(plans)
    ]
    return updated, stale


def _finding_key(o: Override) -> str:
    """The key of the finding an override accepts; a pre-1.5 "no task list" accept names the no-tasks one."""
    return clean_text(o.raw) if o.field == COMPLETENESS_FIELD else NO_TASKS_KEY


def _accept_finding(plan: PlanRecords, o: Override) -> bool:
    """Whether the plan has the finding the override accepts."""
    key = _finding_key(o)
    return any(finding.key == key for finding in plan.document.completeness)


def with_accepted_findings(document: DocumentRecord, answered: set[OverrideKey]) -> DocumentRecord:
    """The document with the findings a person accepted marked so, and ``complete`` from the open ones."""
    if not document.completeness:
        return document
    plan_key = document.plan_key

    def accepted(finding: CompletenessFinding) -> bool:
        return finding.accepted or (plan_key, COMPLETENESS_FIELD, finding.key) in answered

    findings = [finding.model_copy(update={"accepted": accepted(finding)}) for finding in document.completeness]
    return document.model_copy(update={"completeness": findings, "complete": is_complete(findings)})


def is_complete(findings: Iterable[CompletenessFinding]) -> bool:
    """No critical or incomplete finding is open."""
    return not any(f.severity != "review" and not f.accepted for f in findings)
