"""Legacy TCVN3/VNI text is repaired to Unicode; ordinary Unicode text is left alone."""

from __future__ import annotations

import unicodedata
from importlib import resources

import pytest
import yaml

from normalizers.encoding import _LEGACY_MARK, repair_legacy_encoding

SENTENCES = [
    "Ngân hàng Nhà nước chi nhánh khu vực 11 phối hợp với các tổ chức tín dụng",
    "Đoàn Thanh niên Cộng sản Hồ Chí Minh tổ chức tuyên truyền đến đoàn viên",
    "Hội Liên hiệp Phụ nữ hướng dẫn hội viên thực hiện chuyển đổi số",
    "Trường Đại học đào tạo nguồn nhân lực chất lượng cao cho địa phương",
    "Bảo đảm an toàn, an ninh mạng và bảo vệ dữ liệu cá nhân",
    "Quý IV năm 2025: hoàn thành việc rà soát, sửa đổi, bổ sung quy chế",
    "Khuyến khích người dân, doanh nghiệp ứng dụng thương mại điện tử",
    "Ưu tiên nguồn vốn cho các dự án trọng điểm, cấp bách",
    "Ứng dụng trí tuệ nhân tạo trong quản lý hồ sơ, giữ gìn bản sắc",
    "KẾ HOẠCH TRIỂN KHAI THỰC HIỆN NGHỊ QUYẾT",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM - Độc lập - Tự do - Hạnh phúc",
    "ĐẨY MẠNH CẢI CÁCH, ỨNG DỤNG KHOA HỌC VÀ CÔNG NGHỆ, ĐỔI MỚI SÁNG TẠO",
]


def _table(name: str) -> dict[str, str]:
    text = resources.files("normalizers").joinpath("data", "legacy_encodings.yaml").read_text(encoding="utf-8")
    table: dict[str, str] = yaml.safe_load(text)[name]
    return table


def encode(text: str, encoding: str) -> str:
    """``text`` as a legacy font writes it: every letter through the YAML forward table."""
    table = _table(encoding)
    return "".join(table.get(char, char) for char in unicodedata.normalize("NFC", text))


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("Uû ban nh©n d©n tØnh", "Uỷ ban nhân dân tỉnh"),
        ("Së Y tÕ", "Sở Y tế"),
        ("Ng©n hµng Nhµ n\u00adíc", "Ngân hàng Nhà nước"),
        ("§oµn Thanh niªn", "Đoàn Thanh niên"),
        ("Héi Li\u00aan hiÖp Phô n÷", "Hội Liên hiệp Phụ nữ"),
        ("Tr\u00adêng §¹i häc", "Trường Đại học"),
    ],
)
def test_tcvn3_is_decoded(legacy: str, unicode: str) -> None:
    assert repair_legacy_encoding(legacy) == unicode


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("UÛy ban nhaân daân", "Ủy ban nhân dân"),
        ("Sôû Taøi chính", "Sở Tài chính"),
        ("Coâng an tænh", "Công an tỉnh"),
        ("Ngaân haøng Nhaø nöôùc", "Ngân hàng Nhà nước"),
        ("Ñoaøn Thanh nieân", "Đoàn Thanh niên"),
        ("Hoäi Lieân hieäp Phuï nöõ", "Hội Liên hiệp Phụ nữ"),
        ("Tröôøng Ñaïi hoïc", "Trường Đại học"),
    ],
)
def test_vni_is_decoded(legacy: str, unicode: str) -> None:
    assert repair_legacy_encoding(legacy) == unicode


def test_capitals() -> None:
    assert repair_legacy_encoding("TRÖÔØNG ÑAÏI HOÏC") == "TRƯỜNG ĐẠI HỌC"  # VNI
    assert repair_legacy_encoding("ÑOAØN THANH NIEÂN") == "ĐOÀN THANH NIÊN"  # VNI
    assert repair_legacy_encoding("TR¦¥êNG §A¹I HOäC") == "TRƯỜNG ĐẠI HỌC"  # TCVN3: capital + lowercase tone glyph
    assert repair_legacy_encoding("§OAµN THANH NI£N") == "ĐOÀN THANH NIÊN"  # TCVN3


@pytest.mark.parametrize(
    "text",
    [
        "Sở Văn hóa, Thể thao và Du lịch",
        "Đẩy mạnh ứng dụng",
        "hoà hợp",
        "Bản quyền © 2024 Sở Thông tin và Truyền thông",  # a lone ©
        "Sở Văn hóa © Sở Du lịch ®",  # two marks, but the Unicode letters outweigh them
        "Hoàn thành việc rà soát trước ngày 30/6; Ông Nguyễn Văn Ấn",
    ],
)
def test_unicode_text_is_unchanged(text: str) -> None:
    assert repair_legacy_encoding(text) == text


def test_output_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Sở Văn hóa")
    assert repair_legacy_encoding(decomposed) == "Sở Văn hóa"
    assert unicodedata.is_normalized("NFC", repair_legacy_encoding("Ng©n hµng Nhµ n\u00adíc"))


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
@pytest.mark.parametrize("sentence", SENTENCES)
def test_round_trip(encoding: str, sentence: str) -> None:
    assert repair_legacy_encoding(encode(sentence, encoding)) == unicodedata.normalize("NFC", sentence)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_tables_cover_every_letter_once(encoding: str) -> None:
    table = _table(encoding)
    lower = [letter for letter in table if letter.islower()]
    assert len(lower) == 67 and len(table) == 134  # 12 vowels x 6 forms - 6 plain ASCII vowels + đ; both cases
    assert {letter.upper() for letter in lower} == {letter for letter in table if letter.isupper()}
    assert len(set(table.values())) == len(table)
    assert all(unicodedata.is_normalized("NFC", letter) for letter in table)


def test_legacy_marks_never_match_unicode_vietnamese() -> None:
    assert not [letter for letter in _table("tcvn3") if _LEGACY_MARK.search(letter)]
    assert not [sentence for sentence in SENTENCES if _LEGACY_MARK.search(sentence)]
