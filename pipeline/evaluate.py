"""``vnplan eval``: score a run's JSON output against hand-checked gold files.

The gold format and how it maps to the dataset are defined by the gold README
(``targets`` -> targets, ``target_YYYY`` -> ``values``; gold task source ``body``
-> ``section``; ``body_deadlines`` -> tasks of source ``directive`` with
``text`` -> ``task`` and ``responsible`` -> ``lead``).  A gold file is paired with
the prediction whose ``source_path`` or one of whose ``alternate_sources`` has
the same file stem.  Rows are matched one-to-one within a table (greedy, best
text similarity first); fields are then compared over the matched rows only.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pydantic import ValidationError
from rapidfuzz import fuzz

from normalizers.text import collapse_whitespace, nfc
from pipeline.runs import dataset_dir
from schemas.records import AgencyRef, PlanRecords, TargetRecord, TaskRecord

MIN_SIMILARITY = 0.6
"""Lowest rapidfuzz ratio (0..1) between two row texts for the rows to match."""

METADATA_FIELDS = ("province", "jurisdiction", "doc_type", "doc_number", "issued_date", "period")
TABLES = ("targets", "tasks/appendix", "tasks/section", "tasks/directive")
TARGET_FIELDS = ("indicator", "unit", "group_title")
TASK_FIELDS = ("task", "output", "deadline_raw", "group_title")
TASK_AGENCY_FIELDS = ("lead", "support")
DEADLINE_FIELDS = ("kind", "due", "needs_review")
GOLD_TASK_SOURCES = {"appendix": "appendix", "body": "section"}
DIRECTIVE_RENAMES = {"text": "task", "responsible": "lead"}

_YEAR_KEY = re.compile(r"target_(\d{4})")

JsonObject = Mapping[str, object]
Ref = tuple[str, str, bool]  # (raw, name, collective)
REF_CLASSES = ("named", "collective")
Scalar = str | bool | None


# --------------------------------------------------------------------------- report model


@dataclass
class Tally:
    """How many compared values were equal."""

    equal: int = 0
    compared: int = 0

    def add(self, ok: bool) -> None:
        self.equal += int(ok)
        self.compared += 1

    def merge(self, other: Tally) -> None:
        self.equal += other.equal
        self.compared += other.compared

    @property
    def accuracy(self) -> float | None:
        return self.equal / self.compared if self.compared else None


@dataclass
class Counts:
    """Gold items, predicted items and how many of them were matched."""

    gold: int = 0
    pred: int = 0
    matched: int = 0

    def merge(self, other: Counts) -> None:
        self.gold += other.gold
        self.pred += other.pred
        self.matched += other.matched

    @property
    def precision(self) -> float | None:
        return self.matched / self.pred if self.pred else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.gold if self.gold else None


@dataclass
class TableReport:
    """Scores of one table: row matching, field accuracy, agency ref P/R (by agency field and by class).

    ``refs`` compares matched rows only; ``ref_classes`` counts (record, field, canonical name) triples
    over all rows, so refs of missed or extra rows count as missed or extra.
    """

    rows: Counts = field(default_factory=Counts)
    fields: dict[str, Tally] = field(default_factory=dict)
    refs: dict[str, Counts] = field(default_factory=dict)
    ref_classes: dict[str, Counts] = field(default_factory=dict)
    review_flags: Counts = field(default_factory=Counts)

    def tally(self, name: str) -> Tally:
        return self.fields.setdefault(name, Tally())

    def ref_counts(self, name: str) -> Counts:
        return self.refs.setdefault(name, Counts())

    def class_counts(self, name: str) -> Counts:
        return self.ref_classes.setdefault(name, Counts())

    def merge(self, other: TableReport) -> None:
        self.rows.merge(other.rows)
        for name, tally in other.fields.items():
            self.tally(name).merge(tally)
        for name, counts in other.refs.items():
            self.ref_counts(name).merge(counts)
        for name, counts in other.ref_classes.items():
            self.class_counts(name).merge(counts)
        self.review_flags.merge(other.review_flags)


@dataclass
class DocumentReport:
    """Scores of one gold document; ``pred_file`` is None when no prediction was found."""

    gold_file: str
    pred_file: str | None
    metadata: dict[str, Tally] = field(default_factory=dict)
    tables: dict[str, TableReport] = field(default_factory=dict)

    def table(self, name: str) -> TableReport:
        return self.tables.setdefault(name, TableReport())

    def merge(self, other: DocumentReport) -> None:
        for name, tally in other.metadata.items():
            self.metadata.setdefault(name, Tally()).merge(tally)
        for name, table in other.tables.items():
            self.table(name).merge(table)


@dataclass
class EvalReport:
    """One report per gold document, their sum, and the predictions no gold file claimed."""

    documents: list[DocumentReport]
    overall: DocumentReport
    unpaired_predictions: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- rows


@dataclass
class Row:
    """A target or task row reduced to what is compared (gold and prediction alike)."""

    group: str | None
    stt: str | None
    text: str
    fields: dict[str, str | None]
    values: dict[int, str | None] | None = None
    agencies: dict[str, list[Ref]] = field(default_factory=dict)
    deadline: dict[str, Scalar] = field(default_factory=dict)

    def compared_names(self) -> list[str]:
        """Names of the field tallies this row contributes to when it is gold."""
        names = list(self.fields)
        if self.values is not None:
            names.append("values")
        for agency_field in self.agencies:
            names += [f"{agency_field}.names", f"{agency_field}.raw"]
        return names + [f"deadline.{key}" for key in self.deadline]


def normalize(text: str | None) -> str | None:
    """NFC, whitespace collapsed and stripped; empty text is None."""
    if text is None:
        return None
    return collapse_whitespace(nfc(text)) or None


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _scalar(value: object) -> Scalar:
    return value if value is None or isinstance(value, str | bool) else str(value)


def _objects(value: object) -> list[JsonObject]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _gold_refs(value: object) -> list[Ref]:
    return [
        (str(ref.get("raw") or ""), str(ref.get("name") or ""), bool(ref.get("collective"))) for ref in _objects(value)
    ]


def _gold_target(data: JsonObject) -> Row:
    values: dict[int, str | None] = {}
    for key, value in data.items():
        if match := _YEAR_KEY.fullmatch(key):
            values[int(match.group(1))] = _opt_str(value)
    agencies = {key: _gold_refs(data[key]) for key in ("tracking_agencies",) if key in data}
    return Row(
        group=_opt_str(data.get("group")),
        stt=_opt_str(data.get("stt")),
        text=str(data.get("indicator") or ""),
        fields={key: _opt_str(data[key]) for key in TARGET_FIELDS if key in data},
        values=values,
        agencies=agencies,
    )


def _gold_task(data: JsonObject) -> Row:
    deadline = data.get("deadline")
    deadline_items = deadline.items() if isinstance(deadline, dict) else []
    return Row(
        group=_opt_str(data.get("group")),
        stt=_opt_str(data.get("stt")),
        text=str(data.get("task") or ""),
        fields={key: _opt_str(data[key]) for key in TASK_FIELDS if key in data},
        agencies={key: _gold_refs(data[key]) for key in TASK_AGENCY_FIELDS if key in data},
        deadline={key: _scalar(value) for key, value in deadline_items if key in DEADLINE_FIELDS},
    )


def _gold_tables(gold: JsonObject) -> dict[str, list[Row]]:
    tables: dict[str, list[Row]] = {name: [] for name in TABLES}
    tables["targets"] = [_gold_target(item) for item in _objects(gold.get("targets"))]
    for item in _objects(gold.get("tasks")):
        source = str(item.get("source"))
        tables.setdefault(f"tasks/{GOLD_TASK_SOURCES.get(source, source)}", []).append(_gold_task(item))
    for item in _objects(gold.get("body_deadlines")):
        renamed = {DIRECTIVE_RENAMES.get(key, key): value for key, value in item.items()}
        tables["tasks/directive"].append(_gold_task(renamed))
    return tables


def _pred_refs(refs: Iterable[AgencyRef]) -> list[Ref]:
    return [(ref.raw, ref.name, ref.collective) for ref in refs]


def _pred_target(target: TargetRecord) -> Row:
    return Row(
        group=target.group,
        stt=target.stt,
        text=target.indicator,
        fields={"indicator": target.indicator, "unit": target.unit, "group_title": target.group_title},
        values={value.year: value.raw for value in target.values},
        agencies={"tracking_agencies": _pred_refs(target.tracking_agencies)},
    )


def _pred_task(task: TaskRecord) -> Row:
    return Row(
        group=task.group,
        stt=task.stt,
        text=task.task,
        fields={
            "task": task.task,
            "output": task.output,
            "deadline_raw": task.deadline_raw,
            "group_title": task.group_title,
        },
        agencies={"lead": _pred_refs(task.lead), "support": _pred_refs(task.support)},
        deadline={
            "kind": task.deadline.kind,
            "due": task.deadline.due,
            "needs_review": task.deadline.needs_review,
        },
    )


def _pred_tables(plan: PlanRecords | None) -> dict[str, list[Row]]:
    tables: dict[str, list[Row]] = {name: [] for name in TABLES}
    if plan is None:
        return tables
    tables["targets"] = [_pred_target(target) for target in plan.targets]
    for task in plan.tasks:
        tables.setdefault(f"tasks/{task.source}", []).append(_pred_task(task))
    return tables


# --------------------------------------------------------------------------- matching and scoring


def _compatible(gold: str | None, pred: str | None) -> bool:
    return gold is None or pred is None or normalize(gold) == normalize(pred)


def match_rows(gold: list[Row], pred: list[Row]) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs, greedily by best text similarity.

    Rows pair only when group and stt agree (where both have them) and the
    whitespace-normalised texts reach ``MIN_SIMILARITY``; ties go to the pair
    closest in table order.
    """
    candidates: list[tuple[float, int, int, int]] = []
    for i, gold_row in enumerate(gold):
        for j, pred_row in enumerate(pred):
            if not (_compatible(gold_row.group, pred_row.group) and _compatible(gold_row.stt, pred_row.stt)):
                continue
            score = fuzz.ratio(normalize(gold_row.text) or "", normalize(pred_row.text) or "") / 100
            if score >= MIN_SIMILARITY:
                candidates.append((-score, abs(i - j), i, j))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, _, i, j in sorted(candidates):
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def _multiset(values: Iterable[str]) -> Counter[str | None]:
    return Counter(normalize(value) for value in values)


def _compare_rows(gold: Row, pred: Row, table: TableReport) -> None:
    for name, value in gold.fields.items():
        table.tally(name).add(normalize(value) == normalize(pred.fields.get(name)))
    if gold.values is not None:
        pred_values = pred.values or {}
        for year in sorted(gold.values.keys() | pred_values.keys()):
            table.tally("values").add(normalize(gold.values.get(year)) == normalize(pred_values.get(year)))
    for name, gold_refs in gold.agencies.items():
        pred_refs = pred.agencies.get(name, [])
        gold_names = _multiset(ref_name for _, ref_name, _ in gold_refs)
        pred_names = _multiset(ref_name for _, ref_name, _ in pred_refs)
        table.tally(f"{name}.names").add(gold_names == pred_names)
        gold_raw, pred_raw = _multiset(r for r, _, _ in gold_refs), _multiset(r for r, _, _ in pred_refs)
        table.tally(f"{name}.raw").add(gold_raw == pred_raw)
        table.ref_counts(name).merge(Counts(len(gold_refs), len(pred_refs), sum((gold_names & pred_names).values())))
    for key, expected in gold.deadline.items():
        table.tally(f"deadline.{key}").add(expected == pred.deadline.get(key))


def score_table(gold: list[Row], pred: list[Row]) -> TableReport:
    """Match the rows of one table and compare the matched pairs."""
    table = TableReport()
    for row in gold:
        for name in row.compared_names():
            table.tally(name)
        for agency_field in row.agencies:
            table.ref_counts(agency_field)
    pairs = match_rows(gold, pred)
    table.rows = Counts(len(gold), len(pred), len(pairs))
    for i, j in pairs:
        _compare_rows(gold[i], pred[j], table)
    _count_ref_classes(gold, pred, pairs, table)
    _count_review_flags(gold, pred, pairs, table)
    return table


def _flagged(row: Row) -> bool:
    return row.deadline.get("needs_review") is True


def _count_review_flags(gold: list[Row], pred: list[Row], pairs: list[tuple[int, int]], table: TableReport) -> None:
    """Deadlines flagged for review, over every row: a flag on a missed or extra row is missed or extra."""
    if not any("needs_review" in row.deadline for row in gold):
        return
    table.review_flags = Counts(
        gold=sum(_flagged(row) for row in gold),
        pred=sum(_flagged(row) for row in pred),
        matched=sum(_flagged(gold[i]) and _flagged(pred[j]) for i, j in pairs),
    )


def _class_names(row: Row | None, agency_field: str, collective: bool) -> Counter[str | None]:
    refs = row.agencies.get(agency_field, []) if row is not None else []
    return _multiset(name for _, name, is_collective in refs if is_collective == collective)


def _count_ref_classes(gold: list[Row], pred: list[Row], pairs: list[tuple[int, int]], table: TableReport) -> None:
    """(record, field, canonical name) triples, named and collective apart, over every row."""
    partner = dict(pairs)
    paired_pred = set(partner.values())
    rows: list[tuple[Row | None, Row | None]] = [
        (g, pred[partner[i]] if i in partner else None) for i, g in enumerate(gold)
    ]
    rows += [(None, p) for j, p in enumerate(pred) if j not in paired_pred]
    fields = sorted({name for g, p in rows for row in (g, p) if row is not None for name in row.agencies})
    for gold_row, pred_row in rows:
        for agency_field in fields:
            if gold_row is not None and agency_field not in gold_row.agencies:
                continue  # the gold does not annotate this field for this row
            for label, collective in zip(REF_CLASSES, (False, True), strict=True):
                gold_names = _class_names(gold_row, agency_field, collective)
                pred_names = _class_names(pred_row, agency_field, collective)
                table.class_counts(label).merge(
                    Counts(sum(gold_names.values()), sum(pred_names.values()), sum((gold_names & pred_names).values()))
                )


def score_document(gold: JsonObject, pred: PlanRecords | None, pred_file: str | None) -> DocumentReport:
    """Scores of one gold document against its prediction (None: everything missed)."""
    report = DocumentReport(gold_file=str(gold.get("file")), pred_file=pred_file)
    gold_meta = gold.get("document")
    gold_meta = gold_meta if isinstance(gold_meta, dict) else {}
    for name in METADATA_FIELDS:
        pred_value = getattr(pred.document, name) if pred is not None else None
        report.metadata[name] = Tally(int(pred is not None and gold_meta.get(name) == pred_value), 1)
    gold_tables, pred_tables = _gold_tables(gold), _pred_tables(pred)
    for name in dict.fromkeys([*gold_tables, *pred_tables]):
        report.tables[name] = score_table(gold_tables.get(name, []), pred_tables.get(name, []))
    return report


# --------------------------------------------------------------------------- loading


def _stem(path: str) -> str:
    return PurePosixPath(path.replace("\\", "/")).stem


def _load_gold(gold_dir: Path) -> list[JsonObject]:
    files = sorted(gold_dir.glob("*.json")) if gold_dir.is_dir() else []
    if not files:
        reason = "has no *.json gold files" if gold_dir.is_dir() else "is not a directory"
        raise ValueError(f"gold directory {gold_dir} {reason}")
    documents: list[JsonObject] = []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise ValueError(f"gold file {path} is not readable JSON: {error}") from error
        if not isinstance(data, dict) or not isinstance(data.get("file"), str):
            raise ValueError(f"gold file {path} is not a gold document (no top-level 'file')")
        documents.append(data)
    return documents


def _load_predictions(pred_dir: Path) -> dict[str, PlanRecords]:
    json_dir = pred_dir / "json"
    if not json_dir.is_dir():
        raise ValueError(f"prediction directory {pred_dir} has no json/ folder")
    plans: dict[str, PlanRecords] = {}
    for path in sorted(json_dir.glob("*.json")):
        try:
            plans[f"json/{path.name}"] = PlanRecords.model_validate_json(path.read_bytes())
        except (OSError, ValidationError) as error:
            raise ValueError(f"prediction file {path} is not a valid plan record: {error}") from error
    return plans


def _find_prediction(gold_file: str, plans: Mapping[str, PlanRecords]) -> str | None:
    """The prediction whose source_path (preferred) or an alternate source has the gold file's stem."""
    stem = _stem(gold_file)
    for key, plan in plans.items():
        if _stem(plan.document.source_path) == stem:
            return key
    for key, plan in plans.items():
        if any(_stem(source) == stem for source in plan.document.alternate_sources):
            return key
    return None


def evaluate(gold_dir: Path, pred_dir: Path) -> EvalReport:
    """Score every gold document in ``gold_dir`` against the run output in ``pred_dir``.

    ``pred_dir`` is an output folder (its ``current`` dataset is scored) or one run folder.
    """
    gold_documents = _load_gold(Path(gold_dir))
    plans = _load_predictions(dataset_dir(Path(pred_dir)))
    reports: list[DocumentReport] = []
    paired: set[str] = set()
    for gold in gold_documents:
        key = _find_prediction(str(gold["file"]), plans)
        if key is not None:
            paired.add(key)
        reports.append(score_document(gold, plans[key] if key is not None else None, key))
    overall = DocumentReport(gold_file="OVERALL", pred_file=None)
    for report in reports:
        overall.merge(report)
    return EvalReport(reports, overall, [key for key in plans if key not in paired])


# --------------------------------------------------------------------------- text output

_LABEL = 42


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _tally_line(label: str, tally: Tally) -> str:
    if not tally.compared:
        return f"  {label:<{_LABEL}}{'-':>5}{'':6}{'-':>8}"
    return f"  {label:<{_LABEL}}{tally.equal:>5}/{tally.compared:<5}{_percent(tally.accuracy):>8}"


def _counts_header(title: str) -> str:
    return f"{title:<{_LABEL + 2}}{'gold':>6}{'pred':>6}{'matched':>9}{'precision':>11}{'recall':>9}"


def _counts_line(label: str, counts: Counts) -> str:
    return (
        f"  {label:<{_LABEL}}{counts.gold:>6}{counts.pred:>6}{counts.matched:>9}"
        f"{_percent(counts.precision):>11}{_percent(counts.recall):>9}"
    )


def _format_document(report: DocumentReport, header: str) -> list[str]:
    tables = {name: table for name, table in report.tables.items() if table.rows.gold or table.rows.pred}
    lines = [f"=== {header}", "metadata (exact)"]
    lines += [_tally_line(name, tally) for name, tally in report.metadata.items()]
    lines.append(_counts_header("rows"))
    lines += [_counts_line(name, table.rows) for name, table in tables.items()]
    lines.append("fields (matched rows, exact after whitespace normalisation)")
    for name, table in tables.items():
        lines += [_tally_line(f"{name}.{field_name}", tally) for field_name, tally in table.fields.items()]
    lines.append(_counts_header("agency refs (canonical names, matched rows)"))
    for name, table in tables.items():
        lines += [_counts_line(f"{name}.{agency}", counts) for agency, counts in table.refs.items()]
    lines.append(_counts_header("agency triples (record, field, name), all rows"))
    for name, table in tables.items():
        lines += [_counts_line(f"{name}.{label}", counts) for label, counts in table.ref_classes.items()]
    lines.append(_counts_header("deadlines flagged needs_review, all rows"))
    lines += [
        _counts_line(name, table.review_flags)
        for name, table in tables.items()
        if "deadline.needs_review" in table.fields
    ]
    return lines


def format_report(report: EvalReport) -> str:
    """A monospace plain-text table: one block per gold document, then OVERALL."""
    missing = sum(doc.pred_file is None for doc in report.documents)
    lines = [
        f"vnplan eval: {len(report.documents)} gold document(s), {missing} without prediction; "
        f"rows match on group + stt + text similarity >= {MIN_SIMILARITY:.2f}",
        "",
    ]
    for doc in report.documents:
        pred = doc.pred_file or "MISSING: no prediction document, all rows counted as missed"
        lines += [*_format_document(doc, f"{doc.gold_file}  (pred: {pred})"), ""]
    lines += _format_document(report.overall, f"OVERALL ({len(report.documents)} documents)")
    if report.unpaired_predictions:
        lines += ["", "predictions without a gold file (not scored): " + ", ".join(report.unpaired_predictions)]
    return "\n".join(lines) + "\n"


def main_eval(gold_dir: Path, pred_dir: Path) -> int:
    """Print the evaluation of ``pred_dir`` against ``gold_dir``; 0 on success."""
    print(format_report(evaluate(gold_dir, pred_dir)), end="")
    return 0
