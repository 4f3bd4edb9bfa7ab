"""Reader for text exports (``.txt``/``.md``): Markdown-ish lines, inline HTML, tab-separated tables.

A run of consecutive lines that contain a tab is one table, one row per line;
anything else is one block per line, its kind read from its markup
(``#`` headings, ``-``/``+`` bullets, ``<sup>n</sup>`` footnotes) and wording.
"""

from __future__ import annotations

import codecs
import re

from extractors.base import DocumentReader
from extractors.errors import TruncatedFileError, UnreadableDocumentError, VnplanError
from extractors.layout import classify_line
from extractors.model import Block, BlockKind, Cell, Document, Provenance, Row
from extractors.sniff import Sniffed, sniff
from normalizers.text import clean_text, has_leading_footnote_marker, strip_footnote_markers

_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
# An HTML bold span stops at the next opening tag of its kind: with ".*?" alone, every "<b>" without a closing
# tag scanned the rest of the line, and a long line of them took minutes (quadratic).
_BOLD_SPAN = re.compile(r"\*\*.*?\*\*|__.*?__|<(b|strong)>(?:(?!<\1>).)*?</\1>", re.IGNORECASE | re.DOTALL)
_WORD = re.compile(r"\w")


def is_fully_bold(raw: str) -> bool:
    """True when every word of the raw line sits inside a bold span."""
    raw = strip_footnote_markers(raw)
    if not _BOLD_SPAN.search(raw):
        return False
    return not _WORD.search(_BOLD_SPAN.sub("", raw))


class TextReader(DocumentReader):
    format_name = "text"

    @classmethod
    def supported_formats(cls) -> frozenset[str]:
        return frozenset({".txt", ".md", ".markdown"})

    def is_valid(self) -> bool:
        return self._decoded() is not None

    def _decoded(self) -> str | None:
        """The text: UTF-8 (with or without BOM), or UTF-16 with a BOM (Windows Notepad's "Unicode")."""
        if self.data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            try:
                return self.data.decode("utf-16")
            except UnicodeDecodeError:
                return None
        if b"\x00" in self.data:
            return None
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None

    def convert(self) -> Document:
        text = self._decoded()
        if text is None:
            raise self._not_text()
        return self._document(parse_text_lines(text.splitlines()))

    def _not_text(self) -> VnplanError:
        if sniff(self.data) is not Sniffed.OTHER:
            return self.not_this_format("a text file")
        try:
            self.data.decode("utf-8")
        except UnicodeDecodeError as error:
            if error.reason == "unexpected end of data":  # only the last character is cut
                return TruncatedFileError(self.path, "truncated file: the text ends in the middle of a character")
        return UnreadableDocumentError(
            self.path, "not a UTF-8 text file (an old 8-bit encoding or binary data): save it as UTF-8"
        )


def parse_text_lines(lines: list[str]) -> list[Block]:
    """Blocks of a text export, line numbers (1-based) as provenance."""
    blocks: list[Block] = []
    table_rows: list[Row] = []
    table_start = 0

    def close_table() -> None:
        if table_rows:
            width = max(len(row.cells) for row in table_rows)
            for row in table_rows:
                row.cells.extend(Cell() for _ in range(width - len(row.cells)))
            blocks.append(Block(BlockKind.TABLE, provenance=Provenance(line=table_start), rows=list(table_rows)))
            table_rows.clear()

    for number, raw in enumerate(lines, start=1):
        if "\t" in raw:
            if not table_rows:
                table_start = number
            table_rows.append(_table_row(raw, number))
            continue
        close_table()
        text = clean_text(raw)
        if not text:
            continue
        bold = is_fully_bold(raw)
        if has_leading_footnote_marker(raw):
            kind = BlockKind.FOOTNOTE
        else:
            kind = classify_line(text, bold=bold, marked_heading=bool(_MARKDOWN_HEADING.match(raw)))
        blocks.append(Block(kind, text=text, bold=bold, provenance=Provenance(line=number)))
    close_table()
    return blocks


def _table_row(raw: str, number: int) -> Row:
    cells = [Cell(text=clean_text(part), bold=is_fully_bold(part)) for part in raw.split("\t")]
    return Row(cells=cells, provenance=Provenance(line=number))
