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
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
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
from bench.timing import ChildRun, Launcher, high_water_kb, last_json_line, median, summarize, time_call, timed

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("extractors", "normalizers", "pipeline", "schemas")
FORMATS = {"txt": ".txt", "docx": ".docx", "pdf": ".pdf"}
PROBE = Path(__file__).resolve().parent / "probe.py"
CHILD_TIMEOUT_S = 3600.0
PROFILE_TOP = 10
EPHEMERAL_STARTUP_TIMEOUT_S = 180
SERVER_STARTUP_TIMEOUT_S = 180
MEMORY_MODES = ("process",)


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
    budget_s: float = 510.0
    all_references: bool = False
    """Also pdfplumber's tables alone and PyMuPDF's default (layout-model) finder: about 50 s more."""
    keep_work: bool = False
    lanes: bool = True
    """Run the generated corpus's lane beside the other lane (profile, memory, per-format runs), one per core."""


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
    server: subprocess.Popen[bytes] | None = None
    _lane: threading.local = field(default_factory=threading.local)
    _templates: list[Path] = field(default_factory=list)
    _scaling: dict[int, dict[str, Any]] = field(default_factory=dict)
    _first_done: threading.Event = field(default_factory=threading.Event)
    _server_started: float = 0.0
    _server_url: str = ""
    _server_poller: threading.Thread = field(default_factory=threading.Thread)

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
        """Run a child process through this lane's launcher (each lane has its own: one request at a time)."""
        launcher = getattr(self._lane, "launcher", None) or self.launcher
        if launcher is None:
            launcher = self.launcher = Launcher()
        return launcher.run(command, cwd=self.work, env=self.env, log=log, timeout=CHILD_TIMEOUT_S)

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

    def spawn_server(self) -> None:
        """Start one Prefect server for every timed ``vnplan run`` (as a nightly deployment has), on a free port.

        Each ``vnplan run`` without ``PREFECT_API_URL`` would otherwise start and stop a temporary server of
        its own (Prefect's ephemeral mode: about 20 s a run here).  It starts while the benchmark imports
        vnplan; :meth:`await_server` waits for it before the first run.
        """
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
        log = self.work / "logs" / "prefect-server.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        self._server_started = time.perf_counter()
        with open(log, "wb") as sink:
            self.server = subprocess.Popen(command, cwd=self.work, env=self.env, stdout=sink, stderr=subprocess.STDOUT)
        self._server_url = f"http://127.0.0.1:{port}/api"
        self._server_poller = threading.Thread(target=self._poll_server, args=(self.server,), daemon=True)
        self._server_poller.start()

    def _poll_server(self, server: subprocess.Popen[bytes]) -> None:
        """Until the server answers (or ends, or the start-up timeout passes): when it answered, in the results."""
        while time.perf_counter() - self._server_started < SERVER_STARTUP_TIMEOUT_S and server.poll() is None:
            try:
                with urllib.request.urlopen(f"{self._server_url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        up_after = round(time.perf_counter() - self._server_started, 2)
                        self.results["prefect_server"] = {"url": self._server_url, "up_after_s": up_after}
                        return
            except OSError:
                time.sleep(0.5)

    def await_server(self) -> None:
        assert self.server is not None
        self._server_poller.join()
        if "prefect_server" not in self.results:
            log = self.work / "logs" / "prefect-server.log"
            ended = f"it ended ({self.server.returncode})" if self.server.poll() is not None else "no answer"
            raise RuntimeError(
                f"the Prefect server did not start within {SERVER_STARTUP_TIMEOUT_S} s: {ended}; see {log}"
            )
        self.env["PREFECT_API_URL"] = self._server_url
        self.log(
            f"Prefect server at {self._server_url} (answering {self.results['prefect_server']['up_after_s']} s "
            "after its start)"
        )

    def stop_server(self) -> None:
        if self.server is None:
            return
        self.results.setdefault("prefect_server", {})["peak_kb"] = high_water_kb(self.server.pid)
        self.server.terminate()
        try:
            self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        self.server = None

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

    def pdf_backends(self) -> None:
        """``read_document`` and ``process_file`` on every sample PDF under each PDF backend, side by side in this
        run (``VNPLAN_PDF_BACKEND`` switched in process), medians of ``runs`` calls each."""
        from extractors.readers import read_document
        from extractors.settings import BACKEND_VARIABLE, PDF_BACKENDS
        from pipeline.documents import process_file

        files = self.sample_files(".pdf")
        result: dict[str, Any] = {}
        before = os.environ.get(BACKEND_VARIABLE)
        try:
            for backend in PDF_BACKENDS:
                os.environ[BACKEND_VARIABLE] = backend
                self.log(f"read_document and process_file on {len(files)} sample PDF(s), {backend} backend")
                read_rows, process_rows = [], []
                for path in files:
                    seconds, document = timed(lambda p=path: read_document(p), self.options.runs)
                    read_rows.append({"name": path.name, "pages": document.page_count, **summarize(seconds)})
                    seconds = [time_call(lambda p=path: process_file(p)) for _ in range(self.options.runs)]
                    process_rows.append({"name": path.name, "pages": document.page_count, **summarize(seconds)})
                result[backend] = {"read_document": _throughput(read_rows), "process_file": _throughput(process_rows)}
        finally:
            if before is None:
                os.environ.pop(BACKEND_VARIABLE, None)
            else:
                os.environ[BACKEND_VARIABLE] = before
        self.results["pdf_backends"] = result

    def drawing_styles(self) -> None:
        """The sample plans printed by LibreOffice in the booktabs style (rules above and below the header and one
        closing each table, none between columns: ``bench/table_styles.py``): ``read_document``'s pages/s on
        them, and their rows and fields against the gold."""
        from bench.table_styles import STYLES, office, render_samples, score
        from extractors.readers import read_document

        try:
            office()
        except RuntimeError as error:
            self.results["drawing_styles"] = {"note": str(error)}
            return
        self.log("the samples printed in the booktabs style (LibreOffice), read_document on each")
        pdfs = render_samples(self.options.samples, STYLES["booktabs"], self.work / "styles" / "booktabs")
        rows = []
        for path in pdfs:
            seconds, document = timed(lambda p=path: read_document(p), self.options.runs)
            rows.append({"name": path.name, "pages": document.page_count, **summarize(seconds)})
        self.results["drawing_styles"] = {"booktabs": {**_throughput(rows), "scores": score(pdfs, self.options.gold)}}

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
        candidates: list[tuple[str, str, Callable[[Path], list[Table]], int]] = []
        if self.options.all_references:  # about 20 s: what vnplan's reader adds to pdfplumber's tables
            candidates.append(
                (
                    "pdfplumber find_tables + extract, vnplan's table settings (tables only)",
                    "pdfplumber",
                    pdfplumber_tables,
                    self.options.runs,
                )
            )
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
            if self.options.all_references:
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
        # ``process_file`` reads the PDF and builds its records: the whole per-document pipeline.  (Reading alone,
        # mode "read" of bench/probe.py, added a minute to the benchmark and is part of this figure.)
        for mode in MEMORY_MODES:
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
        for mode in MEMORY_MODES:
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

    def vnplan(self, inbox: Path, out: Path, tag: str, workers: str | None = "lane") -> dict[str, Any]:
        """One ``vnplan run INBOX --out OUT`` against the benchmark's Prefect server (no overrides file).

        ``workers``: "lane" (the default) passes ``--workers`` as asked for the benchmark, else 1: each lane is one
        core's; None passes nothing, so that vnplan's own default (one worker per core for a batch) is measured.
        """
        command = [*self.vnplan_run, str(inbox), "--out", str(out), "--overrides", str(self.work / "no-overrides.json")]
        if workers == "lane":
            command += ["--workers", str(self.options.workers or 1)]
        elif workers is not None:
            command += ["--workers", workers]
        earlier = _run_folders(out)
        run = self.child(command, self.work / "logs" / f"{tag}.log")
        figures = {**run.as_dict(), "command": " ".join(command[2:])}
        figures["summary"] = _run_summary(out, earlier)
        if figures["summary"] is None:
            last = [line for line in run.stdout.splitlines() if line.strip()][-1:] or [""]
            figures["error"] = f"exit {run.exit_code}, no manifest written: {last[0][:300]}"
            self.log(f"vnplan run FAILED ({figures['error']}); log: {self.work / 'logs' / tag}.log")
        return figures

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

    def defaults(self) -> None:
        """What a user's plain ``vnplan run`` costs, alone on the machine (both cores free):

        - the nightly rerun with nothing changed on the samples (every format: 9 files), after one first run;
        - 100 new text documents with ``--workers 1`` (one after the other in the run's process), with a local Dask
          cluster of one worker per core (``--workers N``), and with vnplan's default (which picks one of the two
          from the batch's expected work: ``pipeline.run.workers_for``).
        """
        inbox = self.work / "inbox-all-samples"
        inbox.mkdir(exist_ok=True)
        for path in sorted(self.options.samples.iterdir()):
            if path.suffix in FORMATS.values():
                shutil.copy2(path, inbox / path.name)
        out = self.work / "out-all-samples"
        files = len(list(inbox.iterdir()))
        self.log(f"vnplan run on the {files} sample files, then again with nothing changed")
        first = self.vnplan(inbox, out, "samples-first", workers=None)
        quiet = []
        for index in range(self.options.runs):
            rerun = self.vnplan(inbox, out, f"samples-unchanged-{index}", workers=None)
            rerun["check"] = _check(rerun["summary"], unchanged=files)
            quiet.append(rerun)
        figures: dict[str, Any] = {
            "samples": {"documents": files, "first": first, "unchanged": {"runs": quiet, **_run_medians(quiet)}}
        }
        size = 100 if 100 in self._scaling else min(self._scaling)
        folder = self.work / f"corpus-{size}"
        modes: dict[str, Any] = {}
        cores = str(max(2, os.cpu_count() or 1))
        for mode, workers in (("serial", "1"), ("cluster", cores), ("default", None)):
            runs = []
            for index in range(min(self.options.runs, 2)):
                self.log(f"vnplan run on {size} new documents, {mode} ({index + 1})")
                out = self.work / f"out-defaults-{mode}-{index}"
                run = self.vnplan(folder, out, f"defaults-{mode}-{index}", workers=workers)
                run["check"] = _check(run["summary"], processed=size)
                run["executor"] = _executor(out)
                runs.append(run)
                shutil.rmtree(out, ignore_errors=True)
            modes[mode] = {"runs": runs, **_run_medians(runs)}
        figures["new_documents"] = {"documents": size, "cores": os.cpu_count(), **modes}
        self.results["defaults"] = figures

    def prepare_corpus(self) -> None:
        """Generate the corpus of every size (both lanes run on it)."""
        templates = corpus.templates(self.options.samples)
        self._templates = templates
        self._scaling = {}
        for size in sorted(set(self.options.sizes)):
            corpus.generate_corpus(templates, size, self.work / f"corpus-{size}")
            names = [t.name for t in templates]
            self._scaling[size] = {"documents": size, "templates": names, "first": [], "rerun": []}

    def scaling(self) -> None:
        """The corpus lane: first runs, no-change nightly reruns, and nights with one new document.

        1. each size's first run into a fresh OUT (everything processed);
        2. each size's no-change reruns, ``runs`` of them (nothing changed: vnplan only records that);
        3. on the largest size, up to ``runs`` nights with one new document each (one processed, the rest from
           the cache, the whole dataset written, checked and published again), while the time budget allows.
        The first runs of the smaller sizes are repeated by the other lane (:meth:`first_run_repeats`).
        """
        sizes = sorted(self._scaling)
        runs = self.options.runs
        for size in sizes:
            if size == sizes[-1]:
                self._first_done.set()  # the other lane may repeat the smaller sizes' first runs from now on
            self._first_run(size, self._scaling[size])
        for size in sizes:
            for index in range(runs):
                self.log(f"vnplan run on {size} generated documents again, no change ({index + 1}/{runs})")
                folder, out = self.work / f"corpus-{size}", self._corpus_out(size, 0)
                rerun = self.vnplan(folder, out, f"corpus-{size}-rerun-{index}")
                rerun["check"] = _check(rerun["summary"], unchanged=size)
                self._scaling[size]["rerun"].append(rerun)
        size = sizes[-1]
        largest = self._scaling[size]
        largest["one_new"] = []
        for index in range(runs):
            cost = largest["one_new"][0]["wall_s"] if largest["one_new"] else 0.0
            if index and not self.fits(cost):
                largest["skipped_one_new"] = (
                    f"{runs - index} skipped: about {cost:.0f} s each would pass the "
                    f"{self.options.budget_s:.0f} s budget"
                )
                self.log(f"one new document among {size}: {largest['skipped_one_new']}")
                break
            known = size + index
            corpus.add_document(self._templates, known, self.work / f"corpus-{size}")
            self.log(f"vnplan run on {known + 1} documents: one new, {known} unchanged ({index + 1}/{runs})")
            folder, out = self.work / f"corpus-{size}", self._corpus_out(size, 0)
            night = self.vnplan(folder, out, f"corpus-{size}-one-new-{index}")
            night["check"] = _check(night["summary"], processed=1, cached=known)
            largest["one_new"].append(night)

    def first_run_repeats(self) -> None:
        """Repeats of the first runs of all sizes but the largest, smallest first, while the budget allows.

        Each into a fresh OUT of its own; they start once the corpus lane's own first runs of these sizes are
        done, so a size's first figures never run beside themselves.
        """
        sizes = sorted(self._scaling)[:-1]
        self._first_done.wait()
        for size in sizes:
            entry = self._scaling[size]
            while len(entry["first"]) < self.options.runs:
                cost = entry["first"][0]["wall_s"]
                if not self.fits(cost):
                    entry["skipped_repeats"] = (
                        f"{self.options.runs - len(entry['first'])} repeat(s) skipped: "
                        f"about {cost:.0f} s each would pass the {self.options.budget_s:.0f} s budget"
                    )
                    self.log(f"{size} documents: {entry['skipped_repeats']}")
                    break
                self._first_run(size, entry)
                shutil.rmtree(self._corpus_out(size, len(entry["first"]) - 1), ignore_errors=True)

    def finish_scaling(self) -> None:
        sizes = sorted(self._scaling)
        largest = self._scaling[sizes[-1]]
        if len(largest["first"]) < self.options.runs:
            cost = largest["first"][0]["wall_s"] if largest["first"] else 0.0
            largest["skipped_repeats"] = (
                f"{self.options.runs - len(largest['first'])} repeat(s) not run: about {cost:.0f} s each, "
                "more than the time budget has left"
            )
        for size in sizes:
            entry = self._scaling[size]
            entry["first_median"] = _run_medians(entry["first"])
            entry["rerun_median"] = _run_medians(entry["rerun"])
            if "one_new" in entry:
                entry["one_new_median"] = _run_medians(entry["one_new"])
            shutil.rmtree(self.work / f"corpus-{size}", ignore_errors=True)
        self.results["scaling"] = [self._scaling[size] for size in sizes]

    def _corpus_out(self, size: int, index: int) -> Path:
        return self.work / f"out-corpus-{size}-{index}"

    def _first_run(self, size: int, entry: dict[str, Any]) -> None:
        index = len(entry["first"])
        self.log(f"vnplan run on {size} generated documents (first run {index + 1}: all new)")
        first = self.vnplan(self.work / f"corpus-{size}", self._corpus_out(size, index), f"corpus-{size}-{index}-first")
        first["check"] = _check(first["summary"], processed=size)
        entry["first"].append(first)

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
                "lanes": options.lanes,
                "all_references": options.all_references,
            },
        )
        self.launcher = Launcher()  # before vnplan is imported here: see bench/launcher.py
        lane_launcher = Launcher()  # the child-process lane's own (a launcher runs one child at a time)
        try:
            self.freeze_code()
            self.spawn_server()
            self._steps(lane_launcher)
        finally:
            self.stop_server()
            self.launcher.close()
            lane_launcher.close()
        self.results["finished_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.results["machine"]["load_average_at_end"] = load_average()
        self.results["duration_s"] = round(self.elapsed(), 1)
        return self.results

    def _steps(self, lane_launcher: Launcher) -> None:
        """The readers and the reference extractors alone, then two lanes.

        The in-process reader figures and the reference extractors' run first, with nothing beside them.  Then,
        with ``lanes`` (the default), two lanes run side by side, one per core of a two-core machine, so that
        the whole benchmark fits its time budget: the profile, the memory probes, the per-format runs and the
        repeats of the smaller first runs in one, the generated corpus in the other; else one after the other.
        """
        alone: list[tuple[str, Callable[[], None]]] = [
            ("readers", self.readers),
            ("pdf_backends", self.pdf_backends),
            ("drawing_styles", self.drawing_styles),
            ("reference", self.reference),
        ]
        in_process: list[tuple[str, Callable[[], None]]] = [
            ("profile", self.profile),
            ("memory", self.memory),
            ("end_to_end", self.end_to_end),
            ("first_run_repeats", self.first_run_repeats),
        ]
        corpus_lane: list[tuple[str, Callable[[], None]]] = [("scaling", self.scaling)]
        timings: dict[str, float] = {}
        self.results["step_seconds"] = timings  # kept up to date: a failed step still shows what ran

        def run_lane(steps: list[tuple[str, Callable[[], None]]], launcher: Launcher | None) -> None:
            if launcher is not None:
                self._lane.launcher = launcher
            for name, step in steps:
                started = time.perf_counter()
                step()
                timings[name] = round(time.perf_counter() - started, 1)

        self.prepare_corpus()
        run_lane(alone, None)
        self.await_server()
        run_lane([("defaults", self.defaults)], None)  # both cores: before the lanes start
        if not self.options.lanes:
            run_lane([*in_process[:-1], *corpus_lane, in_process[-1]], None)
            self.finish_scaling()
            return
        failure: list[BaseException] = []

        def corpus_side() -> None:
            try:
                run_lane(corpus_lane, lane_launcher)
            except BaseException as error:  # re-raised on the main thread once the other lane is done
                failure.append(error)
            finally:
                self._first_done.set()  # never leave the other lane waiting

        other = threading.Thread(target=corpus_side, name="corpus-lane")
        other.start()
        try:
            run_lane(in_process, None)
        finally:
            other.join()
        if failure:
            raise failure[0]
        self.finish_scaling()


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


def _check(
    summary: dict[str, Any] | None,
    processed: int | None = None,
    cached: int | None = None,
    unchanged: int | None = None,
) -> str:
    """'ok', or what differs from what the run should have done."""
    if summary is None:
        return "FAILED: no manifest (see the run's error)"
    problems = []
    for status, expected in (("processed", processed), ("cached", cached), ("unchanged", unchanged)):
        if expected is not None and summary.get(status) != expected:
            problems.append(f"{status} {summary.get(status)} instead of {expected}")
    if summary.get("failed"):
        problems.append(f"{summary['failed']} failed")
    if not summary.get("published"):
        problems.append(f"not published ({summary.get('status')})")
    return "; ".join(problems) or "ok"


def _executor(out: Path) -> dict[str, Any] | None:
    """How the last run in ``out`` executed its documents (mode and workers), from its manifest."""
    manifests = sorted((out / "runs").glob("*/manifest.json"))
    if not manifests:
        return None
    executor = json.loads(manifests[-1].read_text(encoding="utf-8")).get("executor") or {}
    return {"mode": executor.get("mode"), "workers": executor.get("workers")}


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
