"""Document metadata from the first page: province, jurisdiction word, type, number, date, period, title.

The first page of a Vietnamese administrative document follows a fixed layout
(Nghị định 30/2020/NĐ-CP): "Số: 93/KH-UBND", "<Place>, ngày 30 tháng 6 năm
2023", the type in capitals ("KẾ HOẠCH"), then the title.  The words come from
``data/document_vocabulary.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Levenshtein

from extractors.layout import is_all_caps
from extractors.model import Block, Document
from normalizers.data_files import load_rules
from normalizers.registry import province_names
from normalizers.text import fold, fold_accents

FIRST_PAGE_BLOCKS = 25
_NUMBER = re.compile(r"(?:^|\s)Số\s*:?\s*(?P<num>[^\s/]*)\s*/\s*(?P<code>[^\s,;]+)")
_DATE = re.compile(
    r",\s*ngày\s*(?P<d>\d{1,2})?[\s._…]*tháng\s*(?P<m>\d{1,2})?[\s._…]*năm\s*(?P<y>(?:19|20)\d{2})",
    re.IGNORECASE,
)
_PERIOD = re.compile(r"giai\s+đoạn\s*(?P<a>(?:19|20)\d{2})\s*[-–—]\s*(?P<b>(?:19|20)\d{2})", re.IGNORECASE)
_VISION = re.compile(r"tầm\s+nhìn\s+(?:đến|tới)\s+năm\s*(?P<y>(?:19|20)\d{2})", re.IGNORECASE)
_SECTION_START = re.compile(r"^(?:[IVX]{1,4}\.|Điều\s+1\b)")
_BLANK_NUMBER = re.compile(r"^[\s._…]*$")
_PUNCTUATION = ",.;:()“”\"'"


@dataclass(frozen=True)
class DocumentVocabulary:
    doc_types: tuple[str, ...]
    body_openers: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    timeline_labels: frozenset[str] = frozenset()
    task_section_headings: tuple[str, ...] = ()
    task_labels: dict[str, str] = field(default_factory=dict)  # folded label -> task field
    task_unit_words: tuple[str, ...] = ()
    unit_count_notes: tuple[str, ...] = ()
    agency_heading_openers: tuple[str, ...] = ()  # folded, longest first
    plan_doc_types: frozenset[str] = frozenset()

    def is_plan_type(self, doc_type: str | None) -> bool:
        """Whether a document of this type carries a plan (``None``: no type heading was found)."""
        return doc_type is not None and doc_type in self.plan_doc_types

    @classmethod
    def load(cls, data: dict[str, Any]) -> DocumentVocabulary:
        return cls(
            doc_types=tuple(sorted(data["doc_types"], key=len, reverse=True)),
            body_openers=tuple(fold(word) for word in data["body_openers"]),
            jurisdictions=tuple(data["jurisdictions"]),
            timeline_labels=frozenset(fold(label) for label in data.get("timeline_labels", [])),
            task_section_headings=tuple(fold(phrase) for phrase in data.get("task_section_headings", [])),
            task_labels={fold(label): role for role, labels in data.get("task_labels", {}).items() for label in labels},
            task_unit_words=tuple(data.get("task_unit_words", [])),
            unit_count_notes=tuple(data.get("unit_count_notes", [])),
            agency_heading_openers=tuple(
                sorted((fold(phrase) for phrase in data.get("agency_heading_openers", [])), key=len, reverse=True)
            ),
            plan_doc_types=frozenset(data.get("plan_doc_types", [])),
        )


@lru_cache(maxsize=1)
def default_document_vocabulary() -> DocumentVocabulary:
    return DocumentVocabulary.load(load_rules("extractors", "document_vocabulary.yaml"))


@dataclass
class DocumentMetadata:
    province: str | None = None
    jurisdiction: str | None = None
    doc_type: str | None = None
    doc_number: str | None = None
    issued_date: str | None = None
    period: str | None = None
    vision_year: int | None = None
    title: str | None = None


def first_page(document: Document) -> list[Block]:
    """The text blocks before the first numbered section (or the first few blocks)."""
    blocks: list[Block] = []
    for block in document.text_blocks():
        if _SECTION_START.match(block.text) or len(blocks) >= FIRST_PAGE_BLOCKS:
            break
        blocks.append(block)
    return blocks


def parse_doc_number(text: str) -> tuple[bool, str | None]:
    """(found, number): 'Số: 93 /KH-UBND' -> (True, '93/KH-UBND'); a blank number -> (True, None)."""
    match = _NUMBER.search(text)
    if match is None:
        return False, None
    if _BLANK_NUMBER.match(match.group("num")):
        return True, None
    return True, f"{match.group('num')}/{match.group('code')}"


def parse_place_date(text: str) -> tuple[str | None, str | None] | None:
    """'Bắc Giang, ngày 12 tháng 3 năm 2027' -> ('Bắc Giang', '2027-03-12'); blank day -> date None."""
    match = _DATE.search(text)
    if match is None:
        return None
    place_words: list[str] = []
    for word in reversed(text[: match.start()].split()):
        if not word[:1].isupper() or any(ch in word for ch in "/-:"):
            break
        place_words.insert(0, word)
    place = " ".join(place_words) or None
    issued: str | None = None
    if match.group("d") and match.group("m"):
        try:
            issued = dt.date(int(match.group("y")), int(match.group("m")), int(match.group("d"))).isoformat()
        except ValueError:
            issued = None
    return place, issued


def _doc_type_and_rest(text: str, vocabulary: DocumentVocabulary) -> tuple[str, str] | None:
    """The type named by a capitalised heading ('KẾ HOẠCH PHỐI HỢP') and any text after it."""
    words = text.split()
    caps = 0
    while caps < len(words) and is_all_caps(words[caps].strip(":")):
        caps += 1
    if caps == 0:
        return None
    head = fold(" ".join(words[:caps]).rstrip(":"))
    for doc_type in vocabulary.doc_types:
        if head == fold(doc_type):
            return doc_type, " ".join(words[caps:])
    return None


def _names_after_jurisdiction(text: str, vocabulary: DocumentVocabulary) -> list[tuple[str, str]]:
    """Every '(tỉnh|thành phố) <Capitalised Name>' in the text as (jurisdiction, name)."""
    found: list[tuple[str, str]] = []
    words = text.split()
    # Only words that can open a jurisdiction word are looked at closely (the text is the whole document).
    openers = {jurisdiction.split()[0].lower() for jurisdiction in vocabulary.jurisdictions if jurisdiction.split()}
    for index in range(len(words)):
        if words[index].lower() not in openers:
            continue
        for jurisdiction in vocabulary.jurisdictions:
            size = len(jurisdiction.split())
            if " ".join(words[index : index + size]) not in (jurisdiction, jurisdiction.capitalize()):
                continue
            name: list[str] = []
            for follower in words[index + size : index + size + 4]:
                clean = follower.strip(_PUNCTUATION)
                if not clean[:1].isupper() or is_all_caps(clean):
                    break
                name.append(clean)
                if follower.rstrip(_PUNCTUATION) != follower:
                    break  # a comma or full stop ends the name
            if name:
                found.append((jurisdiction, _known_province_prefix(name)))
    return found


@lru_cache(maxsize=1)
def _known_provinces() -> frozenset[str]:
    return frozenset(fold(province) for province in province_names())


def _known_province_prefix(name: list[str]) -> str:
    """The longest start of ``name`` that is a known province ("Lạng Sơn Phụ" -> "Lạng Sơn"), else all of it."""
    known = _known_provinces()
    for size in range(len(name), 0, -1):
        if fold(" ".join(name[:size])) in known:
            return " ".join(name[:size])
    return " ".join(name)


def extract_metadata(document: Document, vocabulary: DocumentVocabulary | None = None) -> DocumentMetadata:
    vocabulary = vocabulary or default_document_vocabulary()
    meta = DocumentMetadata()
    head = first_page(document)
    place: str | None = None
    title_parts: list[str] = []
    in_title = False
    for block in head:
        text = block.text
        if meta.doc_type is None:
            found, number = parse_doc_number(text)
            if found and meta.doc_number is None:
                meta.doc_number = number
            place_date = parse_place_date(text)
            if place_date is not None and place is None:
                place, meta.issued_date = place_date
            typed = _doc_type_and_rest(text, vocabulary)
            if typed is not None:
                meta.doc_type, rest = typed
                in_title = True
                if rest:
                    title_parts.append(rest)
            continue
        if in_title:
            if fold(text).startswith(vocabulary.body_openers) or is_all_caps(text) or len(title_parts) >= 3:
                in_title = False
            else:
                title_parts.append(text)
    meta.title = " ".join(title_parts) or None
    everything = " ".join(block.text for block in document.text_blocks())
    meta.province, meta.jurisdiction = _province(place, meta.title or "", everything, vocabulary)
    if document.ocr_pages and meta.province is not None:
        meta.province = _nearest_known_province(meta.province)
    meta.period = _period(meta.title or "", " ".join(b.text for b in head), everything)
    meta.vision_year = _vision_year(meta.title or "", " ".join(b.text for b in head))
    return meta


def _nearest_known_province(name: str) -> str:
    """A province name OCR misread by a letter or a mark ("Sơn L2", "Thai Binh") as the one known province it
    stands for; the name as read when none, or more than one, is that near."""
    if fold(name) in _known_provinces():
        return name
    read = fold_accents(name)
    known = {province: fold_accents(province) for province in province_names()}
    near = {
        province
        for province, unmarked in known.items()
        if min(len(read), len(unmarked)) >= 4 and Levenshtein.distance(read, unmarked) <= 1
    }
    return near.pop() if len(near) == 1 else name


def _province(
    place: str | None, title: str, everything: str, vocabulary: DocumentVocabulary
) -> tuple[str | None, str | None]:
    mentions = _names_after_jurisdiction(f"{title} {everything}", vocabulary)
    names = Counter(name for _, name in mentions)
    province = place if place and place in names else (names.most_common(1)[0][0] if names else place)
    if province is None:
        return None, None
    words = Counter(jurisdiction for jurisdiction, name in mentions if name == province)
    return province, (words.most_common(1)[0][0] if words else None)


def _vision_year(*texts: str) -> int | None:
    """The "tầm nhìn đến năm 2035" horizon the plan's title or opening states beside its period."""
    for text in texts:
        match = _VISION.search(text)
        if match:
            return int(match.group("y"))
    return None


def _period(*texts: str) -> str | None:
    for text in texts:
        match = _PERIOD.search(text)
        if match:
            return f"{match.group('a')}-{match.group('b')}"
    return None
