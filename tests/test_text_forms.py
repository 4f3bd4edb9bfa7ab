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
from tests.plan_forms import MARKDOWN_FORMS, sample_plan, write_docx, write_markdown, write_tab_text


def _records(plan: PlanRecords) -> dict[str, Any]:
    dump = plan.model_dump(mode="json")
    for record in dump["targets"] + dump["tasks"]:
        record.pop("doc_id")
        record.pop("page")
    return {"targets": dump["targets"], "tasks": dump["tasks"]}


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("text-forms")
    from_docx = _records(process_file(write_docx(sample_plan(repeat_tasks=3), folder / "plan.docx")))
    assert len(from_docx["targets"]) == 5 and len(from_docx["tasks"]) == 15
    return folder, from_docx


@pytest.mark.parametrize("messy", [False, True], ids=["tabs", "tabs-messy"])
def test_a_tab_text_export_split_by_page_breaks_gives_the_records_of_the_docx(forms, messy: bool):
    folder, from_docx = forms
    path = write_tab_text(sample_plan(repeat_tasks=3), folder / f"plan-{messy}.txt", messy=messy)
    assert _records(process_file(path)) == from_docx


@pytest.mark.parametrize("form", MARKDOWN_FORMS)
@pytest.mark.parametrize("suffix", [".md", ".markdown"])
def test_a_markdown_export_gives_the_records_of_the_docx(forms, form: str, suffix: str):
    folder, from_docx = forms
    path = write_markdown(sample_plan(repeat_tasks=3), folder / f"plan-{form}{suffix}", form)
    assert _records(process_file(path)) == from_docx


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
