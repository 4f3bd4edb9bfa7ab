from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from extractors.docx_reader import DocxReader
from extractors.errors import TruncatedFileError
from extractors.model import BlockKind


def _mark_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)


def build_docx(path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Số: 7/KH-UBND")
    title = document.add_paragraph()
    title.add_run("KẾ HOẠCH").bold = True
    paragraph = document.add_paragraph("Bảo đảm dữ liệu sạch")
    marker = paragraph.add_run("5")
    marker.font.superscript = True
    paragraph.add_run(" trên địa bàn.")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    table = document.add_table(rows=4, cols=4)
    header = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    _mark_header(table.rows[0])
    group = table.rows[1].cells[1].merge(table.rows[1].cells[3])  # horizontal merge: a group title
    table.rows[1].cells[0].text = "I"
    group.text = "Dịch vụ công"
    table.rows[2].cells[0].text = "1."
    table.rows[2].cells[1].text = "Rà soát thủ tục"
    table.rows[3].cells[0].text = "2."
    table.rows[3].cells[1].text = "Số hóa hồ sơ"
    lead = table.rows[2].cells[2].merge(table.rows[3].cells[2])  # vertical merge: one lead, two tasks
    lead.text = "Sở Nội vụ"
    table.rows[2].cells[3].text = "Quý I/2028"
    table.rows[3].cells[3].text = "Năm 2028"
    document.save(path)


def test_paragraphs_tables_and_merges(tmp_path: Path):
    path = tmp_path / "plan.docx"
    build_docx(path)
    result = DocxReader(path).convert()
    kinds = [block.kind for block in result.blocks]
    assert kinds == [BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.TABLE]
    assert result.blocks[1].bold
    assert result.blocks[2].text == "Bảo đảm dữ liệu sạch trên địa bàn."  # superscript marker dropped
    table = result.blocks[3]
    assert table.rows[0].texts == ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian"]
    group = table.rows[1].cells
    assert [c.text for c in group] == ["I", "Dịch vụ công", "", ""]
    assert [c.merged for c in group] == [None, None, "left", "left"]
    assert table.rows[2].cells[2].text == "Sở Nội vụ"
    assert table.rows[3].cells[2].merged == "up" and table.rows[3].cells[2].text == ""
    # an explicit page break makes pages known
    assert result.blocks[0].provenance.page == 1
    assert table.provenance.page == 2
    assert result.page_count == 2


def test_page_is_unknown_without_page_marks(tmp_path: Path):
    path = tmp_path / "flat.docx"
    document = docx.Document()
    document.add_paragraph("Một đoạn.")
    document.save(path)
    result = DocxReader(path).convert()
    assert result.blocks[0].provenance.page is None
    assert result.page_count is None


def test_truncated_docx_is_a_clear_error(tmp_path: Path):
    good = tmp_path / "good.docx"
    build_docx(good)
    broken = tmp_path / "broken.docx"
    broken.write_bytes(good.read_bytes()[:300])
    with pytest.raises(TruncatedFileError, match=r"broken\.docx: truncated file: a Word \(\.docx\) file that ends"):
        DocxReader(broken).convert()


def test_footnote_reference_runs_are_dropped(tmp_path: Path):
    path = tmp_path / "fn.docx"
    document = docx.Document()
    paragraph = document.add_paragraph("Luật Dữ liệu")
    run = paragraph.add_run()
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), "1")
    run._r.append(reference)
    paragraph.add_run(" năm 2024")
    document.save(path)
    assert DocxReader(path).convert().blocks[0].text == "Luật Dữ liệu năm 2024"
