"""The ``vnplan`` command: ``run`` (build the dataset), ``review`` (export/import decisions), ``eval``, ``schema``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline.overrides import DEFAULT_OVERRIDES_PATH
from pipeline.run import RunResult, run


def summary_table(result: RunResult) -> str:
    header = ("plan", "province", "type", "number", "period", "from", "alternates", "targets", "tasks")
    rows = [header]
    for plan in result.plans:
        doc = plan.document
        rows.append(
            (
                doc.doc_id[:12],
                doc.province or "?",
                doc.doc_type or "?",
                doc.doc_number or "-",
                doc.period or "-",
                Path(doc.source_path).name,
                str(len(doc.alternate_sources)),
                str(len(plan.targets)),
                str(len(plan.tasks)),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    lines.append(
        f"{len(result.sources)} file(s) read, {len(result.plans)} plan(s), "
        f"{sum(len(p.targets) for p in result.plans)} targets, {sum(len(p.tasks) for p in result.plans)} tasks, "
        f"{len(result.failures)} failure(s)"
    )
    lines.extend(f"FAILED {failure.path}: {failure.reason}" for failure in result.failures)
    lines.extend(f"WARNING {warning.path}: {warning.reason}" for warning in result.warnings)
    lines.append(
        f"{result.overrides_applied} override(s) applied, {len(result.stale_overrides)} stale (kept in the file)"
    )
    lines.extend(
        f"STALE override record_id={s.override.record_id} field={s.override.field} raw={s.override.raw!r}: {s.reason}"
        for s in result.stale_overrides
    )
    return "\n".join(lines)


def _cmd_run(args: argparse.Namespace) -> int:
    result = run([Path(p) for p in args.paths], Path(args.out), overrides=Path(args.overrides))
    print(summary_table(result))
    print(f"dataset written to {args.out}")
    return 1 if result.failures else 0


def _cmd_review_export(args: argparse.Namespace) -> int:
    from pipeline.review import export_review

    count = export_review(Path(args.dataset), Path(args.out))
    print(f"{count} value(s) to review written to {args.out}")
    return 0


def _cmd_review_import(args: argparse.Namespace) -> int:
    from pipeline.review import import_review

    result = import_review(Path(args.sheet), Path(args.overrides))
    print(
        f"{result.rows} row(s) read: {result.accepted} accepted, {result.corrected} corrected, "
        f"{result.skipped} without decision, {len(result.errors)} invalid; overrides in {args.overrides}"
    )
    for problem in result.errors:
        print(f"INVALID {problem}", file=sys.stderr)
    return 1 if result.errors else 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from pipeline.evaluate import main_eval

    return main_eval(Path(args.gold), Path(args.pred))


def _cmd_schema(args: argparse.Namespace) -> int:
    from schemas.generate import write_schemas

    for path in write_schemas():
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vnplan", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="read plan documents and write the canonical dataset")
    run_parser.add_argument("paths", nargs="+", help="plan files or folders (.txt/.md, .docx, .pdf)")
    run_parser.add_argument("--out", required=True, help="output folder for the dataset")
    run_parser.add_argument(
        "--overrides",
        default=str(DEFAULT_OVERRIDES_PATH),
        help=f"people's decisions to apply (default: {DEFAULT_OVERRIDES_PATH}; a missing file means none)",
    )
    run_parser.set_defaults(handler=_cmd_run, label="run")
    review_parser = commands.add_parser("review", help="export flagged values for people, import their decisions")
    review_commands = review_parser.add_subparsers(dest="review_command", required=True)
    export_parser = review_commands.add_parser("export", help="write the review sheet (.xlsx or .csv)")
    export_parser.add_argument("--dataset", default="out", help="output folder of a vnplan run (default: out)")
    export_parser.add_argument("--out", required=True, help="the sheet to write: review.xlsx or review.csv")
    export_parser.set_defaults(handler=_cmd_review_export, label="review export")
    import_parser = review_commands.add_parser("import", help="store a filled review sheet's decisions")
    import_parser.add_argument("sheet", help="the filled review sheet (.xlsx or .csv)")
    import_parser.add_argument(
        "--overrides", default=str(DEFAULT_OVERRIDES_PATH), help=f"overrides file (default: {DEFAULT_OVERRIDES_PATH})"
    )
    import_parser.set_defaults(handler=_cmd_review_import, label="review import")
    eval_parser = commands.add_parser("eval", help="compare a run's output with gold files")
    eval_parser.add_argument("--gold", required=True, help="folder of gold *.json files")
    eval_parser.add_argument("--pred", required=True, help="output folder of a vnplan run")
    eval_parser.set_defaults(handler=_cmd_eval, label="eval")
    schema_parser = commands.add_parser("schema", help="regenerate schemas/*.schema.json from the records")
    schema_parser.set_defaults(handler=_cmd_schema, label="schema")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except ValueError as error:  # bad input the user can fix: a clear message, no traceback
        print(f"vnplan {args.label}: {error}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
