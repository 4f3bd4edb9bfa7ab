"""The one document model every reader produces.

A document is an ordered sequence of blocks (heading, paragraph, list item,
footnote, table).  Text in blocks and cells is already plain text: markup,
HTML tags and footnote markers removed, whitespace collapsed, NFC.  Readers
keep what the later stages need from the layout (bold, merged cells, page
or line provenance) and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Literal

MergeDirection = Literal["left", "up"]


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    FOOTNOTE = "footnote"
    TABLE = "table"


@dataclass(frozen=True)
class Provenance:
    """Where a block or row came from: a page (PDF, DOCX when known) or a line (text).

    ``ocr`` is true for what was read by OCR from a scanned page (its words may be misread).
    """

    page: int | None = None
    line: int | None = None
    ocr: bool = False


@dataclass
class Cell:
    """One grid cell of a table.

    ``merged`` marks a grid position covered by a merged cell whose text lives
    in another cell: ``"left"`` for a horizontal merge, ``"up"`` for a vertical
    one; its ``text`` is empty.  Readers that cannot see merges (plain text)
    never set it.
    """

    text: str = ""
    bold: bool = False
    merged: MergeDirection | None = None
    confidence: float | None = None
    """Read by OCR: tesseract's lowest word confidence in the cell (0-100); None for text that was not OCR'd."""

    @property
    def is_empty(self) -> bool:
        return not self.text


@dataclass
class Row:
    cells: list[Cell]
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def texts(self) -> list[str]:
        return [cell.text for cell in self.cells]

    @property
    def is_empty(self) -> bool:
        return all(cell.is_empty for cell in self.cells)


@dataclass
class Block:
    kind: BlockKind
    text: str = ""
    bold: bool = False
    provenance: Provenance = field(default_factory=Provenance)
    rows: list[Row] = field(default_factory=list)
    """Only for tables: the rows as laid out in the source, header rows included."""
    words: tuple[tuple[str, float], ...] = ()
    """Read by OCR: each word of the paragraph as tesseract read it, with its confidence (0-100); empty for text
    that was not OCR'd (a table's confidences are its cells')."""

    @property
    def confidence(self) -> float | None:
        """Read by OCR: the lowest confidence of the paragraph's words."""
        return min((confidence for _, confidence in self.words), default=None)

    @property
    def is_table(self) -> bool:
        return self.kind is BlockKind.TABLE

    @property
    def column_count(self) -> int:
        return max((len(row.cells) for row in self.rows), default=0)


@dataclass
class Document:
    """What a reader returns: the source's bytes hash, its format and its blocks."""

    source_path: Path
    source_format: str
    sha256: str
    blocks: list[Block]
    page_count: int | None = None
    ocr_pages: tuple[int, ...] = ()
    """The pages read by OCR (scanned pages without a text layer); empty for a born-digital document."""
    converted_from: str | None = None
    """The format the file was converted from before it was read ("doc", "rtf", "odt"), or None."""

    def tables(self) -> list[Block]:
        return [block for block in self.blocks if block.is_table]

    def text_blocks(self) -> list[Block]:
        return [block for block in self.blocks if not block.is_table]
