"""Completeness checks (extractors/completeness.py) on small plans written here, and the policy around them:
review rows, acceptance, plans held back from publishing, the quality gate and the summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import summary_table
from pipeline.documents import process_file
from pipeline.quality import check_tables, run_quality_gate
from pipeline.review import export_review, import_review
from pipeline.run import run
from schemas.records import PlanRecords
from tests.plan_forms import sample_plan, write_docx
from tests.test_review import _fill_xlsx

HEADER = "TT\tNội dung nhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời hạn"


def _plan(tmp_path: Path, body: list[str], name: str = "plan.txt") -> PlanRecords:
    lines = [
        "ỦY BAN NHÂN DÂN TỈNH LÀO CAI",
        "",
        "Số: 61/KH-UBND",
        "",
        "Lào Cai, ngày 08 tháng 6 năm 2027",
        "",
        "## KẾ HOẠCH",
        "",
        "### Phát triển công dân số năm 2027",
        "",
        *body,
    ]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return process_file(path)


def _task(number: str, text: str) -> str:
    return f"{number}\t{text}\tSở Xây dựng\tCông an tỉnh\tQuý IV/2027"


def _messages(plan: PlanRecords) -> list[tuple[str, str, str]]:
    return [(f.kind, f.severity, f.message) for f in plan.document.completeness]


def test_a_gap_and_a_repeat_in_an_appendix_table(tmp_path: Path):
    plan = _plan(
        tmp_path,
        [
            "Các nhiệm vụ cụ thể tại Phụ lục II kèm theo.",
            "",
            "**Phụ lục II**",
            "",
            HEADER,
            "I\tHạ tầng số",
            _task("1.", "Lắp đặt điểm truy cập công cộng"),
            _task("2.", "Nâng cấp đường truyền xã"),
            _task("5.", "Số hóa bản đồ quy hoạch"),
            _task("6.", "Cập nhật dữ liệu địa chỉ số"),
            "II\tCông dân số",
            _task("1.", "Hướng dẫn cài đặt VNeID"),
            _task("2.", "Mở lớp kỹ năng số"),
            _task("2.", "Tuyên truyền trên loa xã"),
        ],
    )
    assert _messages(plan) == [
        ("numbering_gap", "incomplete", "Phụ lục II, nhóm I: thiếu STT 3, 4"),
        ("numbering_repeat", "review", "Phụ lục II, nhóm II: STT 2 lặp lại"),
    ]
    assert plan.document.complete is False
    gap, repeat = plan.document.completeness
    assert (gap.where, gap.group, gap.numbers) == ("Phụ lục II", "I", ["3", "4"])
    rows = [(item.field, item.raw) for item in plan.review if item.subject == "document"]
    assert rows == [("completeness", gap.key), ("completeness", repeat.key)]


def test_a_missing_group_and_a_run_that_starts_again(tmp_path: Path):
    plan = _plan(
        tmp_path,
        [
            HEADER,
            "I\tHạ tầng số",
            _task("1.", "Lắp đặt điểm truy cập công cộng"),
            _task("2.", "Nâng cấp đường truyền xã"),
            _task("1.", "Hướng dẫn cài đặt VNeID"),
            "III\tKinh tế số",
            _task("1.", "Đưa nông sản lên sàn thương mại điện tử"),
        ],
    )
    assert _messages(plan) == [
        ("numbering_restart", "review", "Bảng nhiệm vụ, nhóm I: STT đánh số lại từ 1"),
        ("group_gap", "incomplete", "Bảng nhiệm vụ: thiếu nhóm II"),
    ]


def test_a_complete_table_gives_no_finding(tmp_path: Path):
    plan = _plan(
        tmp_path,
        [
            "Chi tiết nhiệm vụ tại Phụ lục 02 kèm theo Kế hoạch này.",
            "",
            "PHỤ LỤC 02",
            "",
            HEADER,
            _task("1.", "Lắp đặt điểm truy cập công cộng"),
            _task("2.", "Nâng cấp đường truyền xã"),
        ],
    )
    assert plan.document.completeness == [] and plan.document.complete


def test_an_appendix_referred_to_but_not_read_is_critical(tmp_path: Path):
    plan = _plan(
        tmp_path,
        [
            "Các chỉ tiêu cụ thể tại Phụ lục I; các nhiệm vụ tại Phụ lục II; danh sách thành viên tại Phụ lục III.",
            "",
            "**Phụ lục II**",
            "",
            HEADER,
            _task("1.", "Lắp đặt điểm truy cập công cộng"),
        ],
    )
    # Phụ lục I (targets) is not in the file; Phụ lục III holds neither targets nor tasks: no finding for it.
    assert _messages(plan) == [
        ("missing_appendix", "critical", "Phụ lục I được nhắc tới trong văn bản nhưng không đọc được dòng nào"),
    ]


def test_another_documents_appendix_is_not_required(tmp_path: Path):
    plan = _plan(
        tmp_path,
        [
            "Thực hiện các nhiệm vụ tại Phụ lục I ban hành kèm theo Quyết định số 826/QĐ-TTg của Thủ tướng;",
            "các chỉ tiêu theo Phụ lục 2 của Nghị định 47/2024/NĐ-CP.",
            "",
            HEADER,
            _task("1.", "Lắp đặt điểm truy cập công cộng"),
        ],
    )
    assert plan.document.completeness == []


def test_an_appendix_whose_table_was_not_recognised_is_critical(tmp_path: Path):
    plan = _plan(
        tmp_path,
        [
            "Các nhiệm vụ cụ thể tại Phụ lục I kèm theo.",
            "",
            "Phụ lục I",
            "DANH MỤC NHIỆM VỤ",
            "",
            "1. Lắp đặt điểm truy cập công cộng - Sở Xây dựng - Quý IV/2027",
        ],
    )
    kinds = [(f.kind, f.where) for f in plan.document.completeness]
    assert kinds == [("missing_appendix", "Phụ lục I"), ("no_tasks", "Kế hoạch")]


def test_stated_counts_against_the_models_read(tmp_path: Path):
    plan = _plan(
        tmp_path,
        [
            "II. NHIỆM VỤ CỤ THỂ",
            "",
            "1. Nhóm mô hình về y tế số (bao gồm 03 mô hình)",
            "",
            "a) Mô hình 1: Bệnh án điện tử",
            "",
            "- Thời gian hoàn thành: Tháng 10/2027.",
            "",
            "b) Mô hình 2: Sổ sức khỏe điện tử",
            "",
            "- Thời gian hoàn thành: Tháng 11/2027.",
            "",
            "2. Nhóm mô hình về giáo dục số",
            "",
            "(gồm 01 mô hình)",
            "",
            "a) Mô hình 3: Học bạ số",
            "",
            "- Thời gian hoàn thành: Tháng 12/2027.",
        ],
    )
    assert _messages(plan) == [
        ("count_mismatch", "incomplete", "Phần mô hình, nhiệm vụ, nhóm 1: văn bản ghi 3 mô hình, đọc được 2"),
    ]


def test_a_duplicate_agency_heading_number_is_a_review_item_only(tmp_path: Path):
    plan = _plan(
        tmp_path,
        [
            "II. PHÂN CÔNG NHIỆM VỤ",
            "1. Sở Công Thương",
            "- Phát triển thương mại điện tử.",
            "+ Thời hạn: Năm 2027.",
            "1. Sở Xây dựng",
            "- Số hóa hồ sơ cấp phép.",
            "3. Sở Tài chính",
            "- Bố trí kinh phí.",
        ],
    )
    assert _messages(plan) == [
        ("group_gap", "incomplete", "Phần phân công nhiệm vụ: thiếu nhóm 2"),
        ("group_repeat", "review", "Phần phân công nhiệm vụ: nhóm 1 lặp lại"),
    ]


@pytest.mark.parametrize("name", ["001_2a6cb017d1367f38", "003_2c7d1cbd11e56921", "004_d98a9970fb61dbc6"])
@pytest.mark.parametrize("suffix", [".txt", ".docx", ".pdf"])
def test_the_samples_are_complete_with_only_the_repeats_they_print(name: str, suffix: str):
    plan = process_file(Path(__file__).resolve().parent.parent / "samples" / f"{name}{suffix}")
    assert plan.document.complete
    assert all(f.severity == "review" and f.kind.endswith("repeat") for f in plan.document.completeness)


# -- a plan not in the samples, with rows or an appendix taken out ---------------------------------------


def _without(rows: list[list[str]], stt: str, group: str) -> list[list[str]]:
    """The rows without the one numbered ``stt`` in group ``group``."""
    out, current = [], None
    for row in rows:
        if len(row) == 2:
            current = row[0]
        elif current == group and row[0] == stt:
            continue
        out.append(row)
    return out


def test_the_docx_plan_with_a_row_or_an_appendix_removed_says_what_is_missing(tmp_path: Path):
    whole = sample_plan()
    assert process_file(write_docx(whole, tmp_path / "whole.docx")).document.complete
    targets, tasks = whole.tables
    fewer = type(whole)(whole.preamble, [targets, type(tasks)(tasks.title, tasks.header, tasks.widths,
                                                                _without(tasks.rows, "2.", "II"))])  # fmt: skip
    read = process_file(write_docx(fewer, tmp_path / "fewer.docx")).document
    assert not read.complete and [f.message for f in read.completeness] == ["Phụ lục II, nhóm II: thiếu STT 2"]
    no_targets = type(whole)(whole.preamble, [tasks])
    read = process_file(write_docx(no_targets, tmp_path / "no-targets.docx")).document
    assert [(f.kind, f.where) for f in read.completeness] == [("missing_appendix", "Phụ lục I")]


# -- review, acceptance, publishing ------------------------------------------------------------------------


def test_a_plan_missing_an_appendix_is_held_back_until_a_person_accepts_it(tmp_path: Path):
    inbox, out, overrides = tmp_path / "inbox", tmp_path / "out", tmp_path / "state" / "overrides.json"
    inbox.mkdir()
    plan = sample_plan()
    write_docx(plan, inbox / "whole.docx")
    missing = type(plan)(
        [line.replace("188/KH-UBND", "190/KH-UBND") for line in plan.preamble], [plan.tables[1]]
    )  # another plan (another number) whose Phụ lục I is not in the file
    write_docx(missing, inbox / "missing.docx")

    result = run([inbox], out, overrides=overrides)
    assert result.published
    assert [Path(p.document.source_path).name for p in result.plans] == ["whole.docx"]
    assert [Path(p.document.source_path).name for p in result.held_back] == ["missing.docx"]
    manifest = json.loads((out / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["held_back"][0]["completeness"][0]["kind"] == "missing_appendix"
    assert manifest["plans"][0]["complete"] is True
    assert "HELD BACK" in summary_table(result) and "missing.docx" in summary_table(result)

    sheet = tmp_path / "review.xlsx"
    export_review(out, sheet)
    _fill_xlsx(sheet, {"completeness": {"decision": "accept", "note": "Phụ lục I ban hành riêng"}})
    assert import_review(sheet, overrides).stored == 1
    rerun = run([inbox], out, overrides=overrides)
    assert rerun.held_back == [] and len(rerun.plans) == 2 and rerun.stale_overrides == []
    accepted = next(p for p in rerun.plans if p.document.source_path.endswith("missing.docx")).document
    assert accepted.complete and accepted.completeness[0].accepted
    assert rerun.warnings == []


def test_the_gate_lists_incomplete_plans_by_name(tmp_path: Path):
    plan = _plan(tmp_path, [HEADER, "I\tHạ tầng số", _task("1.", "Lắp đặt"), _task("3.", "Số hóa")], "ha-giang.txt")
    report = run_quality_gate(check_tables([plan], {}), tmp_path / "run")
    assert report.passed  # warnings only: an incomplete plan publishes, said loudly
    warned = {(r.table, r.description): r.unexpected_examples for r in report.warnings}
    assert warned[("completeness", "no plan has an open numbering_gap finding")] == ["ha-giang.txt"]
    assert ("documents", "at least 90% of the plans are complete") in warned


def test_numbered_rows_of_a_table_no_header_was_recognised_for_are_a_finding(tmp_path: Path):
    plan = _plan(
        tmp_path,
        [
            "Các nhiệm vụ cụ thể như sau:",
            "",
            "Số\tCông việc\tNgười làm\tHạn",
            "1\tLắp đặt điểm truy cập công cộng\tSở Xây dựng\tQuý IV/2027",
            "2\tNâng cấp đường truyền xã\tSở Xây dựng\tQuý IV/2027",
            "",
            "ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        ],
    )
    (finding,) = [f for f in plan.document.completeness if f.kind == "unread_rows"]
    assert finding.message == (
        "Bảng ở dòng 13: 2 dòng đánh số (STT 1, 2) không đọc được: không nhận ra tiêu đề cột của bảng"
    )
    assert finding.severity == "incomplete" and not plan.document.complete
