"""The linear-time POS feature builder gives underthesea's features and tags exactly (new sentences)."""

from __future__ import annotations

import pytest
from underthesea import pos_tag as underthesea_pos_tag
from underthesea import word_tokenize
from underthesea.pipeline.pos_tag.model_crf import CRFPOSTagPredictor

from normalizers import pos_tagging
from normalizers.pos_tagging import _compile, _tagger, features, pos_tag

SENTENCES = [
    "Sở Nông nghiệp và Môi trường chủ trì, phối hợp với Ban Dân tộc tỉnh rà soát dữ liệu hộ nghèo.",
    "UBND các xã, phường phối hợp; báo cáo kết quả về Văn phòng Đề án trước ngày 15/9/2027",
    "Hoàn thành trong Quý III năm 2028 theo hướng dẫn của Bộ Khoa học và Công nghệ",
    "Thực hiện thường xuyên, hằng năm",
    "A",
    "Các  doanh nghiệp   viễn thông ,  Bưu điện tỉnh",
    "2027 2028 2029 12/2030",
    "Ủy ban nhân dân thành phố Hải Phòng ban hành Kế hoạch số 321/KH-UBND",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_features_are_underthesea_s_own(sentence: str) -> None:
    loaded = _tagger()
    assert loaded is not None, "underthesea's POS internals have changed: the fast path is off"
    _, templates = loaded
    words = word_tokenize(sentence)
    transformer = CRFPOSTagPredictor.Instance().transformer
    expected = transformer.transform([[(word, "X") for word in words]])[0][0]
    assert features(words, templates) == expected


@pytest.mark.parametrize("sentence", SENTENCES)
def test_tags_are_underthesea_s_own(sentence: str) -> None:
    assert pos_tag(sentence) == [tuple(pair) for pair in underthesea_pos_tag(sentence)]


def test_a_long_sentence_is_tagged_like_underthesea() -> None:
    sentence = " ".join(SENTENCES * 6)
    assert pos_tag(sentence) == [tuple(pair) for pair in underthesea_pos_tag(sentence)]


def test_empty_text_has_no_words() -> None:
    assert pos_tag("") == []


def test_underthesea_is_used_when_its_internals_differ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pos_tagging, "_tagger", lambda: None)
    sentence = SENTENCES[0]
    assert pos_tag(sentence) == [tuple(pair) for pair in underthesea_pos_tag(sentence)]


def test_a_template_this_builder_does_not_know_is_refused() -> None:
    with pytest.raises(KeyError):
        _compile("T[0].is_in_dict")
    with pytest.raises(ValueError, match="not an underthesea feature template"):
        _compile("W[0]")
