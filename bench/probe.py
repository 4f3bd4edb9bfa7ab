"""Memory probe, run in a fresh process: ``python bench/probe.py MODE [FILE]`` prints one JSON line.

MODE is ``baseline`` (import the pipeline's modules only), ``read`` (``read_document(FILE)``) or
``process`` (``process_file(FILE)``, the whole per-document pipeline).  The line holds, in KiB:
- ``peak_kb``: the process's own peak resident size over its whole life (Linux ``VmHWM``);
- ``imported_kb``: its resident size once the modules are imported (``VmRSS``);
- ``work_peak_kb``: the peak while the work ran: the high-water mark is reset after the imports
  (``/proc/self/clear_refs``), so this is not hidden under a larger peak of the imports; null where the
  kernel does not allow the reset;
and the seconds of the work and the page count.  Only the standard library and vnplan are imported.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)  # this folder's modules must not shadow anything the pipeline imports


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _reset_high_water_mark() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode not in ("baseline", "read", "process"):
        raise SystemExit(f"unknown mode {mode!r}")
    from extractors.readers import read_document
    from pipeline.documents import process_file

    gc.collect()
    imported_kb = _status_kb("VmRSS")
    lifetime_peak_before_work = _status_kb("VmHWM")
    reset = _reset_high_water_mark()
    pages: int | None = None
    seconds = 0.0
    if mode != "baseline":
        path = Path(argv[1])
        started = time.perf_counter()
        pages = read_document(path).page_count if mode == "read" else process_file(path).document.page_count
        seconds = time.perf_counter() - started
    work_peak = _status_kb("VmHWM") if reset else None
    figures = {
        "mode": mode,
        "pages": pages,
        "seconds": seconds,
        "imported_kb": imported_kb,
        "work_peak_kb": work_peak,
        "peak_kb": max(value for value in (lifetime_peak_before_work, work_peak, _status_kb("VmHWM")) if value),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
