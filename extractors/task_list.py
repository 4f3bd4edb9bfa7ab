"""Where a document's task list is and which form it takes, from its structure and wording.

1. the appendix task table ("DANH MỤC CÁC NHIỆM VỤ"), when the plan has one: it wins, and the body
   then has no "section" tasks (its dated obligations are directives);
2. otherwise the body section that assigns specific tasks (``sections.find_task_section``), read as
   - the model form when it has task unit headings ("a) Mô hình 1: ..."; ``task_units``),
   - else the agency-section form (one heading per agency, one bullet per task; ``sections``);
3. otherwise none: the caller reports the document as having no task list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from extractors.model import Document
from extractors.sections import SectionTask, find_task_section, read_agency_sections
from extractors.task_units import has_task_units, read_task_units

TaskForm = Literal["appendix", "task_units", "agency_sections"]


@dataclass(frozen=True)
class TaskList:
    """The form of a document's task list and, for a prose list, the block indices of its section."""

    form: TaskForm | None
    section: range | None = None


def locate_task_list(document: Document, *, has_appendix_tasks: bool) -> TaskList:
    """Which task list the document has (``form`` None: no task list found)."""
    if has_appendix_tasks:
        return TaskList("appendix")
    section = find_task_section(document)
    if section is None:
        return TaskList(None)
    return TaskList("task_units" if has_task_units(document, section) else "agency_sections", section)


def read_section_tasks(
    document: Document, task_list: TaskList, is_agency_name: Callable[[str], bool]
) -> list[SectionTask]:
    """The prose tasks of ``task_list`` (empty for an appendix task list or none)."""
    if task_list.form == "task_units":
        return read_task_units(document, task_list.section)
    if task_list.form == "agency_sections":
        return read_agency_sections(document, task_list.section, is_agency_name)
    return []
