from __future__ import annotations

from pathlib import Path

import pytest

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
