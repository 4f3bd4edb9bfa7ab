"""The quality gate's suites on small plans broken on purpose, one rule at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.documents import process_file
from pipeline.quality import QualityReport, check_tables, run_quality_gate
from schemas.records import AgencyRef, PlanRecords
from tests.test_flows import TASKS, plan_text


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> PlanRecords:
    path = tmp_path_factory.mktemp("plan") / "dien-bien.txt"
    path.write_text(plan_text("Điện Biên", "58", TASKS), encoding="utf-8")
    return process_file(path)


def gate(plans: list[PlanRecords], run_dir: Path, previous: dict[str, int] | None = None) -> QualityReport:
    return run_quality_gate(check_tables(plans, previous or {}), run_dir)


def failed(report: QualityReport) -> set[tuple[str, str | None, str]]:
    return {(r.table, r.column, r.expectation) for r in report.critical_failures}


def test_a_clean_plan_passes_and_the_data_docs_show_every_suite(plan, tmp_path):
    report = gate([plan], tmp_path)
    assert report.passed and not report.warnings
    assert report.data_docs is not None
    html = report.data_docs.read_text(encoding="utf-8")
    suites = {"run", "documents", "tasks", "targets", "agency_refs", "row_counts", "completeness"}
    for suite in suites:
        assert suite in html
    assert {r.table for r in report.results} == suites
    # One page per table, readable without the network (the index needs a CDN to list them).
    tasks_page = next(page for page in report.pages if page.parts[-4] == "tasks")
    assert "an open deadline (no due date, not recurring) is flagged for review" in tasks_page.read_text("utf-8")
    assert len(report.pages) == len(suites)


def test_an_open_deadline_that_is_not_flagged_fails_the_gate(plan, tmp_path):
    task = plan.tasks[0]
    hidden = task.model_copy(
        update={"deadline": task.deadline.model_copy(update={"due": None, "kind": "unknown", "needs_review": False})}
    )
    broken = plan.model_copy(update={"tasks": [hidden, *plan.tasks[1:]]})
    assert failed(gate([broken], tmp_path)) == {("tasks", "needs_review", "expect_column_values_to_be_in_set")}
    # A person's decision on it (the record is marked reviewed) makes it acceptable.
    decided = broken.model_copy(update={"tasks": [hidden.model_copy(update={"reviewed": True}), *plan.tasks[1:]]})
    assert gate([decided], tmp_path / "decided").passed


def test_agency_names_must_be_the_registry_s_or_queued(plan, tmp_path):
    task = plan.tasks[1]
    lead = task.lead[0]
    renamed = lead.model_copy(update={"name": lead.name + " mới"})  # resolved, but not a registry name
    unknown = AgencyRef(raw="Trung tâm Điều hành Thông minh", name="Trung tâm Điều hành Thông minh")  # not queued
    edited = task.model_copy(update={"lead": [renamed], "support": [*task.support, unknown]})
    broken = plan.model_copy(update={"tasks": [plan.tasks[0], edited, *plan.tasks[2:]]})
    assert failed(gate([broken], tmp_path)) == {
        ("agency_refs", "registry_name", "expect_column_values_to_be_in_set"),
        ("agency_refs", "queued_or_reviewed", "expect_column_values_to_be_in_set"),
    }


def test_impossible_dates_and_odd_numbering(plan, tmp_path):
    first, second = plan.tasks[0], plan.tasks[1]
    feb30 = first.model_copy(update={"deadline": first.deadline.model_copy(update={"due": "2027-02-30"})})
    far = second.model_copy(update={"deadline": second.deadline.model_copy(update={"due": "2207-12-31"}), "stt": "2a"})
    broken = plan.model_copy(update={"tasks": [feb30, far, *plan.tasks[2:]]})
    report = gate([broken], tmp_path)
    assert failed(report) == {
        ("tasks", "due", "expect_column_values_to_match_strftime_format"),
        ("tasks", "due_year", "expect_column_values_to_be_between"),
    }
    assert {(r.table, r.column) for r in report.warnings} == {("tasks", "stt")}  # reported, not blocking


def test_a_document_without_tasks_needs_its_flag(plan, tmp_path):
    empty = plan.model_copy(update={"tasks": [], "review": [i for i in plan.review if i.field != "tasks"]})
    assert ("documents", "task_count", "expect_column_values_to_be_between") in failed(gate([empty], tmp_path))


def test_the_quality_index_lists_every_validation_and_suite_offline_in_a_browser(plan, tmp_path):
    """Loaded in headless Chromium with the network off, the index links every validation result and every
    suite; the page asks nothing of the network (no script, no stylesheet or image from elsewhere)."""
    from tests.browser import rendered_dom

    report = gate([plan], tmp_path)
    assert report.data_docs is not None and report.pages
    source = report.data_docs.read_text(encoding="utf-8")
    assert "<script" not in source and "http://" not in source and "https://" not in source
    dom = rendered_dom(report.data_docs)
    root = report.data_docs.parent
    for page in report.pages:
        assert f'href="{page.relative_to(root).as_posix()}"' in dom
    suites = sorted((root / "data_docs" / "expectations").glob("*.html"))
    assert len(suites) == len(report.pages)
    for suite in suites:
        assert f'href="{suite.relative_to(root).as_posix()}"' in dom
    assert "Đạt" in dom
    # Great Expectations' own index, offline, links no validation result (its list is built by scripts from CDNs).
    gx_dom = rendered_dom(root / "data_docs" / "index.html")
    assert not any(f'href="{page.relative_to(root / "data_docs").as_posix()}"' in gx_dom for page in report.pages)
