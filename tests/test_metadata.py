from extractors.metadata import extract_metadata, parse_doc_number, parse_place_date
from tests.conftest import text_document


def _meta(lines: list[str]):
    return extract_metadata(text_document(lines))


def test_quyet_dinh_carrying_a_plan():
    meta = _meta(
        [
            "Số: 1502/QĐ-UBND",
            "Quảng Ninh, ngày 05 tháng 8 năm 2026",
            "QUYẾT ĐỊNH",
            "Về việc ban hành Kế hoạch triển khai Đề án 06 giai đoạn 2026 – 2030 trên địa bàn tỉnh Quảng Ninh",
            "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH",
            "Căn cứ Luật Tổ chức chính quyền địa phương;",
            "I. MỤC ĐÍCH",
            "KẾ HOẠCH",
        ]
    )
    assert meta.doc_type == "Quyết định"
    assert meta.doc_number == "1502/QĐ-UBND"
    assert meta.issued_date == "2026-08-05"
    assert meta.province == "Quảng Ninh"
    assert meta.jurisdiction == "tỉnh"
    assert meta.period == "2026-2030"
    assert (
        meta.title == "Về việc ban hành Kế hoạch triển khai Đề án 06 giai đoạn 2026 – 2030 trên địa bàn tỉnh Quảng Ninh"
    )


def test_city_with_blank_number_and_date():
    meta = _meta(
        [
            "Số: /KH-UBND",
            "Cần Thơ, ngày    tháng    năm 2027",
            "KẾ HOẠCH LIÊN TỊCH",
            "Ứng dụng dữ liệu dân cư trên địa bàn thành phố Cần Thơ",
            "Thực hiện chỉ đạo của Ủy ban nhân dân thành phố Cần Thơ giai đoạn 2027-2029;",
        ]
    )
    assert meta.doc_type == "Kế hoạch liên tịch"
    assert meta.doc_number is None
    assert meta.issued_date is None
    assert (meta.province, meta.jurisdiction) == ("Cần Thơ", "thành phố")
    assert meta.period == "2027-2029"


def test_number_and_place_date_parsers():
    assert parse_doc_number("Số: 45 /KHPH-BCA-UBND") == (True, "45/KHPH-BCA-UBND")
    assert parse_doc_number("Số /KH-UBND") == (True, None)
    assert parse_doc_number("Không có số") == (False, None)
    assert parse_place_date("Số 9/KH-UBND Bắc Ninh, ngày 31 tháng 2 năm 2026") == ("Bắc Ninh", None)  # 31/2
    assert parse_place_date("Huế, ngày 1 tháng 12 năm 2025") == ("Huế", "2025-12-01")


def test_title_stops_at_an_appendix_heading_and_province_is_a_known_name():
    title = "Ứng dụng dữ liệu dân cư giai đoạn 2026 - 2030, tầm nhìn đến năm 2035 trên địa bàn tỉnh Lạng Sơn"
    meta = _meta(
        [
            "Số: 12/KH-UBND",
            "Lạng Sơn, ngày 5 tháng 3 năm 2027",
            "KẾ HOẠCH",
            title,
            "**Phụ lục**",
            "I. MỤC ĐÍCH",
        ]
    )
    assert meta.title == title
    assert (meta.province, meta.jurisdiction) == ("Lạng Sơn", "tỉnh")
    assert (meta.period, meta.vision_year) == ("2026-2030", 2035)
