"""Appendix tables printed with few or no ruling lines, read from the words' positions.

pdfplumber's ruled finder (``PdfSettings.table_settings``) needs the vertical rules between columns.  Many
offices print without them: a rule under each row only, the "booktabs" look (rules above and below the
header and one closing the table), or no rules at all.  This finder reads such tables as a person does:

- the columns from the header (``extractors.header_columns``): a boundary lies in the gap between two
  column titles, where the table's words leave the widest blank;
- the rows from table-wide horizontal rules where there are any, else from the gaps between text lines
  (a row's cells are set apart by their padding, a cell's lines are not) and the row numbers of the STT
  column: a row starts where a number does, and text without a number belongs to the row above it;
- a row numbered with a roman numeral whose text runs as one title is a group row: one cell, however many
  columns it spans;
- the table ends at text that does not fit its columns (a paragraph running across them, words in the STT
  column that are no row number), or runs on to the next page, whose lines are read with the same columns.

Only geometry is used here: words with their boxes and the rules of one page (``extractors.page_text``).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate, pairwise

from extractors.header_columns import ColumnLayout, Header, HeaderFinder
from extractors.layout import is_roman_numeral
from extractors.model import Cell, Provenance, Row
from extractors.page_text import Rule, Span, Word, group_lines, line_spacing, rule_between, split_phrases
from extractors.settings import LayoutTableSettings
from extractors.tables import ColumnVocabulary, default_vocabulary
from normalizers.text import clean_text, join_lines

BBox = tuple[float, float, float, float]
FootnoteMark = tuple[float, float, float]
"""x0, x1 and top of a superscript footnote marker, which the page's words no longer hold."""


@dataclass
class FoundTable:
    """One piece of a table on one page: header rows (when the page shows the header) and data rows."""

    rows: list[Row]
    bbox: BBox


@dataclass
class PageTables:
    tables: list[FoundTable] = field(default_factory=list)
    continuing: ColumnLayout | None = None
    """The columns of a table that runs to the end of the page, to read its next page with."""

    def keep(self, piece: _Piece) -> int:
        """Add a piece read on the page (one with rows); returns the index of the first line after it."""
        if piece.table.rows:
            self.tables.append(piece.table)
        self.continuing = piece.layout if piece.runs_on else None
        return piece.end


class LayoutTableFinder:
    def __init__(self, settings: LayoutTableSettings, vocabulary: ColumnVocabulary | None = None) -> None:
        self.settings = settings
        self.vocabulary = vocabulary or default_vocabulary()
        self.headers = HeaderFinder(settings, self.vocabulary)

    def find(
        self,
        words: Sequence[Word],
        rules: Sequence[Rule],
        *,
        page: int | None = None,
        continuing: ColumnLayout | None = None,
        footnote_marks: Sequence[FootnoteMark] = (),
        ruled_headers: Sequence[tuple[float, ColumnLayout]] = (),
    ) -> PageTables:
        """The tables of one page; ``continuing`` is the layout of a table the previous page ended in, and
        ``ruled_headers`` the bottom and layout of each header the ruled finder read without its rows."""
        lines = group_lines(words, self.settings.line_tolerance_ratio)
        page_lines = _PageLines(lines, rules, footnote_marks)
        found = PageTables()
        position = 0
        if continuing is not None and lines:
            piece = _TableReader(self, continuing, page_lines, 0).read(None, page)
            if piece.table.rows and not self._titles_of_a_new_table(lines, piece, rules):
                position = found.keep(piece)
        for bottom, layout in ruled_headers:
            start = next((index for index, line in enumerate(lines) if line.top >= bottom), len(lines))
            position = found.keep(_TableReader(self, layout, page_lines, max(start, position)).read(None, page))
        while (header := self.headers.find(lines, position, rules)) is not None:
            layout = header.layout
            if continuing is not None and continuing.width == layout.width:  # the header repeated on a new page
                layout = replace(layout, boundaries=continuing.boundaries)
            piece = _TableReader(self, layout, page_lines, header.end).read(header, page)
            if len(piece.table.rows) == len(header.layout.header) and not piece.runs_on:
                position = header.end  # column titles with no row under them: words like a header, left as text
                continue
            position = found.keep(piece)
        return found

    def _titles_of_a_new_table(self, lines: Sequence[Span], piece: _Piece, rules: Sequence[Rule]) -> bool:
        """Lines at the top of a page that fit the last page's columns but hold no row number, and that a new
        table's header follows closely: the new table's titles ("Phụ lục II"), not the rest of a row."""
        if any(row.texts[piece.layout.number_column or 0] for row in piece.table.rows):
            return False
        header = self.headers.find(lines, piece.end, rules)
        return header is not None and header.first - piece.end <= self.settings.title_lookahead


@dataclass(frozen=True)
class _PageLines:
    lines: Sequence[Span]
    rules: Sequence[Rule]
    footnote_marks: Sequence[FootnoteMark]


@dataclass
class _Band:
    """Text lines set apart from the lines above by a row's gap or a table-wide rule."""

    lines: list[Span]
    stop: int
    """Index of the first page line after the band."""
    ruled_above: bool
    title: bool = False
    """A line across the table's columns between its rows (a group title without a number): a row of its own."""

    @property
    def top(self) -> float:
        return min(line.top for line in self.lines)

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)


@dataclass
class _Number:
    """The text of the STT column in one row, possibly wrapped over two lines of a narrow column ("II" "I")."""

    text: str
    top: float
    lines: list[Span]


@dataclass
class _Piece:
    table: FoundTable
    end: int
    runs_on: bool
    layout: ColumnLayout
    """The table's columns with the boundaries this piece was read with (for the next page)."""


class _TableReader:
    """One table piece: from the line after its header (or from the top of a page it runs on to) to its end."""

    def __init__(self, finder: LayoutTableFinder, layout: ColumnLayout, page: _PageLines, start: int) -> None:
        self.settings = finder.settings
        self.vocabulary = finder.vocabulary
        self.layout = layout
        self.page = page
        self.start = start
        size = layout.size
        below = page.lines[start : start + 80]
        usual = sorted(line.size for line in below)[len(below) // 2] if below else size
        # The spacing of the table's own lines: footnotes below it are smaller and spaced tighter.
        self.spacing = line_spacing([line for line in below if line.size >= usual - 1], size)
        self.row_gap = self.spacing + self.settings.row_gap_ratio * size
        self.max_gap = self.settings.max_row_gap_ratio * size
        self.boundaries: list[float] = []
        self.header: Header | None = None
        self.candidates: list[_Band] = []

    def read(self, header: Header | None, page: int | None) -> _Piece:
        self.header = header
        # The boundaries are placed three times: by every line below the header; then by the numbered rows'
        # lines only; then by the table's own rows.  Text running across the columns (a title, a paragraph after
        # the table) would otherwise draw a boundary into one of its word gaps.
        # On a page the table runs on to, with no numbered row to place them, those of the page before hold.
        # Under a ruled header, its rules are the boundaries.
        self.boundaries = self._boundaries(self.page.lines[self.start :])
        self.candidates = self._cut_bands()  # by gaps and rules: the same whatever the boundaries
        numbered = [line for band in self.candidates if self._is_numbered_row(band.lines) for line in band.lines]
        if numbered:
            self.boundaries = self._boundaries(numbered)
        elif self.layout.boundaries:
            self.boundaries = list(self.layout.boundaries)
        bands, runs_on = self._bands()
        own = [line for row in self._row_lines(bands) if self._is_numbered_row(row) for line in row]
        if own:
            self.boundaries = self._boundaries(own)
            bands, runs_on = self._bands()
        self.layout = replace(self.layout, boundaries=tuple(self.boundaries))
        provenance = Provenance(page=page)
        rows = [replace(row, provenance=provenance) for row in self.layout.header] if header is not None else []
        rows += [self._row(lines, provenance) for lines in self._row_lines(bands)]
        spans = [line for band in bands for line in band.lines]
        top = header.top if header is not None else min((line.top for line in spans), default=0.0)
        bottom = max((line.bottom for line in spans), default=header.bottom if header is not None else 0.0)
        x0 = min([self.layout.x0, *(line.x0 for line in spans)])
        x1 = max([self.layout.x1, *(line.x1 for line in spans)])
        end = bands[-1].stop if bands else self.start
        return _Piece(FoundTable(rows=rows, bbox=(x0, top, x1, bottom)), end=end, runs_on=runs_on, layout=self.layout)

    # -- where the table ends -------------------------------------------------------------------------

    def _bands(self) -> tuple[list[_Band], bool]:
        """The table's bands, and whether the table runs on past the page's end.

        A band that does not fit the columns ends the table, unless it is a title across the table (no foreign
        text in the STT column, not a header) with a numbered row shortly after it.
        """
        candidates = self.candidates
        for band in candidates:
            band.title = False  # decided again with these boundaries
        accepted: list[_Band] = []
        for index, band in enumerate(candidates):
            if accepted and band.top - accepted[-1].bottom > self.max_gap:
                break
            if self._fits(band.lines):
                accepted.append(band)
                continue
            if accepted and self._inner_title(band, candidates[index + 1 : index + 1 + self.settings.title_lookahead]):
                band.title = True
                accepted.append(band)
                continue
            return accepted, self._is_small_print(band.lines[0], accepted)
        return accepted, True

    def _inner_title(self, band: _Band, following: list[_Band]) -> bool:
        """A band across the columns that a numbered row follows (a group title without its own number)."""
        if any(not self.vocabulary.is_row_number(mark.text) for mark in self._marks(band.lines)):
            return False
        phrases = [p for line in band.lines for p in split_phrases(line, self.settings.phrase_gap_ratio)]
        if sum(1 for phrase in phrases if self.vocabulary.is_header_word(phrase.text)) >= 2:
            return False  # the header of the next table
        bottom = band.bottom
        for later in following:
            if later.top - bottom > self.max_gap:
                return False
            if self._fits(later.lines) and self._numbers(later.lines):
                return True
            bottom = later.bottom
        return False

    def _cut_bands(self) -> list[_Band]:
        s = self.settings
        layout = self.layout
        min_rule = s.rule_min_width_ratio * (layout.x1 - layout.x0)
        bands: list[_Band] = []
        for index in range(self.start, len(self.page.lines)):
            line = self.page.lines[index]
            ruled = bool(bands) and rule_between(
                self.page.rules, bands[-1].bottom, line.top, layout.x0, layout.x1, min_rule, s.rule_tolerance
            )
            if bands and not ruled and line.top - bands[-1].bottom <= self.row_gap:
                bands[-1].lines.append(line)
                bands[-1].stop = index + 1
            else:
                bands.append(_Band(lines=[line], stop=index + 1, ruled_above=ruled))
        return bands

    def _is_small_print(self, line: Span, table: list[_Band]) -> bool:
        """A footnote (after a superscript marker, or in a smaller font than the table's): the table may go on
        on the next page, below it."""
        after_marker = any(
            x1 <= line.x0 + 2 and x0 >= line.x0 - 30 and line.top - 4 <= top <= line.bottom
            for x0, x1, top in self.page.footnote_marks
        )
        sizes = sorted(row.size for band in table for row in band.lines)
        return after_marker or (bool(sizes) and line.size < sizes[len(sizes) // 2] - 1)

    def _fits(self, lines: Sequence[Span]) -> bool:
        """Whether a band can be part of the table: its words keep to the columns (or it is a numbered row
        spanning them, a group title), and its STT column holds row numbers only."""
        crossing = any(self._crosses(word) for line in lines for word in line.words)
        if self.layout.number_column is None:
            # No row numbers to tell rows from prose: a line whose words run on over a boundary at a word's
            # spacing is prose, even when the boundaries were drawn through its word gaps.
            return not crossing and not any(self._runs_over_a_boundary(line) for line in lines)
        marks = self._marks(lines)
        numbered = all(self.vocabulary.is_row_number(mark.text) for mark in marks)
        return numbered and (not crossing or bool(marks))

    # -- columns --------------------------------------------------------------------------------------

    def _boundaries(self, lines: Sequence[Span]) -> list[float]:
        """Between each two column titles, the middle of the widest stretch that the fewest words cross."""
        step = self.settings.boundary_step
        words = [word for line in lines for word in line.words]
        boundaries: list[float] = []
        for (_, low), (high, _) in pairwise(self.layout.anchors):
            if high - low < 2 * step:
                boundaries.append((low + high) / 2)
                continue
            count = int((high - low) / step) + 1
            change = [0] * (count + 1)
            for word in words:
                first = max(0, math.floor((word.x0 - low) / step) + 1)
                last = min(count - 1, math.ceil((word.x1 - low) / step) - 1)
                if first <= last:
                    change[first] += 1
                    change[last + 1] -= 1
            crossings = list(accumulate(change[:count]))
            fewest = min(crossings)
            best_start, best_length, run_start = 0, 0, -1
            for position, crossed in enumerate([*crossings, math.inf]):
                if crossed == fewest and run_start < 0:
                    run_start = position
                elif crossed != fewest and run_start >= 0:
                    if position - run_start > best_length:
                        best_start, best_length = run_start, position - run_start
                    run_start = -1
            boundaries.append(low + step * (best_start + (best_length - 1) / 2))
        return boundaries

    def _runs_over_a_boundary(self, line: Span) -> bool:
        least = self.settings.column_gap_ratio * self.layout.size
        return any(
            word.x1 <= boundary <= following.x0 and following.x0 - word.x1 < least
            for word, following in pairwise(line.words)
            for boundary in self.boundaries
        )

    def _crosses(self, word: Word) -> bool:
        tolerance = self.settings.crossing_tolerance
        return any(word.x0 < boundary - tolerance and word.x1 > boundary + tolerance for boundary in self.boundaries)

    def _column_of(self, x: float) -> int:
        return bisect.bisect(self.boundaries, x)

    def _number_words(self, line: Span) -> list[Word]:
        column = self.layout.number_column
        if column is None:
            return []
        return [word for word in line.words if self._column_of(word.centre) == column]

    def _marks(self, lines: Sequence[Span]) -> list[_Number]:
        """What the STT column holds, line by line; a number wrapped in a narrow column ("II" over "I", "1"
        over "0.") is joined: a piece that is no complete number with a dot or bracket, on the next line of
        the same cell."""
        marks: list[_Number] = []
        for line in lines:
            words = self._number_words(line)
            if not words:
                continue
            text = " ".join(word.text for word in words)
            previous = marks[-1] if marks else None
            if (
                previous is not None
                and line.top - previous.lines[-1].bottom <= self.spacing + 0.1 * self.layout.size
                and not previous.text.endswith((".", ")"))
                and self.vocabulary.is_row_number(previous.text + text)
            ):
                previous.text += text
                previous.lines.append(line)
            else:
                marks.append(_Number(text=text, top=line.top, lines=[line]))
        return marks

    def _numbers(self, lines: Sequence[Span]) -> list[_Number]:
        """The row numbers in the STT column of these lines."""
        return [mark for mark in self._marks(lines) if self.vocabulary.is_row_number(mark.text)]

    # -- rows -----------------------------------------------------------------------------------------

    def _row_lines(self, bands: list[_Band]) -> list[list[Span]]:
        """The lines of each row.

        Table-wide rules, where there are any inside the table, cut it into segments.  Within a segment, a row
        starts at each row number: two numbers' rows part at the widest blank between them (rows are set apart
        by their cells' padding; a cell's text centred on its row's height puts lines of a row above its
        number).  Text above the first number of a page's piece ends the row the previous page left open (all of
        it, or what lies beyond the reach of the first number's row: ``_end_of_open_row``); text below the last
        number belongs to its row.  A title across the table between rows is a row of its own.  Without row
        numbers, each band (or each segment between rules) is a row.
        """
        segments: list[list[_Band]] = []
        for band in bands:
            if not segments or band.ruled_above or band.title or segments[-1][-1].title:
                segments.append([])
            segments[-1].append(band)
        rows: list[list[Span]] = []
        # A table whose STT column holds no number under its header is cut by its bands, as one without that
        # column.  (On a page a table runs on to, lines without a number end the row the page before left open.)
        unnumbered = self.layout.number_column is None or (
            self.header is not None and not any(self._numbers(band.lines) for band in bands)
        )
        for segment in segments:
            lines = sorted((line for band in segment for line in band.lines), key=lambda line: line.top)
            if segment[0].title:
                rows.append(lines)
                continue
            numbers = self._numbers(lines)
            if unnumbered or not numbers:
                if unnumbered and len(segments) == 1:
                    rows.extend(list(band.lines) for band in segment)
                elif rows and not segment[0].ruled_above:
                    rows[-1].extend(lines)
                else:
                    rows.append(lines)
                continue
            cuts = [self._widest_gap(lines, upper.lines[-1].bottom, lower.top)[0] for upper, lower in pairwise(numbers)]
            if not rows and lines[0].top < numbers[0].top - self._tolerance:
                cut = self._end_of_open_row(lines, numbers, cuts)
                if any((line.top + line.bottom) / 2 < cut for line in lines):
                    cuts.insert(0, cut)
            parts: list[list[Span]] = [[] for _ in range(len(cuts) + 1)]
            for line in lines:
                parts[bisect.bisect(cuts, (line.top + line.bottom) / 2)].append(line)
            rows.extend(part for part in parts if part)
        return rows

    @property
    def _tolerance(self) -> float:
        return self.settings.line_tolerance_ratio * self.layout.size

    def _numbers_on_first_lines(self, lines: Sequence[Span], numbers: list[_Number], cuts: list[float]) -> bool:
        """Whether the rows taller than one line start on their number's line (cells aligned to the top).

        Only the rows between two numbers are measured, and only those of several lines: in a one-line row the
        number stands on the first line whatever the alignment."""
        on_first = off_first = 0
        for upper, lower, number in zip(cuts, [*cuts[1:], math.inf], numbers[1:], strict=False):
            row = [line for line in lines if upper < line.top < lower]
            if not row or max(line.bottom for line in row) - min(line.top for line in row) < 1.5 * self.layout.size:
                continue
            if number.top - min(line.top for line in row) <= self._tolerance:
                on_first += 1
            else:
                off_first += 1
        return on_first > off_first

    def _widest_gap(self, lines: Sequence[Span], low: float, high: float) -> tuple[float, float]:
        """The middle and width of the widest blank between heights ``low`` and ``high`` that no line covers;
        among equal ones the lowest (closest to the next row's number).  With no blank: ``high``, 0."""
        covered = sorted(
            (max(line.top, low), min(line.bottom, high)) for line in lines if line.bottom > low and line.top < high
        )
        best_middle, best_width = high, 0.0
        reach = low
        for top, bottom in [*covered, (high, high)]:
            if top - reach >= best_width - self.settings.gap_tie_tolerance and top > reach:
                best_middle, best_width = (reach + top) / 2, top - reach
            reach = max(reach, bottom)
        return best_middle, best_width

    def _end_of_open_row(self, lines: Sequence[Span], numbers: list[_Number], cuts: list[float]) -> float:
        """Where the row left open by the previous page ends, above the piece's first number.

        In a table whose numbers stand on their rows' first line, everything above the first number is that
        row's.  In one whose cells are centred on their row, the first number's row reaches as far above the
        number as below it; what stands higher is the open row's.
        """
        number = numbers[0]
        if self._numbers_on_first_lines(lines, numbers, cuts):
            return number.top - self._tolerance
        middle = (number.top + number.lines[-1].bottom) / 2
        row_end = cuts[0] if cuts else math.inf
        bottom = max(line.bottom for line in lines if line.top >= number.top - self._tolerance and line.top < row_end)
        return middle - (bottom - middle) - self._tolerance - self.spacing

    def _is_numbered_row(self, lines: Sequence[Span]) -> bool:
        """Lines with an arabic row number and nothing else in the STT column (no group row, no title)."""
        marks = self._marks(lines)
        return bool(marks) and all(
            self.vocabulary.is_row_number(mark.text) and not is_roman_numeral(mark.text) for mark in marks
        )

    def _is_group(self, lines: Sequence[Span]) -> bool:
        """A group row: one roman numeral in the STT column, and every line of the rest one run of words (a
        title across the row, not cells set apart in columns)."""
        numbers = self._numbers(lines)
        if len(numbers) != 1 or not is_roman_numeral(numbers[0].text):
            return False
        titles: list[Span] = []
        for line in lines:
            number_words = self._number_words(line)
            words = [word for word in line.words if word not in number_words]
            if words:
                titles.append(Span(words))
        gap = 2 * self.settings.phrase_gap_ratio
        return bool(titles) and all(len(split_phrases(title, gap)) == 1 for title in titles)

    def _row(self, lines: list[Span], provenance: Provenance) -> Row:
        # Each column's lines, each line's words: the cells' text keeps where its lines broke (join_lines).
        assigned: list[list[list[Word]]] = [[] for _ in range(self.layout.width)]
        merged: set[int] = set()
        group = self._is_group(lines)
        for line in lines:
            for cell_lines in assigned:
                cell_lines.append([])
            number_words = self._number_words(line)
            if group and self.layout.number_column is not None:
                assigned[self.layout.number_column][-1].extend(number_words)
                rest = [word for word in line.words if word not in number_words]
                if rest:
                    self._assign_span(rest, assigned, merged)
                continue
            for phrase in split_phrases(line, self.settings.phrase_gap_ratio):
                if any(self._crosses(word) for word in phrase.words):
                    self._assign_span(phrase.words, assigned, merged)
                else:
                    for word in phrase.words:
                        assigned[self._column_of(word.centre)][-1].append(word)
        numbers = self._numbers(lines)
        cells: list[Cell] = []
        for column, cell_lines in enumerate(assigned):
            if column == self.layout.number_column and len(numbers) == 1:
                words = [word for line_words in cell_lines for word in line_words]
                cells.append(Cell(text=clean_text(numbers[0].text), bold=Span(words).bold))  # "II" over "I": "III"
                continue
            words = [word for line_words in cell_lines for word in line_words]
            if words:
                text = "\n".join(" ".join(word.text for word in line_words) for line_words in cell_lines if line_words)
                cells.append(Cell(text=clean_text(join_lines(text)), bold=Span(words).bold))
            else:
                cells.append(Cell(merged="left") if column in merged else Cell())
        return Row(cells=cells, provenance=provenance)

    def _assign_span(self, words: list[Word], assigned: list[list[list[Word]]], merged: set[int]) -> None:
        """Words that run across columns: one cell, in the column where they start; the others merged into it."""
        first = self._column_of(words[0].centre)
        last = self._column_of(words[-1].centre)
        assigned[first][-1].extend(words)
        merged.update(range(first + 1, last + 1))
