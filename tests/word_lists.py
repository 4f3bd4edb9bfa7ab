"""One small plan written twice as a Word file: labels typed into the text, and labels made by Word's list
numbering (numbering.xml definitions built here, as Word writes them).

A line is ``(kind, text)``; the kinds and how each form writes them:

- ``"section"``: a roman-numbered section heading ("II. ...": typed, or an upperRoman list "%1.");
- ``"agency"``: a numbered agency heading ("1. Sở ...": typed, or a decimal list carried by a paragraph
  style, so the numbering is inherited from the style);
- ``"task"`` / ``"detail"``: a "-" / "+" bullet (typed, or a two-level bullet list drawn with the Symbol
  font's "" and Courier's "o", as Word's default bullets are);
- ``"group"``: a numbered model group heading ("1. Nhóm ...": a decimal list whose second use restarts);
- ``"unit"``: a lettered model unit ("a) Mô hình 1: ...": a lowerLetter "%1)" list restarted in each group);
- ``"p"``: a plain paragraph, the same in both forms.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

Line = tuple[str, str]

LIST_PLAN: list[Line] = [
    ("p", "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"),
    ("p", "Số: 305/KH-UBND"),
    ("p", "Ninh Bình, ngày 20 tháng 7 năm 2027"),
    ("p", "KẾ HOẠCH"),
    ("p", "Triển khai định danh và xác thực điện tử trên địa bàn tỉnh năm 2027"),
    ("section", "MỤC ĐÍCH, YÊU CẦU"),
    ("task", "Triển khai đồng bộ các nhiệm vụ được giao."),
    ("section", "NHIỆM VỤ CỤ THỂ VÀ PHÂN CÔNG THỰC HIỆN"),
    ("agency", "Sở Khoa học và Công nghệ"),
    ("task", "Nâng cấp nền tảng tích hợp, chia sẻ dữ liệu của tỉnh."),
    ("detail", "Đơn vị phối hợp: Công an tỉnh."),
    ("detail", "Tiến độ: Quý III/2027."),
    ("task", "Hướng dẫn các cơ quan kết nối hệ thống thông tin chuyên ngành."),
    ("detail", "Thời hạn: Tháng 10/2027."),
    ("agency", "Sở Y tế"),
    ("task", "Triển khai bệnh án điện tử tại bệnh viện tuyến tỉnh."),
    ("detail", "Sản phẩm: Bệnh án điện tử."),
    ("agency", "Sở Du lịch"),
    ("task", "Đăng ký lưu trú trực tuyến tại các cơ sở lưu trú."),
    ("detail", "Tiến độ: Năm 2027."),
    ("section", "CÁC MÔ HÌNH ĐIỂM"),
    ("group", "Nhóm mô hình phục vụ người dân (bao gồm 02 mô hình)"),
    ("unit", "Mô hình 1: Thanh toán học phí không dùng tiền mặt"),
    ("detail", "Thời gian hoàn thành: Tháng 9/2027."),
    ("unit", "Mô hình 2: Khám bệnh bằng căn cước"),
    ("detail", "Thời gian hoàn thành: Tháng 12/2027."),
    ("group", "Nhóm mô hình phục vụ doanh nghiệp (bao gồm 01 mô hình)"),
    ("unit", "Mô hình 3: Xác thực doanh nghiệp qua định danh tổ chức"),
    ("detail", "Thời gian hoàn thành: Quý IV/2027."),
    ("section", "TỔ CHỨC THỰC HIỆN"),
    ("p", "Các sở, ban, ngành báo cáo kết quả về Công an tỉnh trước ngày 15/12/2027."),
]

# numId of each list kind; the "unit" list restarts in each group with a list instance of its own.
_NUM = {"section": 101, "agency": 102, "task": 103, "detail": 103, "group": 104, "unit": 105, "cell": 107}
"""``"cell"``: numbering for a table's STT column (``number_cells``)."""
_LEVEL = {"detail": 1}
_ABSTRACT = """
<w:abstractNum {ns} w:abstractNumId="{id}"><w:multiLevelType w:val="hybridMultilevel"/>{levels}</w:abstractNum>
"""
_LVL = """<w:lvl {ns} w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>
<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{left}" w:hanging="360"/></w:pPr>{font}</w:lvl>"""
_FONT = '<w:rPr><w:rFonts w:ascii="{0}" w:hAnsi="{0}" w:hint="default"/></w:rPr>'


def _lvl(ilvl: int, fmt: str, text: str, left: int, font: str | None = None) -> str:
    rpr = _FONT.format(font) if font else ""
    return _LVL.format(ns=nsdecls("w"), ilvl=ilvl, fmt=fmt, text=text, left=left, font=rpr)


def _numbering(document: docx.document.Document) -> None:
    """Add the list definitions: abstract 20-25, list instances 101-107 (106 restarts the lettered list); the
    template's own definitions keep their numbers."""
    numbering = document.part.numbering_part.element
    abstracts = {
        20: _lvl(0, "upperRoman", "%1.", 0),
        21: _lvl(0, "decimal", "%1.", 0),
        22: _lvl(0, "bullet", "\uf0b7", 720, "Symbol") + _lvl(1, "bullet", "o", 1440, "Courier New"),
        23: _lvl(0, "decimal", "%1.", 0),
        24: _lvl(0, "lowerLetter", "%1)", 360),
        25: _lvl(0, "decimal", "%1.", 0),
    }
    first_num = numbering.find(qn("w:num"))
    for abstract_id, levels in abstracts.items():
        element = parse_xml(_ABSTRACT.format(ns=nsdecls("w"), id=abstract_id, levels=levels))
        if first_num is not None:
            first_num.addprevious(element)
        else:
            numbering.append(element)
    instances = {101: 20, 102: 21, 103: 22, 104: 23, 105: 24, 106: 24, 107: 25}
    for num_id, abstract_id in instances.items():
        restart = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>' if num_id == 106 else ""
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{restart}</w:num>'
            )
        )
    # The agency headings' numbering comes from their paragraph style.
    styles = document.styles.element
    styles.append(
        parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:styleId="AgencyHeading"><w:name w:val="Agency Heading"/>'
            '<w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="102"/></w:numPr></w:pPr>'
            "<w:rPr><w:b/></w:rPr></w:style>"
        )
    )


def _number(paragraph: docx.text.paragraph.Paragraph, num_id: int, ilvl: int = 0) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def _typed_label(kind: str, counters: dict[str, int]) -> str:
    if kind in ("task", "detail"):
        return "-" if kind == "task" else "+"
    counters[kind] = counters.get(kind, 0) + 1
    if kind == "group":
        counters["unit"] = 0
    value = counters[kind]
    if kind == "section":
        return ["I", "II", "III", "IV", "V"][value - 1] + "."
    if kind == "unit":
        return "abcdefgh"[value - 1] + ")"
    return f"{value}."


def write_plan(lines: list[Line], path: Path, lists: bool) -> Path:
    """The plan as a Word file, its labels typed (``lists`` False) or made by Word's list numbering."""
    document = docx.Document()
    if lists:
        _numbering(document)
    counters: dict[str, int] = {}
    groups = 0
    for kind, text in lines:
        if kind == "p":
            document.add_paragraph(text)
            continue
        if not lists:
            bold = kind in ("section", "agency", "group", "unit")
            document.add_paragraph().add_run(f"{_typed_label(kind, counters)} {text}").bold = bold
            continue
        if kind == "agency":
            document.add_paragraph(style=document.styles["Agency Heading"]).add_run(text).bold = True
            continue
        paragraph = document.add_paragraph()
        paragraph.add_run(text).bold = kind in ("section", "group", "unit")
        if kind == "group":
            groups += 1
        num_id = 106 if kind == "unit" and groups > 1 else _NUM[kind]
        _number(paragraph, num_id, _LEVEL.get(kind, 0))
    document.save(str(path))
    return path


def number_cells(document: docx.document.Document, cells: list[docx.table._Cell]) -> None:
    """Number these table cells with Word's list numbering ("1.", "2.", ...), their text left empty."""
    numbering = document.part.numbering_part.element
    if not any(num.get(qn("w:numId")) == "107" for num in numbering.iterchildren(qn("w:num"))):
        _numbering(document)
    for cell in cells:
        _number(cell.paragraphs[0], _NUM["cell"])
