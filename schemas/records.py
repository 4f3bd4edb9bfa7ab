"""The canonical records of the vnplan dataset.

These pydantic models are the single source of truth: the JSON Schema files in
this folder and the Parquet column types are generated from them
(``vnplan schema`` rewrites the JSON Schema; ``schemas.arrow`` derives Arrow).
Bump ``SCHEMA_VERSION`` whenever a record changes shape.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.7.0"

SourceFormat = Literal["text", "docx", "pdf", "html"]
DeadlineKind = Literal[
    "date",
    "month",
    "quarter",
    "year",
    "period",
    "recurring",
    "conditional",
    "milestones",
    "unknown",
]
TaskSource = Literal["appendix", "section", "directive"]
Cadence = Literal["daily", "weekly", "monthly", "quarterly", "half-yearly", "yearly"]
ReviewSubject = Literal["agency", "deadline", "document"]
CompletenessKind = Literal[
    "numbering_gap",
    "numbering_repeat",
    "numbering_restart",
    "group_gap",
    "group_repeat",
    "group_restart",
    "missing_appendix",
    "count_mismatch",
    "unread_rows",
    "no_tasks",
]
CompletenessSeverity = Literal["critical", "incomplete", "review"]


_OCR_RECORD = (
    "True when the record was read by OCR from a scanned page: its text may hold misread letters; its agencies "
    "and deadline are queued for review where OCR was unsure of them (see ocr_confidence)."
)
_OCR_CONFIDENCE = (
    "Read by OCR: Tesseract's lowest word confidence (0-100) in the cells or paragraphs the record's fields were "
    "read from; null when the record was not read by OCR, or its sources could not be told."
)


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AgencyRef(_Record):
    """One agency named in a cell: the span as written and its canonical name."""

    raw: str = Field(description="The span as written in the document (plain text).")
    name: str = Field(description="Canonical agency name.")
    collective: bool = Field(default=False, description="True for unspecific groups ('Các sở, ban, ngành').")
    resolved: bool = Field(default=False, description="True when the name comes from the agency registry.")
    agency_id: str | None = Field(default=None, description="Registry id of the agency (stable across plans).")
    kind: str | None = Field(default=None, description="Registry kind: department, police, collective, ...")
    level: str | None = Field(default=None, description="central, province or commune.")
    successor: str | None = Field(
        default=None, description="Canonical name of the body that took over this agency's functions, if any."
    )
    sub_unit: str | None = Field(default=None, description="A unit of the agency named with it, e.g. in brackets.")


class Milestone(_Record):
    """One dated part of a timeline, in the order written."""

    due: str = Field(description="ISO date: the last day of the part's period.")
    text: str = Field(description="The clause the date came from.")


class Recurrence(_Record):
    """How often recurring work repeats, when the text says it."""

    cadence: Cadence | None = Field(default=None, description="None when the text only says 'regularly'.")
    day: int | None = Field(default=None, description="Day of the period it is due: 'trước ngày 10 hằng tháng' -> 10.")


class Deadline(_Record):
    """A normalized timeline expression (kinds and review rules: the gold README)."""

    kind: DeadlineKind = "unknown"
    due: str | None = Field(default=None, description="ISO date (YYYY-MM-DD): last day of the named period, or null.")
    start: str | None = Field(default=None, description="ISO date work starts ('từ tháng 6/2026' -> 2026-06-01).")
    milestones: list[Milestone] = Field(default_factory=list, description="Every dated part, in order.")
    recurrence: Recurrence | None = Field(default=None, description="For recurring work: its cadence.")
    condition: str | None = Field(default=None, description="For conditional deadlines: the event waited on.")
    needs_review: bool = True
    reasons: list[str] = Field(default_factory=list, description="Why a person should check it.")


class TargetValue(_Record):
    """The target for one year column of a targets table."""

    year: int
    raw: str | None = Field(description="Cell text; null when empty or '-'.")


class CompletenessFinding(_Record):
    """One thing the plan says of itself that the records do not bear out (``extractors.completeness``)."""

    kind: CompletenessKind
    severity: CompletenessSeverity = Field(
        description=(
            "critical: an appendix the text refers to was not read (the plan is held back from the published "
            "dataset unless a person accepted the finding); incomplete: rows are missing; review: the plan's own "
            "numbering or count looks wrong, nothing is known to be missing."
        )
    )
    where: str = Field(description='The table or section, as a clerk names it: "Phụ lục II", "Bảng chỉ tiêu".')
    group: str | None = Field(default=None, description="The group (I, II, ... or the heading number), if any.")
    numbers: list[str] = Field(default_factory=list, description="The missing or repeated numbers.")
    expected: int | None = Field(default=None, description="count_mismatch: the count the plan states.")
    found: int | None = Field(default=None, description="count_mismatch: the rows read.")
    message: str = Field(description='The finding in a sentence: "Phụ lục II, nhóm I: thiếu STT 3, 4".')
    key: str = Field(description="What identifies the finding across runs: its review row's raw.")
    accepted: bool = Field(default=False, description="A person accepted it (the plan really is so).")


class DocumentRecord(_Record):
    """One plan (one set of records), whatever formats it arrived in."""

    schema_version: str = SCHEMA_VERSION
    doc_id: str = Field(description="sha256 of the bytes of the source the records came from.")
    plan_key: str = Field(description="What identifies the plan across formats.")
    source_path: str
    source_format: SourceFormat
    alternate_sources: list[str] = Field(
        default_factory=list,
        description="Other files holding the same plan (not used for the records).",
    )
    province: str | None = None
    jurisdiction: Literal["tỉnh", "thành phố"] | None = None
    doc_type: str | None = None
    doc_number: str | None = None
    issued_date: str | None = Field(default=None, description="ISO date or null.")
    period: str | None = Field(default=None, description="'YYYY-YYYY' or null.")
    vision_year: int | None = Field(default=None, description="The 'tầm nhìn đến năm YYYY' horizon, if stated.")
    title: str | None = None
    page_count: int | None = None
    ocr: bool = Field(default=False, description="True when some page had no text layer (a scan) and was read by OCR.")
    converted_from: Literal["doc", "rtf", "odt"] | None = Field(
        default=None,
        description="The format LibreOffice converted the file from before it was read as .docx; null otherwise.",
    )
    complete: bool = Field(
        default=True,
        description="No critical or incomplete completeness finding is open (not accepted by a person).",
    )
    completeness: list[CompletenessFinding] = Field(
        default_factory=list, description="What the plan says of itself that the records do not bear out."
    )


class TargetRecord(_Record):
    """One row of a plan's targets table (Phụ lục I)."""

    target_id: str
    doc_id: str
    group: str | None = None
    group_title: str | None = None
    stt: str | None = None
    indicator: str
    unit: str | None = None
    values: list[TargetValue] = Field(default_factory=list)
    tracking_agencies: list[AgencyRef] = Field(default_factory=list)
    page: int | None = None
    reviewed: bool = Field(default=False, description="A person's decision from the overrides file was applied.")
    ocr: bool = Field(default=False, description=_OCR_RECORD)
    ocr_confidence: float | None = Field(default=None, ge=0, le=100, description=_OCR_CONFIDENCE)


class TaskRecord(_Record):
    """One task: an appendix row, a body-section bullet or a dated directive."""

    task_id: str
    doc_id: str
    source: TaskSource
    group: str | None = None
    group_title: str | None = None
    stt: str | None = None
    task: str
    lead: list[AgencyRef] = Field(default_factory=list)
    support: list[AgencyRef] = Field(default_factory=list)
    deadline_raw: str | None = None
    deadline: Deadline = Field(default_factory=Deadline)
    output: str | None = None
    details: dict[str, str] = Field(
        default_factory=dict,
        description=(
            'The task\'s other labelled parts as printed, label -> text ("Lực lượng triển khai", "Mục tiêu", ...); '
            'the key "text" holds text under the task\'s heading that has no label.'
        ),
    )
    page: int | None = None
    reviewed: bool = Field(default=False, description="A person's decision from the overrides file was applied.")
    ocr: bool = Field(default=False, description=_OCR_RECORD)
    ocr_confidence: float | None = Field(default=None, ge=0, le=100, description=_OCR_CONFIDENCE)


class ReviewItem(_Record):
    """One value a person should check: an agency piece or a deadline the machine could not pin down,
    or (subject "document") a completeness finding of a plan, or a file that could not be processed."""

    doc_id: str
    record_id: str = Field(
        description="target_id or task_id of the record holding the value; the plan_key for a document row."
    )
    field: str = Field(
        description="The record field: tracking_agencies, lead, support, deadline; document: completeness, file."
    )
    subject: ReviewSubject = Field(default="agency", description="What kind of value it is.")
    raw: str = Field(description="The text as written.")
    understood: str = Field(description="What the machine made of it: the agency name, or the deadline's kind/due.")
    name: str | None = Field(default=None, description="For agencies: the name the dataset uses now.")
    candidate: str | None = Field(default=None, description="The closest registry name, if any.")
    score: float | None = Field(default=None, description="Similarity to the candidate, 0-100.")
    reason: str


class AgencySummary(_Record):
    """One canonical agency seen in a run: the rows of ``agencies.parquet``."""

    name: str
    agency_id: str | None = None
    kind: str | None = None
    level: str | None = None
    collective: bool = False
    resolved: bool = False
    successor: str | None = None
    ref_count: int = Field(description="How many agency refs name it.")
    plan_count: int = Field(description="How many plans name it.")
    raw_forms: list[str] = Field(default_factory=list, description="Every way the documents wrote it.")


class PlanRecords(_Record):
    """Everything the dataset holds for one plan: the file ``json/<doc_id>.json``."""

    schema_version: str = SCHEMA_VERSION
    document: DocumentRecord
    targets: list[TargetRecord] = Field(default_factory=list)
    tasks: list[TaskRecord] = Field(default_factory=list)
    review: list[ReviewItem] = Field(default_factory=list, description="Values queued for a person to check.")


PUBLISHED_MODELS: dict[str, type[BaseModel]] = {
    "document": DocumentRecord,
    "target": TargetRecord,
    "task": TaskRecord,
    "plan": PlanRecords,
    "review_item": ReviewItem,
    "agency": AgencySummary,
}
