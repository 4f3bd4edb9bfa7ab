"""Resource bounds: a file-size cap, a time budget that also stops a hung page, a memory budget."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

import pipeline.documents as documents
from extractors.limits import Budget, ResourceLimitError, ResourceLimits, budget_scope, check_budget
from pipeline.documents import process_file
from tests.test_flows import TASKS, plan_text


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "yen-bai.txt"
    path.write_text(plan_text("Yên Bái", "58", TASKS[:2]), encoding="utf-8")
    return path


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(plan, monkeypatch):
    def must_not_read(path: Path) -> None:
        raise AssertionError("the reader ran")

    monkeypatch.setattr(documents, "read_document", must_not_read)
    size_mb = plan.stat().st_size / 1024 / 1024
    with pytest.raises(ResourceLimitError, match=r"file too large: .* MB \(the limit is .* MB per document\)"):
        process_file(plan, limits=ResourceLimits(max_file_mb=size_mb / 2))


def test_a_plan_within_its_limits_is_read(plan):
    records = process_file(plan, limits=ResourceLimits(max_file_mb=1, max_seconds=60, max_memory_mb=500))
    assert len(records.tasks) == 2


def test_a_hung_reader_is_stopped_by_the_time_budget(plan, monkeypatch):
    def hangs(path: Path) -> None:
        time.sleep(30)  # one page that never ends: no cooperative check runs

    monkeypatch.setattr(documents, "read_document", hangs)
    started = time.monotonic()
    with pytest.raises(ResourceLimitError, match=r"took too long: more than 0\.5 s"):
        process_file(plan, limits=ResourceLimits(max_seconds=0.5))
    assert time.monotonic() - started < 5


def test_the_time_budget_is_checked_between_pages_off_the_main_thread(tmp_path):
    """Worker threads cannot receive the timer signal: the cooperative check is what stops them there."""
    outcome: list[BaseException] = []

    def slow_pages() -> None:
        try:
            with budget_scope(tmp_path / "dai.pdf", ResourceLimits(max_seconds=0.2)):
                for number in range(1, 100):
                    time.sleep(0.05)
                    check_budget(f"page {number}")
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=slow_pages)
    worker.start()
    worker.join(timeout=10)
    (error,) = outcome
    assert isinstance(error, ResourceLimitError) and "at page " in error.reason


def test_memory_growth_over_the_budget_stops_the_document(plan, monkeypatch):
    real_read = documents.read_document
    ballast: list[bytearray] = []

    def greedy_read(path: Path):  # type: ignore[no-untyped-def]
        ballast.append(bytearray(300 * 1024 * 1024))  # touched pages count in the resident size
        for offset in range(0, len(ballast[0]), 4096):
            ballast[0][offset] = 1
        return real_read(path)

    monkeypatch.setattr(documents, "read_document", greedy_read)
    with pytest.raises(ResourceLimitError, match=r"used too much memory: \d+ MB more .* limit is 100 MB"):
        process_file(plan, limits=ResourceLimits(max_memory_mb=100))
    ballast.clear()


def test_limits_can_be_switched_off(tmp_path):
    budget = Budget(tmp_path / "x.pdf", ResourceLimits(max_file_mb=None, max_seconds=None, max_memory_mb=None))
    budget.check_file_size(10**12)
    budget.check("anywhere")


def test_the_timer_is_disarmed_after_the_document(plan):
    process_file(plan, limits=ResourceLimits(max_seconds=0.3))
    time.sleep(0.6)  # a timer left armed would fire here and fail the test


def test_the_cli_limits_quarantine_a_large_file_and_changing_them_keeps_the_cache(tmp_path, capsys):
    from pipeline.cli import main

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "lao-cai.txt").write_text(plan_text("Lào Cai", "71", TASKS[:3]), encoding="utf-8")
    (inbox / "phu-luc-lon.txt").write_text(plan_text("Lào Cai", "72", TASKS * 400), encoding="utf-8")
    out = tmp_path / "out"
    args = ["run", str(inbox), "--out", str(out), "--overrides", str(tmp_path / "o.json")]
    assert main([*args, "--max-file-mb", "0.1"]) == 1
    printed = capsys.readouterr().out
    assert "phu-luc-lon.txt: file too large" in printed and "the limit is 0.1 MB per document" in printed
    manifest = json.loads((out / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["limits"]["max_file_mb"] == 0.1
    assert {Path(d["path"]).name: d["status"] for d in manifest["documents"]} == {
        "lao-cai.txt": "processed",
        "phu-luc-lon.txt": "failed",
    }
    assert main([*args, "--max-seconds", "900", "--max-memory-mb", "0"]) == 0  # no cap on size now
    manifest = json.loads((out / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert {Path(d["path"]).name: d["status"] for d in manifest["documents"]} == {
        "lao-cai.txt": "cached",  # the limits are not part of the cache key: they never change the records
        "phu-luc-lon.txt": "processed",
    }
    assert manifest["limits"] == {"max_file_mb": 200.0, "max_seconds": 900.0, "max_memory_mb": None}
