"""Prose task lists (agency-section form) on a small plan written here: other agencies, dates and wording."""

from __future__ import annotations

from extractors.directives import extract_directives
from extractors.metadata import DocumentMetadata
from extractors.sections import find_task_section, read_agency_sections
from extractors.task_list import locate_task_list
from normalizers.agencies import AgencyNameChecks, default_resolver
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


NAMES = AgencyNameChecks(default_resolver(), "tỉnh")


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
    tasks = read_agency_sections(document, find_task_section(document), NAMES)
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
    sections = read_agency_sections(document, find_task_section(document), NAMES)
    directives = extract_directives(document, [find_task_section(document)])
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
    assert read_agency_sections(document, find_task_section(document), NAMES) == []


def _section_tasks(lines: list[str]):
    return locate_task_list(text_document(lines), NAMES, has_appendix_tasks=False).tasks


def test_a_section_is_found_by_its_structure_whatever_its_heading_says():
    lines = [
        "II. TRIỂN KHAI THỰC HIỆN",
        "1. Sở Công Thương",
        "- Phát triển thương mại điện tử gắn với định danh điện tử.",
        "+ Tiến độ: Quý I/2028.",
        "2. Sở Xây dựng",
        "- Số hóa hồ sơ cấp phép xây dựng.",
        "+ Cơ quan phối hợp: UBND các xã, phường.",
        "III. KINH PHÍ",
        "1. Sở Tài chính",
        "- Bố trí kinh phí theo phân cấp ngân sách.",
    ]
    tasks = _section_tasks(lines)
    assert [(t.group_title, t.task) for t in tasks] == [
        ("Sở Công Thương", "Phát triển thương mại điện tử gắn với định danh điện tử."),
        ("Sở Xây dựng", "Số hóa hồ sơ cấp phép xây dựng."),
    ]
    # a section of agency headings and bullets without a single labelled line is no task list
    assert _section_tasks(lines[7:]) == []


def test_lettered_tasks_with_dash_labels_and_a_lead_label():
    tasks = _section_tasks(
        [
            "III. PHÂN CÔNG NHIỆM VỤ",
            "**Đối với Sở Khoa học và Công nghệ**",
            "a) Nâng cấp nền tảng tích hợp, chia sẻ dữ liệu của tỉnh",
            "- Đơn vị phối hợp: Công an tỉnh.",
            "- Thời hạn hoàn thành: Tháng 11/2027.",
            "b) Hướng dẫn kết nối các hệ thống thông tin chuyên ngành",
            "- Cơ quan chủ trì: Sở Nội vụ.",
            "- Kết quả dự kiến: Văn bản hướng dẫn.",
            "**Đối với Ban Quản lý các khu công nghiệp**",
            "a) Triển khai mô hình kiểm soát ra vào bằng căn cước",
        ]
    )
    assert [(t.group, t.group_title, t.stt, t.lead) for t in tasks] == [
        ("1", "Sở Khoa học và Công nghệ", "1", "Sở Khoa học và Công nghệ"),
        ("1", "Sở Khoa học và Công nghệ", "2", "Sở Nội vụ"),
        ("2", "Ban Quản lý các khu công nghiệp", "1", "Ban Quản lý các khu công nghiệp"),
    ]
    assert tasks[0].fields == {"support": "Công an tỉnh.", "deadline": "Tháng 11/2027."}
    assert tasks[1].fields == {"output": "Văn bản hướng dẫn."}


def test_tasks_written_without_a_marker_are_found_by_their_labelled_lines():
    tasks = _section_tasks(
        [
            "IV. NHIỆM VỤ CỤ THỂ",
            "1. Sở Văn hóa, Thể thao và Du lịch",
            "Số hóa di sản văn hóa của tỉnh và kết nối với",
            "hệ thống dữ liệu quốc gia.",
            "Thời gian thực hiện: Năm 2028.",
            "Quảng bá du lịch trên nền tảng số.",
            "Sản phẩm: Trang thông tin du lịch thông minh.",
        ]
    )
    assert [(t.stt, t.task, t.fields) for t in tasks] == [
        ("1", "Số hóa di sản văn hóa của tỉnh và kết nối với hệ thống dữ liệu quốc gia.", {"deadline": "Năm 2028."}),
        ("2", "Quảng bá du lịch trên nền tảng số.", {"output": "Trang thông tin du lịch thông minh."}),
    ]


def test_model_blocks_before_agency_sections_in_letter_parts_are_all_read_in_order():
    tasks = _section_tasks(
        [
            "III. NHIỆM VỤ CỤ THỂ",
            "A. Các mô hình điểm",
            "Mô hình 1: Trường học không dùng tiền mặt",
            "- Thời gian hoàn thành: Tháng 9/2027.",
            "- Phân công nhiệm vụ: Sở Giáo dục và Đào tạo chủ trì.",
            "B. Nhiệm vụ của các cơ quan",
            "### 1. Sở Tài chính",
            "- Hướng dẫn thanh toán không dùng tiền mặt.",
            "+ Thời hạn: Quý III/2027.",
        ]
    )
    assert [(t.group_title, t.stt, t.task) for t in tasks] == [
        ("", "1", "Trường học không dùng tiền mặt"),
        ("Sở Tài chính", "1", "Hướng dẫn thanh toán không dùng tiền mặt."),
    ]
    assert [t.position for t in tasks] == [0, 1]
    assert "Sở Tài chính" not in " ".join(tasks[0].details.values())


def test_agency_headings_with_a_closing_note_and_symbol_bullets():
    tasks = _section_tasks(
        [
            "III. NHIỆM VỤ CỤ THỂ",
            "1. Công an tỉnh (cơ quan thường trực):",
            "● Tổ chức cấp căn cước cho người dân tại nơi cư trú.",
            "○ Thời hạn: Quý I/2028.",
            "● Hướng dẫn kích hoạt tài khoản định danh điện tử.",
        ]
    )
    assert [(t.group_title, t.stt, t.task, t.fields) for t in tasks] == [
        ("Công an tỉnh", "1", "Tổ chức cấp căn cước cho người dân tại nơi cư trú.", {"deadline": "Quý I/2028."}),
        ("Công an tỉnh", "2", "Hướng dẫn kích hoạt tài khoản định danh điện tử.", {}),
    ]
