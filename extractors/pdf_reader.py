"""Reader for PDF files (pdfplumber): ruled tables and the text lines around them, page by page.

The pages' chars, lines and rects come from a text-layer backend (``extractors.pdf_backends``: PDFium by
default, pdfminer as a setting), as pdfplumber pages; nothing below knows which one read them.
pdfplumber finds the tables and reads their cells; every char smaller than a
fraction of the page's usual size is dropped first, which removes superscript
footnote markers from cells and lines alike.  The remaining text lines are
grouped into paragraphs with a few layout rules (see ``PdfSettings``), because
pdfplumber stops at lines.  A table that runs over several pages comes out as
one table block per page; ``extractors.tables`` stitches them back together.

A page without a text layer (a scan) is read by OCR (``extractors.ocr``): the ruling
lines found in the page's image become the table grid, tesseract's invisible text
layer of the rest of the page is read by the same page code, each table cell gets its
own OCR reading, and the blocks are marked ``Provenance.ocr``.
"""

from __future__ import annotations

import copy
import logging
import math
import operator
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from extractors import ocr
from extractors.base import DocumentReader
from extractors.errors import (
    ScannedDocumentError,
    TruncatedFileError,
    UnreadableDocumentError,
    VnplanError,
)
from extractors.header_columns import ColumnLayout
from extractors.layout import classify_line, is_all_caps, is_page_number, looks_like_heading
from extractors.layout_tables import FoundTable, LayoutTableFinder
from extractors.limits import check_budget
from extractors.model import Block, BlockKind, Cell, Document, Provenance, Row
from extractors.ocr_numbering import NumberCell, NumberingRepair, is_group_row, repair_section_headings
from extractors.page_text import Rule, Word
from extractors.pdf_backends import OpenPdf, backend_named, describe
from extractors.settings import PdfSettings, default_pdf_settings
from extractors.table_cells import cell_texts
from extractors.tables import default_vocabulary, header_size, is_column_numbering
from normalizers.text import clean_text, join_lines

_log = logging.getLogger(__name__)
_STARTS_NEW_ITEM = re.compile(r"^(?:[-+•–]\s|\d{1,2}(?:\.\d{1,2})*\.\s|[IVXLC]{1,6}\.\s|[a-zđ]\)\s|Điều\s\d)")
_TRAILING_FILLER = b"\x00\r\n\t \x1a"
_BULLET = "•"  # a bulleted line's mark until the document's bullet indents say "-" or "+"


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool
    footnote: bool
    size: float
    bullet: bool = False  # opens with a list bullet glyph, which ``text`` holds as "•"
    words: tuple[tuple[str, float], ...] = ()  # read by OCR: each of its words and tesseract's confidence in it

    @property
    def confidences(self) -> list[float]:
        return [confidence for _, confidence in self.words]


@dataclass
class _Paragraph:
    lines: list[_Line] = field(default_factory=list)

    @property
    def bullet(self) -> bool:
        return self.lines[0].bullet

    @property
    def text(self) -> str:
        return clean_text(join_lines("\n".join(line.text for line in self.lines)))


class PdfReader(DocumentReader):
    format_name = "pdf"

    def __init__(self, path: Path, settings: PdfSettings | None = None) -> None:
        super().__init__(path)
        self.settings = settings or default_pdf_settings()
        self._backend = backend_named(self.settings.backend)
        self._bold_fonts: dict[str, bool] = {}
        self._layout_finder = LayoutTableFinder(self.settings.layout_tables)
        self._continuing: ColumnLayout | None = None
        """The columns of a table printed without vertical rules that ran to the bottom of the last page."""
        self._bullets: list[tuple[float, Block]] = []
        """Bulleted paragraphs read so far and their indent: their marks are set once the document is read."""
        self._numbering = NumberingRepair()
        """The row numbering of the scanned tables read so far (it carries over from page to page)."""
        self._text_layer: ocr.TextLayer | None = None
        """The OCR text layer of the page being read, for the confidence of its lines; None on a text page."""

    @classmethod
    def supported_formats(cls) -> frozenset[str]:
        return frozenset({".pdf"})

    def is_valid(self) -> bool:
        return self.data[:1024].lstrip().startswith(b"%PDF")

    def convert(self) -> Document:
        if not self.is_valid():
            raise self.not_this_format("a PDF file")
        if b"%%EOF" not in self.data.rstrip(_TRAILING_FILLER)[-1024:]:
            # A PDF ends with %%EOF; pdfminer would still read the pages it can reach, and publish them as
            # if they were the whole plan.
            raise TruncatedFileError(
                self.path, "truncated file: the PDF ends early (no end-of-file marker; an interrupted download?)"
            )
        pdf = self._backend.open(self.data, self.path)
        blocks: list[Block] = []
        saw_text = saw_image = False
        scans = ocr.DocumentOcr(self.settings.ocr)
        self._continuing = None
        self._bullets = []
        self._numbering = NumberingRepair()
        try:
            with pdf:
                for number, page in enumerate(pdf.pages, start=1):
                    saw_image = saw_image or bool(page.images)
                    if self._needs_ocr(page):
                        self._continuing = None  # a table without rules is not followed onto a scanned page
                        scanned = self._scanned_page_blocks(pdf, page, number, scans)
                        saw_text = saw_text or any(map(_has_text, scanned))
                        blocks.extend(scanned)
                    else:
                        saw_text = saw_text or bool(page.chars)
                        blocks.extend(self._page_blocks(page, number))
                    # Stream: drop the page's parsed objects and pdfplumber's text-map cache (an lru_cache
                    # that would otherwise keep up to 128 pages alive) before the next page is parsed.
                    page.close()
                    check_budget(f"page {number}")
                page_count = len(pdf.pages)
        except VnplanError:
            raise
        except Exception as error:  # a parser raises many types on a damaged file
            raise UnreadableDocumentError(self.path, f"damaged PDF: {describe(error)}") from error
        if not saw_text and not saw_image:
            raise UnreadableDocumentError(self.path, "no text on any page: the PDF is blank or damaged")
        if scans.pages_unread or not saw_text:
            raise ScannedDocumentError(self.path, _scan_failure(scans, saw_text))
        self._mark_bullets(blocks)
        if scans.pages_read:
            repair_section_headings(blocks)
        document = self._document(blocks, page_count=page_count)
        document.ocr_pages = tuple(scans.pages_read)
        return document

    # -- a scanned page -------------------------------------------------------------------

    def _needs_ocr(self, page: Any) -> bool:
        """No text layer, or practically none (a page number, a scanner's watermark), over an image: a scan.

        A page with no text and no image is blank, or damaged (a content stream that cannot be decoded):
        there is nothing to read by OCR, and rendering it would only cost seconds to find nothing.
        """
        settings = self.settings.ocr
        if not settings.enabled or not page.images:
            return False
        return sum(1 for c in page.chars if str(c.get("text", "")).strip()) < settings.min_chars

    def _scanned_page_blocks(self, pdf: OpenPdf, page: Any, number: int, scans: ocr.DocumentOcr) -> list[Block]:
        """The blocks of a page read by OCR, marked ``ocr`` (none for a blank page).

        The ruling lines found in the image are the table grid; tesseract's text layer of the rest of the page
        is read by ``_page_blocks``, and every table cell is then filled with its own OCR reading.
        """
        settings = self.settings.ocr
        scanned = scans.prepare(pdf.render(number, settings.dpi), number)
        if scanned is None:
            return []
        reader = copy.copy(self)  # the same reader, with the settings an OCR text layer needs
        reader.settings = replace(
            self.settings,
            table_settings=scanned.table_settings(self.settings.table_settings),
            superscript_max_ratio=settings.superscript_max_ratio,
            size_tolerance=settings.size_tolerance,
        )
        # The same grid on the scanned page: its tables are left out of the page's reading (their cells are read
        # one by one).  Without a grid found in the image nothing is left out.
        grids = page.find_tables(reader.settings.table_settings) if scanned.has_grid else []
        try:
            reader._text_layer = scanned.text_layer([table.bbox for table in grids])
            with self._backend.open(reader._text_layer.pdf, self.path) as layer:
                blocks = reader._page_blocks(layer.pages[0], number, find_layout_tables=False)
                tables = sorted(layer.pages[0].find_tables(reader.settings.table_settings), key=lambda t: t.bbox[1])
            table_blocks = [block for block in blocks if block.is_table]
            _fill_cells(scanned, tables, table_blocks)
            self._repair_numbering(scanned, tables, table_blocks)
        except (ocr.OcrFailedError, ocr.OcrUnavailableError) as error:
            raise ScannedDocumentError(
                self.path, f"no text layer on page {number}: looks like a scan, and OCR failed ({error})"
            ) from error
        _mark_scanned_footnotes(blocks)
        for block in blocks:
            block.provenance = replace(block.provenance, ocr=True)
            for row in block.rows:
                row.provenance = replace(row.provenance, ocr=True)
        return blocks

    def _repair_numbering(self, scanned: ocr.OcrPage, tables: list[Any], blocks: list[Block]) -> None:
        """The first cell of each numbered row of a scanned page's tables read once more, on one line with the
        others, and set to the group numeral or row number it must be (``extractors.ocr_numbering``)."""
        vocabulary = default_vocabulary()
        places: list[tuple[Row, tuple[float, float, float, float], bool]] = []  # row, box, first under a header
        for table, block in zip(tables, blocks, strict=True):
            header = header_size(block.rows, vocabulary)
            first_in_table = header > 0
            for table_row, row in list(zip(table.rows, block.rows, strict=True))[header:]:
                first = table_row.cells[0] if table_row.cells else None
                if first is None or not row.cells[0].text or is_column_numbering(row):
                    continue
                places.append((row, tuple(first), first_in_table))
                first_in_table = False
        if not places:
            return
        again = scanned.read_in_a_line([box for _, box, _ in places])
        self._numbering.repair(
            [
                NumberCell(row.cells[0], (row.cells[0].text, reading.text), is_group_row(row), first_in_table)
                for (row, _, first_in_table), reading in zip(places, again, strict=True)
            ]
        )

    # -- one page -------------------------------------------------------------------------

    def _page_blocks(self, page: Any, number: int, find_layout_tables: bool = True) -> list[Block]:
        usual_size = _usual_char_size(page.chars)
        limit = usual_size * self.settings.superscript_max_ratio

        markers = [char for char in page.chars if char["size"] < limit]
        # Every object of the page passes through this filter: kept as plain as can be.
        clean = page.filter(lambda obj: obj["object_type"] != "char" or obj["size"] >= limit)
        # Ruled tables as pdfplumber finds them.  One with too few columns to be an appendix table (a frame
        # around a table printed without inner vertical rules) stays visible to the header-anchored finder,
        # and is dropped when that finder reads a table there.
        ruled = clean.find_tables(self.settings.table_settings)
        min_columns = self.settings.layout_tables.min_ruled_columns
        kept = [table for table in ruled if _column_count(table) >= min_columns]
        region = clean
        for table in kept:
            region = region.outside_bbox(table.bbox)
        blocks = {id(table): self._table_block(clean, table, number) for table in kept}
        raw_lines = region.extract_text_lines(x_tolerance=self.settings.x_tolerance)
        found: list[FoundTable] = []
        if find_layout_tables and self.settings.layout_tables.enabled:
            # A ruled table holding only a header (vertical rules drawn in the header alone): its rows follow.
            headers = self._layout_finder.headers
            ruled_headers = [
                (table.bbox[3], layout)
                for table in kept
                if (layout := headers.ruled_header(blocks[id(table)].rows, _column_edges(table), usual_size))
            ]
            found = self._layout_tables(region, raw_lines, markers, number, ruled_headers)
        thin = [t for t in ruled if t not in kept and not any(_overlaps(t.bbox, f.bbox) for f in found)]
        placed: list[tuple[float, Block]] = [
            (table.bbox[1], blocks[id(table)] if table in kept else self._table_block(clean, table, number))
            for table in ruled
            if table in kept or table in thin
        ]
        placed += [
            (table.bbox[1], Block(BlockKind.TABLE, provenance=Provenance(page=number), rows=table.rows))
            for table in found
        ]
        if thin:
            outside = region
            for table in thin:
                outside = outside.outside_bbox(table.bbox)
            raw_lines = outside.extract_text_lines(x_tolerance=self.settings.x_tolerance)
        raw_lines = [raw for raw in raw_lines if not any(_holds_line(f.bbox, raw) for f in found)]
        lines = [self._line(raw, markers) for raw in raw_lines]
        lines = [
            line
            for line in lines
            if line.text
            and not self._is_page_furniture(line.text, line.top, line.bottom, page.height)
            and not self._is_ocr_noise(line)
        ]
        for paragraph in self._paragraphs(lines):
            text = paragraph.text
            first = paragraph.lines[0]
            bold = all(line.bold for line in paragraph.lines)
            kind = BlockKind.FOOTNOTE if first.footnote else classify_line(text, bold=bold)
            words = tuple(word for line in paragraph.lines for word in line.words)
            block = Block(kind, text=text, bold=bold, provenance=Provenance(page=number), words=words)
            if paragraph.bullet:
                self._bullets.append((first.x0, block))
            placed.append((first.top, block))
        placed.sort(key=lambda item: item[0])
        return [block for _, block in placed]

    def _layout_tables(
        self,
        region: Any,
        raw_lines: list[dict[str, Any]],
        markers: list[dict[str, Any]],
        number: int,
        ruled_headers: list[tuple[float, ColumnLayout]],
    ) -> list[FoundTable]:
        """Appendix tables printed without (all) their ruling lines (``extractors.layout_tables``).

        Words are only extracted on a page that may hold such a table: one with a line naming two column
        roles (a header), or the next page of a table that ran to the bottom of the previous one.
        """
        continuing, self._continuing = self._continuing, None
        if continuing is None and not ruled_headers and not self._may_hold_a_header(raw_lines):
            return []
        furniture = [
            raw
            for raw in raw_lines
            if self._is_page_furniture(clean_text(raw["text"]), float(raw["top"]), float(raw["bottom"]), region.height)
        ]
        words = [
            Word(
                text=word["text"],
                x0=float(word["x0"]),
                x1=float(word["x1"]),
                top=float(word["top"]),
                bottom=float(word["bottom"]),
                size=float(word["size"]),
                bold=self._bold_font(str(word["fontname"])),
            )
            for word in region.extract_words(x_tolerance=self.settings.x_tolerance, extra_attrs=["fontname", "size"])
            if not any(_holds_line(_bbox(raw), word) for raw in furniture)
        ]
        rules = [Rule(float(edge["x0"]), float(edge["x1"]), float(edge["top"])) for edge in region.horizontal_edges]
        marks = [(float(m["x0"]), float(m["x1"]), float(m["top"])) for m in markers]
        try:
            found = self._layout_finder.find(
                words, rules, page=number, continuing=continuing, footnote_marks=marks, ruled_headers=ruled_headers
            )
        except Exception:  # a flaw in the finder costs this page its tables (read as text), never the document
            _log.warning("%s, page %d: table finder failed; page read as text", self.path, number, exc_info=True)
            return []
        self._continuing = found.continuing
        return found.tables

    def _may_hold_a_header(self, raw_lines: list[dict[str, Any]]) -> bool:
        """Whether two neighbouring text lines hold two column titles or more (a header, for the finder): short
        phrases with a header word, set apart by a wider gap than words have.  A paragraph's line is one long
        phrase; on most pages of a plan no words are extracted for the finder at all."""
        settings = self.settings.layout_tables
        vocabulary = self._layout_finder.vocabulary
        titles = [0]
        for raw in raw_lines:
            count = 0
            if vocabulary.mentions_a_column(raw["text"]):
                for phrase in _phrases(raw.get("chars", []), settings.phrase_gap_ratio, self.settings.x_tolerance):
                    short = len(phrase.split()) <= settings.max_header_words
                    count += short and vocabulary.is_header_word(phrase)
            titles.append(count)
        return any(above + below >= 2 for above, below in pairwise(titles))

    def _table_block(self, page: Any, table: Any, number: int) -> Block:
        rows: list[Row] = []
        # Narrow the chars down table → row → cell: looking each cell up among all the page's chars made this
        # the reader's own hot spot on table pages (a filtered page also recomputes ``chars`` on every access).
        page_chars = page.chars
        chars = _chars_in(page_chars, table.bbox)
        texts_of_rows = cell_texts(table, page_chars, self.settings.x_tolerance)
        for table_row, texts in zip(table.rows, texts_of_rows, strict=True):
            row_chars = _chars_in(chars, table_row.bbox)
            cells: list[Cell] = []
            reach = float("-inf")  # right edge of the last real cell in this row
            for column, (bbox, text) in enumerate(zip(table_row.cells, texts, strict=True)):
                if bbox is None or text is None:
                    left_edge = _column_left(table, column)
                    cells.append(Cell(merged="left" if reach > left_edge + 1 else "up"))
                else:
                    reach = bbox[2]
                    bold = self._is_bold(_chars_in(row_chars, bbox))
                    cells.append(Cell(text=clean_text(join_lines(text)), bold=bold))
            rows.append(Row(cells=cells, provenance=Provenance(page=number)))
        return Block(BlockKind.TABLE, provenance=Provenance(page=number), rows=rows)

    def _line(self, raw: dict[str, Any], markers: list[dict[str, Any]]) -> _Line:
        x0, top, bottom = float(raw["x0"]), float(raw["top"]), float(raw["bottom"])
        footnote = any(
            float(m["x1"]) <= x0 + 2 and float(m["x0"]) >= x0 - 30 and top - 4 <= float(m["top"]) <= bottom
            for m in markers
        )
        chars = raw.get("chars", [])
        text = clean_text(raw["text"])
        bullet = self._opens_with_bullet(text, chars)
        if bullet:
            text = f"{_BULLET} {text[1:].strip()}"  # the glyph and the text after it
        return _Line(
            text=text,
            bullet=bullet,
            x0=x0,
            x1=float(raw["x1"]),
            top=top,
            bottom=bottom,
            bold=self._is_bold(raw.get("chars", [])),
            footnote=footnote,
            size=_usual_char_size(raw.get("chars", [])),
            words=tuple(
                (word.text, word.confidence)
                for word in self._text_layer.words_within(x0, top, float(raw["x1"]), bottom)
            )
            if self._text_layer
            else (),
        )

    def _opens_with_bullet(self, text: str, chars: list[dict[str, Any]]) -> bool:
        """A list bullet glyph opens the line: one of ``bullet_glyphs``, or a lone letter in a bullet font."""
        if len(text) < 3:
            return False
        if text[0] in self.settings.bullet_glyphs:  # no word starts with one: a space after it may be lost
            return True
        if text[1] != " ":
            return False
        first = next((char for char in chars if str(char.get("text", "")).strip()), None)
        font = str(first.get("fontname", "")).lower() if first else ""
        return text[0].isalpha() and any(name in font for name in self.settings.bullet_fonts)

    def _mark_bullets(self, blocks: list[Block]) -> None:
        """Bulleted paragraphs get the marks typed plans use: "-" at the outer bullet indent of their run of
        bullets, "+" deeper.  A run is the bullets under one heading: indents differ between parts of a
        document (a paragraph's own indent moves its bullet), rarely within one agency's or one model's lines."""
        indent = {id(block): x for x, block in self._bullets}
        outer: float | None = None
        for block in blocks:
            x = indent.get(id(block))
            if x is None:
                if block.is_table or looks_like_heading(block):
                    outer = None  # a new run of bullets starts under the next heading
                continue
            outer = x if outer is None else min(outer, x)
            mark = "-" if x <= outer + self.settings.bullet_indent_tolerance else "+"
            block.text = mark + block.text[len(_BULLET) :]
        self._bullets = []

    def _is_bold(self, chars: Iterable[dict[str, Any]]) -> bool:
        """Most of the visible chars are in a bold font (counted by font name first: a line has one or two)."""
        fonts = Counter([char["fontname"] for char in chars if char["text"].strip()])
        bold = sum(count for name, count in fonts.items() if self._bold_font(str(name)))
        return bold * 2 > fonts.total() > 0

    def _bold_font(self, fontname: str) -> bool:
        """Whether a font is bold, decided once per font name (a page has a handful of fonts, thousands of chars)."""
        known = self._bold_fonts.get(fontname)
        if known is None:
            lowered = fontname.lower()
            known = self._bold_fonts[fontname] = any(marker in lowered for marker in self.settings.bold_font_markers)
        return known

    def _is_ocr_noise(self, line: _Line) -> bool:
        """A line OCR made of no printed words: the grain of the paper, a speck, a stamp, the edge of the sheet,
        read as letters most of which tesseract is not sure of (``OcrSettings.noise_confidence``: the median
        word's confidence is below it; a printed line's words are read with confidence, a misread one or two
        aside)."""
        if not line.confidences or statistics.median(line.confidences) >= self.settings.ocr.noise_confidence:
            return False
        _log.info("%s: OCR noise left out: %r", self.path, line.text)
        return True

    def _is_page_furniture(self, text: str, top: float, bottom: float, height: float) -> bool:
        """A page number in the top or bottom margin."""
        margin = height * self.settings.margin_ratio
        return is_page_number(text) and (top < margin or bottom > height - margin)

    def _paragraphs(self, lines: list[_Line]) -> list[_Paragraph]:
        if not lines:
            return []
        left = min(line.x0 for line in lines)
        right = max(line.x1 for line in lines)
        paragraphs: list[_Paragraph] = []
        for line in lines:
            current = paragraphs[-1] if paragraphs else None
            if current is None or not self._continues(current.lines[-1], line, left, right):
                paragraphs.append(_Paragraph())
            paragraphs[-1].lines.append(line)
        return paragraphs

    def _continues(self, previous: _Line, line: _Line, left: float, right: float) -> bool:
        """Whether ``line`` is the next line of the paragraph that ``previous`` ends."""
        s = self.settings
        height = max(previous.bottom - previous.top, 1.0)
        if line.footnote or line.bold != previous.bold or line.top - previous.bottom > s.paragraph_gap_ratio * height:
            return False
        if _STARTS_NEW_ITEM.match(line.text) or abs(line.size - previous.size) > s.size_tolerance:
            return False
        if is_all_caps(line.text) != is_all_caps(previous.text):
            return False
        reaches_margin = previous.x1 >= left + s.full_line_ratio * (right - left)
        return reaches_margin or (self._centred(previous, left, right) and self._centred(line, left, right))

    def _centred(self, line: _Line, left: float, right: float) -> bool:
        indent_left, indent_right = line.x0 - left, right - line.x1
        return indent_left > self.settings.centre_tolerance and abs(indent_left - indent_right) <= max(
            self.settings.centre_tolerance, 0.1 * (right - left)
        )


def _fill_cells(scanned: ocr.OcrPage, tables: list[Any], blocks: list[Block]) -> None:
    """Give every real cell of an OCR page's table blocks its own OCR reading (``OcrPage.read_cells``).

    ``tables`` are pdfplumber's tables of the page in the order ``_page_blocks`` placed them (by top), so the
    n-th table's grid positions are the n-th table block's cells.
    """
    cells: list[tuple[Cell, tuple[float, float, float, float]]] = []
    for table, block in zip(tables, blocks, strict=True):
        for table_row, row in zip(table.rows, block.rows, strict=True):
            for bbox, cell in zip(table_row.cells, row.cells, strict=True):
                if bbox is not None:
                    cells.append((cell, tuple(bbox)))
    for (cell, _), reading in zip(cells, scanned.read_cells([bbox for _, bbox in cells]), strict=True):
        cell.text = _STRAY_TRAILING_MARKS.sub("", _STRAY_LEADING_MARKS.sub("", clean_text(reading.text)))
        cell.confidence = reading.confidence


_STRAY_LEADING_MARKS = re.compile(r"^['`‘’,.;:_~]+\s*(?=\w)")
"""Specks OCR reads before a cell's first word ("'Thực hiện", ".Sở Y tế"): no cell's text opens with these."""
_STRAY_TRAILING_MARKS = re.compile(r"\s+['`‘’_~/|]+$")
"""A mark standing alone after a cell's last word: a speck, a stamp's edge or a border's remnant ("Quý IV/2027 /")."""


_SCANNED_FOOTNOTE = re.compile(r"^\d{1,2}\s+[A-ZĐÀ-Ỹ]")


def _mark_scanned_footnotes(blocks: list[Block]) -> None:
    """The footnotes under a scanned page's last table ("3 Thông tư số 13/2025/TT-BYT ..."): OCR sees no
    superscript marker, so a paragraph there opening with a bare number and a capital is the footnote its
    marker in the table refers to, not text that ends the table (which goes on on the next page)."""
    last_table = max((index for index, block in enumerate(blocks) if block.is_table), default=None)
    if last_table is None:
        return
    for block in blocks[last_table + 1 :]:
        if block.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM) and _SCANNED_FOOTNOTE.match(block.text):
            block.kind = BlockKind.FOOTNOTE


def _has_text(block: Block) -> bool:
    """A paragraph, or a table with some text in its cells (OCR of an empty ruled grid gives empty cells)."""
    return bool(block.text) or any(not row.is_empty for row in block.rows)


def _scan_failure(scans: ocr.DocumentOcr, saw_text: bool) -> str:
    """Why a document with scanned pages cannot be read, in a clerk's words."""
    if scans.pages_unread and saw_text:  # the other pages were read: say which ones were not
        unread = scans.pages_unread
        pages = f"page{'s' if len(unread) > 1 else ''} {', '.join(map(str, unread))}"
        return f"no text layer on {pages}: looks like a scan, and {scans.unavailable}"
    if scans.pages_unread:
        return f"no text layer: looks like a scan, and {scans.unavailable}"
    if scans.settings.enabled:
        return "no text layer: looks like a scan, and OCR found no text"
    return "no text layer: looks like a scan"


def _column_left(table: Any, column: int) -> float:
    """Left edge of a grid column: the smallest x0 of any real cell in that column."""
    edges = [row.cells[column][0] for row in table.rows if row.cells[column] is not None]
    return min(edges) if edges else float("inf")


_X0 = operator.itemgetter("x0")


def _phrases(chars: list[dict[str, Any]], gap_ratio: float, x_tolerance: float) -> list[str]:
    """The text of a line's chars cut where the gap between two chars is wider than ``gap_ratio`` of the font
    size (as ``page_text.split_phrases`` cuts words); a space where the gap is wider than ``x_tolerance``."""
    phrases: list[str] = []
    current: list[str] = []
    right, size = -math.inf, 0.0
    for char in sorted(chars, key=_X0):
        text = char["text"]
        if text == " ":
            continue
        gap, own = char["x0"] - right, char["size"]
        if current and gap > gap_ratio * (own if own > size else size):
            phrases.append("".join(current))
            current = []
        elif current and gap > x_tolerance:
            current.append(" ")
        current.append(text)
        right, size = char["x1"], char["size"]
    if current:
        phrases.append("".join(current))
    return phrases


def _column_edges(table: Any) -> list[float]:
    """The left edge of each grid column of a pdfplumber table, then its right edge."""
    edges = [*(_column_left(table, column) for column in range(_column_count(table))), float(table.bbox[2])]
    return edges if all(left < right for left, right in pairwise(edges)) else []


def _column_count(table: Any) -> int:
    return max((len(row.cells) for row in table.rows), default=0)


def _bbox(obj: dict[str, Any]) -> tuple[float, float, float, float]:
    return float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"])


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _holds_line(bbox: tuple[float, float, float, float], obj: dict[str, Any]) -> bool:
    """Whether a text line's (or word's) middle lies inside ``bbox``."""
    x = (float(obj["x0"]) + float(obj["x1"])) / 2
    y = (float(obj["top"]) + float(obj["bottom"])) / 2
    x0, top, x1, bottom = bbox
    return x0 - 1 <= x <= x1 + 1 and top - 1 <= y <= bottom + 1


def _usual_char_size(chars: list[dict[str, Any]]) -> float:
    """The most common size of the visible chars, to a tenth of a point (the first one seen on a tie).

    Called for every text line: the exact sizes are counted first (a line has one or two), then rounded, which
    gives the same counts and the same order as rounding every char's size."""
    exact = Counter([char["size"] for char in chars if char["text"].strip()])
    sizes: Counter[float] = Counter()
    for size, count in exact.items():
        sizes[round(float(size), 1)] += count
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _chars_in(chars: list[dict[str, Any]], bbox: tuple[float, float, float, float]) -> list[dict[str, Any]]:
    x0, top, x1, bottom = bbox
    return [
        c
        for c in chars
        if c["x0"] >= x0 - 1 and c["x1"] <= x1 + 1 and c["top"] >= top - 1 and c["bottom"] <= bottom + 1
    ]
