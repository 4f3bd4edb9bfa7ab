"""The Prefect flow: cross-run caching, quarantine, the quality gate, run folders and the current pointer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pipeline.flows as flows
import pipeline.unchanged as unchanged
from pipeline.cli import main
from pipeline.overrides import Override, save_overrides
from pipeline.run import RunResult, run
from pipeline.runs import current_run
from pipeline.versions import PipelineVersion, digest_files, tree_files
from schemas.records import PlanRecords

HEADER = "STT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian thực hiện\tKết quả, sản phẩm"
TASKS = [
    "Số hóa hồ sơ hộ tịch\tSở Tư pháp\tCông an tỉnh\tQuý II/2027\tKho dữ liệu hộ tịch",
    "Kết nối cơ sở dữ liệu đất đai\tSở Nông nghiệp và Môi trường\tSở Tài chính\tTháng 9/2027\tDữ liệu được kết nối",
    "Tập huấn kỹ năng số cho cán bộ\tSở Nội vụ\tSở Khoa học và Công nghệ\tNăm 2028\tLớp tập huấn",
    "Triển khai thanh toán không dùng tiền mặt\tSở Y tế\tNgân hàng Nhà nước\tTháng 12/2027\tBáo cáo kết quả",
]


def plan_text(
    province: str,
    number: str,
    tasks: list[str],
    *,
    header: str = HEADER,
    subject: str = "Ứng dụng dữ liệu dân cư giai đoạn 2027 - 2030",
    issued: str = "12 tháng 5 năm 2027",
    group: str = "Dữ liệu số",
) -> str:
    """A small plan of ``province`` whose appendix assigns ``tasks`` (tab-separated cells after the STT)."""
    rows = "\n".join(f"{i}.\t{task}" for i, task in enumerate(tasks, start=1))
    return f"""UBND TỈNH {province.upper()}

Số: {number}/KH-UBND

{province}, ngày {issued}

## KẾ HOẠCH

### {subject} trên địa bàn tỉnh {province}

**Phụ lục**
**DANH MỤC NHIỆM VỤ**

{header}
<b>I</b>\t<b>{group}</b>\t\t\t\t
{rows}
"""


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "lai-chau.txt").write_text(plan_text("Lai Châu", "41", TASKS), encoding="utf-8")
    (folder / "ca-mau.txt").write_text(plan_text("Cà Mau", "77", TASKS[:3]), encoding="utf-8")
    return folder


def statuses(result: RunResult) -> dict[str, str]:
    return {Path(outcome.path).name: outcome.status for outcome in result.documents}


def published_tasks(out: Path) -> dict[str, list[str]]:
    """Plan key → task texts of the dataset ``out/current`` points at."""
    plans = [PlanRecords.model_validate_json(p.read_text(encoding="utf-8")) for p in (out / "current/json").glob("*")]
    return {plan.document.plan_key: [task.task for task in plan.tasks] for plan in plans}


def test_a_forced_rerun_with_no_change_takes_every_document_from_the_cache(tmp_path, inbox, capsys):
    out = tmp_path / "out"
    first = run([inbox], out)
    assert statuses(first) == {"lai-chau.txt": "processed", "ca-mau.txt": "processed"}
    assert first.published and sorted(len(t) for t in published_tasks(out).values()) == [3, 4]

    command = ["run", str(inbox), "--out", str(out), "--force"]
    assert main(command) == 0
    printed = capsys.readouterr().out
    assert "0 document(s) processed, 2 unchanged (from the cache), 0 failed" in printed
    manifest = json.loads((out / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert current_run(out) != first.run_dir  # a new dataset, republished
    assert (manifest["summary"]["processed"], manifest["summary"]["cached"]) == (0, 2)
    assert {d["status"] for d in manifest["documents"]} == {"cached"}
    assert sorted(len(t) for t in published_tasks(out).values()) == [3, 4]


def test_a_rerun_with_nothing_changed_only_records_that(tmp_path, inbox, capsys):
    out = tmp_path / "out"
    first = run([inbox], out)
    published = json.loads((out / "current" / "manifest.json").read_text(encoding="utf-8"))

    assert main(["run", str(inbox), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"nothing changed since run {first.run_dir.name}" in printed and "--force" in printed
    assert current_run(out) == first.run_dir  # the same dataset stays published
    (record,) = [p for p in (out / "runs").iterdir() if p != first.run_dir]
    assert [p.name for p in record.iterdir()] == ["manifest.json"]
    manifest = json.loads((record / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["status"], manifest["same_as"]) == ("unchanged", first.run_dir.name)
    assert manifest["input_fingerprint"] == published["input_fingerprint"]
    assert {d["status"] for d in manifest["documents"]} == {"unchanged"}
    summary = manifest["summary"]
    assert (summary["unchanged"], summary["processed"], summary["cached"]) == (2, 0, 0)
    assert (summary["plans"], summary["tasks"]) == (published["summary"]["plans"], published["summary"]["tasks"])


def test_a_changed_setting_or_a_renamed_file_is_a_change(tmp_path, inbox):
    from extractors.limits import ResourceLimits

    out = tmp_path / "out"
    run([inbox], out)
    assert run([inbox], out).unchanged_since is not None
    assert run([inbox], out, limits=ResourceLimits(max_seconds=300)).unchanged_since is None
    (inbox / "ca-mau.txt").rename(inbox / "ca-mau-2027.txt")
    renamed = run([inbox], out)
    assert renamed.unchanged_since is None
    assert statuses(renamed) == {"lai-chau.txt": "cached", "ca-mau-2027.txt": "processed"}


def test_a_published_run_with_a_failure_is_always_run_again(tmp_path, inbox):
    out = tmp_path / "out"
    (inbox / "notes.xlsx").write_bytes(b"not a workbook")
    first = run([inbox], out)
    assert first.published and first.failures
    again = run([inbox], out)
    assert again.unchanged_since is None and statuses(again)["notes.xlsx"] == "failed"


def test_quiet_nights_do_not_push_earlier_datasets_out(tmp_path, inbox):
    out = tmp_path / "out"
    datasets = [run([inbox], out, keep_runs=2, force=True).run_dir for _ in range(2)]
    for _ in range(3):
        assert run([inbox], out, keep_runs=2).unchanged_since == datasets[-1].name
    kept = sorted(p.name for p in (out / "runs").iterdir())
    records = [name for name in kept if name not in {d.name for d in datasets}]
    assert {d.name for d in datasets} <= set(kept) and len(records) == 2


def test_changing_one_document_reprocesses_only_it(tmp_path, inbox):
    out = tmp_path / "out"
    run([inbox], out)
    (inbox / "ca-mau.txt").write_text(plan_text("Cà Mau", "77", TASKS), encoding="utf-8")
    again = run([inbox], out)
    assert statuses(again) == {"lai-chau.txt": "cached", "ca-mau.txt": "processed"}
    assert sorted(len(t) for t in published_tasks(out).values()) == [4, 4]


def test_changing_the_overrides_reprocesses_everything(tmp_path, inbox):
    out, overrides = tmp_path / "out", tmp_path / "state" / "overrides.json"
    first = run([inbox], out, overrides=overrides)
    task = first.plans[0].tasks[0]
    decision = Override(
        record_id=task.task_id,
        field="deadline",
        raw=task.deadline_raw or "",
        subject="deadline",
        decision="accept",
        decided_at="2027-06-01T00:00:00+00:00",
    )
    save_overrides(overrides, [decision])
    again = run([inbox], out, overrides=overrides)
    assert set(statuses(again).values()) == {"processed"}
    assert run([inbox], out, overrides=overrides, force=True).version == again.version  # and then it is stable
    assert set(statuses(run([inbox], out, overrides=overrides, force=True)).values()) == {"cached"}


def test_changing_the_rules_reprocesses_everything(tmp_path, inbox, monkeypatch):
    out = tmp_path / "out"
    run([inbox], out)
    current = unchanged.pipeline_version  # the run's inputs, fingerprint included, are gathered there

    def edited_registry(overrides: Path | None) -> PipelineVersion:
        version = current(overrides)
        return PipelineVersion(version.code, "another registry", version.overrides)

    monkeypatch.setattr(unchanged, "pipeline_version", edited_registry)
    assert set(statuses(run([inbox], out)).values()) == {"processed"}


def test_the_rules_hash_follows_every_rule_file(tmp_path):
    rules = tmp_path / "data"
    rules.mkdir()
    (rules / "agencies.yaml").write_text("agencies: []\n", encoding="utf-8")
    (rules / "notes.txt").write_text("not a rule file", encoding="utf-8")
    before = digest_files(tree_files({"normalizers": rules}, ".yaml"))
    (rules / "notes.txt").write_text("changed, but not a rule file", encoding="utf-8")
    assert digest_files(tree_files({"normalizers": rules}, ".yaml")) == before
    (rules / "agencies.yaml").write_text("agencies: [{id: so-moi}]\n", encoding="utf-8")
    assert digest_files(tree_files({"normalizers": rules}, ".yaml")) != before


def test_a_corrupt_file_is_quarantined_and_the_rest_published(tmp_path, inbox):
    corrupt = inbox / "scan.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\n" + b"\x8f\x00" * 50)
    original = corrupt.read_bytes()
    out = tmp_path / "out"
    result = run([inbox], out)
    assert statuses(result)["scan.pdf"] == "failed"
    (failure,) = result.failures
    assert failure.path == str(corrupt) and failure.quarantined is not None
    copy = Path(failure.quarantined)
    assert copy.read_bytes() == original and copy.parent.parent == out / "quarantine"
    assert json.loads((copy.parent / "reason.json").read_text(encoding="utf-8"))["reason"] == failure.reason
    assert corrupt.read_bytes() == original  # the input is never moved or changed
    assert result.published and result.quality is not None and result.quality.passed
    assert current_run(out) == result.run_dir
    manifest = json.loads((out / "current" / "manifest.json").read_text(encoding="utf-8"))
    assert [f["path"] for f in manifest["failures"]] == [str(corrupt)]
    assert len(published_tasks(out)) == 2


def _duplicate_first_task(plans, decisions):
    """A broken batch: the first task of the first plan appears twice (one id, two rows)."""
    applied, stale = flows_apply_overrides(plans, decisions)
    first = applied[0]
    return [first.model_copy(update={"tasks": [first.tasks[0], *first.tasks]}), *applied[1:]], stale


flows_apply_overrides = flows.apply_overrides


def test_duplicated_ids_keep_the_previous_dataset(tmp_path, inbox, monkeypatch):
    out = tmp_path / "out"
    good = run([inbox], out)
    monkeypatch.setattr(flows, "apply_overrides", _duplicate_first_task)
    # The patch stands for a code change, which the unchanged-input check cannot see: force the run.
    state = flows.ingest_plans([str(inbox)], str(out), None, force=True, return_state=True)
    assert state.is_failed() and "quality gate failed" in (state.message or "")
    assert current_run(out) == good.run_dir  # readers still see the good dataset
    failed_runs = [p for p in (out / "runs").iterdir() if p != good.run_dir]
    (failed_run,) = failed_runs
    manifest = json.loads((failed_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed: quality gate"
    critical = {(f["table"], f["column"], f["expectation"]) for f in manifest["quality"]["critical_failures"]}
    assert ("tasks", "task_id", "expect_column_values_to_be_unique") in critical
    assert (failed_run / manifest["quality"]["data_docs"]).is_file()


def test_the_cli_says_the_dataset_was_not_published(tmp_path, inbox, monkeypatch, capsys):
    out = tmp_path / "out"
    run([inbox], out)
    monkeypatch.setattr(flows, "apply_overrides", _duplicate_first_task)
    assert main(["run", str(inbox), "--out", str(out), "--overrides", str(tmp_path / "none.json"), "--force"]) == 3
    printed = capsys.readouterr().out
    assert "NOT PUBLISHED" in printed and "CRITICAL tasks.task_id: expect_column_values_to_be_unique" in printed


def test_a_plan_losing_most_of_its_rows_is_not_published(tmp_path, inbox):
    out = tmp_path / "out"
    good = run([inbox], out)
    (inbox / "lai-chau.txt").write_text(plan_text("Lai Châu", "41", TASKS[:1]), encoding="utf-8")
    shrunk = run([inbox], out)
    assert shrunk.quality is not None and not shrunk.published
    assert [(r.table, r.column) for r in shrunk.quality.critical_failures] == [("row_counts", "kept_share")]
    assert current_run(out) == good.run_dir


def test_an_empty_inbox_does_not_replace_a_published_dataset(tmp_path, inbox):
    out = tmp_path / "out"
    good = run([inbox], out)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert not run([empty], out).published
    assert current_run(out) == good.run_dir


def test_only_the_last_runs_are_kept(tmp_path, inbox):
    out = tmp_path / "out"
    results = [run([inbox], out, keep_runs=2, force=True) for _ in range(3)]
    kept = sorted(p.name for p in (out / "runs").iterdir())
    assert kept == sorted(r.run_dir.name for r in results[1:] if r.run_dir)
    assert current_run(out) == results[-1].run_dir


def test_the_current_pointer_is_relative_so_the_output_folder_can_move(tmp_path, inbox):
    out = tmp_path / "out"
    result = run([inbox], out)
    moved = tmp_path / "moved"
    out.rename(moved)
    assert result.run_dir is not None and current_run(moved) == moved / "runs" / result.run_dir.name


def test_relative_paths_work_like_make_run(tmp_path, inbox, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run([Path("inbox")], Path("out"))
    assert result.published and current_run(Path("out")) == (tmp_path / "out" / "runs" / result.run_dir.name)
    manifest = json.loads(Path("out/current/manifest.json").read_text(encoding="utf-8"))
    assert (Path("out/current") / manifest["quality"]["data_docs"]).is_file()


class RecordingListener:
    """Writes down what the flow tells the progress display."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, ...]] = []

    def start(self, documents: int) -> None:
        self.heard.append(("start", str(documents)))

    def document(self, name: str) -> None:
        self.heard.append(("document", name))

    def stage(self, stage: str) -> None:
        self.heard.append(("stage", stage))

    def done(self, name: str, status: str) -> None:
        self.heard.append(("done", name, status))

    def step(self, text: str) -> None:
        self.heard.append(("step", text))


def test_the_progress_hears_every_document_and_stage(tmp_path, inbox):
    out, first, again = tmp_path / "out", RecordingListener(), RecordingListener()
    run([inbox], out, listener=first)
    stages = ("read", "extract", "normalize", "validate")
    expected = [("start", "2")]
    for name in ("ca-mau.txt", "lai-chau.txt"):
        expected += [("document", name), *(("stage", stage) for stage in stages), ("done", name, "processed")]
    assert first.heard[: len(expected)] == expected
    assert ("step", "quality gate") in first.heard
    run([inbox], out, listener=again, force=True)  # unchanged: no stage runs at all
    assert not [event for event in again.heard if event[0] == "stage"]
    assert [e for e in again.heard if e[0] == "done"] == [("done", n, "cached") for n in ("ca-mau.txt", "lai-chau.txt")]


def test_a_file_system_error_is_retried_but_an_unreadable_document_is_not(tmp_path, inbox, monkeypatch):
    from extractors.errors import UnreadableDocumentError

    real, calls = flows.process_file, []

    def flaky(path: Path, on_stage=None, limits=None):
        calls.append(path.name)
        if path.name == "ca-mau.txt" and calls.count("ca-mau.txt") == 1:
            raise OSError("the share went away for a moment")
        if path.name == "lai-chau.txt":
            raise UnreadableDocumentError(path, "truncated file")
        return real(path)

    monkeypatch.setattr(flows, "process_file", flaky)
    result = run([inbox], tmp_path / "out")
    assert calls.count("ca-mau.txt") == 2 and calls.count("lai-chau.txt") == 1
    assert statuses(result) == {"ca-mau.txt": "processed", "lai-chau.txt": "failed"}
    assert [f.reason for f in result.failures] == ["truncated file"]
