"""Prose task lists, model form, on a small plan written here: other groups, agencies, dates and wording."""

from __future__ import annotations

from extractors.metadata import DocumentMetadata
from extractors.sections import find_task_section
from extractors.task_list import locate_task_list
from extractors.task_units import TEXT_KEY, read_task_units, unit_heading
from normalizers.agencies import AgencyNameChecks, default_resolver
from pipeline.build import build_plan
from tests.conftest import text_document

PLAN = [
    "I. MỤC ĐÍCH, YÊU CẦU",
    "",
    "1. Mục đích",
    "",
    "- Số hóa dịch vụ y tế và giáo dục trên địa bàn tỉnh.",
    "",
    "II. NHIỆM VỤ CỤ THỂ VÀ PHÂN CÔNG THỰC HIỆN",
    "",
    "1. Nhóm nhiệm vụ số hóa dịch vụ y tế",
    "(gồm 02 dự án)",
    "",
    "a) Dự án 1: Sổ sức khỏe điện tử cho người cao tuổi",
    "",
    "- **Mục tiêu:** 90% người cao tuổi có sổ sức khỏe điện tử",
    "",
    "liên thông với ứng dụng VNeID.",
    "",
    "- **Phân công nhiệm vụ:**",
    "",
    "+ Sở Y tế chủ trì, phối hợp với Bảo hiểm xã hội tỉnh và các cơ sở y tế tạo lập dữ liệu"
    " theo hướng dẫn của Bộ Y tế.",
    "",
    "+ Công an tỉnh phối hợp xác thực thông tin công dân; Sở Tài chính bố trí kinh phí.",
    "",
    "- Lực lượng triển khai:",
    "",
    "+ Trạm y tế cấp xã.",
    "",
    "+ Tổ công nghệ số cộng đồng.",
    "",
    "- Thời gian hoàn thành:",
    "",
    "+ *Đối với các bệnh viện tuyến tỉnh:* 31/3/2028.",
    "",
    "+ *Đối với trạm y tế cấp xã:* 30/9/2028.",
    "",
    "b) Dự án 2: Thanh toán viện phí không dùng tiền mặt",
    "",
    "Thực hiện theo lộ trình của Bộ Y tế.",
    "",
    "2. Nhóm nhiệm vụ giáo dục số (gồm 01 dự án)",
    "",
    "Dự án 3: Học bạ số",
    "",
    "- Mục tiêu: 100% trường phổ thông dùng học bạ số.",
    "",
    "- Phân công nhiệm vụ: Sở Giáo dục và Đào tạo chủ trì triển khai tại các trường phổ thông.",
    "",
    "- Thời gian hoàn thành: 31/12/2027.",
    "",
    "- Địa điểm triển khai: Các trường trung học phổ thông.",
    "",
    "1. Bước một: rà soát danh sách trường.",
    "",
    "III. TỔ CHỨC THỰC HIỆN",
    "",
    "1. Sở Y tế báo cáo kết quả về Ủy ban nhân dân tỉnh trước ngày 15/01/2029.",
]


NAMES = AgencyNameChecks(default_resolver(), "tỉnh")


def _tasks():
    document = text_document(PLAN)
    return read_task_units(document, find_task_section(document))


def test_unit_headings_with_and_without_a_letter():
    assert unit_heading("c) Mô hình 12: Kiosk tự phục vụ") == ("12", "Kiosk tự phục vụ")
    assert unit_heading("Nhiệm vụ 4. Camera giám sát") == ("4", "Camera giám sát")
    assert unit_heading("1. Nhóm nhiệm vụ truyền thông") is None
    assert unit_heading("- Mục tiêu: Mô hình 2: x") is None


def test_one_task_per_unit_with_group_stt_and_title():
    tasks = _tasks()
    assert [(t.group, t.stt, t.task) for t in tasks] == [
        ("1", "1", "Sổ sức khỏe điện tử cho người cao tuổi"),
        ("1", "2", "Thanh toán viện phí không dùng tiền mặt"),
        ("2", "3", "Học bạ số"),
    ]
    # the count note is dropped, whether on its own line or in the heading
    assert [t.group_title for t in tasks] == [
        "Nhóm nhiệm vụ số hóa dịch vụ y tế",
        "Nhóm nhiệm vụ số hóa dịch vụ y tế",
        "Nhóm nhiệm vụ giáo dục số",
    ]


def test_labelled_parts_bold_or_not_and_broken_across_lines():
    first, _, third = _tasks()
    assert first.fields["output"] == "90% người cao tuổi có sổ sức khỏe điện tử liên thông với ứng dụng VNeID."
    assert third.fields["output"] == "100% trường phổ thông dùng học bạ số."
    assert first.details["Mục tiêu"] == first.fields["output"]
    assert first.details["Lực lượng triển khai"] == "Trạm y tế cấp xã.; Tổ công nghệ số cộng đồng."
    assert third.details["Địa điểm triển khai"].startswith("Các trường trung học phổ thông.")


def test_multi_date_completion_time_joins_its_sub_lines():
    first, _, third = _tasks()
    expected = "Đối với các bệnh viện tuyến tỉnh: 31/3/2028.; Đối với trạm y tế cấp xã: 30/9/2028."
    assert first.fields["deadline"] == expected
    assert third.fields["deadline"] == "31/12/2027."


def test_assignment_sentences_inline_or_one_per_line():
    first, second, third = _tasks()
    assert first.assignment is not None and len(first.assignment) == 2
    assert first.assignment[1].startswith("Công an tỉnh phối hợp")
    assert third.assignment == ["Sở Giáo dục và Đào tạo chủ trì triển khai tại các trường phổ thông."]
    assert second.assignment == []
    assert second.details == {TEXT_KEY: "Thực hiện theo lộ trình của Bộ Y tế."}
    assert "deadline" not in second.fields


def test_a_numbered_line_inside_a_unit_is_not_a_group():
    third = _tasks()[2]
    assert third.group == "2"
    assert "rà soát danh sách trường" in third.details["Địa điểm triển khai"]


def test_form_detection():
    document = text_document(PLAN)
    assert locate_task_list(document, NAMES, has_appendix_tasks=False).forms == ("task_units",)
    assert locate_task_list(document, NAMES, has_appendix_tasks=True).forms == ("appendix",)
    agency_form = text_document(["II. NHIỆM VỤ CỤ THỂ", "", "1. Sở Y tế", "", "- Triển khai bệnh án điện tử."])
    assert locate_task_list(agency_form, NAMES, has_appendix_tasks=False).forms == ("agency_sections",)
    no_list = text_document(["I. MỤC ĐÍCH", "", "- Nâng cao nhận thức.", "", "II. TỔ CHỨC THỰC HIỆN", "", "- Báo cáo."])
    found = locate_task_list(no_list, NAMES, has_appendix_tasks=False)
    assert found.forms == () and found.tasks == []


def test_model_form_records_take_lead_and_support_from_the_sentences():
    document = text_document(PLAN)
    sections = locate_task_list(document, NAMES, has_appendix_tasks=False).tasks
    meta = DocumentMetadata(province="Bắc Ninh", jurisdiction="tỉnh", period="2026-2030", issued_date="2026-05-04")
    plan = build_plan(document, meta, {"targets": [], "tasks": []}, [], sections)
    first, second, third = (t for t in plan.tasks if t.source == "section")
    assert [r.name for r in first.lead] == ["Sở Y tế", "Sở Tài chính"]
    assert [r.name for r in first.support] == ["Bảo hiểm xã hội tỉnh", "Các cơ sở y tế", "Công an tỉnh"]
    assert "Bộ Y tế" not in {r.name for r in first.lead + first.support}  # only the issuer of guidance
    assert (first.deadline.kind, first.deadline.due, first.deadline.needs_review) == ("milestones", "2028-09-30", False)
    assert first.details["Lực lượng triển khai"].startswith("Trạm y tế cấp xã.")
    assert [r.name for r in third.lead] == ["Sở Giáo dục và Đào tạo"] and third.support == []
    # a unit that names nobody and no date: empty lead, unknown deadline, both queued for a person
    assert second.lead == [] and second.deadline.kind == "unknown" and second.deadline.needs_review
    queued = {(item.record_id, item.field) for item in plan.review}
    assert {(second.task_id, "lead"), (second.task_id, "deadline")} <= queued
    assert all(item.subject != "document" for item in plan.review)


def test_a_title_broken_across_lines_is_joined_and_nothing_outside_the_section_is_read():
    document = text_document(
        [
            "Mô hình 9: Không phải nhiệm vụ (trước mục nhiệm vụ)",
            "II. CÁC NHIỆM VỤ CỤ THỂ VÀ PHÂN CÔNG TRÁCH NHIỆM",
            "3. Nhóm nhiệm vụ nông nghiệp số",
            "a) Mô hình 7: Truy xuất nguồn gốc nông sản",
            "bằng mã QR",
            "- Thời gian hoàn thành: Quý II/2027.",
            "III. TỔ CHỨC THỰC HIỆN",
            "Mô hình 8: Không phải nhiệm vụ (sau mục nhiệm vụ)",
        ]
    )
    (task,) = read_task_units(document, find_task_section(document))
    assert (task.group, task.stt, task.task) == ("3", "7", "Truy xuất nguồn gốc nông sản bằng mã QR")
    assert task.fields == {"deadline": "Quý II/2027."}
    assert read_task_units(document, None) == []
