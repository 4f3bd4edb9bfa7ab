"""The main job end to end: formats agree, plans are merged, bad input is isolated, outputs are sound."""

from __future__ import annotations

import csv
import json
import shutil
import unicodedata
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.cli import main
from pipeline.evaluate import evaluate
from pipeline.run import process_file, run
from schemas.generate import schema_documents
from schemas.records import PlanRecords, TaskRecord
from tests.conftest import GOLD, SAMPLES, sample_stems

FORMATS = ("txt", "docx", "pdf")


def _comparable(plan: PlanRecords) -> dict:
    """Records without what legitimately differs between formats (source bytes, pages, paths)."""
    dump = plan.model_dump(mode="json")
    for record in dump["targets"] + dump["tasks"]:
        record.pop("doc_id")
        record.pop("page")
    document = dump["document"]
    return {"plan_key": document["plan_key"], "targets": dump["targets"], "tasks": dump["tasks"]}


@pytest.fixture(scope="module")
def processed() -> dict[tuple[str, str], PlanRecords]:
    return {(stem, fmt): process_file(SAMPLES / f"{stem}.{fmt}") for stem in sample_stems() for fmt in FORMATS}


@pytest.mark.parametrize("stem", sample_stems())
def test_each_format_alone_gives_the_same_records_and_ids(processed, stem):
    text, word, pdf = (_comparable(processed[(stem, fmt)]) for fmt in FORMATS)
    assert text == word
    assert text == pdf


def test_ids_are_unique_and_stable_across_reruns(processed):
    plan = processed[(sample_stems()[-1], "pdf")]
    ids = [t.task_id for t in plan.tasks] + [t.target_id for t in plan.targets]
    assert len(ids) == len(set(ids))
    again = process_file(Path(plan.document.source_path))
    assert [t.task_id for t in again.tasks] == [t.task_id for t in plan.tasks]


def test_all_formats_together_give_one_plan_each_from_docx(tmp_path):
    result = run([SAMPLES], tmp_path / "out")
    assert not result.failures
    assert len(result.plans) == len(sample_stems())
    for plan in result.plans:
        assert plan.document.source_format == "docx"
        stems = {Path(p).stem for p in [plan.document.source_path, *plan.document.alternate_sources]}
        assert len(stems) == 1
        assert sorted(Path(p).suffix for p in plan.document.alternate_sources) == [".pdf", ".txt"]


def _plan_tasks(path: Path) -> list[TaskRecord]:
    return PlanRecords.model_validate_json(path.read_text(encoding="utf-8")).tasks


def test_outputs_parquet_json_and_manifest(tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(SAMPLES), "--out", str(out), "--overrides", str(tmp_path / "none.json")]) == 0
    out = out / "current"  # the published dataset
    documents = pq.read_table(out / "documents.parquet").to_pylist()
    targets = pq.read_table(out / "targets.parquet").to_pylist()
    tasks = pq.read_table(out / "tasks.parquet").to_pylist()
    assert len(documents) == len(list((out / "json").glob("*.json")))
    total_targets = total_tasks = 0
    for path in (out / "json").glob("*.json"):
        text = path.read_text(encoding="utf-8")
        plan = PlanRecords.model_validate_json(text)
        assert path.stem == plan.document.doc_id
        # Readable JSON for other tools: Vietnamese letters as they are (not \u escapes), two-space indents.
        assert text == json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
        assert "\\u" not in text and unicodedata.is_normalized("NFC", text)
        total_targets += len(plan.targets)
        total_tasks += len(plan.tasks)
    assert (len(targets), len(tasks)) == (total_targets, total_tasks)
    assert all(isinstance(value["year"], int) for target in targets for value in target["values"])
    json_details = {t.task_id: t.details for p in (out / "json").glob("*.json") for t in _plan_tasks(p) if t.details}
    assert json_details and {t["task_id"]: dict(t["details"]) for t in tasks if t["details"]} == json_details
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["failures"] == [] and len(manifest["sources"]) == 3 * len(sample_stems())
    assert not list(out.rglob("*.tmp"))


def test_agencies_table_counts_every_ref_and_review_queue_lists_every_flagged_piece(tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(SAMPLES), "--out", str(out), "--overrides", str(tmp_path / "none.json")]) == 0
    out = out / "current"  # the published dataset
    plans = [PlanRecords.model_validate_json(p.read_text(encoding="utf-8")) for p in (out / "json").glob("*.json")]
    refs = [ref for plan in plans for target in plan.targets for ref in target.tracking_agencies]
    refs += [ref for plan in plans for task in plan.tasks for ref in [*task.lead, *task.support]]
    agencies = pq.read_table(out / "agencies.parquet").to_pylist()
    assert sum(row["ref_count"] for row in agencies) == len(refs)
    assert {row["name"] for row in agencies} == {ref.name for ref in refs}
    assert all(row["raw_forms"] for row in agencies)
    queue = pq.read_table(out / "review_queue.parquet").to_pylist()
    assert len(queue) == sum(len(plan.review) for plan in plans)
    with (out / "review_queue.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == len(queue)
    unresolved = [ref for ref in refs if not ref.resolved]
    assert len(queue) >= len(unresolved)


def test_a_bad_document_is_reported_and_the_others_publish(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = sorted(SAMPLES.glob("*.txt"))[-1]
    shutil.copy(good, inbox / good.name)
    (inbox / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 20)
    (inbox / "notes.docx").write_text("not a word file", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(inbox), "--out", str(out), "--overrides", str(tmp_path / "none.json")]) == 1
    out = out / "current"  # the published dataset
    printed = capsys.readouterr().out
    assert "broken.pdf" in printed and "notes.docx" in printed
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    reasons = {Path(f["path"]).name: f["reason"] for f in manifest["failures"]}
    assert set(reasons) == {"broken.pdf", "notes.docx"}
    assert "Word" in reasons["notes.docx"]
    assert len(list((out / "json").glob("*.json"))) == 1


def test_missing_input_path_is_a_failure(tmp_path):
    result = run([tmp_path / "nowhere"], tmp_path / "out")
    assert [f.reason for f in result.failures] == ["no such file or folder"]


def test_committed_json_schemas_are_generated_from_the_models():
    schema_dir = Path(__file__).resolve().parent.parent / "schemas"
    for name, text in schema_documents().items():
        committed = schema_dir / name
        assert committed.exists(), f"run `vnplan schema`: {name} is missing"
        assert committed.read_text(encoding="utf-8") == text, f"run `vnplan schema`: {name} is stale"


@pytest.mark.parametrize("fmt", FORMATS)
def test_appendix_rows_and_text_fields_match_gold(tmp_path, fmt):
    """Regression guard for the measured figures: every appendix row found, every text field equal."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    for path in SAMPLES.glob(f"*.{fmt}"):
        shutil.copy(path, inbox / path.name)
    run([inbox], tmp_path / "out")
    report = evaluate(GOLD, tmp_path / "out")
    for table in ("targets", "tasks/appendix"):
        counts = report.overall.tables[table].rows
        assert counts.gold == counts.pred == counts.matched
    fields = report.overall.tables["targets"].fields
    for name in ("indicator", "unit", "values", "group_title"):
        assert fields[name].equal == fields[name].compared > 0
    fields = report.overall.tables["tasks/appendix"].fields
    for name in ("task", "output", "deadline_raw", "group_title"):
        assert fields[name].equal == fields[name].compared > 0
    for table in ("targets", "tasks/appendix"):  # issue threshold: named >= 0.98, collective >= 0.95
        for label, floor in (("named", 0.98), ("collective", 0.95)):
            counts = report.overall.tables[table].ref_classes[label]
            assert counts.precision is not None and counts.precision >= floor, (table, label, counts)
            assert counts.recall is not None and counts.recall >= floor, (table, label, counts)
    for table in ("tasks/appendix", "tasks/directive"):  # issue threshold: due >= 0.98, kind >= 0.95
        tables = report.overall.tables[table]
        assert tables.rows.gold == tables.rows.pred == tables.rows.matched > 0
        for name, floor in (("deadline.due", 0.98), ("deadline.kind", 0.95), ("deadline.needs_review", 0.95)):
            accuracy = tables.fields[name].accuracy
            assert accuracy is not None and accuracy >= floor, (table, name, tables.fields[name])
        flags = tables.review_flags  # needs_review precision and recall >= 0.95 (none flagged: none predicted)
        assert flags.matched >= 0.95 * flags.gold and flags.matched >= 0.95 * flags.pred, (table, flags)
    # Prose task lists (both forms): every task found, no extras; lead/support P/R >= 0.95; due >= 0.95.
    sections = report.overall.tables["tasks/section"]
    assert sections.rows.gold == sections.rows.pred == sections.rows.matched > 0
    for agency_field in ("lead", "support"):
        counts = sections.refs[agency_field]
        assert counts.precision is not None and counts.precision >= 0.95, (agency_field, counts)
        assert counts.recall is not None and counts.recall >= 0.95, (agency_field, counts)
    due = sections.fields["deadline.due"].accuracy
    assert due is not None and due >= 0.95
    assert all(tally.equal == tally.compared for tally in sections.fields.values())
    for document in report.documents:
        assert all(tally.equal == tally.compared for tally in document.metadata.values())
