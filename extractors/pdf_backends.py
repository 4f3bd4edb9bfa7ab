"""Where a PDF's text layer comes from: PDFium (the default) or pdfminer, behind one small interface.

Both backends hand the PDF reader the same thing: pdfplumber pages, whose object dicts (chars with their boxes,
fonts and sizes; lines, rects and curves; images) feed pdfplumber's table finder, its word and line grouping,
and vnplan's own paragraph and table code.  Only the parsing of the content streams differs:

* ``PdfiumBackend`` reads each page with PDFium (``pypdfium2``, C++) into those dicts
  (``extractors.pdfium_objects``): about ten times faster than pdfminer;
* ``PdfminerBackend`` is pdfplumber as it comes, parsing with pdfminer in Python.  It stays as a setting
  (``PdfSettings.backend = "pdfminer"``) and as the oracle the tests hold the PDFium backend to.

An open PDF also renders its pages for OCR, with the same PDFium call and options either way, so a scanned
page gives tesseract the same picture whichever backend reads the text.
"""

from __future__ import annotations

import io
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace, TracebackType
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException
from PIL import Image

from extractors.errors import EncryptedDocumentError, UnreadableDocumentError
from extractors.pdf_fonts import FontTable
from extractors.pdfium_objects import PageFrame, PdfiumPageObjects
from extractors.settings import PDF_BACKENDS

ENCRYPTED = "PDF is encrypted (password-protected): remove the password and upload it again"


class OpenPdf(ABC):
    """An open PDF: its pages as pdfplumber pages, and their pictures for OCR."""

    def __init__(self, data: bytes, path: Path, document: pdfium.PdfDocument | None = None) -> None:
        self._data = data
        self._path = path
        self._document = document

    @property
    @abstractmethod
    def pages(self) -> Sequence[Any]:
        """pdfplumber pages (``Page``): ``chars``, ``images``, ``find_tables``, ``filter``, ``close``..."""

    def render(self, page_number: int, dpi: int) -> Image.Image:
        """Page ``page_number`` (from 1) as an RGB picture at ``dpi``: pdfplumber's ``to_image`` rendering
        (PDFium, no anti-aliasing), done on the document already open."""
        if self._document is None:
            self._document = _open_pdfium(self._data, self._path)
        page = self._document[page_number - 1]
        try:
            bitmap = page.render(
                scale=dpi / 72,
                no_smoothtext=True,
                no_smoothpath=True,
                no_smoothimage=True,
                prefer_bgrx=True,
            )
            return bitmap.to_pil().convert("RGB")
        finally:
            page.close()

    def close(self) -> None:
        if self._document is not None:
            self._document.close()

    def __enter__(self) -> OpenPdf:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class PdfBackend(ABC):
    name: str

    @abstractmethod
    def open(self, data: bytes, path: Path) -> OpenPdf:
        """The PDF in ``data`` (read from ``path``), open; an ``EncryptedDocumentError`` or
        ``UnreadableDocumentError`` naming ``path`` when it cannot be opened."""


def backend_named(name: str) -> PdfBackend:
    if name == "pdfium":
        return PdfiumBackend()
    if name == "pdfminer":
        return PdfminerBackend()
    raise ValueError(f"unknown PDF backend {name!r}: one of {', '.join(PDF_BACKENDS)}")


def _open_pdfium(data: bytes, path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedDocumentError(path, ENCRYPTED) from error
        raise UnreadableDocumentError(path, f"damaged PDF: {error}") from error


# -- pdfminer ------------------------------------------------------------------------------


class _PdfminerPdf(OpenPdf):
    def __init__(self, pdf: Any, data: bytes, path: Path) -> None:
        super().__init__(data, path)
        self._pdf = pdf

    @property
    def pages(self) -> Sequence[Any]:
        return self._pdf.pages

    def close(self) -> None:
        self._pdf.close()
        super().close()


class PdfminerBackend(PdfBackend):
    """pdfplumber as it comes: pdfminer parses every page's content stream."""

    name = "pdfminer"

    def open(self, data: bytes, path: Path) -> OpenPdf:
        try:
            pdf = pdfplumber.open(io.BytesIO(data))
        except PDFPasswordIncorrect as error:
            raise EncryptedDocumentError(path, ENCRYPTED) from error
        except PdfminerException as error:
            # pdfplumber wraps pdfminer's error as the first argument (PDFPasswordIncorrect for a password).
            cause = error.args[0] if error.args else error
            if isinstance(cause, PDFPasswordIncorrect) or "password" in str(cause).lower():
                raise EncryptedDocumentError(path, ENCRYPTED) from error
            raise UnreadableDocumentError(path, f"damaged PDF: {describe(cause)}") from error
        return _PdfminerPdf(pdf, data, path)


# -- PDFium --------------------------------------------------------------------------------


class PdfiumPage(Page):
    """A pdfplumber page whose objects PDFium read (``extractors.pdfium_objects``), not pdfminer.

    Everything pdfplumber derives from the objects (``chars``, ``edges``, ``find_tables``, ``filter``,
    ``crop``, ``extract_text_lines``) works as on any page; what needs pdfminer's own page (``layout``,
    ``annots``, ``structure_tree``, ``to_image``) is not offered: render through ``OpenPdf.render``.
    """

    def __init__(self, source: PdfiumPageObjects, page_number: int, initial_doctop: float) -> None:
        # Not Page.__init__: that reads pdfminer's page dictionary; the boxes come from PDFium instead.
        self.pdf = SimpleNamespace(unicode_norm=None, laparams=None)  # type: ignore[assignment]
        self.root_page = self
        self.page_obj = None  # type: ignore[assignment]
        self.page_number = page_number
        self.initial_doctop = initial_doctop
        self.rotation = source.frame.rotation
        self.mediabox = source.frame.plumber_mediabox
        self.cropbox = source.frame.plumber_cropbox
        self.bbox = self.mediabox
        self._source = source
        self.get_textmap = lru_cache()(self._get_textmap)

    def parse_objects(self) -> dict[str, list[dict[str, Any]]]:
        return self._source.objects()

    @property
    def layout(self) -> Any:
        raise NotImplementedError("a PDFium page has no pdfminer layout")


class _PdfiumPages(Sequence[Any]):
    """The pages of a PDFium document, made one at a time as the reader asks for them."""

    def __init__(self, document: pdfium.PdfDocument, fonts: FontTable) -> None:
        self._document = document
        self._fonts = fonts
        self._frames: list[PageFrame] = []
        self._made: dict[int, PdfiumPage] = {}

    def __len__(self) -> int:
        return len(self._document)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        page = self._made.get(index)
        if page is None:
            page = self._made[index] = self._make(index)
        return page

    def _make(self, index: int) -> PdfiumPage:
        frame = self._frame(index)
        source = PdfiumPageObjects(self._document, index, frame, lambda: self._fonts.fonts_of(index))
        return PdfiumPage(source, index + 1, frame.doctop)

    def _frame(self, index: int) -> PageFrame:
        """Page ``index``'s frame; its doctop is the sum of the heights of the pages before it."""
        while len(self._frames) <= index:
            number = len(self._frames)
            doctop = self._frames[-1].doctop + self._frames[-1].height if self._frames else 0.0
            self._frames.append(_frame(self._document, number, doctop))
        return self._frames[index]


def _frame(document: pdfium.PdfDocument, index: int, doctop: float) -> PageFrame:
    page = document[index]
    try:
        # PDFium's box getters do not look up a box the page inherits from its page tree (fpdf2 puts MediaBox
        # there); its bounding box does (the media box cut by a crop box, which is rarely there too).
        media = page.get_mediabox(fallback_ok=False) or page.get_bbox()
        crop = page.get_cropbox(fallback_ok=False) or media
        return PageFrame.of(tuple(media), tuple(crop), page.get_rotation(), doctop)
    finally:
        page.close()


class _PdfiumPdf(OpenPdf):
    def __init__(self, data: bytes, path: Path) -> None:
        document = _open_pdfium(data, path)
        super().__init__(data, path, document)
        self._pages = _PdfiumPages(document, FontTable(data))

    @property
    def pages(self) -> Sequence[Any]:
        return self._pages


class PdfiumBackend(PdfBackend):
    """PDFium parses the pages (``pypdfium2``); pdfplumber's geometry works on what it read."""

    name = "pdfium"

    def open(self, data: bytes, path: Path) -> OpenPdf:
        return _PdfiumPdf(data, path)


def describe(error: object) -> str:
    """A parser's message, or its error type when the message is empty (many are)."""
    return str(error) or type(error).__name__
