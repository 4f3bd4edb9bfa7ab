"""Pick the reader for a file by its suffix and read it into the document model."""

from __future__ import annotations

from pathlib import Path

from extractors.base import DocumentReader
from extractors.docx_reader import DocxReader
from extractors.errors import UnsupportedFormatError
from extractors.model import Document
from extractors.pdf_reader import PdfReader
from extractors.text_reader import TextReader

READERS: tuple[type[DocumentReader], ...] = (TextReader, DocxReader, PdfReader)


def supported_suffixes() -> frozenset[str]:
    return frozenset().union(*(reader.supported_formats() for reader in READERS))


# Suffixes people upload that are never plans; named in the error so a clerk knows what went wrong.
KNOWN_NON_PLANS = {
    "a spreadsheet": frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv"}),
    "an old Word 97-2003 (.doc) file": frozenset({".doc"}),
    "an image": frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".bmp", ".webp"}),
    "an archive": frozenset({".zip", ".rar", ".7z", ".gz", ".tar"}),
    "a presentation": frozenset({".ppt", ".pptx", ".odp"}),
}


def reader_for(path: Path) -> type[DocumentReader]:
    suffix = path.suffix.lower()
    for reader in READERS:
        if suffix in reader.supported_formats():
            return reader
    known = ", ".join(sorted(supported_suffixes()))
    for what, suffixes in KNOWN_NON_PLANS.items():
        if suffix in suffixes:
            advice = "save it as .docx" if suffix == ".doc" else "not a plan document"
            raise UnsupportedFormatError(path, f"{what} ({suffix}), {advice}: vnplan reads {known}")
    raise UnsupportedFormatError(path, f"unsupported file type '{suffix or '(none)'}': vnplan reads {known}")


def read_document(path: Path) -> Document:
    return reader_for(path)(path).convert()
