"""Benchmark of the whole pipeline on this machine; writes BENCHMARKS.md and bench/results/latest.json.

Run with ``make bench`` (or ``python bench/pipeline_bench.py``).  It measures, in one run:

- the readers and the per-document pipeline in process (``read_document``, ``process_file``) on the samples;
- the same sample PDFs through PyMuPDF ``find_tables`` (with ``--all-references`` also pdfplumber alone and
  PyMuPDF's layout model): speed and cell-level agreement with the gold files, vnplan's reader measured the
  same way;
- a ``cProfile`` of one PDF through ``process_file`` (the hot spots);
- peak memory of a 30-page and a 300-page PDF (repeated sample pages), each in a fresh process;
- ``vnplan run`` as a child process on the samples of each format (wall time, peak memory), against one
  Prefect server started with the benchmark (as a nightly deployment has);
- ``vnplan run`` on 10, 100 and 1,000 generated distinct plans, the no-change rerun of each, and nights with
  one new document among the 1,000.

The readers and the reference extractors are measured first, alone; then the generated corpus runs beside
the rest (two lanes, one per core), so that ``make bench`` ends within ten minutes on a two-core machine;
``--serial`` runs the lanes one after the other.

Options: ``--quick`` (small sizes, one run each: a smoke test), ``--runs N``, ``--sizes 10,100,1000``,
``--pages 30,300``, ``--workers N`` (passed on to ``vnplan run --workers``, only when given),
``--budget-minutes M`` (repeats are skipped past it; default 8.5), ``--serial``, ``--all-references``,
``--label``, ``--out-json``, ``--report``, ``--no-report``, ``--render-only``, ``--keep-work``.

To measure an older commit with the same benchmark::

    git worktree add /tmp/vnplan-before <commit>
    cd /tmp/vnplan-before && PYTHONPATH=/tmp/vnplan-before /work/main/.venv/bin/python \\
        /work/main/bench/pipeline_bench.py --label before --out-json /work/main/bench/results/before.json

(``PYTHONPATH`` makes that tree's packages shadow the editable install; the benchmark prints the
``pipeline.__file__`` it measures.)  The report shows a before/after table when both files exist.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
ROOT = _HERE.parent


def _import_path() -> None:
    """Import the ``bench`` package from this checkout without letting it shadow the measured code."""
    if sys.path and Path(sys.path[0] or ".").resolve() == _HERE:
        sys.path.pop(0)
    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))  # after PYTHONPATH and site-packages: the measured code wins


def main() -> int:
    _import_path()
    from bench.cli import main as run

    return run(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
