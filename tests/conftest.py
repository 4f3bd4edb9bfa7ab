from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from extractors.model import Document
from extractors.text_reader import parse_text_lines

# Prefect reads its settings when first imported (test modules may import it at collection): never the
# user's ~/.prefect nor the project's state folder.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="vnplan-prefect-")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

# Hypothesis profiles (see tests/test_fuzz.py): "ci", the default, is derandomized (a CI run is reproducible)
# and small; HYPOTHESIS_PROFILE=fuzz runs thousands of random examples for a long local run.  Whole
# documents are drawn as examples, so their generation is slow by design: the too_slow check is off.
settings.register_profile(
    "ci",
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "fuzz", max_examples=2000, deadline=timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

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


@pytest.fixture(scope="session", autouse=True)
def serial_by_default():
    """`vnplan run` in the tests runs its documents in this process unless a test asks for more (the default of
    a real run, one worker per core for a batch of new documents, is tested on its own in test_dask.py)."""
    previous = os.environ.get("VNPLAN_WORKERS")
    os.environ["VNPLAN_WORKERS"] = "1"
    yield
    if previous is None:
        os.environ.pop("VNPLAN_WORKERS", None)
    else:
        os.environ["VNPLAN_WORKERS"] = previous


@pytest.fixture(scope="session", autouse=True)
def prefect_backend():
    """Every flow run of the tests goes to one temporary Prefect server and database (set up once)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
