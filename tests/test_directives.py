"""Dated directives in a plan's body, on a small plan written here (other agencies and dates than the samples)."""

from __future__ import annotations

from extractors.directives import extract_directives, is_timeline_line
from extractors.layout import strip_numbering
from extractors.metadata import DocumentMetadata
from pipeline.build import build_plan
from tests.conftest import text_document

BODY = [
    "V. TỔ CHỨC THỰC HIỆN",
    "",
    "1. Sở Tài chính, Sở Nội vụ căn cứ Kế hoạch này tham mưu bố trí kinh phí; gửi dự toán về Ủy ban nhân dân "
    "tỉnh chậm nhất ngày 20/8/2027 để tổng hợp.",
    "",
    "2. Các Sở, ban, ngành, địa phương",
    "",
    "- Xây dựng kế hoạch chi tiết của đơn vị; gửi về Công an tỉnh trước ngày 15/7/2027 để theo dõi.",
    "",
    "- Định kỳ trước ngày 20 hàng tháng báo cáo kết quả thực hiện về Công an tỉnh.",
    "",
    "- Định kỳ hằng năm tổ chức sơ kết, rút kinh nghiệm.",
    "",
    "3. Chế độ báo cáo",
    "",
    "- Định kỳ trước ngày 5 hằng tháng, các cơ quan, đơn vị gửi báo cáo về Văn phòng UBND tỉnh.",
    "",
    "- Trên cơ sở Kế hoạch này, gửi báo cáo đánh giá trước ngày 30/11/2027.",
    "",
    "+ Tiến độ: Báo cáo trước ngày 10 hằng tháng.",
    "",
    "Thực hiện Quyết định số 15/QĐ-UBND ngày 02/3/2027 của Ủy ban nhân dân tỉnh.",
]


def test_body_sentences_with_a_due_cue_are_directives():
    directives = extract_directives(text_document(BODY))
    assert [(item.deadline_raw, item.heading) for item in directives] == [
        ("chậm nhất ngày 20/8/2027", "TỔ CHỨC THỰC HIỆN"),
        ("trước ngày 15/7/2027", "Các Sở, ban, ngành, địa phương"),
        ("trước ngày 20 hàng tháng", "Các Sở, ban, ngành, địa phương"),
        ("trước ngày 5 hằng tháng", "Chế độ báo cáo"),
        ("trước ngày 30/11/2027", "Chế độ báo cáo"),
    ]
    assert directives[0].text.startswith("Sở Tài chính, Sở Nội vụ căn cứ")
    assert directives[2].text == "Định kỳ trước ngày 20 hàng tháng báo cáo kết quả thực hiện về Công an tỉnh."
    assert [item.position for item in directives] == [0, 1, 2, 3, 4]


def test_only_the_sentence_holding_the_cue_is_kept():
    lines = ["Các xã tổ chức tuyên truyền. Ủy ban nhân dân cấp xã báo cáo trước ngày 10/10/2027. Kết thúc."]
    (directive,) = extract_directives(text_document(lines))
    assert directive.text == "Ủy ban nhân dân cấp xã báo cáo trước ngày 10/10/2027."


def test_timeline_lines_and_markers():
    assert is_timeline_line("+ Tiến độ: Quý II/2027")
    assert is_timeline_line("- Thời gian hoàn thành: 30/9/2027")
    assert not is_timeline_line("- Gửi báo cáo trước ngày 30/9/2027")
    assert strip_numbering("2.1. Sở Y tế") == "Sở Y tế"
    assert strip_numbering("b) Các xã") == "Các xã"
    assert strip_numbering("- Định kỳ") == "Định kỳ"


def test_directive_tasks_name_who_acts_from_the_sentence_or_its_heading():
    meta = DocumentMetadata(province="Quảng Trị", jurisdiction="tỉnh", doc_number="7/KH-UBND", period="2026-2030")
    plan = build_plan(text_document(BODY), meta, {"targets": [], "tasks": []}, extract_directives(text_document(BODY)))
    tasks = plan.tasks
    assert {task.source for task in tasks} == {"directive"}
    leads = [[ref.name for ref in task.lead] for task in tasks]
    assert leads == [
        ["Sở Tài chính", "Sở Nội vụ"],
        ["Các sở, ban, ngành", "Ủy ban nhân dân các xã, phường"],
        ["Các sở, ban, ngành", "Ủy ban nhân dân các xã, phường"],
        ["Các cơ quan, đơn vị có liên quan"],
        [],
    ]
    assert [(task.deadline.kind, task.deadline.due, task.deadline.needs_review) for task in tasks] == [
        ("date", "2027-08-20", False),
        ("date", "2027-07-15", False),
        ("recurring", None, False),
        ("recurring", None, False),
        ("date", "2027-11-30", False),
    ]
    assert tasks[2].deadline.recurrence is not None and tasks[2].deadline.recurrence.day == 20
    assert len({task.task_id for task in tasks}) == 5
    # nobody named: the person reviewing is asked who must act
    flagged = [item for item in plan.review if item.record_id == tasks[4].task_id]
    assert [(item.field, item.reason) for item in flagged] == [
        ("lead", "no responsible agency found in the sentence or its heading")
    ]
