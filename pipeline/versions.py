"""What a run's results depend on, as hashes: a document's bytes, the code, the rule files, the overrides.

A document's cached records are reused only while all four are unchanged.  The code hash covers the
vnplan sources and the versions of the libraries that read documents; the rules hash covers every
YAML rule file (agency registry, vocabularies); the overrides hash covers the people's decisions.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
import subprocess
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from extractors.settings import default_pdf_settings

PACKAGES = ("extractors", "normalizers", "pipeline", "schemas")
# Libraries whose upgrade can change what is read from a document.
READING_LIBRARIES = (
    "pdfplumber",
    "pdfminer.six",
    "pypdfium2",
    "python-docx",
    "olefile",
    "pytesseract",
    "spacy",
    "underthesea",
    "rapidfuzz",
    "pydantic",
)
NO_OVERRIDES = "none"


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def tree_files(roots: dict[str, Path], suffix: str) -> list[tuple[str, bytes]]:
    """(name, bytes) of every ``*suffix`` file under the named folders, in a stable order."""
    files: list[tuple[str, bytes]] = []
    for label, root in sorted(roots.items()):
        files.extend(
            (f"{label}/{path.relative_to(root).as_posix()}", path.read_bytes())
            for path in sorted(root.rglob(f"*{suffix}"))
            if "__pycache__" not in path.parts
        )
    return files


def _package_files(suffix: str) -> list[tuple[str, bytes]]:
    return tree_files({package: Path(str(resources.files(package))) for package in PACKAGES}, suffix)


def digest_files(parts: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in parts:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def _library_versions() -> list[tuple[str, bytes]]:
    versions = []
    for name in READING_LIBRARIES:
        try:
            versions.append((name, importlib.metadata.version(name).encode()))
        except importlib.metadata.PackageNotFoundError:
            versions.append((name, b"absent"))
    versions.append(("tesseract", _tesseract_version()))
    # The backends read alike (tests/test_pdf_backends.py), but a switch is a change in what reads: rebuild.
    versions.append(("pdf backend", default_pdf_settings().backend.encode()))
    return versions


@lru_cache(maxsize=1)
def _tesseract_version() -> bytes:
    """The OCR engine's version and languages: another engine reads scans differently."""
    binary = shutil.which("tesseract")
    if binary is None:
        return b"absent"
    try:
        version = subprocess.run([binary, "--version"], capture_output=True, timeout=30, check=False).stdout
        langs = subprocess.run([binary, "--list-langs"], capture_output=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return b"unusable"
    # The first line of each: "tesseract 5.3.0", then one language per line after a heading.
    return b" ".join(version.splitlines()[:1] + sorted(langs.splitlines()[1:]))


@dataclass(frozen=True)
class PipelineVersion:
    """The hashes of everything besides a document that its records depend on."""

    code: str
    rules: str
    overrides: str

    @property
    def key(self) -> str:
        """One hash of the three: part of every document's cache key."""
        return hashlib.sha256(f"{self.code}|{self.rules}|{self.overrides}".encode()).hexdigest()

    def as_dict(self) -> dict[str, str]:
        return {**asdict(self), "key": self.key}


def overrides_version(path: Path | None) -> str:
    if path is None or not path.is_file():
        return NO_OVERRIDES
    return file_sha256(path)


def pipeline_version(overrides: Path | None) -> PipelineVersion:
    """The current code, rule files and overrides file, hashed."""
    return PipelineVersion(
        code=digest_files(_package_files(".py") + _package_files(".j2") + _library_versions()),
        rules=digest_files(_package_files(".yaml")),
        overrides=overrides_version(overrides),
    )
