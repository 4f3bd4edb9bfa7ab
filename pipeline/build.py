"""Normalize: turn a read document, its metadata and its appendix rows into canonical records."""

from __future__ import annotations

from extractors.appendix import AppendixRow
from extractors.metadata import DocumentMetadata
from extractors.model import Document
from normalizers.agencies import split_agency_cell
from normalizers.deadlines import normalize_deadline
from normalizers.text import clean_optional, clean_text
from pipeline.ids import plan_key, record_id
from schemas.records import DocumentRecord, PlanRecords, TargetRecord, TargetValue, TaskRecord


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
        title=meta.title,
        page_count=document.page_count,
    )


def target_record(row: AppendixRow, doc: DocumentRecord) -> TargetRecord:
    return TargetRecord(
        target_id=record_id(doc.plan_key, "target", row.group, row.stt, row.position),
        doc_id=doc.doc_id,
        group=row.group,
        group_title=clean_optional(row.group_title),
        stt=row.stt,
        indicator=clean_text(row.cells.get("indicator")),
        unit=clean_optional(row.cells.get("unit")),
        values=[TargetValue(year=year, raw=clean_optional(text)) for year, text in row.values],
        tracking_agencies=split_agency_cell(row.cells.get("tracking")),
        page=row.page,
    )


def task_record(row: AppendixRow, doc: DocumentRecord) -> TaskRecord:
    deadline_raw = clean_optional(row.cells.get("deadline"))
    return TaskRecord(
        task_id=record_id(doc.plan_key, "task", row.group, row.stt, row.position),
        doc_id=doc.doc_id,
        source="appendix",
        group=row.group,
        group_title=clean_optional(row.group_title),
        stt=row.stt,
        task=clean_text(row.cells.get("task")),
        lead=split_agency_cell(row.cells.get("lead")),
        support=split_agency_cell(row.cells.get("support")),
        deadline_raw=deadline_raw,
        deadline=normalize_deadline(deadline_raw),
        output=clean_optional(row.cells.get("output")),
        page=row.page,
    )


def build_plan(document: Document, meta: DocumentMetadata, appendix: dict[str, list[AppendixRow]]) -> PlanRecords:
    doc = document_record(document, meta)
    return PlanRecords(
        document=doc,
        targets=[target_record(row, doc) for row in appendix["targets"]],
        tasks=[task_record(row, doc) for row in appendix["tasks"]],
    )
