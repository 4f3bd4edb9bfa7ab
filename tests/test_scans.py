"""A scanned plan gives the records its text-layer PDF gives: every row, its group and row numbers (so its id),
its unit, values and agencies, its deadline; no extra row; a person asked about few values.

The plan (``tests/scan_plan.py``) is drawn for these tests with what scans make hard: a two-level targets
header, groups I to IX, a tasks table over four pages with a row broken by a page break and a footnote, a stamp
over the signature and one over a table cell.  It is scanned (``bench.scans``: greyscale, tilted, grain) at the
resolutions offices scan at, and read by OCR (Tesseract; ``make`` installs it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import fuzz

from bench.scans import scan_pdf
from pipeline.build import READ_BY_OCR
from pipeline.documents import process_file
from schemas.records import PlanRecords
from tests.scan_plan import TARGET_PAGES, TASK_PAGES, write_plan


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PlanRecords, dict[int, list[tuple[float, ...]]]]:
    path = tmp_path_factory.mktemp("scan-plan") / "plan.pdf"
    stamps = write_plan(path).stamps
    return path, process_file(path), stamps  # type: ignore[return-value]


@pytest.fixture(scope="module", params=[150, 300], ids=lambda dpi: f"{dpi}dpi")
def scanned(request: pytest.FixtureRequest, drawn) -> PlanRecords:
    path, _, stamps = drawn
    return process_file(scan_pdf(path, path.with_name(f"scan-{request.param}.pdf"), request.param, stamps))


def _data_rows(pages) -> int:
    return sum(1 for page in pages for row in page.rows if len(row) > 2 and row[0])


def test_the_text_layer_reads_the_drawn_plan_whole(drawn):
    _, text, _ = drawn
    assert len(text.targets) == _data_rows(TARGET_PAGES) and len(text.tasks) == _data_rows(TASK_PAGES)
    assert [target.group for target in text.targets][-1] == "IX"
    assert text.document.complete and not text.document.ocr


def test_a_scan_gives_every_row_with_the_same_numbers_and_ids(drawn, scanned):
    _, text, _ = drawn
    assert scanned.document.ocr and scanned.document.plan_key == text.document.plan_key
    assert [t.target_id for t in scanned.targets] == [t.target_id for t in text.targets]
    assert [(t.group, t.stt) for t in scanned.targets] == [(t.group, t.stt) for t in text.targets]
    assert [t.task_id for t in scanned.tasks] == [t.task_id for t in text.tasks]  # the broken row joined
    assert scanned.document.complete, [finding.message for finding in scanned.document.completeness]


def test_a_scan_gives_each_targets_unit_values_and_tracking_agencies(drawn, scanned):
    _, text, _ = drawn
    for read, truth in zip(scanned.targets, text.targets, strict=True):
        assert fuzz.ratio(read.indicator, truth.indicator) >= 90, (read.indicator, truth.indicator)
        assert read.unit == truth.unit  # the columns after the indicator, under the two-level header
        assert [value.raw for value in read.values] == [value.raw for value in truth.values]
        assert [ref.name for ref in read.tracking_agencies] == [ref.name for ref in truth.tracking_agencies]


def test_a_scan_gives_each_tasks_agencies_and_deadline(drawn, scanned):
    _, text, _ = drawn
    for read, truth in zip(scanned.tasks, text.tasks, strict=True):
        assert fuzz.ratio(read.task, truth.task) >= 90, (read.task, truth.task)
        assert [ref.name for ref in read.lead] == [ref.name for ref in truth.lead]
        assert [ref.name for ref in read.support] == [ref.name for ref in truth.support]
        understood = (read.deadline.kind, read.deadline.due) == (truth.deadline.kind, truth.deadline.due)
        # a deadline OCR misread so that it means something else is never published as understood
        assert understood or read.deadline.needs_review, (read.deadline_raw, truth.deadline_raw)


def test_a_person_is_asked_only_where_ocr_was_unsure(drawn, scanned):
    _, text, _ = drawn
    truth = {task.task_id: task for task in text.tasks}
    flagged = {item.record_id for item in scanned.review if READ_BY_OCR in item.reason}

    def read_right(task) -> bool:
        expected = truth.get(task.task_id)
        return expected is not None and (task.deadline_raw, [ref.raw for ref in task.lead + task.support]) == (
            expected.deadline_raw,
            [ref.raw for ref in expected.lead + expected.support],
        )

    right = {task.task_id for task in scanned.tasks if read_right(task)}
    assert len(flagged & right) <= len(scanned.tasks) / 4
    assert all(task.ocr and task.ocr_confidence is not None for task in scanned.tasks)
