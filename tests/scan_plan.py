"""A small plan drawn for the scan tests: what a scanned provincial plan holds that OCR finds hard.

Its targets table (Phụ lục I) has a two-level header ("Mục tiêu" over "Năm 2027 | Năm 2030") and groups I to
IX, running over two pages; its tasks table (Phụ lục II) runs over four pages, with the header repeated on
each, a task broken by a page break (its second half a row with an empty STT on the next page) and a footnote
marker in a task whose footnote is printed at the bottom of its page.  The signature block under the text
carries a round stamp, and ``STAMPED_CELL`` is a cell a stamp is put on when the plan is scanned.

The drawing is done here cell by cell with fpdf2 (a table whose rows break where the test says, as a
ministry's Word template breaks them), not with fpdf2's table helper, which never splits a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

from tests.pdf_builder import FONT_DIR

Box = tuple[float, float, float, float]

LANDSCAPE = (842.0, 595.0)
MARGIN = 40.0
PADDING = 4.0
LINE = 13.0
SIZE = 10.5


@dataclass
class Span:
    text: str
    columns: int = 1
    rows: int = 1


@dataclass
class TablePage:
    """One page of a table: its title lines (first page only), its rows, and a footnote at its bottom."""

    rows: list[list[str]]
    title: list[str] = field(default_factory=list)
    footnote: str | None = None  # "3|text"


TARGETS_WIDTHS = [40.0, 330.0, 70.0, 70.0, 70.0, 182.0]
TARGETS_HEADER = [
    [Span("STT", rows=2), Span("Chỉ tiêu", rows=2), Span("Đơn vị tính", rows=2), Span("Mục tiêu", columns=2),
     Span("Cơ quan theo dõi", rows=2)],
    [Span("Năm 2027"), Span("Năm 2030")],
]  # fmt: skip
TASKS_WIDTHS = [40.0, 262.0, 130.0, 150.0, 90.0, 90.0]
TASKS_HEADER = [
    [Span("STT"), Span("Nhiệm vụ"), Span("Cơ quan chủ trì"), Span("Cơ quan phối hợp"), Span("Thời gian hoàn thành"),
     Span("Sản phẩm")],
]  # fmt: skip

PREAMBLE = [
    "ỦY BAN NHÂN DÂN TỈNH SƠN LA",
    "Số: 74/KH-UBND",
    "Sơn La, ngày 9 tháng 3 năm 2027",
    "**KẾ HOẠCH**",
    "**Phát triển dữ liệu dân cư và định danh điện tử tỉnh Sơn La giai đoạn 2027 - 2030**",
    "Các chỉ tiêu cụ thể tại Phụ lục I và các nhiệm vụ tại Phụ lục II kèm theo Kế hoạch này.",
]
SIGNATURE = ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "", "Lò Văn Thắng"]

TARGET_PAGES = [
    TablePage(
        title=["Phụ lục I", "CHỈ TIÊU CỤ THỂ"],
        rows=[
            ["I", "Dịch vụ công trực tuyến"],
            ["1.", "Tỷ lệ hồ sơ dịch vụ công được xử lý trực tuyến toàn trình", "%", "70", "95",
             "Văn phòng UBND tỉnh"],
            ["2.", "Tỷ lệ kết quả giải quyết thủ tục hành chính được số hóa", "%", "80", "100", "Sở Nội vụ"],
            ["II", "Định danh điện tử"],
            ["1.", "Số tài khoản định danh điện tử mức độ 2 được kích hoạt", "Tài khoản", "450.000", "600.000",
             "Công an tỉnh"],
            ["III", "Y tế số"],
            ["1.", "Tỷ lệ người dân có hồ sơ sức khỏe điện tử", "%", "85", "100", "Sở Y tế"],
            ["2.", "Tỷ lệ cơ sở khám chữa bệnh dùng căn cước thay thẻ bảo hiểm y tế", "%", "100", "",
             "Sở Y tế, Bảo hiểm xã hội tỉnh"],
            ["IV", "Giáo dục số"],
            ["1.", "Tỷ lệ học sinh có học bạ số", "%", "60", "100", "Sở Giáo dục và Đào tạo"],
            ["V", "An sinh xã hội"],
            ["1.", "Tỷ lệ chi trả trợ cấp không dùng tiền mặt", "%", "90", "100", "Sở Nội vụ"],
        ],
    ),
    TablePage(
        rows=[
            ["VI", "Đất đai và nông nghiệp"],
            ["1.", "Tỷ lệ thửa đất được gắn mã định danh", "%", "50", "100", "Sở Nông nghiệp và Môi trường"],
            ["VII", "Tư pháp và hộ tịch"],
            ["1.", "Tỷ lệ dữ liệu hộ tịch được số hóa và đồng bộ", "%", "75", "100", "Sở Tư pháp"],
            ["2.", "Số xã, phường cấp bản sao hộ tịch điện tử", "Xã", "40", "75", "UBND các xã, phường"],
            ["VIII", "Văn hóa và du lịch"],
            ["1.", "Tỷ lệ điểm du lịch dùng vé điện tử", "%", "30", "80", "Sở Văn hóa, Thể thao và Du lịch"],
            ["IX", "Hạ tầng và an toàn thông tin"],
            ["1.", "Tỷ lệ hệ thống thông tin được phê duyệt cấp độ an toàn", "%", "100", "",
             "Sở Khoa học và Công nghệ"],
            ["2.", "Số cuộc diễn tập bảo đảm an toàn thông tin", "Cuộc", "2", "4", "Công an tỉnh"],
        ],
    ),
]  # fmt: skip

TASK_PAGES = [
    TablePage(
        title=["Phụ lục II", "NHIỆM VỤ CỤ THỂ"],
        rows=[
            ["I", "Hoàn thiện thể chế và hạ tầng"],
            ["1.", "Ban hành quy chế khai thác, chia sẻ dữ liệu dân cư giữa các cơ quan trên địa bàn tỉnh",
             "Sở Tư pháp", "Công an tỉnh, Văn phòng UBND tỉnh", "Quý II/2027", "Quy chế"],
            ["2.", "Nâng cấp Trung tâm dữ liệu tỉnh bảo đảm kết nối với Trung tâm dữ liệu quốc gia",
             "Sở Khoa học và Công nghệ", "Công an tỉnh", "Tháng 10/2027", "Hạ tầng được nâng cấp"],
            ["3.", "Bố trí kinh phí thực hiện các nhiệm vụ của Kế hoạch hằng năm", "Sở Tài chính",
             "Các sở, ban, ngành", "Hằng năm", "Dự toán được giao"],
            ["II", "Phục vụ người dân và doanh nghiệp"],
            ["1.", "Hướng dẫn người dân kích hoạt và sử dụng tài khoản định danh điện tử tại các điểm phục vụ",
             "Công an tỉnh", "UBND các xã, phường", "Thường xuyên", "Tài khoản được kích hoạt"],
        ],
    ),
    TablePage(
        rows=[
            ["2.", "Tích hợp dịch vụ công trực tuyến thiết yếu với ứng dụng định danh quốc gia", "Văn phòng UBND tỉnh",
             "Công an tỉnh, Sở Khoa học và Công nghệ", "Quý IV/2027", "Dịch vụ được tích hợp"],
            ["3.", "Triển khai thanh toán không dùng tiền mặt trong thu phí, lệ phí thủ tục hành chính", "Sở Tài chính",
             "Sở Khoa học và Công nghệ", "Năm 2028", "Phí được thu trực tuyến"],
            ["4.", "Rà soát, chuẩn hóa dữ liệu người có công và đối tượng bảo trợ xã hội trên địa bàn tỉnh, bảo đảm",
             "Sở Nội vụ", "Công an tỉnh, UBND các xã, phường", "Trước 31/12/2027", "Dữ liệu được chuẩn hóa"],
        ],
    ),
    TablePage(
        rows=[
            ["", "đúng, đủ, sạch, sống và đồng bộ với Cơ sở dữ liệu quốc gia về dân cư", "", "", "", ""],
            ["III", "Y tế và giáo dục"],
            ["1.", "Kết nối phần mềm quản lý khám chữa bệnh với Cơ sở dữ liệu quốc gia về dân cư theo quy định^3",
             "Sở Y tế", "Bảo hiểm xã hội tỉnh", "Quý III/2027", "Hệ thống được kết nối"],
            ["2.", "Triển khai học bạ số và văn bằng số tại các trường trung học trên địa bàn tỉnh",
             "Sở Giáo dục và Đào tạo", "Công an tỉnh", "Năm học 2027 - 2028", "Học bạ số"],
        ],
        footnote="3|Thông tư số 13/2025/TT-BYT của Bộ Y tế hướng dẫn về hồ sơ bệnh án điện tử.",
    ),
    TablePage(
        rows=[
            ["IV", "Kiểm tra, đánh giá"],
            ["1.", "Kiểm tra việc khai thác, sử dụng dữ liệu dân cư tại các sở, ngành và địa phương", "Công an tỉnh",
             "Thanh tra tỉnh", "Quý IV/2028", "Báo cáo kiểm tra"],
            ["2.", "Sơ kết, đánh giá kết quả thực hiện Kế hoạch và đề xuất điều chỉnh chỉ tiêu", "Công an tỉnh",
             "Các sở, ban, ngành; UBND các xã, phường", "Tháng 12/2028", "Báo cáo sơ kết"],
        ],
    ),
]  # fmt: skip

STAMPED_CELL = ("tasks", 1, 1, 5)
"""(table, page index, row index, column) of the cell the scan puts a stamp on: a task's product."""


@dataclass
class Drawn:
    """Where things were drawn, in points, for the scanner to stamp: page number (1-based) -> boxes."""

    stamps: dict[int, list[Box]] = field(default_factory=dict)


def write_plan(path: Path) -> Drawn:
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("Roboto", "", str(FONT_DIR / "Roboto-Regular.ttf"))
    pdf.add_font("Roboto", "B", str(FONT_DIR / "Roboto-Bold.ttf"))
    drawn = Drawn()
    pdf.add_page()
    y = 60.0
    for line in PREAMBLE:
        bold = line.startswith("**")
        pdf.set_font("Roboto", "B" if bold else "", 12)
        pdf.set_xy(60, y)
        pdf.multi_cell(pdf.w - 120, 16, line.strip("*"), align="C" if bold else "L")
        y = pdf.get_y() + 4
    y += 40
    for line in SIGNATURE:
        pdf.set_font("Roboto", "B", 12)
        pdf.set_xy(330, y)
        pdf.cell(200, 16, line, align="C")
        y += 16
    drawn.stamps[1] = [(330.0, y - 5 * 16 - 10, 530.0, y + 10)]
    for name, pages, header, widths in (
        ("targets", TARGET_PAGES, TARGETS_HEADER, TARGETS_WIDTHS),
        ("tasks", TASK_PAGES, TASKS_HEADER, TASKS_WIDTHS),
    ):
        for index, page in enumerate(pages):
            pdf.add_page(orientation="L")
            boxes = _draw_table_page(pdf, page, header, widths)
            if (name, index) == STAMPED_CELL[:2]:
                drawn.stamps[pdf.page] = [boxes[STAMPED_CELL[2:]]]
    pdf.output(str(path))
    return drawn


def _draw_table_page(
    pdf: FPDF, page: TablePage, header: list[list[Span]], widths: list[float]
) -> dict[tuple[int, int], Box]:
    y = MARGIN
    for line in page.title:
        pdf.set_font("Roboto", "B", 12)
        pdf.set_xy(MARGIN, y)
        pdf.cell(LANDSCAPE[0] - 2 * MARGIN, 16, line, align="C")
        y += 18
    y += 6 if page.title else 0
    y = _draw_header(pdf, header, widths, y)
    boxes: dict[tuple[int, int], Box] = {}
    for row_index, row in enumerate(page.rows):
        group = len(row) == 2
        spans = [Span(row[0]), Span(row[1], columns=len(widths) - 1)] if group else [Span(text) for text in row]
        height = max(_lines(pdf, span.text, _width(widths, column, span.columns), group) for column, span in
                     _placed(spans)) * LINE + 2 * PADDING  # fmt: skip
        for column, span in _placed(spans):
            x = MARGIN + sum(widths[:column])
            width = _width(widths, column, span.columns)
            pdf.rect(x, y, width, height)
            _write(pdf, span.text, x, y, width, bold=group, centre=column == 0)
            boxes[(row_index, column)] = (x, y, x + width, y + height)
        y += height
    if page.footnote:
        marker, text = page.footnote.split("|", 1)
        pdf.set_font("Roboto", "", 6.5)
        pdf.text(MARGIN, LANDSCAPE[1] - 42, marker)
        pdf.set_font("Roboto", "", 9.5)
        pdf.text(MARGIN + 5, LANDSCAPE[1] - 38, text)
    return boxes


def _draw_header(pdf: FPDF, header: list[list[Span]], widths: list[float], top: float) -> float:
    row_height = 2 * LINE + 2 * PADDING
    taken: set[tuple[int, int]] = set()
    for r, line in enumerate(header):
        column = 0
        for span in line:
            while (r, column) in taken:
                column += 1
            x = MARGIN + sum(widths[:column])
            width = _width(widths, column, span.columns)
            pdf.rect(x, top + r * row_height, width, row_height * span.rows)
            _write(pdf, span.text, x, top + r * row_height + (row_height * (span.rows - 1)) / 2, width, True, True)
            for i in range(span.rows):
                for j in range(span.columns):
                    taken.add((r + i, column + j))
            column += span.columns
    return top + len(header) * row_height


def _placed(spans: list[Span]) -> list[tuple[int, Span]]:
    placed, column = [], 0
    for span in spans:
        placed.append((column, span))
        column += span.columns
    return placed


def _width(widths: list[float], column: int, columns: int) -> float:
    return sum(widths[column : column + columns])


def _lines(pdf: FPDF, text: str, width: float, bold: bool) -> int:
    pdf.set_font("Roboto", "B" if bold else "", SIZE)
    main = text.split("^", 1)[0]
    return max(1, len(pdf.multi_cell(width - 2 * PADDING, LINE, main, dry_run=True, output="LINES")))


def _write(pdf: FPDF, text: str, x: float, y: float, width: float, bold: bool, centre: bool) -> None:
    """The cell's text from its top left; "^3" at its end is a superscript footnote marker."""
    main, _, marker = text.partition("^")
    pdf.set_font("Roboto", "B" if bold else "", SIZE)
    lines = pdf.multi_cell(width - 2 * PADDING, LINE, main, dry_run=True, output="LINES")
    for number, line in enumerate(lines):
        offset = (width - 2 * PADDING - pdf.get_string_width(line)) / 2 if centre else 0
        pdf.text(x + PADDING + offset, y + PADDING + (number + 1) * LINE - 3, line)
    if marker:
        end = x + PADDING + pdf.get_string_width(lines[-1]) + 1
        pdf.set_font("Roboto", "", 6.5)
        pdf.text(end, y + PADDING + len(lines) * LINE - 8, marker)
