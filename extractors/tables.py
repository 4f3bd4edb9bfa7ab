"""Appendix tables: recognise them by their header and stitch page-split pieces back together.

A plan's appendix table is usually printed over many pages.  Depending on the
format it reaches us as one table (DOCX), as one table per page (PDF) or as
one tab-separated run per page with the header repeated (text exports), with
footnote text that a page break dropped between the pieces.  This module turns
all of those into one :class:`LogicalTable`: its header, its column roles and
its data rows, with the repeated headers dropped and the cells that a page
break split (a row whose STT cell is empty right after the break) joined back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from rapidfuzz import fuzz

from extractors.layout import is_page_number
from extractors.model import Block, BlockKind, Cell, Document, Row
from normalizers.data_files import load_rules
from normalizers.text import collapse_whitespace, fold, nfc, strip_marks

YEAR_ROLE = "year"


@dataclass(frozen=True)
class ColumnVocabulary:
    """The header words of each column role and the roles that define each table kind (rules as data)."""

    roles: dict[str, dict[str, list[str]]]
    year_column: re.Pattern[str]
    tables: dict[str, dict[str, list[str]]]
    row_number: re.Pattern[str]

    @classmethod
    def load(cls, data: dict[str, Any]) -> ColumnVocabulary:
        roles = {
            name: {key: [fold(word) for word in words] for key, words in spec.items()}
            for name, spec in data["roles"].items()
        }
        return cls(
            roles=roles,
            year_column=re.compile(data["year_column"]),
            tables=data["tables"],
            row_number=re.compile(data["row_number"]),
        )

    @cached_property
    def _unmarked_roles(self) -> dict[str, dict[str, list[str]]]:
        """The role words without their diacritics, "l" as "i": what a title read by OCR with a wrong mark, or
        with "l" for "I" ("THEO DÕl"), is matched with."""
        return {
            name: {key: [_unmarked(word) for word in words] for key, words in spec.items()}
            for name, spec in self.roles.items()
        }

    @cached_property
    def _unmarked_year_column(self) -> re.Pattern[str]:
        return re.compile(strip_marks(self.year_column.pattern))

    def role_of(self, header_text: str) -> str | None:
        """The role a column title names; a title whose words only differ by their diacritics ("ĐƠN VỊ TINH",
        "MỤC TIỂU": OCR's usual misreadings of a printed title) names the same role."""
        folded = fold(header_text)
        return _matching_role(folded, self.roles) or _matching_role(_unmarked(folded), self._unmarked_roles)

    @cached_property
    def _any_header_word(self) -> re.Pattern[str]:
        words = [w for spec in self.roles.values() for w in spec.get("contains", [])]
        tokens = [w for spec in self.roles.values() for w in spec.get("equals", [])]
        alternatives = [*map(re.escape, words), *(rf"\b{re.escape(token)}\b" for token in tokens)]
        return re.compile("|".join(alternatives) + r"|\bnăm\s+(?:19|20)\d\d\b", re.IGNORECASE)

    def mentions_a_column(self, text: str) -> bool:
        """Whether ``text`` holds any header word or a year ("Năm 2030"): one regular expression, for the quick
        look at every line of a page that decides whether it may hold a table header."""
        return self._any_header_word.search(nfc(text)) is not None

    def is_row_number(self, text: str) -> bool:
        """What the STT cell of a data row holds: "3.", "2.1", "IV", "b)"."""
        return bool(self.row_number.match(collapse_whitespace(nfc(text))))

    def year_of(self, header_line: str) -> int | None:
        folded = fold(header_line)
        match = self.year_column.match(folded) or self._unmarked_year_column.match(strip_marks(folded))
        return int(match.group(1)) if match else None

    def is_header_word(self, text: str) -> bool:
        return bool(text) and (self.role_of(text) is not None or self.year_of(text) is not None)

    def table_kind(self, roles: set[str]) -> str | None:
        for kind, rule in self.tables.items():
            if (
                all(role in roles for role in rule.get("all_of", []))
                and (not rule.get("any_of") or any(role in roles for role in rule["any_of"]))
                and not any(role in roles for role in rule.get("none_of", []))
            ):
                return kind
        return None


_LOOKALIKES = str.maketrans({"l": "i", "|": "i"})


def _unmarked(folded: str) -> str:
    """Folded text without diacritics, the letters OCR confuses with "i" as "i"."""
    return strip_marks(folded).translate(_LOOKALIKES)


def _matching_role(folded: str, roles: dict[str, dict[str, list[str]]]) -> str | None:
    # A title too wide for its narrow column is wrapped letter by letter ("S", "T", "T" read as "S T T").
    unspaced = folded.replace(" ", "")
    for role, spec in roles.items():
        equals = spec.get("equals", [])
        if folded in equals or unspaced in equals or any(word in folded for word in spec.get("contains", [])):
            return role
    return None


@lru_cache(maxsize=1)
def default_vocabulary() -> ColumnVocabulary:
    return ColumnVocabulary.load(load_rules("extractors", "appendix_columns.yaml"))


@dataclass
class LogicalTable:
    """One appendix table, whole: header lines, column roles, data rows (group rows included)."""

    kind: str
    header: list[list[str]]
    roles: dict[int, str]
    years: dict[int, int]
    rows: list[Row] = field(default_factory=list)
    start_block: int = 0
    """Index of the document block its first piece is."""
    blocks: list[int] = field(default_factory=list)
    """Indices of the document blocks of all its pieces."""

    @property
    def width(self) -> int:
        return len(self.header[0]) if self.header else 0

    @cached_property
    def header_keys(self) -> list[list[str]]:
        """The header lines in comparable form, to spot a header repeated after a page break."""
        return [_row_key(line) for line in self.header]

    def is_repeated_header(self, row: Row) -> bool:
        """Whether ``row`` is one of the header's lines printed again (after a page break), also when OCR read
        a letter or a mark of it differently on that page (``REPEATED_HEADER_SIMILARITY``)."""
        key = _row_key(row)
        if key in self.header_keys:
            return True
        if not any(key):
            return False
        loose = _unmarked(" | ".join(key))
        return any(
            len(line) == len(key) and fuzz.ratio(loose, _unmarked(" | ".join(line))) >= REPEATED_HEADER_SIMILARITY
            for line in self.header_keys
        )

    def fits(self, rows: list[Row]) -> bool:
        """Whether a headerless piece can continue this table: none of its rows has text beyond the table's last
        column (a row exported with more or fewer trailing empty cells than the header still fits)."""
        return all(len(_trimmed(row.texts)) <= self.width for row in rows)


REPEATED_HEADER_SIMILARITY = 90
"""How alike (rapidfuzz ratio, diacritics and "l"/"I" aside) a row must be to a header line to be that line
repeated: the same titles with a letter or two misread by OCR, never a data row."""

MAX_TITLE_WORDS = 12
"""A column title is short; a longer cell that happens to contain a header word ("... kết quả ...") is data."""


def names_columns(row: Row, vocabulary: ColumnVocabulary) -> bool:
    """Whether a row reads as a header line: two or more short cells name columns, and it does not open with a
    row number (a data row of a table piece, "2 | Rà soát ... | ... | Thực hiện ...", is no header)."""
    if not row.cells or vocabulary.is_row_number(row.cells[0].text):
        return False
    titles = [text for text in row.texts if text and len(text.split()) <= MAX_TITLE_WORDS]
    return sum(1 for text in titles if vocabulary.is_header_word(text)) >= 2


def header_size(rows: list[Row], vocabulary: ColumnVocabulary) -> int:
    """How many leading rows of a table piece are header lines (0 when it starts with data)."""
    if not rows or not names_columns(rows[0], vocabulary):
        return 0
    size = 1
    for row in rows[1:]:
        if not _continues_header(row, rows[size - 1], vocabulary):
            break
        size += 1
    return size


def _continues_header(row: Row, above: Row, vocabulary: ColumnVocabulary) -> bool:
    """Whether ``row`` is one more header line under ``above``.

    Its cells each name a column or repeat the cell above them: the second line of a two-level header
    ("| | | Năm 2026 | Năm 2030 | |"), the form converters write for merged header cells (the spanning cell's
    text repeated in every cell it covers), or the whole line repeated (DOCX vertical merges read as text).
    A line opening with its own text under a different title is data, unless it is the short line of
    sub-titles a converter writes without the merged cells (``align_short_header_line``).
    """
    texts = row.texts
    if not any(texts) or vocabulary.is_row_number(texts[0]):
        return False
    over = above.texts + [""] * max(0, len(texts) - len(above.texts))
    if texts[0] and fold(texts[0]) != fold(over[0]):
        return False
    return all(
        not text or fold(text) == fold(over[column]) or vocabulary.is_header_word(text)
        for column, text in enumerate(texts)
    )


def align_short_header_line(
    above: list[str], line: list[str], vocabulary: ColumnVocabulary, data: Sequence[list[str]] = ()
) -> tuple[list[str], list[str]] | None:
    """(the header's first line, its sub-title line) as wide as the table, the sub-titles placed under the title
    that spans them; None when ``line`` is no such line or the spanning title cannot be told.

    Converters that drop the cells a merge covers write the second header line with only its own cells:
    "| Năm 2026 | Năm 2030 |" under "| STT | Chỉ tiêu | Mục tiêu | | Đơn vị theo dõi |" (markitdown): the
    sub-titles go under the one title followed by as many empty cells as there are sub-titles less one.  A copy
    from a web page drops the empty cells of the first line too ("STT | Chỉ tiêu | Mục tiêu | Đơn vị theo
    dõi", data rows one cell wider): then the year sub-titles go under the title whose columns hold the
    numbers in the data rows (``data``).
    """
    line, titles = _trimmed(line), _trimmed(above)
    count = len(line)
    if not line or count >= len(titles) or not all(line) or not all(map(vocabulary.is_header_word, line)):
        return None
    spans = [
        start
        for start in range(len(titles) - count)
        if titles[start] and not any(titles[start + 1 : start + count]) and titles[start + count]
    ]
    if len(spans) == 1:
        return titles, [""] * spans[0] + line + [""] * (len(titles) - spans[0] - count)
    widths = [len(_trimmed(row)) for row in data if len(_trimmed(row)) > 2]  # group rows say nothing of widths
    if spans or not widths or max(widths) != len(titles) + count - 1:
        return None
    start = _spanning_title_by_numbers(titles, line, data, vocabulary)
    if start is None:
        return None
    widened = titles[: start + 1] + [""] * (count - 1) + titles[start + 1 :]
    return widened, [""] * start + line + [""] * (len(widened) - start - count)


_NUMBER_CELL = re.compile(r"^[^\w]{0,3}\d[\d.,]*\s*%?$")


def _spanning_title_by_numbers(
    titles: list[str], line: list[str], data: Sequence[list[str]], vocabulary: ColumnVocabulary
) -> int | None:
    """The title over year sub-titles: the one whose columns, widened, hold the most numbers in the data rows."""
    if not all(vocabulary.year_of(text) is not None for text in line):
        return None
    width = len(titles) + len(line) - 1
    rows = [row for row in data if len(_trimmed(row)) == width]
    scores = {
        start: sum(1 for row in rows for text in row[start : start + len(line)] if _NUMBER_CELL.match(text.strip()))
        for start in range(len(titles))
        if vocabulary.role_of(titles[start]) != "stt"
    }
    best = max(scores.values(), default=0)
    winners = [start for start, score in scores.items() if score == best]
    return winners[0] if best and len(winners) == 1 else None


def column_roles(header: list[list[str]], vocabulary: ColumnVocabulary) -> tuple[dict[int, str], dict[int, int]]:
    """Role of each column from the header lines; year columns read from any header line."""
    width = max(len(line) for line in header)
    roles: dict[int, str] = {}
    years: dict[int, int] = {}
    for column in range(width):
        # A title repeated down the header lines (a merged cell written into every line it covers) counts once.
        lines = list(dict.fromkeys(line[column] for line in header if column < len(line) and line[column]))
        year = next((y for y in map(vocabulary.year_of, lines) if y is not None), None)
        if year is not None:
            years[column] = year
            continue
        role = vocabulary.role_of(" ".join(lines)) if lines else None
        if role is not None and role not in roles.values():
            roles[column] = role
    return roles, years


def _trimmed(texts: list[str]) -> list[str]:
    """The texts without their trailing empty cells."""
    end = len(texts)
    while end and not texts[end - 1]:
        end -= 1
    return texts[:end]


def _row_key(row: Row | list[str]) -> list[str]:
    """A row in comparable form: folded, trailing empty cells dropped (exports vary in how many they write)."""
    texts = row.texts if isinstance(row, Row) else row
    return [fold(text) for text in _trimmed(texts)]


MAX_STRAY_OCR_CHARS = 3
"""A scanned page's text this short between two table pieces is a page number or a mark OCR misread ("1Ð")."""


def _is_between_pieces(block: Block) -> bool:
    """Text a page break leaves between two pieces of one table: a footnote or a bare page number (on a scanned
    page, possibly misread: a few characters)."""
    if block.kind is BlockKind.FOOTNOTE or is_page_number(block.text):
        return True
    return block.provenance.ocr and len(block.text.replace(" ", "")) <= MAX_STRAY_OCR_CHARS


def _with_aligned_header(rows: list[Row], vocabulary: ColumnVocabulary) -> list[Row]:
    """The piece's rows, a short second header line placed under its spanning title (``align_short_header_line``)."""
    if len(rows) < 2 or not names_columns(rows[0], vocabulary):
        return rows
    aligned = align_short_header_line(rows[0].texts, rows[1].texts, vocabulary, [row.texts for row in rows[2:]])
    if aligned is None:
        return rows
    width = max(len(aligned[0]), *(len(row.cells) for row in rows[2:]))
    return [_header_row(texts, width, source) for texts, source in zip(aligned, rows, strict=False)] + rows[2:]


def _header_row(texts: list[str], width: int, source: Row) -> Row:
    bold = bool(source.cells) and all(cell.bold for cell in source.cells if cell.text)
    cells = [Cell(text=text, bold=bold and bool(text)) for text in texts]
    return Row(cells=cells + [Cell() for _ in range(width - len(cells))], provenance=source.provenance)


def find_appendix_tables(document: Document, vocabulary: ColumnVocabulary | None = None) -> list[LogicalTable]:
    """Every appendix table of the document, each stitched whole across its pages."""
    vocabulary = vocabulary or default_vocabulary()
    tables: list[LogicalTable] = []
    current: LogicalTable | None = None
    for index, block in enumerate(document.blocks):
        if not block.is_table:
            if not _is_between_pieces(block):
                current = None  # real text between two pieces: the table has ended
            continue
        rows = _with_aligned_header(block.rows, vocabulary)
        size = header_size(rows, vocabulary)
        if current is not None and (
            current.is_repeated_header(rows[0]) if size else block.column_count == current.width or current.fits(rows)
        ):
            _append_piece(current, rows, vocabulary)
            current.blocks.append(index)
            continue
        current = None
        if size == 0:
            continue
        header = [row.texts for row in rows[:size]]
        roles, years = column_roles(header, vocabulary)
        kind = vocabulary.table_kind(set(roles.values()) | ({YEAR_ROLE} if years else set()))
        if kind is None:
            continue
        current = LogicalTable(kind=kind, header=header, roles=roles, years=years, start_block=index, blocks=[index])
        tables.append(current)
        _append_piece(current, rows[size:], vocabulary, after_break=False)
    return tables


def _fill_vertical_merges(row: Row, above: Row) -> Row:
    """A cell merged with the one above carries that cell's text (one lead agency for several tasks)."""
    if not any(cell.merged == "up" for cell in row.cells):
        return row
    cells = [
        Cell(text=above.cells[i].text, bold=above.cells[i].bold, merged="up", confidence=above.cells[i].confidence)
        if cell.merged == "up" and i < len(above.cells)
        else cell
        for i, cell in enumerate(row.cells)
    ]
    return Row(cells=cells, provenance=row.provenance)


_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2})\)?$")


def is_column_numbering(row: Row) -> bool:
    """The line many tables print under their header to number the columns: "(1) | (2) | (3) | ..." or
    "1 | 2 | 3 | ...", the numbers following one another from 1 (no data row reads so)."""
    texts = [text for text in row.texts if text]
    numbers = [match.group(1) for text in texts if (match := _COLUMN_NUMBER.match(text))]
    return len(texts) >= 3 and len(numbers) == len(texts) and numbers == [str(n) for n in range(1, len(texts) + 1)]


def _append_piece(table: LogicalTable, rows: list[Row], vocabulary: ColumnVocabulary, after_break: bool = True) -> None:
    """Add a piece's rows: drop empty rows, repeated headers and column numbering; join a row split by a page
    break."""
    for row in rows:
        if row.is_empty or is_column_numbering(row):
            continue
        row = _to_width(row, table.width)
        if table.is_repeated_header(row):
            after_break = True  # a header repeated inside a table marks a page break too
            continue
        stt_empty = not row.cells[0].text or row.cells[0].merged is not None
        if after_break and stt_empty and table.rows:
            _join_cells(table.rows[-1], row)
        else:
            table.rows.append(_fill_vertical_merges(row, table.rows[-1]) if table.rows else row)
        after_break = False


def _to_width(row: Row, width: int) -> Row:
    """The row with as many cells as the table has columns: missing trailing cells added empty, extra trailing
    empty cells dropped (text beyond the last column is kept: it is the reader's to report, not to lose)."""
    if len(row.cells) == width:
        return row
    cells = row.cells[:width] + [cell for cell in row.cells[width:] if cell.text]
    cells += [Cell() for _ in range(width - len(cells))]
    return Row(cells=cells, provenance=row.provenance)


def _join_cells(previous: Row, continuation: Row) -> None:
    for cell, more in zip(previous.cells, continuation.cells, strict=False):
        if more.text and more.merged is None:
            cell.text = f"{cell.text} {more.text}".strip()
            if more.confidence is not None:
                cell.confidence = more.confidence if cell.confidence is None else min(cell.confidence, more.confidence)
