"""One document through the stages read → extract → normalize → validate, each one announced."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from extractors.appendix import extract_appendix
from extractors.completeness import check_completeness
from extractors.directives import extract_directives
from extractors.errors import NotAPlanError
from extractors.limits import DEFAULT_LIMITS, ResourceLimits, budget_scope
from extractors.metadata import default_document_vocabulary, extract_metadata
from extractors.ocr_confidence import with_directive_confidence, with_task_confidence
from extractors.readers import read_document
from extractors.tables import find_appendix_tables
from extractors.task_list import locate_task_list
from normalizers.agencies import AgencyNameChecks, default_resolver
from pipeline.build import build_plan
from schemas.records import PlanRecords

STAGES = ("read", "extract", "normalize", "validate")
StageListener = Callable[[str], None]


def _ignore(stage: str) -> None:
    return None


def process_file(path: Path, on_stage: StageListener = _ignore, limits: ResourceLimits = DEFAULT_LIMITS) -> PlanRecords:
    """The records of one document, within ``limits``; ``on_stage`` hears each stage's name as it starts."""
    with budget_scope(path, limits) as budget:
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # the reader reports the unreadable file in its own words
        budget.check_file_size(size)
        return _stages(path, on_stage, budget.check)


def _stages(path: Path, on_stage: StageListener, check: Callable[[str], None]) -> PlanRecords:
    on_stage("read")
    document = read_document(path)
    check("the end of reading")
    on_stage("extract")
    metadata = extract_metadata(document)
    tables = find_appendix_tables(document)  # once: the rows and the completeness checks both use them
    appendix = extract_appendix(document, tables)
    names = AgencyNameChecks(default_resolver(), metadata.jurisdiction, ocr=bool(document.ocr_pages))
    task_list = locate_task_list(document, names, has_appendix_tasks=bool(appendix["tasks"]))
    sections = with_task_confidence(document, task_list.tasks, names.written_names)
    directives = with_directive_confidence(document, extract_directives(document, task_list.sections))
    check("the end of extraction")
    if not (appendix["targets"] or appendix["tasks"] or sections or directives):
        _unless_titled_as_a_plan(path, metadata.doc_type)
    findings = check_completeness(document, appendix, task_list.sections, sections, tables)
    on_stage("normalize")
    plan = build_plan(document, metadata, appendix, directives, sections, findings)
    on_stage("validate")
    # The records were built field by field with model_copy, which skips validation: check them whole.
    return PlanRecords.model_validate(plan.model_dump())


def _unless_titled_as_a_plan(path: Path, doc_type: str | None) -> None:
    """A document with nothing to extract is published (flagged) only if it calls itself a plan."""
    if default_document_vocabulary().is_plan_type(doc_type):
        return  # a plan whose task list was not found: published with a review row (pipeline.build)
    what = f"a {doc_type.lower()}" if doc_type else "no plan title (Kế hoạch, Quyết định...) either"
    raise NotAPlanError(path, f"not a plan: no task or target table found, and {what}")
