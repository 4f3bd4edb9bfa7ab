"""The province list (``normalizers/data/provinces.yaml``) is well formed."""

from __future__ import annotations

import unicodedata
from importlib import resources

import yaml


def _provinces() -> dict[str, list[str]]:
    text = resources.files("normalizers").joinpath("data", "provinces.yaml").read_text(encoding="utf-8")
    data: dict[str, list[str]] = yaml.safe_load(text)
    return data


def test_34_current_units_and_63_before_the_merger() -> None:
    data = _provinces()
    assert len(data["current"]) == 34
    # Before 2025 there were 63 units; Huế was then named Thừa Thiên Huế.
    assert len(data["current"]) + len(data["former"]) == 63 + 1


def test_names_are_unique_nfc_and_non_empty() -> None:
    names = [*_provinces()["current"], *_provinces()["former"]]
    assert len(names) == len(set(names))
    assert all(isinstance(name, str) and name.strip() == name and name for name in names)
    assert all(unicodedata.is_normalized("NFC", name) for name in names)
    assert not [name for name in names if name.lower().startswith(("tỉnh", "thành phố"))]
