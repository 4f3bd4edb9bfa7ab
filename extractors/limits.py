"""Resource bounds for one document: a file-size cap, a time budget and a memory budget.

A nightly run must not stall or be killed because of one pathological upload (a 2 GB scan, a PDF whose
page takes minutes).  The limits are one settings object (``ResourceLimits``); while a document is
processed they are the *budget in scope* (a context variable, so readers check it without every function
passing it on).  Readers call :func:`check_budget` between pages and the pipeline between stages; a
document over budget fails with :class:`ResourceLimitError`, is quarantined, and the run goes on.

The checks are cooperative: they run between units of work, so one single page can overrun the time
budget by its own cost.  When the document is processed on the main thread (the default serial run),
a timer signal also stops a page that hangs; Python can only deliver signals there, so documents run on
worker threads or Dask workers rely on the cooperative checks alone.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import psutil

from extractors.errors import VnplanError

_MB = 1024 * 1024


class ResourceLimitError(VnplanError):
    """The document is larger, slower or hungrier than the configured limits allow."""


@dataclass(frozen=True)
class ResourceLimits:
    """Per-document bounds; ``None`` switches one off."""

    max_file_mb: float | None = 200.0
    """Files larger than this are refused before they are read."""

    max_seconds: float | None = 600.0
    """Wall-clock seconds one document may take from read to validate."""

    max_memory_mb: float | None = 2048.0
    """How much the process's resident memory may grow while one document is processed."""

    def as_dict(self) -> dict[str, float | None]:
        return {"max_file_mb": self.max_file_mb, "max_seconds": self.max_seconds, "max_memory_mb": self.max_memory_mb}


DEFAULT_LIMITS = ResourceLimits()


def _resident_mb() -> float:
    return float(psutil.Process().memory_info().rss) / _MB


class Budget:
    """The limits of one document, measured from the moment it started."""

    def __init__(self, path: Path, limits: ResourceLimits) -> None:
        self.path = path
        self.limits = limits
        self.started = time.monotonic()
        self.baseline_mb = _resident_mb() if limits.max_memory_mb is not None else 0.0

    def check_file_size(self, size_bytes: int) -> None:
        cap = self.limits.max_file_mb
        if cap is not None and size_bytes > cap * _MB:
            raise ResourceLimitError(
                self.path, f"file too large: {size_bytes / _MB:.1f} MB (the limit is {cap:g} MB per document)"
            )

    def check(self, where: str) -> None:
        """Raise when the document has used up its time or memory budget (``where``: what it was doing)."""
        limits = self.limits
        elapsed = time.monotonic() - self.started
        if limits.max_seconds is not None and elapsed > limits.max_seconds:
            raise ResourceLimitError(
                self.path,
                f"took too long: more than {limits.max_seconds:g} s (the per-document time limit), at {where}",
            )
        if limits.max_memory_mb is not None:
            grown = _resident_mb() - self.baseline_mb
            if grown > limits.max_memory_mb:
                raise ResourceLimitError(
                    self.path,
                    f"used too much memory: {grown:.0f} MB more than at the start "
                    f"(the per-document limit is {limits.max_memory_mb:g} MB), at {where}",
                )


_current: ContextVar[Budget | None] = ContextVar("vnplan_budget", default=None)


def check_budget(where: str) -> None:
    """Check the budget of the document being processed, if any (a no-op outside ``budget_scope``)."""
    budget = _current.get()
    if budget is not None:
        budget.check(where)


@contextmanager
def budget_scope(path: Path, limits: ResourceLimits = DEFAULT_LIMITS) -> Iterator[Budget]:
    """Process one document within ``limits``; on the main thread a timer also interrupts a hung page."""
    budget = Budget(path, limits)
    token = _current.set(budget)
    timer = limits.max_seconds is not None and threading.current_thread() is threading.main_thread()
    previous_handler = None
    if timer:

        def on_timeout(signum: int, frame: FrameType | None) -> None:
            raise ResourceLimitError(
                path, f"took too long: more than {limits.max_seconds:g} s (the per-document time limit)"
            )

        previous_handler = signal.signal(signal.SIGALRM, on_timeout)
        # A little after the cooperative limit, so that the clearer message (with the stage) usually wins.
        signal.setitimer(signal.ITIMER_REAL, float(limits.max_seconds or 0) * 1.05 + 1.0)
    try:
        yield budget
    finally:
        if timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler)
        _current.reset(token)
