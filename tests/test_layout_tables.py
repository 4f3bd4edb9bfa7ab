"""Appendix tables printed with few or no ruling lines (extractors/layout_tables.py, header_columns.py).

The main check: one small plan (tests/plan_forms.py, not a sample) drawn in every style gives, from its PDF,
the records its DOCX gives.  The rest pins single behaviours of the finder on words placed by hand.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from extractors.layout_tables import LayoutTableFinder
from extractors.model import Block, BlockKind, Document, Row
from extractors.page_text import Rule, Word
from extractors.pdf_reader import PdfReader
from extractors.settings import LayoutTableSettings, PdfSettings
from extractors.tables import find_appendix_tables
from pipeline.documents import process_file
from tests.pdf_builder import PageSpec, build_pdf
from tests.plan_forms import BORDERS, Style, comparable_records, sample_plan, write_docx, write_pdf

STYLES = [
    *(Style(borders=borders) for borders in BORDERS),
    *(Style(borders=borders, landscape=False) for borders in ("rows", "booktabs", "none")),
    Style(borders="none", v_align="TOP"),
    Style(borders="none", v_align="TOP", padding=1),
    Style(borders="booktabs", repeat_header=False),
    Style(borders="none", v_align="TOP", repeat_header=False),
    Style(borders="booktabs", font_size=10),
    Style(borders="rows", font_size=13, line_height=1.5),
    Style(borders="none", font_size=14, table_font_size=9),
]


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("forms")
    from_docx = comparable_records(process_file(write_docx(sample_plan(repeat_tasks=3), folder / "plan.docx")))
    return folder, from_docx


def test_the_docx_of_the_plan_gives_every_row(forms):
    _, records = forms
    assert [(t["group"], t["stt"]) for t in records["targets"]] == [
        ("I", "1"),
        ("I", "2"),
        ("I", "3"),
        ("II", "1"),
        ("II", "2"),
    ]
    assert len(records["tasks"]) == 15
    assert records["targets"][3]["values"] == [{"year": 2027, "raw": "60"}, {"year": 2030, "raw": "100"}]


@pytest.mark.parametrize("style", STYLES, ids=lambda style: style.name + f"-pad{style.padding:g}")
def test_every_drawing_style_gives_the_records_of_the_docx(forms, style: Style):
    folder, from_docx = forms
    pdf = write_pdf(sample_plan(repeat_tasks=3), folder / f"{style.name}-{style.padding:g}.pdf", style)
    plan = process_file(pdf)
    assert len({task.page for task in plan.tasks}) >= 2, "the tasks table must run over a page break"
    assert comparable_records(plan) == from_docx


def test_the_header_anchored_finder_reads_a_fully_ruled_table_as_the_ruled_finder_does(tmp_path: Path, monkeypatch):
    """With no ruled table kept (each is replaced where the header finder reads one), the rules still part rows."""
    pdf = write_pdf(sample_plan(repeat_tasks=3), tmp_path / "ruled.pdf", Style(borders="all"))
    no_ruled_finder = PdfSettings(layout_tables=LayoutTableSettings(min_ruled_columns=99))
    ruled = find_appendix_tables(PdfReader(pdf).convert())
    pieces: list[int] = []
    find = LayoutTableFinder.find

    def counting(self: LayoutTableFinder, *args: Any, **kwargs: Any) -> Any:
        found = find(self, *args, **kwargs)
        pieces.append(len(found.tables))
        return found

    monkeypatch.setattr(LayoutTableFinder, "find", counting)
    anchored = find_appendix_tables(PdfReader(pdf, no_ruled_finder).convert())
    assert sum(pieces) >= 3, "every piece of both tables comes from the header-anchored finder"
    assert [table.kind for table in anchored] == ["targets", "tasks"]
    for by_rules, by_header in zip(ruled, anchored, strict=True):
        assert [row.texts for row in by_header.rows] == [row.texts for row in by_rules.rows]


def test_a_frame_around_a_table_without_inner_vertical_rules_does_not_hide_it(tmp_path: Path):
    """pdfplumber reads an outer frame with rules between rows as a one-column table; the header's columns win."""
    rows = [
        ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời hạn"],
        ["1.", "Lập danh mục dữ liệu mở", "Sở Tài chính", "Quý II/2028"],
        ["2.", "Công bố danh mục", "Sở Nội vụ", "Năm 2028"],
    ]
    path = tmp_path / "framed.pdf"
    build_pdf(path, [PageSpec(lines=["**Phụ lục**"], rows=rows, rules="frame", widths=[40, 220, 130, 90])])
    [table] = find_appendix_tables(PdfReader(path).convert())
    assert [row.texts for row in table.rows] == rows[1:]


# -- the finder on words placed by hand (size 12: a letter 6 pt wide, lines 14 pt apart, rows 10 pt apart) ----


def _words(x: float, top: float, text: str, bold: bool = False, size: float = 12.0) -> list[Word]:
    words = []
    for token in text.split():
        width = 0.5 * size * len(token)
        words.append(Word(token, x, x + width, top, top + size, size, bold))
        x += width + 0.25 * size
    return words


def _tasks_header(top: float) -> list[Word]:
    return [
        *_words(66, top, "TT", bold=True),
        *_words(180, top, "Nhiệm vụ", bold=True),
        *_words(352, top, "Cơ quan chủ trì", bold=True),
        *_words(490, top, "Thời hạn", bold=True),
    ]


def _find(words: list[Word], **kwargs: Any) -> list[list[str]]:
    found = LayoutTableFinder(LayoutTableSettings()).find(words, [], page=1, **kwargs)
    return [row.texts for table in found.tables for row in table.rows]


def test_a_cell_wrapped_over_three_lines_beside_one_line_cells_centred_is_one_row():
    words = [
        *_tasks_header(100),
        *_words(100, 130, "Xây dựng cơ sở dữ liệu về người"),
        *_words(100, 144, "có công với cách mạng của tỉnh"),
        *_words(100, 158, "và kết nối với dữ liệu dân cư"),
        *_words(66, 144, "1."),
        *_words(345, 144, "Sở Nội vụ"),
        *_words(485, 144, "Quý IV/2026"),
        *_words(100, 180, "Cập nhật dữ liệu hộ tịch"),
        *_words(66, 180, "2."),
        *_words(345, 180, "Sở Tư pháp"),
        *_words(485, 180, "Năm 2027"),
    ]
    assert _find(words) == [
        ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn"],
        [
            "1.",
            "Xây dựng cơ sở dữ liệu về người có công với cách mạng của tỉnh và kết nối với dữ liệu dân cư",
            "Sở Nội vụ",
            "Quý IV/2026",
        ],
        ["2.", "Cập nhật dữ liệu hộ tịch", "Sở Tư pháp", "Năm 2027"],
    ]


def test_the_line_numbering_the_columns_under_the_header_is_no_row():
    words = [
        *_tasks_header(100),
        *_words(66, 120, "(1)"),
        *_words(200, 120, "(2)"),
        *_words(380, 120, "(3)"),
        *_words(500, 120, "(4)"),
        *_words(66, 146, "1."),
        *_words(100, 146, "Cấp chữ ký số cho cán bộ"),
        *_words(345, 146, "Ban Cơ yếu"),
        *_words(485, 146, "Quý I/2028"),
    ]
    blocks = [Block(BlockKind.TABLE, rows=rows) for rows in _pieces(words)]
    document = Document(Path("mem.pdf"), "pdf", "0" * 64, blocks)
    [table] = find_appendix_tables(document)
    assert [row.texts for row in table.rows] == [["1.", "Cấp chữ ký số cho cán bộ", "Ban Cơ yếu", "Quý I/2028"]]


def _pieces(words: list[Word]) -> list[list[Row]]:
    return [table.rows for table in LayoutTableFinder(LayoutTableSettings()).find(words, [], page=1).tables]


def test_a_two_level_header_gives_the_year_columns_under_their_title():
    words = [
        *_words(66, 110, "TT", bold=True),
        *_words(150, 110, "Chỉ tiêu", bold=True),
        *_words(290, 104, "Đơn vị", bold=True),
        *_words(296, 118, "tính", bold=True),
        *_words(382, 100, "Mục tiêu", bold=True),
        *_words(350, 120, "Năm 2027", bold=True),
        *_words(420, 120, "Năm 2030", bold=True),
        *_words(500, 110, "Cơ quan theo dõi", bold=True),
        *_words(66, 150, "1."),
        *_words(100, 150, "Tỷ lệ xã có điểm phục vụ công"),
        *_words(300, 150, "%"),
        *_words(362, 150, "90"),
        *_words(432, 150, "100"),
        *_words(500, 150, "UBND các xã"),
    ]
    assert _find(words) == [
        ["TT", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu", "", "Cơ quan theo dõi"],
        ["", "", "", "Năm 2027", "Năm 2030", ""],
        ["1.", "Tỷ lệ xã có điểm phục vụ công", "%", "90", "100", "UBND các xã"],
    ]


def test_a_roman_numeral_wrapped_in_a_narrow_column_is_one_group_row():
    words = [
        *_tasks_header(100),
        *_words(70, 130, "II", bold=True),
        *_words(72, 144, "I", bold=True),
        *_words(100, 137, "Phát triển hạ tầng số dùng chung của tỉnh và các xã", bold=True),
        *_words(66, 170, "1."),
        *_words(100, 170, "Mở rộng mạng cáp quang"),
        *_words(345, 170, "Sở Xây dựng"),
        *_words(485, 170, "Năm 2028"),
    ]
    assert _find(words)[1:] == [
        ["III", "Phát triển hạ tầng số dùng chung của tỉnh và các xã", "", ""],
        ["1.", "Mở rộng mạng cáp quang", "Sở Xây dựng", "Năm 2028"],
    ]


def test_a_title_across_the_table_between_numbered_rows_is_a_row_of_its_own():
    words = [
        *_tasks_header(100),
        *_words(66, 130, "1."),
        *_words(100, 130, "Rà soát thủ tục hành chính"),
        *_words(100, 144, "thuộc thẩm quyền của tỉnh"),
        *_words(345, 130, "Văn phòng UBND"),
        *_words(485, 130, "Quý I/2027"),
        *_words(100, 166, "Nhiệm vụ thường xuyên của các sở, ban, ngành và địa phương trong năm", bold=True),
        *_words(66, 188, "2."),
        *_words(100, 188, "Báo cáo kết quả thực hiện"),
        *_words(100, 202, "về Công an tỉnh"),
        *_words(345, 188, "Các sở, ngành"),
        *_words(485, 188, "Hằng quý"),
    ]
    rows = _find(words)[1:]
    assert [row[0] for row in rows] == ["1.", "", "2."]
    assert rows[0][1] == "Rà soát thủ tục hành chính thuộc thẩm quyền của tỉnh"
    assert rows[1][1].startswith("Nhiệm vụ thường xuyên") and rows[1][2:] == ["", ""]


def test_a_paragraph_after_the_table_is_not_part_of_it():
    words = [
        *_tasks_header(100),
        *_words(66, 130, "1."),
        *_words(100, 130, "Tập huấn kỹ năng số"),
        *_words(345, 130, "Sở Nội vụ"),
        *_words(485, 130, "Năm 2027"),
        *_words(60, 170, "Các sở, ngành căn cứ Kế hoạch này xây dựng kế hoạch của đơn vị mình và báo cáo"),
    ]
    found = LayoutTableFinder(LayoutTableSettings()).find(words, [], page=1)
    assert [row.texts for table in found.tables for row in table.rows][1:] == [
        ["1.", "Tập huấn kỹ năng số", "Sở Nội vụ", "Năm 2027"]
    ]
    assert found.continuing is None  # the table ended on this page
    assert found.tables[0].bbox[3] < 170


def test_rules_part_rows_where_the_table_has_them():
    """Rows without a number between rules are rows: the rules say so (a cell of two paragraphs does not)."""
    words = [
        *_tasks_header(100),
        *_words(66, 130, "1."),
        *_words(100, 130, "Số hóa hồ sơ đất đai"),
        *_words(345, 130, "Sở Nông nghiệp"),
        *_words(100, 150, "Cập nhật bản đồ địa chính"),
        *_words(345, 150, "UBND các xã"),
    ]
    rules = [Rule(60, 560, y) for y in (98, 126, 146, 166)]
    found = LayoutTableFinder(LayoutTableSettings()).find(words, rules, page=1)
    assert [row.texts for row in found.tables[0].rows][1:] == [
        ["1.", "Số hóa hồ sơ đất đai", "Sở Nông nghiệp", ""],
        ["", "Cập nhật bản đồ địa chính", "UBND các xã", ""],
    ]
    unruled = LayoutTableFinder(LayoutTableSettings()).find(words, [], page=1)
    assert [row.texts for row in unruled.tables[0].rows][1:] == [
        ["1.", "Số hóa hồ sơ đất đai Cập nhật bản đồ địa chính", "Sở Nông nghiệp UBND các xã", ""]
    ]


def test_a_table_running_to_the_page_bottom_goes_on_with_the_same_columns_on_the_next_page():
    first_page = [
        *_tasks_header(100),
        *_words(66, 130, "1."),
        *_words(100, 130, "Triển khai sổ sức khỏe điện tử"),
        *_words(345, 130, "Sở Y tế"),
        *_words(485, 130, "Năm 2027"),
        *_words(66, 156, "2."),
        *_words(100, 156, "Kết nối dữ liệu bảo hiểm"),
        *_words(345, 156, "Bảo hiểm xã hội"),
        *_words(485, 156, "Quý II/2027"),
        *_words(60, 780, "Theo Nghị định số 102/2025/NĐ-CP.", size=9),  # a footnote, its marker dropped
    ]
    finder = LayoutTableFinder(LayoutTableSettings())
    found = finder.find(first_page, [], page=1)
    assert found.continuing is not None
    next_page = [
        *_words(100, 60, "cho người tham gia tại các xã"),
        *_words(345, 60, "tỉnh"),
        *_words(66, 86, "3."),
        *_words(100, 86, "Thanh toán viện phí không dùng tiền mặt"),
        *_words(345, 86, "Sở Y tế"),
        *_words(485, 86, "Năm 2028"),
    ]
    following = finder.find(next_page, [], page=2, continuing=found.continuing)
    assert [row.texts for row in following.tables[0].rows] == [
        ["", "cho người tham gia tại các xã", "tỉnh", ""],
        ["3.", "Thanh toán viện phí không dùng tiền mặt", "Sở Y tế", "Năm 2028"],
    ]


def test_prose_naming_columns_is_no_table(tmp_path: Path):
    path = tmp_path / "prose.pdf"
    lines = [
        "Số: 45/KH-UBND",
        "**KẾ HOẠCH**",
        "1. Nhiệm vụ: các cơ quan chủ trì, phối hợp thực hiện đúng thời gian, bảo đảm kết quả.",
        "2. Sở Tư pháp chủ trì, phối hợp với các đơn vị thực hiện trong thời hạn quy định.",
        "Đơn vị tính           Mục tiêu           Thời gian",
        "Các sở, ngành báo cáo kết quả trước ngày 15 tháng 12 hằng năm.",
    ]
    build_pdf(path, [PageSpec(lines=lines)])
    document = PdfReader(path).convert()
    assert document.tables() == []  # column titles with no row under them and nothing on the next page
    texts = [block.text for block in document.blocks]
    assert any("Sở Tư pháp chủ trì" in text for text in texts)
    assert any("Đơn vị tính" in text for text in texts)


def test_a_failing_finder_costs_the_page_its_tables_not_the_document(tmp_path: Path, monkeypatch, caplog):
    pdf = write_pdf(sample_plan(), tmp_path / "booktabs.pdf", Style(borders="booktabs"))

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("a flaw")

    monkeypatch.setattr(LayoutTableFinder, "find", broken)
    with caplog.at_level(logging.WARNING, logger="extractors.pdf_reader"):
        document = PdfReader(pdf).convert()
    assert "table finder failed" in caplog.text
    assert document.tables() == []
    assert any("Sở Tư pháp" in block.text for block in document.blocks if block.kind is not BlockKind.TABLE)


def test_the_titles_of_the_next_table_on_a_new_page_do_not_continue_the_last_row():
    finder = LayoutTableFinder(LayoutTableSettings())
    first_page = [
        *_tasks_header(100),
        *_words(66, 130, "1."),
        *_words(100, 130, "Số hóa sổ hộ tịch"),
        *_words(345, 130, "Sở Tư pháp"),
        *_words(485, 130, "Năm 2027"),
    ]
    found = finder.find(first_page, [], page=1)
    assert found.continuing is not None
    next_page = [
        *_words(150, 40, "Phụ lục II", bold=True),
        *_words(110, 70, "CHỈ TIÊU VỀ DỮ LIỆU SỐ CỦA CÁC SỞ, NGÀNH VÀ ĐỊA PHƯƠNG NĂM 2027", bold=True),
        *_words(150, 100, "(Kèm theo Kế hoạch số 12/KH-UBND ngày 5/3/2027)"),
        *_words(66, 130, "TT", bold=True),
        *_words(150, 130, "Chỉ tiêu", bold=True),
        *_words(330, 130, "Đơn vị tính", bold=True),
        *_words(450, 130, "Năm 2030", bold=True),
        *_words(66, 156, "I", bold=True),
        *_words(100, 156, "Dữ liệu số", bold=True),
        *_words(66, 180, "1."),
        *_words(100, 180, "Tỷ lệ hồ sơ số hóa"),
        *_words(340, 180, "%"),
        *_words(460, 180, "100"),
    ]
    following = finder.find(next_page, [], page=2, continuing=found.continuing)
    assert [[row.texts for row in table.rows] for table in following.tables] == [
        [
            ["TT", "Chỉ tiêu", "Đơn vị tính", "Năm 2030"],
            ["I", "Dữ liệu số", "", ""],
            ["1.", "Tỷ lệ hồ sơ số hóa", "%", "100"],
        ]
    ]
