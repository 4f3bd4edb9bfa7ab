"""Find an appendix table's header among a page's text lines, and the table's columns from it.

A table printed without vertical rules still says what its columns are: its header names them (STT,
Nhiệm vụ, Cơ quan chủ trì, ..., Năm 2026).  Each column title is a phrase of short words, stacked over a
few lines when the column is narrow; a title written over two or more others ("Mục tiêu" over
"Năm 2026 | Năm 2030") is a two-level header, and the columns are the lower titles.  The header is
recognised with the same vocabulary as every other table (``extractors/data/appendix_columns.yaml``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from extractors.layout import is_roman_numeral
from extractors.model import Cell, Row
from extractors.page_text import Rule, Span, line_spacing, rule_between, split_phrases
from extractors.settings import LayoutTableSettings
from extractors.tables import YEAR_ROLE, ColumnVocabulary, column_roles, header_size, is_column_numbering

Interval = tuple[float, float]


@dataclass(frozen=True)
class ColumnLayout:
    """The columns of one table as its header gives them; reused on the pages the table runs on to."""

    anchors: tuple[Interval, ...]
    """Horizontal extent of each column's title, left to right: a column boundary lies between two."""

    header: tuple[Row, ...]
    """The header as table rows: one row, or two under a title spanning several columns."""

    number_column: int | None
    """The STT column, whose row numbers ("1.", "II") start the rows; None when the table has none."""

    size: float
    """The header's font size: the scale of every distance the row finder uses."""

    boundaries: tuple[float, ...] = ()
    """Where the columns part, once a page of the table has been read (len: one less than the columns)."""

    @property
    def width(self) -> int:
        return len(self.anchors)

    @property
    def x0(self) -> float:
        return self.anchors[0][0]

    @property
    def x1(self) -> float:
        return self.anchors[-1][1]


@dataclass(frozen=True)
class Header:
    """A table header found on a page: the lines it covers and the columns it gives."""

    layout: ColumnLayout
    kind: str
    first: int
    """Index of its first text line."""
    end: int
    """Index of the first text line after it."""
    top: float
    bottom: float


class HeaderFinder:
    def __init__(self, settings: LayoutTableSettings, vocabulary: ColumnVocabulary) -> None:
        self.settings = settings
        self.vocabulary = vocabulary

    def find(self, lines: Sequence[Span], start: int, rules: Sequence[Rule]) -> Header | None:
        """The first appendix table header at or after line ``start``."""
        for seed in range(start, len(lines)):
            # A header line names two columns or more; a title above the table ("CHỈ TIÊU CỤ THỂ") names one.
            if sum(1 for phrase in self._phrases(lines[seed]) if self._names_a_column(phrase)) >= 2:
                header = self._header_around(lines, start, seed, rules)
                if header is not None:
                    return header
        return None

    # -- the header's lines ---------------------------------------------------------------------------

    def _phrases(self, line: Span) -> list[Span]:
        return split_phrases(line, self.settings.phrase_gap_ratio)

    def _is_short(self, phrase: Span) -> bool:
        return len(phrase.words) <= self.settings.max_header_words

    def _names_a_column(self, phrase: Span) -> bool:
        return self._is_short(phrase) and self.vocabulary.is_header_word(phrase.text)

    def _starts_a_row(self, line: Span, left_of: float) -> bool:
        """A data line: its first word is a row number (arabic or roman) standing left of the header's titles.

        A lone letter is no evidence here: "STT" wrapped in a narrow column is "S", "T", "T"."""
        first = line.words[0]
        numeral = first.text[:1].isdigit() or is_roman_numeral(first.text)
        return first.x1 <= left_of and numeral and self.vocabulary.is_row_number(first.text)

    def _header_around(self, lines: Sequence[Span], start: int, seed: int, rules: Sequence[Rule]) -> Header | None:
        """The header whose lines include ``seed``, if the columns they give make an appendix table."""
        s = self.settings
        size = lines[seed].size
        spacing = line_spacing(lines[seed : seed + 60], size)
        threshold = spacing + s.row_gap_ratio * size
        x0, x1 = lines[seed].x0, lines[seed].x1

        def ruled(upper: float, lower: float) -> bool:
            return rule_between(rules, upper, lower, x0, x1, s.rule_min_width_ratio * (x1 - x0), s.rule_tolerance)

        bold = lines[seed].bold  # a bold header ends where the text stops being bold
        first = seed
        while first > start:  # lines of the same titles above (a title wrapped upward of a centred one)
            above = lines[first - 1]
            top = min(line.top for line in lines[first : seed + 1])
            # Only as close as the lines of one cell: a title above the table stands a paragraph's gap away.
            if top - above.bottom > spacing + s.title_gap_ratio * size or ruled(above.bottom, top):
                break
            if bold and not above.bold:
                break
            if not all(self._is_short(phrase) for phrase in self._phrases(above)):
                break
            first -= 1
        end = seed + 1
        bottom = max(line.bottom for line in lines[first:end])
        while end < len(lines) and end - first < s.max_header_lines:
            below = lines[end]
            phrases = self._phrases(below)
            if ruled(bottom, below.top) or self._starts_a_row(below, x0 + size) or (bold and not below.bold):
                break
            if is_column_numbering(Row(cells=[Cell(text=phrase.text) for phrase in phrases])):
                break  # "(1) (2) (3) ..." under the titles: numbers the columns, names none
            if not all(self._is_short(phrase) for phrase in phrases):
                break
            # Past a row's gap only a line of titles of two or more columns (years under "Mục tiêu") belongs to it.
            if below.top - bottom > threshold and not (
                len(phrases) >= 2 and all(self.vocabulary.is_header_word(p.text) for p in phrases)
            ):
                break
            bottom = max(bottom, below.bottom)
            end += 1
        layout, kind = self._columns([phrase for line in lines[first:end] for phrase in self._phrases(line)])
        if layout is None or kind is None:
            return None
        top = min(line.top for line in lines[first:end])
        return Header(layout=layout, kind=kind, first=first, end=end, top=top, bottom=bottom)

    def ruled_header(self, rows: list[Row], edges: list[float], size: float) -> ColumnLayout | None:
        """The layout of a ruled table that holds only an appendix header (vertical rules drawn in the header
        only): its rows below are read with the ruled columns.  ``edges``: the x of every column's left edge,
        then the table's right edge."""
        if not rows or len(edges) != len(rows[0].cells) + 1:
            return None
        if header_size(rows, self.vocabulary) != len(rows):
            return None
        roles, years = column_roles([row.texts for row in rows], self.vocabulary)
        if self.vocabulary.table_kind(set(roles.values()) | ({YEAR_ROLE} if years else set())) is None:
            return None
        return ColumnLayout(
            anchors=tuple(pairwise(edges)),
            header=tuple(rows),
            number_column=next((column for column, role in roles.items() if role == "stt"), None),
            size=size,
            boundaries=tuple(edges[1:-1]),
        )

    # -- the columns ----------------------------------------------------------------------------------

    def _columns(self, phrases: list[Span]) -> tuple[ColumnLayout | None, str | None]:
        parents = [phrase for phrase in phrases if _spans_several(phrase, phrases)]
        leaves = sorted((p for p in phrases if not any(p is parent for parent in parents)), key=lambda p: p.x0)
        columns: list[list[Span]] = []
        for leaf in leaves:
            if columns and leaf.x0 < max(p.x1 for p in columns[-1]):
                columns[-1].append(leaf)
            else:
                columns.append([leaf])
        if len(columns) < self.settings.min_columns:
            return None, None
        anchors = tuple((min(p.x0 for p in column), max(p.x1 for p in column)) for column in columns)
        header = _header_rows(columns, anchors, parents)
        roles, years = column_roles([row.texts for row in header], self.vocabulary)
        kind = self.vocabulary.table_kind(set(roles.values()) | ({YEAR_ROLE} if years else set()))
        number_column = next((column for column, role in roles.items() if role == "stt"), None)
        size = sorted(phrase.size for phrase in phrases)[len(phrases) // 2]
        return ColumnLayout(anchors=anchors, header=header, number_column=number_column, size=size), kind


def _spans_several(phrase: Span, phrases: list[Span]) -> bool:
    """A title over two or more titles below it that stand side by side ("Mục tiêu" over two years)."""
    below = sorted((p for p in phrases if p.top >= phrase.bottom - 1 and p.overlaps(phrase)), key=lambda p: p.x0)
    return any(not left.overlaps(right) for left, right in pairwise(below))


def _title(phrases: list[Span]) -> Cell:
    ordered = sorted(phrases, key=lambda p: (p.top, p.x0))
    return Cell(text=" ".join(p.text for p in ordered), bold=all(p.bold for p in ordered))


def _header_rows(columns: list[list[Span]], anchors: tuple[Interval, ...], parents: list[Span]) -> tuple[Row, ...]:
    """One header row, or two when titles span columns: the spanning title over its first column, the
    columns' own titles in the second row (as a Word table with merged cells reads)."""
    if not parents:
        return (Row(cells=[_title(column) for column in columns]),)
    upper: list[Cell] = []
    lower: list[Cell] = []
    for (x0, x1), column in zip(anchors, columns, strict=True):
        parent = next((p for p in parents if p.x0 < x1 and x0 < p.x1), None)
        if parent is None:
            upper.append(_title(column))
            lower.append(Cell(merged="up"))
            continue
        first_under = x0 == min(a for a, b in anchors if parent.x0 < b and a < parent.x1)
        upper.append(Cell(text=parent.text, bold=parent.bold) if first_under else Cell(merged="left"))
        lower.append(_title(column))
    return Row(cells=upper), Row(cells=lower)
