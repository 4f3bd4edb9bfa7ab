"""Table repairs and appendix rows, on small tables written here (not the samples)."""

from pathlib import Path

from extractors.appendix import extract_appendix, group_title_of, normalize_stt
from extractors.model import Block, BlockKind, Cell, Document, Row
from extractors.tables import find_appendix_tables
from tests.conftest import text_document

TASK_HEADER = "TT\tNội dung nhiệm vụ\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời hạn hoàn thành\tSản phẩm"


def test_task_table_split_by_a_page_break_with_footnote_and_repeated_header():
    document = text_document(
        [
            "PHỤ LỤC II",
            TASK_HEADER,
            "<b>I</b>\t<b>Chuyển đổi số y tế</b>\t\t\t\t",
            "1.\tXây dựng bệnh án điện tử\tSở Y tế\tBảo hiểm xã hội tỉnh\tQuý III/2027\tBệnh án điện tử",
            "2.\tKết nối dữ liệu tiêm chủng với\tSở Y tế\tCông an tỉnh\tTháng 6/\t",
            "",
            "<sup>5</sup> Ghi chú mà ngắt trang để rơi vào giữa bảng.",
            "",
            TASK_HEADER,
            "\tCơ sở dữ liệu dân cư\t\t\t2027\tDữ liệu được kết nối",
            "3.\tTập huấn cán bộ y tế\tSở Y tế\t\tHằng năm\t",
        ]
    )
    rows = extract_appendix(document)["tasks"]
    assert [(r.group, r.group_title, r.stt) for r in rows] == [
        ("I", "Chuyển đổi số y tế", "1"),
        ("I", "Chuyển đổi số y tế", "2"),
        ("I", "Chuyển đổi số y tế", "3"),
    ]
    split = rows[1].cells
    assert split["task"] == "Kết nối dữ liệu tiêm chủng với Cơ sở dữ liệu dân cư"
    assert split["deadline"] == "Tháng 6/ 2027"
    assert split["output"] == "Dữ liệu được kết nối"
    assert all("Ghi chú" not in text for row in rows for text in row.cells.values())
    assert [r.position for r in rows] == [0, 1, 2]


def test_a_piece_opening_with_a_data_row_that_names_columns_continues_the_table():
    """A data row's cells may hold header words ("kết quả", "thời gian"): it is no header, the table goes on."""
    header = Row(cells=[Cell(t) for t in ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian", "Kết quả")])
    first = Row(cells=[Cell(t) for t in ("1.", "Số hóa hồ sơ", "Sở Nội vụ", "Năm 2027", "Kho dữ liệu")])
    data = Row(
        cells=[
            Cell(t)
            for t in ("2.", "Báo cáo kết quả thực hiện nhiệm vụ", "Sở Tài chính", "Thời gian: quý IV", "Kết quả")
        ]
    )
    pieces = [Block(BlockKind.TABLE, rows=[header, first]), Block(BlockKind.TABLE, rows=[data])]
    [table] = find_appendix_tables(Document(Path("mem.pdf"), "pdf", "0" * 64, pieces))
    assert [row.texts[0] for row in table.rows] == ["1.", "2."]


def test_the_line_numbering_the_columns_is_no_task():
    document = text_document(
        [
            TASK_HEADER,
            "(1)\t(2)\t(3)\t(4)\t(5)\t(6)",
            "1.\tLập bản đồ số các điểm du lịch\tSở Văn hóa, Thể thao và Du lịch\t\tNăm 2028\tBản đồ số",
        ]
    )
    rows = extract_appendix(document)["tasks"]
    assert [(row.stt, row.cells["task"]) for row in rows] == [("1", "Lập bản đồ số các điểm du lịch")]


def test_text_between_pieces_ends_the_table():
    document = text_document(
        [
            TASK_HEADER,
            "1.\tViệc thứ nhất\tSở Xây dựng\t\tNăm 2027\t",
            "",
            "Đoạn văn bản thường nằm giữa hai bảng.",
            "",
            "A\tB\tC\tD\tE\tF",
            "\tkhông phải phần tiếp theo\t\t\t\t",
        ]
    )
    [table] = find_appendix_tables(document)
    assert len(table.rows) == 1


def test_targets_table_two_level_header_takes_years_from_the_second_line():
    document = text_document(
        [
            "STT\tCHỈ TIÊU\tĐVT\tKẾT QUẢ CẦN ĐẠT\t\tCƠ QUAN THEO DÕI",
            "\t\t\tNăm 2025\tĐến năm 2028\t",
            "<b>III</b>\t<b>Công dân số</b>\t\t\t\t",
            "1.\tTỷ lệ người dân có chữ ký số\t%\t30\t-\tSở Khoa học và Công nghệ",
            "7.\tSố điểm truy cập công cộng\tđiểm\t\t12\tUBND cấp xã",
            "9.\tTỷ lệ hồ sơ số hóa\t%\t≥40\t70\tVăn phòng UBND tỉnh",
            "7.\tChỉ tiêu đánh số lặp lại\t%\t1\t2\tSở Nội vụ",
        ]
    )
    [table] = find_appendix_tables(document)
    assert table.kind == "targets"
    assert table.years == {3: 2025, 4: 2028}
    rows = extract_appendix(document)["targets"]
    assert [r.stt for r in rows] == ["1", "7", "9", "7"]  # numbering mistakes kept as printed
    assert rows[0].values == [(2025, "30"), (2028, "-")]
    assert rows[0].cells["unit"] == "%"
    assert rows[1].cells["tracking"] == "UBND cấp xã"
    assert {r.group for r in rows} == {"III"}


def test_a_table_without_known_header_is_not_an_appendix():
    document = text_document(["Họ tên\tChức vụ", "Nguyễn Văn A\tGiám đốc"])
    assert find_appendix_tables(document) == []


def test_vertical_merge_gives_the_cell_above_to_the_rows_below():
    header = Row([Cell("STT"), Cell("Nhiệm vụ"), Cell("Cơ quan chủ trì")])
    first = Row([Cell("1"), Cell("Rà soát"), Cell("Sở Tư pháp")])
    second = Row([Cell("2"), Cell("Công bố"), Cell(merged="up")])
    document = Document(Path("m.docx"), "docx", "0" * 64, [Block(BlockKind.TABLE, rows=[header, first, second])])
    rows = extract_appendix(document)["tasks"]
    assert [r.cells["lead"] for r in rows] == ["Sở Tư pháp", "Sở Tư pháp"]


def test_stt_and_group_rows():
    assert normalize_stt(" 12. ") == "12"
    assert normalize_stt("") is None
    assert group_title_of(Row([Cell("IV"), Cell("Hợp tác quốc tế"), Cell(""), Cell("")])) == "Hợp tác quốc tế"
    assert group_title_of(Row([Cell("IV"), Cell("Việc"), Cell("Sở Y tế")])) is None
    assert group_title_of(Row([Cell("4"), Cell("Hợp tác quốc tế")])) is None


def test_header_repeated_inside_one_table_is_dropped_and_marks_a_page_break():
    """Word files converted from print carry the header again mid-table, then the split row's remainder."""
    header = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian thực hiện"]
    rows = [
        header,
        ["1", "Chuẩn hóa dữ liệu đất đai và", "Sở Nông nghiệp và Môi trường", "Tháng 9/"],
        header,
        ["", "dữ liệu dân cư", "", "2027"],
        ["2", "Công khai kết quả", "Văn phòng UBND tỉnh", "Năm 2028"],
    ]
    table = Block(BlockKind.TABLE, rows=[Row([Cell(text) for text in row]) for row in rows])
    document = Document(Path("m.docx"), "docx", "0" * 64, [table])
    found = extract_appendix(document)["tasks"]
    assert [(r.stt, r.cells["task"], r.cells["deadline"]) for r in found] == [
        ("1", "Chuẩn hóa dữ liệu đất đai và dữ liệu dân cư", "Tháng 9/ 2027"),
        ("2", "Công khai kết quả", "Năm 2028"),
    ]
