"""The pipeline benchmark's measurements, in order; see ``bench/pipeline_bench.py`` for how to run it.

Before anything of vnplan is imported, the measured code (the packages that ``import pipeline`` would
load: the editable install, or whatever ``PYTHONPATH`` puts first) is copied into the benchmark's work
folder, and both this process and every child process run that copy.  So the code cannot change under the
benchmark (other people editing the tree would otherwise change vnplan's code hash between a run and its
no-change rerun, and nothing would come from the cache), and the figures belong to one known version.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import importlib.util
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import corpus
from bench.machine import code_info, load_average, machine_info
from bench.table_agreement import (
    Agreement,
    Table,
    agreement,
    gold_pdfs,
    pdfplumber_tables,
    pymupdf_supports_layout_switch,
    pymupdf_tables,
)
from bench.timing import ChildRun, Launcher, last_json_line, median, summarize, time_call, timed

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("extractors", "normalizers", "pipeline", "schemas")
FORMATS = {"txt": ".txt", "docx": ".docx", "pdf": ".pdf"}
PROBE = Path(__file__).resolve().parent / "probe.py"
CHILD_TIMEOUT_S = 3600.0
PROFILE_TOP = 10
EPHEMERAL_STARTUP_TIMEOUT_S = 180


@dataclass
class Options:
    samples: Path = ROOT / "samples"
    gold: Path = ROOT / "tests" / "fixtures" / "gold"
    runs: int = 3
    sizes: tuple[int, ...] = (10, 100, 1000)
    pages: tuple[int, int] = (30, 300)
    workers: int | None = None
    label: str = "current"
    quick: bool = False
    budget_s: float = 600.0
    reference_layout: bool = True
    keep_work: bool = False


@dataclass
class Bench:
    options: Options
    work: Path
    started: float = field(default_factory=time.perf_counter)
    env: dict[str, str] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    documents: dict[str, Any] = field(default_factory=dict)  # PDF path -> the Document vnplan read
    vnplan_run: list[str] = field(default_factory=list)
    launcher: Launcher | None = None

    # -- bookkeeping ----------------------------------------------------------------------------

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def log(self, message: str) -> None:
        print(f"[bench {self.elapsed():6.0f} s] {message}", file=sys.stderr, flush=True)

    def fits(self, seconds: float) -> bool:
        """Whether ``seconds`` more work still ends within the time budget."""
        return self.elapsed() + seconds <= self.options.budget_s

    def sample_files(self, suffix: str) -> list[Path]:
        return sorted(path for path in self.options.samples.glob(f"*{suffix}") if not path.name.startswith("."))

    def child(self, command: list[str], log: Path) -> ChildRun:
        if self.launcher is None:
            self.launcher = Launcher()
        return self.launcher.run(command, cwd=self.work, env=self.env, log=log, timeout=CHILD_TIMEOUT_S)

    # -- setup -----------------------------------------------------------------------------------

    def freeze_code(self) -> None:
        """Copy the code that ``import pipeline`` would load, and make this process and its children use it."""
        spec = importlib.util.find_spec("pipeline")
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit("vnplan is not importable: install it (make bench does) or set PYTHONPATH")
        code_root = Path(next(iter(spec.submodule_search_locations))).resolve().parent
        snapshot = self.work / "code"
        for package in PACKAGES:
            shutil.copytree(code_root / package, snapshot / package, ignore=shutil.ignore_patterns("__pycache__"))
        sys.path.insert(0, str(snapshot))
        os.environ["PREFECT_HOME"] = str(self.work / "prefect")
        import pipeline

        print(f"pipeline.__file__ = {pipeline.__file__} (copied from {code_root})", file=sys.stderr)
        self.results["code"] = {**code_info(code_root, PACKAGES), "snapshot": str(snapshot)}
        env = dict(os.environ)
        env.pop("PREFECT_API_URL", None)  # always Prefect's ephemeral mode, never someone's server
        # A loaded machine can take longer than Prefect's default 20 s to start the ephemeral API server.
        env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", str(EPHEMERAL_STARTUP_TIMEOUT_S))
        env.update(
            PYTHONPATH=str(snapshot),
            PREFECT_HOME=str(self.work / "prefect"),
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PYTHONDONTWRITEBYTECODE="1",
        )
        self.env = env
        self.vnplan_run = [sys.executable, "-m", "pipeline.cli", "run"]

    # -- in-process figures ---------------------------------------------------------------------

    def readers(self) -> None:
        """read_document and process_file on every sample, in this process, median of ``runs`` calls each."""
        from extractors.readers import read_document
        from pipeline.documents import process_file

        for path in self.sample_files(".txt"):
            process_file(path)  # warm-up: registry, matcher and tagger are loaded once per process
        readers: dict[str, Any] = {}
        whole: dict[str, Any] = {}
        for name, suffix in FORMATS.items():
            files = self.sample_files(suffix)
            self.log(f"read_document and process_file on {len(files)} {name} sample(s)")
            read_rows, process_rows = [], []
            for path in files:
                seconds, document = timed(lambda p=path: read_document(p), self.options.runs)
                if suffix == ".pdf":
                    self.documents[str(path)] = document
                read_rows.append({"name": path.name, "pages": document.page_count, **summarize(seconds)})
                seconds = [time_call(lambda p=path: process_file(p)) for _ in range(self.options.runs)]
                process_rows.append({"name": path.name, "pages": document.page_count, **summarize(seconds)})
            readers[name] = _throughput(read_rows)
            whole[name] = _throughput(process_rows)
        self.results["readers"] = readers
        self.results["process_file"] = whole

    def reference(self) -> None:
        """Other table extractors on the same PDFs: pages/s, and agreement with the gold (vnplan's too)."""
        pdfs = self.sample_files(".pdf")
        gold = {str(pdf): records for pdf, records in gold_pdfs(self.options.gold, self.options.samples)}
        pages = {str(p): self.documents[str(p)].page_count for p in pdfs if str(p) in self.documents}
        ours = Agreement()
        for key, records in gold.items():
            if key in self.documents:
                tables = [[row.texts for row in block.rows] for block in self.documents[key].tables()]
                agreement(tables, records, into=ours)
        reader = self.results["readers"]["pdf"]
        rows: list[dict[str, Any]] = [
            {
                "extractor": "vnplan PDF reader (read_document: pdfplumber tables + text lines)",
                "key": "vnplan",
                **{k: reader[k] for k in ("runs", "pages", "median_total_s", "pages_per_s")},
                "agreement": ours.as_dict(),
            }
        ]
        candidates: list[tuple[str, str, Callable[[Path], list[Table]], int]] = [
            (
                "pdfplumber find_tables + extract, vnplan's table settings (tables only)",
                "pdfplumber",
                pdfplumber_tables,
                self.options.runs,
            ),
        ]
        try:
            layout_switch = pymupdf_supports_layout_switch()
        except ImportError:
            self.results["reference"] = {"rows": rows, "note": "PyMuPDF is not installed (pip install -e '.[bench]')"}
            return
        if layout_switch:
            candidates.append(
                (
                    "PyMuPDF find_tables(use_layout=False) + extract (line-based)",
                    "pymupdf_lines",
                    lambda p: pymupdf_tables(p, use_layout=False),
                    self.options.runs,
                )
            )
            if self.options.reference_layout:
                candidates.append(
                    (
                        "PyMuPDF find_tables() + extract, defaults (layout model + lines)",
                        "pymupdf_default",
                        pymupdf_tables,
                        1,
                    )
                )
        else:
            candidates.append(
                ("PyMuPDF find_tables() + extract, defaults", "pymupdf_default", pymupdf_tables, self.options.runs)
            )
        for label, key, extract, runs in candidates:
            self.log(f"reference: {label}, {runs} run(s)")
            found = Agreement()
            files = []
            for pdf in pdfs:
                seconds, tables = timed(lambda p=pdf, e=extract: e(p), runs)
                files.append({"name": pdf.name, "pages": pages.get(str(pdf)), **summarize(seconds)})
                if str(pdf) in gold:
                    agreement(tables, gold[str(pdf)], into=found)
            summary = _throughput(files)
            rows.append(
                {
                    "extractor": label,
                    "key": key,
                    "runs": runs,
                    **{k: summary[k] for k in ("pages", "median_total_s", "pages_per_s")},
                    "agreement": found.as_dict(),
                }
            )
        self.results["reference"] = {"rows": rows, "gold_pdfs": sorted(Path(k).name for k in gold)}

    def profile(self) -> None:
        """cProfile of process_file on the sample PDF with the most pages (warm process)."""
        from pipeline.documents import process_file

        pdfs = self.sample_files(".pdf")
        if not pdfs:
            return
        target = max(pdfs, key=lambda p: _pages(self.documents.get(str(p))))
        self.log(f"cProfile of process_file on {target.name}")
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.runcall(process_file, target)
        seconds = time.perf_counter() - started
        stats = pstats.Stats(profiler)
        entries = []
        for (filename, line, function), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
            entries.append(
                {
                    "function": _short_location(filename, line, function, self.work / "code"),
                    "calls": calls,
                    "tottime_s": round(own, 3),
                    "cumtime_s": round(cumulative, 3),
                }
            )
        by_cumulative = sorted(entries, key=lambda e: e["cumtime_s"], reverse=True)
        by_own = sorted(entries, key=lambda e: e["tottime_s"], reverse=True)
        self.results["profile"] = {
            "file": target.name,
            "pages": _pages(self.documents.get(str(target))) or None,
            "seconds_under_profiler": round(seconds, 3),
            "top_cumulative": by_cumulative[:PROFILE_TOP],
            "top_own": by_own[:PROFILE_TOP],
        }

    # -- memory against page count (fresh processes) --------------------------------------------

    def memory(self) -> None:
        pdfs = [p for p in self.sample_files(".pdf") if str(p) in self.documents]
        if not pdfs:
            return
        # The PDF with the most table blocks per page: tables are what the reader keeps most of.
        source = max(pdfs, key=lambda p: len(self.documents[str(p)].tables()) / max(_pages(self.documents[str(p)]), 1))
        small, large = self.options.pages
        built = {n: corpus.repeat_pdf(source, n, self.work / "memory" / f"repeated-{n}.pdf") for n in (small, large)}
        probes: list[dict[str, Any]] = []
        baseline = self._probe("baseline", None)
        for mode in ("read", "process"):
            for n in (small, large):
                self.log(f"memory probe: {mode} a {n}-page PDF in a fresh process")
                probes.append(self._probe(mode, built[n]))
        result: dict[str, Any] = {
            "source": source.name,
            "source_pages": self.documents[str(source)].page_count,
            "pages": [small, large],
            "baseline": baseline,
            "probes": probes,
        }
        for mode in ("read", "process"):
            low = next(p for p in probes if p["mode"] == mode and p["pages_built"] == small)
            high = next(p for p in probes if p["mode"] == mode and p["pages_built"] == large)
            result[f"{mode}_ratio"] = _ratio(high["peak_kb"], low["peak_kb"])
            result[f"{mode}_increment_ratio"] = _ratio(
                high["peak_kb"] - baseline["peak_kb"], low["peak_kb"] - baseline["peak_kb"]
            )
            result[f"{mode}_work_growth_ratio"] = _ratio(high["work_growth_kb"], low["work_growth_kb"])
        self.results["memory"] = result

    def _probe(self, mode: str, pdf: Path | None) -> dict[str, Any]:
        command = [sys.executable, str(PROBE), mode, *([str(pdf)] if pdf else [])]
        log = self.work / "logs" / f"probe-{mode}-{pdf.stem if pdf else 'none'}.log"
        run = self.child(command, log)
        if run.exit_code != 0:
            raise RuntimeError(f"memory probe {mode} failed ({run.exit_code}):\n{run.stdout[-3000:]}")
        figures = last_json_line(run.stdout)
        pages = figures.get("pages")
        seconds = figures.get("seconds") or 0.0
        imported, work_peak = figures.get("imported_kb"), figures.get("work_peak_kb")
        return {
            "mode": mode,
            "pages_built": int(pdf.stem.rsplit("-", 1)[1]) if pdf else None,
            "pages": pages,
            "seconds": round(seconds, 3),
            "pages_per_s": pages / seconds if pages and seconds else None,
            "peak_kb": figures.get("peak_kb") or run.maxrss_kb,
            "maxrss_kb": run.maxrss_kb,
            "imported_kb": imported,
            "work_peak_kb": work_peak,
            "work_growth_kb": work_peak - imported if work_peak and imported else None,
            "wall_s": round(run.wall_s, 3),
        }

    # -- vnplan run as a child process -------------------------------------------------------------

    def vnplan(self, inbox: Path, out: Path, tag: str) -> dict[str, Any]:
        """One ``vnplan run INBOX --out OUT`` (no overrides file; ``--workers`` only when asked for)."""
        command = [*self.vnplan_run, str(inbox), "--out", str(out), "--overrides", str(self.work / "no-overrides.json")]
        if self.options.workers is not None:
            command += ["--workers", str(self.options.workers)]
        earlier = _run_folders(out)
        run = self.child(command, self.work / "logs" / f"{tag}.log")
        figures = {**run.as_dict(), "command": " ".join(command[2:])}
        figures["summary"] = _run_summary(out, earlier)
        if figures["summary"] is None:
            last = [line for line in run.stdout.splitlines() if line.strip()][-1:] or [""]
            figures["error"] = f"exit {run.exit_code}, no manifest written: {last[0][:300]}"
            self.log(f"vnplan run FAILED ({figures['error']}); log: {self.work / 'logs' / tag}.log")
        return figures

    def warm_up(self) -> None:
        """One small untimed run first: Prefect creates its database, the OS caches the libraries."""
        texts = self.sample_files(".txt")[:1]
        inbox = self.work / "warm-up"
        inbox.mkdir()
        for path in texts:
            shutil.copy2(path, inbox / path.name)
        self.log("warm-up run (untimed): Prefect's database is created")
        run = self.vnplan(inbox, self.work / "out-warm-up", "warm-up")
        if run.get("error"):
            run = self.vnplan(inbox, self.work / "out-warm-up", "warm-up-again")
        self.results["warm_up_s"] = round(run["wall_s"], 2)
        shutil.rmtree(self.work / "out-warm-up", ignore_errors=True)

    def end_to_end(self) -> None:
        figures: dict[str, Any] = {}
        for name, suffix in FORMATS.items():
            files = self.sample_files(suffix)
            inbox = self.work / f"inbox-{name}"
            inbox.mkdir()
            for path in files:
                shutil.copy2(path, inbox / path.name)
            runs = []
            for index in range(self.options.runs):
                self.log(f"vnplan run on the {len(files)} {name} sample(s), run {index + 1}/{self.options.runs}")
                out = self.work / f"out-{name}-{index}"
                run = self.vnplan(inbox, out, f"e2e-{name}-{index}")
                run["check"] = _check(run["summary"], processed=len(files))
                runs.append(run)
                shutil.rmtree(out, ignore_errors=True)
            pages = sum(self.documents[str(p)].page_count or 0 for p in files if str(p) in self.documents) or None
            figures[name] = {"documents": len(files), "pages": pages, "runs": runs, **_run_medians(runs)}
        self.results["end_to_end"] = figures

    def scaling(self) -> None:
        templates = corpus.templates(self.options.samples)
        sizes = sorted(set(self.options.sizes))
        entries: dict[int, dict[str, Any]] = {}
        for size in sizes:
            folder = self.work / f"corpus-{size}"
            corpus.generate_corpus(templates, size, folder)
            entries[size] = {"documents": size, "templates": [t.name for t in templates], "first": [], "rerun": []}
            self._scaling_pair(size, folder, entries[size])
        for size in sizes:  # repeats, smallest first, while the time budget allows
            entry = entries[size]
            while len(entry["first"]) < self.options.runs:
                cost = entry["first"][0]["wall_s"] + entry["rerun"][0]["wall_s"]
                if not self.fits(cost):
                    entry["skipped_repeats"] = (
                        f"{self.options.runs - len(entry['first'])} repeat(s) skipped: "
                        f"about {cost:.0f} s each would pass the {self.options.budget_s:.0f} s budget"
                    )
                    self.log(f"{size} documents: {entry['skipped_repeats']}")
                    break
                self._scaling_pair(size, self.work / f"corpus-{size}", entry)
        for size in sizes:
            entry = entries[size]
            entry["first_median"] = _run_medians(entry["first"])
            entry["rerun_median"] = _run_medians(entry["rerun"])
            shutil.rmtree(self.work / f"corpus-{size}", ignore_errors=True)
        self.results["scaling"] = [entries[size] for size in sizes]

    def _scaling_pair(self, size: int, folder: Path, entry: dict[str, Any]) -> None:
        index = len(entry["first"])
        out = self.work / f"out-corpus-{size}-{index}"
        self.log(f"vnplan run on {size} generated documents (first run {index + 1}: all new)")
        first = self.vnplan(folder, out, f"corpus-{size}-{index}-first")
        first["check"] = _check(first["summary"], processed=size)
        self.log(f"vnplan run on {size} generated documents again (no change: all from the cache)")
        rerun = self.vnplan(folder, out, f"corpus-{size}-{index}-rerun")
        rerun["check"] = _check(rerun["summary"], cached=size)
        entry["first"].append(first)
        entry["rerun"].append(rerun)
        shutil.rmtree(out, ignore_errors=True)

    # -- everything ------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        options = self.options
        self.results.update(
            label=options.label,
            started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            machine=machine_info(),
            settings={
                "runs": options.runs,
                "sizes": list(options.sizes),
                "pages": list(options.pages),
                "workers": options.workers,
                "quick": options.quick,
                "budget_s": options.budget_s,
                "samples": str(options.samples),
            },
        )
        self.launcher = Launcher()  # before vnplan is imported here: see bench/launcher.py
        try:
            self.freeze_code()
            self._steps()
        finally:
            self.launcher.close()
        self.results["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.results["machine"]["load_average_at_end"] = load_average()
        self.results["duration_s"] = round(self.elapsed(), 1)
        return self.results

    def _steps(self) -> None:
        steps: list[tuple[str, Callable[[], None]]] = [
            ("readers", self.readers),
            ("reference", self.reference),
            ("profile", self.profile),
            ("memory", self.memory),
            ("warm_up", self.warm_up),
            ("end_to_end", self.end_to_end),
            ("scaling", self.scaling),
        ]
        timings: dict[str, float] = {}
        for name, step in steps:
            started = time.perf_counter()
            step()
            timings[name] = round(time.perf_counter() - started, 1)
            self.results["step_seconds"] = timings  # kept up to date: a failed step still shows what ran


# -- helpers ---------------------------------------------------------------------------------------


def _throughput(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals of per-file medians: documents/s and, when pages are known, pages/s."""
    total = sum(row["median_s"] or 0.0 for row in rows)
    pages = sum(row["pages"] or 0 for row in rows) or None
    return {
        "files": rows,
        "runs": min((row["runs"] for row in rows), default=0),
        "documents": len(rows),
        "pages": pages,
        "median_total_s": total,
        "docs_per_s": len(rows) / total if total else None,
        "pages_per_s": pages / total if pages and total else None,
    }


def _run_folders(out: Path) -> set[str]:
    runs = out / "runs"
    return {path.name for path in runs.iterdir()} if runs.is_dir() else set()


def _run_summary(out: Path, earlier: set[str]) -> dict[str, Any] | None:
    """The summary in the manifest of the run folder this run made (published or not); None if it made none."""
    made = sorted(name for name in _run_folders(out) - earlier if (out / "runs" / name / "manifest.json").exists())
    if not made:
        return None
    manifest = json.loads((out / "runs" / made[-1] / "manifest.json").read_text(encoding="utf-8"))
    summary = dict(manifest.get("summary", {}))
    summary["status"] = manifest.get("status")
    summary["document_seconds"] = round(sum(d.get("seconds") or 0.0 for d in manifest.get("documents", [])), 2)
    return summary


def _check(summary: dict[str, Any] | None, processed: int | None = None, cached: int | None = None) -> str:
    """'ok', or what differs from what the run should have done."""
    if summary is None:
        return "FAILED: no manifest (see the run's error)"
    problems = []
    if processed is not None and summary.get("processed") != processed:
        problems.append(f"processed {summary.get('processed')} instead of {processed}")
    if cached is not None and summary.get("cached") != cached:
        problems.append(f"cached {summary.get('cached')} instead of {cached}")
    if summary.get("failed"):
        problems.append(f"{summary['failed']} failed")
    if not summary.get("published"):
        problems.append(f"not published ({summary.get('status')})")
    return "; ".join(problems) or "ok"


def _run_medians(all_runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the runs that completed (a run without a manifest only shows in ``checks``)."""
    runs = [run for run in all_runs if run.get("summary") is not None]

    def of(key: Callable[[dict[str, Any]], float | None]) -> float | None:
        values = [value for value in (key(run) for run in runs) if value is not None]
        return median(values)

    return {
        "n": len(runs),
        "wall_s": of(lambda r: r["wall_s"]),
        "flow_s": of(lambda r: (r["summary"] or {}).get("seconds")),
        "document_s": of(lambda r: (r["summary"] or {}).get("document_seconds")),
        "own_peak_kb": of(lambda r: r["own_peak_kb"] or None),
        "maxrss_kb": of(lambda r: r["maxrss_kb"]),
        "children_peak_kb": of(lambda r: r["children_peak_kb"] or None),
        "tree_peak_kb": of(lambda r: r["tree_peak_kb"] or None),
        "checks": sorted({run.get("check", "ok") for run in all_runs}),
    }


def _pages(document: Any) -> int:
    return int(getattr(document, "page_count", None) or 0)


def _ratio(high: float | None, low: float | None) -> float | None:
    return high / low if high is not None and low is not None and low > 0 else None


def _short_location(filename: str, line: int, function: str, snapshot: Path) -> str:
    if filename == "~":
        return function  # a built-in
    for marker in (str(snapshot) + os.sep, "site-packages" + os.sep, "lib" + os.sep + "python"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({function})"


def make_workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="vnplan-bench-"))
