"""Task lists written as prose, the model form: one heading per task unit, labelled parts under it.

Under the section that assigns tasks (``sections.find_task_section``)::

    1. Nhóm nhiệm vụ ... (bao gồm 02 mô hình)        <- group: number and title, count note dropped
    a) Mô hình 1: <title>                           <- one task; stt = the unit's number
    - Mục tiêu: ...                                 <- labelled parts (labels in data/document_vocabulary.yaml)
    - Phân công nhiệm vụ:                           <- assignment sentences, one per "+" line
    + <agency> chủ trì ...; <agency> phối hợp.
    - Thời gian hoàn thành:                         <- one date, or "+" sub-dates joined with "; "
    + Đối với ...: 30/12/2026.

- A group heading is an Arabic-numbered line followed by a unit heading (a count note in between is
  allowed): a numbered line inside a unit's text is never taken for one.
- A line without a marker continues the part above it (a paragraph broken across a page); right after
  the unit heading, a line starting in lower case continues the title and any other unlabelled text is
  kept under the ``"text"`` key of ``details``.
- Labels are recognised with or without bold; an unknown label ("- Địa điểm triển khai: ...") is kept
  under its printed name in ``details``.

Who leads and who supports is read from the assignment sentences by ``normalizers.assignments``; this
module only reads the structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from extractors.metadata import default_document_vocabulary
from extractors.model import Block, BlockKind, Document
from extractors.sections import SectionTask, label_role, sub_parts
from normalizers.text import clean_text

_GROUP_HEADING = re.compile(r"^\s*(\d{1,2})\s*\.\s+(\S.*)$")
_MARKERS = re.compile(r"^\s*(?:[-–•]\s*)?([-+–•])\s*")
_UNKNOWN_LABEL_MAX_WORDS = 5
TEXT_KEY = "text"  # details key of text under a unit that has no label


@lru_cache(maxsize=1)
def _unit_heading_pattern() -> re.Pattern[str]:
    words = "|".join(re.escape(word) for word in default_document_vocabulary().task_unit_words)
    return re.compile(rf"^\s*(?:[a-zđ]\)\s*)?(?:{words})\s+(\d{{1,3}})\s*[:.]\s*(\S.*)$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _count_note_pattern() -> re.Pattern[str]:
    words = "|".join(re.escape(word) for word in default_document_vocabulary().unit_count_notes)
    return re.compile(rf"\s*\(\s*(?:{words})\b[^)]*\)\s*$", re.IGNORECASE)


def unit_heading(text: str) -> tuple[str, str] | None:
    """(number, title) of a task unit heading ("b) Mô hình 4: Tự động hóa ..."), else None."""
    match = _unit_heading_pattern().match(text)
    return (match.group(1), match.group(2).strip()) if match else None


def has_task_units(document: Document, section: range | None) -> bool:
    """True when the task section is written in the model form (it has task unit headings)."""
    return section is not None and any(unit_heading(document.blocks[i].text) for i in section)


def _is_count_note(text: str) -> bool:
    return text.startswith("(") and bool(_count_note_pattern().match(text))


def _group_title(text: str) -> str:
    return _count_note_pattern().sub("", text).strip().rstrip(" .:")


@dataclass
class _Part:
    """One labelled part of a unit: its printed label, task field (None: details only) and lines."""

    label: str
    role: str | None
    lines: list[str] = field(default_factory=list)

    def continue_with(self, text: str) -> None:
        if self.lines:
            self.lines[-1] = f"{self.lines[-1]} {text}".strip()
        else:
            self.lines.append(text)


@dataclass
class _Unit:
    task: SectionTask
    parts: list[_Part] = field(default_factory=list)

    def part(self, label: str, role: str | None) -> _Part:
        self.parts.append(_Part(label, role))
        return self.parts[-1]

    def finish(self) -> SectionTask:
        """Fill the task's fields, assignment lines and details from its parts."""
        task = self.task
        task.assignment = []
        for part in self.parts:
            lines = [line for line in (clean_text(line) for line in part.lines) if line]
            if not lines:
                continue
            if part.role == "assignment":
                task.assignment.extend(lines)
                continue
            value = "; ".join(lines)
            if part.role is not None:
                task.fields[part.role] = _joined(task.fields.get(part.role), value)
            if part.role in (None, "output"):
                task.details[part.label] = _joined(task.details.get(part.label), value)
        return task


def _joined(before: str | None, value: str) -> str:
    return f"{before}; {value}" if before else value


def _split_marker(text: str) -> tuple[str | None, str]:
    """("-" | "+" | None, the text after it); "- + x" (a sub-item exported as a list item) is "+"."""
    match = _MARKERS.match(text)
    if not match:
        return None, text.strip()
    marker = "+" if match.group(1) == "+" else "-"
    return marker, text[match.end() :].strip()


def _label(body: str, marker: str | None) -> tuple[str, str | None, str] | None:
    """(printed label, task field or None, value) of a labelled line, else None."""
    name, colon, value = body.partition(":")
    if not colon:
        return None
    printed = clean_text(name).strip(" *")
    role = label_role(printed)
    if role is not None:
        return printed, role, value.strip()
    words = printed.split()
    if marker == "-" and 0 < len(words) <= _UNKNOWN_LABEL_MAX_WORDS and not any(ch.isdigit() for ch in printed):
        return printed, None, value.strip()
    return None


def _next_content(blocks: list[Block], start: int) -> Block | None:
    """The first block from ``start`` that is not a group's count note."""
    return next((block for block in blocks[start:] if not _is_count_note(block.text.strip())), None)


def read_task_units(document: Document, section: range | None) -> list[SectionTask]:
    """The tasks of the model form in ``section``, part by part (``sections.sub_parts``); empty without one."""
    if section is None:
        return []
    tasks: list[SectionTask] = []
    for part in sub_parts(document, section):
        for task in _read_part(document, part):
            task.position = len(tasks)
            tasks.append(task)
    return tasks


def _read_part(document: Document, part: range) -> list[SectionTask]:
    indexed = [
        (i, block)
        for i, block in ((i, document.blocks[i]) for i in part)
        if not block.is_table and block.kind is not BlockKind.FOOTNOTE and block.text.strip()
    ]
    blocks = [block for _, block in indexed]
    tasks: list[SectionTask] = []
    group: tuple[str, str] | None = None
    unit: _Unit | None = None
    current_part: _Part | None = None
    for k, (index, block) in enumerate(indexed):
        text = block.text.strip()
        heading = unit_heading(text)
        if heading is not None:
            if unit is not None:
                tasks.append(unit.finish())
            number, title = heading
            group_number, group_title = group or (None, None)
            page = block.provenance.page
            task = SectionTask(
                len(tasks), group_number or "", group_title or "", number, title, "", page=page, block=index
            )
            unit, current_part = _Unit(task), None
            continue
        numbered = _GROUP_HEADING.match(text)
        following = _next_content(blocks, k + 1) if numbered else None
        if numbered and following is not None and unit_heading(following.text.strip()):
            if unit is not None:
                tasks.append(unit.finish())
            unit, current_part = None, None
            group = (numbered.group(1), _group_title(numbered.group(2)))
            continue
        if _is_count_note(text) or unit is None:
            continue  # a group's count note, or text before the first unit
        current_part = _read_unit_line(unit, current_part, text)
    if unit is not None:
        tasks.append(unit.finish())
    return tasks


def _read_unit_line(unit: _Unit, part: _Part | None, text: str) -> _Part | None:
    """Add one line under a unit heading; return the part a following line would continue."""
    marker, body = _split_marker(text)
    labelled = _label(body, marker)
    if labelled is not None:
        label, role, value = labelled
        part = unit.part(label, role)
        if value:
            part.lines.append(value)
        return part
    if part is None:
        if marker is None and body[:1].islower():
            unit.task.task = f"{unit.task.task} {body}"  # the title broken across lines
            return None
        part = unit.part(TEXT_KEY, None)
        part.lines.append(body)
        return part
    if marker is None:
        part.continue_with(body)
    else:
        part.lines.append(body)
    return part
