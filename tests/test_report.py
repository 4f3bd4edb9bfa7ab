"""The run report (report.html) on new small plans: what it says, that it stays on the machine, how a browser
draws it, and ``vnplan report``."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import html as lxml_html

from pipeline.cli import main, summary_table
from pipeline.report_data import ReportSettings, Series, _quarters, gather
from pipeline.report_html import vn_date
from pipeline.report_refresh import REPORT_NAME, report_date, today_in_vietnam
from pipeline.run import RunResult, run
from pipeline.runs import current_run
from tests.plan_forms import sample_plan, write_tab_text
from tests.test_flows import TASKS, plan_text

AS_OF = dt.date(2027, 7, 15)
CONDITIONAL_TASK = (
    "Cập nhật dữ liệu hộ tịch lên hệ thống\tSở Tư pháp\tCông an tỉnh\tKhi hệ thống được nâng cấp\tDữ liệu cập nhật"
)
EARLY_TASK = "Khảo sát hiện trạng dữ liệu\tSở Khoa học và Công nghệ\tCác sở, ban, ngành\tTháng 3/2027\tBáo cáo khảo sát"


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunResult]:
    folder = tmp_path_factory.mktemp("report")
    inbox = folder / "inbox"
    inbox.mkdir()
    plan = sample_plan()
    write_tab_text(plan, inbox / "quang-tri.txt")
    held = type(plan)([line.replace("188/KH-UBND", "191/KH-UBND") for line in plan.preamble], [plan.tables[1]])
    write_tab_text(held, inbox / "without-targets.txt")  # refers to a Phụ lục I it does not hold: held back
    (inbox / "lang-son.txt").write_text(
        plan_text("Lạng Sơn", "31", [*TASKS, CONDITIONAL_TASK, EARLY_TASK]), encoding="utf-8"
    )
    (inbox / "ha-giang.txt").write_text(plan_text("Hà Giang", "8", TASKS[1:3]), encoding="utf-8")
    (inbox / "damaged.pdf").write_bytes(b"%PDF-1.7\nnot a pdf at all")
    out = folder / "out"
    result = run([inbox], out)
    assert result.published and len(result.plans) == 3 and len(result.held_back) == 1 and len(result.failures) == 1
    return out, result


def _page(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(path.read_text(encoding="utf-8"))


def _table(page: lxml_html.HtmlElement, ident: str) -> list[dict[str, str]]:
    tables = page.xpath(f'//table[@id="{ident}"]')
    if not tables:
        return []
    header = [cell.text_content().strip() for cell in tables[0].xpath("./thead/tr/th")]
    return [
        dict(zip(header, (cell.text_content().strip() for cell in row.xpath("./td")), strict=True))
        for row in tables[0].xpath("./tbody/tr")
    ]


def _as_of_report(out: Path, tmp_path: Path) -> Path:
    target = tmp_path / "as-of.html"
    assert main(["report", "--dataset", str(out), "--as-of", AS_OF.isoformat(), "--out", str(target)]) == 0
    return target


def _due(task_due: str | None) -> dt.date | None:
    return dt.date.fromisoformat(task_due) if task_due else None


# -- published with every run ---------------------------------------------------------------------------------


def test_every_run_publishes_its_report_beside_the_dataset(reported) -> None:
    out, result = reported
    run_dir = current_run(out)
    assert run_dir is not None and result.report == run_dir / REPORT_NAME
    assert (out / "current" / REPORT_NAME).read_bytes() == result.report.read_bytes()
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report"] == REPORT_NAME and manifest["report_error"] is None
    assert f"report: {result.report}" in summary_table(result)
    assert report_date(result.report) == today_in_vietnam()


def test_the_report_is_self_contained_and_its_links_resolve(reported) -> None:
    out, _ = reported
    report = out / "current" / REPORT_NAME
    page = _page(report)
    assert not page.xpath("//script | //link | //iframe | //object | //embed")
    text = report.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", text)
    assert "@import" not in text and "url(http" not in text
    ids = set(page.xpath("//@id"))
    assert len(ids) == len(page.xpath("//@id")), "an id is used twice"
    targets = page.xpath("//a/@href | //*[local-name()='use']/@*[local-name()='href']")
    links = [href for href in targets if not href.startswith("#")]
    assert {Path(href).name for href in links} == {"index.html", "review_queue.csv"}
    for href in links:
        assert (report.parent / href).is_file(), href
    for anchor in (href[1:] for href in targets if href.startswith("#")):
        assert anchor in ids, anchor


def test_the_plan_table_shows_every_document_of_the_run(reported) -> None:
    out, result = reported
    page = _page(out / "current" / REPORT_NAME)
    rows = _table(page, "plans")
    by_file = {row["Tệp"]: row for row in rows}
    for plan in result.plans:
        row = by_file[Path(plan.document.source_path).name]
        assert row["Tỉnh, thành phố"] == plan.document.province
        assert int(row["Chỉ tiêu"]) == len(plan.targets) and int(row["Nhiệm vụ"]) == len(plan.tasks)
        assert int(row["Cần rà soát"]) == len(plan.review)
        vague = sum(1 for task in plan.tasks if task.deadline.kind in ("conditional", "unknown"))
        assert int(row["Thời hạn chưa rõ"]) == vague
    assert by_file["lang-son.txt"]["Thời hạn chưa rõ"] == "1"
    assert by_file["without-targets.txt"]["Đầy đủ"].startswith("Giữ lại, chưa công bố")
    assert "Phụ lục I" in by_file["without-targets.txt"]["Đầy đủ"]
    assert len(rows) == 4
    failures = page.xpath('//h2[@id="loi"]/following-sibling::ul[1]/li')
    assert any("damaged.pdf" in item.text_content() for item in failures)


def test_the_chart_numbers_equal_the_records(reported) -> None:
    out, result = reported
    page = _page(out / "current" / REPORT_NAME)

    def totals(ident: str) -> dict[str, int]:
        return {row[next(iter(row))]: int(row["Cộng"]) for row in _table(page, ident)}

    tasks = [task for plan in result.plans for task in plan.tasks]
    leads = Counter(name for task in tasks for name in {ref.name for ref in task.lead})
    assert totals("data-co-quan-chu-tri") == dict(leads)
    tracking = Counter(
        name for plan in result.plans for target in plan.targets for name in {r.name for r in target.tracking_agencies}
    )
    assert totals("data-co-quan-theo-doi") == dict(tracking) and tracking
    quarters = Counter(
        f"{['I', 'II', 'III', 'IV'][(day.month - 1) // 3]}/{day.year}"
        for day in (_due(task.deadline.due) for task in tasks)
        if day
    )
    assert {k: v for k, v in totals("data-han-theo-quy").items() if v} == dict(quarters)
    shares = totals("data-loai-thoi-han")
    assert sorted(shares.values()) == sorted(len(plan.tasks) for plan in result.plans)


def test_the_due_tables_hold_exactly_the_tasks_due_soon_and_past_due(reported, tmp_path) -> None:
    out, result = reported
    page = _page(_as_of_report(out, tmp_path))
    tasks = [task for plan in result.plans for task in plan.tasks]
    dated = [(task, _due(task.deadline.due)) for task in tasks if task.deadline.due]
    soon = [(t.task, d) for t, d in dated if d and AS_OF <= d <= AS_OF + dt.timedelta(days=90)]
    past = [(t.task, d) for t, d in dated if d and d < AS_OF]
    assert soon and past

    def shown(ident: str) -> list[tuple[str, dt.date]]:
        return [(row["Nhiệm vụ"], dt.datetime.strptime(row["Hạn"], "%d/%m/%Y").date()) for row in _table(page, ident)]

    assert sorted(shown("due-soon")) == sorted(soon)
    assert [day for _, day in shown("due-soon")] == sorted(day for _, day in soon)
    assert sorted(shown("past-due")) == sorted(past)
    assert [day for _, day in shown("past-due")] == sorted((day for _, day in past), reverse=True)
    assert {row["Tình trạng"] for row in _table(page, "past-due")} == {"Quá hạn"}
    early = [row for row in _table(page, "past-due") if row["Nhiệm vụ"] == "Khảo sát hiện trạng dữ liệu"]
    assert early and early[0]["Cơ quan chủ trì"] == "Sở Khoa học và Công nghệ"
    assert early[0]["Kế hoạch"].startswith("Lạng Sơn")


def test_the_report_is_drawn_by_a_browser_without_the_network(reported) -> None:
    from tests.browser import drawn_boxes

    out, _ = reported
    boxes, rendered = drawn_boxes(out / "current" / REPORT_NAME)
    charts = [box for box in boxes if str(box["id"] or "").startswith("chart-")]
    assert {box["id"] for box in charts} == {
        "chart-co-quan-chu-tri",
        "chart-han-theo-quy",
        "chart-loai-thoi-han",
        "chart-co-quan-theo-doi",
    }
    for box in charts:
        assert float(box["width"]) > 300 and float(box["height"]) > 100, box  # type: ignore[arg-type]
    assert rendered.requests == []
    assert "Sở Tư pháp" in rendered.dom  # the labels are text in the page, drawn by the browser


# -- vnplan report --------------------------------------------------------------------------------------------


def test_vnplan_report_writes_a_page_elsewhere_with_links_to_the_run(reported, tmp_path, capsys) -> None:
    out, _ = reported
    target = tmp_path / "elsewhere" / "r.html"
    target.parent.mkdir()
    assert main(["report", "--dataset", str(out), "--out", str(target), "--as-of", "2027-01-02"]) == 0
    assert f"report: {target} (deadlines as of 2027-01-02)" in capsys.readouterr().out
    assert report_date(target) == dt.date(2027, 1, 2)
    page = _page(target)
    links = [href for href in page.xpath("//a/@href") if not href.startswith("#")]
    assert len(links) == 2 and all((target.parent / href).resolve().is_file() for href in links)
    assert "02/01/2027" in page.text_content()


def test_vnplan_report_refuses_bad_input_in_one_line(reported, tmp_path, capsys) -> None:
    out, _ = reported
    assert main(["report", "--dataset", str(out), "--as-of", "15/07/2027"]) == 2
    assert "vnplan report: --as-of '15/07/2027' is not a date (YYYY-MM-DD)" in capsys.readouterr().err
    assert main(["report", "--dataset", str(tmp_path)]) == 2
    assert f"vnplan report: {tmp_path}: no published dataset here" in capsys.readouterr().err


def test_a_run_whose_report_cannot_be_drawn_still_publishes_and_says_why(tmp_path, monkeypatch) -> None:
    import pipeline.report

    def broken(*args: object, **kwargs: object) -> Path:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(pipeline.report, "write_report", broken)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "plan.txt").write_text(plan_text("Sơn La", "5", TASKS[:2]), encoding="utf-8")
    result = run([inbox], tmp_path / "out")
    assert result.published and result.report is None and result.report_error == "RuntimeError: no fonts"
    assert "WARNING no report.html: RuntimeError: no fonts (the dataset is not affected)" in summary_table(result)
    manifest = json.loads((tmp_path / "out" / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["report"] is None and manifest["report_error"] == "RuntimeError: no fonts"


def test_a_run_with_nothing_new_redraws_a_report_of_another_day_only(tmp_path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "plan.txt").write_text(plan_text("Điện Biên", "17", TASKS[1:]), encoding="utf-8")
    assert run([inbox], out).published
    report = out / "current" / REPORT_NAME
    before = report.stat().st_mtime_ns
    again = run([inbox], out)
    assert again.unchanged_since and again.report == current_run(out) / REPORT_NAME  # type: ignore[operator]
    assert report.stat().st_mtime_ns == before  # same day: not redrawn
    report.write_text(report.read_text(encoding="utf-8").replace(f'data-as-of="{today_in_vietnam()}"',
                      'data-as-of="2026-01-01"'), encoding="utf-8")  # fmt: skip
    assert report_date(report) == dt.date(2026, 1, 1)
    third = run([inbox], out)
    assert third.unchanged_since and report_date(report) == today_in_vietnam()


# -- many plans, many series ----------------------------------------------------------------------------------


def test_past_a_dozen_plans_the_charts_go_by_province_and_the_plans_fold_away(reported, tmp_path) -> None:
    out, result = reported
    run_dir = current_run(out)
    assert run_dir is not None
    data = gather(run_dir, AS_OF, ReportSettings(plans_as_series_up_to=1))
    provinces = {plan.document.province for plan in result.plans}
    assert data.series_by == "tỉnh" and set(data.lead_agencies.series) == provinces
    assert sum(row.tasks for row in data.provinces) == sum(len(p.tasks) for p in [*result.plans, *result.held_back])
    assert [row.held_back for row in data.provinces if row.held_back] == [1]
    assert set(data.deadline_shares.categories) == provinces


def test_series_beyond_the_limit_are_drawn_together_in_every_chart(reported) -> None:
    out, result = reported
    run_dir = current_run(out)
    assert run_dir is not None
    data = gather(run_dir, AS_OF, ReportSettings(max_series=2))
    biggest = max(result.plans, key=lambda plan: len(plan.tasks) + len(plan.targets))
    for counts in (data.lead_agencies, data.due_quarters, data.tracking_agencies):
        assert list(counts.series)[1] == "Khác" and len(counts.series) == 2
        assert next(iter(counts.series)).startswith(biggest.document.province or "")
    everything = gather(run_dir, AS_OF)
    assert data.lead_agencies.total() == everything.lead_agencies.total()
    assert data.due_quarters.category_totals() == everything.due_quarters.category_totals()


def test_quarters_run_without_gaps_and_dates_read_the_vietnamese_way() -> None:
    series = Series.ranked({"A": 3, "B": 1}, 8)
    counts = _quarters([("A", "2027|1", 2), ("B", "2027|4", 1), ("A", "2028|1", 1)], series)
    assert counts.categories == ["I/2027", "II/2027", "III/2027", "IV/2027", "I/2028"]
    assert counts.series == {"A": [2, 0, 0, 0, 1], "B": [0, 0, 0, 1, 0]}
    assert vn_date("2027-09-30") == "30/09/2027" and vn_date("Quý III") == "Quý III"


def test_the_report_is_the_same_for_the_same_data(reported, tmp_path) -> None:
    out, _ = reported
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    for target in (first, second):
        assert main(["report", "--dataset", str(out), "--as-of", "2027-03-01", "--out", str(target)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert os.path.getsize(first) < 2_000_000
