"""BENCHMARKS.md from the benchmark's JSON results (the latest run, and the ``before`` run when there is one).

``python bench/render.py [--results DIR] [--out FILE]`` re-renders the report without measuring again.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SAME_WITHIN = 0.03
"""A before/after factor within this of 1 is called "same"."""
NIGHT_S = 8 * 3600
"""The nightly window the conclusions assume (02:00 to 10:00)."""

Results = dict[str, Any]


# -- formatting --------------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _s(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.2f} s" if value < 10 else f"{value:,.1f} s"


def _mb(kb: float | None) -> str:
    return "–" if not kb else f"{kb / 1024:,.0f} MB"


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f} %)" if whole else "–"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _get(results: Results | None, *path: Any) -> Any:
    value: Any = results
    for key in path:
        if value is None:
            return None
        if isinstance(key, int):
            value = value[key] if isinstance(value, list) and -len(value) <= key < len(value) else None
        else:
            value = value.get(key) if isinstance(value, dict) else None
    return value


def _scaling(results: Results, size: int | None = None) -> dict[str, Any] | None:
    entries = results.get("scaling") or []
    if not entries:
        return None
    if size is None:
        return dict(entries[-1])
    return next((dict(e) for e in entries if e["documents"] == size), None)


def linear_fit(points: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """Least squares ``seconds = fixed + per_document * documents``: (fixed, per_document)."""
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return mean_y - slope * mean_x, slope


def _fit(results: Results, phase: str) -> tuple[float, float] | None:
    """The linear fit of the corpus runs' wall times; None when it says nothing (too few sizes, or noise
    larger than the per-document cost gives a slope of zero or less)."""
    points = [
        (entry["documents"], entry[f"{phase}_median"]["wall_s"])
        for entry in results.get("scaling") or []
        if entry.get(f"{phase}_median", {}).get("wall_s") is not None
    ]
    fit = linear_fit(points)
    return fit if fit is not None and fit[1] > 0 else None


# -- sections ----------------------------------------------------------------------------------------


def _machine(results: Results) -> list[str]:
    machine = results.get("machine", {})
    code = results.get("code", {})
    settings = results.get("settings", {})
    libraries = ", ".join(f"{name} {version}" for name, version in machine.get("libraries", {}).items())
    commit = (code.get("commit") or "?")[:10]
    dirty = " plus uncommitted changes" if code.get("dirty") else ""
    rows = [
        ("CPU", f"{machine.get('cpu')}, {machine.get('cores')} cores ({machine.get('usable_cores')} usable)"),
        ("RAM", f"{machine.get('ram_gb')} GB"),
        ("System", f"{machine.get('os')}, Python {machine.get('python')}"),
        ("Libraries", libraries),
        ("Load average (1, 5, 15 min)", f"{_load(results)} at the start, {_load(results, 'end')} at the end"),
        ("Code measured", f"{commit}{dirty} ({code.get('commit_subject') or ''})"),
        ("Date", f"{results.get('started_at')} to {results.get('finished_at')} (UTC)"),
        (
            "Benchmark duration",
            f"{_s(results.get('duration_s'))} (steps: "
            + ", ".join(f"{k} {v:.0f} s" for k, v in (results.get("step_seconds") or {}).items())
            + ")",
        ),
        (
            "Settings",
            f"runs {settings.get('runs')}, corpus sizes {settings.get('sizes')}, PDF pages "
            f"{settings.get('pages')}, workers {settings.get('workers') or 'not passed (serial)'}, "
            f"quick {settings.get('quick')}, time budget {settings.get('budget_s')} s, "
            f"lanes {'side by side' if settings.get('lanes') else 'one after the other'}, "
            f"extra reference rows (pdfplumber alone, PyMuPDF layout model) "
            f"{'on' if settings.get('all_references') else 'off (--all-references)'}",
        ),
    ]
    server = results.get("prefect_server")
    if server:
        rows.append(
            (
                "Prefect server",
                f"one for every timed `vnplan run` (`prefect server start`, started with the benchmark): answering "
                f"after {_s(server.get('up_after_s'))}, peak {_mb(server.get('peak_kb'))} resident",
            )
        )
    return ["## Machine and run", "", *_table(("", ""), rows)]


def _conclusions(results: Results) -> list[str]:
    lines = ["## In plain words", ""]
    if _get(results, "settings", "quick"):
        lines += ["*A quick smoke run: tiny sizes and single runs, so these figures are only indicative.*", ""]
    first = _fit(results, "first")
    rerun = _fit(results, "rerun")
    largest = _scaling(results)
    if first is not None and largest is not None:
        fixed, per_doc = first
        capacity = (NIGHT_S - fixed) / per_doc
        lines.append(
            f"- **New text documents:** a run costs about {fixed:.0f} s of fixed start-up (imports, the Prefect "
            f"flow run, the quality gate) plus {per_doc:.2f} s per new document "
            f"({largest['documents']:,} new documents: {_s(largest['first_median']['wall_s'])}). "
            f"One machine with one worker therefore handles about {_num(capacity, 0)} new plan documents in an "
            f"8-hour night."
        )
    pdf = _get(results, "process_file", "pdf")
    if pdf and pdf.get("pages_per_s") and first is not None:
        text = _get(results, "process_file", "txt")
        overhead = max(first[1] - (text["median_total_s"] / text["documents"]), 0.0) if text else 0.0
        pages_per_doc = pdf["pages"] / pdf["documents"]
        per_pdf = pages_per_doc / pdf["pages_per_s"] + overhead
        lines.append(
            f"- **New PDFs** are read at {_num(pdf['pages_per_s'])} pages/s through the whole per-document "
            f"pipeline: a {pages_per_doc:.0f}-page plan takes about {per_pdf:.1f} s with the flow's own "
            f"per-document cost, so about {NIGHT_S / per_pdf:,.0f} new PDFs of that size fit in a night."
        )
    if largest is not None and largest["rerun_median"].get("wall_s") is not None:
        per_doc_text = f" plus {rerun[1] * 1000:.1f} ms per document" if rerun is not None else ""
        lines.append(
            f"- **The nightly rerun with nothing changed** costs about {_s(largest['rerun_median']['wall_s'])} for "
            f"{largest['documents']:,} documents{per_doc_text}: every file is hashed and, with the code, rules, "
            "overrides and settings, compared with the fingerprint the published run recorded; nothing is rebuilt, "
            "a manifest-only run folder records the check."
        )
    one_new = (largest or {}).get("one_new_median") or {}
    if largest is not None and one_new.get("wall_s") is not None:
        lines.append(
            f"- **A night with one new document** among {largest['documents']:,}: "
            f"{_s(one_new['wall_s'])} (median of {one_new['n']}): the new one is processed, the others come from "
            "the per-document cache, and the whole dataset is written, checked and published again."
        )
    memory = results.get("memory")
    if memory and memory.get("process_ratio"):
        small, large = memory["pages"]
        within = "stays within" if memory["process_ratio"] <= 2 else "does NOT stay within"
        lines.append(
            f"- **Memory** of the whole per-document pipeline on a {large}-page PDF is "
            f"{memory['process_ratio']:.2f}× that of a {small}-page one ({within} the 2× target). Importing "
            f"vnplan alone peaks at {_mb(memory['baseline']['peak_kb'])}; what the document adds while it is "
            f"processed grows {_num(memory.get('process_work_growth_ratio'), 2)}× from {small} to {large} pages."
        )
    end_to_end = results.get("end_to_end") or {}
    peaks = [figures.get("own_peak_kb") for figures in end_to_end.values() if figures.get("own_peak_kb")]
    if peaks:
        lines.append(
            f"- **A `vnplan run` process** peaks at {_mb(max(peaks))} resident on the samples; the Prefect server, a "
            f"separate process, peaked at {_mb(_get(results, 'prefect_server', 'peak_kb'))} over the whole benchmark."
        )
    if results.get("prefect_server"):
        lines.append(
            "- **Without a Prefect server** (`PREFECT_API_URL` unset), each `vnplan run` also starts and stops a "
            "temporary one of its own (Prefect's ephemeral mode; about 20 s a run on this machine, see the README). "
            "A nightly job served by `vnplan serve` has its server, as these runs had."
        )
    if first is not None:
        fixed, per_doc = first
        lines.append(
            "- **When to go to a cluster:** while the documents that are new or changed each night stay well below "
            f"the capacity above (say under half of it, about {_num((NIGHT_S - fixed) / per_doc / 2, 0)} text "
            "documents), one machine is enough and simpler. Beyond that, or when a night's batch of PDFs must be "
            "done in an hour rather than by morning, spread the documents over more cores: the per-document work "
            "is independent, so it scales with the number of workers, while the fixed start-up and the quality "
            "gate do not."
        )
    return [*lines, ""]


def _method(results: Results) -> list[str]:
    runs = _get(results, "settings", "runs")
    return [
        "## How the figures were taken",
        "",
        "- All timings are wall-clock `time.perf_counter` seconds on this machine; every figure is the median of "
        f"the number of runs stated next to it (asked for: {runs}; the first run is included, there is no hidden "
        "warm-up, except that the registry, matcher and POS tagger are loaded once before the in-process figures). "
        "The machine may be shared: compare figures taken in the same run.",
        "- *Alone, then two lanes*: the in-process reader figures and the reference extractors run first, with "
        "nothing of the benchmark beside them but the start of the Prefect server (about 16 s of one core, while "
        "the first reader figures are taken). Then (unless `--serial`), to fit the benchmark in its ten minutes "
        "on a two-core machine, two lanes run side by side: the profile, the memory probes, the per-format runs "
        "and the repeats of the smaller first runs in one; the generated corpus in the other. Each lane is "
        "single-threaded, so each has a core, but they share the Prefect server, memory bandwidth and caches: "
        "the figures of the lanes are somewhat slower than on an idle machine, never faster.",
        "- The measured code is copied at the start of the benchmark and run from that copy (in this process and "
        "in every child process), so that edits to the tree during the benchmark change nothing.",
        "- *In process*: `extractors.readers.read_document` and `pipeline.documents.process_file` on each sample "
        "file; documents/s and pages/s divide the count by the sum of the per-file medians.",
        "- *End to end*: `python -m pipeline.cli run INBOX --out OUT` as a child process, against one Prefect "
        "server the benchmark starts first (`prefect server start`, with a Prefect home of its own), as a nightly "
        "deployment has; no overrides file, a fresh OUT for each run. *Flow* is the manifest's "
        "`seconds` (the flow itself), *documents* the sum of the manifest's per-document seconds. Memory: *vnplan* "
        "is the run's own peak resident size (the kernel's high-water mark `VmHWM`, sampled every 0.2 s); *wait4* "
        "is `ru_maxrss` from `os.wait4`, which Linux reports as the larger of the process's and its reaped "
        "children's peaks (not their sum); *tree* the largest sum of the tree's resident sizes that the sampler "
        "saw (the Prefect server is not in the tree: its own peak is in the table above).",
        "- *Generated corpus*: N distinct plans made from the sample text exports (`bench/corpus.py`: each copy "
        "gets its own document number and issue day/month on its header lines, so it is its own plan, and "
        "extracts like its original). A *first run* goes into a fresh OUT (everything processed); the *no-change "
        "rerun* runs again on the same folder and OUT (nothing changed: vnplan finds the published run's input "
        "fingerprint equal and only records that); a *night with one new document* adds one more generated plan "
        "to the largest corpus and runs again (one processed, the others from the per-document cache, the dataset "
        "rebuilt, checked and published). Each run's manifest is checked: all N processed; all N unchanged; one "
        "processed and the rest cached; none failed, published. Repeats are skipped when they would pass the "
        "time budget, and the largest first run is run once (three would take longer than the whole budget); the "
        "table says how many runs each median has.",
        "- *Memory against pages*: a PDF made by repeating the pages of a sample PDF (PyMuPDF `insert_pdf`), "
        "read in a fresh process (`bench/probe.py`) by `process_file` (which reads it, then builds its records); "
        "the peak is "
        "`ru_maxrss` of that process. *Baseline* is a fresh process that only imports the modules: the "
        "increment over it is what the pages themselves cost.",
        "- *Reference extractor*: the same sample PDFs, the same timing (median of runs, over all pages, in "
        "process). Cell agreement with the gold is defined in `bench/table_agreement.py`: every appendix-table "
        "gold record's key cells (indicator/task, unit, yearly targets, deadline text, output) and each raw "
        "agency span (tracking, lead, support) are looked up in the extractor's row that best matches the "
        "record's main text; *exact* = equal after NFC and whitespace normalization (a span: contained in a "
        "cell), *fuzzy* = rapidfuzz ratio ≥ 90 (partial ratio for a span), *letters* = equal once spaces and "
        "punctuation are removed (the cell boundaries are right even where the text lost its spacing). Raw page "
        "tables are compared, before vnplan's page-break stitching, so a cell split by a page break is missed "
        "by every extractor alike.",
        "- *Hot spots*: `cProfile` around one `process_file` call on the sample PDF with the most pages.",
        "",
    ]


def _in_process(results: Results) -> list[str]:
    lines = ["## Readers and the per-document pipeline, in process", ""]
    for key, title in (
        ("readers", "`read_document`"),
        ("process_file", "`process_file` (read → extract → normalize → validate)"),
    ):
        figures = results.get(key) or {}
        rows = [
            (
                name,
                str(f["documents"]),
                str(f["pages"] or "–"),
                str(f["runs"]),
                _s(f["median_total_s"]),
                _num(f["docs_per_s"], 2),
                _num(f["pages_per_s"]),
            )
            for name, f in figures.items()
        ]
        lines += [
            f"{title}:",
            "",
            *_table(("format", "documents", "pages", "runs", "total (sum of medians)", "documents/s", "pages/s"), rows),
        ]
    reads = {row["name"]: row for f in (results.get("readers") or {}).values() for row in f["files"]}
    whole = {row["name"]: row for f in (results.get("process_file") or {}).values() for row in f["files"]}
    per_file = [
        (name, str(row["pages"] or "–"), _s(row["median_s"]), _s(_get(whole, name, "median_s")))
        for name, row in reads.items()
    ]
    lines += ["Per file (medians):", "", *_table(("file", "pages", "read_document", "process_file"), per_file)]
    return lines + _pdf_backends(results) + _drawing_styles(results)


def _pdf_backends(results: Results) -> list[str]:
    backends = results.get("pdf_backends") or {}
    if not backends:
        return []
    lines = [
        "### The PDF backends side by side",
        "",
        "The sample PDFs read with each text-layer backend in this run (`VNPLAN_PDF_BACKEND`; PDFium is the "
        "default, pdfminer is pdfplumber as it comes), medians of the runs stated. Both give the same document "
        "model (`tests/test_pdf_backends.py`).",
        "",
    ]
    rows = []
    for backend, figures in backends.items():
        read, whole = figures["read_document"], figures["process_file"]
        rows.append(
            (
                backend,
                str(read["pages"]),
                _s(read["median_total_s"]),
                _num(read["pages_per_s"]),
                _s(whole["median_total_s"]),
                _num(whole["pages_per_s"]),
            )
        )
    lines += _table(
        ("backend", "pages", "read_document", "read_document pages/s", "process_file", "process_file pages/s"), rows
    )
    per_file = []
    names = [row["name"] for row in next(iter(backends.values()))["read_document"]["files"]]
    for name in names:
        cells: list[str] = [name]
        for figures in backends.values():
            read = next(row for row in figures["read_document"]["files"] if row["name"] == name)
            whole = next(row for row in figures["process_file"]["files"] if row["name"] == name)
            cells += [_s(read["median_s"]), _s(whole["median_s"])]
        per_file.append(tuple(cells))
    header = ["file"]
    for backend in backends:
        header += [f"read_document ({backend})", f"process_file ({backend})"]
    return [*lines, "Per file (medians):", "", *_table(tuple(header), per_file)]


def _drawing_styles(results: Results) -> list[str]:
    styles = results.get("drawing_styles") or {}
    lines = ["### The samples printed in the booktabs style", ""]
    if not styles:
        return []
    if "note" in styles:
        return [*lines, f"Not measured: {styles['note']}.", ""]
    booktabs = styles["booktabs"]
    lines += [
        "The sample DOCX files with every table redrawn with a rule above and below the header and one closing the "
        "table, nothing between columns or rows (`bench/table_styles.py`), printed to PDF by LibreOffice: "
        "`read_document` on them (the header-anchored table finder reads these tables), and what "
        "`process_file` gives against the gold files.",
        "",
        *_table(
            ("documents", "pages", "runs", "total (sum of medians)", "pages/s"),
            [
                (
                    str(booktabs["documents"]),
                    str(booktabs["pages"] or "–"),
                    str(booktabs["runs"]),
                    _s(booktabs["median_total_s"]),
                    _num(booktabs["pages_per_s"]),
                )
            ],
        ),
        *_table(
            ("table", "rows gold / read / matched", "fields equal / compared"),
            [
                (name, f"{c['gold']} / {c['read']} / {c['matched']}", f"{c['equal']} / {c['compared']}")
                for name, c in booktabs["scores"].items()
                if c["gold"] or c["read"]
            ],
        ),
    ]
    return lines


def _defaults(results: Results) -> list[str]:
    figures = results.get("defaults") or {}
    if not figures:
        return []
    samples, new = figures["samples"], figures["new_documents"]
    quiet = samples["unchanged"]
    lines = [
        "## A plain `vnplan run`: nothing changed, and a batch of new documents",
        "",
        "Run alone on the machine (both cores free), as a user runs it. Wall time of the whole command (`vnplan "
        "run` as a child process, Python's start included). Without `--workers`, vnplan uses a local Dask cluster "
        "only when the new documents' expected work is at least twice what the cluster adds "
        "(`pipeline.run.workers_for`).",
        "",
        f"- **Nothing changed** on the {samples['documents']} sample files (every format), after a first run of "
        f"{_s(samples['first']['wall_s'])}: {_s(quiet['wall_s'])} wall (median of {quiet['n']}; checks: "
        f"{', '.join(quiet['checks'])}). The check runs before Prefect, the quality gate and the language models "
        "are loaded.",
        "",
    ]
    rows = []
    modes = (
        ("serial", "`--workers 1` (one after the other)"),
        ("cluster", "`--workers N` (a local Dask cluster, one worker per core)"),
        ("default", "default (no `--workers`)"),
    )
    for mode, title in modes:
        run = new.get(mode)
        if not run:
            continue
        executors = {
            f"{(r.get('executor') or {}).get('mode')} × {(r.get('executor') or {}).get('workers')}"
            for r in run.get("runs", [])
        }
        rows.append(
            (
                title,
                ", ".join(sorted(executors)),
                str(run.get("n")),
                _s(run.get("wall_s")),
                _s(run.get("flow_s")),
                ", ".join(run.get("checks", [])),
            )
        )
    lines += [
        f"{new['documents']} new text documents ({new.get('cores')} cores):",
        "",
        *_table(("how", "executor × workers", "runs", "wall", "flow", "check"), rows),
    ]
    return lines


def _end_to_end(results: Results) -> list[str]:
    figures = results.get("end_to_end") or {}
    if not figures:
        return []
    rows = [
        (
            name,
            str(f["documents"]),
            str(f["n"]),
            _s(f["wall_s"]),
            _s(f["flow_s"]),
            _s(f["document_s"]),
            _mb(f["own_peak_kb"]),
            _mb(f["maxrss_kb"]),
            _mb(f["tree_peak_kb"]),
            ", ".join(f["checks"]),
        )
        for name, f in figures.items()
    ]
    return [
        "## End to end: `vnplan run` on the samples of each format",
        "",
        *_table(
            (
                "format",
                "documents",
                "runs",
                "wall",
                "flow",
                "documents",
                "vnplan peak",
                "wait4 max",
                "tree peak",
                "check",
            ),
            rows,
        ),
    ]


def _corpus(results: Results) -> list[str]:
    entries = results.get("scaling") or []
    if not entries:
        return []
    rows = []
    for entry in entries:
        first, rerun = entry["first_median"], entry["rerun_median"]
        size = entry["documents"]
        rows.append(
            (
                f"{size:,}",
                str(first["n"]),
                _s(first["wall_s"]),
                _s(first["flow_s"]),
                f"{1000 * first['wall_s'] / size:,.0f} ms" if first["wall_s"] else "–",
                str(rerun["n"]),
                _s(rerun["wall_s"]),
                _s(rerun["flow_s"]),
                f"{1000 * rerun['wall_s'] / size:,.1f} ms" if rerun["wall_s"] else "–",
                _mb(first["own_peak_kb"]),
                ", ".join(sorted(set(first["checks"]) | set(rerun["checks"]))),
            )
        )
    lines = [
        "## Generated corpus: how time grows with the number of documents",
        "",
        *_table(
            (
                "documents",
                "runs",
                "first run: wall",
                "flow",
                "per document",
                "runs",
                "no-change rerun: wall",
                "flow",
                "per document",
                "vnplan peak",
                "check",
            ),
            rows,
        ),
    ]
    for phase, title in (("first", "First run"), ("rerun", "No-change rerun")):
        fit = _fit(results, phase)
        if fit is None:
            lines.append(f"- {title}: the sizes give no usable per-document cost (too few, or too noisy).")
        else:
            lines.append(
                f"- {title}: wall ≈ {fit[0]:.1f} s + {fit[1] * 1000:.0f} ms × documents (least squares over the sizes)."
            )
    for entry in entries:
        one_new = entry.get("one_new_median")
        if one_new and one_new.get("wall_s") is not None:
            lines.append(
                f"- A night with one new document among {entry['documents']:,}: wall {_s(one_new['wall_s'])}, flow "
                f"{_s(one_new['flow_s'])}, documents {_s(one_new['document_s'])} (median of {one_new['n']}; "
                f"vnplan peak {_mb(one_new['own_peak_kb'])}; check {', '.join(one_new['checks'])})."
            )
        if entry.get("skipped_one_new"):
            lines.append(f"- Nights with one new document: {entry['skipped_one_new']}.")
    lines += [
        f"- {entry['documents']:,} documents, first run: {entry['skipped_repeats']}."
        for entry in entries
        if entry.get("skipped_repeats")
    ]
    return [*lines, ""]


def _memory(results: Results) -> list[str]:
    memory = results.get("memory")
    if not memory:
        return []
    baseline = memory["baseline"]
    base_peak = baseline["peak_kb"]
    rows = [
        (
            "baseline: import the modules only",
            "–",
            _mb(base_peak),
            "–",
            _mb(baseline.get("imported_kb")),
            "–",
            "–",
            "–",
            _mb(baseline.get("maxrss_kb")),
        ),
    ]
    for probe in memory["probes"]:
        rows.append(
            (
                f"`{'read_document' if probe['mode'] == 'read' else 'process_file'}`",
                str(probe["pages"]),
                _mb(probe["peak_kb"]),
                _mb(probe["peak_kb"] - base_peak),
                _mb(probe.get("imported_kb")),
                _mb(probe.get("work_peak_kb")),
                _mb(probe.get("work_growth_kb")),
                f"{_s(probe['seconds'])}, {_num(probe['pages_per_s'])} pages/s",
                _mb(probe.get("maxrss_kb")),
            )
        )
    small, large = memory["pages"]
    lines = [
        "## Memory against page count",
        "",
        f"PDFs of {small} and {large} pages made by repeating the {memory['source_pages']} pages of "
        f"`{memory['source']}`, each read in a fresh process. *Peak* is the process's whole-life peak resident "
        "size; *over baseline* subtracts the peak of a process that only imports the modules. Importing vnplan "
        "can itself be the largest peak of a process, hiding what the pages cost, so the probe also resets the "
        "kernel's high-water mark once the modules are imported: *work peak* is the peak while the document "
        "was read, *growth* that minus the size right after the imports. *wait4* is `ru_maxrss` of the probe "
        "(a cross-check of *peak*).",
        "",
        *_table(
            ("what", "pages", "peak", "over baseline", "after imports", "work peak", "growth", "time", "wait4"),
            rows,
        ),
    ]
    for mode, name in (("read", "read_document"), ("process", "process_file")):
        ratio = memory.get(f"{mode}_ratio")
        if ratio is None and not any(p["mode"] == mode for p in memory["probes"]):
            continue  # not measured in this run
        verdict = "within" if ratio is not None and ratio <= 2 else "NOT within"
        lines.append(
            f"- `{name}`, {large} pages against {small}: peak {_num(ratio, 2)}× ({verdict} the 2× target); "
            f"peak over baseline {_num(memory.get(f'{mode}_increment_ratio'), 2)}×; growth during the work "
            f"{_num(memory.get(f'{mode}_work_growth_ratio'), 2)}×."
        )
    return [*lines, ""]


def _reference(results: Results) -> list[str]:
    reference = results.get("reference")
    if not reference:
        return []
    rows = []
    for row in reference["rows"]:
        found = row["agreement"]
        rows.append(
            (
                row["extractor"],
                str(row["runs"]),
                str(row["pages"] or "–"),
                _s(row["median_total_s"]),
                _num(row["pages_per_s"], 2),
                _pct(found["exact"], found["cells"]),
                _pct(found["fuzzy"], found["cells"]),
                _pct(found["letters"], found["cells"]),
            )
        )
    lines = [
        "## Reference: another table extractor on the same PDFs",
        "",
        f"Gold cells come from {', '.join(f'`{name}`' for name in reference.get('gold_pdfs', []))} (the sample "
        "PDFs whose gold has appendix tables); the speed is over all sample PDFs.",
        "",
        *_table(("extractor", "runs", "pages", "seconds", "pages/s", "exact", "fuzzy ≥ 90", "letters"), rows),
    ]
    if reference.get("note"):
        lines += [reference["note"], ""]
    fields = sorted({name for row in reference["rows"] for name in row["agreement"]["by_field"]})
    if fields:
        header = ["gold field", "cells", *[row["key"] + " exact / fuzzy / letters" for row in reference["rows"]]]
        table_rows = []
        for name in fields:
            counts = [row["agreement"]["by_field"].get(name) for row in reference["rows"]]
            total = next((c["cells"] for c in counts if c), 0)
            table_rows.append(
                [name, str(total), *[f"{c['exact']} / {c['fuzzy']} / {c['letters']}" if c else "–" for c in counts]]
            )
        lines += ["By gold field:", "", *_table(header, table_rows)]
    return lines


def _profile(results: Results) -> list[str]:
    profile = results.get("profile")
    if not profile:
        return []
    lines = [
        "## Hot spots",
        "",
        f"`cProfile` of `process_file` on `{profile['file']}` ({profile.get('pages')} pages, "
        f"{_s(profile['seconds_under_profiler'])} under the profiler).",
        "",
    ]
    for key, title in (("top_cumulative", "By cumulative time"), ("top_own", "By own time")):
        rows = [(f"`{e['function']}`", f"{e['calls']:,}", _s(e["tottime_s"]), _s(e["cumtime_s"])) for e in profile[key]]
        lines += [f"{title}:", "", *_table(("function", "calls", "own", "cumulative"), rows)]
    return lines


# -- before / after -------------------------------------------------------------------------------------


Figure = tuple[str, Callable[[Results], float | None], Callable[[float | None], str], bool]


def _figures(results_now: Results) -> list[Figure]:
    figures: list[Figure] = [
        ("PDF reader, pages/s", lambda r: _get(r, "readers", "pdf", "pages_per_s"), _num, True),
        (
            "PDF reader on the samples printed booktabs, pages/s",
            lambda r: _get(r, "drawing_styles", "booktabs", "pages_per_s"),
            _num,
            True,
        ),
        ("text reader, documents/s", lambda r: _get(r, "readers", "txt", "docs_per_s"), _num, True),
        ("DOCX reader, documents/s", lambda r: _get(r, "readers", "docx", "docs_per_s"), _num, True),
        ("process_file PDF, pages/s", lambda r: _get(r, "process_file", "pdf", "pages_per_s"), _num, True),
        ("process_file text, documents/s", lambda r: _get(r, "process_file", "txt", "docs_per_s"), _num, True),
    ]
    for name in results_now.get("end_to_end") or {}:
        figures.append(
            (f"vnplan run, {name} samples: wall", lambda r, n=name: _get(r, "end_to_end", n, "wall_s"), _s, False)
        )
        figures.append(
            (
                f"vnplan run, {name} samples: vnplan peak",
                lambda r, n=name: _get(r, "end_to_end", n, "own_peak_kb"),
                _mb,
                False,
            )
        )
    for entry in results_now.get("scaling") or []:
        size = entry["documents"]
        figures.append(
            (
                f"{size:,} new documents: wall",
                lambda r, s=size: _get(_scaling(r, s), "first_median", "wall_s"),
                _s,
                False,
            )
        )
        figures.append(
            (
                f"{size:,} documents, no-change rerun: wall",
                lambda r, s=size: _get(_scaling(r, s), "rerun_median", "wall_s"),
                _s,
                False,
            )
        )
    for mode, name in (("read", "read_document"), ("process", "process_file")):
        if _get(results_now, "memory", f"{mode}_ratio") is None:
            continue  # not measured now
        for index, size in enumerate(_get(results_now, "memory", "pages") or []):
            for key, what in (("peak_kb", "peak"), ("work_growth_kb", "growth during the work")):
                figures.append(
                    (
                        f"{name}, {size}-page PDF: {what}",
                        lambda r, m=mode, i=index, k=key: _get(_probe(r, m, i), k),
                        _mb,
                        False,
                    )
                )
        figures.append(
            (
                f"{name}: peak, large / small PDF",
                lambda r, m=mode: _get(r, "memory", f"{m}_ratio"),
                lambda v: _num(v, 2),
                False,
            )
        )
    return figures


def _probe(results: Results, mode: str, index: int) -> dict[str, Any] | None:
    """The memory probe of ``mode`` on the small (0) or large (1) PDF, matched by its place, not its size."""
    pages = _get(results, "memory", "pages", index)
    probes = _get(results, "memory", "probes") or []
    return next((p for p in probes if p["mode"] == mode and p["pages_built"] == pages), None)


def _load(results: Results, when: str = "start") -> str:
    values = _get(results, "machine", f"load_average_at_{when}")
    return ", ".join(str(v) for v in values) if values else "?"


def _before_after(now: Results, before: Results | None) -> list[str]:
    if not before:
        return []
    rows = []
    for label, value, show, higher_better in _figures(now):
        old, new = value(before), value(now)
        if old is None and new is None:
            continue
        change = "–"
        if old and new:
            factor = new / old
            better = factor > 1 if higher_better else factor < 1
            verdict = "same" if abs(factor - 1) < SAME_WITHIN else "better" if better else "worse"
            change = f"{factor:.2f}× ({verdict})"
        rows.append((label, show(old), show(new), change))
    old_code, new_code = before.get("code", {}), now.get("code", {})
    memory_pages = _get(now, "memory", "pages")
    return [
        "## Before and after",
        "",
        f"Before: {(old_code.get('commit') or '?')[:10]} ({old_code.get('commit_subject') or ''}), measured "
        f"{before.get('started_at')}. Now: {(new_code.get('commit') or '?')[:10]}"
        f"{' plus uncommitted changes' if new_code.get('dirty') else ''}, measured {now.get('started_at')}. "
        f"Same machine, same benchmark; the repeated PDFs have {memory_pages} pages. Load average (1, 5, 15 min) "
        f"at the start: before {_load(before)}, now {_load(now)}; at the end: before {_load(before, 'end')}, now "
        f"{_load(now, 'end')}. Timings taken at different times on a shared machine differ by more than noise "
        "would suggest: read the large factors, and the memory figures, which load does not change."
        + (
            " The `vnplan run` figures were taken in Prefect's ephemeral mode before (each run started a temporary "
            "server, about 20 s of its wall time) and against one running Prefect server now."
            if now.get("prefect_server") and not before.get("prefect_server")
            else ""
        ),
        "",
        *_table(("figure", "before", "now", "now / before"), rows),
    ]


# -- the document --------------------------------------------------------------------------------------


def render(now: Results, before: Results | None = None) -> str:
    quick = ""
    if _get(now, "settings", "quick"):
        quick = " (quick smoke run: small sizes, one run each: not for comparison)"
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`bench/pipeline_bench.py`){quick}; the raw figures are in "
        "`bench/results/latest.json` (and `bench/results/before.json` for the code the latest change started from). "
        "Every figure below was measured on the machine described here, in one run of the benchmark.",
        "",
    ]
    sections = (_machine, _conclusions, _method, _in_process, _defaults, _end_to_end, _corpus, _memory, _reference)
    for section in (*sections, _profile):
        lines += section(now)
    lines += _before_after(now, before)
    return "\n".join(lines).rstrip() + "\n"


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(path: Path) -> Results | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def render_folder(results_dir: Path, out: Path, now: Results | None = None) -> Path:
    """BENCHMARKS.md from ``now`` (default: ``latest.json``) and ``before.json`` in ``results_dir``."""
    current = now or load(results_dir / "latest.json")
    before = load(results_dir / "before.json")
    if current is None:
        current, before = before, None
    if current is None:
        raise FileNotFoundError(f"no results in {results_dir}: run the benchmark first")
    if before is not None and before.get("started_at") == current.get("started_at"):
        before = None
    write_atomically(out, render(current, before))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    print(render_folder(args.results, args.out))


if __name__ == "__main__":
    main()
