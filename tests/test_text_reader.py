from pathlib import Path

import pytest

from extractors.errors import UnreadableDocumentError
from extractors.model import BlockKind
from extractors.text_reader import TextReader, parse_text_lines


def test_blocks_and_kinds_with_line_provenance():
    lines = [
        "Số: 15/KH-UBND",
        "",
        "## KẾ HOẠCH",
        "II. NHIỆM VỤ TRỌNG TÂM",
        "- Rà soát dữ liệu hộ tịch.",
        "+ Tiến độ: *Quý II/2027*",
        "<sup>4</sup> Thông tư số 01/2027/TT-BCA.",
        "Các sở thực hiện theo chức năng.",
    ]
    blocks = parse_text_lines(lines)
    assert [(b.kind, b.provenance.line) for b in blocks] == [
        (BlockKind.PARAGRAPH, 1),
        (BlockKind.HEADING, 3),
        (BlockKind.HEADING, 4),
        (BlockKind.LIST_ITEM, 5),
        (BlockKind.LIST_ITEM, 6),
        (BlockKind.FOOTNOTE, 7),
        (BlockKind.PARAGRAPH, 8),
    ]
    assert blocks[4].text == "+ Tiến độ: Quý II/2027"
    assert blocks[5].text == "Thông tư số 01/2027/TT-BCA."


def test_tab_lines_form_one_table_per_run_padded_to_width():
    lines = [
        "TT\tNội dung\tĐơn vị chủ trì",
        "<b>I</b>\t<b>Y tế số</b>",
        "1.\tCấp hồ sơ sức khỏe<sup>2</sup> điện tử\tSở Y tế",
        "",
        "Đoạn văn.",
        "A\tB",
    ]
    blocks = parse_text_lines(lines)
    tables = [b for b in blocks if b.is_table]
    assert len(tables) == 2
    first = tables[0]
    assert first.provenance.line == 1
    assert [len(row.cells) for row in first.rows] == [3, 3, 3]
    assert first.rows[1].cells[0].bold and first.rows[1].cells[1].text == "Y tế số"
    assert first.rows[2].texts == ["1.", "Cấp hồ sơ sức khỏe điện tử", "Sở Y tế"]
    assert first.rows[2].provenance.line == 3


def test_reader_rejects_binary(tmp_path: Path):
    path = tmp_path / "broken.txt"
    path.write_bytes(b"\xff\xfe\x00\x00garbage")
    reader = TextReader(path)
    assert not reader.is_valid()
    with pytest.raises(UnreadableDocumentError, match=r"broken\.txt: not a UTF-8 text file"):
        reader.convert()


def test_reader_reads_bom_file(tmp_path: Path):
    path = tmp_path / "plan.md"
    path.write_text("\ufeffKẾ HOẠCH\nNội dung", encoding="utf-8")
    document = TextReader(path).convert()
    assert document.source_format == "text"
    assert [b.text for b in document.blocks] == ["KẾ HOẠCH", "Nội dung"]
    assert len(document.sha256) == 64


def test_text_in_legacy_vietnamese_fonts_is_read_as_unicode(tmp_path: Path) -> None:
    # TCVN3 (.VnTime) for "Hội Liên hiệp Phụ nữ tỉnh" and a table row "1<TAB>Sở Ngoại vụ".
    path = tmp_path / "legacy.txt"
    path.write_text("Héi Li\u00aan hiÖp Phô n÷ tØnh\n\n1\tSë Ngo¹i vô\n", encoding="utf-8")
    blocks = TextReader(path).convert().blocks
    assert blocks[0].text == "Hội Liên hiệp Phụ nữ tỉnh"
    assert [cell.text for cell in blocks[-1].rows[0].cells] == ["1", "Sở Ngoại vụ"]


def test_markdown_paragraphs_wrapped_over_lines_are_one_block_each(tmp_path: Path):
    path = tmp_path / "wrapped.md"
    path.write_text(
        "\n".join(
            [
                "**IV. NHIỆM VỤ CỤ THỂ**",
                "",
                "1\\. Sở Công Thương",
                "",
                "- Xây dựng sàn giao dịch thương mại điện tử của tỉnh có xác thực",
                "  người dùng qua tài khoản định danh điện tử VNeID.",
                "",
                "+ Tiến độ: Quý III/2028.",
                "",
                "Các cơ quan, đơn vị báo cáo kết quả về Sở Công Thương",
                "trước ngày 15/12/2028.  ",
                "Nội dung báo cáo theo mẫu.",
                "",
                "| TT | Nhiệm vụ |",
                "| --- | --- |",
                "| 1 | Số hóa |",
                "| 2 | Kết nối |",
            ]
        ),
        encoding="utf-8",
    )
    blocks = TextReader(path).convert().blocks
    assert [block.text for block in blocks if not block.is_table] == [
        "IV. NHIỆM VỤ CỤ THỂ",
        "1. Sở Công Thương",
        "- Xây dựng sàn giao dịch thương mại điện tử của tỉnh có xác thực người dùng qua tài khoản định danh điện "
        "tử VNeID.",
        "+ Tiến độ: Quý III/2028.",
        "Các cơ quan, đơn vị báo cáo kết quả về Sở Công Thương trước ngày 15/12/2028.",
        "Nội dung báo cáo theo mẫu.",  # after a hard line break
    ]
    assert [row.texts for row in blocks[-1].rows] == [["TT", "Nhiệm vụ"], ["1", "Số hóa"], ["2", "Kết nối"]]
    assert blocks[2].provenance.line == 5
