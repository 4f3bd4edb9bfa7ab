"""Reader for text exports (``.txt``/``.md``/``.markdown``): Markdown-ish lines, inline HTML, tables.

Three table forms, one table model:

- a run of consecutive lines that contain a tab is one table piece, one row per line (a blank line, a page
  number or a footnote between two runs is a page break: ``tables.find_appendix_tables`` stitches the pieces);
- a Markdown pipe table (``| STT | Nhiệm vụ |`` over a ``| --- | --- |`` separator line, outer pipes
  optional), as markitdown, pandoc and Docling write them: a backslash before a pipe keeps it inside a cell;
  rows between outer pipes without a separator line are a piece too (a table continued after a page break);
- an HTML table (``<table>`` ... ``</table>``, as converters write a table with merged cells or several
  paragraphs in a cell), read by ``extractors.html_tables``.

In Markdown (``.md``/``.markdown``) the lines a converter wrapped one paragraph over are one paragraph
(``join_soft_wrapped_lines``). Anything else is one block per line, its kind read from its markup (``#``
headings, ``-``/``+`` bullets, ``<sup>n</sup>`` footnotes) and wording. Inline HTML, entities and Markdown
emphasis are markup, never text (``normalizers.text.clean_text``). A piece's rows are padded to its widest
row; fitting a piece to the table it continues is the table stitcher's job, which knows the header.

"""

from __future__ import annotations

import codecs
import re

from extractors.base import DocumentReader
from extractors.errors import TruncatedFileError, UnreadableDocumentError, VnplanError
from extractors.html_tables import html_tables
from extractors.layout import classify_line
from extractors.model import Block, BlockKind, Cell, Document, Provenance, Row
from extractors.sniff import Sniffed, sniff
from normalizers.text import clean_text, has_leading_footnote_marker, strip_footnote_markers

_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
# An HTML bold span stops at the next opening tag of its kind: with ".*?" alone, every "<b>" without a closing
# tag scanned the rest of the line, and a long line of them took minutes (quadratic).
_BOLD_SPAN = re.compile(r"\*\*.*?\*\*|__.*?__|<(b|strong)>(?:(?!<\1>).)*?</\1>", re.IGNORECASE | re.DOTALL)
_WORD = re.compile(r"\w")
# Tags that carry no emphasis (<p>, <span style=...>, <br>): they wrap the text, they are not text.
_OTHER_TAG = re.compile(r"</?(?!(?:b|strong)\b)[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>", re.IGNORECASE)
# A Markdown table's separator line: "| --- | :---: |" or "---|---" (at least one pipe, dashes in each cell).
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?\s*$|^\s*\|\s*:?-{2,}:?\s*\|\s*$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def is_fully_bold(raw: str) -> bool:
    """True when every word of the raw line sits inside a bold span."""
    raw = _OTHER_TAG.sub("", strip_footnote_markers(raw))
    if not _BOLD_SPAN.search(raw):
        return False
    return not _WORD.search(_BOLD_SPAN.sub("", raw))


def is_pipe_separator(line: str) -> bool:
    return bool(_PIPE_SEPARATOR.match(line))


def is_bare_pipe_row(line: str) -> bool:
    """A table row written between outer pipes with no separator line above it ("| 5 | ... | ... |"): a table
    piece that continues after a page break, as some converters write it."""
    text = line.strip()
    return text.startswith("|") and text.endswith("|") and len(_UNESCAPED_PIPE.findall(text)) >= 3


def pipe_cells(line: str) -> list[str]:
    """The raw cells of a Markdown table line: outer pipes dropped, split at every pipe not escaped."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return _UNESCAPED_PIPE.split(text)


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
        lines = text.splitlines()
        if self.path.suffix.lower() in MARKDOWN_SUFFIXES:
            lines = join_soft_wrapped_lines(lines)
        return self._document(parse_text_lines(lines))

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


_HTML_TABLE_OPEN = re.compile(r"<table\b", re.IGNORECASE)
_HTML_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)


def _html_table_end(lines: list[str], start: int) -> int:
    """The line that closes the HTML table opened on line ``start`` (nested tables counted), else the last."""
    depth = 0
    for index in range(start, len(lines)):
        depth += len(_HTML_TABLE_OPEN.findall(lines[index])) - len(_HTML_TABLE_CLOSE.findall(lines[index]))
        if depth <= 0:
            return index
    return len(lines) - 1


MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
# What opens a Markdown block of its own (a heading, list item, quote, table row, HTML block): never the
# continuation of the paragraph above.
_BLOCK_START = re.compile(r"^\s*(?:#{1,6}\s|[-+*•]\s|\d{1,3}[.)]\s|>|\||<(?:p|div|table|h\d)\b)", re.IGNORECASE)
_HARD_BREAK = re.compile(r"(?: {2,}|\\)$")
_LINES_PER_BLANK = 8


def _is_prose_line(line: str) -> bool:
    """A line of text outside tables (pipe or tab rows, HTML lines)."""
    plain = line.strip()
    return bool(plain) and "|" not in plain and "\t" not in line and not plain.startswith("<")


def join_soft_wrapped_lines(lines: list[str]) -> list[str]:
    """Markdown paragraphs as one line each: converters (pandoc) wrap a paragraph over lines that only a blank
    line or a new block ends.  A joined line is left blank in its place, so line numbers stay those of the file.

    Only in a file that separates its paragraphs by blank lines (at least one blank line for every
    ``_LINES_PER_BLANK`` lines of text outside tables): a file written one paragraph per line, without blank
    lines, is read line by line as a text export."""
    blank = sum(1 for line in lines if not line.strip())
    text = sum(1 for line in lines if _is_prose_line(line))
    if blank * _LINES_PER_BLANK < text:
        return lines
    joined = list(lines)
    open_line: int | None = None  # the line the current paragraph started on
    in_table = False
    for index, line in enumerate(lines):
        plain = line.strip()
        heads_a_table = index + 1 < len(lines) and is_pipe_separator(lines[index + 1])
        in_table = heads_a_table or (in_table and "|" in line and bool(plain))
        if not plain or "\t" in line or in_table or is_pipe_separator(line):
            open_line = None
            continue
        if open_line is not None and not _BLOCK_START.match(line):
            joined[open_line] = f"{joined[open_line].rstrip()} {plain}"
            joined[index] = ""
        else:
            open_line = index
        if _HARD_BREAK.search(line) or plain.startswith(("#", "|")):
            open_line = None
    return joined


def parse_text_lines(lines: list[str]) -> list[Block]:
    """Blocks of a text export, line numbers (1-based) as provenance."""
    blocks: list[Block] = []
    table_rows: list[Row] = []
    table_start = 0
    piped = False  # whether the open table is a Markdown pipe table (its rows are the lines with a pipe)

    def close_table() -> None:
        nonlocal piped
        if table_rows:
            # One width per piece, that of its widest row without trailing empty cells: exports write a varying
            # number of trailing tabs or pipes, which must not make a piece look wider than its header.
            width = max(len(_without_trailing_empties(row.cells)) for row in table_rows)
            for row in table_rows:
                row.cells = _without_trailing_empties(row.cells)
                row.cells.extend(Cell() for _ in range(width - len(row.cells)))
            blocks.append(Block(BlockKind.TABLE, provenance=Provenance(line=table_start), rows=list(table_rows)))
            table_rows.clear()
        piped = False

    html_end = -1  # the last line of the HTML table being read
    for index, raw in enumerate(lines):
        number = index + 1
        if index <= html_end:
            continue
        if _HTML_TABLE_OPEN.search(raw):
            close_table()
            html_end = _html_table_end(lines, index)
            for rows in html_tables("\n".join(lines[index : html_end + 1]), line=number):
                blocks.append(Block(BlockKind.TABLE, provenance=Provenance(line=number), rows=rows))
            continue
        if piped and "|" in raw and raw.strip():
            if not is_pipe_separator(raw):
                table_rows.append(_pipe_row(raw, number))
            continue
        opens_a_table = index + 1 < len(lines) and is_pipe_separator(lines[index + 1])
        if "|" in raw and (opens_a_table or is_bare_pipe_row(raw)):
            close_table()
            piped, table_start = True, number
            table_rows.append(_pipe_row(raw, number))
            continue
        if "\t" in raw and not piped:
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


def _without_trailing_empties(cells: list[Cell]) -> list[Cell]:
    end = len(cells)
    while end and cells[end - 1].is_empty:
        end -= 1
    return cells[:end]


def _table_row(raw: str, number: int) -> Row:
    return _row(raw.split("\t"), number)


def _pipe_row(raw: str, number: int) -> Row:
    return _row(pipe_cells(raw), number)


def _row(parts: list[str], number: int) -> Row:
    cells = [Cell(text=clean_text(part), bold=is_fully_bold(part)) for part in parts]
    return Row(cells=cells, provenance=Provenance(line=number))
