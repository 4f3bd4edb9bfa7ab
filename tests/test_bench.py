"""The benchmark's own parts on tiny inputs: the corpus generator, the cell agreement, the report, the launcher.

The timings themselves are not tested (``make bench`` takes minutes); these check that the generated plans
are distinct plans that read like their originals, and that a report renders from a small results dict.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from bench import corpus
from bench.render import linear_fit, render, render_folder
from bench.table_agreement import GoldCell, GoldRecord, agreement
from bench.timing import Launcher
from extractors.metadata import extract_metadata
from extractors.readers import read_document
from tests.conftest import SAMPLES


def test_generated_plans_are_distinct_and_read_like_their_originals(tmp_path: Path) -> None:
    templates = corpus.templates(SAMPLES)
    assert templates, "no sample text export can be varied"
    written = corpus.generate_corpus(templates, 3, tmp_path)

    assert len(written) == 3
    assert len({path.read_bytes() for path in written}) == 3
    metadata = [extract_metadata(read_document(path)) for path in written]
    numbers = [meta.doc_number for meta in metadata]
    assert all(numbers) and len(set(numbers)) == 3
    assert all(meta.issued_date for meta in metadata)
    assert len({(meta.province, meta.doc_number) for meta in metadata}) == 3  # a plan is province + number
    for index, (path, meta) in enumerate(zip(written, metadata, strict=True)):
        original_path = templates[index % len(templates)]
        original, copy = read_document(original_path), read_document(path)
        assert len(copy.blocks) == len(original.blocks)
        assert [len(t.rows) for t in copy.tables()] == [len(t.rows) for t in original.tables()]
        original_meta = extract_metadata(original)
        assert (meta.province, meta.doc_type, meta.period) == (
            original_meta.province,
            original_meta.doc_type,
            original_meta.period,
        )
        assert meta.issued_date[:4] == (original_meta.issued_date or meta.issued_date)[:4]


@pytest.mark.parametrize(
    ("header", "number", "day_month"),
    [
        ("Số: /KH-UBND\n\nHà Nội, ngày   tháng   năm 2026\n", "1006/KH-UBND", "ngày 6 tháng 1 năm 2026"),
        ("Số: **93** /KHPH-ABC\n\nHà Nội, ngày **30** tháng 6 năm 2023\n", "**1006** /KHPH-ABC", "ngày **6** tháng 1"),
    ],
)
def test_vary_fills_or_replaces_the_number_and_the_date(header: str, number: str, day_month: str) -> None:
    varied = corpus.vary(header + "\nI. MỤC ĐÍCH\n", corpus.variant(5))
    assert number in varied
    assert day_month in re.sub(r" +", " ", varied)  # a blank field keeps its spacing around the new value
    assert varied.endswith("\nI. MỤC ĐÍCH\n")


def test_a_text_without_a_header_is_not_a_template() -> None:
    with pytest.raises(corpus.NotATemplateError):
        corpus.vary("just a paragraph\n", corpus.variant(0))


def test_cell_agreement_exact_fuzzy_and_letters() -> None:
    record = GoldRecord(
        "tasks[0]",
        "Xây dựng cơ sở dữ liệu",
        [
            GoldCell("tasks[0]", "task", "Xây dựng cơ sở dữ liệu", span=False),
            GoldCell("tasks[0]", "deadline_raw", "Quý II/2026", span=False),
            GoldCell("tasks[0]", "lead", "Sở Tư pháp", span=True),
        ],
    )
    good = [[["1", "Xây dựng  cơ sở dữ liệu", "Sở Tư pháp, Công an tỉnh", "Quý II/2026"]]]
    squeezed = [[["1", "Xâydựng cơsở dữliệu", "SởTư pháp", "QuýII/2026"]]]
    assert agreement(good, [record]).as_dict()["exact"] == 3
    found = agreement(squeezed, [record]).as_dict()
    assert found["exact"] == 0
    assert found["letters"] == 3
    assert agreement([], [record]).as_dict()["cells"] == 3


def _results(label: str, pdf_pages_per_s: float, wall: float) -> dict[str, Any]:
    def run_figures(seconds: float) -> dict[str, Any]:
        return {
            "n": 1,
            "wall_s": seconds,
            "flow_s": seconds / 2,
            "document_s": seconds / 4,
            "own_peak_kb": 500_000,
            "maxrss_kb": 500_000,
            "children_peak_kb": 200_000,
            "tree_peak_kb": 700_000,
            "checks": ["ok"],
        }

    files = [{"name": "a.pdf", "pages": 10, "runs": 1, "seconds": [1.0], "median_s": 10 / pdf_pages_per_s}]
    throughput = {
        "files": files,
        "runs": 1,
        "documents": 1,
        "pages": 10,
        "median_total_s": 10 / pdf_pages_per_s,
        "docs_per_s": pdf_pages_per_s / 10,
        "pages_per_s": pdf_pages_per_s,
    }
    probe = {
        "mode": "process",
        "pages_built": 3,
        "pages": 3,
        "seconds": 1.0,
        "pages_per_s": 3.0,
        "peak_kb": 300_000,
        "maxrss_kb": 300_000,
        "imported_kb": 250_000,
        "work_peak_kb": 280_000,
        "work_growth_kb": 30_000,
    }
    return {
        "label": label,
        "started_at": f"2026-01-01T00:00:0{len(label)}+00:00",
        "duration_s": 100.0,
        "machine": {"cpu": "Test CPU", "cores": 2, "libraries": {"pdfplumber": "0"}},
        "code": {"commit": "abc123", "dirty": False},
        "settings": {"runs": 1, "sizes": [2, 4], "pages": [3, 30], "quick": True},
        "readers": {"pdf": throughput},
        "process_file": {"pdf": throughput, "txt": {**throughput, "pages": None, "pages_per_s": None}},
        "defaults": {
            "samples": {
                "documents": 9,
                "first": {"wall_s": 30.0},
                "unchanged": {"n": 3, "wall_s": 0.4, "checks": ["ok"]},
            },
            "new_documents": {
                "documents": 100,
                "cores": 2,
                "serial": {
                    "n": 2,
                    "wall_s": 20.0,
                    "flow_s": 15.0,
                    "checks": ["ok"],
                    "runs": [{"executor": {"mode": "serial", "workers": 1}}],
                },
                "default": {
                    "n": 2,
                    "wall_s": 14.0,
                    "flow_s": 10.0,
                    "checks": ["ok"],
                    "runs": [{"executor": {"mode": "dask", "workers": 2}}],
                },
            },
        },
        "pdf_backends": {
            "pdfium": {"read_document": {**throughput, "pages_per_s": 40.0}, "process_file": throughput},
            "pdfminer": {"read_document": throughput, "process_file": throughput},
        },
        "end_to_end": {"txt": {"documents": 3, "pages": None, "runs": [], **run_figures(wall)}},
        "scaling": [
            {"documents": 2, "first_median": run_figures(wall + 2), "rerun_median": run_figures(wall)},
            {
                "documents": 4,
                "first_median": run_figures(wall + 4),
                "rerun_median": run_figures(wall),
                "one_new_median": run_figures(wall + 1),
                "skipped_repeats": "1 repeat(s) not run",
            },
        ],
        "prefect_server": {"url": "http://127.0.0.1:1/api", "up_after_s": 5.0, "peak_kb": 210_000},
        "memory": {
            "source": "a.pdf",
            "source_pages": 10,
            "pages": [3, 30],
            "baseline": {"peak_kb": 250_000, "imported_kb": 250_000, "maxrss_kb": 250_000},
            "probes": [probe, {**probe, "pages_built": 30, "pages": 30, "peak_kb": 320_000}],
            "process_ratio": 320 / 300,
            "process_increment_ratio": 70 / 50,
            "process_work_growth_ratio": 1.0,
        },
        "reference": {
            "gold_pdfs": ["a.pdf"],
            "rows": [
                {
                    "extractor": "ours",
                    "key": "vnplan",
                    "runs": 1,
                    "pages": 10,
                    "median_total_s": 1.0,
                    "pages_per_s": 10.0,
                    "agreement": {
                        "cells": 2,
                        "exact": 2,
                        "fuzzy": 2,
                        "letters": 2,
                        "by_field": {"task": {"cells": 2, "exact": 2, "fuzzy": 2, "letters": 2}},
                    },
                },
            ],
        },
        "profile": {
            "file": "a.pdf",
            "pages": 10,
            "seconds_under_profiler": 1.0,
            "top_cumulative": [{"function": "f", "calls": 1, "tottime_s": 0.1, "cumtime_s": 1.0}],
            "top_own": [{"function": "f", "calls": 1, "tottime_s": 0.1, "cumtime_s": 1.0}],
        },
    }


def test_report_renders_every_section_and_the_before_after_table(tmp_path: Path) -> None:
    now, before = _results("current", 6.0, 20.0), _results("before", 3.0, 40.0)
    text = render(now, before)
    for heading in (
        "## Machine and run",
        "## In plain words",
        "## End to end",
        "## Generated corpus",
        "## Memory against page count",
        "## Reference",
        "## Hot spots",
        "## Before and after",
    ):
        assert heading in text
    assert "| PDF reader, pages/s | 3.0 | 6.0 | 2.00× (better) |" in text
    assert "### The PDF backends side by side" in text
    assert "**Nothing changed** on the 9 sample files (every format), after a first run of 30.0 s: 0.40 s wall" in text
    assert "| default (no `--workers`) | dask × 2 | 2 | 14.0 s | 10.0 s | ok |" in text
    assert "| pdfium | 10 | 1.67 s | 40.0 | 1.67 s | 6.0 |" in text
    assert "Test CPU" in text
    assert "A night with one new document** among 4" in text and "nothing changed" in text
    assert "Without a Prefect server" in text and "answering after 5.00 s" in text
    assert "4 documents, first run: 1 repeat(s) not run." in text
    assert "## Before and after" not in render(now)
    assert render({}).startswith("# Benchmarks")

    (tmp_path / "latest.json").write_text(json.dumps(now), encoding="utf-8")
    (tmp_path / "before.json").write_text(json.dumps(before), encoding="utf-8")
    out = render_folder(tmp_path, tmp_path / "BENCHMARKS.md")
    assert "## Before and after" in out.read_text(encoding="utf-8")


def test_linear_fit() -> None:
    assert linear_fit([(10, 12.0), (100, 30.0), (1000, 210.0)]) == pytest.approx((10.0, 0.2))
    assert linear_fit([(10, 1.0)]) is None


def test_launcher_reports_the_child_s_own_peak_not_this_process_s(tmp_path: Path) -> None:
    launcher = Launcher()
    ballast = bytearray(300 * 1024 * 1024)  # this process grows after the launcher started
    ballast[::4096] = b"\1" * len(ballast[::4096])
    try:
        run = launcher.run(
            [sys.executable, "-c", "print('ok')"], cwd=tmp_path, env=dict(os.environ), log=tmp_path / "child.log"
        )
    finally:
        launcher.close()
    assert run.exit_code == 0
    assert run.stdout.strip() == "ok"
    assert 0 < run.maxrss_kb < 200 * 1024
    del ballast
