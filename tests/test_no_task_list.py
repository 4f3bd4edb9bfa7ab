"""A document in which no task list is found is never silently published as "no tasks"."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.cli import main
from pipeline.review import ImportResult, export_review, import_review
from pipeline.run import run
from tests.test_review import _fill_xlsx

NO_TASK_LIST = """UBND TỈNH KON TUM

Số: 7/KH-UBND

Kon Tum, ngày 02 tháng 4 năm 2027

## KẾ HOẠCH

### Tuyên truyền về chuyển đổi số năm 2027

I. MỤC ĐÍCH, YÊU CẦU

- Nâng cao nhận thức của người dân về dịch vụ công trực tuyến.

II. TỔ CHỨC THỰC HIỆN

- Sở Văn hóa, Thể thao và Du lịch hướng dẫn các cơ quan báo chí tuyên truyền.
"""

WITH_TASKS = """UBND TỈNH KON TUM

Số: 8/KH-UBND

Kon Tum, ngày 03 tháng 4 năm 2027

## KẾ HOẠCH

### Số hóa hồ sơ năm 2027

II. NHIỆM VỤ CỤ THỂ VÀ PHÂN CÔNG THỰC HIỆN

1. Sở Nội vụ

- Số hóa hồ sơ cán bộ, công chức.

+ Tiến độ: Tháng 10/2027.
"""


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "tuyen-truyen.txt").write_text(NO_TASK_LIST, encoding="utf-8")
    (inbox / "so-hoa.txt").write_text(WITH_TASKS, encoding="utf-8")
    return inbox


def test_the_run_warns_and_queues_a_document_row(tmp_path, capsys):
    inbox = _inbox(tmp_path)
    out = tmp_path / "out"
    code = main(["run", str(inbox), "--out", str(out), "--overrides", str(tmp_path / "overrides.json")])
    printed = capsys.readouterr().out
    assert code == 0  # a warning, not a failure: the document's other records are published
    assert "WARNING" in printed and "tuyen-truyen.txt: no task list found" in printed
    assert "so-hoa.txt" not in "".join(line for line in printed.splitlines() if line.startswith("WARNING"))
    manifest = json.loads((out / "current" / "manifest.json").read_text(encoding="utf-8"))
    (warning,) = manifest["warnings"]
    assert warning["path"].endswith("tuyen-truyen.txt")
    plans = [json.loads(path.read_text(encoding="utf-8")) for path in (out / "current" / "json").glob("*.json")]
    (empty,) = [plan for plan in plans if plan["document"]["source_path"].endswith("tuyen-truyen.txt")]
    (row,) = [item for item in empty["review"] if item["subject"] == "document"]
    assert (row["record_id"], row["field"], row["raw"]) == (empty["document"]["plan_key"], "completeness", "no_tasks")
    assert empty["document"]["complete"] is False
    (other,) = [plan for plan in plans if plan is not empty]
    assert [task["source"] for task in other["tasks"]] == ["section"]
    assert all(item["subject"] != "document" for item in other["review"])


def _review(tmp_path: Path, decision: dict[str, object]) -> tuple[Path, Path, ImportResult]:
    """Run, export the review sheet, decide the document row with ``decision``, import it."""
    inbox, out, overrides = _inbox(tmp_path), tmp_path / "out", tmp_path / "state" / "overrides.json"
    run([inbox], out, overrides=overrides)
    sheet = tmp_path / "review.xlsx"
    export_review(out, sheet)
    _fill_xlsx(sheet, {"completeness": decision})
    return inbox, overrides, import_review(sheet, overrides)


def test_an_accepted_document_row_leaves_the_queue_on_the_next_run(tmp_path):
    inbox, overrides, result = _review(tmp_path, {"decision": "accept", "note": "a communication plan: no tasks"})
    assert result.stored == 1 and not result.errors
    rerun = run([inbox], tmp_path / "out", overrides=overrides)
    assert rerun.warnings == [] and rerun.stale_overrides == []
    assert rerun.overrides_applied == 1


def test_a_document_row_cannot_be_corrected(tmp_path):
    _, _, result = _review(tmp_path, {"decision": "correct", "correct_name": "Sở Nội vụ"})
    assert result.stored == 0
    (error,) = result.errors
    assert "can only be accepted" in str(error)
