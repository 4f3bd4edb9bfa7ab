import unicodedata

from normalizers.text import clean_optional, clean_text, has_leading_footnote_marker


def test_markup_and_footnote_markers_are_removed():
    raw = "**Sở Tài chính** chủ trì <i>rà soát</i> văn bản<sup>7</sup>  theo   <a href='x'>hướng dẫn</a>"
    assert clean_text(raw) == "Sở Tài chính chủ trì rà soát văn bản theo hướng dẫn"


def test_heading_hashes_escapes_and_entities():
    assert clean_text("### III. NHIỆM VỤ") == "III. NHIỆM VỤ"
    assert clean_text(r"Số \_\_\_ /KH-UBND") == "Số ___ /KH-UBND"
    assert clean_text("Sở Công Thương &amp; Sở Xây dựng") == "Sở Công Thương & Sở Xây dựng"


def test_output_is_nfc():
    decomposed = unicodedata.normalize("NFD", "Quý IV năm 2027")
    assert clean_text(decomposed) == unicodedata.normalize("NFC", "Quý IV năm 2027")
    assert unicodedata.is_normalized("NFC", clean_text(decomposed))


def test_literal_asterisk_between_spaces_is_kept():
    assert clean_text("Tỷ lệ 5 * 3") == "Tỷ lệ 5 * 3"


def test_empty_and_dash_cells_are_null():
    assert clean_optional("  ") is None
    assert clean_optional(" - ") is None
    assert clean_optional("≥ 60") == "≥ 60"


def test_footnote_line_is_recognised():
    assert has_leading_footnote_marker("<sup>12</sup> Nghị định số 59/2022/NĐ-CP")
    assert not has_leading_footnote_marker("Nghị định<sup>12</sup> số 59")
