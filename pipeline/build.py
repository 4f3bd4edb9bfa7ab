"""Normalize: turn a read document, its metadata and its appendix rows into canonical records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from extractors.appendix import AppendixRow
from extractors.completeness import Finding
from extractors.directives import DirectiveSentence
from extractors.metadata import DocumentMetadata
from extractors.model import Document
from extractors.sections import SectionTask
from extractors.settings import DEFAULT_PDF_SETTINGS
from normalizers.agencies import ResolvedAgency, default_resolver
from normalizers.assignments import default_assignment_reader
from normalizers.deadlines import describe_deadline, parse_deadline, plan_years, reference_year
from normalizers.text import clean_optional, clean_text
from pipeline.ids import plan_key, record_id
from pipeline.overrides import COMPLETENESS_FIELD, NO_TASK_LIST, is_complete, subject_of
from schemas.records import (
    AgencyRef,
    CompletenessFinding,
    Deadline,
    DocumentRecord,
    PlanRecords,
    ReviewItem,
    TargetRecord,
    TargetValue,
    TaskRecord,
    TaskSource,
)

FINDING_REASONS = {
    "critical": "incomplete plan, held back from publishing: an appendix the plan refers to was not read",
    "incomplete": "incomplete plan: rows the plan numbers or counts were not read",
    "review": "check: the plan's own numbering or count looks wrong, nothing is known to be missing",
}
READ_BY_OCR = "read by OCR with low confidence: check the text"
_CELL_ROLE = {"tracking_agencies": "tracking"}  # a record field -> the table column role it is read from
Built = TypeVar("Built", TargetRecord, TaskRecord)


def completeness_finding(finding: Finding) -> CompletenessFinding:
    return CompletenessFinding(
        kind=finding.kind,  # type: ignore[arg-type]  # validated by pydantic
        severity=finding.severity,
        where=finding.where,
        group=finding.group,
        numbers=list(finding.numbers),
        expected=finding.expected,
        found=finding.found,
        message=finding.message,
        key=finding.key,
    )


def document_record(document: Document, meta: DocumentMetadata) -> DocumentRecord:
    return DocumentRecord(
        doc_id=document.sha256,
        plan_key=plan_key(meta) or f"sha256:{document.sha256}",
        source_path=str(document.source_path),
        source_format=document.source_format,  # type: ignore[arg-type]  # validated by pydantic
        province=meta.province,
        jurisdiction=meta.jurisdiction,  # type: ignore[arg-type]
        doc_type=meta.doc_type,
        doc_number=meta.doc_number,
        issued_date=meta.issued_date,
        period=meta.period,
        vision_year=meta.vision_year,
        title=meta.title,
        page_count=document.page_count,
        ocr=bool(document.ocr_pages),
        converted_from=document.converted_from,  # type: ignore[arg-type]  # validated by pydantic
    )


class RecordBuilder:
    """Builds one plan's records; the values a person should check are collected on the way."""

    def __init__(
        self,
        doc: DocumentRecord,
        ocr_pages: Iterable[int] = (),
        review_confidence: float = DEFAULT_PDF_SETTINGS.ocr.review_confidence,
    ) -> None:
        self.doc = doc
        self.ocr_pages = frozenset(ocr_pages)
        self.review_confidence = review_confidence
        """A value read by OCR with less confidence than this (0-100) goes to a person."""
        self.review: list[ReviewItem] = []
        self._queued: dict[tuple[str, str, str], int] = {}  # (record_id, field, raw) -> its review item

    def deadline(self, raw: str | None, record_id: str) -> Deadline:
        """The parsed deadline; a flagged one is queued for a person with what was understood and why."""
        doc = self.doc
        deadline = parse_deadline(
            raw,
            plan_years=plan_years(doc.period, doc.issued_date, doc.vision_year),
            reference_year=reference_year(doc.period, doc.issued_date),
        )
        if deadline.needs_review:
            self.flag(record_id, "deadline", raw or "", describe_deadline(deadline), "; ".join(deadline.reasons))
        return deadline

    def flag(self, record_id: str, field: str, raw: str, understood: str, reason: str, **agency: object) -> None:
        """Queue one value for a person: what was written, what the machine understood, and why it asks."""
        self._queued.setdefault((record_id, field, raw), len(self.review))
        self.review.append(
            ReviewItem.model_validate(
                {
                    "doc_id": self.doc.doc_id,
                    "record_id": record_id,
                    "field": field,
                    "subject": subject_of(field),
                    "raw": raw,
                    "understood": understood,
                    "reason": reason,
                    **agency,
                }
            )
        )

    def read_by_ocr(self, record: Built, confidence: Mapping[str, float]) -> Built:
        """``record`` marked ``ocr`` when its page was read by OCR (a scan), and the values OCR was unsure of queued.

        ``confidence``: tesseract's confidence (0-100) in the cell or paragraph each field was read from.  An
        agency or deadline read with less than ``review_confidence``, or whose confidence is not known, goes to a
        person like any other flagged value (the deadline gets ``needs_review`` and the reason; a value already
        queued for another reason gets this reason added).  A value read with confidence is queued only by the
        usual rules: an agency that does not resolve, a deadline that does not parse.  A main agency field left
        empty is queued too: OCR may have lost the name.
        """
        if not self._on_ocr_page(record.page):
            return record
        update: dict[str, object] = {"ocr": True, "ocr_confidence": min(confidence.values(), default=None)}
        fields: tuple[str, ...]
        if isinstance(record, TargetRecord):
            record_id, fields = record.target_id, ("tracking_agencies",)
        else:
            record_id, fields = record.task_id, ("lead", "support")
        for field in fields:
            if self._is_sure(confidence.get(_CELL_ROLE.get(field, field))):
                continue
            for ref in getattr(record, field):
                self.flag_ocr(record_id, field, ref.raw, ref.name, name=ref.name)
        if not getattr(record, fields[0]):  # nobody named: OCR may have lost the name
            self.flag_ocr(record_id, fields[0], "", "")
        if isinstance(record, TaskRecord) and not self._is_sure(confidence.get("deadline")):
            deadline: Deadline = record.deadline
            if READ_BY_OCR not in deadline.reasons:
                reasons = [*deadline.reasons, READ_BY_OCR]
                deadline = deadline.model_copy(update={"needs_review": True, "reasons": reasons})
            self.flag_ocr(record_id, "deadline", record.deadline_raw or "", describe_deadline(deadline))
            update["deadline"] = deadline
        return record.model_copy(update=update)

    def _on_ocr_page(self, page: int | None) -> bool:
        return bool(self.ocr_pages) and (page is None or page in self.ocr_pages)

    def _is_sure(self, confidence: float | None) -> bool:
        return confidence is not None and confidence >= self.review_confidence

    def flag_ocr(self, record_id: str, field: str, raw: str, understood: str, **agency: object) -> None:
        """Queue a value read by OCR; a value queued already (one review row per value) gets the reason added."""
        index = self._queued.get((record_id, field, raw))
        if index is None:
            self.flag(record_id, field, raw, understood, READ_BY_OCR, **agency)
            return
        item = self.review[index]
        if READ_BY_OCR not in item.reason:
            self.review[index] = item.model_copy(update={"reason": f"{item.reason}; {READ_BY_OCR}"})

    def agencies(self, cell: str | None, record_id: str, field: str, page: int | None = None) -> list[AgencyRef]:
        """The refs of one agency cell, resolved in the plan's own jurisdiction (as read by OCR when ``page`` was)."""
        resolved = default_resolver().resolve_cell(
            cell, jurisdiction=self.doc.jurisdiction, province=self.doc.province, ocr=self._on_ocr_page(page)
        )
        return self.queued(resolved, record_id, field)

    def queued(self, resolved: list[ResolvedAgency], record_id: str, field: str) -> list[AgencyRef]:
        """The refs of resolved agencies; the ones a person should check are queued."""
        for item in resolved:
            if item.review_reason is not None:
                score = None if item.score is None else round(item.score, 1)
                self.flag(
                    record_id,
                    field,
                    item.ref.raw,
                    item.ref.name,
                    item.review_reason,
                    name=item.ref.name,
                    candidate=item.candidate,
                    score=score,
                )
        return [item.ref for item in resolved]

    def target(self, row: AppendixRow) -> TargetRecord:
        target_id = record_id(self.doc.plan_key, "target", row.group, row.stt, row.position)
        return TargetRecord(
            target_id=target_id,
            doc_id=self.doc.doc_id,
            group=row.group,
            group_title=clean_optional(row.group_title),
            stt=row.stt,
            indicator=clean_text(row.cells.get("indicator")),
            unit=clean_optional(row.cells.get("unit")),
            values=[TargetValue(year=year, raw=clean_optional(text)) for year, text in row.values],
            tracking_agencies=self.agencies(row.cells.get("tracking"), target_id, "tracking_agencies", row.page),
            page=row.page,
        )

    def task(self, row: AppendixRow) -> TaskRecord:
        return self._task("appendix", "task", row.position, row.page, row.group, row.group_title, row.stt, row.cells)

    def section_task(self, task: SectionTask) -> TaskRecord:
        cells = {"task": task.task, "lead": task.lead, **task.fields}
        record = self._task(
            "section", "section", task.position, task.page, task.group, task.group_title, task.stt, cells
        )
        record = record.model_copy(update={"details": dict(task.details)})
        if task.assignment is None:
            return record
        # The model form: who leads and supports is said in the assignment sentences.
        assignment = default_assignment_reader().read(
            task.assignment, jurisdiction=self.doc.jurisdiction, province=self.doc.province
        )
        # A "Cơ quan chủ trì:" part, if any, names the lead when the sentences do not.
        lead = self.queued(assignment.lead, record.task_id, "lead") or record.lead
        support = self.queued(assignment.support, record.task_id, "support")
        named = {ref.name for ref in lead + support}
        support += [ref for ref in record.support if ref.name not in named]  # a "Đơn vị phối hợp:" part, if any
        if not lead:
            self.flag(record.task_id, "lead", "", "", "no lead agency named in the task's assignment")
        return record.model_copy(update={"lead": lead, "support": support})

    def _task(
        self,
        source: TaskSource,
        id_kind: str,
        position: int,
        page: int | None,
        group: str | None,
        group_title: str | None,
        stt: str | None,
        cells: Mapping[str, str],
    ) -> TaskRecord:
        """A task record from its cells by role: task, lead, support, deadline, output."""
        task_id = record_id(self.doc.plan_key, id_kind, group, stt, position)
        deadline_raw = clean_optional(cells.get("deadline"))
        return TaskRecord(
            task_id=task_id,
            doc_id=self.doc.doc_id,
            source=source,
            group=group,
            group_title=clean_optional(group_title),
            stt=stt,
            task=clean_text(cells.get("task")),
            lead=self.agencies(cells.get("lead"), task_id, "lead", page),
            support=self.agencies(cells.get("support"), task_id, "support", page),
            deadline_raw=deadline_raw,
            deadline=self.deadline(deadline_raw, task_id),
            output=clean_optional(cells.get("output")),
            page=page,
        )

    def directive_lead(self, directive: DirectiveSentence) -> str | None:
        """Who must act, as written: the sentence's own subject, else the heading when it only names agencies."""
        resolver = default_resolver()
        subject = resolver.leading_mention(directive.text)
        if subject is None and directive.heading:
            heading = directive.heading.strip().rstrip(".:;").strip()
            named = resolver.leading_mention(heading)
            subject = named if named == heading else None
        return subject

    def directive(self, directive: DirectiveSentence) -> TaskRecord:
        lead = self.directive_lead(directive)
        cells = {"task": directive.text, "deadline": directive.deadline_raw, **({"lead": lead} if lead else {})}
        task = self._task("directive", "directive", directive.position, directive.page, None, None, None, cells)
        if lead is None:
            self.flag(task.task_id, "lead", "", "", "no responsible agency found in the sentence or its heading")
        return task


def build_plan(
    document: Document,
    meta: DocumentMetadata,
    appendix: dict[str, list[AppendixRow]],
    directives: list[DirectiveSentence],
    sections: list[SectionTask] | None = None,
    findings: list[Finding] | None = None,
) -> PlanRecords:
    """read → extract has been done: here every extracted row becomes a canonical record.

    ``findings``: what ``extractors.completeness`` found missing; each is a review row of the document."""
    completeness = [completeness_finding(finding) for finding in findings or []]
    doc = document_record(document, meta).model_copy(
        update={"completeness": completeness, "complete": is_complete(completeness)}
    )
    builder = RecordBuilder(doc, document.ocr_pages)
    targets = [builder.read_by_ocr(builder.target(row), row.confidence) for row in appendix["targets"]]
    tasks = [builder.read_by_ocr(builder.task(row), row.confidence) for row in appendix["tasks"]]
    tasks += [builder.read_by_ocr(builder.section_task(task), task.confidence) for task in sections or []]
    tasks += [builder.read_by_ocr(builder.directive(item), item.confidence) for item in directives]
    for finding in completeness:
        reason = NO_TASK_LIST if finding.kind == "no_tasks" else FINDING_REASONS[finding.severity]
        builder.flag(doc.plan_key, COMPLETENESS_FIELD, finding.key, finding.message, reason)
    return PlanRecords(document=doc, targets=targets, tasks=tasks, review=builder.review)
