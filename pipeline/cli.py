"""The ``vnplan`` command: ``run`` (build the dataset), ``eval`` (compare with gold), ``schema``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

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
    return "\n".join(lines)


def _cmd_run(args: argparse.Namespace) -> int:
    result = run([Path(p) for p in args.paths], Path(args.out))
    print(summary_table(result))
    print(f"dataset written to {args.out}")
    return 1 if result.failures else 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from pipeline.evaluate import main_eval

    try:
        return main_eval(Path(args.gold), Path(args.pred))
    except ValueError as error:
        print(f"vnplan eval: {error}", file=sys.stderr)
        return 2


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
    run_parser.set_defaults(handler=_cmd_run)
    eval_parser = commands.add_parser("eval", help="compare a run's output with gold files")
    eval_parser.add_argument("--gold", required=True, help="folder of gold *.json files")
    eval_parser.add_argument("--pred", required=True, help="output folder of a vnplan run")
    eval_parser.set_defaults(handler=_cmd_eval)
    schema_parser = commands.add_parser("schema", help="regenerate schemas/*.schema.json from the records")
    schema_parser.set_defaults(handler=_cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
