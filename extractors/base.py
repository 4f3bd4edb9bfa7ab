"""The reader contract, after Docling's ``AbstractDocumentBackend``.

One reader per input format, each a small class that checks its input
(``is_valid``), names the suffixes it handles (``supported_formats``) and turns
the file into the shared :class:`~extractors.model.Document` (``convert``).
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from pathlib import Path

from extractors.errors import UnreadableDocumentError
from extractors.model import Block, Document
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
