"""One small plan whose tasks are written as prose, in several forms: plain text, Markdown, DOCX and PDF.

Its task section is not worded as in the bundled samples ("NHIỆM VỤ, GIẢI PHÁP VÀ PHÂN CÔNG TRÁCH NHIỆM",
split into "A." agency sections and "B." model blocks), its agency headings are numbered lines, bold lines and
Markdown headings (one number printed twice), its labels come in other wordings, bold or italic, and one task
line is broken across a page in the text forms.  Another province, other agencies and dates than the samples.

A line is ``(text, kind)``: kind "p" plain, "b" a bold line, "i" an italic line, "h" a heading (a Markdown
heading, Word's "Heading 3"; a bold line in PDF, plain in text).  Inside a text, ``**x**`` is bold and ``*x*``
italic (Markdown keeps them, DOCX makes runs of them, the text and PDF forms drop them); ``\\n`` is where the
text forms break a line that the page broke.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import docx
from fpdf import FPDF

from tests.plan_forms import FONT_DIR

Line = tuple[str, str]

PROSE_PLAN: list[Line] = [
    ("ỦY BAN NHÂN DÂN TỈNH GIA LAI", "b"),
    ("Số: 245/KH-UBND", "p"),
    ("Gia Lai, ngày 02 tháng 3 năm 2027", "p"),
    ("KẾ HOẠCH", "b"),
    ("Ứng dụng dữ liệu dân cư, định danh và xác thực điện tử phục vụ chuyển đổi số năm 2027", "b"),
    ("I. MỤC ĐÍCH, YÊU CẦU", "b"),
    ("- Bảo đảm triển khai đồng bộ, hiệu quả các nhiệm vụ được giao.", "p"),
    ("II. NHIỆM VỤ, GIẢI PHÁP VÀ PHÂN CÔNG TRÁCH NHIỆM", "b"),
    ("A. Nhiệm vụ cụ thể của các cơ quan, đơn vị", "b"),
    ("1. Sở Tư pháp", "p"),
    ("Sở Tư pháp chủ động phối hợp triển khai các nội dung sau:", "p"),
    ("- Số hóa dữ liệu hộ tịch lịch sử và đồng bộ với Cơ sở dữ liệu quốc gia về dân cư.", "p"),
    ("+ Cơ quan phối hợp: Công an tỉnh, UBND các xã, phường.", "p"),
    ("+ Kết quả/sản phẩm: Dữ liệu hộ tịch được số hóa.", "p"),
    ("+ Thời hạn: Quý II/2027.", "p"),
    ("- Xây dựng cơ sở dữ liệu công chứng, chứng thực và kết nối\nvới Cơ sở dữ liệu quốc gia về dân cư.", "p"),
    ("+ *Tiến độ*: Tháng 10/2027.", "p"),
    ("2. Sở Y tế", "b"),
    ("- Triển khai sổ sức khỏe điện tử trên ứng dụng VNeID cho người dân.", "p"),
    ("+ Đơn vị phối hợp: Bảo hiểm xã hội tỉnh.", "i"),
    ("+ **Thời gian hoàn thành:** 30/9/2027.", "p"),
    ("3. Sở Nội vụ", "h"),
    ("- Cập nhật dữ liệu cán bộ, công chức, viên chức của tỉnh gắn với số định danh cá nhân.", "p"),
    ("+ Sản phẩm: Cơ sở dữ liệu cán bộ, công chức được làm sạch.", "p"),
    ("3. Sở Giáo dục và Đào tạo", "p"),
    ("- Triển khai học bạ số trong các trường trung học phổ thông.", "p"),
    ("+ Thời hạn: Tháng 8/2027.", "p"),
    ("4. Các sở, ban, ngành; UBND các xã, phường", "b"),
    ("- **Sở Tài chính** chủ trì bố trí kinh phí thực hiện Kế hoạch.", "p"),
    ("+ Thời hạn: Hằng năm.", "p"),
    ("- Rà soát, cắt giảm thành phần hồ sơ đã được tích hợp trên VNeID.", "p"),
    ("+ Thời hạn: Thường xuyên.", "p"),
    ("B. Triển khai các mô hình điểm", "b"),
    ("1. Nhóm mô hình phục vụ người dân (bao gồm 02 mô hình)", "b"),
    ("a) Mô hình 1: Thanh toán viện phí không dùng tiền mặt", "b"),
    ("- Mục tiêu: 100% bệnh viện tuyến tỉnh triển khai.", "p"),
    ("- Phân công nhiệm vụ:", "p"),
    ("+ Sở Y tế chủ trì; Công an tỉnh phối hợp.", "p"),
    ("- Thời gian hoàn thành: Tháng 6/2027.", "p"),
    ("b) Mô hình 2: Đăng ký lưu trú qua ứng dụng VNeID", "b"),
    ("- Mục tiêu: 90% cơ sở lưu trú sử dụng.", "p"),
    ("- Phân công nhiệm vụ:", "p"),
    ("+ Công an tỉnh chủ trì; Sở Văn hóa, Thể thao và Du lịch phối hợp.", "p"),
    ("- Thời gian hoàn thành: Quý IV/2027.", "p"),
    ("III. TỔ CHỨC THỰC HIỆN", "b"),
    ("1. Công an tỉnh", "p"),
    ("- Theo dõi, đôn đốc việc thực hiện Kế hoạch; báo cáo UBND tỉnh trước ngày 15/12/2027.", "p"),
]

PROSE_FORMS = ("txt", "md", "md-wrapped", "docx", "pdf")
"""The forms, each written to ``plan.<form>`` with the suffix before any "-" ("md-wrapped": ``.md`` wrapped at
72 columns as pandoc writes it)."""
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*")


def _plain(text: str) -> str:
    return _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)


def write_prose(lines: list[Line], folder: Path, form: str) -> Path:
    """The plan in ``form`` (one of ``PROSE_FORMS``), in ``folder``."""
    path = folder / f"plan-{form}.{form.split('-')[0]}"
    writers = {
        "txt": _write_text,
        "md": _write_markdown,
        "md-wrapped": lambda lines, path: _write_markdown(lines, path, wrap=72),
        "docx": _write_docx,
        "pdf": _write_pdf,
    }
    writers[form](lines, path)
    return path


def _write_text(lines: list[Line], path: Path) -> None:
    """As copied from a portal: no markup, one line per paragraph, a page number where a page ended."""
    out: list[str] = []
    for number, (text, _) in enumerate(lines):
        out += _plain(text).split("\n")
        if number == 20:
            out += ["", "2", ""]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def _write_markdown(lines: list[Line], path: Path, wrap: int = 0) -> None:
    """As a converter writes it: headings with "#", bold and italic lines in emphasis, escaped list numbers;
    ``wrap``: paragraphs wrapped at that many columns, list items' next lines indented (pandoc's default)."""
    out: list[str] = []
    for text, kind in lines:
        text = re.sub(r"^(\d+)\. ", r"\1\\. ", text)  # "1\\. Sở ..." keeps a numbered line from being a list
        if kind == "h":
            text = f"### {text}"
        elif kind == "b":
            text = f"**{text}**"
        elif kind == "i":
            text = f"*{text}*"
        if wrap and kind != "h":
            indent = "  " if text[:2] in ("- ", "+ ") else ""
            text = "\n".join(textwrap.wrap(text.replace("\n", " "), wrap, subsequent_indent=indent))
        out += [*text.split("\n"), ""]
    path.write_text("\n".join(out), encoding="utf-8")


def _write_docx(lines: list[Line], path: Path) -> None:
    document = docx.Document()
    for text, kind in lines:
        text = text.replace("\n", " ")
        paragraph = document.add_paragraph(style="Heading 3" if kind == "h" else None)
        position = 0
        for match in [*_EMPHASIS.finditer(text), None]:
            end = match.start() if match else len(text)
            if end > position:
                run = paragraph.add_run(text[position:end])
                run.bold, run.italic = kind == "b" or None, kind == "i" or None
            if match:
                run = paragraph.add_run(match.group(1) or match.group(2))
                run.bold = kind == "b" or bool(match.group(1)) or None
                run.italic = kind == "i" or bool(match.group(2)) or None
                position = match.end()
    document.save(str(path))


def _write_pdf(lines: list[Line], path: Path) -> None:
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("Roboto", "", str(FONT_DIR / "Roboto-Regular.ttf"))
    pdf.add_font("Roboto", "B", str(FONT_DIR / "Roboto-Bold.ttf"))
    pdf.set_margins(60, 50, 60)
    pdf.set_auto_page_break(True, margin=50)
    pdf.add_page()
    for text, kind in lines:
        pdf.set_font("Roboto", "B" if kind in "bh" else "", 12)
        pdf.multi_cell(0, 16, _plain(text).replace("\n", " "), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    pdf.output(str(path))
