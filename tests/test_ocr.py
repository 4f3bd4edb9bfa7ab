"""Scanned PDFs: pages without a text layer are read by OCR (tesseract, Vietnamese) into the same blocks.

A scan is made here from a text PDF: its pages are rendered to images and written back as an image-only PDF,
so what the OCR reading should give is known exactly: what the text layer gives.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytesseract
import pytest
from fpdf import FPDF
from PIL import Image
from rapidfuzz import fuzz

from extractors import ocr
from extractors.errors import ScannedDocumentError
from extractors.model import Document
from extractors.pdf_reader import PdfReader
from extractors.readers import read_document
from extractors.settings import DEFAULT_PDF_SETTINGS, OcrSettings, PdfSettings
from pipeline import documents
from pipeline.build import READ_BY_OCR, RecordBuilder
from pipeline.documents import process_file
from pipeline.quality import check_tables, run_quality_gate
from schemas.records import DocumentRecord, PlanRecords, TaskRecord
from tests.conftest import SAMPLES
from tests.pdf_builder import FONT_DIR, PageSpec, build_pdf

SCAN_DPI = 200  # what an office scanner writes; the reader renders the page at its own OCR resolution
HEADER = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
WIDTHS = [30, 250, 170, 150, 120]
ROWS = [
    ["1", "Xây dựng kho dữ liệu văn bản điện tử", "Sở Nội vụ", "Sở Tài chính", "Quý II/2028"],
    ["2", "Đào tạo cán bộ về an toàn thông tin", "Sở Khoa học và Công nghệ", "Sở Nội vụ", "Tháng 10/2027"],
    ["3", "Nâng cấp cổng dịch vụ công của tỉnh", "Văn phòng UBND tỉnh", "Sở Khoa học và Công nghệ", "Năm 2028"],
    ["4", "Kiểm tra việc lưu trữ hồ sơ điện tử", "Sở Tư pháp", "Các sở, ngành", "Hằng quý"],
]
TABLE_TOP = 96.0  # build_pdf: lines from y=60, 18 pt apart; the table starts below the two lines
_PATH = pdfium_c.FPDF_PAGEOBJ_PATH
UNAVAILABLE = "no text layer: looks like a scan, and OCR is not available (install tesseract-ocr and tesseract-ocr-vie)"


def _plan(path: Path) -> Path:
    build_pdf(
        path,
        [
            PageSpec(
                lines=[
                    "ỦY BAN NHÂN DÂN TỈNH",
                    "Số: 27/KH-UBND",
                    "**KẾ HOẠCH**",
                    "Số hóa hồ sơ lưu trữ giai đoạn 2027-2030",
                ]
            ),
            PageSpec(
                lines=["**Phụ lục II**", "**DANH MỤC NHIỆM VỤ**"], rows=[HEADER, *ROWS], landscape=True, widths=WIDTHS
            ),
        ],
    )
    return path


def _page_images(source: Path, dpi: int, pages: list[int] | None = None) -> list[Image.Image]:
    with pdfplumber.open(source) as pdf:
        numbers = pages or list(range(1, len(pdf.pages) + 1))
        return [pdf.pages[number - 1].to_image(resolution=dpi).original.convert("L") for number in numbers]


def _image_pdf(images: list[Image.Image], path: Path, dpi: int = SCAN_DPI) -> Path:
    """An image-only PDF, as a scanner writes it: every page a picture, no text layer."""
    images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return path


def _scan(source: Path, path: Path, pages: list[int] | None = None) -> Path:
    return _image_pdf(_page_images(source, SCAN_DPI, pages), path)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _plan(tmp_path_factory.mktemp("plan") / "plan.pdf")


@pytest.fixture(scope="module")
def scan_pdf(plan_pdf: Path) -> Path:
    scan = _scan(plan_pdf, plan_pdf.with_name("scan.pdf"))
    with pdfplumber.open(scan) as pdf:
        assert all(not page.chars for page in pdf.pages)  # really no text layer
    return scan


@pytest.fixture(scope="module")
def scanned(scan_pdf: Path) -> tuple[PlanRecords, Document]:
    """The scan through the whole pipeline, and the document its reader gave (OCR runs once, it is slow)."""
    read: list[Document] = []

    def reading(path: Path) -> Document:
        read.append(read_document(path))
        return read[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(documents, "read_document", reading)
        plan = process_file(scan_pdf)
    return plan, read[0]


# -- (a) a scanned plan gives the text plan's tasks, marked and queued for a person ---------------------------


def test_a_scanned_plan_gives_the_text_plans_tasks_marked_ocr_and_queued_where_ocr_is_unsure(
    plan_pdf, scanned, tmp_path
):
    text_plan = process_file(plan_pdf)
    plan, _ = scanned

    assert [task.task for task in text_plan.tasks] == [row[1] for row in ROWS]  # the reference is right
    assert not text_plan.document.ocr and not any(task.ocr for task in text_plan.tasks)
    assert not any(READ_BY_OCR in item.reason for item in text_plan.review)

    assert plan.document.ocr
    assert plan.document.doc_number == text_plan.document.doc_number == "27/KH-UBND"
    assert plan.document.period == "2027-2030"
    assert len(plan.tasks) == len(text_plan.tasks)
    queued = {(item.record_id, item.field, item.raw): item for item in plan.review}
    for read, truth in zip(plan.tasks, text_plan.tasks, strict=True):
        assert read.source == "appendix" and read.stt == truth.stt
        assert fuzz.ratio(_norm(read.task), _norm(truth.task)) >= 90, (read.task, truth.task)
        assert [ref.name for ref in read.lead] == [ref.name for ref in truth.lead]
        assert [ref.name for ref in read.support] == [ref.name for ref in truth.support]
        assert (read.deadline.kind, read.deadline.due) == (truth.deadline.kind, truth.deadline.due)
        assert not truth.deadline.needs_review
        # marked, with how sure OCR was; a deadline OCR was unsure of is queued for a person, with the reason
        assert read.ocr and read.ocr_confidence is not None
        assert read.deadline.needs_review == (READ_BY_OCR in read.deadline.reasons)
        if read.deadline.needs_review:
            assert queued[(read.task_id, "deadline", read.deadline_raw)].reason == READ_BY_OCR
    # a clean scan: OCR is sure of most values, and a person is asked about few (at most a quarter of the tasks)
    flagged = {item.record_id for item in plan.review if READ_BY_OCR in item.reason}
    assert len(flagged) <= len(plan.tasks) // 4
    # one review row per value, as the overrides file keys them
    assert len(queued) == len(plan.review)
    report = run_quality_gate(check_tables([plan], {}), tmp_path / "run")
    assert report.passed, [failure.as_dict() for failure in report.critical_failures]


def test_the_reader_marks_the_scanned_pages_and_builds_the_same_table(plan_pdf, scanned):
    _, document = scanned
    assert document.ocr_pages == (1, 2) and PdfReader(plan_pdf).convert().ocr_pages == ()
    assert all(block.provenance.ocr for block in document.blocks)
    [table] = document.tables()
    assert table.provenance.page == 2 and all(row.provenance.ocr for row in table.rows)
    assert [len(row.cells) for row in table.rows] == [len(HEADER)] * (len(ROWS) + 1)
    assert [cell.text for cell in table.rows[0].cells] == HEADER
    assert [row.cells[0].text for row in table.rows[1:]] == [row[0] for row in ROWS]


def test_only_the_records_of_pages_read_by_ocr_are_marked_and_each_value_is_queued_once():
    document = DocumentRecord(doc_id="d", plan_key="k", source_path="plan.pdf", source_format="pdf", ocr=True)
    builder = RecordBuilder(document, ocr_pages=[2])
    waiting = "Sau khi có hướng dẫn của Bộ Công an"
    first = TaskRecord(task_id="t1", doc_id="d", source="appendix", task="Rà soát", page=1)
    first = first.model_copy(update={"deadline": builder.deadline(waiting, "t1"), "deadline_raw": waiting})
    second = first.model_copy(update={"task_id": "t2", "page": 2, "deadline": builder.deadline(waiting, "t2")})
    assert [item.record_id for item in builder.review] == ["t1", "t2"]  # conditional: queued for both already
    why = "; ".join(first.deadline.reasons)

    assert builder.read_by_ocr(first, {}) == first  # a page with a text layer: nothing changes
    marked = builder.read_by_ocr(second, {})  # how sure OCR was is not known: every value is queued
    assert marked.ocr and marked.deadline.reasons == [*first.deadline.reasons, READ_BY_OCR]
    reasons = {(item.record_id, item.field, item.raw): item.reason for item in builder.review}
    assert len(reasons) == len(builder.review) == 3  # the deadline's row got the reason, no second row
    assert reasons[("t2", "deadline", waiting)] == f"{why}; {READ_BY_OCR}"
    assert reasons[("t1", "deadline", waiting)] == why
    assert reasons[("t2", "lead", "")] == READ_BY_OCR  # nobody named on a scanned page: OCR may have lost it


# -- (b) a page of a sample, scanned ---------------------------------------------------------------------------


def _first_sample_table_page(destination: Path) -> Path:
    """The first page of the bundled sample PDFs on which the reader's table settings find a table, alone in
    a one-page PDF.  Only pages that draw something (path objects, as pdfium lists them) can hold a ruled table:
    pdfplumber is asked about those only, which keeps this quick."""
    for path in sorted(SAMPLES.glob("*.pdf")):
        source = pdfium.PdfDocument(path)
        drawn = [index for index, page in enumerate(source) if next(page.get_objects(filter=[_PATH]), None)]
        with pdfplumber.open(path) as pdf:
            for index in drawn:
                if pdf.pages[index].find_tables(DEFAULT_PDF_SETTINGS.table_settings):
                    page = pdfium.PdfDocument.new()
                    page.import_pages(source, [index])
                    page.save(destination)
                    return destination
    raise AssertionError("no sample PDF has a ruled table")


def test_a_scanned_sample_page_gives_the_same_table_rows(tmp_path):
    page = _first_sample_table_page(tmp_path / "sample-page.pdf")
    text_rows = [row.texts for block in PdfReader(page).convert().tables() for row in block.rows]
    assert text_rows, "the text reader finds the table"
    scanned = PdfReader(_scan(page, tmp_path / "scan.pdf")).convert()
    ocr_rows = [row.texts for block in scanned.tables() for row in block.rows]

    # the grid is rebuilt exactly: same rows, same columns
    assert [len(row) for row in ocr_rows] == [len(row) for row in text_rows]
    # the text: the column with the most text (the task or target), and every cell
    main = max(range(len(text_rows[0])), key=lambda column: sum(len(row[column]) for row in text_rows))
    same_main = [fuzz.ratio(_norm(o[main]), _norm(t[main])) >= 90 for o, t in zip(ocr_rows, text_rows, strict=True)]
    assert sum(same_main) >= 0.9 * len(text_rows), list(zip(ocr_rows, text_rows, strict=True))
    cells = [
        fuzz.ratio(_norm(o), _norm(t)) >= 90
        for ocr_row, text_row in zip(ocr_rows, text_rows, strict=True)
        for o, t in zip(ocr_row, text_row, strict=True)
    ]
    assert sum(cells) >= 0.8 * len(cells)


# -- (c) when OCR cannot help ----------------------------------------------------------------------------------


def test_without_tesseract_a_scan_is_reported_in_plain_words(scan_pdf, monkeypatch, tmp_path):
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract-here"))
    with pytest.raises(ScannedDocumentError, match=re.escape(f"scan.pdf: {UNAVAILABLE}")):
        PdfReader(scan_pdf).convert()


def test_tesseract_without_vietnamese_is_not_enough(scan_pdf, monkeypatch):
    monkeypatch.setattr(ocr, "tesseract_languages", lambda: ["eng", "osd"])
    with pytest.raises(ScannedDocumentError, match=re.escape(UNAVAILABLE)):
        PdfReader(scan_pdf).convert()


def test_a_partly_scanned_plan_without_ocr_names_the_unread_page(plan_pdf, monkeypatch, tmp_path):
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("Roboto", "", str(FONT_DIR / "Roboto-Regular.ttf"))
    pdf.add_page()
    pdf.set_font("Roboto", "", 12)
    pdf.text(60, 60, "KẾ HOẠCH số hóa hồ sơ lưu trữ giai đoạn 2027-2030")
    pdf.add_page(orientation="L")
    [table_page] = _page_images(plan_pdf, SCAN_DPI, [2])
    table_page.save(tmp_path / "page.png")
    pdf.image(str(tmp_path / "page.png"), x=0, y=0, w=pdf.w, h=pdf.h)
    pdf.output(str(tmp_path / "mixed.pdf"))
    monkeypatch.setattr(ocr, "tesseract_languages", lambda: ["eng", "osd"])
    expected = "no text layer on page 2: looks like a scan, and OCR is not available (install tesseract-ocr and"
    with pytest.raises(ScannedDocumentError, match=re.escape(expected)):
        PdfReader(tmp_path / "mixed.pdf").convert()


def test_a_blank_scan_and_an_empty_form_have_no_text(tmp_path):
    blank = _image_pdf([Image.new("L", (1654, 2339), 255)], tmp_path / "blank.pdf")
    with pytest.raises(
        ScannedDocumentError, match=re.escape("no text layer: looks like a scan, and OCR found no text")
    ):
        PdfReader(blank).convert()
    # an empty ruled form: ink, a grid, but no word for tesseract to find
    form = np.full((2339, 1654), 255, dtype=np.uint8)
    for y in range(400, 1201, 200):
        form[y : y + 3, 200:1400] = 0
    for x in (200, 600, 1400):
        form[400:1203, x : x + 3] = 0
    empty = _image_pdf([Image.fromarray(form)], tmp_path / "form.pdf")
    with pytest.raises(ScannedDocumentError, match="and OCR found no text"):
        PdfReader(empty).convert()


def test_with_ocr_switched_off_a_scan_fails_as_before(scan_pdf):
    settings = PdfSettings(ocr=OcrSettings(enabled=False))
    with pytest.raises(ScannedDocumentError, match=r"scan\.pdf: no text layer: looks like a scan$"):
        PdfReader(scan_pdf, settings).convert()


# -- the hand-written parts: ruling lines and tilt --------------------------------------------------------------


def _page_ink(source: Path, number: int, settings: OcrSettings) -> np.ndarray:
    [image] = _page_images(source, settings.dpi, [number])
    grey = ocr.greyscale(image)
    return grey < ocr.ink_threshold(grey, settings)


def test_the_rulings_of_a_table_are_found_where_they_are_drawn(plan_pdf):
    settings = OcrSettings()
    horizontals, verticals, mask = ocr.find_rulings(_page_ink(plan_pdf, 2, settings), settings.dpi, settings)
    rows = len(ROWS) + 1
    assert [round(line.top) for line in horizontals] == [round(TABLE_TOP + 26 * k) for k in range(rows + 1)]
    assert [round(line.x0) for line in verticals] == [round(60 + sum(WIDTHS[:k])) for k in range(len(WIDTHS) + 1)]
    for line in horizontals:
        assert abs(line.x0 - 60) < 1.5 and abs(line.x1 - (60 + sum(WIDTHS))) < 1.5
    for line in verticals:
        assert abs(line.top - TABLE_TOP) < 1.5 and abs(line.bottom - (TABLE_TOP + 26 * rows)) < 1.5
    assert mask.any()


def test_text_alone_has_no_rulings(tmp_path):
    # long runs of ink that are not a table: underscores, bold capitals with serifs, a lone horizontal rule
    path = tmp_path / "text.pdf"
    build_pdf(path, [PageSpec(lines=["Số: ________________/KH-UBND", "**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**"])])
    settings = OcrSettings()
    horizontals, verticals, mask = ocr.find_rulings(_page_ink(path, 1, settings), settings.dpi, settings)
    assert (horizontals, verticals, mask.any()) == ([], [], False)


def test_the_tilt_of_a_scan_is_measured(plan_pdf):
    settings = OcrSettings(dpi=150)  # the tilt is measured on a 50-100 dpi copy anyway
    [page] = _page_images(plan_pdf, settings.dpi, [2])
    for angle in (0.0, 1.5, -0.8):
        tilted = np.asarray(page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255))
        ink = tilted < ocr.ink_threshold(tilted, settings)
        assert ocr.estimate_skew(ink, settings.dpi, settings.max_skew_degrees) == pytest.approx(-angle, abs=0.15)
