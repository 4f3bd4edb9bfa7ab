"""Run-level tables derived from the plans: the agencies seen and the review queue."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from schemas.records import AgencyRef, AgencySummary, PlanRecords, ReviewItem, TargetRecord, TaskRecord


def plan_agency_fields(plan: PlanRecords) -> Iterator[tuple[TargetRecord | TaskRecord, str, list[AgencyRef]]]:
    """Every agency field of one plan: the record holding it, the field name, its refs."""
    for target in plan.targets:
        yield target, "tracking_agencies", target.tracking_agencies
    for task in plan.tasks:
        yield task, "lead", task.lead
        yield task, "support", task.support


def plan_agency_refs(plan: PlanRecords) -> Iterator[AgencyRef]:
    """Every agency ref of one plan, whatever record and field holds it."""
    for _, _, refs in plan_agency_fields(plan):
        yield from refs


def agency_summaries(plans: list[PlanRecords]) -> list[AgencySummary]:
    """One row per canonical agency name, with how often and in how many plans it was named."""
    refs: dict[str, list[AgencyRef]] = defaultdict(list)
    plans_naming: dict[str, set[str]] = defaultdict(set)
    for plan in plans:
        for ref in plan_agency_refs(plan):
            refs[ref.name].append(ref)
            plans_naming[ref.name].add(plan.document.doc_id)
    summaries = []
    for name, named in sorted(refs.items()):
        first = next((ref for ref in named if ref.resolved), named[0])
        summaries.append(
            AgencySummary(
                name=name,
                agency_id=first.agency_id,
                kind=first.kind,
                level=first.level,
                collective=first.collective,
                resolved=first.resolved,
                successor=first.successor,
                ref_count=len(named),
                plan_count=len(plans_naming[name]),
                raw_forms=sorted({ref.raw for ref in named}),
            )
        )
    return summaries


def review_queue(plans: list[PlanRecords]) -> list[ReviewItem]:
    return [item for plan in plans for item in plan.review]
