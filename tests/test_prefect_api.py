"""A run's Prefect API: a one-line error when there is none, one retry of a slow temporary server, and a run with
nothing to do that answers before Prefect, Great Expectations and the language models are imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest

import pipeline.prefect_api as prefect_api
from pipeline.run import run
from tests.test_flows import TASKS, plan_text

ROOT = Path(__file__).resolve().parent.parent


def _vnplan(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "ke-hoach.txt").write_text(plan_text("Lạng Sơn", "88", TASKS[:3]), encoding="utf-8")
    return folder


def _without_prefect_settings() -> dict[str, str]:
    """The environment of a shell with no Prefect server configured (the tests' harness sets one)."""
    return {key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")}


def _one_line(error: str) -> str:
    lines = [line for line in error.splitlines() if line.strip()]
    assert len(lines) == 1, error
    assert "Traceback" not in error
    return lines[0]


def test_a_server_that_does_not_answer_is_one_line_with_the_fix(tmp_path: Path, inbox: Path) -> None:
    env = {**_without_prefect_settings(), "PREFECT_API_URL": "http://127.0.0.1:9/api"}
    done = _vnplan(["run", str(inbox), "--out", str(tmp_path / "out")], env | {"PREFECT_HOME": str(tmp_path)}, tmp_path)
    assert done.returncode == 2
    line = _one_line(done.stderr)
    assert line.startswith("vnplan run: the Prefect server at http://127.0.0.1:9/api (PREFECT_API_URL) does not answer")
    assert "`prefect server start`" in line and "unset PREFECT_API_URL" in line


def test_a_temporary_server_that_never_answers_is_one_line_after_two_tries(tmp_path: Path, inbox: Path) -> None:
    env = {**_without_prefect_settings(), "PREFECT_HOME": str(tmp_path / "prefect")}
    env[prefect_api.STARTUP_TIMEOUT_VARIABLE] = "1"  # no first start (a new database made) is that fast
    done = _vnplan(["run", str(inbox), "--out", str(tmp_path / "out")], env, tmp_path)
    assert done.returncode == 2
    line = _one_line(done.stderr)
    assert "the temporary Prefect server did not answer within 1 s, 2 times" in line
    assert f"{prefect_api.STARTUP_TIMEOUT_VARIABLE}=300" in line and "prefect server start" in line
    assert not (tmp_path / "out" / "current").exists()


class _SlowThenReady:
    """Stands for Prefect's temporary server: its first start times out, the next one answers."""

    starts: ClassVar[list[float]] = []
    stops: ClassVar[int] = 0

    def __init__(self) -> None:
        self.api_url = "http://127.0.0.1:8765/api"

    def start(self, timeout: float | None = None) -> None:
        _SlowThenReady.starts.append(float(timeout or 0))
        if len(_SlowThenReady.starts) == 1:
            raise RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server.")

    def stop(self) -> None:
        _SlowThenReady.stops += 1


def test_a_temporary_server_too_slow_once_is_stopped_and_started_again(monkeypatch: pytest.MonkeyPatch) -> None:
    import prefect.server.api.server as server

    monkeypatch.setattr(server, "SubprocessASGIServer", _SlowThenReady)
    monkeypatch.setenv(prefect_api.STARTUP_TIMEOUT_VARIABLE, "45")
    assert prefect_api._start_temporary_server() == "http://127.0.0.1:8765/api"
    assert _SlowThenReady.starts == [45.0, 45.0] and _SlowThenReady.stops == 1


def test_the_cli_gives_a_temporary_server_more_than_prefect_s_twenty_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(prefect_api.STARTUP_TIMEOUT_VARIABLE, raising=False)
    prefect_api.default_startup_timeout()
    assert float(os.environ[prefect_api.STARTUP_TIMEOUT_VARIABLE]) == prefect_api.STARTUP_TIMEOUT_SECONDS > 20
    monkeypatch.setenv(prefect_api.STARTUP_TIMEOUT_VARIABLE, "300")
    prefect_api.default_startup_timeout()
    assert os.environ[prefect_api.STARTUP_TIMEOUT_VARIABLE] == "300"  # the user's own value stays
    monkeypatch.setenv(prefect_api.STARTUP_TIMEOUT_VARIABLE, "2.5")
    with pytest.raises(prefect_api.PrefectUnavailable, match="whole number of seconds"):
        prefect_api.default_startup_timeout()


CHECK_UNCHANGED = """
import json, sys
from pathlib import Path
from pipeline.run import run
result = run([Path(sys.argv[1])], Path(sys.argv[2]))
heavy = ("prefect", "great_expectations", "spacy", "underthesea", "pandas", "pyarrow")
print(json.dumps({"unchanged_since": result.unchanged_since, "imported": [m for m in heavy if m in sys.modules]}))
"""


def test_nothing_changed_is_answered_before_anything_heavy_is_imported(tmp_path: Path, inbox: Path) -> None:
    out = tmp_path / "out"
    first = run([inbox], out)
    assert first.published
    done = subprocess.run(
        [sys.executable, "-c", CHECK_UNCHANGED, str(inbox), str(out)],
        cwd=ROOT,
        env={**_without_prefect_settings(), "PREFECT_API_URL": "http://127.0.0.1:9/api"},  # never asked
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer == {"unchanged_since": first.run_dir.name, "imported": []}
    manifests = sorted((out / "runs").glob("*/manifest.json"))
    latest = json.loads(manifests[-1].read_text(encoding="utf-8"))
    assert (latest["status"], latest["same_as"]) == ("unchanged", first.run_dir.name)
