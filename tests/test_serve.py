"""``vnplan serve`` end to end: a real local Prefect server schedules the nightly ``ingest_plans`` runs.

The server and the serving process are real subprocesses, with all Prefect state under ``tmp_path``.  The test does
not wait for 02:00: it checks the runs the server's scheduler creates for the coming nights.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import pipeline.serve
from pipeline.serve import LocalServer, serve, start_local_server

ROOT = Path(__file__).resolve().parent.parent
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE_SECONDS = 90

# Serves the real pipeline.flows.ingest_plans (flow=None), exactly as `vnplan serve` does once a server is known.
SERVE_SCRIPT = """
import sys
from pipeline.serve import serve_nightly
serve_nightly([sys.argv[1]], sys.argv[2], sys.argv[3], keep_runs=3)
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _next_2am_vietnam(after: datetime) -> datetime:
    """The first 02:00 Asia/Ho_Chi_Minh strictly after ``after``, in UTC (computed without any cron library)."""
    local = after.astimezone(VIETNAM)
    candidate = local.replace(hour=2, minute=0, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate.astimezone(UTC)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LocalServer]:
    fast_scheduler = {
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "1",
        "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS": "1",
    }
    local = start_local_server(tmp_path / "state", port=_free_port(), startup_timeout=120, extra_env=fast_scheduler)
    try:
        yield local
    finally:
        local.stop()
        assert local.process.poll() is not None


def _wait_for_scheduled_runs(api_url: str, serving: subprocess.Popen[bytes], log: Path) -> tuple[Any, list[Any]]:
    """Poll the server until the deployment ``ingest_plans/nightly`` has at least 3 flow runs."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.exceptions import ObjectNotFound
    from prefect.settings import PREFECT_API_URL, temporary_settings

    deadline = time.monotonic() + DEADLINE_SECONDS
    with temporary_settings(updates={PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            assert serving.poll() is None, f"serve_nightly exited early:\n{log.read_text(errors='replace')}"
            try:
                deployment = client.read_deployment_by_name("ingest_plans/nightly")
            except ObjectNotFound:
                time.sleep(0.5)
                continue
            runs = client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC,
                limit=200,  # the sync client sends limit=None, which the server rejects (422)
            )
            if len(runs) >= 3:
                return deployment, runs
            time.sleep(0.5)
    pytest.fail(f"no scheduled runs within {DEADLINE_SECONDS} s; serve log:\n{log.read_text(errors='replace')}")


def test_serve_schedules_nightly_runs_on_local_server(server: LocalServer, tmp_path: Path) -> None:
    inbox, out, overrides = tmp_path / "inbox", tmp_path / "out", tmp_path / "overrides.json"
    inbox.mkdir()
    client_home = tmp_path / "client-prefect-home"
    env = {**os.environ, "PREFECT_API_URL": server.api_url, "PREFECT_HOME": str(client_home)}
    env.pop("PREFECT_PROFILE", None)
    serve_log = tmp_path / "serve.log"

    before = datetime.now(UTC)
    with serve_log.open("wb") as log:
        serving = subprocess.Popen(
            [sys.executable, "-c", SERVE_SCRIPT, str(inbox), str(out), str(overrides)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deployment, runs = _wait_for_scheduled_runs(server.api_url, serving, serve_log)
        after = datetime.now(UTC)
    finally:
        _stop(serving)
    assert serving.poll() is not None

    # The deployment: cron 02:00 in Vietnam, active, not paused, with the pipeline's parameters.
    assert len(deployment.schedules) == 1
    schedule = deployment.schedules[0]
    assert schedule.active
    assert schedule.schedule.cron == "0 2 * * *"
    assert schedule.schedule.timezone == "Asia/Ho_Chi_Minh"
    assert not deployment.paused
    assert deployment.parameters == {
        "inbox": [str(inbox)],
        "out": str(out),
        "overrides": str(overrides),
        "keep_runs": 3,
    }

    # The runs: Scheduled, at consecutive nights 02:00 Asia/Ho_Chi_Minh (= 19:00 UTC the day before), from tonight.
    assert all(run.state is not None and run.state.is_scheduled() for run in runs)
    assert all(run.state_name == "Scheduled" for run in runs)
    # Plain stdlib datetimes: Prefect returns pendulum/whenever objects whose arithmetic may drop the tzinfo.
    starts = sorted(datetime.fromtimestamp(run.expected_start_time.timestamp(), UTC) for run in runs)
    # The first night is the next 02:00 after the deployment was created (between `before` and `after`).
    first = starts[0]
    assert first in {_next_2am_vietnam(before), _next_2am_vietnam(after)}
    expected = [first + timedelta(days=i) for i in range(len(starts))]
    assert starts == expected
    assert all((s.hour, s.minute, s.second) == (19, 0, 0) for s in starts)
    assert len(set(starts)) == len(starts)


# ---------------------------------------------------------------- serve(): which server, and the cleanup


def _sleeper() -> subprocess.Popen[bytes]:
    """A stand-in for the server process, in its own session like the real one."""
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)


@pytest.mark.parametrize("interrupt", [False, True])
def test_serve_starts_and_stops_a_local_server(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, interrupt: bool
) -> None:
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    fake = LocalServer("http://127.0.0.1:4999/api", "http://127.0.0.1:4999", _sleeper(), tmp_path / "server.log")
    started: list[tuple[Path, str, int]] = []
    served: list[tuple[Any, ...]] = []

    def fake_start(state_dir: Path, host: str = "", port: int = 0, **_: Any) -> LocalServer:
        started.append((state_dir, host, port))
        return fake

    def fake_serve_nightly(inbox: Any, out: str, overrides: str | None, **kwargs: Any) -> None:
        # The server's URL must be what Prefect uses in this process, and what the flow-run subprocesses inherit.
        served.append((inbox, out, overrides, kwargs["cron"], kwargs["timezone"], get_current_settings().api.url))
        assert os.environ["PREFECT_API_URL"] == fake.api_url
        assert fake.process.poll() is None
        if interrupt:
            raise KeyboardInterrupt

    monkeypatch.setattr(pipeline.serve, "start_local_server", fake_start)
    monkeypatch.setattr(pipeline.serve, "serve_nightly", fake_serve_nightly)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    try:
        with temporary_settings(restore_defaults={PREFECT_API_URL}):
            serve(["in"], "out", None, cron="0 3 * * *", state_dir=tmp_path / "state", port=4999)
            assert get_current_settings().api.url is None
    finally:
        fake.stop()
    assert started == [(tmp_path / "state", "127.0.0.1", 4999)]
    assert served == [(["in"], "out", None, "0 3 * * *", "Asia/Ho_Chi_Minh", fake.api_url)]
    assert fake.process.returncode is not None  # stopped by serve() itself, Ctrl-C or not
    assert "PREFECT_API_URL" not in os.environ


def test_serve_uses_the_configured_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    served: list[str] = []

    def no_start(*args: Any, **kwargs: Any) -> LocalServer:
        raise AssertionError("no local server when PREFECT_API_URL is set")

    monkeypatch.setattr(pipeline.serve, "start_local_server", no_start)
    monkeypatch.setattr(pipeline.serve, "serve_nightly", lambda inbox, *a, **k: served.append(inbox))
    with temporary_settings(updates={PREFECT_API_URL: "http://prefect.example:4200/api"}):
        serve("in", "out")
    assert served == ["in"]


def test_start_local_server_refuses_a_busy_port(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = int(busy.getsockname()[1])
        with pytest.raises(RuntimeError, match=f"Port {port} .* already in use"):
            start_local_server(tmp_path / "state", port=port)
