"""One small plan (tests/plan_forms.py, not a sample) as text and Markdown exports gives the records of its DOCX.

The exports are written the ways converters and copy-paste write them: tab-separated pieces split by page breaks
with ragged rows and inline HTML, and Markdown pipe tables with merged header cells in both usual forms.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractors.tables import find_appendix_tables
from extractors.text_reader import TextReader
from pipeline.documents import process_file
from schemas.records import PlanRecords
from tests.plan_forms import (
    MARKDOWN_FORMS,
    Style,
    comparable_records,
    sample_plan,
    write_docx,
    write_markdown,
    write_pdf,
    write_tab_text,
)
from tests.prose_forms import PROSE_FORMS, PROSE_PLAN, write_prose


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("text-forms")
    from_docx = comparable_records(process_file(write_docx(sample_plan(repeat_tasks=3), folder / "plan.docx")))
    assert len(from_docx["targets"]) == 5 and len(from_docx["tasks"]) == 15
    return folder, from_docx


@pytest.mark.parametrize("messy", [False, True], ids=["tabs", "tabs-messy"])
def test_a_tab_text_export_split_by_page_breaks_gives_the_records_of_the_docx(forms, messy: bool):
    folder, from_docx = forms
    path = write_tab_text(sample_plan(repeat_tasks=3), folder / f"plan-{messy}.txt", messy=messy)
    assert comparable_records(process_file(path)) == from_docx


@pytest.mark.parametrize("form", MARKDOWN_FORMS)
@pytest.mark.parametrize("suffix", [".md", ".markdown"])
def test_a_markdown_export_gives_the_records_of_the_docx(forms, form: str, suffix: str):
    folder, from_docx = forms
    path = write_markdown(sample_plan(repeat_tasks=3), folder / f"plan-{form}{suffix}", form)
    assert comparable_records(process_file(path)) == from_docx


def _tables(tmp_path: Path, lines: list[str], suffix: str = ".md") -> list[Any]:
    path = tmp_path / f"t{suffix}"
    path.write_text("\n".join(lines), encoding="utf-8")
    return find_appendix_tables(TextReader(path).convert())


def test_pipe_cells_keep_escaped_pipes_and_lose_markup(tmp_path: Path):
    [table] = _tables(
        tmp_path,
        [
            "STT | Nội dung công việc | Đơn vị chủ trì | Thời gian",
            ":---: | --- | --- | ---",
            "1 | Ban hành quy trình A \\| B<br>theo mẫu | **Sở Công Thương** | Quý I/2028",
            "2 | Cập nhật <span style='color:red'>dữ liệu</span> &amp; báo cáo | *Sở Xây dựng* | 2028",
        ],
    )
    assert table.kind == "tasks"
    assert [row.texts for row in table.rows] == [
        ["1", "Ban hành quy trình A | B theo mẫu", "Sở Công Thương", "Quý I/2028"],
        ["2", "Cập nhật dữ liệu & báo cáo", "Sở Xây dựng", "2028"],
    ]


def test_a_short_second_header_line_goes_under_its_spanning_title(tmp_path: Path):
    [table] = _tables(
        tmp_path,
        [
            "| TT | Chỉ tiêu | Kế hoạch | | | Đơn vị theo dõi |",
            "| --- | --- | --- | --- | --- | --- |",
            "| Năm 2027 | Năm 2028 | Năm 2029 |",
            "| 1 | Tỷ lệ hồ sơ số hóa | 40 | 60 | 80 | Sở Nội vụ |",
        ],
    )
    assert table.years == {2: 2027, 3: 2028, 4: 2029}
    assert table.roles[5] == "tracking"
    assert [row.texts for row in table.rows] == [["1", "Tỷ lệ hồ sơ số hóa", "40", "60", "80", "Sở Nội vụ"]]


def test_a_short_line_that_fits_no_spanning_title_is_not_taken_for_a_header(tmp_path: Path):
    [table] = _tables(
        tmp_path,
        [
            "| TT | Chỉ tiêu | Năm 2027 | Đơn vị theo dõi |",
            "| --- | --- | --- | --- |",
            "| Năm 2027 | Năm 2028 |",
            "| 1 | Tỷ lệ hồ sơ số hóa | 40 | Sở Nội vụ |",
        ],
    )
    assert len(table.header) == 1 and len(table.rows) == 2


def test_a_table_continues_across_blank_lines_page_numbers_and_footnotes_with_ragged_rows(tmp_path: Path):
    [table] = _tables(
        tmp_path,
        [
            "TT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời hạn",
            "I\tChính quyền số",
            "1.\tSố hóa hồ sơ lưu trữ\tSở Nội vụ\t\t2028\t\t\t",
            "",
            "14",
            "<sup>2</sup> Nghị định số 47/2024/NĐ-CP.",
            "",
            "TT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời hạn\t",
            "\tvà cơ sở dữ liệu",
            "2.\t<p>Kết nối hệ thống</p>\tSở Xây dựng",
            "",
            "3.\tĐào tạo kỹ năng số\tSở Nội vụ\tCông an tỉnh\tQuý IV/2028",
        ],
        suffix=".txt",
    )
    assert [row.texts for row in table.rows] == [
        ["I", "Chính quyền số", "", "", ""],
        ["1.", "Số hóa hồ sơ lưu trữ và cơ sở dữ liệu", "Sở Nội vụ", "", "2028"],
        ["2.", "Kết nối hệ thống", "Sở Xây dựng", "", ""],
        ["3.", "Đào tạo kỹ năng số", "Sở Nội vụ", "Công an tỉnh", "Quý IV/2028"],
    ]


def test_real_text_between_two_pieces_still_ends_the_table(tmp_path: Path):
    tables = _tables(
        tmp_path,
        [
            "TT\tNhiệm vụ\tCơ quan chủ trì",
            "1.\tSố hóa hồ sơ lưu trữ\tSở Nội vụ",
            "",
            "Các cơ quan báo cáo kết quả hằng quý.",
            "",
            "1.\tMột dòng của bảng khác\tSở Xây dựng",
        ],
        suffix=".txt",
    )
    assert [len(table.rows) for table in tables] == [1]


# -- prose task lists ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def prose(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PlanRecords]:
    folder = tmp_path_factory.mktemp("prose")
    return {form: process_file(write_prose(PROSE_PLAN, folder, form)) for form in PROSE_FORMS}


def test_agency_sections_and_model_blocks_of_one_section_all_give_tasks(prose):
    plan = prose["docx"]
    tasks = [task for task in plan.tasks if task.source == "section"]
    assert [(task.group, task.group_title, task.stt, [ref.name for ref in task.lead]) for task in tasks] == [
        ("1", "Sở Tư pháp", "1", ["Sở Tư pháp"]),
        ("1", "Sở Tư pháp", "2", ["Sở Tư pháp"]),
        ("2", "Sở Y tế", "1", ["Sở Y tế"]),
        ("3", "Sở Nội vụ", "1", ["Sở Nội vụ"]),
        ("3", "Sở Giáo dục và Đào tạo", "1", ["Sở Giáo dục và Đào tạo"]),
        ("4", "Các sở, ban, ngành; UBND các xã, phường", "1", ["Sở Tài chính"]),
        ("4", "Các sở, ban, ngành; UBND các xã, phường", "2", ["Các sở, ban, ngành", "Ủy ban nhân dân các xã, phường"]),
        ("1", "Nhóm mô hình phục vụ người dân", "1", ["Sở Y tế"]),
        ("1", "Nhóm mô hình phục vụ người dân", "2", ["Công an tỉnh"]),
    ]
    first = tasks[0]
    assert [ref.name for ref in first.support] == ["Công an tỉnh", "Ủy ban nhân dân các xã, phường"]
    assert first.output == "Dữ liệu hộ tịch được số hóa."
    assert (first.deadline.kind, first.deadline.due) == ("quarter", "2027-06-30")
    assert tasks[1].task.endswith("và kết nối với Cơ sở dữ liệu quốc gia về dân cư.")
    assert (tasks[1].deadline.kind, tasks[1].deadline.due) == ("month", "2027-10-31")
    assert [ref.name for ref in tasks[2].support] == ["Bảo hiểm xã hội tỉnh"]
    assert tasks[2].deadline.due == "2027-09-30"
    assert tasks[5].task == "Sở Tài chính chủ trì bố trí kinh phí thực hiện Kế hoạch."
    assert [task.deadline_raw for task in plan.tasks if task.source == "directive"] == ["trước ngày 15/12/2027"]


@pytest.mark.parametrize("form", [form for form in PROSE_FORMS if form != "docx"])
def test_every_form_of_the_prose_plan_gives_the_records_of_its_docx(prose, form: str):
    assert comparable_records(prose[form]) == comparable_records(prose["docx"])


def test_a_header_copied_without_its_merged_cells_takes_the_years_over_the_numbers(tmp_path: Path):
    """A web page copied as text: the first header line lost the cell its merged title covered, the second holds
    the years only, and the data rows are one cell wider than the first line."""
    [table] = _tables(
        tmp_path,
        [
            "TT\tChỉ tiêu\tĐơn vị tính\tLộ trình\tCơ quan theo dõi",
            "Năm 2028\tNăm 2030",
            "1\tHộ gia đình có địa chỉ số\t%\t70\t100\tSở Khoa học và Công nghệ",
            "2\tNgười cao tuổi nhận trợ cấp qua tài khoản\tngười\t1.500\t3.000\tSở Y tế",
        ],
        suffix=".txt",
    )
    assert table.years == {3: 2028, 4: 2030}
    assert table.roles[2] == "unit" and table.roles[5] == "tracking"


def test_pipe_rows_without_a_separator_continue_the_table_after_a_page_break(tmp_path: Path):
    [table] = _tables(
        tmp_path,
        [
            "| STT | Nội dung công việc | Đơn vị chủ trì |",
            "|---|---|---|",
            "| 1 | Chuẩn hóa dữ liệu đất đai | Sở Nông nghiệp và Môi trường |",
            "",
            "7",
            "",
            "| 2 | Số hóa hồ sơ bệnh án | Sở Y tế |",
        ],
    )
    assert [row.texts[0] for row in table.rows] == ["1", "2"]


def test_an_html_table_inside_markdown_is_read_with_its_merged_cells(tmp_path: Path):
    """pandoc and other converters write a table with merged cells as HTML inside the Markdown."""
    tables = _tables(
        tmp_path,
        [
            "**Phụ lục I**",
            "",
            "<table>",
            "<thead>",
            '<tr class="header"><th rowspan="2">TT</th><th rowspan="2">Chỉ tiêu</th>'
            '<th colspan="2">Mục tiêu</th><th rowspan="2">Cơ quan theo dõi</th></tr>',
            "<tr><th>Năm 2027</th><th>Năm 2029</th></tr>",
            "</thead>",
            "<tbody>",
            '<tr><td><strong>I</strong></td><td colspan="4"><strong>Y tế số</strong></td></tr>',
            "<tr><td>1</td><td><p>Tỷ lệ trạm y tế</p><p>dùng bệnh án điện tử</p></td><td>50</td>"
            "<td>100</td><td>Sở Y tế<sup>2</sup></td></tr>",
            "</tbody>",
            "</table>",
            "",
            "<table><tr><th>STT</th><th>Nhiệm vụ</th><th>Cơ quan chủ trì</th></tr>",
            '<tr><td>1</td><td>Kết nối dữ liệu tiêm chủng</td><td rowspan="2">Sở Y tế</td></tr>',
            "<tr><td>2</td><td>Cấp giấy chứng sinh điện tử &amp; báo tử</td></tr>",
            "</table>",
        ],
    )
    targets, tasks = tables
    assert (targets.kind, targets.years) == ("targets", {2: 2027, 3: 2029})
    assert targets.roles[4] == "tracking"
    assert [row.texts for row in targets.rows] == [
        ["I", "Y tế số", "", "", ""],
        ["1", "Tỷ lệ trạm y tế dùng bệnh án điện tử", "50", "100", "Sở Y tế"],
    ]
    assert tasks.kind == "tasks"
    assert [row.texts for row in tasks.rows] == [
        ["1", "Kết nối dữ liệu tiêm chủng", "Sở Y tế"],
        ["2", "Cấp giấy chứng sinh điện tử & báo tử", "Sở Y tế"],  # the merged lead cell, for both rows
    ]


def test_tab_text_markdown_docx_and_pdf_of_one_plan_give_the_same_record_ids(forms):
    folder, from_docx = forms
    plan = sample_plan(repeat_tasks=3)
    paths = [
        write_tab_text(plan, folder / "ids.txt", messy=True),
        write_markdown(plan, folder / "ids.md", "markdown-short-subheader"),
        write_pdf(plan, folder / "ids.pdf", Style(borders="booktabs")),
    ]
    expected = [record["target_id"] for record in from_docx["targets"]] + [
        record["task_id"] for record in from_docx["tasks"]
    ]
    for path in paths:
        read = process_file(path)
        assert [t.target_id for t in read.targets] + [t.task_id for t in read.tasks] == expected, path.name
