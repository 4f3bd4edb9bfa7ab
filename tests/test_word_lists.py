"""Word's automatic numbering and bullets (extractors/word_numbering.py): a plan whose labels are Word lists
reads as the same plan with its labels typed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest

from bench.table_styles import to_pdf
from extractors.docx_reader import DocxReader
from extractors.word_numbering import format_number
from pipeline.documents import process_file
from schemas.records import PlanRecords
from tests.plan_forms import comparable_records
from tests.word_lists import LIST_PLAN, number_cells, write_plan


def _records(plan: PlanRecords) -> dict[str, Any]:
    return {**comparable_records(plan), "complete": plan.document.complete}


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lists")
    return {
        "typed": write_plan(LIST_PLAN, folder / "typed.docx", lists=False),
        "lists": write_plan(LIST_PLAN, folder / "lists.docx", lists=True),
    }


def test_list_labels_are_rendered_as_word_shows_them(forms):
    texts = [block.text for block in DocxReader(forms["lists"]).convert().blocks]
    assert texts[5:12] == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "- Triển khai đồng bộ các nhiệm vụ được giao.",
        "II. NHIỆM VỤ CỤ THỂ VÀ PHÂN CÔNG THỰC HIỆN",
        "1. Sở Khoa học và Công nghệ",  # numbering inherited from the paragraph style
        "- Nâng cấp nền tảng tích hợp, chia sẻ dữ liệu của tỉnh.",  # Symbol-font bullet, outer level
        "+ Đơn vị phối hợp: Công an tỉnh.",  # Courier "o", second level
        "+ Tiến độ: Quý III/2027.",
    ]
    assert "3. Sở Du lịch" in texts
    # the lettered list restarts in the second group; the group list goes on
    assert [t[:14] for t in texts if t[:2] in ("a)", "b)") or t.startswith(("1. Nhóm", "2. Nhóm"))] == [
        "1. Nhóm mô hìn",
        "a) Mô hình 1: ",
        "b) Mô hình 2: ",
        "2. Nhóm mô hìn",
        "a) Mô hình 3: ",
    ]


def test_the_plan_with_word_lists_gives_the_records_of_the_typed_plan(forms):
    typed = _records(process_file(forms["typed"]))
    assert len([t for t in typed["tasks"] if t["source"] == "section"]) == 7 and typed["complete"]
    assert _records(process_file(forms["lists"])) == typed


def test_a_stt_column_numbered_by_word(tmp_path: Path):
    document = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN TỈNH NINH BÌNH", "Số: 306/KH-UBND", "KẾ HOẠCH", "Phụ lục"):
        document.add_paragraph(line)
    table = document.add_table(rows=4, cols=3)
    for cell, text in zip(table.rows[0].cells, ("STT", "Nhiệm vụ", "Cơ quan chủ trì"), strict=True):
        cell.text = text
    tasks = [("Số hóa hồ sơ đất đai", "Sở Nông nghiệp và Môi trường"), ("Cấp chữ ký số", "Sở Khoa học và Công nghệ")]
    tasks.append(("Kết nối dữ liệu bảo hiểm", "Bảo hiểm xã hội tỉnh"))
    for row, (task, lead) in zip(table.rows[1:], tasks, strict=True):
        row.cells[1].text, row.cells[2].text = task, lead
    number_cells(document, [row.cells[0] for row in table.rows[1:]])
    path = tmp_path / "stt.docx"
    document.save(str(path))
    plan = process_file(path)
    assert [(t.stt, t.task) for t in plan.tasks] == [("1", task) for task, _ in tasks[:1]] + [
        ("2", tasks[1][0]),
        ("3", tasks[2][0]),
    ]


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [(3, "decimal", "3"), (4, "lowerLetter", "d"), (28, "lowerLetter", "bb"), (9, "upperRoman", "IX"),
     (14, "lowerRoman", "xiv"), (5, "decimalZero", "05"), (2, "upperLetter", "B")],
)  # fmt: skip
def test_number_formats(value: int, fmt: str, shown: str):
    assert format_number(value, fmt) == shown


def test_the_pdfs_libreoffice_prints_of_both_give_the_records_of_the_docx(forms, tmp_path: Path):
    """The bullets Word draws in PDF are Symbol and Courier (here Liberation Mono) glyphs; the numbers are text."""
    typed, lists = to_pdf([forms["typed"], forms["lists"]], tmp_path)
    from_docx = _records(process_file(forms["typed"]))
    assert _records(process_file(typed)) == from_docx
    assert _records(process_file(lists)) == from_docx


def test_a_typed_mark_in_a_list_paragraph_is_not_doubled(tmp_path: Path):
    document = docx.Document()
    document.add_paragraph("- Rà soát thủ tục hành chính.", style="List Bullet")
    document.add_paragraph("Cập nhật dữ liệu hộ tịch.", style="List Bullet")
    path = tmp_path / "typed-too.docx"
    document.save(str(path))
    assert [b.text for b in DocxReader(path).convert().blocks] == [
        "- Rà soát thủ tục hành chính.",
        "- Cập nhật dữ liệu hộ tịch.",
    ]
