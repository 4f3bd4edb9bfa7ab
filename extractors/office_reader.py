"""Reader for old Word (``.doc``), Rich Text (``.rtf``) and OpenDocument (``.odt``) files: LibreOffice converts
them to ``.docx`` (``soffice --headless --convert-to docx``), then the DOCX reader reads that.

Writing a reader for the binary Word 97 format would be a project of its own; LibreOffice opens these files
as an office does.  Each conversion runs in a temporary folder with its own LibreOffice profile (two runs on
one machine never share one), under a time limit, and one at a time on the machine (a lock file: LibreOffice
is a large process, and parallel document workers would start one each).  The document records what it was
converted from (``converted_from``).  Without LibreOffice the file gets a clear error and nothing else is lost.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import tempfile
from pathlib import Path

from extractors.base import DocumentReader
from extractors.docx_reader import DocxReader
from extractors.errors import UnreadableDocumentError, UnsupportedFormatError
from extractors.model import Document
from extractors.sniff import Sniffed, sniff

CONVERT_TIMEOUT_S = 180.0
_KINDS = {Sniffed.DOC: "doc", Sniffed.RTF: "rtf", Sniffed.ODT: "odt"}
_LOCK = Path(tempfile.gettempdir()) / "vnplan-office-convert.lock"


def office_command() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


class OfficeReader(DocumentReader):
    format_name = "docx"

    @classmethod
    def supported_formats(cls) -> frozenset[str]:
        return frozenset({".doc", ".rtf", ".odt"})

    def is_valid(self) -> bool:
        return sniff(self.data) in _KINDS

    def convert(self) -> Document:
        kind = _KINDS.get(sniff(self.data))
        if kind is None:
            raise self.not_this_format("an old Word (.doc), Rich Text (.rtf) or OpenDocument (.odt) file")
        command = office_command()
        if command is None:
            raise UnsupportedFormatError(
                self.path,
                f"a .{kind} file needs LibreOffice to be read, and it is not installed "
                "(`make` installs it; Debian: libreoffice-writer-nogui), or save it as .docx",
            )
        with tempfile.TemporaryDirectory(prefix="vnplan-convert-") as folder:
            docx = self._converted(command, Path(folder), kind)
            document = DocxReader(docx).convert()
        document.source_path = self.path
        document.sha256 = self.sha256
        document.converted_from = kind
        return document

    def _converted(self, command: str, folder: Path, kind: str) -> Path:
        source = folder / f"document.{kind}"
        source.write_bytes(self.data)
        out = folder / "out"
        call = [
            command,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ]
        with _LOCK.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one conversion at a time on this machine
            try:
                subprocess.run(call, capture_output=True, timeout=CONVERT_TIMEOUT_S, check=False)
            except subprocess.TimeoutExpired as error:
                raise UnreadableDocumentError(
                    self.path, f"LibreOffice did not convert the .{kind} file within {CONVERT_TIMEOUT_S:.0f} s"
                ) from error
        converted = out / "document.docx"
        if not converted.is_file() or converted.stat().st_size == 0:
            raise UnreadableDocumentError(
                self.path, f"LibreOffice could not convert the .{kind} file (damaged, or not a Word document?)"
            )
        return converted
