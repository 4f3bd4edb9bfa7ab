"""A PDF page's chars, paths and images read by PDFium (``pypdfium2``), as the object dicts pdfplumber makes.

pdfplumber's table finder, word grouping and cropping are plain geometry over object dicts (``x0``, ``top``,
``text``, ``fontname``, ...); only the parsing of the content streams that makes those dicts is slow, because
pdfminer does it in Python.  PDFium parses them in C.  This module turns PDFium's view of a page into the same
dicts, with pdfminer's conventions, so that everything downstream (``extractors.pdf_reader``, pdfplumber's own
``find_tables`` and ``extract_text_lines``) gives the same decisions whichever parser fed it:

* a char's box runs from its origin along its advance width, and from the font's descent below the baseline
  to one font size above it, through the char's text matrix (pdfminer's ``LTChar``); its ``size`` is that
  height;
* paths are split into subpaths at each move; a subpath of one segment is a ``line``, a closed axis-aligned
  four-sided one a ``rect``, anything else a ``curve`` whose points are the segments' end points
  (pdfminer's ``PDFLayoutAnalyzer.paint_path``); shapes inside form XObjects are included, placed by the form's
  matrix;
* coordinates are pdfplumber's: points from the page's top-left corner, ``top`` growing down the page, after
  the page's ``/Rotate`` as pdfminer applies it.

Where PDFium cannot say what pdfminer says, the difference is named here and in the README:

* a font's name and descent are read from the font dictionaries by pdfminer (``extractors.pdf_fonts``: PDFium
  drops the subset prefix, and makes up a descent where the descriptor says 0); a font pdfminer cannot read
  there keeps PDFium's values;
* a char set at an angle (neither upright nor upside down) gets its drawn glyph's box: PDFium gives no advance
  width for it.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.pdf_fonts import UNNAMED_FONT, FontMetrics, base_name

Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]

_TEXT_OBJECT_ADDRESS = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value or 0
)
"""``FPDFText_GetTextObject`` returning the text object's address as an int: the cache key of a char's font and
matrix, got without a pointer object and a cast per char (a page has thousands)."""


@dataclass(frozen=True)
class _TextObject:
    """What every char of one PDFium text object shares: its font and its text matrix."""

    font: Any  # PDFium's font handle
    font_key: int  # its address: the key of the advance widths cache
    widths: dict[str, float]  # the font's advance widths found so far, by char (shared by its text objects)
    fontname: str
    descent: float  # below the baseline, in text space units per unit of font size (negative)
    font_size: float
    matrix: tuple[float, float, float, float]  # a, b, c, d of the char matrix (the text matrix with the CTM)

    @cached_property
    def axis_aligned(self) -> bool:
        """Neither rotated nor skewed: the baseline runs along the page's x axis."""
        a, b, c, _ = self.matrix
        return b == 0 and c == 0 and a != 0

    @cached_property
    def upright(self) -> bool:
        a, b, c, d = self.matrix
        return a * d > 0 and b * c <= 0

    @cached_property
    def below(self) -> float:
        """The bottom of a char's box from its baseline, in user space (pdfminer's box, for an axis-aligned char)."""
        return min(self._edges)

    @cached_property
    def above(self) -> float:
        """The top of a char's box from its baseline, in user space."""
        return max(self._edges)

    @cached_property
    def fast(self) -> tuple[dict[str, float], float, float, float, float, str, bool]:
        """What ``PdfiumPageObjects._chars`` reads for every char, in one tuple (no attribute lookups)."""
        return self.widths, self.font_size, self.matrix[0], self.below, self.above, self.fontname, self.upright

    @property
    def _edges(self) -> tuple[float, float]:
        d, size = self.matrix[3], self.font_size
        return d * self.descent * size, d * (self.descent + 1) * size


@dataclass(frozen=True)
class PageFrame:
    """How a page's user space maps onto pdfplumber's coordinates (pdfminer's CTM for the page's rotation,
    then pdfplumber's flip to a top-left origin), and the page's boxes as pdfplumber gives them."""

    ctm: Matrix
    rotation: int
    height: float
    mediabox_top: float
    mediabox_x0: float
    doctop: float
    plumber_mediabox: tuple[float, float, float, float]
    plumber_cropbox: tuple[float, float, float, float]

    @classmethod
    def of(
        cls,
        mediabox: tuple[float, ...],
        cropbox: tuple[float, ...],
        rotation: int,
        doctop: float,
    ) -> PageFrame:
        rotation %= 360
        x0, y0, x1, y1 = mediabox
        # pdfminer's PDFPageInterpreter.process_page: the CTM that puts a rotated page upright.
        ctm: Matrix
        if rotation == 90:
            ctm = (0, -1, 1, 0, -y0, x1)
        elif rotation == 180:
            ctm = (-1, 0, 0, -1, x1, y1)
        elif rotation == 270:
            ctm = (0, 1, -1, 0, y1, -x0)
        else:
            ctm = (1, 0, 0, 1, -x0, -y0)
        # pdfplumber's boxes (Page.__init__): normalized for the rotation, then flipped top to bottom.
        media = _normalized(mediabox, rotation)
        height = media[3] - media[1]
        return cls(
            ctm=ctm,
            rotation=rotation,
            height=height,
            mediabox_top=-media[1],
            mediabox_x0=media[0],
            doctop=doctop,
            plumber_mediabox=_flipped(media, height),
            plumber_cropbox=_flipped(_normalized(cropbox, rotation), height),
        )

    def point(self, x: float, y: float) -> Point:
        """A user-space point in pdfminer's page space (origin at the bottom left of the upright page)."""
        a, b, c, d, e, f = self.ctm
        return a * x + c * y + e, b * x + d * y + f

    def box(self, x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
        """pdfplumber's coordinate keys of a box given in pdfminer's page space."""
        shift = self.mediabox_x0
        top = self.height - y1 + self.mediabox_top
        bottom = self.height - y0 + self.mediabox_top
        return {
            "x0": x0 + shift,
            "y0": y0,
            "x1": x1 + shift,
            "y1": y1,
            "width": x1 - x0,
            "height": y1 - y0,
            "top": top,
            "bottom": bottom,
            "doctop": self.doctop + top,
        }

    def coord(self, point: Point) -> Point:
        """A point in pdfminer's page space as pdfplumber's (x, top)."""
        return point[0] + self.mediabox_x0, self.height - point[1] + self.mediabox_top


def _normalized(box: tuple[float, ...], rotation: int) -> tuple[float, float, float, float]:
    x0, x1 = sorted((box[0], box[2]))
    y0, y1 = sorted((box[1], box[3]))
    return (y0, x0, y1, x1) if rotation in (90, 270) else (x0, y0, x1, y1)


def _flipped(box: tuple[float, float, float, float], height: float) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    return (x0, height - y1, x1, height - y0)


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` (pdfminer's ``mult_matrix`` order)."""
    a1, b1, c1, d1, e1, f1 = m
    a0, b0, c0, d0, e0, f0 = n
    return (
        a0 * a1 + c0 * b1,
        b0 * a1 + d0 * b1,
        a0 * c1 + c0 * d1,
        b0 * c1 + d0 * d1,
        a0 * e1 + c0 * f1 + e0,
        b0 * e1 + d0 * f1 + f0,
    )


class PdfiumPageObjects:
    """The object dicts of one page (``chars``, ``line``, ``rect``, ``curve``, ``image``), read by PDFium."""

    def __init__(
        self,
        document: pdfium.PdfDocument,
        index: int,
        frame: PageFrame,
        fonts: Callable[[], Mapping[str, FontMetrics]],
    ) -> None:
        self.document = document
        self.index = index
        self.frame = frame
        self.page_number = index + 1
        self._fonts = fonts
        """The page's fonts as pdfminer reads their dictionaries (``extractors.pdf_fonts``), by base name."""
        self.fonts: Mapping[str, FontMetrics] = {}
        self._text_objects: dict[int, _TextObject] = {}
        self._widths: dict[int, dict[str, float]] = {}
        """Advance widths per unit of font size, by font (its handle's address) and char."""
        self._name_buffer = ctypes.create_string_buffer(256)

    def release(self) -> None:
        """Drop what was cached while the page was parsed."""
        self._text_objects.clear()
        self._widths.clear()
        self.fonts = {}

    def objects(self) -> dict[str, list[dict[str, Any]]]:
        """The page parsed (again, when pdfplumber dropped the objects of a closed page and is asked for them).

        PDFium's page is open only while it is parsed: the caches of its text objects and fonts, keyed by
        PDFium's handles, go with it (a handle's address is reused once the page is closed)."""
        self.fonts = self._fonts()
        page = self.document[self.index]
        try:
            found: dict[str, list[dict[str, Any]]] = {"char": self._page_chars(page)}
            for kind, obj in self._shapes(page.raw, self.frame.ctm):
                found.setdefault(kind, []).append(obj)
        finally:
            page.close()
            self.release()
        return {kind: objs for kind, objs in found.items() if objs}

    # -- text ------------------------------------------------------------------------------

    def _page_chars(self, page: pdfium.PdfPage) -> list[dict[str, Any]]:
        textpage = pdfium_c.FPDFText_LoadPage(page.raw)
        try:
            return list(self._chars(textpage))
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)

    def _chars(self, textpage: Any) -> Iterator[dict[str, Any]]:
        count = pdfium_c.FPDFText_CountChars(textpage)
        text = _page_text(textpage, count)
        origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
        frame, number = self.frame, self.page_number
        upright_page = frame.ctm[:4] == (1, 0, 0, 1)
        flip, shift_y, doctop = frame.height + frame.mediabox_top, frame.ctm[5], frame.doctop
        styles = self._text_objects
        get_origin, object_address = pdfium_c.FPDFText_GetCharOrigin, _TEXT_OBJECT_ADDRESS
        for index in range(count):
            char = text[index] if text is not None else chr(pdfium_c.FPDFText_GetUnicode(textpage, index) or 0xFFFD)
            if char == "\ufffe":  # PDFium's mark for a hyphen at a line's end; the glyph drawn is a hyphen
                char = "-"
            if char in "\r\n\x00" or (char.isspace() and pdfium_c.FPDFText_IsGenerated(textpage, index)):
                continue  # a line break or space PDFium put in: no glyph was drawn for it
            address = object_address(textpage, index)
            style = styles.get(address) if address else self._orphan(textpage, index)
            if style is None:
                style = self._text_object(textpage, index, address)
            get_origin(textpage, index, origin_x, origin_y)
            x, y = origin_x.value, origin_y.value
            if not (style.axis_aligned and upright_page):
                yield self._char_at_an_angle(textpage, index, char, style, x, y)
                continue
            # The usual case, written out for speed (a page has thousands of chars): an unrotated page, a char
            # neither rotated nor skewed; the same box as ``_char_at_an_angle`` computes.
            font_widths, size, a, below, above, fontname, upright = style.fast
            width = font_widths.get(char)
            if width is None:
                width = self._advance(style, char, textpage, index)
            adv = width * size
            x0, x1 = x, x + adv * a
            if x1 < x0:
                x0, x1 = x1, x0
            y0 = y + shift_y + below
            y1 = y + shift_y + above
            top = flip - y1
            yield {
                "text": char,
                "fontname": fontname,
                "size": y1 - y0,
                "adv": adv,
                "upright": upright,
                "x0": x0,
                "y0": y0,
                "x1": x1,
                "y1": y1,
                "width": x1 - x0,
                "height": y1 - y0,
                "top": top,
                "bottom": flip - y0,
                "doctop": doctop + top,
                "matrix": (*style.matrix, x, y + shift_y),
                "object_type": "char",
                "page_number": number,
                "mcid": None,
                "tag": None,
                "stroking_color": None,
                "non_stroking_color": None,
            }

    def _char_at_an_angle(
        self, textpage: Any, index: int, char: str, style: _TextObject, origin_x: float, origin_y: float
    ) -> dict[str, Any]:
        """A char on a rotated page, or itself rotated or skewed: its box through the full matrices."""
        frame = self.frame
        a, b, c, d = style.matrix
        size = style.font_size
        if style.axis_aligned:
            adv = self._advance(style, char, textpage, index) * size
            descent = style.descent * size
            box = _transform_rect((a, b, c, d, origin_x, origin_y), (0.0, descent, adv, descent + size))
        else:  # the drawn glyph's box: PDFium gives no advance width along a slanted baseline
            left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
            pdfium_c.FPDFText_GetCharBox(textpage, index, left, right, bottom, top)
            box = (left.value, bottom.value, right.value, top.value)
            adv = math.hypot(a, b) * size
        x0, y0 = frame.point(box[0], box[1])
        x1, y1 = frame.point(box[2], box[3])
        x0, x1 = min(x0, x1), max(x0, x1)
        y0, y1 = min(y0, y1), max(y0, y1)
        matrix = _multiply((a, b, c, d, origin_x, origin_y), frame.ctm)
        obj = frame.box(x0, y0, x1, y1)
        obj.update(
            text=char,
            fontname=style.fontname,
            size=y1 - y0,
            adv=adv,
            upright=matrix[0] * matrix[3] > 0 and matrix[1] * matrix[2] <= 0,
            matrix=matrix,
            object_type="char",
            page_number=self.page_number,
            mcid=None,
            tag=None,
            stroking_color=None,
            non_stroking_color=None,
        )
        return obj

    def _advance(self, style: _TextObject, char: str, textpage: Any, index: int) -> float:
        """The char's advance width in text space: its width in the font's ``/Widths`` (pdfminer's ``adv``; the
        glyph drawn may reach further: a horn or a tone mark over the next letter), for one unit of font size
        is this times the size.  Cached per font and char (``style.widths``)."""
        width = style.widths.get(char)
        if width is not None:
            return width
        found = ctypes.c_float()
        if style.font and pdfium_c.FPDFFont_GetGlyphWidth(style.font, ord(char), ctypes.c_float(1.0), found):
            style.widths[char] = found.value
            return found.value
        # PDFium cannot map the char back to a code of the font (or there is no font): this char's loose box
        loose = pdfium_c.FS_RECTF()
        pdfium_c.FPDFText_GetLooseCharBox(textpage, index, loose)
        return (loose.right - loose.left) / (style.matrix[0] * style.font_size or 1.0)

    def _orphan(self, textpage: Any, index: int) -> _TextObject:
        """The style of a drawn char PDFium ties to no text object: its own size and matrix, no font (its box
        then comes from PDFium's loose box).  Kept, not dropped: a char left out is text lost without a word."""
        matrix = pdfium_c.FS_MATRIX()
        pdfium_c.FPDFText_GetMatrix(textpage, index, matrix)
        return _TextObject(
            font=None,
            font_key=0,
            widths={},
            fontname=UNNAMED_FONT,
            descent=0.0,
            font_size=float(pdfium_c.FPDFText_GetFontSize(textpage, index)),
            matrix=(matrix.a, matrix.b, matrix.c, matrix.d),
        )

    def _text_object(self, textpage: Any, index: int, key: int) -> _TextObject:
        known = self._text_objects.get(key)
        if known is None:
            handle = pdfium_c.FPDFText_GetTextObject(textpage, index)
            font = pdfium_c.FPDFTextObj_GetFont(handle)
            buffer = self._name_buffer
            length = pdfium_c.FPDFFont_GetBaseFontName(font, buffer, len(buffer)) if font else 0
            name = buffer.raw[: max(length - 1, 0)].decode("utf-8", "replace") if length else ""
            size = ctypes.c_float()
            pdfium_c.FPDFTextObj_GetFontSize(handle, size)
            name = name or UNNAMED_FONT
            metrics = self.fonts.get(base_name(name))
            if metrics is None:  # not in the page's font dictionaries as pdfminer read them: PDFium's own values
                descent = ctypes.c_float()
                if not font or not pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), descent):
                    descent.value = 0.0
                metrics = FontMetrics(name, min(descent.value, 0.0) / 1000.0)
            matrix = pdfium_c.FS_MATRIX()
            pdfium_c.FPDFText_GetMatrix(textpage, index, matrix)
            known = self._text_objects[key] = _TextObject(
                font=font,
                font_key=(font_key := ctypes.cast(font, ctypes.c_void_p).value or 0),
                widths=self._widths.setdefault(font_key, {}),
                fontname=metrics.fontname,
                descent=metrics.descent,
                font_size=size.value,
                matrix=(matrix.a, matrix.b, matrix.c, matrix.d),
            )
        return known

    # -- paths and images -----------------------------------------------------------------

    def _shapes(self, container: Any, ctm: Matrix, in_form: bool = False) -> Iterator[tuple[str, dict[str, Any]]]:
        count = (pdfium_c.FPDFFormObj_CountObjects if in_form else pdfium_c.FPDFPage_CountObjects)(container)
        get = pdfium_c.FPDFFormObj_GetObject if in_form else pdfium_c.FPDFPage_GetObject
        for index in range(count):
            obj = get(container, index)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                yield from self._path(obj, ctm)
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                yield "image", self._image(obj, ctm)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                yield from self._shapes(obj, _multiply(_object_matrix(obj), ctm), in_form=True)

    def _path(self, obj: Any, ctm: Matrix) -> Iterator[tuple[str, dict[str, Any]]]:
        matrix = _multiply(_object_matrix(obj), ctm)
        point_x, point_y = ctypes.c_float(), ctypes.c_float()
        subpaths: list[list[tuple[str, Point]]] = []
        pending_bezier = 0
        for index in range(pdfium_c.FPDFPath_CountSegments(obj)):
            segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
            pdfium_c.FPDFPathSegment_GetPoint(segment, point_x, point_y)
            point = _apply(matrix, point_x.value, point_y.value)
            kind = pdfium_c.FPDFPathSegment_GetType(segment)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
                subpaths.append([("m", point)])
            elif subpaths:
                if kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
                    pending_bezier += 1
                    if pending_bezier < 3:  # the two control points of a curve: pdfminer keeps only its end
                        continue
                    pending_bezier = 0
                    subpaths[-1].append(("c", point))
                else:
                    subpaths[-1].append(("l", point))
            if subpaths and pdfium_c.FPDFPathSegment_GetClose(segment):
                subpaths[-1].append(("h", subpaths[-1][0][1]))
        for subpath in subpaths:
            shaped = self._subpath(subpath, obj)
            if shaped is not None:
                yield shaped

    def _subpath(self, subpath: list[tuple[str, Point]], obj: Any) -> tuple[str, dict[str, Any]] | None:
        """One subpath as pdfminer's ``paint_path`` classifies it: a line, a rect or a curve."""
        shape = "".join(op for op, _ in subpath)
        pts = [point for _, point in subpath]
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"
            pts.pop()
        if len(pts) < 2:
            return None
        if shape in ("mlh", "ml"):
            kind, pts = "line", pts[:2]
        elif shape in ("mlllh", "mllll") and _is_rect(pts):
            kind = "rect"
            (ax, ay), (bx, by) = pts[0], pts[2]
            pts = [(ax, ay), (bx, ay), (bx, by), (ax, by)]
        else:
            kind = "curve"
        xs = [x for x, _ in pts]
        ys = [y for _, y in pts]
        box = self.frame.box(min(xs), min(ys), max(xs), max(ys))
        box.update(
            object_type=kind,
            page_number=self.page_number,
            pts=[self.frame.coord(point) for point in pts],
            linewidth=_stroke_width(obj),
            stroke=True,
            fill=False,
        )
        return kind, box

    def _image(self, obj: Any, ctm: Matrix) -> dict[str, Any]:
        a, b, c, d, e, f = _multiply(_object_matrix(obj), ctm)
        corners = [(e, f), (a + e, b + f), (c + e, d + f), (a + c + e, b + d + f)]  # the unit square, placed
        xs = [x for x, _ in corners]
        ys = [y for _, y in corners]
        box = self.frame.box(min(xs), min(ys), max(xs), max(ys))
        box.update(object_type="image", page_number=self.page_number)
        return box


def _page_text(textpage: Any, count: int) -> str | None:
    """The page's chars as one string, one str char per PDFium char; None when that does not hold (a char
    outside the Basic Multilingual Plane takes two UTF-16 units), and the chars are then read one by one."""
    buffer = ctypes.create_string_buffer((count + 1) * 2)
    written = pdfium_c.FPDFText_GetText(textpage, 0, count, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)))
    text = buffer.raw[: max(written - 1, 0) * 2].decode("utf-16-le", errors="replace")
    return text if len(text) == count else None


def _object_matrix(obj: Any) -> Matrix:
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)


def _stroke_width(obj: Any) -> float:
    width = ctypes.c_float()
    return float(width.value) if pdfium_c.FPDFPageObj_GetStrokeWidth(obj, width) else 0.0


def _apply(matrix: Matrix, x: float, y: float) -> Point:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def _transform_rect(matrix: Matrix, rect: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """pdfminer's ``apply_matrix_rect``: the box around the four transformed corners."""
    x0, y0, x1, y1 = rect
    corners = [_apply(matrix, x, y) for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1))]
    xs = [x for x, _ in corners]
    ys = [y for _, y in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _is_rect(pts: list[Point]) -> bool:
    """pdfminer's test for a rectangle: a closed loop of four axis-aligned sides."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
    closed = pts[0] == pts[4]
    square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
    return closed and square
