"""Where a document's task list is and which forms it takes, from its structure and wording.

1. the appendix task table ("DANH MỤC CÁC NHIỆM VỤ"), when the plan has one: it wins, and the body
   then has no "section" tasks (its dated obligations are directives);
2. otherwise every body section that assigns tasks: a section whose heading says so (the phrases in
   ``data/document_vocabulary.yaml``), or any roman-numbered section whose structure shows it, whatever its
   heading says: tasks under agency headings or model blocks, at least ``MIN_LABELLED_TASKS`` of them with a
   labelled line (a lead, partner, output or deadline).  Each section is read in both prose forms, part by
   part, and every task found is kept, in document order:
   - the model form: task unit headings ("a) Mô hình 1: ..."; ``task_units``),
   - the agency-section form: one heading per agency, one line per task (``sections``);
3. otherwise none: the caller reports the document as having no task list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from extractors.model import Document
from extractors.sections import AgencyNames, SectionTask, is_named_task_section, read_agency_sections, roman_sections
from extractors.task_units import read_task_units

TaskForm = Literal["appendix", "task_units", "agency_sections"]
MIN_LABELLED_TASKS = 2
"""A section whose heading does not say it assigns tasks needs this many tasks with labelled lines."""


@dataclass(frozen=True)
class TaskList:
    """The forms of a document's task list, the block indices of its prose sections and their tasks."""

    forms: tuple[TaskForm, ...] = ()
    sections: tuple[range, ...] = ()
    tasks: list[SectionTask] = field(default_factory=list)
    """The prose tasks, positions numbered in document order (empty for an appendix task list)."""

    def holds(self, block: int) -> bool:
        """Whether the block lies in a prose task section (its dates belong to its tasks, not to directives)."""
        return any(block in section for section in self.sections)


def _has_labels(task: SectionTask) -> bool:
    return bool(task.fields) or bool(task.assignment)


def locate_task_list(document: Document, names: AgencyNames, *, has_appendix_tasks: bool) -> TaskList:
    """Which task list the document has and its prose tasks (no ``forms``: no task list found)."""
    if has_appendix_tasks:
        return TaskList(("appendix",))
    forms: set[TaskForm] = set()
    sections: list[range] = []
    tasks: list[SectionTask] = []
    for heading, body in roman_sections(document):
        units = read_task_units(document, body)
        agency_tasks = read_agency_sections(document, body, names)
        found = units + agency_tasks
        named = is_named_task_section(document, heading)
        if not found or (not named and sum(map(_has_labels, found)) < MIN_LABELLED_TASKS):
            continue
        if units:
            forms.add("task_units")
        if agency_tasks:
            forms.add("agency_sections")
        sections.append(body)
        tasks += sorted(found, key=lambda task: task.block)
    for position, task in enumerate(tasks):
        task.position = position
    order: tuple[TaskForm, ...] = ("task_units", "agency_sections")
    return TaskList(tuple(form for form in order if form in forms), tuple(sections), tasks)
