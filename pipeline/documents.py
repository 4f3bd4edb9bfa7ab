"""One document through the stages read → extract → normalize → validate, each one announced."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from extractors.appendix import extract_appendix
from extractors.directives import extract_directives
from extractors.metadata import extract_metadata
from extractors.readers import read_document
from extractors.task_list import locate_task_list, read_section_tasks
from normalizers.agencies import default_resolver
from pipeline.build import build_plan
from schemas.records import PlanRecords

STAGES = ("read", "extract", "normalize", "validate")
StageListener = Callable[[str], None]


def _ignore(stage: str) -> None:
    return None


def process_file(path: Path, on_stage: StageListener = _ignore) -> PlanRecords:
    """The records of one document; ``on_stage`` hears each stage's name as it starts."""
    on_stage("read")
    document = read_document(path)
    on_stage("extract")
    metadata = extract_metadata(document)
    appendix = extract_appendix(document)
    task_list = locate_task_list(document, has_appendix_tasks=bool(appendix["tasks"]))
    resolver = default_resolver()
    sections = read_section_tasks(
        document, task_list, lambda text: resolver.names_only_agencies(text, jurisdiction=metadata.jurisdiction)
    )
    directives = extract_directives(document, task_list.section if sections else None)
    on_stage("normalize")
    plan = build_plan(document, metadata, appendix, directives, sections)
    on_stage("validate")
    # The records were built field by field with model_copy, which skips validation: check them whole.
    return PlanRecords.model_validate(plan.model_dump())
