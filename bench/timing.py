"""How the benchmark takes its figures: in-process timings, and child processes with their peak memory.

- In-process: ``time.perf_counter`` around one call, repeated; the median is reported with every run kept.
- A child process (``vnplan run``, a memory probe): started by a small launcher process (``launcher.py``,
  so that its ``ru_maxrss`` does not start at the benchmark's own size) and reaped there with ``os.wait4``,
  whose ``ru_maxrss`` is the peak resident size of that process *or of any of its own children it waited
  for*, whichever is larger (Linux keeps the maximum, not the sum).  ``vnplan run``
  in Prefect's ephemeral mode starts a temporary API server (a uvicorn child process), so that figure is
  the larger of the two.  A sampler thread therefore also reads, every ``SAMPLE_SECONDS``, the kernel's
  high-water mark (``VmHWM`` in ``/proc/<pid>/status``) of the vnplan process itself and of each
  descendant, and the sum of their current resident sizes (the tree's peak, as far as sampling sees it).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import psutil

SAMPLE_SECONDS = 0.2
_KB = 1024
T = TypeVar("T")


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def time_call(call: Callable[[], object]) -> float:
    """Seconds one call takes (``time.perf_counter``)."""
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def time_runs(call: Callable[[], object], runs: int) -> list[float]:
    """Seconds of ``runs`` calls, in order (the first one included: no hidden warm-up)."""
    return [time_call(call) for _ in range(runs)]


def timed(call: Callable[[], T], runs: int) -> tuple[list[float], T]:
    """Seconds of ``runs`` calls (at least one), and the last call's result."""
    seconds: list[float] = []
    result: T | None = None
    for _ in range(max(runs, 1)):
        started = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - started)
    return seconds, result  # type: ignore[return-value]  # set by the first run


def summarize(seconds: list[float]) -> dict[str, Any]:
    """Every run's seconds, their median and how many runs there were."""
    return {"runs": len(seconds), "seconds": [round(s, 4) for s in seconds], "median_s": median(seconds)}


def high_water_kb(pid: int) -> int | None:
    """The process's own peak resident size so far (Linux ``VmHWM``), in KiB; None when unreadable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


@dataclass
class _Sampler:
    """Samples the memory of a process tree on a thread until stopped."""

    pid: int
    own_peak_kb: int = 0
    children_peak_kb: int = 0
    tree_peak_kb: int = 0
    children_seen: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _seen: set[int] = field(default_factory=set)

    def run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            self._sample(root)
            self._stop.wait(SAMPLE_SECONDS)

    def _sample(self, root: psutil.Process) -> None:
        total = 0
        try:
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        for process in processes:
            try:
                rss_kb = process.memory_info().rss // _KB
            except psutil.Error:
                continue
            total += rss_kb
            peak = high_water_kb(process.pid) or rss_kb
            if process.pid == self.pid:
                self.own_peak_kb = max(self.own_peak_kb, peak)
            else:
                self._seen.add(process.pid)
                self.children_peak_kb = max(self.children_peak_kb, peak)
        self.children_seen = len(self._seen)
        self.tree_peak_kb = max(self.tree_peak_kb, total)

    def stop(self) -> None:
        self._stop.set()


@dataclass
class ChildRun:
    """One child process: its command, exit code, wall seconds and memory figures (KiB)."""

    command: list[str]
    exit_code: int
    wall_s: float
    maxrss_kb: int
    """``os.wait4``'s ru_maxrss: the larger of the process's own peak and that of the children it reaped."""
    own_peak_kb: int
    """The process's own high-water mark (sampled ``VmHWM``)."""
    children_peak_kb: int
    """The largest high-water mark among its descendants (Prefect's temporary server for ``vnplan run``)."""
    tree_peak_kb: int
    """The largest sum of the tree's resident sizes seen by the sampler."""
    children_seen: int
    stdout: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("stdout")
        return data


class Launcher:
    """Runs child processes through ``bench/launcher.py``, a small process started before anything big is loaded.

    Linux starts a process's ``ru_maxrss`` at the resident size of the process that forked it, so children
    must not be forked from the benchmark itself once it holds vnplan and the documents (see launcher.py).
    """

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-I", str(Path(__file__).resolve().parent / "launcher.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def _reply(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the benchmark's launcher process ended")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def run(
        self, command: Sequence[str], *, cwd: Path, env: dict[str, str], log: Path, timeout: float | None = None
    ) -> ChildRun:
        """Run ``command`` to its end; stdout and stderr go to ``log`` (read back into ``stdout``)."""
        assert self.process.stdin is not None
        log.parent.mkdir(parents=True, exist_ok=True)
        request = {"command": list(command), "cwd": str(cwd), "env": env, "log": str(log)}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        pid = int(self._reply()["pid"])
        sampler = _Sampler(pid)
        thread = threading.Thread(target=sampler.run, daemon=True)
        thread.start()
        killer = None
        if timeout is not None:
            killer = threading.Timer(timeout, _kill, args=(pid,))
            killer.start()
        try:
            done = self._reply()
        finally:
            if killer is not None:
                killer.cancel()
            sampler.stop()
            thread.join()
        return ChildRun(
            command=list(command),
            exit_code=int(done["exit_code"]),
            wall_s=float(done["wall_s"]),
            maxrss_kb=int(done["maxrss_kb"]),
            own_peak_kb=sampler.own_peak_kb,
            children_peak_kb=sampler.children_peak_kb,
            tree_peak_kb=sampler.tree_peak_kb,
            children_seen=sampler.children_seen,
            stdout=log.read_text(encoding="utf-8", errors="replace"),
        )

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)


def last_json_line(text: str) -> dict[str, Any]:
    """The last line of ``text`` that is a JSON object (how a probe reports its figures)."""
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            with contextlib.suppress(json.JSONDecodeError):
                value = json.loads(line)
                if isinstance(value, dict):
                    return value
    raise ValueError("no JSON result line in the output")
