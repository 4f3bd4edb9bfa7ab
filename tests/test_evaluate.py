"""Tests for ``vnplan eval`` (pipeline.evaluate) on small hand-written gold/prediction folders."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from pipeline.evaluate import (
    DocumentReport,
    EvalReport,
    evaluate,
    format_report,
    main_eval,
)

Json = dict[str, Any]
SOURCES = {"appendix": "appendix", "body": "section"}

GOLD_FILE = "101_aaaa.txt"

METADATA = {
    "province": "Hà Giang",
    "jurisdiction": "tỉnh",
    "doc_type": "Kế hoạch",
    "doc_number": "12/KH-UBND",
    "issued_date": "2026-05-20",
    "period": "2026-2030",
}


def ref(raw: str, name: str | None = None, collective: bool = False) -> Json:
    return {"raw": raw, "name": name or raw, "collective": collective}


def deadline(kind: str, due: str | None, needs_review: bool = False) -> Json:
    return {"kind": kind, "due": due, "needs_review": needs_review}


def target(stt: str, indicator: str, t2026: str | None, t2030: str | None) -> Json:
    return {
        "group": "I",
        "group_title": "Nhóm chỉ tiêu về dịch vụ công",
        "stt": stt,
        "indicator": indicator,
        "unit": "%",
        "target_2026": t2026,
        "target_2030": t2030,
        "tracking_agencies": [ref("VP UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"), ref("Sở Y tế")],
    }


def task(source: str, group: str, stt: str, text: str, when: str, kind: str, due: str) -> Json:
    return {
        "source": source,
        "group": group,
        "group_title": f"Nhóm nhiệm vụ {group}",
        "stt": stt,
        "task": text,
        "lead": [ref("Công an tỉnh")],
        "support": [ref("các sở, ngành", "Các sở, ban, ngành", True), ref("Sở Tư pháp")],
        "deadline_raw": when,
        "deadline": deadline(kind, due),
        "output": "Báo cáo kết quả",
    }


def gold_document(file: str = GOLD_FILE, task_source: str = "appendix") -> Json:
    return {
        "file": file,
        "document": dict(METADATA),
        "targets": [
            target("1", "Tỷ lệ hồ sơ thủ tục hành chính được số hóa", "60", "90"),
            target("2", "Tỷ lệ người dân có tài khoản định danh điện tử mức 2", "70", None),
            target("3", "Số cuộc họp trực tuyến giữa tỉnh và cấp xã", None, "100"),
        ],
        "tasks": [
            task(task_source, "I", "1", "Rà soát cơ sở dữ liệu dân cư", "Tháng 10/2026", "month", "2026-10-31"),
            task(task_source, "I", "2", "Triển khai thanh toán không tiền mặt", "Quý II/2026", "quarter", "2026-06-30"),
            task(task_source, "II", "1", "Tập huấn kỹ năng số cho cán bộ", "Năm 2027", "year", "2027-12-31"),
        ],
        "body_deadlines": [
            {
                "text": "Các sở, ban, ngành gửi kế hoạch triển khai về Công an tỉnh trước ngày 30/6/2026.",
                "responsible": [ref("Các sở, ban, ngành", "Các sở, ban, ngành", True)],
                "deadline_raw": "trước ngày 30/6/2026",
                "deadline": deadline("date", "2026-06-30"),
            }
        ],
        "agencies": {},
    }


def prediction_from_gold(gold: Json, source_path: str, alternates: list[str] | None = None) -> Json:
    """The records a perfect run would write for ``gold`` (README mapping, written out by hand)."""
    doc_id = "sha-" + Path(source_path).stem
    document = {
        **METADATA,
        "doc_id": doc_id,
        "plan_key": doc_id,
        "source_path": source_path,
        "source_format": "text",
        "alternate_sources": alternates or [],
    }
    targets = [
        {
            "target_id": f"{doc_id}-t{i}",
            "doc_id": doc_id,
            **{k: row[k] for k in ("group", "group_title", "stt", "indicator", "unit", "tracking_agencies")},
            "values": [{"year": 2026, "raw": row["target_2026"]}, {"year": 2030, "raw": row["target_2030"]}],
        }
        for i, row in enumerate(gold["targets"])
    ]
    tasks = [
        {**row, "task_id": f"{doc_id}-k{i}", "doc_id": doc_id, "source": SOURCES[row["source"]]}
        for i, row in enumerate(gold["tasks"])
    ]
    tasks += [
        {
            "task_id": f"{doc_id}-d{i}",
            "doc_id": doc_id,
            "source": "directive",
            "task": row["text"],
            "lead": row["responsible"],
            "deadline_raw": row["deadline_raw"],
            "deadline": row["deadline"],
        }
        for i, row in enumerate(gold["body_deadlines"])
    ]
    return copy.deepcopy({"schema_version": "1.0.0", "document": document, "targets": targets, "tasks": tasks})


def write_dirs(tmp_path: Path, golds: list[Json], preds: list[Json]) -> tuple[Path, Path]:
    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "run"
    (pred_dir / "json").mkdir(parents=True)
    gold_dir.mkdir()
    for gold in golds:
        name = Path(str(gold["file"])).stem
        (gold_dir / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    for pred in preds:
        doc_id = pred["document"]["doc_id"]
        (pred_dir / "json" / f"{doc_id}.json").write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
    return gold_dir, pred_dir


def run(tmp_path: Path, gold: Json, pred: Json) -> DocumentReport:
    report = evaluate(*write_dirs(tmp_path, [gold], [pred]))
    assert len(report.documents) == 1
    return report.documents[0]


def all_scores(doc: DocumentReport) -> list[float | None]:
    scores: list[float | None] = [tally.accuracy for tally in doc.metadata.values()]
    for table in doc.tables.values():
        scores += [table.rows.precision, table.rows.recall]
        scores += [tally.accuracy for tally in table.fields.values()]
        for counts in table.refs.values():
            scores += [counts.precision, counts.recall]
    return scores


def test_perfect_prediction_scores_100_everywhere(tmp_path: Path) -> None:
    gold = gold_document()
    report = evaluate(*write_dirs(tmp_path, [gold], [prediction_from_gold(gold, f"in/{GOLD_FILE}")]))
    doc = report.documents[0]
    assert doc.pred_file is not None
    assert {name: (t.rows.gold, t.rows.matched) for name, t in doc.tables.items() if t.rows.gold} == {
        "targets": (3, 3),
        "tasks/appendix": (3, 3),
        "tasks/directive": (1, 1),
    }
    assert doc.tables["targets"].fields["values"].compared == 6
    assert doc.tables["tasks/directive"].fields["deadline.kind"].compared == 1
    for scores in (all_scores(doc), all_scores(report.overall)):
        assert scores and all(score in (1.0, None) for score in scores)
    text = format_report(report)
    assert "OVERALL" in text and GOLD_FILE in text
    assert set(re.findall(r"\d+\.\d%", text)) == {"100.0%"}


def test_missing_row_lowers_recall(tmp_path: Path) -> None:
    gold = gold_document()
    pred = prediction_from_gold(gold, GOLD_FILE)
    del pred["targets"][1]
    rows = run(tmp_path, gold, pred).tables["targets"].rows
    assert (rows.gold, rows.pred, rows.matched) == (3, 2, 2)
    assert rows.precision == 1.0 and rows.recall == pytest.approx(2 / 3)


def test_extra_row_lowers_precision(tmp_path: Path) -> None:
    gold = gold_document()
    pred = prediction_from_gold(gold, GOLD_FILE)
    extra = copy.deepcopy(pred["tasks"][0])
    extra.update(task_id="extra", stt="9", task="Xây dựng kho dữ liệu dùng chung của tỉnh")
    pred["tasks"].append(extra)
    rows = run(tmp_path, gold, pred).tables["tasks/appendix"].rows
    assert (rows.gold, rows.pred, rows.matched) == (3, 4, 3)
    assert rows.precision == pytest.approx(3 / 4) and rows.recall == 1.0


def test_changed_indicator_still_matches_but_is_not_exact(tmp_path: Path) -> None:
    gold = gold_document()
    pred = prediction_from_gold(gold, GOLD_FILE)
    pred["targets"][0]["indicator"] = "Tỷ lệ hồ sơ thủ tục hành chính đã được số hoá"
    table = run(tmp_path, gold, pred).tables["targets"]
    assert table.rows.matched == 3
    indicator = table.fields["indicator"]
    assert (indicator.equal, indicator.compared) == (2, 3)
    assert table.fields["unit"].accuracy == 1.0


def test_whitespace_differences_are_not_errors(tmp_path: Path) -> None:
    gold = gold_document()
    pred = prediction_from_gold(gold, GOLD_FILE)
    pred["targets"][0]["indicator"] = "  Tỷ lệ hồ sơ   thủ tục hành chính\nđược số hóa "
    assert run(tmp_path, gold, pred).tables["targets"].fields["indicator"].accuracy == 1.0


def test_rows_need_equal_group_and_stt(tmp_path: Path) -> None:
    gold = gold_document()
    pred = prediction_from_gold(gold, GOLD_FILE)
    pred["tasks"][0]["stt"] = "7"
    rows = run(tmp_path, gold, pred).tables["tasks/appendix"].rows
    assert (rows.gold, rows.pred, rows.matched) == (3, 3, 2)


def test_unrelated_text_does_not_match(tmp_path: Path) -> None:
    gold = gold_document()
    pred = prediction_from_gold(gold, GOLD_FILE)
    pred["tasks"][0]["task"] = "Nâng cấp hạ tầng mạng"  # same group and stt, different task
    pred["tasks"][-1]["task"] = "Tổng kết, báo cáo Bộ Công an"  # directives match on text only
    doc = run(tmp_path, gold, pred)
    assert doc.tables["tasks/appendix"].rows.matched == 2
    assert doc.tables["tasks/directive"].rows.matched == 0


def test_value_agency_and_deadline_differences(tmp_path: Path) -> None:
    gold = gold_document()
    pred = prediction_from_gold(gold, GOLD_FILE)
    pred["targets"][2]["values"][1]["raw"] = "99"
    pred["tasks"][1]["lead"] = [{"raw": "CA tỉnh", "name": "Công an tỉnh", "collective": False}]
    pred["tasks"][2]["support"] = [pred["tasks"][2]["support"][1]]  # one support ref missing
    pred["tasks"][0]["deadline"]["kind"] = "year"
    doc = run(tmp_path, gold, pred)
    values = doc.tables["targets"].fields["values"]
    assert (values.equal, values.compared) == (5, 6)
    tasks = doc.tables["tasks/appendix"]
    assert tasks.fields["lead.names"].accuracy == 1.0
    assert tasks.fields["lead.raw"].equal == 2
    assert tasks.fields["support.names"].equal == 2
    support = tasks.refs["support"]
    assert (support.gold, support.pred, support.matched) == (6, 5, 5)
    assert tasks.fields["deadline.kind"].equal == 2
    assert tasks.fields["deadline.due"].accuracy == 1.0


def test_agency_triples_count_named_and_collective_apart_over_all_rows(tmp_path: Path) -> None:
    gold = gold_document()
    pred = prediction_from_gold(gold, GOLD_FILE)
    pred["tasks"][0]["support"][0]["collective"] = False  # right name, wrong class
    pred["targets"].pop()  # a missed row: its refs are missed too
    doc = run(tmp_path, gold, pred)
    named = doc.tables["tasks/appendix"].ref_classes["named"]
    collective = doc.tables["tasks/appendix"].ref_classes["collective"]
    assert (collective.gold, collective.pred, collective.matched) == (3, 2, 2)
    assert (named.gold, named.pred, named.matched) == (6, 7, 6)
    targets = doc.tables["targets"].ref_classes["named"]
    assert (targets.gold, targets.pred, targets.matched) == (6, 4, 4)


def test_body_task_in_gold_matches_section_task(tmp_path: Path) -> None:
    gold = gold_document(task_source="body")
    pred = prediction_from_gold(gold, GOLD_FILE)
    assert {task["source"] for task in pred["tasks"]} == {"section", "directive"}
    doc = run(tmp_path, gold, pred)
    rows = doc.tables["tasks/section"].rows
    assert (rows.gold, rows.pred, rows.matched) == (3, 3, 3)
    assert doc.tables["tasks/appendix"].rows.gold == 0


def test_pairs_by_alternate_source_and_reports_missing_document(tmp_path: Path) -> None:
    first, second = gold_document(), gold_document(file="102_bbbb.txt")
    pred = prediction_from_gold(first, "samples/renamed.pdf", ["samples/other.docx", f"samples/{GOLD_FILE}"])
    report = evaluate(*write_dirs(tmp_path, [first, second], [pred]))
    paired, missing = report.documents
    assert paired.pred_file is not None and paired.tables["targets"].rows.matched == 3
    assert missing.pred_file is None
    assert missing.tables["targets"].rows.recall == 0.0
    assert missing.metadata["province"].accuracy == 0.0
    overall = report.overall.tables["targets"].rows
    assert (overall.gold, overall.matched) == (6, 3)
    assert "MISSING" in format_report(report)


def test_metadata_accuracy(tmp_path: Path) -> None:
    gold = gold_document()
    pred = prediction_from_gold(gold, GOLD_FILE)
    pred["document"]["doc_number"] = None
    doc = run(tmp_path, gold, pred)
    assert doc.metadata["doc_number"].accuracy == 0.0
    assert doc.metadata["province"].accuracy == 1.0


def test_unpaired_prediction_is_listed(tmp_path: Path) -> None:
    gold = gold_document()
    stray = prediction_from_gold(gold, "samples/999_zzzz.txt")
    report: EvalReport = evaluate(*write_dirs(tmp_path, [gold], [stray]))
    assert report.documents[0].pred_file is None
    assert report.unpaired_predictions == ["json/sha-999_zzzz.json"]


def test_bad_directories_raise_value_error(tmp_path: Path) -> None:
    gold_dir, pred_dir = write_dirs(tmp_path, [gold_document()], [])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match=re.escape(str(empty))):
        evaluate(empty, pred_dir)
    with pytest.raises(ValueError, match=re.escape(str(tmp_path / "nowhere"))):
        evaluate(tmp_path / "nowhere", pred_dir)
    with pytest.raises(ValueError, match=re.escape(str(empty)) + ".*json/"):
        evaluate(gold_dir, empty)


def test_main_eval_prints_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = gold_document()
    dirs = write_dirs(tmp_path, [gold], [prediction_from_gold(gold, GOLD_FILE)])
    assert main_eval(*dirs) == 0
    out = capsys.readouterr().out
    assert out.index(GOLD_FILE) < out.index("OVERALL")
    assert "targets.indicator" in out


def test_review_flags_are_counted_over_all_rows(tmp_path: Path) -> None:
    gold = gold_document()
    gold["tasks"][0]["deadline"]["needs_review"] = True
    gold["tasks"][2]["deadline"]["needs_review"] = True
    pred = prediction_from_gold(gold, GOLD_FILE)
    pred["tasks"][0]["deadline"]["needs_review"] = False  # a missed flag
    pred["tasks"][1]["deadline"]["needs_review"] = True  # a false flag
    doc = run(tmp_path, gold, pred)
    flags = doc.tables["tasks/appendix"].review_flags
    assert (flags.gold, flags.pred, flags.matched) == (2, 2, 1)
    directives = doc.tables["tasks/directive"].review_flags
    assert (directives.gold, directives.pred, directives.matched) == (0, 0, 0)
    assert "deadlines flagged needs_review, all rows" in format_report(EvalReport(documents=[doc], overall=doc))
