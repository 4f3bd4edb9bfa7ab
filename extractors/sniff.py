"""What a file really is, from its first bytes: so that a misnamed upload gets an error in plain words.

People rename files: an old Word ``.doc`` saved as ``.docx``, a spreadsheet attached as ``.docx``, a
PDF exported with a ``.txt`` name, a web page saved as ``.doc``.  This module names the real format, so that
``extractors.readers`` hands a plan to the reader of what it is, and an error can say what to do.
Magic numbers are a handful of fixed byte strings;
the two container formats (ZIP for Office Open XML, OLE2 for the old Office formats) are opened with
``zipfile`` and ``olefile`` to see which application wrote them.  A general-purpose detector
(libmagic) would add a system library and still not tell a .doc from an encrypted .docx.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from enum import StrEnum

import olefile

_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")


class Sniffed(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    ODF = "odf"
    ZIP = "zip"
    TRUNCATED_ZIP = "truncated zip"
    DOC = "doc"
    XLS = "xls"
    ENCRYPTED_OFFICE = "encrypted office"
    OLE2 = "ole2"
    RTF = "rtf"
    ODT = "odt"
    HTML = "html"
    IMAGE = "image"
    OTHER = "other"


# How an error names each format to a clerk.
DESCRIPTIONS: dict[Sniffed, str] = {
    Sniffed.PDF: "a PDF file",
    Sniffed.DOCX: "a Word (.docx) file",
    Sniffed.XLSX: "a spreadsheet (Excel .xlsx) file",
    Sniffed.PPTX: "a PowerPoint (.pptx) file",
    Sniffed.ODF: "an OpenDocument (LibreOffice) file",
    Sniffed.ZIP: "a ZIP archive",
    Sniffed.TRUNCATED_ZIP: "an incomplete ZIP/Office file",
    Sniffed.DOC: "an old Word 97-2003 (.doc) file",
    Sniffed.XLS: "an old Excel 97-2003 (.xls) spreadsheet",
    Sniffed.ENCRYPTED_OFFICE: "a password-protected Office file",
    Sniffed.OLE2: "an old Microsoft Office file",
    Sniffed.RTF: "a Rich Text (.rtf) file",
    Sniffed.ODT: "an OpenDocument text (.odt) file",
    Sniffed.HTML: "a web page (HTML)",
    Sniffed.IMAGE: "an image",
    Sniffed.OTHER: "a file of unknown type",
}


def sniff(data: bytes) -> Sniffed:
    """The format the bytes are in, whatever the file is called."""
    head = data[:1024]
    if head.lstrip().startswith(b"%PDF"):
        return Sniffed.PDF
    if head.startswith((_ZIP, _EMPTY_ZIP)):
        return _zip_kind(data)
    if head.startswith(_OLE2):
        return _ole_kind(data)
    if head.startswith(b"{\\rtf"):
        return Sniffed.RTF
    if head.startswith(_IMAGES):
        return Sniffed.IMAGE
    if _HTML_START.match(_as_text(head)):
        return Sniffed.HTML
    return Sniffed.OTHER


# A web page opens with its doctype or <html> (after a BOM, an XML declaration or comments), or, for a
# fragment a portal serves, with <head>/<body>/<meta>.
_HTML_START = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta)\b",
    re.IGNORECASE | re.DOTALL,
)


def _as_text(head: bytes) -> str:
    """The start of a file as text, for a look at its first tags (UTF-16 and UTF-8, with or without a BOM)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="ignore")
    return head.decode("latin-1").removeprefix("\xef\xbb\xbf")


def _zip_kind(data: bytes) -> Sniffed:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        # The local header is there but the central directory (written last) is not: a cut-off copy.
        return Sniffed.TRUNCATED_ZIP
    if "word/document.xml" in names:
        return Sniffed.DOCX
    if "xl/workbook.xml" in names:
        return Sniffed.XLSX
    if "ppt/presentation.xml" in names:
        return Sniffed.PPTX
    if "mimetype" in names and "content.xml" in names:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            mimetype = archive.read("mimetype")[:80]
        return Sniffed.ODT if mimetype.startswith(b"application/vnd.oasis.opendocument.text") else Sniffed.ODF
    return Sniffed.ZIP


def _ole_kind(data: bytes) -> Sniffed:
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, EOFError, IndexError):  # olefile's errors for a broken container
        return Sniffed.OLE2
    try:
        if ole.exists("EncryptedPackage"):  # an .docx/.xlsx with a password is wrapped in OLE2
            return Sniffed.ENCRYPTED_OFFICE
        if ole.exists("WordDocument"):
            return Sniffed.DOC
        if ole.exists("Workbook") or ole.exists("Book"):
            return Sniffed.XLS
        return Sniffed.OLE2
    finally:
        ole.close()
