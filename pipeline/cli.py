"""The ``vnplan`` command: ``run`` (build the dataset), ``serve`` (nightly reruns), ``review``, ``report``, ``query``,
``export``, ``eval``, ``schema``."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from extractors.limits import DEFAULT_LIMITS, ResourceLimits
from extractors.settings import default_pdf_settings
from pipeline.overrides import DEFAULT_OVERRIDES_PATH
from pipeline.prefect_api import default_startup_timeout
from pipeline.run_result import RunResult
from schemas.records import PlanRecords

STATE_DIR = Path("state")


def configure_prefect(state_dir: Path, quiet: bool) -> None:
    """Prefect's settings for vnplan, unless the environment sets them: read before Prefect is imported.

    Its database lives in the project's state folder (not the user's home); no telemetry (the machine may
    have no internet); on the terminal, only warnings when a progress bar shows the run (Dask's own
    ``distributed`` loggers say INFO by default and reach the terminal through Prefect's root handler).
    """
    default_startup_timeout()  # a first start on a busy machine takes longer than Prefect's 20 s
    home = Path(os.environ.setdefault("PREFECT_HOME", str((state_dir / "prefect").resolve())))
    home.mkdir(parents=True, exist_ok=True)  # Prefect creates only the last level itself
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if quiet:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")


def _completeness(plan: PlanRecords) -> str:
    """ "yes", or how many findings say rows are missing (the WARNING lines below the table say which)."""
    open_ = [f for f in plan.document.completeness if not f.accepted and f.severity != "review"]
    checks = [f for f in plan.document.completeness if not f.accepted and f.severity == "review"]
    verdict = "yes" if not open_ else f"NO ({len(open_)} missing)"
    return verdict + (f", {len(checks)} to check" if checks else "")


def summary_table(result: RunResult) -> str:
    header = ("plan", "province", "type", "number", "period", "from", "alternates", "targets", "tasks", "complete")
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
                _completeness(plan),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    summary = result.summary()
    lines.append(
        f"{len(result.sources)} file(s) read, {len(result.plans)} plan(s), "
        f"{summary['targets']} targets, {summary['tasks']} tasks, {len(result.failures)} failure(s)"
    )
    lines.append(
        f"{summary['processed']} document(s) processed, {summary['cached']} unchanged (from the cache), "
        f"{summary['failed']} failed, in {summary['seconds']:.1f} s"
    )
    for failure in result.failures:
        kept = f" (quarantined: {failure.quarantined})" if failure.quarantined else ""
        lines.append(f"FAILED {failure.path}: {failure.reason}{kept}")
    lines.extend(f"WARNING {warning.path}: {warning.reason}" for warning in result.warnings)
    lines.extend(
        f"HELD BACK {plan.document.source_path}: not published, an appendix it refers to was not read; accept the "
        "finding in the review sheet (vnplan review export) if the plan really is so"
        for plan in result.held_back
    )
    lines.append(
        f"{result.overrides_applied} override(s) applied, {len(result.stale_overrides)} stale (kept in the file)"
    )
    lines.extend(
        f"STALE override record_id={s.override.record_id} field={s.override.field} raw={s.override.raw!r}: {s.reason}"
        for s in result.stale_overrides
    )
    lines.extend(quality_lines(result))
    return "\n".join(lines)


def unchanged_lines(result: RunResult) -> str:
    """What a run that found nothing changed says: which dataset stays current, and how to run anyway."""
    summary = result.summary()
    return "\n".join(
        [
            f"nothing changed since run {result.unchanged_since}: the same {summary['documents']} file(s), code, rule "
            "files, overrides and settings; the published dataset stays current",
            f"({summary['plans']} plan(s), {summary['targets']} targets, {summary['tasks']} tasks; checked in "
            f"{summary['seconds']:.1f} s; recorded in {result.run_dir}; --force runs everything again)",
            *_report_lines(result),
        ]
    )


def _report_lines(result: RunResult) -> list[str]:
    if result.report is not None:
        return [f"report: {result.report}"]
    if result.report_error:
        return [f"WARNING no report.html: {result.report_error} (the dataset is not affected)"]
    return []


def quality_lines(result: RunResult) -> list[str]:
    """The quality gate's verdict, each failed expectation, and where the dataset and Data Docs are."""
    quality = result.quality
    if quality is None or result.run_dir is None:
        return []
    passed = sum(1 for r in quality.results if r.success)
    lines = [f"quality gate: {passed}/{len(quality.results)} expectations met, {len(quality.warnings)} warning(s)"]
    for item in quality.critical_failures + quality.warnings:
        label = "CRITICAL" if item.severity == "critical" else "WARNING"
        where = f"{item.table}.{item.column}" if item.column else item.table
        examples = f" e.g. {', '.join(item.unexpected_examples)}" if item.unexpected_examples else ""
        said = f" - {item.description}" if item.description else ""
        lines.append(f"{label} {where}: {item.expectation}{said} ({item.unexpected_count} row(s)){examples}")
    if result.published:
        lines.append(f"published: {result.run_dir} (now the current dataset)")
    else:
        lines.append(f"NOT PUBLISHED: the quality gate failed; the previous dataset stays current ({result.run_dir})")
    if quality.data_docs is not None:
        lines.append(f"Data Docs: {quality.data_docs}")
    return lines + _report_lines(result)


def _cmd_run(args: argparse.Namespace) -> int:
    configure_prefect(STATE_DIR, quiet=not args.verbose)
    from pipeline.progress import RichProgress
    from pipeline.run import run

    with RichProgress() as progress:
        result = run(
            [Path(p) for p in args.paths],
            Path(args.out),
            overrides=Path(args.overrides),
            keep_runs=args.keep_runs,
            listener=progress,
            workers=args.workers if args.workers is not None else _default_workers(),
            dask_address=args.dask_address,
            limits=_limits(args),
            force=args.force,
        )
    print(unchanged_lines(result) if result.unchanged_since else summary_table(result))
    if not result.published:
        return 3
    return 1 if result.failures else 0


def _cmd_serve(args: argparse.Namespace) -> int:
    configure_prefect(STATE_DIR, quiet=False)
    from pipeline.serve import serve

    serve(
        inbox=[str(Path(p).resolve()) for p in args.paths],
        out=str(Path(args.out).resolve()),
        overrides=str(Path(args.overrides).resolve()),
        cron=args.cron,
        timezone=args.timezone,
        host=args.host,
        port=args.port,
        state_dir=STATE_DIR,
        keep_runs=args.keep_runs,
        workers=args.workers or 1,  # a nightly deployment's parameters are fixed when it is served
        dask_address=args.dask_address,
    )
    return 0


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


def _cmd_query(args: argparse.Namespace) -> int:
    from pipeline.query import render, run_query

    columns, rows = run_query(Path(args.dataset), args.sql)
    print(render(columns, rows, args.format))
    return 0


def _cmd_export_agencies(args: argparse.Namespace) -> int:
    from pipeline.agency_export import export_agencies

    as_of = _as_of(args.as_of)
    written = export_agencies(Path(args.dataset), Path(args.out), as_of)
    print(f"{len(written)} workbook(s) in {args.out} (status as of {as_of.isoformat()})")
    return 0


def _as_of(text: str | None) -> dt.date:
    """``--as-of``: an ISO date, or today in Vietnam."""
    from pipeline.report import today_in_vietnam

    if not text:
        return today_in_vietnam()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--as-of {text!r} is not a date (YYYY-MM-DD)") from None


def _cmd_report(args: argparse.Namespace) -> int:
    from pipeline.report import write_report
    from pipeline.runs import current_run

    dataset = Path(args.dataset)
    run_dir = current_run(dataset) or dataset  # a folder without a dataset: one line from pipeline.query.connect
    as_of = _as_of(args.as_of)
    written = write_report(run_dir, as_of, Path(args.out) if args.out else None)
    print(f"report: {written} (deadlines as of {as_of.isoformat()})")
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from schemas.generate import write_schemas

    for path in write_schemas():
        print(path)
    return 0


WORKERS_VARIABLE = "VNPLAN_WORKERS"


def _default_workers() -> int | None:
    """``--workers`` when not given: ``VNPLAN_WORKERS`` (a number, or "auto"), else None: one worker per core when
    two documents or more are new (``pipeline.run.workers_for``)."""
    value = os.environ.get(WORKERS_VARIABLE, "").strip().lower()
    if value in ("", "auto"):
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{WORKERS_VARIABLE}={value!r}: give a number of worker processes (1 or more) or auto")
    return int(value)


def _worker_count(text: str) -> int:
    count = int(text)
    if count < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {count}")
    return count


def _limit(text: str) -> float | None:
    """A per-document limit: a positive number, or 0 for none."""
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or more, not {text}")
    return value or None


def _add_limit_options(parser: argparse.ArgumentParser) -> None:
    """The per-document resource limits (``extractors.limits.ResourceLimits``); 0 switches one off."""
    for option, field, unit in (
        ("--max-file-mb", "max_file_mb", "MB: larger files are refused before they are read"),
        ("--max-seconds", "max_seconds", "seconds one document may take"),
        ("--max-memory-mb", "max_memory_mb", "MB the process may grow by while reading one document"),
    ):
        parser.add_argument(
            option,
            type=_limit,
            default=getattr(DEFAULT_LIMITS, field),
            metavar="N",
            help=f"per-document limit in {unit} (default {getattr(DEFAULT_LIMITS, field):g}; 0 = none)",
        )


def _limits(args: argparse.Namespace) -> ResourceLimits:
    return ResourceLimits(args.max_file_mb, args.max_seconds, args.max_memory_mb)


def _add_execution_options(parser: argparse.ArgumentParser) -> None:
    """``--workers`` / ``--dask-address``: where the documents are processed (one or the other)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=_worker_count,
        default=None,
        metavar="N",
        help="process the documents on a local Dask cluster of N worker processes; 1: one after the other in this "
        "process, the only mode with the per-document timer (default: one per core when two documents or more "
        "are new, else 1); not with --dask-address",
    )
    where.add_argument(
        "--dask-address",
        metavar="ADDR",
        help="process the documents on the workers of this Dask scheduler (tcp://host:8786); the inbox, OUT "
        "and its cache must be on storage every worker shares; not with --workers",
    )


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
    run_parser.add_argument("--keep-runs", type=int, default=5, help="run folders to keep in OUT/runs (default 5)")
    run_parser.add_argument("--verbose", action="store_true", help="show Prefect's logs on the terminal")
    run_parser.add_argument(
        "--force",
        action="store_true",
        help="run everything even when nothing changed since the published dataset (the documents still come "
        "from the cache)",
    )
    _add_execution_options(run_parser)
    _add_limit_options(run_parser)
    run_parser.set_defaults(handler=_cmd_run, label="run")
    serve_parser = commands.add_parser(
        "serve", help="serve the nightly rerun on a Prefect server (started locally unless PREFECT_API_URL is set)"
    )
    serve_parser.add_argument("paths", nargs="+", help="the inbox: plan files or folders")
    serve_parser.add_argument("--out", required=True, help="output folder for the dataset")
    serve_parser.add_argument(
        "--overrides", default=str(DEFAULT_OVERRIDES_PATH), help=f"overrides file (default: {DEFAULT_OVERRIDES_PATH})"
    )
    serve_parser.add_argument("--cron", default="0 2 * * *", help='when to run (default "0 2 * * *": 02:00)')
    serve_parser.add_argument("--timezone", default="Asia/Ho_Chi_Minh", help="the cron's time zone")
    serve_parser.add_argument("--host", default="127.0.0.1", help="the local Prefect server's address")
    serve_parser.add_argument("--port", type=int, default=4200, help="the local Prefect server's port (UI and API)")
    serve_parser.add_argument("--keep-runs", type=int, default=5, help="run folders to keep in OUT/runs (default 5)")
    _add_execution_options(serve_parser)
    serve_parser.set_defaults(handler=_cmd_serve, label="serve")
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
    query_parser = commands.add_parser(
        "query",
        help="SQL over a published dataset (DuckDB views: documents, targets, tasks, agencies, review_queue, "
        "agency_refs)",
    )
    query_parser.add_argument("sql", help='the query, e.g. "SELECT province, count(*) FROM documents GROUP BY 1"')
    query_parser.add_argument("--dataset", required=True, help="an output folder of vnplan run (or a run folder)")
    query_parser.add_argument("--format", choices=("table", "csv", "json"), default="table", help="default: table")
    query_parser.set_defaults(handler=_cmd_query, label="query")
    export_parser_ = commands.add_parser("export", help="write the dataset for the people who follow the plans")
    export_commands = export_parser_.add_subparsers(dest="what", required=True)
    agencies_parser = export_commands.add_parser(
        "agencies", help="one XLSX workbook per agency of each province: tasks it leads, supports, targets it tracks"
    )
    agencies_parser.add_argument("--dataset", required=True, help="an output folder of vnplan run (or a run folder)")
    agencies_parser.add_argument("--out", required=True, help="folder for DIR/<province>/<agency>.xlsx")
    agencies_parser.add_argument("--as-of", help="the date of the status column (default: today in Vietnam)")
    agencies_parser.set_defaults(handler=_cmd_export_agencies, label="export agencies")
    report_parser = commands.add_parser(
        "report", help="write the run report (report.html: plans, charts, tasks due soon or past due) again"
    )
    report_parser.add_argument("--dataset", default="out", help="an output folder of vnplan run (default: out)")
    report_parser.add_argument(
        "--out", help="the page to write (default: report.html of the dataset's current run, rewritten)"
    )
    report_parser.add_argument("--as-of", help="the date deadlines are compared with (default: today in Vietnam)")
    report_parser.set_defaults(handler=_cmd_report, label="report")
    schema_parser = commands.add_parser("schema", help="regenerate schemas/*.schema.json from the records")
    schema_parser.set_defaults(handler=_cmd_schema, label="schema")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        default_pdf_settings()  # a mistyped VNPLAN_PDF_BACKEND is said before any work starts
        code: int = args.handler(args)
    except ValueError as error:  # bad input the user can fix: a clear message, no traceback
        print(f"vnplan {args.label}: {error}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
