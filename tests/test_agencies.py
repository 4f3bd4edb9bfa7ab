"""Agency cells: splitting and resolution rules, each on small inputs written here.

The names are chosen to differ from the samples' (other departments, mass organisations, central
bodies, other State Bank regions, other provinces), so the rules, not the samples, are tested.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest
import yaml

from normalizers.agencies import (
    FUZZY_CONFIDENT,
    FUZZY_MIN,
    AgencyResolver,
    ResolvedAgency,
    default_resolver,
    split_agency_cell,
)
from normalizers.registry import RegistryError, build_registry, default_registry


def names(cell: str, jurisdiction: str | None = "tỉnh") -> list[str]:
    return [ref.name for ref in split_agency_cell(cell, jurisdiction=jurisdiction)]


def resolve(cell: str, jurisdiction: str | None = "tỉnh") -> list[ResolvedAgency]:
    return default_resolver().resolve_cell(cell, jurisdiction=jurisdiction)


# ----------------------------------------------------------------------------- splitting


def test_never_splits_inside_an_official_name_with_a_comma_or_va() -> None:
    cell = "Sở Giáo dục và Đào tạo, Sở Văn hóa, Thể thao và Du lịch, Hội Nông dân tỉnh"
    assert names(cell) == ["Sở Giáo dục và Đào tạo", "Sở Văn hóa, Thể thao và Du lịch", "Hội Nông dân tỉnh"]


def test_splits_on_semicolons_and_on_va_between_agencies() -> None:
    assert names("Sở Ngoại vụ; Sở Dân tộc và Tôn giáo và các đơn vị có liên quan") == [
        "Sở Ngoại vụ",
        "Sở Dân tộc và Tôn giáo",
        "Các cơ quan, đơn vị có liên quan",
    ]


def test_splits_two_names_run_together_without_a_separator() -> None:
    assert names("Thanh tra tỉnh Sở Ngoại vụ") == ["Thanh tra tỉnh", "Sở Ngoại vụ"]
    assert names("Bộ Chỉ huy Quân sự tỉnh\nViện kiểm sát nhân dân tỉnh") == [
        "Bộ Chỉ huy Quân sự tỉnh",
        "Viện kiểm sát nhân dân tỉnh",
    ]


def test_parenthesised_sub_unit_stays_with_its_parent() -> None:
    [ref] = split_agency_cell("Công an tỉnh (Phòng Cảnh sát quản lý hành chính về trật tự xã hội)", jurisdiction="tỉnh")
    assert ref.name == "Công an tỉnh"
    assert ref.sub_unit == "Phòng Cảnh sát quản lý hành chính về trật tự xã hội"
    assert ref.raw == "Công an tỉnh (Phòng Cảnh sát quản lý hành chính về trật tự xã hội)"


def test_a_unit_said_to_belong_to_an_agency_resolves_to_the_agency() -> None:
    [ref] = split_agency_cell("Phòng Hành chính tư pháp thuộc Sở Tư pháp")
    assert (ref.name, ref.sub_unit) == ("Sở Tư pháp", "Phòng Hành chính tư pháp")


def test_departments_and_localities_together_are_two_collective_refs() -> None:
    refs = split_agency_cell("Các sở, ban, ngành, địa phương liên quan", jurisdiction="tỉnh")
    assert [(ref.name, ref.collective) for ref in refs] == [
        ("Các sở, ban, ngành", True),
        ("Ủy ban nhân dân các xã, phường", True),
    ]
    assert refs[1].raw == "địa phương liên quan"


def test_an_unknown_name_with_a_comma_is_not_cut_in_two() -> None:
    [item] = resolve("Trung tâm Hỗ trợ phát triển, Xúc tiến đầu tư tỉnh")
    assert not item.ref.resolved
    assert item.ref.name == "Trung tâm Hỗ trợ phát triển, Xúc tiến đầu tư tỉnh"


def test_every_word_of_the_cell_is_kept_in_some_ref() -> None:
    cell = "Sở Ngoại vụ, Ban Chỉ đạo chuyển đổi số tỉnh; Hội Cựu chiến binh tỉnh và các hợp tác xã"
    raws = " ".join(ref.raw for ref in split_agency_cell(cell))
    for word in cell.replace(",", " ").replace(";", " ").split():
        if word != "và":
            assert word in raws


# ----------------------------------------------------------------------------- canonical names


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("VP UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
        ("Văn phòng Uỷ ban nhân dân tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
        ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
        ("BHXH tỉnh", "Bảo hiểm xã hội tỉnh"),
        ("TAND tỉnh", "Tòa án nhân dân tỉnh"),
        ("VKSND tỉnh", "Viện kiểm sát nhân dân tỉnh"),
        ("Ủy ban MTTQ Việt Nam tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
        ("UBMTTQ tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
        ("HĐND tỉnh", "Hội đồng nhân dân tỉnh"),
        ("sở tài chính", "Sở Tài chính"),
        ("Sở Văn hoá, thể thao và du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở Lao động Thương binh và Xã hội", "Sở Lao động - Thương binh và Xã hội"),
        ("Giáo dục và Đào tạo", "Sở Giáo dục và Đào tạo"),
        ("Thanh tra tỉnh Quảng Trị", "Thanh tra tỉnh"),
        ("Đoàn TNCS Hồ Chí Minh tỉnh", "Tỉnh đoàn"),
        ("Cục C06", "Cục Cảnh sát quản lý hành chính về trật tự xã hội"),
        ("Trung tâm dữ liệu quốc gia", "Trung tâm Dữ liệu quốc gia"),
        ("Bộ Quốc phòng", "Bộ Quốc phòng"),
        ("Hội Cựu chiến binh tỉnh", "Hội Cựu chiến binh tỉnh"),
        ("UBND các huyện, thị xã, thành phố", "Ủy ban nhân dân cấp huyện"),
        ("các nhà mạng", "Các doanh nghiệp viễn thông"),
        ("các doanh nghiệp có liên quan", "Các doanh nghiệp"),
    ],
)
def test_canonical_names(written: str, canonical: str) -> None:
    assert names(written) == [canonical]


@pytest.mark.parametrize(
    ("written", "region"),
    [
        ("NHNN Khu vực 7", 7),
        ("Ngân hàng Nhà nước Việt Nam Chi nhánh khu vực 03", 3),
        ("Ngân hàng nhà nước khu vực XIV", 14),
        ("Ngân hàng Nhà nước chi nhánh KV 9", 9),
    ],
)
def test_state_bank_regional_branches(written: str, region: int) -> None:
    assert names(written) == [f"Ngân hàng Nhà nước Chi nhánh Khu vực {region}"]


def test_local_bodies_take_the_plans_own_jurisdiction_word() -> None:
    assert names("Công an tỉnh, Tỉnh đoàn, Bảo hiểm xã hội", jurisdiction="thành phố") == [
        "Công an thành phố",
        "Thành đoàn",
        "Bảo hiểm xã hội thành phố",
    ]
    assert names("Văn phòng UBND thành phố", jurisdiction=None) == ["Văn phòng Ủy ban nhân dân thành phố"]


def test_elided_head_is_taken_from_the_name_before() -> None:
    assert names("Kho bạc Nhà nước tỉnh, khu vực 5") == ["Kho bạc Nhà nước tỉnh", "Kho bạc Nhà nước khu vực 5"]


def test_former_departments_name_their_successor() -> None:
    [ref] = split_agency_cell("Sở Kế hoạch và Đầu tư")
    assert (ref.name, ref.successor, ref.kind, ref.level) == (
        "Sở Kế hoạch và Đầu tư",
        "Sở Tài chính",
        "department",
        "province",
    )


def test_legacy_encoded_cells_are_read_as_unicode() -> None:
    assert names("Së Tµi chÝnh") == ["Sở Tài chính"]  # TCVN3
    assert names("Sôû Taøi chính") == ["Sở Tài chính"]  # VNI


# ----------------------------------------------------------------------------- fuzzy and unresolved


def test_a_typo_resolves_fuzzily() -> None:
    [item] = resolve("Sở Nông nghệp và Môi trường")
    assert item.ref.resolved and item.ref.name == "Sở Nông nghiệp và Môi trường"
    assert item.score is not None and FUZZY_CONFIDENT <= item.score < 100
    assert item.review_reason is None


def test_a_less_sure_fuzzy_match_is_kept_and_queued() -> None:
    [item] = resolve("Ngân hàng nhà Việt Nam Chi nhánh khu vực 4")
    assert item.ref.name == "Ngân hàng Nhà nước Chi nhánh Khu vực 4"
    assert item.score is not None and FUZZY_MIN <= item.score < FUZZY_CONFIDENT
    assert item.review_reason is not None and item.candidate == item.ref.name


def test_fuzzy_matching_never_changes_a_number() -> None:
    [item] = resolve("Ngân hàng Nhà nước chi nhánh khu vực 16")  # there are 15 regions
    assert not item.ref.resolved
    [item] = resolve("Ngân hàng Nhà nước chi nhánh khu vưc XVI")  # roman numerals are numbers too
    assert not item.ref.resolved


def test_fuzzy_matching_never_changes_the_head_word() -> None:
    [item] = resolve("Ban Tư pháp")  # one letter from "Bộ Tư pháp"/"Sở Tư pháp", but another body
    assert not item.ref.resolved


def test_unresolved_piece_keeps_its_text_and_is_queued() -> None:
    [item] = resolve("Ban Chỉ đạo chuyển đổi số tỉnh")
    assert item.ref.resolved is False
    assert item.ref.name == "Ban Chỉ đạo chuyển đổi số tỉnh"
    assert item.review_reason


def test_unresolved_plural_group_is_collective() -> None:
    [item] = resolve("các hợp tác xã")
    assert (item.ref.resolved, item.ref.collective) == (False, True)


def test_unknown_words_after_a_name_are_queued_for_review() -> None:
    [item] = resolve("Sở Ngoại vụ chủ trì")
    assert item.ref.name == "Sở Ngoại vụ"
    assert item.review_reason is not None and "chủ trì" in item.review_reason


# ----------------------------------------------------------------------------- the registry is data


def _shipped_registry_data() -> dict[str, Any]:
    text = resources.files("normalizers").joinpath("data", "agencies.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def test_adding_an_alias_is_a_one_line_data_change() -> None:
    provinces = default_registry().provinces
    before = AgencyResolver(build_registry(_shipped_registry_data(), provinces))
    assert not before.resolve_cell("Ngành Ngoại vụ")[0].ref.resolved

    data = _shipped_registry_data()
    entry = next(agency for agency in data["agencies"] if agency["id"] == "so-ngoai-vu")
    entry.setdefault("aliases", []).append("Ngành Ngoại vụ")  # the one line
    after = AgencyResolver(build_registry(data, provinces))
    assert after.resolve_cell("Ngành Ngoại vụ")[0].ref.name == "Sở Ngoại vụ"


def test_an_alias_claimed_by_two_agencies_is_an_error() -> None:
    data = _shipped_registry_data()
    data["agencies"].append({"id": "duplicate", "name": "Sở Y tế", "kind": "department", "level": "province"})
    with pytest.raises(RegistryError, match="also an alias"):
        build_registry(data, [])


def test_an_unknown_successor_is_an_error() -> None:
    data = {"agencies": [{"id": "a", "name": "Sở A", "kind": "department", "level": "province", "successor": "b"}]}
    with pytest.raises(RegistryError, match="successor"):
        build_registry(data, [])


def test_every_registry_name_resolves_to_itself() -> None:
    registry = default_registry()
    for agency in registry.agencies.values():
        if "{" in str(agency.name):
            continue
        [ref] = split_agency_cell(str(agency.name))
        assert (ref.name, ref.agency_id) == (agency.name, agency.id)
