"""How sure OCR was of the text each prose task and directive of a scanned plan was read from.

A table cell read by OCR carries tesseract's confidence itself (``Cell.confidence``, and by role in
``AppendixRow.confidence``).  A prose task is put together from several paragraphs (the agency heading above it
gives its lead, its labelled lines its deadline and partners), so its fields' confidences are looked up
afterwards: each field's value is found in the paragraph it was read from (its opening words, in the task's
own paragraphs, or above them for a lead taken from a heading), and that paragraph's confidence is the
field's.  A value found nowhere gets no confidence: the builder then treats it as unsure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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


class _Paragraphs:
    """A document's blocks with their folded texts (folded once: every field of every task looks them up)."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        self.blocks = blocks
        self.folded = [fold(block.text) for block in blocks]

    def confidence(self, value: str, indices: Iterable[int]) -> float | None:
        """The OCR confidence of ``value`` in the first of the blocks at ``indices`` holding it: the lowest of the
        paragraph's words that are words of the value (a long paragraph's other words say nothing of it); None
        when no block holds it."""
        folded = fold(value)
        key = folded[:_KEY_CHARS]
        if not key:
            return None
        words = set(folded.split())
        for index in indices:
            block = self.blocks[index]
            if block.words and key in self.folded[index]:
                own = [confidence for word, confidence in block.words if fold(word) in words]
                return min(own) if own else block.confidence
        return None

    def lowest(self, values: list[str], indices: Sequence[int]) -> float | None:
        """The lowest confidence of ``values``; None when one of them is found nowhere."""
        confidences = [self.confidence(value, indices) for value in values]
        known = [confidence for confidence in confidences if confidence is not None]
        return min(known) if known and len(known) == len(confidences) else None


def with_task_confidence(
    document: Document, tasks: Sequence[SectionTask], agency_names: AgencyNames = lambda text: []
) -> list[SectionTask]:
    """The prose tasks with their ``confidence`` by field, when the plan has pages read by OCR.

    A field's values are looked for in the task's own paragraphs; a lead also above them (the heading it came
    from).  ``agency_names``: the agency names a sentence holds, as written; a model-form task's lead and
    partners are the names in its assignment sentences, so their confidence is those names' words' (the whole
    sentences' when no name is known in them)."""
    if not document.ocr_pages:
        return list(tasks)
    paragraphs = _Paragraphs(document.blocks)
    count = len(document.blocks)
    read: list[SectionTask] = []
    starts = sorted({task.block for task in tasks})
    for task in tasks:
        later = [start for start in starts if start > task.block]
        own = range(task.block, min(later[0] if later else count, task.block + _TASK_SPAN, count))
        above = range(task.block - 1, max(-1, task.block - 1 - _HEADING_REACH), -1)
        values = {field: [value] for field, value in {"task": task.task, "lead": task.lead, **task.fields}.items()}
        if task.assignment:  # the model form: who leads and supports is said in its assignment sentences
            names = [name for sentence in task.assignment for name in agency_names(sentence)]
            values["lead"] = values["support"] = names or list(task.assignment)
        confidence: dict[str, float] = {}
        for field, texts in values.items():
            texts = [text for text in texts if text]
            if field not in _FIELDS or not texts:
                continue
            found = paragraphs.lowest(texts, [*own, *above] if field == "lead" else own)
            if found is not None:
                confidence[field] = found
        read.append(replace(task, confidence=confidence))
    return read


def with_directive_confidence(document: Document, directives: Sequence[DirectiveSentence]) -> list[DirectiveSentence]:
    """The directives with their ``confidence`` (their sentence's paragraph; for a lead, its heading's too)."""
    if not document.ocr_pages:
        return list(directives)
    paragraphs = _Paragraphs(document.blocks)
    everywhere = range(len(document.blocks))
    read: list[DirectiveSentence] = []
    for directive in directives:
        sentence = paragraphs.confidence(directive.text, everywhere)
        found = {} if sentence is None else dict.fromkeys(("task", "deadline", "lead"), sentence)
        heading = paragraphs.confidence(directive.heading, everywhere) if directive.heading else None
        if heading is not None:
            found["lead"] = min(heading, found.get("lead", heading))
        read.append(replace(directive, confidence=found))
    return read
