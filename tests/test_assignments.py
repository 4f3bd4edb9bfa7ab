"""Lead and support read from assignment sentences, on sentences written here (other agencies and verbs)."""

from __future__ import annotations

import pytest

from normalizers.assignments import default_assignment_reader


def _read(*lines: str) -> tuple[list[str], list[str]]:
    assignment = default_assignment_reader().read(list(lines), jurisdiction="tỉnh")
    return [a.ref.name for a in assignment.lead], [a.ref.name for a in assignment.support]


def test_lead_role_subject_leads_and_partners_support():
    lead, support = _read(
        "Sở Nội vụ chủ trì, phối hợp với Sở Tài chính và các cơ quan, đơn vị có liên quan xây dựng đề án."
    )
    assert lead == ["Sở Nội vụ"]
    assert support == ["Sở Tài chính", "Các cơ quan, đơn vị có liên quan"]


def test_support_role_subject_supports_and_each_clause_has_its_own_subject():
    lead, support = _read("Sở Tư pháp chủ trì rà soát hồ sơ; Công an tỉnh, Bảo hiểm xã hội tỉnh phối hợp.")
    assert lead == ["Sở Tư pháp"]
    assert support == ["Công an tỉnh", "Bảo hiểm xã hội tỉnh"]


def test_a_clause_without_role_word_is_led_by_its_subject_and_its_objects_support():
    lead, support = _read("Sở Công Thương khuyến khích các doanh nghiệp ứng dụng định danh điện tử.")
    assert lead == ["Sở Công Thương"]
    assert support == ["Các doanh nghiệp"]


@pytest.mark.parametrize(
    "sentence",
    [
        "Sở Xây dựng chủ trì triển khai theo hướng dẫn của Bộ Xây dựng và Bộ Công an.",
        "Sở Xây dựng chủ trì vận hành tại Trung tâm Phục vụ hành chính công tỉnh.",
        "Sở Xây dựng chủ trì, báo cáo kết quả về Văn phòng UBND tỉnh.",
        "Sở Xây dựng chủ trì, đồng bộ dữ liệu với Bộ Xây dựng.",
    ],
)
def test_bodies_named_after_a_preposition_do_not_act(sentence):
    assert _read(sentence) == (["Sở Xây dựng"], [])


def test_a_clause_without_subject_adds_only_its_objects():
    lead, support = _read("C06 chủ trì cung cấp tài liệu; phối hợp Sở Nội vụ đánh giá an toàn thông tin.")
    assert lead == ["Cục Cảnh sát quản lý hành chính về trật tự xã hội"]
    assert support == ["Sở Nội vụ"]


def test_each_agency_once_and_a_lead_is_not_also_support():
    lead, support = _read(
        "Sở Y tế chủ trì, phối hợp với Công an tỉnh triển khai.",
        "Công an tỉnh chủ trì, phối hợp Sở Y tế và các doanh nghiệp; phối hợp với các doanh nghiệp kiểm thử.",
    )
    assert lead == ["Sở Y tế", "Công an tỉnh"]
    assert support == ["Các doanh nghiệp"]


def test_words_that_only_spell_a_registry_alias_are_not_agencies():
    # "tổ chức" (to organise) and "khám chữa bệnh" contain registry aliases of collective groups
    lead, support = _read(
        "Sở Nội vụ chủ trì, phối hợp với Sở Tài chính tổ chức tập huấn. Tổ chức đánh giá kết quả.",
        "Sở Y tế phối hợp điều chỉnh phần mềm khám chữa bệnh.",
    )
    assert lead == ["Sở Nội vụ"]
    assert support == ["Sở Tài chính", "Sở Y tế"]


def test_plural_groups_and_bare_nouns_confirmed_by_a_role_word():
    lead, support = _read("Doanh nghiệp phối hợp cấp chữ ký số; chính quyền địa phương phối hợp.")
    assert lead == []
    assert support == ["Các doanh nghiệp", "Ủy ban nhân dân các xã, phường"]


def test_parenthesised_notes_name_no_agency():
    lead, support = _read("Sở Nội vụ chủ trì triển khai (kể cả tài khoản ngân hàng của các doanh nghiệp).")
    assert (lead, support) == (["Sở Nội vụ"], [])


def test_a_subject_the_registry_does_not_know_is_kept_for_review():
    assignment = default_assignment_reader().read(
        ["Trung tâm Hỗ trợ khởi nghiệp sáng tạo tỉnh chủ trì, phối hợp với Sở Công Thương tổ chức cuộc thi."],
        jurisdiction="tỉnh",
    )
    (lead,) = assignment.lead
    assert lead.ref.raw == "Trung tâm Hỗ trợ khởi nghiệp sáng tạo tỉnh"
    assert not lead.ref.resolved and lead.review_reason is not None
    assert [a.ref.name for a in assignment.support] == ["Sở Công Thương"]


def test_a_province_name_after_an_agency_stays_in_its_raw_text():
    assignment = default_assignment_reader().read(["Công an tỉnh Quảng Trị chủ trì triển khai."], jurisdiction="tỉnh")
    (lead,) = assignment.lead
    assert (lead.ref.raw, lead.ref.name) == ("Công an tỉnh Quảng Trị", "Công an tỉnh")


def test_a_partner_the_registry_does_not_know_is_kept_for_review():
    assignment = default_assignment_reader().read(
        ["Sở Nội vụ chủ trì, phối hợp với Trung tâm Khuyến nông tỉnh xây dựng kế hoạch."], jurisdiction="tỉnh"
    )
    (partner,) = assignment.support
    assert partner.ref.raw == "Trung tâm Khuyến nông tỉnh"
    assert not partner.ref.resolved and partner.review_reason is not None


def test_what_a_lead_role_governs_is_an_activity_not_an_agency():
    assert _read("Sở Y tế chủ trì Hội nghị sơ kết; phối hợp tổ chức Hội thảo.") == (["Sở Y tế"], [])
