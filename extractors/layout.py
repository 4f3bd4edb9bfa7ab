"""Layout cues shared by the readers: what makes a line a heading, a list item, a page number.

These are properties of Vietnamese administrative documents (Nghị định 30/2020
layout: roman-numeral section headings, all-caps titles, "-"/"+" bullets), not
of any one plan.
"""

from __future__ import annotations

import re

from extractors.model import Block, BlockKind

ROMAN_NUMERAL = re.compile(r"^(?=[IVXLC])M{0,3}(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
_ROMAN_HEADING = re.compile(r"^[IVXLC]{1,6}\s*[.)]\s+\S")
_LIST_MARKER = re.compile(r"^(?:[-+•–*]|\d{1,2}\)|[a-zđ]\))\s+")
_PAGE_NUMBER = re.compile(r"^\d{1,4}$")
_NUMBERING = re.compile(r"^\s*(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?(?=\s)|[a-zđ]\)|[-+•*–])\s*", re.IGNORECASE)
_NUMBERED_HEADING_MAX_WORDS = 14
_MAX_HEADING_WORDS = 30


def is_roman_numeral(text: str) -> bool:
    """'I', 'IV', 'XII' (an optional trailing dot allowed)."""
    return bool(ROMAN_NUMERAL.match(text.strip().rstrip(".")))


def is_all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def classify_line(text: str, *, bold: bool = False, marked_heading: bool = False) -> BlockKind:
    """Kind of a non-table line of plain text, from its wording and emphasis."""
    if marked_heading:
        return BlockKind.HEADING
    if _LIST_MARKER.match(text):
        return BlockKind.LIST_ITEM
    short = len(text.split()) <= _MAX_HEADING_WORDS
    if short and (is_all_caps(text) or _ROMAN_HEADING.match(text) or (bold and not text.endswith((".", ";")))):
        return BlockKind.HEADING
    return BlockKind.PARAGRAPH


def is_roman_heading(text: str) -> bool:
    """A section heading numbered with a roman numeral: "IV. NHIỆM VỤ CỤ THỂ ..."."""
    return bool(_ROMAN_HEADING.match(text.strip()))


def strip_numbering(text: str) -> str:
    """'3. Các sở ...' / '- Định kỳ ...' / 'a) ...' -> the text after the marker."""
    return _NUMBERING.sub("", text, count=1).strip()


def looks_like_heading(block: Block) -> bool:
    """A heading, or a short numbered line without a final stop ("4. Các Sở, ban, ngành, địa phương")."""
    if block.kind is BlockKind.HEADING:
        return True
    text = block.text.strip()
    numbered = _NUMBERING.match(text) is not None and not text.startswith(("-", "+", "•", "*", "–"))
    return numbered and len(text.split()) <= _NUMBERED_HEADING_MAX_WORDS and not text.endswith((".", ";", ":"))
