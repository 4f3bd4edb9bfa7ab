"""Reader for Word files (python-docx): paragraphs and real tables, in body order.

python-docx gives the package and the element tree; the table grid is rebuilt
here from ``w:gridSpan``/``w:vMerge`` because ``_Row.cells`` repeats a merged
cell's text in every grid position it covers, which would duplicate a group
title across all columns.  Superscript footnote markers and footnote
references are dropped from the text.  Labels Word draws from its list numbering ("1.", "a)", bullets) are
rendered into the text as if typed (``word_numbering``), in body paragraphs and table cells alike.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import docx
from docx.oxml.ns import qn

from extractors.base import DocumentReader
from extractors.errors import UnreadableDocumentError
from extractors.layout import classify_line
from extractors.model import Block, BlockKind, Cell, Document, Provenance, Row
from extractors.sniff import Sniffed, sniff
from extractors.word_numbering import WordNumbering
from normalizers.text import clean_text

_FOOTNOTE_MARK = re.compile(r"^\W*\d{0,3}\W*$")
_P, _TBL, _SDT = qn("w:p"), qn("w:tbl"), qn("w:sdt")
_MAX_COLUMNS = 63  # Word's own limit on the columns of a table


class DocxReader(DocumentReader):
    format_name = "docx"

    @classmethod
    def supported_formats(cls) -> frozenset[str]:
        return frozenset({".docx"})

    def is_valid(self) -> bool:
        return sniff(self.data) is Sniffed.DOCX

    def convert(self) -> Document:
        if not self.is_valid():
            raise self.not_this_format("a Word (.docx) file")
        try:
            word = docx.Document(io.BytesIO(self.data))
            body = word.element.body
        except Exception as error:  # python-docx raises many types for a broken package
            raise UnreadableDocumentError(self.path, f"cannot open the Word file ({error})") from error
        if body is None:  # <w:body> is optional in WordprocessingML: a document without one is empty
            return self._document([])
        numbering = WordNumbering.of(word)
        numbering.prepare(body.iter(_P))
        pages = _PageCounter(body)
        blocks: list[Block] = []
        for element in _body_items(body):
            if element.tag == _P:
                text, bold, labelled = _paragraph_text(element, numbering)
                page = pages.page_of(element)
                if text:
                    # A label Word draws reads as the typed one would; numbering it cannot render stays a list item.
                    numbered = _is_numbered(element) and not labelled
                    kind = BlockKind.LIST_ITEM if numbered else classify_line(text, bold=bold)
                    blocks.append(Block(kind, text=text, bold=bold, provenance=Provenance(page=page)))
            elif element.tag == _TBL:
                rows = _table_rows(element, pages, numbering)
                if rows:
                    blocks.append(Block(BlockKind.TABLE, provenance=rows[0].provenance, rows=rows))
        return self._document(blocks, page_count=pages.total)


def _body_items(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables in order, looking inside content controls."""
    for child in parent.iterchildren():
        if child.tag == _SDT:
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_items(content)
        elif child.tag in (_P, _TBL):
            yield child


def _is_numbered(paragraph: Any) -> bool:
    ppr = paragraph.find(qn("w:pPr"))
    return ppr is not None and ppr.find(qn("w:numPr")) is not None


def _run_is_bold(run: Any) -> bool:
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        return False
    bold = rpr.find(qn("w:b"))
    return bold is not None and bold.get(qn("w:val")) not in ("0", "false")


def _run_is_footnote_marker(run: Any, text: str) -> bool:
    if run.find(qn("w:footnoteReference")) is not None or run.find(qn("w:endnoteReference")) is not None:
        return True
    rpr = run.find(qn("w:rPr"))
    align = rpr.find(qn("w:vertAlign")) if rpr is not None else None
    superscript = align is not None and align.get(qn("w:val")) == "superscript"
    return superscript and bool(_FOOTNOTE_MARK.match(text))


def _run_text(run: Any) -> str:
    parts: list[str] = []
    for node in run.iterchildren():
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag in (qn("w:tab"), qn("w:br"), qn("w:cr")):
            parts.append(" ")
    return "".join(parts)


def _paragraph_text(paragraph: Any, numbering: WordNumbering | None = None) -> tuple[str, bool, bool]:
    """Plain text of a paragraph (hyperlinks and fields included), with the label Word numbers it with
    (``word_numbering``), whether all of its text is bold, and whether it got a label."""
    label = numbering.label(paragraph) if numbering is not None else None
    pieces: list[str] = []
    all_bold = True
    for run in paragraph.iter(qn("w:r")):
        text = _run_text(run)
        if not text or _run_is_footnote_marker(run, text):
            continue
        pieces.append(text)
        if text.strip() and not _run_is_bold(run):
            all_bold = False
    text = clean_text("".join(pieces))
    bold = bool(text) and all_bold
    if label is not None and not _already_labelled(text, label):
        text = f"{label} {text}".strip()
    return text, bold, label is not None


def _already_labelled(text: str, label: str) -> bool:
    """A list paragraph whose text also types its mark ("- ..." in a bulleted list): the mark is not doubled."""
    if label in ("-", "+"):
        return text[:1] in "-–+•"
    return text.startswith(label)


def _cell_content(tc: Any, numbering: WordNumbering | None) -> tuple[str, bool]:
    texts: list[str] = []
    bolds: list[bool] = []
    for paragraph in tc.iter(qn("w:p")):
        text, bold, _ = _paragraph_text(paragraph, numbering)
        if text:
            texts.append(text)
            bolds.append(bold)
    return clean_text(" ".join(texts)), bool(bolds) and all(bolds)


def _int_attr(element: Any, tag: str, default: int) -> int:
    node = element.find(tag) if element is not None else None
    value = node.get(qn("w:val")) if node is not None else None
    # ASCII digits only: str.isdigit() is also true for "²" or "١", which are not OOXML numbers.
    return int(value) if value and value.isascii() and value.isdigit() else default


def _table_rows(tbl: Any, pages: _PageCounter, numbering: WordNumbering | None = None) -> list[Row]:
    rows: list[Row] = []
    # A row is no wider than the table's grid, and Word tables have at most 63 columns: a wider span or skip is
    # damage, which taken at face value ("gridSpan" 100000000) would build millions of cells.
    grid = tbl.find(qn("w:tblGrid"))
    widest = max(_MAX_COLUMNS, len(grid.findall(qn("w:gridCol"))) if grid is not None else 0)
    for tr in tbl.iterchildren(qn("w:tr")):
        trpr = tr.find(qn("w:trPr"))
        cells: list[Cell] = [Cell() for _ in range(min(_int_attr(trpr, qn("w:gridBefore"), 0), widest))]
        for tc in tr.iterchildren(qn("w:tc")):
            tcpr = tc.find(qn("w:tcPr"))
            span = max(1, min(_int_attr(tcpr, qn("w:gridSpan"), 1), widest - len(cells)))
            vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            continues_above = vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue")
            if continues_above:
                cells.append(Cell(merged="up"))
            else:
                text, bold = _cell_content(tc, numbering)
                cells.append(Cell(text=text, bold=bold))
            cells.extend(Cell(merged="left") for _ in range(span - 1))
        rows.append(Row(cells=cells, provenance=Provenance(page=pages.page_of(tr))))
    width = max((len(row.cells) for row in rows), default=0)
    for row in rows:
        row.cells.extend(Cell() for _ in range(width - len(row.cells)))
    return rows


class _PageCounter:
    """Page numbers from explicit page breaks and Word's last-rendered breaks, when the file has any.

    A DOCX holds no pagination of its own; without such marks the page is unknown (None).
    """

    def __init__(self, body: Any) -> None:
        self._page_of: dict[Any, int] = {}
        page = 1
        seen_break = False
        for element in body.iter():
            if element.tag == qn("w:lastRenderedPageBreak") or (
                element.tag == qn("w:br") and element.get(qn("w:type")) == "page"
            ):
                page += 1
                seen_break = True
            elif element.tag in (_P, qn("w:tr")):
                self._page_of[element] = page
        self.known = seen_break
        self.total: int | None = page if seen_break else None

    def page_of(self, element: Any) -> int | None:
        return self._page_of.get(element) if self.known else None
