"""One small plan written in several forms, to check that every form gives the same records.

``write_docx`` writes it as a Word file (python-docx, merged cells as Word merges them); ``write_pdf`` draws
it with fpdf2 in a drawing ``Style``: every rule, rules between rows only, the "booktabs" look (a rule above
and below the header and one closing the table), no rules at all; landscape or portrait; cells centred or at
the top; other font sizes and paddings.  The plan's content (``sample_plan``) is written for the tests: another
province, other agencies, other wording than the bundled samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import font_roboto
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from fpdf import FPDF
from fpdf.enums import TableBordersLayout, TableCellStyle
from fpdf.fonts import FontFace

from schemas.records import PlanRecords

FONT_DIR = Path(font_roboto.__file__).parent / "files"


def comparable_records(plan: PlanRecords) -> dict[str, Any]:
    """A plan's targets and tasks without what differs between the files of one plan (doc_id, page)."""
    dump = plan.model_dump(mode="json")
    for record in dump["targets"] + dump["tasks"]:
        record.pop("doc_id")
        record.pop("page")
    return {"targets": dump["targets"], "tasks": dump["tasks"]}


BORDERS = ("all", "rows", "booktabs", "none")


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Table:
    title: list[str]
    """Lines above the table ("Phụ lục I", its name), centred and bold."""
    header: list[list[HeaderCell]]
    widths: list[float]
    """Relative column widths."""
    rows: list[list[str]]
    """Data rows; a row of two cells is a group row: its number, and a title spanning the other columns."""


@dataclass(frozen=True)
class Plan:
    preamble: list[str]
    """The first page's lines; "**" around a line makes it bold."""
    tables: list[Table]


@dataclass(frozen=True)
class Style:
    borders: str = "all"
    landscape: bool = True
    v_align: str = "MIDDLE"
    font_size: float = 12
    padding: float = 4
    line_height: float = 1.25
    repeat_header: bool = True
    table_font_size: float | None = None
    """The tables' font size, when smaller than the text's (``font_size``)."""

    @property
    def name(self) -> str:
        parts = [self.borders, "landscape" if self.landscape else "portrait", self.v_align.lower()]
        if not self.repeat_header:
            parts.append("no-repeated-header")
        if self.font_size != 12:
            parts.append(f"{self.font_size:g}pt")
        if self.table_font_size:
            parts.append(f"tables-{self.table_font_size:g}pt")
        return "-".join(parts)


class _Booktabs(TableBordersLayout):
    """A rule above the header, rules under the header cells, and one closing the table."""

    def cell_style_getter(
        self,
        row_idx: int,
        col_idx: int,
        col_pos: int,
        num_heading_rows: int,
        num_rows: int,
        num_col_idx: int,
        num_col_pos: int,
    ) -> TableCellStyle:
        return TableCellStyle(
            left=False, right=False, top=row_idx == 0, bottom=row_idx < num_heading_rows or row_idx == num_rows - 1
        )


_LAYOUTS = {
    "all": TableBordersLayout.ALL,
    "rows": TableBordersLayout.HORIZONTAL_LINES,
    "booktabs": _Booktabs(),
    "none": TableBordersLayout.NONE,
}


def write_pdf(plan: Plan, path: Path, style: Style) -> Path:
    pdf = FPDF(orientation="L" if style.landscape else "P", unit="pt", format="A4")
    pdf.add_font("Roboto", "", str(FONT_DIR / "Roboto-Regular.ttf"))
    pdf.add_font("Roboto", "B", str(FONT_DIR / "Roboto-Bold.ttf"))
    pdf.set_margins(50, 40, 50)
    pdf.set_auto_page_break(True, margin=40)
    height = style.font_size * style.line_height
    pdf.add_page()
    for line in plan.preamble:
        bold = line.startswith("**")
        pdf.set_font("Roboto", "B" if bold else "", style.font_size)
        pdf.multi_cell(0, height, line.strip("*"), align="C" if bold else "J", new_x="LMARGIN", new_y="NEXT")
    for table in plan.tables:
        pdf.add_page()
        pdf.set_font("Roboto", "B", style.font_size)
        for line in table.title:
            pdf.multi_cell(0, height, line, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(height / 2)
        pdf.set_font("Roboto", "", style.table_font_size or style.font_size)
        height = (style.table_font_size or style.font_size) * style.line_height
        columns = len(table.widths)
        with pdf.table(
            col_widths=tuple(table.widths),
            borders_layout=_LAYOUTS[style.borders],
            v_align=style.v_align,
            text_align="LEFT",
            line_height=height,
            padding=style.padding,
            num_heading_rows=len(table.header),
            repeat_headings=1 if style.repeat_header else 0,
            headings_style=FontFace(emphasis="BOLD"),
        ) as drawn:
            for header_row in table.header:
                row = drawn.row()
                for cell in header_row:
                    row.cell(cell.text, align="C", colspan=cell.colspan, rowspan=cell.rowspan)
            for texts in table.rows:
                row = drawn.row()
                if len(texts) == 2:
                    row.cell(texts[0], align="C", style=FontFace(emphasis="BOLD"))
                    row.cell(texts[1], colspan=columns - 1, style=FontFace(emphasis="BOLD"))
                else:
                    for column, text in enumerate(texts):
                        row.cell(text, align="C" if column == 0 else None)
    pdf.output(str(path))
    return path


def write_docx(plan: Plan, path: Path, landscape: bool = True) -> Path:
    document = docx.Document()
    for line in plan.preamble:
        paragraph = document.add_paragraph()
        paragraph.add_run(line.strip("*")).bold = line.startswith("**")
    for table in plan.tables:
        section = document.add_section()
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = section.page_height, section.page_width
        for line in table.title:
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(line).bold = True
        _docx_table(document, table)
        document.add_paragraph()  # Word always ends a table with a paragraph; LibreOffice's .doc export needs it
    document.save(str(path))
    return path


def header_cells(table: Table) -> list[tuple[int, int, HeaderCell]]:
    """(row, first grid column, cell) of every header cell, the columns a span from above covers skipped."""
    placed: list[tuple[int, int, HeaderCell]] = []
    taken: set[tuple[int, int]] = set()
    for r, header_row in enumerate(table.header):
        column = 0
        for cell in header_row:
            while (r, column) in taken:
                column += 1
            placed.append((r, column, cell))
            taken.update((r + i, column + j) for i in range(cell.rowspan) for j in range(cell.colspan))
            column += cell.colspan
    return placed


def _docx_table(document: docx.document.Document, table: Table) -> None:
    columns = len(table.widths)
    grid = document.add_table(rows=len(table.header) + len(table.rows), cols=columns)
    grid.style = "Table Grid"
    for r, column, cell in header_cells(table):
        start = grid.cell(r, column)
        end = grid.cell(r + cell.rowspan - 1, column + cell.colspan - 1)
        merged = start.merge(end) if end is not start else start
        _write(merged, cell.text, bold=True, centre=True)
    for r, texts in enumerate(table.rows, start=len(table.header)):
        if len(texts) == 2:
            _write(grid.cell(r, 0), texts[0], bold=True, centre=True)
            _write(grid.cell(r, 1).merge(grid.cell(r, columns - 1)), texts[1], bold=True)
        else:
            for column, text in enumerate(texts):
                _write(grid.cell(r, column), text, centre=column == 0)


def _write(cell: docx.table._Cell, text: str, bold: bool = False, centre: bool = False) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    if centre:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(12)


# -- the plan of the tests ----------------------------------------------------------------------------------

TARGETS_HEADER = [
    [
        HeaderCell("TT", rowspan=2),
        HeaderCell("Chỉ tiêu", rowspan=2),
        HeaderCell("Đơn vị tính", rowspan=2),
        HeaderCell("Mục tiêu", colspan=2),
        HeaderCell("Cơ quan theo dõi", rowspan=2),
    ],
    [HeaderCell("Năm 2027"), HeaderCell("Năm 2030")],
]
TASKS_HEADER = [
    [
        HeaderCell("TT"),
        HeaderCell("Nội dung nhiệm vụ"),
        HeaderCell("Cơ quan chủ trì"),
        HeaderCell("Cơ quan phối hợp"),
        HeaderCell("Thời hạn hoàn thành"),
        HeaderCell("Sản phẩm"),
    ]
]

TARGET_ROWS = [
    ["I", "Chuyển đổi số trong cung cấp dịch vụ công và giải quyết thủ tục hành chính cho người dân"],
    ["1.", "Tỷ lệ hồ sơ thủ tục hành chính được số hóa kết quả giải quyết", "%", "80", "100", "Văn phòng UBND tỉnh"],
    [
        "2.",
        "Tỷ lệ người dân từ đủ 14 tuổi trở lên có tài khoản định danh điện tử mức độ 2 được kích hoạt và sử dụng",
        "%",
        "70",
        "95",
        "Công an tỉnh",
    ],
    ["3.", "Số xã, phường triển khai mô hình điểm", "Xã", "12", "", "UBND các xã, phường"],
    ["II", "Dữ liệu đất đai và nông nghiệp"],
    [
        "1.",
        "Tỷ lệ thửa đất được gắn mã định danh và đồng bộ với Cơ sở dữ liệu quốc gia về dân cư",
        "%",
        "60",
        "100",
        "Sở Nông nghiệp và Môi trường, Công an tỉnh",
    ],
    ["2.", "Tỷ lệ hộ nông dân có tài khoản thanh toán điện tử", "%", "", "75", "Sở Nông nghiệp và Môi trường"],
]

TASK_ROWS = [
    ["I", "Hoàn thiện thể chế và hạ tầng dữ liệu của tỉnh"],
    [
        "1.",
        "Rà soát, sửa đổi quy chế khai thác, chia sẻ dữ liệu giữa các cơ quan nhà nước trên địa bàn tỉnh, bảo đảm "
        "thống nhất với quy định của Luật Dữ liệu và các văn bản hướng dẫn",
        "Sở Tư pháp",
        "Công an tỉnh, Văn phòng UBND tỉnh",
        "Quý III/2027",
        "Quy chế được ban hành",
    ],
    [
        "2.",
        "Nâng cấp Trung tâm dữ liệu của tỉnh đáp ứng yêu cầu kết nối với Trung tâm dữ liệu quốc gia",
        "Sở Khoa học và Công nghệ",
        "Công an tỉnh",
        "Tháng 9/2026",
        "Hạ tầng được nâng cấp",
    ],
    [
        "3.",
        "Bố trí kinh phí thực hiện các nhiệm vụ của Kế hoạch",
        "Sở Tài chính",
        "Các sở, ban, ngành",
        "Hằng năm",
        "Dự toán ngân sách",
    ],
    ["II", "Phát triển công dân số và các mô hình điểm"],
    [
        "1.",
        "Tổ chức tuyên truyền, hướng dẫn người dân cài đặt, kích hoạt và sử dụng ứng dụng định danh quốc gia VNeID "
        "tại các điểm phục vụ ở xã, phường, thôn, bản",
        "Công an tỉnh",
        "Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh, UBND các xã, phường",
        "Thường xuyên",
        "Người dân sử dụng VNeID",
    ],
    [
        "2.",
        "Chi trả trợ cấp xã hội không dùng tiền mặt qua tài khoản đã được xác thực với Cơ sở dữ liệu quốc gia về "
        "dân cư",
        "Sở Y tế",
        "Bảo hiểm xã hội tỉnh, Công an tỉnh",
        "Trước 30/6/2027",
        "Trợ cấp được chi trả",
    ],
    [
        "3.",
        "Xây dựng mô hình bệnh viện không dùng tiền mặt",
        "Sở Y tế",
        "Công an tỉnh, Sở Tài chính",
        "Năm 2027",
        "Mô hình điểm",
    ],
    [
        "4.",
        "Sơ kết, đánh giá kết quả thực hiện Kế hoạch và đề xuất nhân rộng các mô hình hiệu quả trên địa bàn toàn tỉnh",
        "Công an tỉnh",
        "Các sở, ban, ngành; UBND các xã, phường",
        "Tháng 12/2027",
        "Báo cáo sơ kết",
    ],
]


def sample_plan(repeat_tasks: int = 1) -> Plan:
    """The plan of the tests; ``repeat_tasks`` repeats the tasks of group II (numbered on) so that the tasks
    table runs over several pages."""
    rows = [list(row) for row in TASK_ROWS]
    number = 5
    for _ in range(repeat_tasks - 1):
        for row in TASK_ROWS[5:]:
            rows.append([f"{number}.", *row[1:]])
            number += 1
    return Plan(
        preamble=[
            "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
            "Số: 188/KH-UBND",
            "Quảng Trị, ngày 14 tháng 5 năm 2026",
            "**KẾ HOẠCH**",
            "**Triển khai dữ liệu dân cư, định danh và xác thực điện tử trên địa bàn tỉnh năm 2026 - 2030**",
            "Các chỉ tiêu chi tiết tại Phụ lục I và các nhiệm vụ cụ thể tại Phụ lục II kèm theo Kế hoạch này.",
        ],
        tables=[
            Table(
                title=["Phụ lục I", "CHỈ TIÊU CỤ THỂ"],
                header=TARGETS_HEADER,
                widths=[5, 40, 10, 10, 10, 25],
                rows=TARGET_ROWS,
            ),
            Table(
                title=["Phụ lục II", "NHIỆM VỤ CỤ THỂ"],
                header=TASKS_HEADER,
                widths=[5, 33, 15, 17, 15, 15],
                rows=rows,
            ),
        ],
    )


# -- text exports ---------------------------------------------------------------------------------------------

TEXT_FORMS = ("tabs", "tabs-messy")
MARKDOWN_FORMS = ("markdown-short-subheader", "markdown-repeated-spans")


def header_grid(table: Table, repeat_spans: bool = False) -> list[list[str]]:
    """The header as a grid of texts: a merged cell's text in its first grid cell and the cells it covers empty,
    or (``repeat_spans``, as Docling writes merged cells) its text repeated in every cell it covers."""
    grid = [[""] * len(table.widths) for _ in table.header]
    for r, column, cell in header_cells(table):
        for i in range(cell.rowspan):
            for j in range(cell.colspan):
                if (i, j) == (0, 0) or repeat_spans:
                    grid[r + i][column + j] = cell.text
    return grid


def _pieces(rows: list[list[str]], size: int) -> list[list[list[str]]]:
    return [rows[start : start + size] for start in range(0, len(rows), size)]


def write_tab_text(plan: Plan, path: Path, messy: bool = False, rows_per_piece: int = 4) -> Path:
    """The plan as a text export with tab-separated tables, one piece per printed page: a blank line, a page
    number and the header repeated between pieces.  ``messy`` adds what converters and copy-paste leave: rows
    with fewer or more trailing tabs than the header, cells wrapped in ``<p>``/``<span>``, ``<br>`` inside
    cells, entities, a footnote line and a row split by the page break (its STT cell empty after the break)."""
    lines = [*plan.preamble]
    page = 2
    for table in plan.tables:
        lines += ["", *(f"<b>{line}</b>" for line in table.title), ""]
        header = ["\t".join(line) for line in header_grid(table)]
        width = len(table.widths)
        pieces = _pieces([list(row) for row in table.rows], rows_per_piece)
        if messy and len(pieces) > 1 and len(pieces[0][-1]) > 2:
            # The last row of the first page breaks inside its main cell: its second half opens the next page.
            row = pieces[0][-1]
            words = row[1].split()
            half = len(words) // 2
            pieces[0][-1] = [row[0], " ".join(words[:half]), *row[2:]]
            pieces[1].insert(0, ["", " ".join(words[half:])] + [""] * (len(row) - 2))
        for number, piece in enumerate(pieces):
            if number:
                lines += ["", str(page), ""]
                page += 1
                if messy and number == 1:
                    lines += ["<sup>1</sup> Theo Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ.", ""]
            lines += header
            for k, row in enumerate(piece):
                lines.append(_tab_line(row, width, messy, k))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _tab_line(row: list[str], width: int, messy: bool, k: int) -> str:
    if len(row) == 2:  # a group row: its number and title, bold in the clean form only
        cells = [f"<b>{row[0]}</b>", f"<b>{row[1]}</b>"] if not messy else [row[0], f"<span>{row[1]}</span>"]
        return "\t".join(cells + [""] * (width - 2 if not messy else 0))
    if not messy:
        return "\t".join(row)
    cells = [
        f"<p>{text.replace(', ', ',<br>', 1)}</p>" if column == 3 and text else text.replace("&", "&amp;")
        for column, text in enumerate(row)
    ]
    if k % 3 == 0:
        cells += ["", ""]  # more trailing tabs than the header
    elif k % 3 == 1:
        while cells and not cells[-1]:
            cells.pop()  # fewer
    return "\t".join(cells)


def write_markdown(plan: Plan, path: Path, form: str) -> Path:
    """The plan as a Markdown export with pipe tables, in the two ways converters write merged cells:

    - ``markdown-short-subheader`` (markitdown, via mammoth and markdownify): a spanning title followed by empty
      cells, the second header line holding only its own cells, bold markers in cells, ``<br>`` inside cells;
    - ``markdown-repeated-spans`` (Docling): a merged cell's text repeated in every cell it covers, a group row's
      title repeated across the row.
    """
    repeated = form == "markdown-repeated-spans"
    lines = [part for line in plan.preamble for part in (line, "")]
    for table in plan.tables:
        lines += [f"**{line}**" for line in table.title] + [""]
        grid = header_grid(table, repeat_spans=repeated)
        width = len(table.widths)
        lines.append(_pipe_line([f"**{text}**" if text else "" for text in grid[0]]))
        lines.append(_pipe_line(["---"] * width))
        for line in grid[1:]:
            written = line if repeated else [text for text in line if text]
            lines.append(_pipe_line([f"**{text}**" for text in written]))
        for row in table.rows:
            if len(row) == 2:
                cells = [row[0], *([row[1]] * (width - 1) if repeated else [row[1]] + [""] * (width - 2))]
                lines.append(_pipe_line([f"**{text}**" if text else "" for text in cells]))
            else:
                lines.append(_pipe_line([text.replace(", ", ",<br>", 1) if repeated else text for text in row]))
        lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _pipe_line(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


# -- web pages ------------------------------------------------------------------------------------------------

SITE_TOP = """<header class="site-header"><div class="logo">Cổng thông tin điện tử tỉnh</div>
<nav class="main-menu"><ul><li><a href="/">Trang chủ</a></li><li><a href="/van-ban">Văn bản</a></li>
<li><a href="/tin-tuc">Tin tức 1.</a></li></ul></nav></header>
<div class="breadcrumb">Trang chủ / Văn bản / Kế hoạch</div>
<aside class="sidebar"><h3>Văn bản mới</h3>
<ul><li>Kế hoạch số 12/KH-UBND</li><li>Quyết định 99/QĐ-UBND</li></ul></aside>
<script>var tracker = "Kế hoạch";</script>"""
SITE_BOTTOM = """<footer id="footer"><p>Bản quyền thuộc Ủy ban nhân dân tỉnh. Địa chỉ: 01 Hùng Vương.</p></footer>"""


def write_html(
    plan: Plan, path: Path, encoding: str = "utf-8", site: bool = True, repeat_header_every: int = 0
) -> Path:
    """The plan as a web page: its paragraphs, and its tables with merged cells as ``rowspan``/``colspan``
    (a group row's title spans the row), inside a portal's header, menu, sidebar, script and footer (``site``).
    ``repeat_header_every``: the header rows again every that many rows (a page break kept in the table)."""
    parts = [f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="{encoding}"><title>Kế hoạch</title>'
             "<style>td { border: 1px solid }</style></head><body>"]  # fmt: skip
    if site:
        parts.append(SITE_TOP)
    parts.append('<div class="content"><div class="article-body">')
    for line in plan.preamble:
        text = html_escape(line.strip("*"))
        parts.append(f"<p><b>{text}</b></p>" if line.startswith("**") else f"<p>{text}</p>")
    for table in plan.tables:
        parts += [f'<p style="text-align:center"><strong>{html_escape(line)}</strong></p>' for line in table.title]
        header = []
        for header_row in table.header:
            cells = "".join(
                f'<td rowspan="{c.rowspan}" colspan="{c.colspan}"><p><b>{html_escape(c.text)}</b></p></td>'
                for c in header_row
            )
            header.append(f"<tr>{cells}</tr>")
        rows = []
        for k, texts in enumerate(table.rows):
            if repeat_header_every and k and k % repeat_header_every == 0:
                rows += header
            if len(texts) == 2:
                rows.append(f"<tr><td><b>{texts[0]}</b></td><td colspan=\"{len(table.widths) - 1}\"><b>"
                            f"{html_escape(texts[1])}</b></td></tr>")  # fmt: skip
            else:
                cells = "".join(f"<td><p>{html_escape(text)}</p></td>" for text in texts)
                rows.append(f"<tr>{cells}</tr>")
        parts.append(
            f'<table class="MsoTableGrid"><thead>{"".join(header)}</thead><tbody>{"".join(rows)}</tbody></table>'
        )
    parts.append("</div></div>")
    if site:
        parts.append(SITE_BOTTOM)
    parts.append("</body></html>")
    text = "\n".join(parts)
    path.write_bytes(to_windows_1258(text) if encoding == "windows-1258" else text.encode(encoding))
    return path


def to_windows_1258(text: str) -> bytes:
    """Vietnamese in the Windows code page: the vowel with its hat or horn is one code, the tone mark a
    combining one after it ("ế" is "ê" + U+0301), as Windows writes it."""
    import unicodedata

    def encodable(char: str) -> bool:
        try:
            char.encode("cp1258")
        except UnicodeEncodeError:
            return False
        return True

    out = bytearray()
    for char in text:
        if encodable(char):
            out += char.encode("cp1258")
            continue
        base, *marks = unicodedata.normalize("NFD", char)
        rest = []
        for mark in marks:  # keep on the base letter what the code page has as one letter ("ê", "ơ")
            joined = unicodedata.normalize("NFC", base + mark)
            if len(joined) == 1 and encodable(joined):
                base = joined
            else:
                rest.append(mark)
        out += (base + "".join(rest)).encode("cp1258")
    return bytes(out)


def html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
