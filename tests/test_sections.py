"""Prose task lists (agency-section form) on a small plan written here: other agencies, dates and wording."""

from __future__ import annotations

from extractors.directives import extract_directives
from extractors.metadata import DocumentMetadata
from extractors.sections import find_task_section, read_agency_sections
from normalizers.agencies import default_resolver
from pipeline.build import build_plan
from tests.conftest import text_document

PLAN = [
    "III. NHIỆM VỤ CHUNG",
    "",
    "- Hoàn thiện thể chế về dữ liệu số.",
    "",
    "IV. CÁC NHIỆM VỤ CỤ THỂ VÀ PHÂN CÔNG TRÁCH NHIỆM",
    "",
    "1. Sở Tư pháp",
    "",
    "Căn cứ chức năng, nhiệm vụ, Sở Tư pháp chủ động triển khai các nội dung sau:",
    "",
    "- Số hóa sổ hộ tịch và kết nối với Cơ sở dữ liệu quốc gia về dân cư;",
    "",
    "cập nhật dữ liệu hộ tịch điện tử hằng ngày.",
    "",
    "+ *Đơn vị phối hợp: Công an tỉnh, UBND cấp xã.*",
    "",
    "+ *Sản phẩm:* Cơ sở dữ liệu hộ tịch điện tử.",
    "",
    "+ Tiến độ: Hoàn thành trong Quý III/2027.",
    "",
    "- Gửi báo cáo về Công an tỉnh trước ngày 20/12/2027.",
    "",
    "2. Sở Y tế",
    "",
    "- Triển khai sổ sức khỏe điện tử.",
    "",
    "+ Tiến độ: Tháng 9/2027.",
    "",
    "2. Sở Giáo dục và Đào tạo",
    "",
    "- Triển khai học bạ số.",
    "",
    "3. Các sở, ban, ngành",
    "",
    "- Rà soát thủ tục hành chính của đơn vị.",
    "",
    "- Hội Nông dân tỉnh: Hướng dẫn hội viên sử dụng VNeID.",
    "",
    "V. TỔ CHỨC THỰC HIỆN",
    "",
    "- Các sở, ban, ngành gửi kế hoạch về Công an tỉnh trước ngày 30/7/2027.",
]


def _is_agency(text: str) -> bool:
    return default_resolver().names_only_agencies(text, jurisdiction="tỉnh")


def test_the_section_is_found_by_its_meaning_and_ends_at_the_next_roman_heading():
    document = text_document(PLAN)
    section = find_task_section(document)
    assert section is not None
    texts = [document.blocks[i].text for i in section]
    assert texts[0] == "1. Sở Tư pháp"
    assert "V. TỔ CHỨC THỰC HIỆN" not in texts
    assert find_task_section(text_document(["III. NHIỆM VỤ CHUNG", "- Một nhiệm vụ."])) is None


def test_agency_sections_give_one_task_per_bullet_with_labelled_lines():
    document = text_document(PLAN)
    tasks = read_agency_sections(document, find_task_section(document), _is_agency)
    assert [(t.group, t.group_title, t.stt, t.lead) for t in tasks] == [
        ("1", "Sở Tư pháp", "1", "Sở Tư pháp"),
        ("1", "Sở Tư pháp", "2", "Sở Tư pháp"),
        ("2", "Sở Y tế", "1", "Sở Y tế"),
        ("2", "Sở Giáo dục và Đào tạo", "1", "Sở Giáo dục và Đào tạo"),  # duplicate number kept
        ("3", "Các sở, ban, ngành", "1", "Các sở, ban, ngành"),
        ("3", "Các sở, ban, ngành", "2", "Hội Nông dân tỉnh"),  # the bullet names its own agency
    ]
    first = tasks[0]
    # the bullet broken across a page is joined; the heading's introduction is not a task
    assert first.task == (
        "Số hóa sổ hộ tịch và kết nối với Cơ sở dữ liệu quốc gia về dân cư; cập nhật dữ liệu hộ tịch điện tử hằng ngày."
    )
    # italic labels, with the label inside or outside the emphasis
    assert first.fields == {
        "support": "Công an tỉnh, UBND cấp xã.",
        "output": "Cơ sở dữ liệu hộ tịch điện tử.",
        "deadline": "Hoàn thành trong Quý III/2027.",
    }
    assert tasks[5].task == "Hướng dẫn hội viên sử dụng VNeID."
    assert tasks[1].fields == {}


def test_section_tasks_become_records_and_their_dates_are_not_directives():
    document = text_document(PLAN)
    sections = read_agency_sections(document, find_task_section(document), _is_agency)
    directives = extract_directives(document, find_task_section(document))
    meta = DocumentMetadata(province="Bắc Ninh", jurisdiction="tỉnh", doc_number="9/KH-UBND", period="2026-2030")
    plan = build_plan(document, meta, {"targets": [], "tasks": []}, directives, sections)
    section_tasks = [t for t in plan.tasks if t.source == "section"]
    assert len(section_tasks) == 6
    first = section_tasks[0]
    assert [ref.name for ref in first.lead] == ["Sở Tư pháp"]
    assert [ref.name for ref in first.support] == ["Công an tỉnh", "Ủy ban nhân dân các xã, phường"]
    assert (first.deadline.kind, first.deadline.due) == ("quarter", "2027-09-30")
    assert first.output == "Cơ sở dữ liệu hộ tịch điện tử."
    # a task without a timeline is unknown and flagged
    assert (section_tasks[1].deadline.kind, section_tasks[1].deadline.needs_review) == ("unknown", True)
    assert [ref.name for ref in section_tasks[5].lead] == ["Hội Nông dân tỉnh"]
    # the dated bullet inside the task list is a task, the one under "TỔ CHỨC THỰC HIỆN" a directive
    assert [t.deadline_raw for t in plan.tasks if t.source == "directive"] == ["trước ngày 30/7/2027"]
    assert len({t.task_id for t in plan.tasks}) == len(plan.tasks)


def test_a_section_of_non_agency_headings_gives_no_tasks():
    lines = [
        "II. CÁC NHIỆM VỤ CỤ THỂ VÀ PHÂN CÔNG TRÁCH NHIỆM",
        "1. Nhóm nhiệm vụ phát triển công dân số",
        "- Mục tiêu: 100% người dân có tài khoản định danh.",
        "III. TỔ CHỨC THỰC HIỆN",
    ]
    document = text_document(lines)
    assert read_agency_sections(document, find_task_section(document), _is_agency) == []
