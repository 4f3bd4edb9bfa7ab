"""The PDFium text-layer backend against pdfminer, its oracle: the same objects, the same document model.

Every PDF here is read twice, once per backend (``PdfSettings.backend``).  Two levels are compared:

* the objects pdfplumber works from: every char (text, box, font name, size, upright) and every edge the table
  finder sees (from lines, rects and curves), and the images;
* the document model the reader builds from them: blocks, their kinds, texts and provenance, and every table
  cell's text, boldness and merge.

The PDFs are new ones drawn for the tests (fpdf2 plans in several table styles, prose, footnote markers,
landscape pages), the same pages re-cut by PDFium in forms pdfminer handles its own way (a page with
``/Rotate``, a media box away from the origin, text stretched with ``Tz``, content scaled by the CTM, a page
placed inside another as a form XObject, a font of the standard 14, curves), and the sample PDFs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pytest
from fpdf import FPDF

from bench.scans import scan_pdf
from extractors.errors import EncryptedDocumentError, UnreadableDocumentError
from extractors.model import Document
from extractors.pdf_backends import PdfiumBackend, PdfminerBackend, backend_named
from extractors.pdf_reader import PdfReader
from extractors.settings import PdfSettings
from extractors.table_cells import cell_texts
from pipeline.cli import main as cli_main
from pipeline.documents import process_file
from pipeline.versions import pipeline_version
from tests.pdf_builder import FONT_DIR, PageSpec, build_pdf
from tests.plan_forms import BORDERS, Style, comparable_records, sample_plan, write_pdf

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
TOLERANCE = 0.01  # points: PDFium computes in single precision, pdfminer in double


# -- what is compared ----------------------------------------------------------------------


def read(path: Path, backend: str) -> Document:
    return PdfReader(path, PdfSettings(backend=backend)).convert()


def model(document: Document) -> list[Any]:
    """Everything of a document the extractors read: blocks, texts, kinds, pages, cells, metadata."""
    blocks = [
        (
            block.kind,
            block.text,
            block.provenance,
            [[(cell.text, cell.bold, cell.merged) for cell in row.cells] for row in block.rows],
        )
        for block in document.blocks
    ]
    return [document.page_count, document.ocr_pages, blocks]


def _objects(page: Any) -> dict[str, list[Any]]:
    # In reading order, not in the order each parser lists them (pdfplumber sorts them into lines itself).
    chars = sorted(
        (
            (c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c["size"], c["fontname"], c["upright"])
            for c in page.chars
            if c["text"] != " "  # PDFium drops a space it judges to be its own (see the README)
        ),
        key=_place,
    )
    edges = sorted(
        ((e["orientation"], e["x0"], e["x1"], e["top"], e["bottom"]) for e in page.edges if e["orientation"]),
        key=lambda edge: (edge[0], *_place(edge)),
    )
    images = sorted(((i["x0"], i["x1"], i["top"], i["bottom"]) for i in page.images), key=_place)
    return {"chars": chars, "edges": edges, "images": images, "box": [tuple(page.bbox), page.rotation]}


def _place(obj: tuple[Any, ...]) -> tuple[float, ...]:
    """Where an object lies, to a tenth of a point (both parsers' floats sort alike)."""
    x0, x1, top, bottom = obj[1:5]
    return tuple(round(value, 1) for value in (top, x0, bottom, x1))


def page_objects(path: Path, backend: str) -> list[dict[str, list[Any]]]:
    with backend_named(backend).open(path.read_bytes(), path) as pdf:
        return [_objects(page) for page in pdf.pages]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, int | float) and isinstance(b, int | float) and math.isclose(a, b, abs_tol=TOLERANCE)
    if isinstance(a, list | tuple):
        return isinstance(b, list | tuple) and len(a) == len(b) and all(map(_same, a, b))
    return bool(a == b)


def object_differences(path: Path) -> list[str]:
    """Where the two backends' objects differ, page by page and kind by kind (empty: they do not)."""
    found = []
    for number, (oracle, pdfium_page) in enumerate(
        zip(page_objects(path, "pdfminer"), page_objects(path, "pdfium"), strict=True), start=1
    ):
        for kind, expected in oracle.items():
            got = pdfium_page[kind]
            if not _same(expected, got):
                first = next((i for i, (x, y) in enumerate(zip(expected, got, strict=False)) if not _same(x, y)), None)
                where = f"first at {first}: {expected[first]} / {got[first]}" if first is not None else ""
                found.append(f"page {number} {kind}: {len(expected)} / {len(got)} {where}")
    return found


def assert_same_everywhere(path: Path) -> None:
    assert object_differences(path) == []
    assert model(read(path, "pdfium")) == model(read(path, "pdfminer"))


# -- PDFs drawn for the tests --------------------------------------------------------------


@pytest.mark.parametrize(
    "style",
    [
        Style(borders="all"),
        Style(borders="rows", landscape=False),
        Style(borders="booktabs", font_size=10),
        Style(borders="none", v_align="TOP", padding=1),
        Style(borders="none", font_size=14, table_font_size=9),
    ],
    ids=lambda style: style.name,
)
def test_a_plan_in_every_table_style_reads_the_same(tmp_path: Path, style: Style) -> None:
    path = write_pdf(sample_plan(repeat_tasks=2), tmp_path / f"{style.name}.pdf", style)
    assert_same_everywhere(path)
    assert any(block.is_table for block in read(path, "pdfium").blocks)


def _footnoted_pages(path: Path) -> Path:
    """Text lines, a bold title, a ruled table with a superscript marker, a footnote; one landscape page."""
    header = ["STT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian"]
    build_pdf(
        path,
        [
            PageSpec(
                lines=["**KẾ HOẠCH**", "Triển khai cổng dịch vụ công trên địa bàn tỉnh Hà Giang", "- Mục đích"],
                rows=[header, ["1", "Rà soát thủ tục^2", "Sở Tư pháp", "Quý II/2026"]],
                footnote="2|Theo Quyết định số 12/QĐ-UBND",
            ),
            PageSpec(
                lines=["**Phụ lục II**"],
                rows=[header, ["2", "Đào tạo cán bộ xã", "Sở Nội vụ", "Hằng năm"]],
                landscape=True,
                rules="booktabs",
                header_rows=1,
            ),
        ],
    )
    return path


def test_superscripts_footnotes_and_landscape_pages_read_the_same(tmp_path: Path) -> None:
    path = _footnoted_pages(tmp_path / "footnoted.pdf")
    assert_same_everywhere(path)
    markers = [c for c in pdfplumber.open(path).pages[0].chars if c["size"] < 8]
    assert markers  # the superscript is there to be dropped alike


# -- the same pages in forms pdfminer and PDFium handle each their own way -------------------


def _recut(source: Path, target: Path, change: Callable[[pdfium.PdfDocument, pdfium.PdfPage], None]) -> Path:
    document = pdfium.PdfDocument(source)
    for index in range(len(document)):
        change(document, document[index])
    document.save(target)
    document.close()
    return target


def _scaled(document: pdfium.PdfDocument, page: pdfium.PdfPage) -> None:
    """Every object drawn at 80 % from a corner: text and rules under a scaling CTM."""
    for obj in list(page.get_objects(max_depth=1)):
        obj.transform(pdfium.PdfMatrix().scale(0.8, 0.8).translate(20, 30))
    page.gen_content()


def _rotated(document: pdfium.PdfDocument, page: pdfium.PdfPage) -> None:
    page.set_rotation(90)


def _moved_box(document: pdfium.PdfDocument, page: pdfium.PdfPage) -> None:
    """A media box that does not start at the origin (a page cut from a larger sheet)."""
    left, bottom, right, top = page.get_mediabox()
    page.set_mediabox(left - 40, bottom - 60, right + 10, top + 20)


@pytest.mark.parametrize("change", [_scaled, _rotated, _moved_box], ids=lambda change: change.__name__.strip("_"))
def test_recut_pages_read_the_same(tmp_path: Path, change: Callable[[pdfium.PdfDocument, pdfium.PdfPage], Any]) -> None:
    path = _recut(_footnoted_pages(tmp_path / "source.pdf"), tmp_path / "recut.pdf", change)
    assert_same_everywhere(path)


def test_a_page_nested_as_a_form_xobject_reads_the_same(tmp_path: Path) -> None:
    source = _footnoted_pages(tmp_path / "source.pdf")
    document = pdfium.PdfDocument(source)
    target = pdfium.PdfDocument.new()
    xobject = document.page_as_xobject(1, target)  # the landscape page with its table
    page = target.new_page(900, 640)
    placed = xobject.as_pageobject()
    placed.transform(pdfium.PdfMatrix().scale(0.95, 0.95).translate(20, 10))
    page.insert_obj(placed)
    page.gen_content()
    path = tmp_path / "nested.pdf"
    target.save(path)
    objects = page_objects(path, "pdfium")[0]
    assert objects["chars"] and objects["edges"]  # what the form holds is found inside it
    assert_same_everywhere(path)


def _stretched_and_core_font(path: Path) -> Path:
    """Text stretched with ``Tz`` and spaced with ``Tc``, a standard-14 font (not embedded), a rounded box."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("Roboto", "", str(FONT_DIR / "Roboto-Regular.ttf"))
    pdf.add_page()
    pdf.set_font("Roboto", "", 12)
    pdf.text(60, 80, "Trước ngày 30/6/2026: báo cáo kết quả")
    pdf.set_stretching(80)
    pdf.text(60, 100, "Chữ được nén ngang còn tám mươi phần trăm")
    pdf.set_stretching(100)
    pdf.set_char_spacing(0.6)
    pdf.text(60, 120, "Chữ giãn cách")
    pdf.set_char_spacing(0)
    pdf.set_font("Helvetica", "B", 11)
    pdf.text(60, 150, "Standard font, bold: PLAN 2026")
    pdf.set_font("Times", "", 11)
    pdf.text(60, 170, "Times-Roman, not embedded")
    pdf.rect(50, 200, 300, 80, round_corners=True, style="D")
    pdf.set_dash_pattern(dash=3, gap=2)
    pdf.line(50, 300, 350, 300)
    pdf.output(str(path))
    return path


def test_stretched_text_core_fonts_and_curves_read_the_same(tmp_path: Path) -> None:
    path = _stretched_and_core_font(tmp_path / "stretched.pdf")
    assert_same_everywhere(path)
    fonts = {char["fontname"] for char in page_objects_chars(path)}
    assert {"Helvetica-Bold", "Times-Roman"} <= fonts


def _write_objects(path: Path, objects: list[bytes]) -> Path:
    """A PDF of ``objects`` (object 1 the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _type3_plan(path: Path) -> Path:
    """A Type 3 font (glyphs drawn as boxes, no name, mapped to "S", "T" and a space) on a line, a standard
    Helvetica line under it."""
    content = b"BT /F1 12 Tf 72 700 Td (abba ab) Tj ET BT /F2 12 Tf 72 650 Td (Ke hoach 2027) Tj ET"
    to_unicode = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T3 def "
        b"1 begincodespacerange <00> <FF> endcodespacerange "
        b"3 beginbfchar <61> <0053> <62> <0054> <20> <0020> endbfchar endcmap "
        b"CMapName currentdict /CMap defineresource pop end end"
    )
    widths = b"[250 " + b"0 " * 64 + b"600 700]"
    type3 = (
        b"<< /Type /Font /Subtype /Type3 /FontBBox [0 -200 1000 800] /FontMatrix [0.001 0 0 0.001 0 0] "
        b"/CharProcs << /a 6 0 R /b 7 0 R /space 10 0 R >> "
        b"/Encoding << /Type /Encoding /Differences [32 /space 97 /a /b] >> "
        b"/FirstChar 32 /LastChar 98 /Widths " + widths + b" /ToUnicode 8 0 R /Resources << >> >>"
    )
    return _write_objects(
        path,
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R /F2 9 0 R >> >> >>",
            _stream(content),
            type3,
            _stream(b"600 0 0 0 500 700 d1 0 0 500 700 re f"),
            _stream(b"700 0 0 0 600 700 d1 0 0 600 700 re f"),
            _stream(to_unicode),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            _stream(b"250 0 d0"),
        ],
    )


def test_a_type3_font_without_a_name_reads_the_same(tmp_path: Path) -> None:
    """A Type 3 font has no /BaseFont: PDFium gives no name, pdfminer "unknown"; the backend says "unknown" too,
    and its chars' boxes come from the font's matrix and bounding box alike."""
    path = _type3_plan(tmp_path / "type3.pdf")
    chars = page_objects_chars(path)
    assert "".join(c["text"] for c in chars if c["fontname"] == "unknown") == "STTS ST"
    assert_same_everywhere(path)


def page_objects_chars(path: Path) -> list[dict[str, Any]]:
    with PdfiumBackend().open(path.read_bytes(), path) as pdf:
        return list(pdf.pages[0].chars)


# -- the samples -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(path.name for path in SAMPLES.glob("*.pdf")))
def test_the_sample_pdfs_read_the_same(name: str) -> None:
    assert_same_everywhere(SAMPLES / name)


# -- errors and rendering ------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["pdfium", "pdfminer"])
def test_an_encrypted_pdf_is_named_as_such_by_both(tmp_path: Path, backend: str) -> None:
    locked = tmp_path / "locked.pdf"
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 12)
    pdf.text(20, 20, "secret plan")
    pdf.set_encryption(owner_password="owner", user_password="user")
    pdf.output(str(locked))
    with pytest.raises(EncryptedDocumentError, match="password"):
        backend_named(backend).open(locked.read_bytes(), locked)


@pytest.mark.parametrize("backend", ["pdfium", "pdfminer"])
def test_bytes_that_are_no_pdf_are_named_damaged(tmp_path: Path, backend: str) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50 + b"\n%%EOF\n")
    with (
        pytest.raises(UnreadableDocumentError, match=r"broken\.pdf"),
        backend_named(backend).open(path.read_bytes(), path) as pdf,
    ):
        assert not pdf.pages[0].chars


def test_both_backends_render_a_page_alike(tmp_path: Path) -> None:
    path = _footnoted_pages(tmp_path / "plan.pdf")
    with PdfiumBackend().open(path.read_bytes(), path) as fast, PdfminerBackend().open(path.read_bytes(), path) as slow:
        picture = fast.render(2, 100)
        assert picture.tobytes() == slow.render(2, 100).tobytes()
    with pdfplumber.open(path) as pdf:  # and as pdfplumber's own to_image does
        assert picture.tobytes() == pdf.pages[1].to_image(resolution=100).original.convert("RGB").tobytes()


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="pdfium, pdfminer"):
        backend_named("mupdf")


def test_pdfium_reads_a_page_again_after_it_was_closed(tmp_path: Path) -> None:
    path = _footnoted_pages(tmp_path / "plan.pdf")
    with PdfiumBackend().open(path.read_bytes(), path) as pdf:
        page = pdf.pages[0]
        first = [c["text"] for c in page.chars]
        page.close()
        assert [c["text"] for c in page.chars] == first


def test_the_environment_picks_the_backend_of_a_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _footnoted_pages(tmp_path / "plan.pdf")
    assert PdfReader(path)._backend.name == "pdfium"
    monkeypatch.setenv("VNPLAN_PDF_BACKEND", "pdfminer")
    assert PdfReader(path)._backend.name == "pdfminer"
    with_pdfminer = pipeline_version(None).code
    monkeypatch.setenv("VNPLAN_PDF_BACKEND", "pdfium")
    assert pipeline_version(None).code != with_pdfminer  # a switch is a change of code: the cache is rebuilt


def test_a_mistyped_backend_stops_the_command_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VNPLAN_PDF_BACKEND", "pdfiun")
    assert cli_main(["run", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip()
    assert "VNPLAN_PDF_BACKEND='pdfiun' is no PDF backend: use one of pdfium, pdfminer" in error
    assert len(error.splitlines()) == 1
    assert not (tmp_path / "out").exists()


# -- records, and scans --------------------------------------------------------------------------


def _records(path: Path, backend: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("VNPLAN_PDF_BACKEND", backend)
    plan = process_file(path)
    return {"document": plan.document.model_dump(mode="json"), **comparable_records(plan)}


@pytest.mark.parametrize("borders", BORDERS)
def test_a_new_plan_s_records_do_not_change_with_the_backend(
    tmp_path: Path, borders: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole pipeline, ruled and unruled: every target, task and document field the same."""
    path = write_pdf(sample_plan(repeat_tasks=2), tmp_path / f"{borders}.pdf", Style(borders=borders))
    with_pdfium = _records(path, "pdfium", monkeypatch)
    assert with_pdfium["targets"] and with_pdfium["tasks"]
    assert with_pdfium == _records(path, "pdfminer", monkeypatch)


def test_a_scanned_page_reads_the_same_with_either_backend(tmp_path: Path) -> None:
    """OCR: PDFium renders the page for tesseract under both, and each backend reads tesseract's text layer."""
    source = _footnoted_pages(tmp_path / "plan.pdf")
    scan = scan_pdf(source, tmp_path / "scan.pdf", dpi=200, stamps={})
    with_pdfium = read(scan, "pdfium")
    assert with_pdfium.ocr_pages == (1, 2)
    assert any(block.is_table for block in with_pdfium.blocks)
    assert model(with_pdfium) == model(read(scan, "pdfminer"))


def test_cell_texts_are_pdfplumber_s_own(tmp_path: Path) -> None:
    """``table_cells.cell_texts`` (bisection by row) gives what ``Table.extract`` (a scan per row) gives, on
    every ruled table: a new plan's, merged header cells included, and the samples'."""
    paths = [write_pdf(sample_plan(repeat_tasks=2), tmp_path / "all.pdf", Style(borders="all"))]
    tables = 0
    for path in [*paths, *sorted(SAMPLES.glob("*.pdf"))]:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                for table in page.find_tables(PdfSettings().table_settings):
                    tables += 1
                    assert cell_texts(table, page.chars, 1.5) == table.extract(x_tolerance=1.5), (path.name, page)
    assert tables >= 10
