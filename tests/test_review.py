"""The human review round trip: export → decide → import → rerun keeps the decisions."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from pipeline.cli import main
from pipeline.overrides import Override, apply_overrides, load_overrides, save_overrides
from pipeline.review import COLUMNS, export_review, import_review
from schemas.records import AgencyRef, DocumentRecord, PlanRecords, ReviewItem, TaskRecord

CONDITIONAL = "Sau khi Bộ Xây dựng có hướng dẫn"
UNKNOWN_AGENCY = "Ban Quản lý Dự án Cầu Vồng"
PLAN = f"""UBND TỈNH HÀ TĨNH

Số: 15/KH-UBND

Hà Tĩnh, ngày 10 tháng 3 năm 2026

## KẾ HOẠCH

### Triển khai chuyển đổi số giai đoạn 2026 - 2030 trên địa bàn tỉnh Hà Tĩnh

Thực hiện Quyết định số 1/QĐ-TTg ngày 02/01/2026 của Thủ tướng Chính phủ, UBND tỉnh ban hành Kế hoạch như sau:

**Phụ lục**
**DANH MỤC CÁC NHIỆM VỤ**

STT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian thực hiện\tKết quả, sản phẩm
<b>I</b>\t<b>Hạ tầng số</b>\t\t\t\t
1.\tXây dựng kho dữ liệu dùng chung\tSở Khoa học và Công nghệ\t{UNKNOWN_AGENCY}\t{CONDITIONAL}\tKho dữ liệu
2.\tRà soát hạ tầng mạng\tSở Tư pháp\tSở Y tế\tTháng 12/2026\tBáo cáo
"""


@pytest.fixture
def workspace(tmp_path: Path) -> dict[str, Path]:
    plan = tmp_path / "inbox" / "plan.txt"
    plan.parent.mkdir()
    plan.write_text(PLAN, encoding="utf-8")
    return {"plan": plan, "out": tmp_path / "out", "overrides": tmp_path / "state" / "overrides.json"}


def _run(ws: dict[str, Path]) -> int:
    return main(["run", str(ws["plan"]), "--out", str(ws["out"]), "--overrides", str(ws["overrides"])])


def _plan(ws: dict[str, Path]) -> PlanRecords:
    (path,) = (ws["out"] / "current" / "json").glob("*.json")
    return PlanRecords.model_validate_json(path.read_text(encoding="utf-8"))


def _first_task(ws: dict[str, Path]) -> TaskRecord:
    return next(task for task in _plan(ws).tasks if task.stt == "1")


def _manifest(ws: dict[str, Path]) -> dict:
    return json.loads((ws["out"] / "current" / "manifest.json").read_text(encoding="utf-8"))


def _fill_xlsx(path: Path, decide: dict[str, dict[str, object]]) -> None:
    """Fill the reviewer columns of the rows whose field is a key of ``decide``."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["review"]
    header = [cell.value for cell in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        values = decide.get(sheet.cell(row, header.index("field") + 1).value, {})
        for column, value in values.items():
            sheet.cell(row, header.index(column) + 1, value)
    workbook.save(path)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def test_round_trip_through_excel(workspace, capsys):
    ws = workspace
    assert _run(ws) == 0
    assert {(i.field, i.raw) for i in _plan(ws).review} == {("support", UNKNOWN_AGENCY), ("deadline", CONDITIONAL)}
    sheet_path = ws["out"].parent / "review.xlsx"
    assert main(["review", "export", "--dataset", str(ws["out"]), "--out", str(sheet_path)]) == 0

    sheet = openpyxl.load_workbook(sheet_path)["review"]
    header = [cell.value for cell in sheet[1]]
    assert header == list(COLUMNS) and sheet[1][0].font.bold and sheet.freeze_panes == "A2"
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 2
    deadline_row = next(row for row in rows if row["field"] == "deadline")
    assert deadline_row["document"] == "plan.txt" and deadline_row["province"] == "Hà Tĩnh"
    assert (deadline_row["record_type"], deadline_row["source"], deadline_row["stt"]) == ("task", "appendix", "1")
    assert deadline_row["text"] == "Xây dựng kho dữ liệu dùng chung" and deadline_row["decision"] is None
    lists = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert '"accept,correct"' in lists and any("conditional,milestones" in f for f in lists)

    _fill_xlsx(
        sheet_path,
        {
            # Excel turns a typed date into a date cell: the import must read it back as YYYY-MM-DD.
            "deadline": {"decision": "correct", "correct_kind": "date", "correct_due": dt.datetime(2026, 9, 30)},
            "support": {"decision": "accept", "note": "đơn vị mới thành lập"},
        },
    )
    assert main(["review", "import", str(sheet_path), "--overrides", str(ws["overrides"])]) == 0
    stored = load_overrides(ws["overrides"])
    assert [(o.field, o.decision) for o in stored] == [("deadline", "correct"), ("support", "accept")]
    assert stored[0].due == "2026-09-30" and stored[0].understood and stored[0].decided_at

    capsys.readouterr()
    assert _run(ws) == 0
    assert "2 override(s) applied, 0 stale" in capsys.readouterr().out
    task = _first_task(ws)
    assert (task.deadline.kind, task.deadline.due) == ("date", "2026-09-30")
    assert not task.deadline.needs_review and task.deadline.reasons == [] and task.reviewed
    assert [(r.raw, r.name, r.resolved) for r in task.support] == [(UNKNOWN_AGENCY, UNKNOWN_AGENCY, False)]
    assert _plan(ws).review == []
    assert not next(t for t in _plan(ws).tasks if t.stt == "2").reviewed
    assert _manifest(ws)["overrides_applied"] == 2 and _manifest(ws)["stale_overrides"] == []

    assert export_review(ws["out"], ws["out"].parent / "again.xlsx") == 0


def test_round_trip_through_csv(workspace):
    ws = workspace
    assert _run(ws) == 0
    sheet_path = ws["out"].parent / "review.csv"
    assert export_review(ws["out"], sheet_path) == 2
    assert sheet_path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _read_csv(sheet_path)
    for row in rows:
        if row["field"] == "support":
            row["correct_name"] = "Ban Quản lý các Khu công nghiệp tỉnh"  # no decision: counts as "correct"
        else:
            row["decision"] = "Accept"
    _write_csv(sheet_path, rows)
    result = import_review(sheet_path, ws["overrides"])
    assert (result.accepted, result.corrected, result.errors) == (1, 1, [])

    assert _run(ws) == 0
    task = _first_task(ws)
    assert task.reviewed
    assert (task.deadline.kind, task.deadline.needs_review) == ("conditional", False)
    assert task.deadline.condition  # accepted: what the machine understood is kept
    (ref,) = task.support
    assert (ref.raw, ref.name, ref.resolved) == (UNKNOWN_AGENCY, "Ban Quản lý các Khu công nghiệp tỉnh", True)
    assert ref.agency_id
    assert export_review(ws["out"], sheet_path) == 0
    assert _read_csv(sheet_path) == []


def test_stale_overrides_are_reported_and_kept(workspace, capsys):
    ws = workspace
    assert _run(ws) == 0
    sheet_path = ws["out"].parent / "review.csv"
    export_review(ws["out"], sheet_path)
    rows = _read_csv(sheet_path)
    for row in rows:
        row["decision"] = "accept"
    gone = {**rows[0], "record_id": "00000000000000000000"}
    _write_csv(sheet_path, [*rows, gone])
    assert import_review(sheet_path, ws["overrides"]).stored == 3
    before = ws["overrides"].read_text(encoding="utf-8")

    # The deadline cell is rewritten in the document: the decision on the old text no longer fits.
    ws["plan"].write_text(PLAN.replace(CONDITIONAL, "Theo hướng dẫn của Bộ Công an"), encoding="utf-8")
    capsys.readouterr()
    assert _run(ws) == 0
    printed = capsys.readouterr().out
    assert "1 override(s) applied, 2 stale" in printed
    assert "STALE override record_id=00000000000000000000" in printed and repr(CONDITIONAL) in printed
    stale = {(s["record_id"], s["field"], s["raw"]) for s in _manifest(ws)["stale_overrides"]}
    task = _first_task(ws)
    assert stale == {("00000000000000000000", gone["field"], gone["raw"]), (task.task_id, "deadline", CONDITIONAL)}
    assert task.deadline.needs_review  # the new text is asked about again
    assert [i.raw for i in _plan(ws).review] == ["Theo hướng dẫn của Bộ Công an"]
    assert ws["overrides"].read_text(encoding="utf-8") == before


def test_invalid_rows_are_reported_and_valid_rows_stored(workspace, capsys):
    ws = workspace
    assert _run(ws) == 0
    sheet_path = ws["out"].parent / "review.csv"
    export_review(ws["out"], sheet_path)
    agency, deadline = sorted(_read_csv(sheet_path), key=lambda row: row["field"] == "deadline")
    rows = [
        {**agency, "decision": "accept"},  # row 2: valid
        {**deadline, "decision": "maybe"},  # row 3
        {**deadline, "decision": "correct"},  # row 4: no kind
        {**deadline, "correct_kind": "date", "correct_due": "2026-02-30"},  # row 5: not a real date
        {**deadline, "correct_kind": "soon"},  # row 6
        {**agency, "decision": "correct"},  # row 7: no name
        {**deadline, "decision": "accept", "correct_name": "Sở Y tế"},  # row 8: name on a deadline row
        dict.fromkeys(COLUMNS, ""),  # empty row: skipped
    ]
    _write_csv(sheet_path, rows)
    assert main(["review", "import", str(sheet_path), "--overrides", str(ws["overrides"])]) == 1
    errors = capsys.readouterr().err
    for number, reason in (
        (3, "'maybe' is not one of"),
        (4, "needs correct_kind"),
        (5, "'2026-02-30' is not a real date"),
        (6, "'soon' is not one of"),
        (7, "needs correct_name"),
        (8, "correct_name does not apply to a deadline row"),
    ):
        assert f"review.csv: row {number}: " in errors and reason in errors
    assert "row 2" not in errors and "row 9" not in errors
    assert [(o.field, o.decision) for o in load_overrides(ws["overrides"])] == [("support", "accept")]


def test_missing_overrides_file_changes_nothing(workspace):
    ws = workspace
    assert _run(ws) == 0
    assert not ws["overrides"].exists()
    assert not any(task.reviewed for task in _plan(ws).tasks)
    assert len(_plan(ws).review) == 2
    assert _manifest(ws)["overrides_applied"] == 0 and _manifest(ws)["stale_overrides"] == []


def test_unreadable_overrides_file_is_a_clear_error(workspace, capsys):
    ws = workspace
    ws["overrides"].parent.mkdir()
    ws["overrides"].write_text('{"version": 1, "overrides": [', encoding="utf-8")
    assert _run(ws) == 2
    error = capsys.readouterr().err
    assert str(ws["overrides"]) in error and "not valid JSON" in error
    assert not ws["out"].exists()
    ws["overrides"].write_text(json.dumps({"version": 1, "overrides": [{"record_id": "x"}]}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"overrides\.json: override #1: .*field"):
        load_overrides(ws["overrides"])


def test_unsupported_sheet_type_is_refused(workspace):
    with pytest.raises(ValueError, match=r"review\.ods: unsupported .*\.xlsx or \.csv"):
        export_review(workspace["out"], workspace["out"] / "review.ods")


def _directive_plan() -> PlanRecords:
    doc = DocumentRecord(
        doc_id="d" * 64,
        plan_key="k",
        source_path="plan.txt",
        source_format="text",
        province="Hà Tĩnh",
        jurisdiction="tỉnh",
    )
    task = TaskRecord(
        task_id="t1",
        doc_id=doc.doc_id,
        source="directive",
        task="Rà soát dữ liệu.",
        support=[AgencyRef(raw="Sở Tư pháp (cũ)", name="Sở Tư pháp", resolved=True, agency_id="so-tu-phap")],
    )
    review = [
        ReviewItem(doc_id=doc.doc_id, record_id="t1", field="lead", raw="", understood="", reason="no agency"),
        ReviewItem(
            doc_id=doc.doc_id, record_id="t1", field="support", raw="Sở Tư pháp (cũ)", understood="", reason="?"
        ),
    ]
    return PlanRecords(document=doc, tasks=[task], review=review)


def _override(field: str, raw: str, name: str) -> Override:
    return Override(
        record_id="t1", field=field, raw=raw, subject="agency", decision="correct", name=name, decided_at="2026-01-01"
    )


def test_agency_corrections_add_a_missing_lead_and_keep_unknown_names(tmp_path):
    overrides = [_override("lead", "", "Sở Y tế"), _override("support", "Sở Tư pháp (cũ)", "Tổ công tác đặc biệt")]
    path = tmp_path / "overrides.json"
    save_overrides(path, reversed(overrides))
    assert [o.key for o in load_overrides(path)] == sorted(o.key for o in overrides)

    (plan,), stale = apply_overrides([_directive_plan()], load_overrides(path))
    assert stale == [] and plan.review == []
    (task,) = plan.tasks
    assert task.reviewed
    assert [(r.name, r.resolved, r.agency_id) for r in task.lead] == [("Sở Y tế", True, "so-y-te")]
    (support,) = task.support
    assert (support.raw, support.name, support.resolved, support.agency_id) == (
        "Sở Tư pháp (cũ)",
        "Tổ công tác đặc biệt",
        False,
        None,
    )
    # Once the machine finds a lead by itself, the decision on the empty lead no longer fits.
    found = _directive_plan()
    found.tasks[0].lead.append(AgencyRef(raw="Sở Y tế", name="Sở Y tế"))
    _, stale = apply_overrides([found], overrides[:1])
    assert [s.override.key for s in stale] == [("t1", "lead", "")]
