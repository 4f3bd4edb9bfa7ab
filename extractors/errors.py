"""Typed errors a reader or extractor raises: each names the file and the reason."""

from __future__ import annotations

from pathlib import Path


class VnplanError(Exception):
    """Base of every error vnplan reports about one input document."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self) -> tuple[type[VnplanError], tuple[str, str]]:
        """Rebuilt from path and reason: the error crosses from a Dask worker to the flow with its reason."""
        return type(self), (str(self.path), self.reason)


class UnsupportedFormatError(VnplanError):
    """No reader handles this file (a spreadsheet, an image, an archive...)."""


class UnreadableDocumentError(VnplanError):
    """The file claims a format but cannot be read as it (corrupt, truncated, encrypted...)."""


class ScannedDocumentError(UnreadableDocumentError):
    """A scanned PDF (pages without a text layer) that OCR could not read: OCR missing, failed or found no text."""


class EncryptedDocumentError(UnreadableDocumentError):
    """The file is password-protected: it cannot be read until someone removes the password."""


class TruncatedFileError(UnreadableDocumentError):
    """The file ends early (an interrupted download or copy)."""


class WrongFormatError(UnreadableDocumentError):
    """The file's bytes are another format than its name says (a .doc renamed .docx, a PDF named .txt...)."""


class NotAPlanError(VnplanError):
    """The document was read, but it is not a plan: no task or target was found and it is not titled as one."""
