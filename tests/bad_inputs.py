"""Build the files a real inbox receives besides good plans: each a small, real instance of its kind.

Every builder writes one file and returns its path.  The formats are real: fpdf2 encrypts the PDF,
openpyxl writes the spreadsheet, PIL writes the image-only ("scanned") PDF, and the old Word file is a
minimal OLE2 compound file with a ``WordDocument`` stream, laid out as in [MS-CFB] (olefile cannot
create files, and a .doc fixture from elsewhere would be a binary of unknown content).
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
from fpdf import FPDF
from PIL import Image

from tests.pdf_builder import FONT_DIR, PageSpec, build_pdf

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def encrypted_pdf(path: Path, text: str) -> Path:
    """A PDF that opens only with a user password."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("Roboto", "", str(FONT_DIR / "Roboto-Regular.ttf"))
    pdf.add_page()
    pdf.set_font("Roboto", "", 12)
    pdf.text(60, 80, text)
    pdf.set_encryption(owner_password="chu-so-huu", user_password="mat-khau")
    pdf.output(str(path))
    return path


def blank_scan_pdf(path: Path) -> Path:
    """An image-only PDF of an empty page: a scan with no text on it at all."""
    Image.new("RGB", (1240, 1754), "white").save(path, "PDF", resolution=150.0)
    return path


def text_pdf(path: Path, lines: list[str], rows: list[list[str]] | None = None) -> Path:
    build_pdf(path, [PageSpec(lines=lines, rows=rows or [])])
    return path


def truncated(source: Path, path: Path, keep: float = 0.5) -> Path:
    """The first ``keep`` share of ``source``'s bytes, as an interrupted download leaves them."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def spreadsheet(path: Path, rows: list[list[str]]) -> Path:
    """A real Excel workbook (the suffix of ``path`` decides nothing: openpyxl always writes .xlsx bytes)."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def zip_archive(path: Path, names: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in names.items():
            archive.writestr(name, text)
    return path


def old_word_doc(path: Path) -> Path:
    """A minimal Word 97-2003 file: an OLE2 compound file whose directory holds a ``WordDocument`` stream."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)  # minor, major, byte order, sector shifts
    struct.pack_into("<I", header, 44, 1)  # one FAT sector
    struct.pack_into("<I", header, 48, 1)  # the directory starts at sector 1
    struct.pack_into("<I", header, 56, 4096)  # mini stream cutoff
    struct.pack_into("<II", header, 60, ENDOFCHAIN, 0)  # no mini FAT
    struct.pack_into("<II", header, 68, ENDOFCHAIN, 0)  # no DIFAT sectors
    struct.pack_into("<I", header, 76, 0)  # DIFAT[0]: the FAT is sector 0
    for slot in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * slot, FREESECT)
    fat = bytearray(struct.pack("<128I", *([FATSECT, ENDOFCHAIN] + [FREESECT] * 126)))
    directory = _dir_entry("Root Entry", 5, child=1) + _dir_entry("WordDocument", 2)
    directory += bytes(128) * 2
    path.write_bytes(bytes(header) + bytes(fat) + directory)
    return path


def _dir_entry(name: str, kind: int, child: int = NOSTREAM) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    entry = bytearray(128)
    entry[0 : len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 64, len(encoded), kind, 1)
    struct.pack_into("<III", entry, 68, NOSTREAM, NOSTREAM, child)
    struct.pack_into("<II", entry, 116, ENDOFCHAIN, 0)  # start sector, size (empty stream)
    return bytes(entry)
