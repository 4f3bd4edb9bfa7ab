from pathlib import Path

import pytest

from extractors.errors import UnreadableDocumentError
from extractors.model import BlockKind
from extractors.pdf_reader import PdfReader
from extractors.tables import find_appendix_tables
from tests.pdf_builder import PageSpec, build_pdf

HEADER = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian", "Sản phẩm"]
WIDTHS = [40, 260, 150, 110, 150]


RULES = ("all", "rows", "header-grid", "booktabs", "none")


def _two_page_plan(path: Path, rules: str = "all") -> None:
    build_pdf(
        path,
        [
            PageSpec(lines=["Số: 21/KH-UBND", "Lạng Sơn, ngày 3 tháng 4 năm 2027", "**KẾ HOẠCH**"]),
            PageSpec(
                lines=["**Phụ lục II**"],
                rows=[
                    HEADER,
                    ["1.", "Cập nhật dữ liệu^3 hộ tịch", "Sở Tư pháp", "Tháng 5/2027", "Dữ liệu"],
                    ["2.", "Kết nối hệ thống một cửa với", "Văn phòng UBND", "Quý IV/", "Hệ thống"],
                ],
                footnote="3|Theo Luật Hộ tịch.",
                landscape=True,
                widths=WIDTHS,
                rules=rules,
                header_rows=1,
                table_ends=False,
            ),
            PageSpec(
                rows=[
                    HEADER,
                    ["", "cơ sở dữ liệu dân cư", "tỉnh", "2027", "kết nối"],
                    ["3.", "Tập huấn kỹ năng số", "Sở Nội vụ", "Hằng năm", ""],
                ],
                landscape=True,
                widths=WIDTHS,
                rules=rules,
                header_rows=1,
            ),
        ],
    )


def test_reads_lines_tables_and_pages(tmp_path: Path):
    path = tmp_path / "plan.pdf"
    _two_page_plan(path)
    document = PdfReader(path).convert()
    assert document.page_count == 3
    texts = [(b.kind, b.text, b.provenance.page) for b in document.blocks if not b.is_table]
    assert (BlockKind.PARAGRAPH, "Số: 21/KH-UBND", 1) in texts
    assert (BlockKind.HEADING, "KẾ HOẠCH", 1) in texts
    assert (BlockKind.FOOTNOTE, "Theo Luật Hộ tịch.", 2) in texts
    tables = document.tables()
    assert [t.provenance.page for t in tables] == [2, 3]
    assert tables[0].rows[0].texts == HEADER
    # the superscript footnote marker inside the cell is gone
    assert tables[0].rows[1].texts[1] == "Cập nhật dữ liệu hộ tịch"


@pytest.mark.parametrize("rules", RULES)
def test_page_split_table_is_one_table_with_the_split_row_joined(tmp_path: Path, rules: str):
    """In every drawing style: the repeated header dropped, the row the page break split joined, the superscript
    marker gone, the footnote between the pieces left out."""
    path = tmp_path / "plan.pdf"
    _two_page_plan(path, rules)
    [table] = find_appendix_tables(PdfReader(path).convert())
    assert table.kind == "tasks"
    assert [row.texts for row in table.rows] == [
        ["1.", "Cập nhật dữ liệu hộ tịch", "Sở Tư pháp", "Tháng 5/2027", "Dữ liệu"],
        [
            "2.",
            "Kết nối hệ thống một cửa với cơ sở dữ liệu dân cư",
            "Văn phòng UBND tỉnh",
            "Quý IV/ 2027",
            "Hệ thống kết nối",
        ],
        ["3.", "Tập huấn kỹ năng số", "Sở Nội vụ", "Hằng năm", ""],
    ]
    assert [row.provenance.page for row in table.rows] == [2, 2, 3]


def test_not_a_pdf_and_truncated_pdf(tmp_path: Path):
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"hello")
    with pytest.raises(UnreadableDocumentError, match=r"fake\.pdf: not a PDF file"):
        PdfReader(fake).convert()
    good = tmp_path / "good.pdf"
    _two_page_plan(good)
    truncated = tmp_path / "cut.pdf"
    truncated.write_bytes(good.read_bytes()[:400])
    with pytest.raises(UnreadableDocumentError, match=r"cut\.pdf: "):
        PdfReader(truncated).convert()
