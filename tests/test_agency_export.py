"""`vnplan export agencies`: one workbook per agency of each province, on new small plans."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from pipeline.agency_export import COLLECTIVE_WORKBOOK, safe_name
from pipeline.cli import main
from pipeline.due_status import due_status as status
from pipeline.run import RunResult, run
from tests.test_flows import TASKS, plan_text

COLLECTIVE_TASK = "Rà soát danh mục dịch vụ công trực tuyến\tSở Y tế\tCác sở, ban, ngành\tTháng 8/2027\tDanh mục"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunResult]:
    folder = tmp_path_factory.mktemp("export")
    inbox = folder / "inbox"
    inbox.mkdir()
    (inbox / "bac-ninh.txt").write_text(plan_text("Bắc Ninh", "64", [*TASKS, COLLECTIVE_TASK]), encoding="utf-8")
    (inbox / "ca-mau.txt").write_text(plan_text("Cà Mau", "12", TASKS[1:3]), encoding="utf-8")
    result = run([inbox], folder / "out")
    assert result.published
    books = folder / "books"
    assert (
        main(["export", "agencies", "--dataset", str(folder / "out"), "--out", str(books), "--as-of", "2027-07-15"])
        == 0
    )
    return books, result


def _rows(path: Path, sheet: str) -> list[dict[str, object]]:
    book = openpyxl.load_workbook(path, read_only=True)
    values = list(book[sheet].iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


def test_each_agency_s_workbook_holds_exactly_the_tasks_it_leads_and_supports(exported) -> None:
    books, result = exported
    expected: dict[tuple[str, str, str], set[str]] = {}
    for plan in result.plans:
        for task in plan.tasks:
            for sheet, refs in (("Chủ trì", task.lead), ("Phối hợp", task.support)):
                for ref in refs:
                    if not ref.collective:
                        expected.setdefault((plan.document.province or "", ref.name, sheet), set()).add(task.task)
    assert expected
    for (province, agency, sheet), tasks in expected.items():
        path = books / safe_name(province) / f"{safe_name(agency)}.xlsx"
        assert {row["Nhiệm vụ"] for row in _rows(path, sheet)} == tasks, (province, agency, sheet)
    named = {(province, agency) for province, agency, _ in expected}
    files = {(path.parent.name, path.stem) for path in books.rglob("*.xlsx") if path.stem != COLLECTIVE_WORKBOOK}
    assert files == {(safe_name(p), safe_name(a)) for p, a in named}


def test_collective_assignments_have_their_own_workbook(exported) -> None:
    books, _ = exported
    collective = books / "Bắc Ninh" / f"{COLLECTIVE_WORKBOOK}.xlsx"
    rows = _rows(collective, "Phối hợp")
    assert [row["Nhiệm vụ"] for row in rows] == ["Rà soát danh mục dịch vụ công trực tuyến"]
    assert not any("Các sở" in path.stem for path in books.rglob("*.xlsx"))
    lead = _rows(books / "Bắc Ninh" / "Sở Y tế.xlsx", "Chủ trì")
    assert {row["Nhiệm vụ"] for row in lead} >= {"Rà soát danh mục dịch vụ công trực tuyến"}
    assert not (books / "Cà Mau" / f"{COLLECTIVE_WORKBOOK}.xlsx").exists()


def test_rows_are_sorted_by_due_date_with_their_status_and_printable(exported) -> None:
    books, _ = exported
    for path in books.rglob("*.xlsx"):
        for sheet in ("Chủ trì", "Phối hợp"):
            dues = [str(row["Hạn (ngày)"]) for row in _rows(path, sheet) if row["Hạn (ngày)"]]
            assert dues == sorted(dues), path
    book = openpyxl.load_workbook(books / "Bắc Ninh" / "Sở Tư pháp.xlsx")
    sheet = book["Chủ trì"]
    assert sheet.freeze_panes == "A2" and sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4)
    # 60 characters wide, stored as Excel stores it (with the cell padding)
    assert 60 <= sheet.column_dimensions["D"].width < 61 and sheet["D2"].alignment.wrap_text
    assert sheet.print_title_rows in ("1:1", "$1:$1") and sheet["A1"].font.bold
    # fitted to one page wide: fitToWidth left out means 1, its default in the file format
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth in (None, 1, "1")
    assert sheet.page_setup.fitToHeight in (0, "0")
    assert sheet.oddHeader.center.text == "Sở Tư pháp – Bắc Ninh – tình trạng tính đến 2027-07-15"
    assert sheet["H2"].value == "Quá hạn"  # Quý II/2027, as of 15 July 2027


def test_status_as_of_a_date() -> None:
    day = dt.date(2027, 7, 15)
    assert status("2027-06-30", "quarter", day) == "Quá hạn"
    assert status("2027-09-30", "quarter", day) == "Đến hạn trong 90 ngày"
    assert status("2028-12-31", "year", day) == "Còn hạn"
    assert status(None, "conditional", day) == "Không có ngày cụ thể (conditional)"


def test_names_are_safe_for_every_file_system() -> None:
    assert safe_name('Sở A/B: "C"?') == "Sở A-B- -C-"
    assert safe_name("...") == "-"
