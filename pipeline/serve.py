"""``vnplan serve``: rerun the pipeline every night from a Prefect deployment.

Prefect's ephemeral mode (no ``PREFECT_API_URL``) does not run the scheduler, so a cron deployment served against it
never fires.  :func:`serve` therefore starts a real local Prefect server (SQLite database under the state folder)
unless ``PREFECT_API_URL`` already points at one, then serves the ``ingest_plans`` flow on a cron schedule.

Prefect is imported lazily so that ``import pipeline.serve`` stays cheap.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prefect import Flow

DEFAULT_CRON = "0 2 * * *"
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_STATE_DIR = Path("state")
DEPLOYMENT_NAME = "nightly"


@dataclass
class LocalServer:
    """A ``prefect server start`` subprocess: its API (``http://host:port/api``), its UI, its log file."""

    api_url: str
    ui_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    _log: IO[bytes] | None = None

    def stop(self, timeout: float = 15) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``timeout`` seconds); safe to call twice."""
        if self.process.poll() is None:
            _signal(self.process, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _signal(self.process, signal.SIGKILL)
                self.process.wait(timeout=timeout)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _signal(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Send ``sig`` to the process group of ``process`` (its own session on POSIX), or to the process itself."""
    try:
        if os.name == "posix":
            os.killpg(process.pid, sig)
        elif sig == signal.SIGTERM:
            process.terminate()
        else:
            process.kill()
    except ProcessLookupError:
        pass


def _prefect_command() -> list[str]:
    """The ``prefect`` executable of this interpreter's environment, else ``python -m prefect``."""
    exe = Path(sys.executable).parent / ("prefect.exe" if os.name == "nt" else "prefect")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "prefect"]


def _port_free(host: str, port: int) -> bool:
    """True if a server could listen on ``host:port`` (the check ``prefect server start`` makes itself)."""
    try:
        with socket.create_server((host, port)):
            return True
    except OSError:
        return False


def _healthy(api_url: str, timeout: float = 2) -> bool:
    """True if ``<api_url>/health`` answers ``true``."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:
            return json.loads(response.read().decode() or "false") is True
    except (OSError, ValueError):  # URLError and ConnectionError are OSErrors; ValueError covers bad JSON
        return False


def _tail(path: Path, lines: int = 15) -> str:
    """The last ``lines`` lines of a log file ("" if unreadable)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def start_local_server(
    state_dir: Path,
    host: str = "127.0.0.1",
    port: int = 4200,
    startup_timeout: float = 90,
    extra_env: dict[str, str] | None = None,
) -> LocalServer:
    """Start ``prefect server start`` with ``PREFECT_HOME=<state_dir>/prefect`` and wait until it is healthy.

    The server's output goes to ``<state_dir>/prefect/server.log``; ``extra_env`` is added to its environment
    (e.g. ``PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS``).  Raises ``RuntimeError`` if it is not healthy
    within ``startup_timeout`` seconds.
    """
    api_url = f"http://{host}:{port}/api"
    ui_url = f"http://{host}:{port}"
    if not _port_free(host, port):
        if _healthy(api_url):
            raise RuntimeError(
                f"A Prefect server already answers at {api_url}: set PREFECT_API_URL={api_url} to use it, "
                "or choose another port"
            )
        raise RuntimeError(f"Port {port} on {host} is already in use: choose another port")
    home = Path(state_dir).resolve() / "prefect"
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "server.log"
    env = {k: v for k, v in os.environ.items() if k not in {"PREFECT_API_URL", "PREFECT_PROFILE"}}
    env |= {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", **(extra_env or {})}
    log = log_path.open("ab")
    process = subprocess.Popen(
        [*_prefect_command(), "server", "start", "--host", host, "--port", str(port)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=os.name == "posix",  # Ctrl-C reaches `vnplan serve` only; it stops the server itself
    )
    server = LocalServer(api_url=api_url, ui_url=ui_url, process=process, log_path=log_path, _log=log)
    deadline = time.monotonic() + startup_timeout
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"Prefect server exited with code {process.returncode}; see {log_path}:\n{_tail(log_path)}"
                )
            if _healthy(api_url):
                return server
            time.sleep(0.5)
        raise RuntimeError(f"Prefect server not healthy at {api_url} after {startup_timeout:g} s; see {log_path}")
    except BaseException:  # the timeout, or Ctrl-C while waiting: the server is in its own session, stop it here
        server.stop()
        raise


def serve_nightly(
    inbox: str | Sequence[str],
    out: str,
    overrides: str | None,
    *,
    cron: str = DEFAULT_CRON,
    timezone: str = DEFAULT_TIMEZONE,
    name: str = DEPLOYMENT_NAME,
    keep_runs: int = 5,
    flow: Flow[..., Any] | None = None,
    workers: int = 1,
    dask_address: str | None = None,
) -> None:
    """Serve the ``ingest_plans/<name>`` deployment on ``cron`` (in ``timezone``) until interrupted.

    Runs against whatever server the current Prefect settings (``PREFECT_API_URL``) point at.  ``inbox`` is one
    path or several (the flow takes a list); paths are made absolute, since the runs start later from the runner.
    ``flow`` defaults to :func:`pipeline.flows.ingest_plans`.  ``workers`` / ``dask_address`` become deployment
    parameters only when they ask for Dask (the flow then starts its Dask runner itself).
    """
    from prefect.schedules import Cron
    from prefect.types.entrypoint import EntrypointType

    if flow is None:
        from pipeline.flows import ingest_plans

        flow = ingest_plans
    importable = getattr(flow, "__module__", "__main__") not in {"__main__", None}
    parameters: dict[str, Any] = {
        "inbox": [str(Path(p).resolve()) for p in ([inbox] if isinstance(inbox, str) else inbox)],
        "out": str(Path(out).resolve()),
        "overrides": str(Path(overrides).resolve()) if overrides else None,
        "keep_runs": keep_runs,
    }
    if workers != 1:
        parameters["workers"] = workers
    if dask_address:
        parameters["dask_address"] = dask_address
    flow.serve(
        name=name,
        schedules=[Cron(cron, timezone=timezone)],
        parameters=parameters,
        pause_on_shutdown=False,  # the schedule stays active when serving stops; runs missed meanwhile start late
        entrypoint_type=EntrypointType.MODULE_PATH if importable else EntrypointType.FILE_PATH,
    )


def serve(
    inbox: str | Sequence[str],
    out: str,
    overrides: str | None = None,
    *,
    cron: str = DEFAULT_CRON,
    timezone: str = DEFAULT_TIMEZONE,
    name: str = DEPLOYMENT_NAME,
    keep_runs: int = 5,
    state_dir: Path = DEFAULT_STATE_DIR,
    host: str = "127.0.0.1",
    port: int = 4200,
    flow: Flow[..., Any] | None = None,
    workers: int = 1,
    dask_address: str | None = None,
) -> None:
    """Entry point of ``vnplan serve``: serve the nightly deployment, on a local server unless one is configured.

    If Prefect's settings name a server (``PREFECT_API_URL``, from the environment or a profile), the deployment
    goes there.  Otherwise a Prefect server is started on ``host:port`` (database under ``<state_dir>/prefect``)
    and stopped again when serving ends (Ctrl-C, SIGTERM).
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL, get_current_settings, temporary_settings

    kwargs: dict[str, Any] = {
        "cron": cron,
        "timezone": timezone,
        "name": name,
        "keep_runs": keep_runs,
        "flow": flow,
        "workers": workers,
        "dask_address": dask_address,
    }
    settings = get_current_settings()
    if settings.api.url:
        print(f"Serving on the Prefect server at {settings.api.url} (UI: {settings.ui_url or 'none'})", flush=True)
        serve_nightly(inbox, out, overrides, **kwargs)
        return

    print(f"Starting a local Prefect server on {host}:{port} (state in {Path(state_dir) / 'prefect'}) ...", flush=True)
    with start_local_server(Path(state_dir), host=host, port=port) as server:
        # Prefect reads its settings once, when imported: changing os.environ now would not reach this process,
        # hence temporary_settings.  os.environ is set as well, for the flow-run subprocesses the runner starts.
        os.environ["PREFECT_API_URL"] = server.api_url
        try:
            with temporary_settings(updates={PREFECT_API_URL: server.api_url, PREFECT_UI_URL: server.ui_url}):
                print(f"Prefect UI: {server.ui_url}  (server log: {server.log_path})", flush=True)
                serve_nightly(inbox, out, overrides, **kwargs)
        except KeyboardInterrupt:
            pass
        finally:
            os.environ.pop("PREFECT_API_URL", None)
            print("Stopping the local Prefect server ...", flush=True)
