from __future__ import annotations

from pathlib import Path

import pytest

from extractors.model import Document
from extractors.text_reader import parse_text_lines

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLD = ROOT / "tests" / "fixtures" / "gold"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return GOLD


def sample_stems() -> list[str]:
    return sorted({path.stem for path in SAMPLES.glob("*.txt")})


def text_document(lines: list[str]) -> Document:
    """A document made of plain-text lines, as the text reader would give it (for small written plans)."""
    return Document(Path("mem.txt"), "text", "0" * 64, parse_text_lines(lines))
