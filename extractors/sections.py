"""Task lists written as prose: the body section that assigns tasks agency by agency.

The agency-section form: under a section heading that means "specific tasks and their assignment"
("IV. NHIỆM VỤ CỤ THỂ VÀ PHÂN CÔNG THỰC HIỆN"; the phrases are in ``data/document_vocabulary.yaml``),
one numbered heading per agency ("1. Công an tỉnh"), under it one "- " bullet per task, each followed
by labelled "+ " lines ("+ Đơn vị phối hợp: ...", "+ Sản phẩm: ...", "+ Tiến độ: ...").

- A paragraph after a bullet or a labelled line continues it (a bullet broken across a page); a paragraph
  right under a heading, before any bullet, is the heading's introduction, not a task.
- A bullet that opens with an agency name and a colon ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh: ...") is
  that agency's task, whatever the heading says.
- Heading numbers are kept as printed, duplicates included; ``stt`` is the bullet's position under it.

Whether a heading or a prefix names agencies is the registry's business, so the caller passes
``is_agency_name`` (``normalizers.agencies``); the extractor only reads the structure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from extractors.layout import is_roman_heading, looks_like_heading, strip_numbering
from extractors.metadata import default_document_vocabulary
from extractors.model import Block, BlockKind, Document
from normalizers.text import fold

_GROUP_NUMBER = re.compile(r"^\s*(\d+)\.?\s")
_BULLET = re.compile(r"^\s*[-•–]\s*")
_LABELLED = re.compile(r"^\s*\+\s*")


@dataclass
class SectionTask:
    """One task of a prose task list, as written."""

    position: int
    group: str
    group_title: str
    stt: str
    task: str
    lead: str  # the agency text that leads it (the heading, or the bullet's own prefix)
    fields: dict[str, str] = field(default_factory=dict)  # "support" | "output" | "deadline" -> text
    page: int | None = None
    # The model form says who leads and supports in sentences instead ("+ Sở Y tế chủ trì, phối hợp ...");
    # None for the agency-section form, a (possibly empty) list of the sentences for the model form.
    assignment: list[str] | None = None
    details: dict[str, str] = field(default_factory=dict)  # other labelled parts, printed label -> text


def find_task_section(document: Document) -> range | None:
    """The block indices of the section that assigns specific tasks, or None."""
    phrases = default_document_vocabulary().task_section_headings
    blocks = document.blocks
    for start, block in enumerate(blocks):
        if block.is_table or not is_roman_heading(block.text):
            continue
        if any(phrase in fold(block.text) for phrase in phrases):
            end = next((i for i in range(start + 1, len(blocks)) if is_roman_heading(blocks[i].text)), len(blocks))
            return range(start + 1, end)
    return None


def label_role(label: str) -> str | None:
    """The task field a printed label fills ("Tiến độ" -> "deadline"), or None for a label not in the vocabulary."""
    return default_document_vocabulary().task_labels.get(fold(label).strip(" *"))


def _label(text: str) -> tuple[str, str] | None:
    """("support" | "output" | "deadline", value) of a labelled line, else None."""
    name, colon, value = text.partition(":")
    role = label_role(name) if colon else None
    return (role, value.strip()) if role else None


def _append(text: str, more: str) -> str:
    return f"{text} {more}".strip()


def read_agency_sections(
    document: Document, section: range | None, is_agency_name: Callable[[str], bool]
) -> list[SectionTask]:
    """The tasks of the agency-section form in ``section`` (``find_task_section``); empty without one."""
    if section is None:
        return []
    tasks: list[SectionTask] = []
    group: tuple[str, str] | None = None
    open_field: str | None = None  # where a continuation paragraph goes: "task" or a label role
    for block in (document.blocks[i] for i in section):
        if block.is_table or block.kind is BlockKind.FOOTNOTE or not block.text:
            continue
        if looks_like_heading(block) and not _BULLET.match(block.text) and not _LABELLED.match(block.text):
            title = strip_numbering(block.text).rstrip(" .:")
            number = _GROUP_NUMBER.match(block.text)
            group = (number.group(1), title) if number and is_agency_name(title) else None
            open_field = None
            continue
        if group is None:
            continue
        open_field = _read_line(block, group, tasks, open_field, is_agency_name)
    return tasks


def _read_line(
    block: Block,
    group: tuple[str, str],
    tasks: list[SectionTask],
    open_field: str | None,
    is_agency_name: Callable[[str], bool],
) -> str | None:
    """Add one line of an agency's section to ``tasks``; return where a continuation would go."""
    text = block.text
    current = tasks[-1] if tasks and tasks[-1].group == group[0] and tasks[-1].group_title == group[1] else None
    if _BULLET.match(text):
        body = _BULLET.sub("", text, count=1)
        lead = group[1]
        prefix, colon, rest = body.partition(":")
        if colon and rest.strip() and is_agency_name(prefix.strip()):
            lead, body = prefix.strip(), rest.strip()
        stt = str(sum(1 for task in tasks if (task.group, task.group_title) == group) + 1)
        tasks.append(SectionTask(len(tasks), group[0], group[1], stt, body, lead, page=block.provenance.page))
        return "task"
    if current is None:
        return None  # the heading's introduction
    if _LABELLED.match(text):
        labelled = _label(_LABELLED.sub("", text, count=1))
        if labelled is None:
            current.task = _append(current.task, text)
            return "task"
        role, value = labelled
        current.fields[role] = _append(current.fields.get(role, ""), value)
        return role
    if open_field == "task":
        current.task = _append(current.task, text)
    elif open_field is not None:
        current.fields[open_field] = _append(current.fields[open_field], text)
    return open_field
