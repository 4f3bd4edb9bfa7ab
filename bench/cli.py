"""Command line of the pipeline benchmark (``bench/pipeline_bench.py``; its docstring lists the options)."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from bench.render import RESULTS, render_folder, write_atomically
from bench.runner import ROOT, Bench, Options, make_workdir

QUICK = Options(runs=1, sizes=(3, 10), pages=(5, 50), quick=True)


def _numbers(text: str) -> tuple[int, ...]:
    values = tuple(int(part) for part in text.split(",") if part.strip())
    if not values or any(value < 1 for value in values):
        raise argparse.ArgumentTypeError(f"expected positive integers separated by commas, got {text!r}")
    return values


def _pair(text: str) -> tuple[int, int]:
    values = _numbers(text)
    if len(values) != 2 or values[0] >= values[1]:
        raise argparse.ArgumentTypeError(f"expected two page counts, small then large (e.g. 30,300), got {text!r}")
    return values[0], values[1]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="pipeline_bench", description="Benchmark the vnplan pipeline on this machine and write BENCHMARKS.md."
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: corpus 3 and 10, PDFs of 5 and 50 pages, one run each, no PyMuPDF layout-model row",
    )
    parser.add_argument("--runs", type=int, help="runs per figure (default 3; --quick: 1)")
    parser.add_argument("--sizes", type=_numbers, help="generated corpus sizes (default 10,100,1000)")
    parser.add_argument("--pages", type=_pair, help="page counts of the repeated PDFs (default 30,300)")
    parser.add_argument("--workers", type=int, help="pass --workers N to vnplan run (only when given)")
    parser.add_argument(
        "--budget-minutes",
        type=float,
        default=8.5,
        help="repeats of corpus runs are skipped when they would end past this (default 8.5: make bench also "
        "runs the agency and deadline benchmarks, and must end within 10)",
    )
    parser.add_argument(
        "--serial",
        action="store_true",
        help="run the two lanes one after the other instead of side by side (cleaner figures, about twice as long)",
    )
    parser.add_argument("--label", default=None, help="a name for these results (default: current, or quick)")
    parser.add_argument(
        "--out-json", type=Path, default=None, help="where the raw figures go (default bench/results/latest.json)"
    )
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "fixtures" / "gold")
    parser.add_argument("--report", type=Path, default=ROOT / "BENCHMARKS.md", help="the report to write")
    parser.add_argument("--no-report", action="store_true", help="write the JSON only")
    parser.add_argument("--render-only", action="store_true", help="re-render the report from bench/results")
    parser.add_argument(
        "--all-references",
        action="store_true",
        help="also time pdfplumber's tables alone and PyMuPDF's default table finder (its ONNX layout model): "
        "about 50 s more",
    )
    parser.add_argument("--keep-work", action="store_true", help="keep the work folder (logs, run folders)")
    return parser.parse_args(argv)


def options_from(args: argparse.Namespace) -> Options:
    base = QUICK if args.quick else Options()
    return Options(
        samples=args.samples,
        gold=args.gold,
        runs=args.runs or base.runs,
        sizes=args.sizes or base.sizes,
        pages=args.pages or base.pages,
        workers=args.workers,
        label=args.label or ("quick" if args.quick else "current"),
        quick=args.quick,
        budget_s=args.budget_minutes * 60,
        all_references=args.all_references and not args.quick,
        keep_work=args.keep_work,
        lanes=not args.serial,
    )


def main(argv: list[str]) -> int:
    args = parse(argv)
    if args.render_only:
        print(render_folder(RESULTS, args.report))
        return 0
    options = options_from(args)
    work = make_workdir()
    print(f"work folder: {work}", file=sys.stderr)
    try:
        results = Bench(options, work).run()
    finally:
        if not options.keep_work:
            shutil.rmtree(work, ignore_errors=True)
    out_json = args.out_json or RESULTS / "latest.json"
    write_atomically(out_json, json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"figures: {out_json}  ({results['duration_s']:.0f} s in all)", file=sys.stderr)
    if not args.no_report:
        # A "before" measurement is the comparison, not the current state: the report keeps showing latest.json.
        is_before = out_json.resolve() == (RESULTS / "before.json").resolve()
        print(f"report: {render_folder(RESULTS, args.report, now=None if is_before else results)}", file=sys.stderr)
    return 0
