"""Typed errors a reader or extractor raises: each names the file and the reason."""

from __future__ import annotations

from pathlib import Path


class VnplanError(Exception):
    """Base of every error vnplan reports about one input document."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFormatError(VnplanError):
    """No reader handles this file."""


class UnreadableDocumentError(VnplanError):
    """The file claims a format but cannot be read as it (corrupt, truncated, encrypted...)."""
