"""OCR of a scanned page: the page's image in; its words with their positions, its ruling lines and the text
of its table cells out.

A scanned plan is a PDF whose pages are pictures: no text layer, nothing for pdfplumber to read.  This
module turns the picture of one page into what the PDF reader needs to read it like any other page:

* **A straight page.**  A scanned sheet is rarely laid exactly straight: a tilt of half a degree moves a
  ruling line by several points across a table, so that no long horizontal run exists any more, and text
  lines drift into the neighbouring row.  The tilt is measured (:func:`estimate_skew`: the angle at which the
  rows of ink are sharpest, the classic projection-profile method) and undone before anything else.
* **The ruling lines of the tables.**  The reader finds tables from drawn lines (pdfplumber's "lines"
  strategy), and an OCR text layer draws none.  Tesseract does not report a table's grid in any output
  (its hOCR and PDF carry text only), and OpenCV, the usual tool, would be a large new dependency for two
  morphological operations.  So the lines are found here by hand, with numpy, from what a ruling line is:
  a long, thin, straight run of ink that meets other such runs (see :func:`find_rulings`).  They are handed
  to pdfplumber as explicit lines (:meth:`OcrPage.table_settings`), so the reader's own ``find_tables``
  builds the cells, merged cells included.
* **The words outside the tables, where they are printed.**  Tesseract (through pytesseract, with its
  Vietnamese language data) writes a one-page PDF whose invisible text layer puts every recognised word over
  the place it is printed, the route OCRmyPDF takes (:meth:`OcrPage.text_layer`).  Tesseract is told the
  rendering resolution, so that PDF has the page's size in points; pdfplumber opens it like any text PDF and
  the reader's own code groups its lines into paragraphs.
* **The table cells, one by one.**  Read as part of the page, a table defeats tesseract's page layout
  analysis: once the borders are gone, text in neighbouring columns at slightly different heights becomes
  one garbled line, and short tokens standing alone (the rows' numbers "1.", "2." in a narrow first column)
  are dropped as noise.  So the tables are painted white for the page's reading, and every cell's ink is
  cut out and pasted on one tall image, one under the other with white space between, which tesseract
  reads in a single run as one block of lines (:meth:`OcrPage.read_cells`).  The cells that come out short
  ("1.", "50", "%") are read once more with the English model added, which knows its digits better than
  the small Vietnamese one ("50", not "90").

All lengths in :class:`~extractors.settings.OcrSettings` are points, whatever the resolution.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytesseract
from PIL import Image

from extractors.settings import OcrSettings

_POINTS_PER_INCH = 72.0
_MAX_AUTO_THRESHOLD = 200  # Otsu on a nearly white page would call paper noise ink: never above this grey
_SKEW_SAMPLE_DPI = 100  # the tilt is measured on a small copy of the page (1 px ≈ 0.07° across an A4 width)
_LANGUAGE_NAME = re.compile(r"^[\w/+-]+$")

Array = np.ndarray[Any, Any]
Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points


class OcrUnavailableError(Exception):
    """Tesseract, or its data for the configured language, is not installed."""


class OcrFailedError(Exception):
    """Tesseract was there but did not read the page (it crashed or ran out of time)."""


@dataclass(frozen=True)
class Reading:
    """What tesseract read in one box, and how sure it was: the lowest confidence (0-100) of its words, None when
    it read nothing."""

    text: str
    confidence: float | None


@dataclass(frozen=True)
class WordConfidence:
    """A word of the page's text as tesseract read it, where (points), and how sure it was (0-100)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float


@dataclass(frozen=True)
class TextLayer:
    """A page's OCR text as a one-page PDF with an invisible text layer, and the confidence of every word in it."""

    pdf: bytes
    words: tuple[WordConfidence, ...]

    def words_within(self, x0: float, top: float, x1: float, bottom: float) -> list[WordConfidence]:
        """The words whose middle lies in the box (a line of the text layer)."""
        return [
            word
            for word in self.words
            if x0 - 1 <= (word.x0 + word.x1) / 2 <= x1 + 1 and top - 1 <= (word.top + word.bottom) / 2 <= bottom + 1
        ]


@dataclass(frozen=True)
class Ruling:
    """One ruling line in page points: ``top == bottom`` for a horizontal line, ``x0 == x1`` for a vertical one."""

    x0: float
    top: float
    x1: float
    bottom: float

    def as_line(self) -> dict[str, Any]:
        """The line as a pdfplumber ``line`` object, what ``explicit_*_lines`` accepts."""
        return {
            "object_type": "line",
            "x0": self.x0,
            "x1": self.x1,
            "top": self.top,
            "bottom": self.bottom,
            "doctop": self.top,
            "width": self.x1 - self.x0,
            "height": self.bottom - self.top,
        }


@dataclass(frozen=True, eq=False)
class OcrPage:
    """One scanned page made ready for reading: straightened, its rulings found and painted white.

    ``image`` is that page (greyscale, ``settings.dpi``); a point of the page is ``dpi / 72`` of its pixels.
    """

    image: Array
    threshold: int
    horizontals: tuple[Ruling, ...]
    verticals: tuple[Ruling, ...]
    settings: OcrSettings
    skew_degrees: float = 0.0
    reread_language: str | None = None
    """Tesseract's language for the second reading of short cells; None: no second reading."""

    @property
    def _scale(self) -> float:
        return self.settings.dpi / _POINTS_PER_INCH

    @property
    def has_grid(self) -> bool:
        """Whether rulings were found both ways: a grid pdfplumber can build cells from."""
        return len(self.horizontals) >= 2 and len(self.verticals) >= 2

    def table_settings(self, base: dict[str, Any]) -> dict[str, Any]:
        """pdfplumber table settings that find the cells from the detected rulings (``base``'s tolerances kept).

        Without two lines each way there is no grid, and ``base`` (the "lines" strategy) finds nothing on a
        page that draws no line: the page has no table.
        """
        if not self.has_grid:
            return dict(base)
        settings = {key: value for key, value in base.items() if not key.endswith(("_strategy", "_lines"))}
        settings.update(
            vertical_strategy="explicit",
            horizontal_strategy="explicit",
            explicit_vertical_lines=[line.as_line() for line in self.verticals],
            explicit_horizontal_lines=[line.as_line() for line in self.horizontals],
        )
        return settings

    def text_layer(self, tables: Sequence[Box] = ()) -> TextLayer:
        """Tesseract's one-page PDF of the page (an invisible text layer, no picture), ``tables`` left out, and
        the confidence of each of its words, from the same run.

        The tables are painted white first: their cells are read by :meth:`read_cells`.
        """
        grey = self.image
        if tables:
            grey = grey.copy()
            for x0, top, x1, bottom in tables:
                grey[self._pixels(top) : self._pixels(bottom) + 1, self._pixels(x0) : self._pixels(x1) + 1] = 255
        settings = self.settings
        config = f"--dpi {settings.dpi} -c textonly_pdf=1 -c tessedit_create_tsv=1 {settings.tesseract_config}"
        outputs = _tesseract(_run_to_files, Image.fromarray(grey), settings, extensions=("pdf", "tsv"), config=config)
        scale = self._scale
        words = tuple(
            WordConfidence(
                row["text"].strip(),
                float(row["left"]) / scale,
                float(row["top"]) / scale,
                (float(row["left"]) + float(row["width"])) / scale,
                (float(row["top"]) + float(row["height"])) / scale,
                float(row["conf"]),
            )
            for row in csv.DictReader(io.StringIO(outputs["tsv"].decode()), delimiter="\t", quoting=csv.QUOTE_NONE)
            if row.get("text", "").strip() and float(row.get("conf") or -1) >= 0
        )
        return TextLayer(pdf=outputs["pdf"], words=words)

    def read_cells(self, boxes: Sequence[Box]) -> list[Reading]:
        """The text of each table cell (a box in points), every cell read on its own, with tesseract's confidence.

        The cells' ink is read on one image (:meth:`_read_apart`); the cells that come out short
        (``reread_max_chars``) are read again the same way with ``reread_language``, and that reading is
        kept when it found something.
        """
        crops = self._crops(boxes)
        readings = self._read_apart(crops, self.settings.language, self.settings.cell_config)
        language = self.reread_language
        if not language or language == self.settings.language:
            return readings
        short = [index for index, reading in enumerate(readings) if len(reading.text) <= self.settings.reread_max_chars]
        again = self._read_apart([crops[index] for index in short], language, self.settings.cell_config)
        for index, reading in zip(short, again, strict=True):
            readings[index] = reading if reading.text else readings[index]
        return readings

    def read_in_a_line(self, boxes: Sequence[Box]) -> list[Reading]:
        """Each box's ink read once more, the boxes' crops set side by side on one line (tesseract's single-line
        mode), with ``reread_language`` when it is there.

        A lone number or numeral ("5", "VII") read in a column of other crops is often misread ("2", "VH"):
        tesseract's recogniser reads lines, and a line of numbers with their baselines aligned is what it reads
        best.  This second reading of a table's row numbers is what :mod:`extractors.ocr_numbering` compares.
        """
        crops = self._crops(boxes)
        if not any(crop is not None for crop in crops):
            return [Reading("", None) for _ in boxes]
        height = max(crop.shape[0] for crop in crops if crop is not None)
        gap = max(height, self._pixels(self.settings.line_spacing_pt))
        width = sum(crop.shape[1] + gap for crop in crops if crop is not None) + gap
        canvas = np.full((height + 2 * gap, width), 255, dtype=np.uint8)
        spans: list[tuple[int, int, int]] = []  # box index, first and last pixel column of its place
        x = gap
        for index, crop in enumerate(crops):
            if crop is None:
                continue
            top = gap + height - crop.shape[0]  # on one baseline: "1." and "VII" stand on the same line
            canvas[top : top + crop.shape[0], x : x + crop.shape[1]] = crop
            spans.append((index, x - gap // 2, x + crop.shape[1] + gap // 2))
            x += crop.shape[1] + gap
        language = self.reread_language or self.settings.language
        return self._words_to_boxes(canvas, len(boxes), spans, language, self.settings.line_config, axis="x")

    def _pixels(self, points: float) -> int:
        return round(points * self._scale)

    def _crops(self, boxes: Sequence[Box]) -> list[Array | None]:
        """Each box's ink, cut out tight and binarised (black on white); None for a box without ink, or with only
        a speck (``min_cell_ink_pt``)."""
        inset = max(1, self._pixels(1.0))  # what an erased border may have left at the cell's edge
        min_ink = self.settings.min_cell_ink_pt * self._scale
        crops: list[Array | None] = []
        for x0, top, x1, bottom in boxes:
            cell = self.image[self._pixels(top) + inset : self._pixels(bottom) - inset,
                              self._pixels(x0) + inset : self._pixels(x1) - inset]  # fmt: skip
            ys, xs = np.nonzero(cell < self.threshold) if cell.size else (np.array([]), np.array([]))
            if ys.size and max(ys.max() - ys.min(), xs.max() - xs.min()) + 1 >= min_ink:
                ink = cell[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] < self.threshold
                crops.append(np.where(ink, 0, 255).astype(np.uint8))
            else:
                crops.append(None)
        return crops

    def _read_apart(self, crops: Sequence[Array | None], language: str, config: str) -> list[Reading]:
        """The crops pasted on one tall image with white space between, read in one tesseract run (``config``:
        one block of lines); each word goes back to the crop whose strip it lies in."""
        gap = max(1, self._pixels(self.settings.cell_gap_pt))
        present = [(index, crop) for index, crop in enumerate(crops) if crop is not None]
        if not present:
            return [Reading("", None) for _ in crops]
        canvas = np.full(
            (sum(crop.shape[0] + gap for _, crop in present) + gap, max(c.shape[1] for _, c in present) + 2 * gap),
            255,
            dtype=np.uint8,
        )
        strips: list[tuple[int, int, int]] = []  # crop index, first and last pixel row of its strip
        y = gap
        for index, crop in present:
            canvas[y : y + crop.shape[0], gap : gap + crop.shape[1]] = crop
            strips.append((index, y - gap // 2, y + crop.shape[0] + gap // 2))
            y += crop.shape[0] + gap
        return self._words_to_boxes(canvas, len(crops), strips, language, config, axis="y")

    def _words_to_boxes(
        self, canvas: Array, count: int, places: list[tuple[int, int, int]], language: str, config: str, axis: str
    ) -> list[Reading]:
        """Read ``canvas`` and give each word to the place (index, first, last pixel along ``axis``) its centre
        lies in: a place's text is its words in reading order, its confidence the lowest of theirs."""
        data = _tesseract(
            pytesseract.image_to_data,
            Image.fromarray(canvas),
            self.settings,
            lang=language,
            config=f"--dpi {self.settings.dpi} {config}".strip(),
            output_type=pytesseract.Output.DICT,
        )
        starts, lengths = (data["top"], data["height"]) if axis == "y" else (data["left"], data["width"])
        words: dict[int, list[tuple[str, float]]] = {}
        for text, start, length, confidence in zip(data["text"], starts, lengths, data["conf"], strict=True):
            centre = int(start) + int(length) / 2
            for index, first, last in places:
                if str(text).strip() and first <= centre < last:
                    words.setdefault(index, []).append((str(text).strip(), float(confidence)))
        readings = [Reading("", None) for _ in range(count)]
        for index, found in words.items():
            readings[index] = Reading(" ".join(text for text, _ in found), min(conf for _, conf in found))
        return readings


def _run_to_files(
    image: Image.Image, timeout: float, lang: str, config: str, extensions: Sequence[str]
) -> dict[str, bytes]:
    """One tesseract run writing several outputs (``extensions``: "pdf", "tsv", ...), read back as bytes.

    pytesseract's own functions give one output per run, and its ``run_and_get_multiple_output`` takes no
    options: this is the same temporary-file dance with the options a text layer needs."""
    with tempfile.TemporaryDirectory(prefix="vnplan-ocr-") as folder:
        source = os.path.join(folder, "page.png")
        image.save(source)
        base = os.path.join(folder, "page")
        # "tsv" is asked for in ``config`` (tessedit_create_tsv): run_tesseract passes the others as config files.
        pytesseract.pytesseract.run_tesseract(source, base, " ".join(extensions), lang, config=config, timeout=timeout)
        outputs: dict[str, bytes] = {}
        for extension in extensions:
            with open(f"{base}.{extension}", "rb") as output:
                outputs[extension] = output.read()
        return outputs


def _tesseract(function: Any, image: Image.Image, settings: OcrSettings, **options: Any) -> Any:
    """Run one pytesseract ``function`` with the settings' language, threads and time limit; errors translated."""
    os.environ.setdefault("OMP_THREAD_LIMIT", str(settings.tesseract_threads))  # read by each tesseract run
    options.setdefault("lang", settings.language)
    try:
        return function(image, timeout=settings.timeout_seconds, **options)
    except pytesseract.TesseractNotFoundError as error:
        raise OcrUnavailableError(f"OCR is not available (install {install_hint(settings)})") from error
    except pytesseract.TesseractError as error:
        raise OcrFailedError(f"tesseract failed: {error.message or error.status}") from error
    except RuntimeError as error:  # pytesseract's timeout
        raise OcrFailedError(f"tesseract took longer than {settings.timeout_seconds:g} s") from error


# -- is tesseract there ------------------------------------------------------------------------------


def tesseract_languages() -> list[str]:
    """The language data tesseract has (``tesseract --list-langs``); raises ``OSError`` when it is missing.

    pytesseract's own ``get_languages`` remembers its first answer for the life of the process; this asks
    every time (once per scanned document), so a tesseract installed or removed meanwhile is seen.
    """
    command = [str(pytesseract.pytesseract.tesseract_cmd), "--list-langs"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0:
        raise OSError(f"{command[0]} --list-langs failed: {result.stderr.strip() or result.stdout.strip()}")
    lines = (result.stdout + "\n" + result.stderr).splitlines()
    return [line.strip() for line in lines if _LANGUAGE_NAME.match(line.strip())]


def install_hint(settings: OcrSettings) -> str:
    """The Debian packages that bring tesseract and the configured languages: "tesseract-ocr and ...-vie"."""
    codes = [code for code in settings.language.split("+") if code]
    packages = ["tesseract-ocr", *(f"tesseract-ocr-{code.lower().replace('_', '-')}" for code in codes)]
    return ", ".join(packages[:-1]) + " and " + packages[-1]


def _has(languages: set[str], wanted: str) -> bool:
    return all(code in languages for code in wanted.split("+") if code)


def check_available(settings: OcrSettings) -> set[str]:
    """The languages tesseract has; raises :class:`OcrUnavailableError` unless it runs and has ``language``."""
    unavailable = f"OCR is not available (install {install_hint(settings)})"
    try:
        languages = set(tesseract_languages())
    except (OSError, subprocess.SubprocessError) as error:
        raise OcrUnavailableError(unavailable) from error
    if not _has(languages, settings.language):
        raise OcrUnavailableError(unavailable)
    return languages


# -- one page ------------------------------------------------------------------------------------------


def greyscale(image: Image.Image) -> Array:
    """The page as a 2-D uint8 array (0 black, 255 white); transparency is painted on white first."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    return np.asarray(image.convert("L"), dtype=np.uint8)


def ink_threshold(grey: Array, settings: OcrSettings) -> int:
    """The grey level below which a pixel is ink: the setting, else Otsu's threshold for this page."""
    if settings.dark_threshold is not None:
        return settings.dark_threshold
    histogram = np.bincount(grey.ravel(), minlength=256).astype(np.float64)
    weight = np.cumsum(histogram)
    total = weight[-1]
    mean = np.cumsum(histogram * np.arange(256))
    background = total - weight
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean[-1] * weight - mean * total) ** 2 / (weight * background)
    between[~np.isfinite(between)] = -1.0
    if between.max() <= 0:  # one grey level only: a blank page
        return 0
    # A clean page has no grey between ink and paper: every level there splits equally well; take the middle.
    best = np.flatnonzero(between >= between.max() * (1 - 1e-9))
    return min(int(best[0] + best[-1]) // 2 + 1, _MAX_AUTO_THRESHOLD)


def is_blank(grey: Array, settings: OcrSettings) -> bool:
    """Whether the page has (practically) no ink: nothing for tesseract to read."""
    ink = grey < ink_threshold(grey, settings)
    return float(ink.mean()) < settings.blank_ink_ratio


def estimate_skew(ink: Array, dpi: int, max_degrees: float) -> float:
    """The rotation (degrees, counter-clockwise, PIL's sense) that makes the page's rows of ink horizontal.

    Projection profiles: rotate a small copy of the ink by each candidate angle and sum the ink of every
    pixel row; text lines and ruling lines are sharpest (the sums change most from one row to the next)
    when they lie straight.  A coarse sweep on a smaller copy, then a fine one around its best angle.
    """
    if max_degrees <= 0 or not ink.any():
        return 0.0
    page = Image.fromarray((ink * 255).astype(np.uint8))
    best = 0.0
    for sample_dpi, step, span in ((_SKEW_SAMPLE_DPI / 2, 0.5, max_degrees), (_SKEW_SAMPLE_DPI, 0.1, 0.5)):
        small = page.reduce(max(1, round(dpi / sample_dpi)))

        def sharpness(angle: float, small: Image.Image = small) -> float:
            rotated = np.asarray(small.rotate(angle, resample=Image.Resampling.BILINEAR), dtype=np.float64)
            return float(np.sum(np.diff(rotated.sum(axis=1)) ** 2))

        angles = np.arange(best - span, best + span + step / 2, step)
        best = max((float(a) for a in angles if abs(a) <= max_degrees), key=sharpness)
    return round(best, 2) if abs(best) >= 0.05 else 0.0


def _runs(mask: Array, min_length: int, max_gap: int) -> tuple[Array, Array, Array]:
    """Every run of True along the rows of ``mask`` at least ``min_length`` long, gaps up to ``max_gap`` bridged:
    the arrays (row, start, end) with ``end`` exclusive."""
    height, width = mask.shape
    padded = np.zeros((height, width + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    steps = np.diff(padded, axis=1)
    rows, starts = np.nonzero(steps == 1)
    _, ends = np.nonzero(steps == -1)  # row-major order: the n-th end closes the n-th start
    if rows.size == 0:
        return rows, starts, ends
    opens_group = np.ones(rows.size, dtype=bool)
    opens_group[1:] = (rows[1:] != rows[:-1]) | (starts[1:] - ends[:-1] > max_gap)
    first = np.flatnonzero(opens_group)
    rows, starts, ends = rows[first], starts[first], np.maximum.reduceat(ends, first)
    long = ends - starts >= min_length
    return rows[long], starts[long], ends[long]


@dataclass(frozen=True)
class _Segment:
    """A ruling line in pixels along the run direction: ``position`` across it, ``start``/``end`` along it."""

    position: float
    start: int
    end: int
    runs: tuple[int, ...]  # indices of the pixel runs it is made of


def _segments(rows: Array, starts: Array, ends: Array, max_thickness: int, max_gap: int) -> list[_Segment]:
    """Pixel runs on neighbouring rows that overlap make one line; a too thick one is a filled area."""
    segments: list[_Segment] = []
    order = np.argsort(rows, kind="stable")
    band: list[int] = []
    for index in [*order.tolist(), -1]:
        if band and (index < 0 or rows[index] - rows[band[-1]] > 1):
            segments.extend(_band_segments(band, rows, starts, ends, max_thickness, max_gap))
            band = []
        if index >= 0:
            band.append(index)
    return segments


def _band_segments(
    band: list[int], rows: Array, starts: Array, ends: Array, max_thickness: int, max_gap: int
) -> list[_Segment]:
    found: list[_Segment] = []
    group: list[int] = []
    reach = -1
    for index in [*sorted(band, key=lambda i: int(starts[i])), -1]:
        if group and (index < 0 or starts[index] > reach + max_gap):
            top = int(min(rows[i] for i in group))
            bottom = int(max(rows[i] for i in group))
            if bottom - top + 1 <= max_thickness:
                start = int(min(starts[i] for i in group))
                found.append(_Segment((top + bottom + 1) / 2, start, reach, tuple(group)))
            group, reach = [], -1
        if index >= 0:
            group.append(index)
            reach = max(reach, int(ends[index]))
    return found


def _meets(a: _Segment, b: _Segment, tolerance: float) -> bool:
    """Whether a line of one direction and a line of the other cross or touch (within ``tolerance`` pixels)."""
    along = a.start - tolerance <= b.position <= a.end + tolerance
    return along and b.start - tolerance <= a.position <= b.end + tolerance


def _in_grids(horizontal: list[_Segment], vertical: list[_Segment], tolerance: float) -> tuple[list[_Segment], ...]:
    """The lines that belong to a grid: each meets at least two lines of the other direction.

    The serifs along a line of bold text, an underline or a dash are long runs of ink too, but they meet
    no table border; a table's rulings meet each other (the reader's "lines" strategy needs the same).
    """
    while True:
        kept_h = [h for h in horizontal if sum(_meets(h, v, tolerance) for v in vertical) >= 2]
        kept_v = [v for v in vertical if sum(_meets(v, h, tolerance) for h in kept_h) >= 2]
        if (len(kept_h), len(kept_v)) == (len(horizontal), len(vertical)):
            return kept_h, kept_v
        horizontal, vertical = kept_h, kept_v


def find_rulings(ink: Array, dpi: int, settings: OcrSettings) -> tuple[list[Ruling], list[Ruling], Array]:
    """The horizontal and vertical ruling lines of the page's tables (in points), and the mask of their pixels.

    A ruling line is a run of ink longer than any letter's stroke (``min_*_line_pt``), at most
    ``max_line_thickness_pt`` thick (a logo or a shaded cell is not a line), with small gaps of a worn or
    scanned line bridged (``line_gap_pt``).  Runs on neighbouring pixel rows that overlap are one line, and
    only lines that meet two lines of the other direction are kept (``grid_tolerance_pt``).  The vertical
    lines are the horizontal ones of the transposed page.
    """
    pixels = dpi / _POINTS_PER_INCH
    gap = max(0, round(settings.line_gap_pt * pixels))
    thickness = max(1, round(settings.max_line_thickness_pt * pixels))
    found: list[tuple[Array, Array, Array, list[_Segment]]] = []
    for plane, min_pt in ((ink, settings.min_horizontal_line_pt), (ink.T, settings.min_vertical_line_pt)):
        rows, starts, ends = _runs(np.ascontiguousarray(plane), max(1, round(min_pt * pixels)), gap)
        found.append((rows, starts, ends, _segments(rows, starts, ends, thickness, gap)))
    horizontal, vertical = _in_grids(found[0][3], found[1][3], settings.grid_tolerance_pt * pixels)
    mask = np.zeros(ink.shape, dtype=bool)
    rulings: list[list[Ruling]] = []
    for (rows, starts, ends, _), segments, plane_mask in ((found[0], horizontal, mask), (found[1], vertical, mask.T)):
        lines: list[Ruling] = []
        for segment in segments:
            for run in segment.runs:
                plane_mask[rows[run], starts[run] : ends[run]] = True  # mask.T is a view: this marks ``mask``
            at, start, end = segment.position / pixels, segment.start / pixels, segment.end / pixels
            lines.append(Ruling(start, at, end, at) if plane_mask is mask else Ruling(at, start, at, end))
        rulings.append(lines)
    return rulings[0], rulings[1], mask


def _grown(mask: Array, pixels: int) -> Array:
    """``mask`` grown by ``pixels`` each way: the grey fringe of a blurred or antialiased line goes with it."""
    grown = mask.copy()
    for _ in range(pixels):
        step = grown.copy()
        step[1:, :] |= grown[:-1, :]
        step[:-1, :] |= grown[1:, :]
        step[:, 1:] |= grown[:, :-1]
        step[:, :-1] |= grown[:, 1:]
        grown = step
    return grown


class DocumentOcr:
    """OCR for the scanned pages of one document.

    Tesseract's presence is checked once, at the first page that has ink to read (a blank page needs no
    tesseract).  When it is missing, every such page is remembered as unread and the reader decides what
    that means for the document.
    """

    def __init__(self, settings: OcrSettings) -> None:
        self.settings = settings
        self.pages_read: list[int] = []
        self.pages_unread: list[int] = []
        self.unavailable: str | None = None
        self._checked = False
        self._reread_language: str | None = None  # ``settings.reread_language`` once it is known to be there

    def prepare(self, image: Image.Image, number: int) -> OcrPage | None:
        """Page ``number``, rendered at ``settings.dpi``, made ready for OCR; None when it is blank (nothing to
        read) or when OCR is not available (the page is then listed in ``pages_unread``)."""
        grey = greyscale(image)
        if is_blank(grey, self.settings):
            return None
        if not self._checked:
            self._checked = True
            try:
                languages = check_available(self.settings)
            except OcrUnavailableError as error:
                self.unavailable = str(error)
            else:
                if _has(languages, self.settings.reread_language):
                    self._reread_language = self.settings.reread_language
        if self.unavailable is not None:
            self.pages_unread.append(number)
            return None
        self.pages_read.append(number)
        return prepare_page(grey, self.settings, reread_language=self._reread_language)


def prepare_page(grey: Array, settings: OcrSettings, reread_language: str | None = None) -> OcrPage:
    """A greyscale page rendered at ``settings.dpi``, straightened, with its rulings found and painted white."""
    threshold = ink_threshold(grey, settings)
    skew = estimate_skew(grey < threshold, settings.dpi, settings.max_skew_degrees)
    if skew:
        rotated = Image.fromarray(grey).rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
        grey = np.asarray(rotated, dtype=np.uint8)
    line_threshold = settings.line_threshold if settings.line_threshold is not None else (threshold + 255) // 2
    horizontals, verticals, line_pixels = find_rulings(grey < line_threshold, settings.dpi, settings)
    if settings.erase_rulings and line_pixels.any():
        grey = grey.copy()
        grey[_grown(line_pixels, max(1, round(settings.erase_margin_pt * settings.dpi / _POINTS_PER_INCH)))] = 255
    return OcrPage(
        image=grey,
        threshold=threshold,
        horizontals=tuple(horizontals),
        verticals=tuple(verticals),
        settings=settings,
        skew_degrees=skew,
        reread_language=reread_language,
    )
