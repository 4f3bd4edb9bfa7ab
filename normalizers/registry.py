"""The agency registry (``data/agencies.yaml``) loaded and expanded into concrete aliases.

Every alias is expanded over its placeholders ({j}, {n}, {province}) and over the abbreviations
documents use, and reduced to a matching key (see ``normalizers.vietnamese``): the sequence of
word keys with commas and hyphens left out, so "Sở Văn hóa, Thể thao và Du lịch" and
"Sở Văn hoá Thể thao và Du lịch" are one key.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from normalizers.data_files import load_rules
from normalizers.vietnamese import tokenize, word_key

JURISDICTION_WORDS = ("tỉnh", "thành phố")
DEFAULT_JURISDICTION = "tỉnh"
# Left out of matching keys: they join the words of one name as often as they separate two names.
KEY_SKIPPED = frozenset({",", "-", "–", "—"})
ROMAN_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")


class RegistryError(ValueError):
    """The registry data is inconsistent (a file a person edits: say exactly what is wrong)."""


@dataclass(frozen=True)
class Agency:
    id: str
    name: str | dict[str, str]
    kind: str
    level: str
    collective: bool = False
    aliases: tuple[str, ...] = ()
    successor: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    numbers: tuple[int, int] | None = None

    def canonical_name(self, jurisdiction: str | None, bindings: Mapping[str, str]) -> str:
        """The dataset's name for this agency in a plan of ``jurisdiction`` ("tỉnh"/"thành phố")."""
        word = jurisdiction or bindings.get("j") or DEFAULT_JURISDICTION
        template = self.name if isinstance(self.name, str) else self.name.get(word, next(iter(self.name.values())))
        return template.format_map({"j": word, "n": bindings.get("n", "{n}"), "province": bindings.get("province", "")})


@dataclass(frozen=True)
class AliasMatch:
    """What one alias key stands for: the agency and the placeholder values the alias fixed."""

    agency: Agency
    bindings: tuple[tuple[str, str], ...] = ()
    text: str = ""

    @property
    def binding_map(self) -> dict[str, str]:
        return dict(self.bindings)


@dataclass
class Registry:
    agencies: dict[str, Agency]
    abbreviations: dict[str, list[str]]
    head_words: list[str]
    restorable_heads: list[str]
    qualifiers: set[str]
    provinces: list[str]
    aliases: dict[tuple[str, ...], AliasMatch] = field(default_factory=dict)

    def is_canonical_name(self, agency_id: str | None, name: str) -> bool:
        """True when ``name`` is one of the registry's names for the agency (any jurisdiction, number, province)."""
        agency = self.agencies.get(agency_id or "")
        if agency is None:
            return False
        templates = [agency.name] if isinstance(agency.name, str) else list(agency.name.values())
        return any(_template_pattern(template).fullmatch(name) for template in templates)

    def successor_name(self, agency: Agency, jurisdiction: str | None) -> str | None:
        if agency.successor is None:
            return None
        return self.agencies[agency.successor].canonical_name(jurisdiction, {})


def match_key(text: str) -> tuple[str, ...]:
    """The matching key of a phrase: word keys, commas and hyphens left out."""
    return tuple(token.key for token in tokenize(text) if token.text not in KEY_SKIPPED)


def numbers_in(text: str) -> list[int]:
    """The numbers a name carries, however written: "Khu vực 02", "khu vực II", "Cục C06"."""
    numbers: list[int] = []
    for token in tokenize(text):
        if token.text in ROMAN_NUMERALS:
            numbers.append(ROMAN_NUMERALS.index(token.text) + 1)
        else:
            numbers += [int(digits) for digits in re.findall(r"\d+", token.text)]
    return numbers


def _number_forms(number: int) -> list[str]:
    forms = [str(number), f"{number:02d}"]
    if number <= len(ROMAN_NUMERALS):
        forms.append(ROMAN_NUMERALS[number - 1])
    return list(dict.fromkeys(forms))


def _expand_placeholders(alias: str, agency: Agency, provinces: list[str]) -> Iterator[tuple[str, dict[str, str]]]:
    """Each concrete text of ``alias`` with the placeholder values it used."""
    choices: list[list[tuple[str, str, str]]] = []  # per placeholder: (name, value written, canonical value)
    if "{j}" in alias:
        choices.append([("j", word, word) for word in JURISDICTION_WORDS])
    if "{n}" in alias:
        if agency.numbers is None:
            raise RegistryError(f"agency {agency.id!r}: alias {alias!r} uses {{n}} but the entry has no `numbers`")
        first, last = agency.numbers
        choices.append([("n", form, str(n)) for n in range(first, last + 1) for form in _number_forms(n)])
    if "{province}" in alias:
        choices.append([("province", name, name) for name in provinces])
    for combination in itertools.product(*choices):
        written = {name: value for name, value, _ in combination}
        canonical = {name: value for name, _, value in combination}
        yield alias.format_map({"j": "{j}", "n": "{n}", "province": "{province}", **written}), canonical


def _abbreviated_variants(text: str, abbreviations: Mapping[str, list[str]]) -> set[str]:
    """``text`` with every combination of its full forms replaced by their abbreviations."""
    variants = {text}
    for full, shorts in sorted(abbreviations.items(), key=lambda item: -len(item[0])):
        for variant in list(variants):
            if full.casefold() in variant.casefold():
                start = variant.casefold().index(full.casefold())
                for short in shorts:
                    variants.add(variant[:start] + short + variant[start + len(full) :])
    return variants


def _agency(data: Mapping[str, Any]) -> Agency:
    missing = [key for key in ("id", "name", "kind", "level") if key not in data]
    if missing:
        raise RegistryError(f"agency entry {data!r} lacks {', '.join(missing)}")
    numbers = data.get("numbers")
    return Agency(
        id=str(data["id"]),
        name=data["name"] if isinstance(data["name"], dict) else str(data["name"]),
        kind=str(data["kind"]),
        level=str(data["level"]),
        collective=bool(data.get("collective", False)),
        aliases=tuple(str(alias) for alias in data.get("aliases") or ()),
        successor=data.get("successor"),
        valid_from=data.get("valid_from"),
        valid_to=data.get("valid_to"),
        numbers=(int(numbers[0]), int(numbers[1])) if numbers else None,
    )


@cache
def _template_pattern(template: str) -> re.Pattern[str]:
    """A canonical-name template as a pattern: each {placeholder} stands for any non-empty text."""
    parts = re.split(r"\{(?:j|n|province)\}", template)
    return re.compile(".+".join(re.escape(part) for part in parts))


def _all_names(agency: Agency) -> list[str]:
    names = [agency.name] if isinstance(agency.name, str) else list(agency.name.values())
    return list(dict.fromkeys([*names, *agency.aliases]))


def build_registry(data: Mapping[str, Any], provinces: list[str]) -> Registry:
    """Check the registry data and index every concrete alias key."""
    agencies: dict[str, Agency] = {}
    for entry in data.get("agencies") or []:
        agency = _agency(entry)
        if agency.id in agencies:
            raise RegistryError(f"agency id {agency.id!r} is used twice")
        agencies[agency.id] = agency
    for agency in agencies.values():
        if agency.successor is not None and agency.successor not in agencies:
            raise RegistryError(f"agency {agency.id!r}: successor {agency.successor!r} is not in the registry")
    registry = Registry(
        agencies=agencies,
        abbreviations={str(k): [str(v) for v in vs] for k, vs in (data.get("abbreviations") or {}).items()},
        head_words=[str(word) for word in data.get("head_words") or []],
        restorable_heads=[str(word) for word in data.get("restorable_heads") or []],
        qualifiers={word_key(str(word)) for word in data.get("qualifiers") or []},
        provinces=provinces,
    )
    for agency in agencies.values():
        for alias in _all_names(agency):
            for concrete, bindings in _expand_placeholders(alias, agency, provinces):
                for variant in _abbreviated_variants(concrete, registry.abbreviations):
                    key = match_key(variant)
                    known = registry.aliases.get(key)
                    if known is not None and known.agency.id != agency.id:
                        raise RegistryError(
                            f"alias {variant!r} of {agency.id!r} is also an alias of {known.agency.id!r}"
                        )
                    if known is None:
                        registry.aliases[key] = AliasMatch(agency, tuple(sorted(bindings.items())), variant)
    return registry


def _load_yaml(name: str) -> Any:
    return load_rules("normalizers", name)


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    """The registry shipped with vnplan (``normalizers/data/agencies.yaml`` and ``provinces.yaml``)."""
    return build_registry(_load_yaml("agencies.yaml"), province_names())


@lru_cache(maxsize=1)
def province_names() -> list[str]:
    """Every province and centrally run city, current and former (``data/provinces.yaml``)."""
    provinces_data = _load_yaml("provinces.yaml") or {}
    return list(dict.fromkeys([*provinces_data.get("current", []), *provinces_data.get("former", [])]))
