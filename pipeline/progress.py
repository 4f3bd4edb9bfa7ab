"""The terminal progress of a run: one bar over the documents, showing each document's current stage."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


class RunListener(Protocol):
    """What the flow tells whoever watches it."""

    def start(self, documents: int) -> None: ...
    def document(self, name: str) -> None: ...
    def stage(self, stage: str) -> None: ...
    def done(self, name: str, status: str) -> None: ...
    def step(self, text: str) -> None: ...


class SilentListener:
    """Hears everything, shows nothing (tests, scheduled runs: Prefect's own logs tell what ran)."""

    def start(self, documents: int) -> None:
        return None

    def document(self, name: str) -> None:
        return None

    def stage(self, stage: str) -> None:
        return None

    def done(self, name: str, status: str) -> None:
        return None

    def step(self, text: str) -> None:
        return None


class RichProgress:
    """A rich progress bar on stderr: documents done of all, the current document and stage, run steps after."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(file=sys.stderr)
        self.progress = Progress(
            TextColumn("{task.description}", justify="left"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self._bar: TaskID | None = None
        self._name = ""

    def __enter__(self) -> RichProgress:
        self.progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.progress.stop()

    def start(self, documents: int) -> None:
        self._bar = self.progress.add_task("documents", total=documents)

    def document(self, name: str) -> None:
        self._name = name
        self._describe(f"{name}: queued")

    def stage(self, stage: str) -> None:
        self._describe(f"{self._name}: {stage}")

    def done(self, name: str, status: str) -> None:
        if self._bar is not None:
            self.progress.update(self._bar, advance=1, description=f"{name}: {status}")

    def step(self, text: str) -> None:
        self._describe(text)

    def _describe(self, text: str) -> None:
        if self._bar is not None:
            self.progress.update(self._bar, description=text)
