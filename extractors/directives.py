"""Dated directives: obligations with a cut-off written in the body of a plan.

"... gửi Kế hoạch về Công an tỉnh trước ngày 30/6/2026", "Định kỳ trước ngày 10 hằng tháng báo cáo ..."
are work the plan assigns outside its task table.  A body paragraph or list item is a directive when
it has a due cue followed by a date or a monthly day (``normalizers.deadlines.due_phrases``; the cue
words are in ``normalizers/data/deadline_vocabulary.yaml``).  The lines that carry a task's own
timeline ("Tiến độ: ...", labels in ``data/document_vocabulary.yaml``) belong to that task, and
table cells are never directives.  Who must act is decided later (``pipeline.build``), from the
sentence's own subject or else the heading it sits under, which is kept here as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractors.layout import looks_like_heading, strip_numbering
from extractors.metadata import default_document_vocabulary
from extractors.model import BlockKind, Document
from normalizers.deadlines import due_phrases
from normalizers.text import fold

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZĐÀ-Ỹ])")


@dataclass(frozen=True)
class DirectiveSentence:
    """One dated obligation of the body, as written."""

    position: int  # 0-based index among the document's directives
    text: str  # the sentence, without its list marker or numbering
    deadline_raw: str  # the due phrase: "trước ngày 30/6/2026"
    heading: str | None  # the heading above it, without numbering ("Các Sở, ban, ngành, địa phương")
    page: int | None = None
    confidence: dict[str, float] = field(default_factory=dict, hash=False)
    """Read by OCR: how sure tesseract was of its text, by field, 0-100 (``extractors.ocr_confidence``)."""


def is_timeline_line(text: str) -> bool:
    """A task's own timeline line ("+ Tiến độ: ...", "Thời gian hoàn thành: ..."), not a directive."""
    head = fold(strip_numbering(text)).split(":", 1)
    labels = default_document_vocabulary().timeline_labels
    return len(head) == 2 and head[0].strip() in labels


def _sentence_with(text: str, start: int) -> str:
    """The sentence of ``text`` that holds offset ``start``."""
    offset = 0
    for piece in _SENTENCE_END.split(text):
        found = text.find(piece, offset)
        if found <= start < found + len(piece):
            return piece
        offset = found + len(piece)
    return text


def extract_directives(document: Document, task_sections: Sequence[range] = ()) -> list[DirectiveSentence]:
    """Every dated obligation in the body's paragraphs and list items, in reading order.

    ``task_sections`` hold the block indices of a prose task list: their dates belong to their tasks.
    """
    directives: list[DirectiveSentence] = []
    heading: str | None = None
    for index, block in enumerate(document.blocks):
        if block.is_table or block.kind is BlockKind.FOOTNOTE or any(index in section for section in task_sections):
            continue
        if looks_like_heading(block):
            heading = strip_numbering(block.text) or None
            continue
        if is_timeline_line(block.text):
            continue
        text = strip_numbering(block.text)
        seen: set[str] = set()
        for start, end in due_phrases(text):
            sentence = _sentence_with(text, start)
            if sentence in seen:
                continue
            seen.add(sentence)
            directives.append(
                DirectiveSentence(
                    position=len(directives),
                    text=sentence.strip(),
                    deadline_raw=text[start:end],
                    heading=heading,
                    page=block.provenance.page,
                )
            )
    return directives
