"""`vnplan query`: SQL over a published dataset, on a new small plan's run."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.run import RunResult, run
from tests.test_flows import TASKS, plan_text


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunResult]:
    folder = tmp_path_factory.mktemp("query")
    inbox = folder / "inbox"
    inbox.mkdir()
    (inbox / "cao-bang.txt").write_text(plan_text("Cao Bằng", "41", TASKS), encoding="utf-8")
    (inbox / "tay-ninh.txt").write_text(plan_text("Tây Ninh", "77", TASKS[:2]), encoding="utf-8")
    out = folder / "out"
    result = run([inbox], out)
    assert result.published
    return out, result


def _query(out: Path, sql: str, form: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["query", "--dataset", str(out), "--format", form, sql]) == 0
    return capsys.readouterr().out


def test_tasks_per_lead_agency_equal_the_records(published, capsys) -> None:
    out, result = published
    sql = "SELECT name, count(*) AS tasks FROM agency_refs WHERE role = 'lead' GROUP BY name ORDER BY name"
    rows = json.loads(_query(out, sql, "json", capsys))
    expected = Counter(ref.name for plan in result.plans for task in plan.tasks for ref in task.lead)
    assert {row["name"]: row["tasks"] for row in rows} == dict(expected)


def test_agency_refs_hold_every_lead_support_and_tracking_agency(published, capsys) -> None:
    out, result = published
    text = _query(out, "SELECT role, count(*) AS refs FROM agency_refs GROUP BY role ORDER BY role", "csv", capsys)
    counts = {row["role"]: int(row["refs"]) for row in csv.DictReader(io.StringIO(text))}
    tasks = [task for plan in result.plans for task in plan.tasks]
    targets = [target for plan in result.plans for target in plan.targets]
    assert counts.get("lead", 0) == sum(len(task.lead) for task in tasks) > 0
    assert counts.get("support", 0) == sum(len(task.support) for task in tasks) > 0
    assert counts.get("tracking", 0) == sum(len(target.tracking_agencies) for target in targets)


def test_the_table_form_aligns_the_columns_and_counts_the_rows(published, capsys) -> None:
    out, _ = published
    text = _query(out, "SELECT province, doc_number FROM documents ORDER BY province", "table", capsys)
    lines = text.rstrip("\n").splitlines()
    assert lines[0].split() == ["province", "doc_number"]
    assert lines[-1] == "(2 rows)"
    assert [line.split()[0] for line in lines[2:-1]] == ["Cao", "Tây"]


def test_a_bad_query_or_folder_is_one_line_and_exit_2(published, tmp_path, capsys) -> None:
    out, _ = published
    assert main(["query", "--dataset", str(out), "SELECT nothing FROM tasks"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("vnplan query: ") and len(error.splitlines()) == 1 and "nothing" in error
    assert main(["query", "--dataset", str(tmp_path), "SELECT 1"]) == 2
    assert "no published dataset here" in capsys.readouterr().err
