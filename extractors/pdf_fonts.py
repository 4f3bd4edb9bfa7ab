"""The name and descent of each font of a PDF's pages, as pdfminer reads them from the font dictionaries.

The PDFium backend (``extractors.pdfium_objects``) takes a char's font from PDFium, which gives the font's base
name without its subset prefix, and a descent of its own when the font descriptor says 0 (LibreOffice writes
``/Descent 0`` for its subset fonts: PDFium then measures the glyphs "A" and "g", differently for each font).  A
char's box hangs from that descent, and pdfplumber groups chars into lines by their tops, so a regular and an
italic word of one line would land on two lines.  pdfminer takes the descriptor as written; reading the font
dictionaries with it costs about 10 ms per document (no content stream is parsed), and keeps the boxes, and so
every decision made from them, the same under both backends.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

_log = logging.getLogger(__name__)


UNNAMED_FONT = "unknown"
"""pdfminer's name for a font whose dictionaries give none (a Type 3 font has no ``/BaseFont``)."""


@dataclass(frozen=True)
class FontMetrics:
    fontname: str
    """The descriptor's font name, subset prefix included ("BAAAAA+LiberationSerif")."""
    descent: float
    """Below the baseline, per unit of font size (negative or 0), as pdfminer's ``PDFFont.get_descent``."""


def base_name(fontname: str) -> str:
    """A font name without its subset prefix: "BAAAAA+LiberationSerif" is "LiberationSerif"."""
    prefix, plus, rest = fontname.partition("+")
    return rest if plus and len(prefix) == 6 and prefix.isupper() else fontname


class FontTable:
    """Each page's fonts, keyed by base name."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pages: Iterator[Any] | None = None
        self._seen: list[Any] = []  # the page dictionaries walked so far (small: no content stream is read)
        self._resources = PDFResourceManager(caching=True)
        self._failed = False
        self._by_resources: dict[tuple[int, int], dict[str, FontMetrics]] = {}

    def fonts_of(self, index: int) -> dict[str, FontMetrics]:
        """The fonts of page ``index`` (from 0); empty when pdfminer cannot read them (PDFium's own values are
        used then)."""
        if self._failed:
            return {}
        try:
            if self._pages is None:
                self._pages = PDFPage.create_pages(PDFDocument(PDFParser(io.BytesIO(self._data))))
            while len(self._seen) <= index:
                self._seen.append(next(self._pages))
            resources = resolve1(self._seen[index].resources) or {}
            key = id(resolve1(resources.get("Font"))), id(resolve1(resources.get("XObject")))
            known = self._by_resources.get(key)  # pages mostly share one font dictionary
            if known is None:
                known = self._by_resources[key] = self._fonts(resources, depth=0)
            return known
        except Exception as error:  # a damaged file PDFium still reads: its own font values stand
            _log.debug("font dictionaries not read by pdfminer: %s", error)
            self._failed = True
            return {}

    def _fonts(self, resources: dict[str, Any], depth: int) -> dict[str, FontMetrics]:
        found: dict[str, FontMetrics] = {}
        for spec in (resolve1(resources.get("Font")) or {}).values():
            dictionary = resolve1(spec)
            font = self._resources.get_font(getattr(spec, "objid", None), dictionary)
            metrics = FontMetrics(str(font.fontname), float(font.get_descent()))
            found.setdefault(base_name(metrics.fontname), metrics)
            base = resolve1(dictionary.get("BaseFont"))
            if base is not None:
                found.setdefault(base_name(getattr(base, "name", str(base))), metrics)
        if depth < 2:  # fonts of form XObjects (a letterhead, a stamp drawn as a form)
            for xobject in (resolve1(resources.get("XObject")) or {}).values():
                stream = resolve1(xobject)
                inner = resolve1(getattr(stream, "attrs", {}).get("Resources"))
                if inner:
                    for name, metrics in self._fonts(inner, depth + 1).items():
                        found.setdefault(name, metrics)
        return found
