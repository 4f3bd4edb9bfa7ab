"""The reader contract, after Docling's ``AbstractDocumentBackend``.

One reader per input format, each a small class that checks its input
(``is_valid``), names the suffixes it handles (``supported_formats``) and turns
the file into the shared :class:`~extractors.model.Document` (``convert``).
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from pathlib import Path

from extractors.errors import (
    EncryptedDocumentError,
    TruncatedFileError,
    UnreadableDocumentError,
    VnplanError,
    WrongFormatError,
)
from extractors.model import Block, Document
from extractors.sniff import DESCRIPTIONS, Sniffed, sniff
from normalizers.encoding import repair_legacy_encoding


class DocumentReader(ABC):
    """Read one file of one format into the document model."""

    format_name: str = ""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.data = self.path.read_bytes()
        except OSError as error:
            raise UnreadableDocumentError(self.path, f"cannot read file ({error.strerror})") from error
        self.sha256 = hashlib.sha256(self.data).hexdigest()

    @classmethod
    @abstractmethod
    def supported_formats(cls) -> frozenset[str]:
        """File suffixes (lower case, with the dot) this reader handles."""

    @abstractmethod
    def is_valid(self) -> bool:
        """Cheap check that the bytes look like this format (no full parse)."""

    @abstractmethod
    def convert(self) -> Document:
        """Parse the file into blocks; raise ``UnreadableDocumentError`` when it cannot."""

    def not_this_format(self, expected: str) -> VnplanError:
        """The error for bytes that are not ``expected`` (e.g. "a Word (.docx) file"): says what they are instead."""
        kind = sniff(self.data)
        suffix = self.path.suffix.lower() or "(no extension)"
        if not self.data:
            return TruncatedFileError(self.path, "empty file (0 bytes): the upload or copy did not complete")
        if kind is Sniffed.ENCRYPTED_OFFICE:
            return EncryptedDocumentError(
                self.path, "the Office file is password-protected: remove the password and upload it again"
            )
        if kind is Sniffed.TRUNCATED_ZIP:
            return TruncatedFileError(
                self.path, f"truncated file: {expected} that ends early (an interrupted download or copy?)"
            )
        if kind is Sniffed.DOC:
            return WrongFormatError(
                self.path,
                f"an old Word 97-2003 (.doc) file named {suffix}: open it in Word and save it as .docx",
            )
        if kind in (Sniffed.XLSX, Sniffed.XLS):
            return WrongFormatError(self.path, f"{DESCRIPTIONS[kind]} named {suffix}, not a plan document")
        if kind is Sniffed.OTHER:
            return UnreadableDocumentError(self.path, f"not {expected}: its content is not in that format")
        return WrongFormatError(self.path, f"{DESCRIPTIONS[kind]} named {suffix}, not {expected}")

    def _document(self, blocks: list[Block], page_count: int | None = None) -> Document:
        """The shared model; text drawn in legacy Vietnamese fonts is repaired here, once for every format."""
        for block in blocks:
            block.text = repair_legacy_encoding(block.text)
            for row in block.rows:
                for cell in row.cells:
                    cell.text = repair_legacy_encoding(cell.text)
        return Document(
            source_path=self.path,
            source_format=self.format_name,
            sha256=self.sha256,
            blocks=blocks,
            page_count=page_count,
        )
