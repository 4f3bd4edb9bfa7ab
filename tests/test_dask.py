"""The flow's documents on Dask: a local cluster of worker processes, or an existing scheduler by its address.

One cluster of 2 single-threaded worker processes serves the whole module (it starts in a few seconds).  Which
worker ran each ``process_document`` task is read from the cluster itself (Dask's task stream, collected through a
client of the test's own), not from what the flow says about itself.
"""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import dask
import distributed
import pyarrow.parquet as pq
import pytest

import pipeline.run
from extractors.errors import VnplanError
from pipeline.cli import main
from pipeline.documents import process_file
from pipeline.flows import _check_workers_reach, run_flow
from pipeline.run import RunResult, run
from pipeline.runs import current_run
from tests.test_flows import RecordingListener, plan_text

HEADER = "STT\tNội dung công việc\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời hạn\tSản phẩm"
ROWS = [
    "Xây dựng kho dữ liệu văn bản số\tSở Tư pháp\tTrung tâm Lưu trữ lịch sử\tQuý III/2028\tKho dữ liệu",
    "Rà soát thủ tục cấp phép khai thác thủy sản\tSở Nông nghiệp và Môi trường\tBan Quản lý cảng cá\t"
    "Tháng 10/2028\tDanh mục thủ tục",
    "Bồi dưỡng kỹ năng số cho công chức cấp xã\tSở Nội vụ\tTrường Chính trị tỉnh\tNăm 2029\tLớp bồi dưỡng",
    "Số hóa hồ sơ bệnh án điện tử\tSở Y tế\tBảo hiểm xã hội tỉnh\tTháng 6/2029\tBệnh án điện tử",
    "Lắp đặt điểm truy cập Internet công cộng\tSở Khoa học và Công nghệ\tBưu điện tỉnh\tQuý I/2029\tĐiểm truy cập",
]
PLANS = {  # file name → (province, number, how many of ROWS it assigns)
    "bac-kan.txt": ("Bắc Kạn", "58", 5),
    "kon-tum.txt": ("Kon Tum", "102", 4),
    "ha-giang.txt": ("Hà Giang", "19", 3),
    "dak-nong.txt": ("Đắk Nông", "230", 2),
}


def small_plan(province: str, number: str, rows: list[str]) -> str:
    """A short Kế hoạch of ``province`` in other words than test_flows' plans (header, title, group)."""
    return plan_text(
        province,
        number,
        rows,
        header=HEADER,
        subject="Chuyển đổi số trong cơ quan nhà nước giai đoạn 2028 - 2030",
        issued="3 tháng 4 năm 2028",
        group="Hạ tầng và dữ liệu",
    )


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name, (province, number, count) in PLANS.items():
        (folder / name).write_text(small_plan(province, number, ROWS[:count]), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.LocalCluster]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        yield local


@pytest.fixture(scope="module")
def observer(cluster: distributed.LocalCluster) -> Iterator[distributed.Client]:
    """The test's own client of the cluster.  Not the default client: the flow must connect by address itself."""
    with distributed.Client(cluster, set_as_default=False) as client:
        yield client


def statuses(result: RunResult) -> dict[str, str]:
    return {Path(outcome.path).name: outcome.status for outcome in result.documents}


def manifest(out: Path) -> dict:
    return json.loads((out / "current" / "manifest.json").read_text(encoding="utf-8"))


def assert_same_dataset(left: Path, right: Path) -> None:
    """The published datasets of two output folders hold the same tables and the same per-plan JSON files."""
    a, b = current_run(left), current_run(right)
    assert a is not None and b is not None
    tables = sorted(p.name for p in a.glob("*.parquet"))
    assert tables and tables == sorted(p.name for p in b.glob("*.parquet"))
    for name in tables:
        assert pq.read_table(a / name).equals(pq.read_table(b / name)), name
    plans = sorted(p.name for p in (a / "json").iterdir())
    assert plans and plans == sorted(p.name for p in (b / "json").iterdir())
    for name in plans:
        assert (a / "json" / name).read_bytes() == (b / "json" / name).read_bytes(), name
    assert (a / "review_queue.csv").read_bytes() == (b / "review_queue.csv").read_bytes()


def test_documents_run_on_both_workers_and_give_the_serial_dataset(tmp_path, inbox, cluster, observer):
    serial = run([inbox], tmp_path / "serial")
    assert set(statuses(serial).values()) == {"processed"}

    listener, out = RecordingListener(), tmp_path / "dask"
    with distributed.get_task_stream(observer) as stream:
        result = run_flow([inbox], out, None, listener=listener, dask_address=cluster.scheduler_address)

    assert statuses(result) == {name: "processed" for name in PLANS}
    assert [outcome.path for outcome in result.documents] == [outcome.path for outcome in serial.documents]
    assert result.published and not result.failures
    assert_same_dataset(out, tmp_path / "serial")

    # Where the cluster says each document's task ran: both workers had some.
    ran = {record["key"]: record["worker"] for record in stream.data if record["key"].startswith("process_document")}
    assert len(ran) == len(PLANS)
    assert set(ran.values()) == set(observer.scheduler_info()["workers"])
    executor = manifest(out)["executor"]
    assert executor["mode"] == "dask" and executor["dask_address"] == cluster.scheduler_address
    assert executor["workers"] == 2
    assert sorted(executor["ran_on"].values()) == sorted(ran.values())

    # The listener heard every document start and finish, on the flow's thread; no stage crossed from a worker.
    assert listener.heard[0] == ("start", str(len(PLANS)))
    assert sorted(e[1] for e in listener.heard if e[0] == "document") == sorted(PLANS)
    assert sorted(e[1:] for e in listener.heard if e[0] == "done") == sorted((n, "processed") for n in PLANS)
    assert not [e for e in listener.heard if e[0] == "stage"]
    assert ("step", "quality gate") in listener.heard


def test_a_rerun_on_the_cluster_is_all_cached_and_shares_the_serial_cache(tmp_path, inbox, cluster):
    out = tmp_path / "out"
    first = run_flow([inbox], out, None, dask_address=cluster.scheduler_address)
    assert set(statuses(first).values()) == {"processed"}
    again = run_flow([inbox], out, None, dask_address=cluster.scheduler_address, force=True)
    assert statuses(again) == {name: "cached" for name in PLANS}
    assert again.published and manifest(out)["summary"]["cached"] == len(PLANS)
    assert [p.document.doc_id for p in again.plans] == [p.document.doc_id for p in first.plans]
    # The cache key does not depend on where the task ran: a serial run finds the cluster's results.
    assert set(statuses(run([inbox], out, force=True)).values()) == {"cached"}
    assert current_run(out) != first.run_dir  # each run published a new folder ...
    assert len(list((out / "runs").iterdir())) == 3


def test_a_failing_document_on_a_worker_is_quarantined_and_the_rest_published(tmp_path, inbox, cluster):
    corrupt = inbox / "scan.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n2 0 obj <<>> endobj\n" + b"\xfe\x01" * 64)
    with pytest.raises(VnplanError) as raised:
        process_file(corrupt)
    out = tmp_path / "out"
    result = run_flow([inbox], out, None, dask_address=cluster.scheduler_address)

    assert statuses(result) == {"scan.pdf": "failed"} | {name: "processed" for name in PLANS}
    (failure,) = result.failures
    # The document's own reason came back from the worker process (not an error about the error).
    assert failure.path == str(corrupt) and failure.reason == raised.value.reason
    assert failure.quarantined is not None and Path(failure.quarantined).read_bytes() == corrupt.read_bytes()
    assert result.published and current_run(out) == result.run_dir
    assert len(manifest(out)["plans"]) == len(PLANS)
    assert [d["status"] for d in manifest(out)["documents"] if d["path"] == str(corrupt)] == ["failed"]


def test_workers_2_on_the_command_line_run_a_local_cluster(tmp_path, inbox, capsys):
    out = tmp_path / "out"
    args = ["run", str(inbox), "--out", str(out), "--overrides", str(tmp_path / "none.json"), "--workers", "2"]
    assert main(args) == 0
    assert f"{len(PLANS)} document(s) processed, 0 unchanged (from the cache), 0 failed" in capsys.readouterr().out
    executor = manifest(out)["executor"]
    assert executor["mode"] == "dask" and executor["workers"] == 2 and executor["dask_address"] is None
    assert len(executor["dask_workers"]) == 2 and set(executor["ran_on"]) == {str(inbox / n) for n in PLANS}
    assert set(executor["ran_on"].values()) <= set(executor["dask_workers"])


def test_a_serial_run_says_so_in_the_manifest(tmp_path, inbox):
    run([inbox], tmp_path / "out")
    assert manifest(tmp_path / "out")["executor"] == {"mode": "serial", "workers": 1, "dask_address": None}


def test_a_scheduler_that_does_not_answer_is_reported_and_nothing_is_published(tmp_path, inbox, capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once the socket is closed
    out = tmp_path / "out"
    args = ["run", str(inbox), "--out", str(out), "--dask-address", f"tcp://127.0.0.1:{port}"]
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        assert main(args) == 2
    assert f"cannot run the documents on the Dask scheduler at tcp://127.0.0.1:{port}" in capsys.readouterr().err
    assert current_run(out) is None


def test_the_cli_refuses_both_options_and_fewer_than_one_worker(tmp_path, inbox, capsys):
    base = ["run", str(inbox), "--out", str(tmp_path / "out")]
    for extra, message in (
        (["--workers", "2", "--dask-address", "tcp://127.0.0.1:8786"], "not allowed with argument --workers"),
        (["--workers", "0"], "--workers: must be at least 1, not 0"),
    ):
        with pytest.raises(SystemExit) as exit_:
            main(base + extra)
        assert exit_.value.code == 2
        assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_workers_elsewhere_cannot_report_to_a_loopback_api():
    local_api, shared_api = "http://127.0.0.1:8123/api", "http://prefect.internal:4200/api"
    _check_workers_reach(local_api, ["tcp://127.0.0.1:40001", "inproc://10.0.0.1/1/2"])
    _check_workers_reach(shared_api, ["tcp://203.0.113.7:40001"])
    with pytest.raises(ValueError, match=r"203\.0\.113\.7.*set PREFECT_API_URL"):
        _check_workers_reach(local_api, ["tcp://127.0.0.1:40001", "tcp://203.0.113.7:40001"])


def test_the_command_line_uses_every_core_for_a_batch_worth_a_cluster(tmp_path, inbox, monkeypatch, capsys):
    """Without --workers: one worker per core when the new documents' expected work pays for a cluster, this
    process for less (here the plans are tiny: the cluster's start is made cheap to stand for a large batch),
    and always for a single new document; --workers 1 stays serial."""
    monkeypatch.setattr(pipeline.run, "usable_cores", lambda: 2)  # the tests' machine may have more or fewer
    monkeypatch.delenv("VNPLAN_WORKERS")  # the tests' own serial default (conftest)
    out = tmp_path / "out"
    args = ["run", str(inbox), "--out", str(out), "--overrides", str(tmp_path / "none.json")]
    assert main([*args, "--force"]) == 0  # four small text plans: not worth a cluster
    assert manifest(out)["executor"]["mode"] == "serial"
    monkeypatch.setattr(pipeline.run, "CLUSTER_START_SECONDS", 0.01)
    monkeypatch.setattr(pipeline.run, "CLUSTER_SECONDS_PER_DOCUMENT", 0.0)
    shutil.rmtree(out)
    assert main(args) == 0
    executor = manifest(out)["executor"]
    assert (executor["mode"], executor["workers"]) == ("dask", 2)
    assert set(executor["ran_on"]) == {str(inbox / name) for name in PLANS}
    (inbox / "lao-cai.txt").write_text(small_plan("Lào Cai", "7", ROWS[:2]), encoding="utf-8")
    assert main(args) == 0
    assert manifest(out)["executor"] == {"mode": "serial", "workers": 1, "dask_address": None}
    statuses = {Path(d["path"]).name: d["status"] for d in manifest(out)["documents"]}
    assert statuses.pop("lao-cai.txt") == "processed" and set(statuses.values()) == {"cached"}
    (inbox / "son-la.txt").write_text(small_plan("Sơn La", "11", ROWS[:3]), encoding="utf-8")
    (inbox / "yen-bai.txt").write_text(small_plan("Yên Bái", "12", ROWS[:1]), encoding="utf-8")
    assert main([*args, "--workers", "1"]) == 0
    assert manifest(out)["executor"]["mode"] == "serial"
    monkeypatch.setenv("VNPLAN_WORKERS", "many")
    assert main([*args, "--force"]) == 2
    assert "VNPLAN_WORKERS='many': give a number of worker processes" in capsys.readouterr().err


def test_the_default_worker_count_weighs_the_new_documents_against_the_cluster(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline.run, "usable_cores", lambda: 2)
    texts = [tmp_path / f"plan-{n}.txt" for n in range(400)]
    pdfs = [tmp_path / f"plan-{n}.pdf" for n in range(60)]
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF" + b"0" * 4_000_000)  # 4 MB: a scanned plan, tens of seconds of OCR
    workers = pipeline.run.workers_for
    assert [workers(texts[:1]), workers(texts[:100]), workers(texts)] == [1, 1, 1]  # text never pays on two cores
    assert [workers(pdfs[:1]), workers(pdfs[:10]), workers(pdfs)] == [1, 1, 2]
    assert workers([scan, *texts[:1]]) == 2
    monkeypatch.setattr(pipeline.run, "usable_cores", lambda: 8)
    assert [workers(texts[:100]), workers(texts), workers([*pdfs[:30], scan])] == [1, 8, 8]
    monkeypatch.setattr(pipeline.run, "usable_cores", lambda: 1)
    assert workers([*pdfs, scan]) == 1
