"""Pick the reader for a file, by what its bytes are and else by its suffix, and read it into the document model."""

from __future__ import annotations

from pathlib import Path

from extractors.base import DocumentReader
from extractors.docx_reader import DocxReader
from extractors.errors import UnreadableDocumentError, UnsupportedFormatError
from extractors.html_reader import HtmlReader
from extractors.model import Document
from extractors.office_reader import OfficeReader
from extractors.pdf_reader import PdfReader
from extractors.sniff import Sniffed, sniff
from extractors.text_reader import TextReader

READERS: tuple[type[DocumentReader], ...] = (TextReader, DocxReader, PdfReader, HtmlReader, OfficeReader)

# The reader of each format the bytes can be recognised as: a misnamed file (a web page saved as .doc, a
# PDF named .txt, a .docx named .doc) goes to the reader of what it is.
BY_CONTENT: dict[Sniffed, type[DocumentReader]] = {
    Sniffed.PDF: PdfReader,
    Sniffed.DOCX: DocxReader,
    Sniffed.HTML: HtmlReader,
    Sniffed.DOC: OfficeReader,
    Sniffed.RTF: OfficeReader,
    Sniffed.ODT: OfficeReader,
}


def supported_suffixes() -> frozenset[str]:
    return frozenset().union(*(reader.supported_formats() for reader in READERS))


# Suffixes people upload that are never plans; named in the error so a clerk knows what went wrong.
KNOWN_NON_PLANS = {
    "a spreadsheet": frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv"}),
    "an image": frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".bmp", ".webp"}),
    "an archive": frozenset({".zip", ".rar", ".7z", ".gz", ".tar"}),
    "a presentation": frozenset({".ppt", ".pptx", ".odp"}),
}


def reader_for(path: Path) -> type[DocumentReader]:
    """The reader of a file's suffix (an unsupported suffix is an error naming what vnplan reads)."""
    suffix = path.suffix.lower()
    for reader in READERS:
        if suffix in reader.supported_formats():
            return reader
    known = ", ".join(sorted(supported_suffixes()))
    for what, suffixes in KNOWN_NON_PLANS.items():
        if suffix in suffixes:
            raise UnsupportedFormatError(path, f"{what} ({suffix}), not a plan document: vnplan reads {known}")
    raise UnsupportedFormatError(path, f"unsupported file type '{suffix or '(none)'}': vnplan reads {known}")


def read_document(path: Path) -> Document:
    """The document in ``path``, read by the reader of what its bytes are, else of its suffix."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
        # The two containers (ZIP, OLE2) say what they hold in directories that need the whole file.
        data = path.read_bytes() if head.startswith((b"PK", b"\xd0\xcf\x11\xe0")) else head
    except OSError as error:
        raise UnreadableDocumentError(path, f"cannot read file ({error.strerror})") from error
    by_content = BY_CONTENT.get(sniff(data))
    return (by_content or reader_for(path))(path).convert()
