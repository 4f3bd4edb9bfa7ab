"""Group numerals and row numbers of tables read by OCR, repaired from what they can be.

The first column of an appendix table numbers its rows: a roman numeral on each group row (I, II, ... X), an
arabic number on each data row (1., 2., ...), restarting in each group.  These numbers make the records' ids,
so a misread one ("Il" for II, "VINH" for VIII, "2" for 5) gives a record another id than the same plan's text
PDF gives it, or makes a group row a data row.  Tesseract misreads them more than any other text: a lone
numeral has no words around it to help the reading.

Each number cell is read twice (in its column, and with the other number cells of the page on one line:
:meth:`extractors.ocr.OcrPage.read_in_a_line`), and its value is what the readings and its neighbours allow:

* a group row's cell is read as a roman numeral after OCR's usual confusions are undone (``l``, ``1``, ``|`` for
  ``I``; ``H`` for ``II``; ``v`` for ``V``: ``extractors/data/ocr_confusions.yaml``).  The numeral that follows
  the previous group wins when a reading gives it, or when the readings would go back (a repeat, "II" after
  II) and one is a stroke from it ("II" for III).  Else a reading that goes forward (a gap) or starts again
  at I under a table's header (a new table) is kept; else, when no reading is a valid numeral, the numeral
  that follows the previous group if a reading is a letter or two from it ("VINH" for VIII);
* a data row's cell is read as a number the same way (``l`` for ``1``, ``O`` for ``0``); the number that
  follows the previous row wins when a reading gives it, or when the next row reads the number after it (both
  neighbours say so), else the first valid reading.

A cell that reads as neither ("a)", "-", "1.1") is left as read; so is one nothing can be said of.  The
numbering carries over from page to page, as a table does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Levenshtein

from extractors.layout import is_all_caps
from extractors.model import Block, Cell, Row
from normalizers.data_files import load_rules
from normalizers.text import strip_marks

_VALID_NUMERAL = re.compile(r"^X{0,3}(?:IX|IV|V?I{0,3})$")  # I to XXXIX: more groups than any plan has
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
_TRAILING = ".,:;)"
_LETTERED = re.compile(r"^\(?[a-zđ]\s*[.)]$")  # "a)", "b.": a sub-item, not a misread number
MAX_NUMERAL_DISTANCE = 2
"""A group cell no reading of which is a valid numeral is the expected numeral when its reading is at most this
many letters from it ("VINH" for VIII); a reading further off is left as read (the completeness check says
what is missing)."""


@dataclass(frozen=True)
class NumberConfusions:
    """The characters OCR reads for those of a roman numeral and of an arabic number (rules as data)."""

    roman: dict[str, str]
    arabic: dict[str, str]

    @classmethod
    def load(cls, data: dict[str, Any]) -> NumberConfusions:
        return cls(roman=dict(data["roman"]), arabic=dict(data["arabic"]))

    def as_numeral(self, reading: str) -> str:
        """The reading with the roman confusions undone, marks, spaces and trailing punctuation dropped."""
        return "".join(self.roman.get(char, char) for char in _bare(reading)).upper()

    def as_number(self, reading: str) -> str:
        return "".join(self.arabic.get(char, char) for char in _bare(reading))


@lru_cache(maxsize=1)
def default_confusions() -> NumberConfusions:
    return NumberConfusions.load(load_rules("extractors", "ocr_confusions.yaml"))


def _bare(reading: str) -> str:
    return strip_marks(reading).replace(" ", "").rstrip(_TRAILING)


def numeral_value(numeral: str) -> int | None:
    """The value of a valid roman numeral ("VIII" -> 8); None for anything else."""
    if not numeral or not _VALID_NUMERAL.match(numeral):
        return None
    values = [_ROMAN_VALUES[char] for char in numeral]
    return sum(-value if value < after else value for value, after in zip(values, [*values[1:], 0], strict=True))


def to_numeral(value: int) -> str:
    tens, ones = divmod(value, 10)
    return "X" * tens + ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"][ones]


_HEADING_NUMERAL_CHARS = frozenset("IVXLHlivx1|!")
"""What a section heading's numeral is read as: its own letters and the strokes OCR reads for them."""
_SECTION_HEADING = re.compile(r"^(\S{1,5}?)[.:]?\s+(\S.*)$")


def repair_section_headings(blocks: Sequence[Block], confusions: NumberConfusions | None = None) -> None:
    """The roman numerals of a scanned document's section headings ("IL MỤC ĐÍCH", "H. CÁC NHIỆM VỤ ...") set to
    the numerals they must be, in sequence, so the headings are known as sections ("I. MỤC ĐÍCH ...").

    A heading here is a paragraph read by OCR whose first word reads as a numeral once OCR's confusions are undone
    (or is a letter or two from one) and whose other words are capitals."""
    confusions = confusions or default_confusions()
    found: list[tuple[Block, str, NumberCell]] = []
    for block in blocks:
        match = _SECTION_HEADING.match(block.text) if not block.is_table and block.provenance.ocr else None
        if match is None or not is_all_caps(match.group(2)) or len(match.group(2).split()) < 2:
            continue
        token = _bare(match.group(1))
        if not token or not set(token) <= _HEADING_NUMERAL_CHARS or not any(char.isalpha() for char in token):
            continue  # a word ("ỦY BAN ..."), or an arabic-numbered heading ("1. MỤC ĐÍCH")
        found.append((block, match.group(2), NumberCell(Cell(match.group(1)), (match.group(1),), group=True)))
    NumberingRepair(confusions).repair([cell for _, _, cell in found])
    for block, title, cell in found:
        if numeral_value(cell.cell.text) is not None:
            block.text = f"{cell.cell.text}. {title}"


@dataclass
class NumberCell:
    """The first cell of one row of a scanned table, with every reading of it (the cell's own first)."""

    cell: Cell
    readings: tuple[str, ...]
    group: bool
    """The row is a group row (its numeral heads a group title spanning the row)."""
    first_in_table: bool = False
    """The row is the first under a table's header on its page: where a new table's numbering starts at I."""


def is_group_row(row: Row) -> bool:
    """A group row: a short first cell and one title; the title spans the row (the cells after it merged into
    it), or the first cell holds no digit and the title is the row's only other text."""
    cells = row.cells
    if len(cells) < 2 or not cells[0].text or len(_bare(cells[0].text)) > 5 or not cells[1].text:
        return False
    if len(cells) > 2 and all(cell.merged == "left" for cell in cells[2:]):
        return True
    others = {cell.text for cell in cells[1:] if cell.text}
    return len(others) == 1 and not any(char.isdigit() for char in cells[0].text)


class NumberingRepair:
    """The numbering of one document's scanned tables, carried from row to row and from page to page."""

    def __init__(self, confusions: NumberConfusions | None = None) -> None:
        self.confusions = confusions or default_confusions()
        self.group = 0
        """Value of the last group numeral (0 before the first)."""
        self.number = 0
        """Value of the last row number in the current group (0 at a group's start)."""

    def repair(self, cells: Sequence[NumberCell]) -> None:
        """Set each cell's text to the numeral or number it must be (see the module's rules), in table order."""
        for index, item in enumerate(cells):
            if item.group:
                self._repair_group(item, next((later for later in cells[index + 1 :] if later.group), None))
                continue
            following = cells[index + 1] if index + 1 < len(cells) and not cells[index + 1].group else None
            self._repair_number(item, following)

    def _numerals(self, item: NumberCell) -> list[str]:
        return [self.confusions.as_numeral(reading) for reading in item.readings if reading]

    def _repair_group(self, item: NumberCell, following: NumberCell | None = None) -> None:
        expected = self.group + 1
        numerals = self._numerals(item)
        values = [value for numeral in numerals if (value := numeral_value(numeral)) is not None]
        after = [] if following is None else [numeral_value(numeral) for numeral in self._numerals(following)]
        wanted = to_numeral(expected)
        distance = min((Levenshtein.distance(n, wanted) for n in numerals), default=MAX_NUMERAL_DISTANCE + 1)
        forward = [value for value in values if value > self.group or (value == 1 and item.first_in_table)]
        if expected in values or (distance <= 1 and (not forward or expected + 1 in after)):
            # read as it must be; or one stroke from it, where the reading goes back ("II" again) or where the
            # next numeral follows it ("IL" then "H.": I and II)
            value = expected
        elif values:
            value = (forward or values)[0]
        elif distance <= MAX_NUMERAL_DISTANCE:
            value = expected
        else:
            return
        item.cell.text = to_numeral(value)
        self.group, self.number = value, 0

    def _numbers(self, item: NumberCell) -> list[int]:
        numbers = [self.confusions.as_number(reading) for reading in item.readings if reading]
        return [int(number) for number in numbers if number.isdigit() and len(number) <= 3]

    def _repair_number(self, item: NumberCell, following: NumberCell | None) -> None:
        expected = self.number + 1
        values = self._numbers(item)
        if expected in values:
            value = expected
        elif following is not None and expected + 1 in self._numbers(following) and not _LETTERED.match(item.cell.text):
            value = expected  # both neighbours say so
        elif values:
            value = values[0]
        else:
            return
        dotted = any(reading.strip().endswith((".", ",")) for reading in item.readings)
        item.cell.text = f"{value}." if dotted else str(value)
        self.number = value
