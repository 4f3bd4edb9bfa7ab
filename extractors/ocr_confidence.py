"""How sure OCR was of the text each prose task and directive of a scanned plan was read from.

A table cell read by OCR carries tesseract's confidence itself (``Cell.confidence``, and by role in
``AppendixRow.confidence``).  A prose task is put together from several paragraphs (the agency heading above it
gives its lead, its labelled lines its deadline and partners), so its fields' confidences are looked up
afterwards: each field's value is found in the paragraph it was read from (its opening words, in the task's
own paragraphs, or above them for a lead taken from a heading), and that paragraph's confidence is the
field's.  A value found nowhere gets no confidence: the builder then treats it as unsure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from extractors.directives import DirectiveSentence
from extractors.model import Block, Document
from extractors.sections import SectionTask
from normalizers.text import fold

_KEY_CHARS = 40
"""A value is found by its first characters (a long value may run on into the next paragraph)."""

_TASK_SPAN = 20
"""Paragraphs a task's own text is looked for in after its first, when no later task closes it."""

_HEADING_REACH = 200
"""Paragraphs looked back for the heading a task's lead came from."""

_FIELDS = ("task", "lead", "support", "deadline", "output")

AgencyNames = Callable[[str], list[str]]


def _key(text: str) -> str:
    return fold(text)[:_KEY_CHARS]


def paragraph_confidence(blocks: Sequence[Block], value: str, indices: Sequence[int]) -> float | None:
    """The OCR confidence of ``value`` in the first of the blocks at ``indices`` holding it: the lowest of the
    paragraph's words that are words of the value (a long paragraph's other words say nothing of it); None when
    no block holds it."""
    key = _key(value)
    if not key:
        return None
    words = set(fold(value).split())
    for index in indices:
        block = blocks[index]
        if block.words and key in fold(block.text):
            own = [confidence for word, confidence in block.words if fold(word) in words]
            return min(own) if own else block.confidence
    return None


def _confidences(
    blocks: Sequence[Block], values: dict[str, list[str]], own: range, heading_reach: bool
) -> dict[str, float]:
    """Each field's confidence: the lowest of the paragraphs its values were read from; a field one value of
    which is found nowhere gets none."""
    found: dict[str, float] = {}
    for field, texts in values.items():
        indices: Sequence[int] = own
        if field == "lead" and heading_reach:
            indices = [*own, *range(own.start - 1, max(-1, own.start - 1 - _HEADING_REACH), -1)]
        confidences = [paragraph_confidence(blocks, text, indices) for text in texts]
        if confidences and None not in confidences:
            found[field] = min(c for c in confidences if c is not None)
    return found


def with_task_confidence(
    document: Document, tasks: Sequence[SectionTask], agency_names: AgencyNames = lambda text: []
) -> list[SectionTask]:
    """The prose tasks with their ``confidence`` by field, when the plan has pages read by OCR.

    ``agency_names``: the agency names a sentence holds, as written; a model-form task's lead and partners are
    the names in its assignment sentences, so their confidence is those names' words' (the whole sentences'
    when no name is known in them)."""
    if not document.ocr_pages:
        return list(tasks)
    blocks = document.blocks
    read: list[SectionTask] = []
    starts = sorted({task.block for task in tasks})
    for task in tasks:
        later = [start for start in starts if start > task.block]
        own = range(task.block, min(later[0] if later else len(blocks), task.block + _TASK_SPAN, len(blocks)))
        values = {field: [value] for field, value in {"task": task.task, "lead": task.lead, **task.fields}.items()}
        if task.assignment:  # the model form: who leads and supports is said in its assignment sentences
            names = [name for sentence in task.assignment for name in agency_names(sentence)]
            values["lead"] = values["support"] = names or list(task.assignment)
        values = {field: [v for v in texts if v] for field, texts in values.items() if field in _FIELDS}
        confidence = _confidences(blocks, {f: texts for f, texts in values.items() if texts}, own, True)
        read.append(replace(task, confidence=confidence))
    return read


def with_directive_confidence(document: Document, directives: Sequence[DirectiveSentence]) -> list[DirectiveSentence]:
    """The directives with their ``confidence`` (their sentence's paragraph; for a lead, its heading's too)."""
    if not document.ocr_pages:
        return list(directives)
    blocks = document.blocks
    everywhere = range(len(blocks))
    read: list[DirectiveSentence] = []
    for directive in directives:
        confidence = paragraph_confidence(blocks, directive.text, everywhere)
        found = {} if confidence is None else dict.fromkeys(("task", "deadline", "lead"), confidence)
        if directive.heading:
            heading = paragraph_confidence(blocks, directive.heading, everywhere)
            if heading is not None:
                found["lead"] = min(heading, found.get("lead", heading))
        read.append(replace(directive, confidence=found))
    return read
