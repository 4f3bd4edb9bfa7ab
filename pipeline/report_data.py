"""What the run report shows, gathered from one run folder: SQL over its Parquet files, and its manifest.

The figures are DuckDB queries over the same views ``vnplan query`` offers (``pipeline.query.connect``), so any
number in the report can be asked again, or further, with ``vnplan query``.  Plans held back and files that could
not be read are not in the Parquet files: they come from the manifest and ``held_back/``, so the report shows
every document of the run, the unpublished ones too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.agency_export import UNKNOWN_PROVINCE
from pipeline.due_status import PAST_DUE, due_status
from pipeline.publish import HELD_BACK_DIR
from pipeline.query import connect
from pipeline.runs import MANIFEST, read_plan

KIND_GROUPS: dict[str, str] = {
    "date": "Có hạn xác định",
    "month": "Có hạn xác định",
    "quarter": "Có hạn xác định",
    "year": "Có hạn xác định",
    "period": "Có hạn xác định",
    "milestones": "Có hạn xác định",
    "recurring": "Thường xuyên, định kỳ",
    "conditional": "Có điều kiện",
    "unknown": "Không rõ",
}
"""Each deadline kind (``schemas.records.DeadlineKind``) in the four shares the report shows; a kind this table
does not know is shown under its own name, never dropped."""
VAGUE_KINDS = ("conditional", "unknown")
_VAGUE_SQL = ", ".join(f"'{kind}'" for kind in VAGUE_KINDS)


@dataclass(frozen=True)
class ReportSettings:
    """The report's knobs, in one place."""

    top_agencies: int = 15
    """Bars in the agency charts: the agencies with the most tasks (targets); the rest are counted in a note."""
    max_series: int = 8
    """Colours in a stacked chart: the plans (provinces) with the most rows; the others are summed as "Khác"."""
    plans_as_series_up_to: int = 12
    """Charts stack by plan up to this many plans, by province beyond."""
    due_window_days: int = 90
    """The due-soon table holds tasks due within this many days of the as-of date, and those past due."""
    max_due_rows: int = 500
    """The due-soon and past-due tables show at most this many rows each (the count of the others is said)."""


@dataclass
class PlanRow:
    """One document of the run, published or held back."""

    doc_id: str
    province: str | None
    doc_type: str | None
    doc_number: str | None
    issued_date: str | None
    period: str | None
    source: str
    label: str = ""
    """A short name that tells it apart from the run's other plans (``_label_uniquely``)."""
    targets: int = 0
    tasks: int = 0
    vague: int = 0
    review: int = 0
    complete: bool = True
    findings: list[str] = field(default_factory=list)
    published: bool = True


@dataclass
class ProvinceRow:
    """A province's plans in figures (the report's first table when there are too many plans to list first)."""

    province: str
    plans: int = 0
    held_back: int = 0
    targets: int = 0
    tasks: int = 0
    vague: int = 0
    review: int = 0
    incomplete: int = 0


def province_rows(plans: list[PlanRow]) -> list[ProvinceRow]:
    rows: dict[str, ProvinceRow] = {}
    for plan in plans:
        name = plan.province or UNKNOWN_PROVINCE
        row = rows.setdefault(name, ProvinceRow(name))
        row.plans += plan.published
        row.held_back += not plan.published
        row.targets += plan.targets
        row.tasks += plan.tasks
        row.vague += plan.vague
        row.review += plan.review
        row.incomplete += not plan.complete
    return sorted(rows.values(), key=lambda row: row.province)


@dataclass(frozen=True)
class DueRow:
    plan: str
    group: str
    stt: str
    task: str
    lead: str
    deadline_raw: str
    due: str
    status: str


@dataclass
class Counts:
    """Counts per (category, series): the data of one stacked chart."""

    categories: list[str]
    series: dict[str, list[int]]
    left_out: int = 0
    """Categories beyond the chart's top N (their rows are in the totals of the note, not in bars)."""

    def total(self) -> int:
        return sum(sum(values) for values in self.series.values())

    def category_totals(self) -> list[int]:
        return [sum(values[i] for values in self.series.values()) for i in range(len(self.categories))]


@dataclass
class ReportData:
    run_id: str
    status: str
    finished_at: str | None
    as_of: dt.date
    series_by: str
    """"kế hoạch" (each plan its colour) or "tỉnh" (each province its colour)."""
    plans: list[PlanRow]
    provinces: list[ProvinceRow]
    failures: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    quality: dict[str, Any] | None
    lead_agencies: Counts
    due_quarters: Counts
    without_due: int
    deadline_shares: Counts
    tracking_agencies: Counts
    due_soon: list[DueRow]
    """Tasks due within the window, soonest first."""
    past_due: list[DueRow]
    """Tasks whose due date has passed, the most recent first."""
    due_soon_left_out: int
    past_due_left_out: int
    review_rows: int


def gather(
    run_dir: Path, as_of: dt.date, settings: ReportSettings | None = None, manifest: dict[str, Any] | None = None
) -> ReportData:
    """Everything the report shows for ``run_dir`` (a run folder holding a dataset); ``manifest``: the run's
    manifest when it is not written yet (else it is read from the folder)."""
    settings = settings or ReportSettings()
    manifest = manifest if manifest is not None else _manifest(run_dir)
    connection = connect(run_dir)
    try:
        plans = _published_plans(connection) + _held_back_plans(run_dir, manifest)
        _label_uniquely(plans)
        by_province = len([p for p in plans if p.published]) > settings.plans_as_series_up_to
        series_of = {
            plan.doc_id: (plan.province or UNKNOWN_PROVINCE) if by_province else plan.label
            for plan in plans
            if plan.published
        }
        labels = {plan.doc_id: plan.label for plan in plans}
        rows: Counter[str] = Counter()
        for plan in plans:
            if plan.published:
                rows[series_of[plan.doc_id]] += plan.tasks + plan.targets
        series = Series.ranked(dict(rows), settings.max_series)
        lead = _rows(connection, _REFS_PER_AGENCY, ["lead"])
        tracking = _rows(connection, _REFS_PER_AGENCY, ["tracking"])
        quarters = _rows(connection, _DUE_PER_QUARTER)
        kinds = _rows(connection, _KINDS_PER_PLAN)
        due = _rows(connection, _DUE_TASKS, [as_of + dt.timedelta(days=settings.due_window_days)])
        review_rows = _rows(connection, "SELECT count(*) FROM review_queue")[0][0]
    finally:
        connection.close()
    due_rows = [
        DueRow(
            plan=labels.get(doc_id, doc_id[:12]),
            group=group or "",
            stt=stt or "",
            task=task,
            lead="; ".join(dict.fromkeys(ref["name"] for ref in lead_refs or [])),
            deadline_raw=raw or "",
            due=due_day,
            status=due_status(due_day, kind, as_of, settings.due_window_days),
        )
        for doc_id, group, stt, task, lead_refs, raw, due_day, kind in due
    ]
    past = [row for row in reversed(due_rows) if row.status == PAST_DUE]
    soon = [row for row in due_rows if row.status != PAST_DUE]
    dated = [(series_of.get(doc_id, doc_id), f"{year}|{quarter}", n) for doc_id, year, quarter, n in quarters if year]
    return ReportData(
        run_id=str(manifest.get("run_id") or run_dir.name),
        status=str(manifest.get("status") or ""),
        finished_at=manifest.get("finished_at"),
        as_of=as_of,
        series_by="tỉnh" if by_province else "kế hoạch",
        plans=plans,
        provinces=province_rows(plans),
        failures=list(manifest.get("failures") or []),
        warnings=list(manifest.get("warnings") or []),
        quality=manifest.get("quality"),
        lead_agencies=_top_categories(
            [(series_of.get(d, d), name, n) for name, d, n in lead], settings.top_agencies, series
        ),
        due_quarters=_quarters(dated, series),
        without_due=sum(n for _, year, _, n in quarters if not year),
        deadline_shares=_kind_shares(kinds, series_of),
        tracking_agencies=_top_categories(
            [(series_of.get(d, d), name, n) for name, d, n in tracking], settings.top_agencies, series
        ),
        due_soon=soon[: settings.max_due_rows],
        past_due=past[: settings.max_due_rows],
        due_soon_left_out=max(0, len(soon) - settings.max_due_rows),
        past_due_left_out=max(0, len(past) - settings.max_due_rows),
        review_rows=int(review_rows),
    )


# A task naming an agency twice (as written, and in brackets) counts once for it.
_REFS_PER_AGENCY = """
SELECT name, doc_id, count(DISTINCT record_id) FROM agency_refs WHERE role = ? GROUP BY ALL
"""
_DUE_PER_QUARTER = """
SELECT doc_id, year(due) AS y, quarter(due) AS q, count(*)
  FROM (SELECT doc_id, TRY_CAST(deadline.due AS DATE) AS due FROM tasks) GROUP BY ALL
"""
_KINDS_PER_PLAN = "SELECT doc_id, deadline.kind, count(*) FROM tasks GROUP BY ALL"
_DUE_TASKS = """
SELECT doc_id, "group", stt, task, lead, deadline_raw, deadline.due, deadline.kind FROM tasks
 WHERE TRY_CAST(deadline.due AS DATE) <= ?
 ORDER BY deadline.due, doc_id, "group", stt
"""
_PLANS = f"""
SELECT d.doc_id, d.province, d.doc_type, d.doc_number, d.issued_date, d.period, d.source_path,
       d.complete, d.completeness,
       (SELECT count(*) FROM targets t WHERE t.doc_id = d.doc_id) AS targets,
       (SELECT count(*) FROM tasks t WHERE t.doc_id = d.doc_id) AS tasks,
       (SELECT count(*) FROM tasks t WHERE t.doc_id = d.doc_id AND t.deadline.kind IN ({_VAGUE_SQL}))
         AS vague,
       (SELECT count(*) FROM review_queue r WHERE r.doc_id = d.doc_id) AS review
  FROM documents d ORDER BY d.province, d.issued_date, d.doc_number, d.doc_id
"""


def _rows(connection: Any, sql: str, parameters: list[Any] | None = None) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = connection.execute(sql, parameters or []).fetchall()
    return rows


def _manifest(run_dir: Path) -> dict[str, Any]:
    path = run_dir / MANIFEST
    if not path.is_file():
        return {}
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ValueError(f"{path}: not a readable manifest: {error}") from error
    return manifest


def _open_findings(findings: list[dict[str, Any]] | None) -> list[str]:
    return [str(f["message"]) for f in findings or [] if not f.get("accepted")]


def _published_plans(connection: Any) -> list[PlanRow]:
    result = connection.execute(_PLANS)
    columns = [column[0] for column in result.description]
    return [_plan_row(dict(zip(columns, row, strict=True)), published=True) for row in result.fetchall()]


def _held_back_plans(run_dir: Path, manifest: dict[str, Any]) -> list[PlanRow]:
    """The plans read but not published (an appendix they refer to was not read): their manifest entries (counts,
    completeness), with the document's fields and the vague deadlines from their file in ``held_back/``."""
    plans = []
    for entry in manifest.get("held_back") or []:
        path = run_dir / HELD_BACK_DIR / f"{entry['doc_id']}.json"
        values = dict(entry)
        if path.is_file():
            plan = read_plan(path)
            values |= plan.document.model_dump(include=set(_DOCUMENT_FIELDS))
            values["vague"] = sum(1 for task in plan.tasks if task.deadline.kind in VAGUE_KINDS)
        plans.append(_plan_row(values, published=False))
    return plans


_DOCUMENT_FIELDS = ("province", "doc_type", "doc_number", "issued_date", "period")


def _plan_row(values: dict[str, Any], published: bool) -> PlanRow:
    """A plan table row from a document's fields and counts (a row of ``_PLANS``, or a manifest entry)."""
    return PlanRow(
        doc_id=values["doc_id"],
        source=Path(str(values.get("source_path") or "")).name,
        province=values.get("province"),
        doc_type=values.get("doc_type"),
        doc_number=values.get("doc_number"),
        issued_date=values.get("issued_date"),
        period=values.get("period"),
        targets=int(values.get("targets") or 0),
        tasks=int(values.get("tasks") or 0),
        vague=int(values.get("vague") or 0),
        review=int(values.get("review") or 0),
        complete=bool(values.get("complete")),
        findings=_open_findings(values.get("completeness")),
        published=published,
    )


def _label_uniquely(plans: list[PlanRow]) -> None:
    """A short name per plan ("Tỉnh: Kế hoạch 12/KH-UBND"), told apart by date, then file, where two share one."""
    for plan in plans:
        kind = plan.doc_type or "Văn bản"
        plan.label = f"{plan.province or UNKNOWN_PROVINCE}: {kind} {plan.doc_number or ''}".strip()
    for distinguish in (lambda p: p.issued_date or p.period or "", lambda p: p.source):
        seen = Counter(plan.label for plan in plans)
        for plan in plans:
            if seen[plan.label] > 1 and distinguish(plan):
                plan.label = f"{plan.label} ({distinguish(plan)})"


@dataclass(frozen=True)
class Series:
    """The colours of the stacked charts, the same in every chart: the plans (provinces) in order of their rows,
    the first ``max_series - 1`` their own, the rest drawn together as "Khác"."""

    order: list[str]
    drawn: dict[str, str]

    @classmethod
    def ranked(cls, rows: dict[str, int], max_series: int) -> Series:
        names = [name for name, _ in sorted(rows.items(), key=lambda item: (-item[1], item[0]))]
        if len(names) <= max_series:
            return cls(names, {name: name for name in names})
        kept = names[: max_series - 1]
        return cls([*kept, OTHERS], {name: (name if name in kept else OTHERS) for name in names})


OTHERS = "Khác"


def _stack(triples: list[tuple[str, str, int]], categories: list[str], series: Series, left_out: int = 0) -> Counts:
    index = {category: i for i, category in enumerate(categories)}
    stacked = {name: [0] * len(categories) for name in series.order}
    for name, category, n in triples:
        if category in index:
            drawn = stacked.setdefault(series.drawn.get(name, OTHERS), [0] * len(categories))
            drawn[index[category]] += n
    return Counts(categories, stacked, left_out)


def _top_categories(triples: list[tuple[str, str, int]], top: int, series: Series) -> Counts:
    totals: Counter[str] = Counter()
    for _, category, n in triples:
        totals[category] += n
    ranked = [name for name, _ in sorted(totals.items(), key=lambda item: (-item[1], item[0]))]
    return _stack(triples, ranked[:top], series, left_out=len(ranked) - min(top, len(ranked)))


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _quarters(triples: list[tuple[str, str, int]], series: Series) -> Counts:
    """Every quarter from the first due date to the last (empty ones too: a gap in time is worth seeing)."""
    keys = sorted({tuple(int(part) for part in category.split("|")) for _, category, _ in triples})
    if not keys:
        return Counts([], {})
    (first_year, first_quarter), (last_year, last_quarter) = keys[0], keys[-1]
    categories, labels = [], {}
    year, quarter = first_year, first_quarter
    while (year, quarter) <= (last_year, last_quarter):
        key = f"{year}|{quarter}"
        categories.append(key)
        labels[key] = f"{_ROMAN[quarter]}/{year}"
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    counts = _stack(triples, categories, series)
    counts.categories = [labels[key] for key in categories]
    return counts


def _kind_shares(kinds: list[tuple[str, str, int]], series_of: dict[str, str]) -> Counts:
    """Tasks per deadline share (rows) and plan or province (categories)."""
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for doc_id, kind, n in kinds:
        per[series_of.get(doc_id, doc_id)][KIND_GROUPS.get(kind, kind)] += n
    categories = sorted(per)
    shares = list(dict.fromkeys([*KIND_GROUPS.values(), *(k for c in per.values() for k in c)]))
    return Counts(categories, {share: [per[c][share] for c in categories] for share in shares})
