"""Task lists written as prose, the agency-section form: one heading per agency, one marked line per task.

Under a body section that assigns tasks (``find_task_sections``; ``task_list`` decides which sections do)::

    1. Công an tỉnh                                  <- agency heading: numbered, bold, a Markdown heading...
    - Chủ trì rà soát ...                            <- one task per line with the group's task marker
    + Đơn vị phối hợp: Sở Tư pháp, ...               <- labelled lines (labels in data/document_vocabulary.yaml)
    + Tiến độ: Quý II/2027.

What makes the structure, not one plan's habits:

- An agency heading is a heading-like line (numbered, bold or a marked heading) whose title, without its
  numbering and an opening phrase such as "Đối với", names only agencies; its number is kept as printed
  (duplicates included), an unnumbered heading is numbered by its position.  A heading-like line of the same
  numbering as the agency headings that names no agency ends the agency's part.
- The first marked line under a heading that is not a label sets the group's task marker ("-", "•", "a)",
  "1.1."...): each line with that marker is a task; a line with another marker that is not a label ("+ ..."
  sub-points) continues the task.
- A labelled line, whatever its marker and emphasis ("+ Cơ quan phối hợp: ...", "- *Thời hạn*: ...",
  "Kết quả/sản phẩm: ..."), fills its task's field; a label the vocabulary does not know continues the task.
- An unmarked paragraph continues the line above it (a bullet broken across a page).  Right under a heading,
  before any task, it is the heading's introduction, unless a labelled line follows it: then it was a task
  written without a marker, and so are the unmarked paragraphs of that group that start a new sentence.
- A task opening with an agency name and a colon ("Hội Nông dân tỉnh: ...") is that agency's task; under a
  collective heading ("Các sở, ban, ngành; UBND các xã, phường") a task that opens with an agency name
  ("Sở Tài chính chủ trì bố trí kinh phí ...") is led by that agency.  A "Cơ quan chủ trì:" line says it too.
- Letter parts ("A. Nhiệm vụ của các cơ quan", "B. Các mô hình điểm") split a section: each part is read on
  its own, so agency sections and model blocks (``task_units``) can share one section.

Whether a text names agencies is the registry's business (``AgencyNames``, from ``normalizers.agencies``);
this module only reads the structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Protocol

from extractors.layout import is_page_number, is_roman_heading, looks_like_heading
from extractors.metadata import default_document_vocabulary
from extractors.model import Block, BlockKind, Document
from normalizers.text import fold

# A line's list marker, by kind: the kind decides whether a line is a task, a sub-point or a heading.
_MARKER = re.compile(
    r"^\s*(?:(?P<plus>(?:[-–•*]\s*)?\+)|(?P<dash>[-–•*▪◦●○■□➢►\uf0a7\uf0b7])|(?P<letter>[a-zđ]\))|(?P<paren>\d{1,2}\))"
    r"|(?P<decimal>\d{1,2}(?:\.\d{1,2})+\.?)|(?P<arabic>\d{1,2}\.)|(?P<roman>[IVXLC]{1,6}\.)|(?P<upper>[A-ZĐ][.)]))"
    r"(?=\s|$)\s*"
)
_SENTENCE_END = (".", ";", ":", "!", "?")
_CLOSING_NOTE = re.compile(r"\s*\([^()]*\)$")
_PART_HEADING_MAX_WORDS = 20


class AgencyNames(Protocol):
    """What the reader asks the agency registry (``normalizers.agencies.AgencyNameChecks``)."""

    def names_only(self, text: str) -> bool:
        """Every piece of ``text`` is a known agency ("Công an tỉnh", "Các sở, ban, ngành")."""

    def leading(self, text: str) -> str | None:
        """The agency names ``text`` opens with, as written, or None."""

    def is_collective(self, text: str) -> bool:
        """``text`` names a group of agencies ("Các sở, ban, ngành")."""


@dataclass
class SectionTask:
    """One task of a prose task list, as written."""

    position: int
    group: str
    group_title: str
    stt: str
    task: str
    lead: str  # the agency text that leads it (the heading, or the task's own prefix or "chủ trì" line)
    fields: dict[str, str] = field(default_factory=dict)  # "support" | "output" | "deadline" -> text
    page: int | None = None
    # The model form says who leads and supports in sentences instead ("+ Sở Y tế chủ trì, phối hợp ...");
    # None for the agency-section form, a (possibly empty) list of the sentences for the model form.
    assignment: list[str] | None = None
    details: dict[str, str] = field(default_factory=dict)  # other labelled parts, printed label -> text
    block: int = 0  # index of the document block the task starts at: orders tasks read by different readers
    confidence: dict[str, float] = field(default_factory=dict)
    """Read by OCR: how sure tesseract was of each field's text, 0-100 (``extractors.ocr_confidence``)."""


def split_marker(text: str) -> tuple[str, str]:
    """(marker kind, text after it): kinds "plus", "dash", "letter", "paren", "decimal", "arabic", "roman",
    "upper" ("A."), or "none"; "- + x" (a sub-item exported as a list item) is "plus"."""
    match = _MARKER.match(text)
    if not match:
        return "none", text.strip()
    kind = match.lastgroup or "none"
    return kind, text[match.end() :].strip()


def _is_task_section_heading(text: str) -> bool:
    return any(phrase in fold(text) for phrase in default_document_vocabulary().task_section_headings)


def roman_sections(document: Document) -> list[tuple[int, range]]:
    """(heading index, body block indices) of every roman-numbered section of the document."""
    blocks = document.blocks
    starts = [i for i, block in enumerate(blocks) if not block.is_table and is_roman_heading(block.text)]
    return [(start, range(start + 1, end)) for start, end in pairwise([*starts, len(blocks)])]


def is_named_task_section(document: Document, heading: int) -> bool:
    """Whether the section heading says it assigns tasks ("IV. NHIỆM VỤ CỤ THỂ VÀ PHÂN CÔNG THỰC HIỆN")."""
    return _is_task_section_heading(document.blocks[heading].text)


def find_task_section(document: Document) -> range | None:
    """The block indices of the first section whose heading says it assigns tasks, or None."""
    return next((body for start, body in roman_sections(document) if is_named_task_section(document, start)), None)


def sub_parts(document: Document, section: range) -> list[range]:
    """The section split at its letter part headings ("A. ...", "B. ..."), the part headings left out."""
    cuts = [i for i in section if _is_part_heading(document.blocks[i])]
    bounds = [section.start, *cuts, section.stop]
    parts = [range(start + (start in cuts), stop) for start, stop in pairwise(bounds)]
    return [part for part in parts if len(part)]


def _is_part_heading(block: Block) -> bool:
    """A letter part heading ("B. Triển khai các mô hình điểm"): an upper-case letter, a short title, no stop."""
    marker, body = split_marker(block.text)
    return (
        not block.is_table
        and marker == "upper"
        and len(body.split()) <= _PART_HEADING_MAX_WORDS
        and not body.endswith(_SENTENCE_END)
    )


def label_role(label: str) -> str | None:
    """The task field a printed label fills ("Tiến độ" -> "deadline"), or None for a label not in the vocabulary.

    A label naming alternatives ("Kết quả/sản phẩm") fills the field of its first known alternative."""
    labels = default_document_vocabulary().task_labels
    folded = fold(label).strip(" *")
    if folded in labels:
        return labels[folded]
    return next((labels[part.strip()] for part in folded.split("/") if part.strip() in labels), None)


def _label(text: str) -> tuple[str, str] | None:
    """(task field, value) of a labelled line, else None."""
    name, colon, value = text.partition(":")
    role = label_role(name) if colon else None
    return (role, value.strip()) if role else None


def _append(text: str, more: str) -> str:
    return f"{text} {more}".strip()


@dataclass
class _Group:
    """One agency heading and the state of reading its lines."""

    number: str
    title: str
    marker: str  # the heading's own marker kind
    collective: bool
    task_marker: str | None = None
    tasks: list[SectionTask] = field(default_factory=list)
    intro: tuple[int, Block, str] | None = None  # unmarked text not yet known to be an intro or a task
    open_field: str | None = None  # where a continuation goes: "task" or a label role


class _AgencySectionReader:
    def __init__(self, document: Document, names: AgencyNames) -> None:
        self.document = document
        self.names = names
        self.tasks: list[SectionTask] = []
        self.group: _Group | None = None
        self.headings = 0

    def read(self, part: range) -> list[SectionTask]:
        for index in part:
            block = self.document.blocks[index]
            if block.is_table or block.kind is BlockKind.FOOTNOTE or not block.text or is_page_number(block.text):
                continue
            self._line(index, block)
        return self.tasks

    def _line(self, index: int, block: Block) -> None:
        # Imported here: task_units reads model blocks and imports this module.
        from extractors.task_units import unit_heading

        marker, body = split_marker(block.text)
        if unit_heading(block.text):
            self.group = None  # a model block: the task_units reader's
            return
        # A numbered line ending in a colon ("1. Công an tỉnh:") is heading-like too when it names an agency.
        numbered = marker not in ("none", "dash", "plus")
        heading_like = marker not in ("dash", "plus") and (looks_like_heading(block) or block.bold or numbered)
        if heading_like and self._heading(block.text, marker, body):
            return
        if self.group is not None:
            self._group_line(self.group, index, block, marker, body)

    def _heading(self, text: str, marker: str, body: str) -> bool:
        """Open an agency's group, or end the current one; False when the line belongs inside a group."""
        title = _agency_title(body)
        if title and self.names.names_only(title):
            self.headings += 1
            printed = _printed_number(text) if marker != "none" else str(self.headings)
            self.group = _Group(printed, title, marker, self.names.is_collective(title))
            return True
        group = self.group
        if group is None or marker in ("roman", "upper") or marker == group.marker:
            self.group = None  # another heading of the agency headings' rank, naming no agency
            return True
        return False

    def _group_line(self, group: _Group, index: int, block: Block, marker: str, body: str) -> None:
        labelled = _label(body)
        if labelled is not None:
            task = group.tasks[-1] if group.tasks else None
            if task is None and group.intro is not None:
                group.task_marker = "none"  # the paragraph above was a task written without a marker
                task = self._new_task(group, *group.intro)
            if task is None:
                return
            role, value = labelled
            if role == "lead":
                task.lead = value.rstrip(" .;")
            else:
                task.fields[role] = _append(task.fields.get(role, ""), value)
            group.open_field = role
            return
        if marker != "none" and marker != "plus" and group.task_marker in (None, marker):
            group.task_marker = marker
            self._new_task(group, index, block, text=body)
            return
        task = group.tasks[-1] if group.tasks else None
        if marker != "none":
            if task is not None:  # a sub-point of the task
                task.task = _append(task.task, block.text)
                group.open_field = "task"
            return
        if task is None or group.open_field is None:
            if group.intro is not None and _continues(group.intro[2], body):
                group.intro = (group.intro[0], group.intro[1], _append(group.intro[2], body))
            else:
                group.intro = (index, block, body)
            return
        previous = task.task if group.open_field == "task" else task.fields.get(group.open_field, "")
        if group.task_marker == "none" and not _continues(previous, body):
            self._new_task(group, index, block, text=body)
        elif group.open_field == "task":
            task.task = _append(task.task, body)
        else:
            task.fields[group.open_field] = _append(task.fields[group.open_field], body)

    def _new_task(self, group: _Group, index: int, block: Block, text: str) -> SectionTask:
        lead, body = group.title, text
        prefix, colon, rest = text.partition(":")
        if colon and rest.strip() and self.names.names_only(prefix.strip()):
            lead, body = prefix.strip(), rest.strip()
        elif group.collective:
            lead = self.names.leading(text) or lead
        task = SectionTask(
            len(self.tasks), group.number, group.title, str(len(group.tasks) + 1), body, lead,
            page=block.provenance.page, block=index,
        )  # fmt: skip
        self.tasks.append(task)
        group.tasks.append(task)
        group.intro, group.open_field = None, "task"
        return task


def _continues(text: str, more: str) -> bool:
    """Whether ``more`` goes on with the sentence ``text`` left open (a line the page broke)."""
    return not text.endswith(_SENTENCE_END) or not more[:1].isupper()


def _printed_number(text: str) -> str:
    """The number of a numbered line as printed: "3." -> "3", "b)" -> "b", "1.2." -> "1.2"."""
    match = _MARKER.match(text)
    return match.group(0).strip().rstrip(".)") if match else ""


def _agency_title(body: str) -> str:
    """A heading's title as an agency name: end punctuation, a closing note in brackets ("(cơ quan thường
    trực)") and an opening phrase ("Đối với ...") dropped."""
    title = _CLOSING_NOTE.sub("", body.strip().rstrip(" .:;")).rstrip(" .:;")
    folded = fold(title)
    for opener in default_document_vocabulary().agency_heading_openers:
        if folded.startswith(opener + " "):
            return title[len(opener) + 1 :].strip()
    return title


def read_agency_sections(document: Document, section: range | None, names: AgencyNames) -> list[SectionTask]:
    """The tasks of the agency-section form in ``section``, part by part (``sub_parts``); empty without one."""
    if section is None:
        return []
    tasks: list[SectionTask] = []
    for part in sub_parts(document, section):
        for task in _AgencySectionReader(document, names).read(part):
            task.position = len(tasks)
            tasks.append(task)
    return tasks
