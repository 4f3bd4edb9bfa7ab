"""The sample plans as an office scanner writes them, and how vnplan reads them.

A provincial portal often publishes the signed, stamped plan as a scan: every page a greyscale picture, no text
layer.  This module makes such scans of the sample PDFs (each page rendered at the scanner's resolution, turned
by a fraction of a degree as a sheet fed by hand is, with the grain of paper and sensor, and a round stamp over
the signature block), reads them with vnplan, and scores the records against the gold files, with the review
flags per plan and the seconds per page.

``python -m bench.scans --dpi 150,200,300`` (``make eval-scans``) prints one table per resolution.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter

from bench.table_styles import ROOT, print_score_header, print_score_row

TILT_DEGREES = 0.35
"""How far a scanned sheet is turned (a sheet fed by hand is rarely straight)."""

NOISE_GREY = 10.0
"""Standard deviation of the grain added to every pixel (grey levels)."""

STAMP_RADIUS_PT = 56.0
"""A provincial seal is about 4 cm across."""


Box = tuple[float, float, float, float]


def scanned_page(page: pdfium.PdfPage, dpi: int, seed: int, stamps: Sequence[Box] = ()) -> Image.Image:
    """One page as a scanner sees it: greyscale at ``dpi``, slightly blurred and tilted, with grain, and a round
    stamp over each of ``stamps`` (boxes in points: x0, top, x1, bottom)."""
    image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    draw = ImageDraw.Draw(image)
    for x0, top, x1, bottom in stamps:
        centre_x, centre_y = (x0 + x1) / 2 * dpi / 72, (top + bottom) / 2 * dpi / 72
        radius = min(max(x1 - x0, bottom - top) * 0.6, STAMP_RADIUS_PT) * dpi / 72
        box = (centre_x - radius, centre_y - radius, centre_x + radius, centre_y + radius)
        draw.ellipse(box, outline=120, width=max(2, dpi // 50))
        inner = radius * 0.72
        draw.ellipse((centre_x - inner, centre_y - inner, centre_x + inner, centre_y + inner), outline=150, width=1)
    image = image.filter(ImageFilter.GaussianBlur(radius=dpi / 300 * 0.6))
    rng = np.random.default_rng(seed)
    angle = TILT_DEGREES if seed % 2 else -TILT_DEGREES
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    pixels = np.asarray(image, dtype=np.float64) + rng.normal(0, NOISE_GREY, (image.height, image.width))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def scan_pdf(source: Path, target: Path, dpi: int, stamps: dict[int, list[Box]] | None = None) -> Path:
    """``source`` as an image-only PDF scanned at ``dpi``; ``stamps``: page number -> boxes stamped (default: the
    signature block of the last page, where a plan's stamp is)."""
    document = pdfium.PdfDocument(source)
    if stamps is None:
        width, height = document[len(document) - 1].get_size()
        stamps = {len(document): [(width * 0.55, height * 0.7, width * 0.8, height * 0.85)]}
    pages = [scanned_page(page, dpi, seed, stamps.get(seed + 1, ())) for seed, page in enumerate(document)]
    target.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(target, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return target


@dataclass
class ScanResult:
    """What vnplan read from one scanned plan."""

    name: str
    totals: dict[str, dict[str, int]]
    pages: int
    seconds: float
    cpu_seconds: float
    """This process's CPU time and its children's (Tesseract runs as a child process)."""
    tasks: int
    flagged_tasks: int
    """Tasks with a value queued because OCR was unsure of it."""
    review_rows: int
    """Review rows of the plan, for any reason (a conditional deadline, an agency not in the registry...)."""


def _cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def read_scan(scan: Path, gold: Path) -> ScanResult:
    """Read ``scan`` with vnplan and score it against its gold file (run in a worker process)."""
    from pipeline.build import READ_BY_OCR
    from pipeline.documents import process_file
    from pipeline.evaluate import score_document

    started, cpu = time.perf_counter(), _cpu_seconds()
    plan = process_file(scan)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    report = score_document(json.loads(gold.read_text(encoding="utf-8")), plan, str(scan))
    totals: dict[str, dict[str, int]] = {}
    for name, table in report.tables.items():
        totals[name] = {
            "gold": table.rows.gold,
            "read": table.rows.pred,
            "matched": table.rows.matched,
            "equal": sum(tally.equal for tally in table.fields.values()),
            "compared": sum(tally.compared for tally in table.fields.values()),
        }
    task_ids = {task.task_id for task in plan.tasks}
    flagged = {item.record_id for item in plan.review if item.record_id in task_ids and READ_BY_OCR in item.reason}
    return ScanResult(
        name=scan.stem,
        totals=totals,
        pages=plan.document.page_count or 0,
        seconds=seconds,
        cpu_seconds=cpu,
        tasks=len(plan.tasks),
        flagged_tasks=len(flagged),
        review_rows=len(plan.review),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score vnplan on the sample PDFs scanned at given resolutions.")
    parser.add_argument("--dpi", default="150,200,300", help="comma-separated scanner resolutions")
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "fixtures" / "gold")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "scans", help="where the scans are written")
    parser.add_argument("--only", default="", help="comma-separated sample name prefixes (default: all)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    prefixes = [p for p in args.only.split(",") if p]
    sources = [
        pdf
        for pdf in sorted(args.samples.glob("*.pdf"))
        if (args.gold / f"{pdf.stem}.json").exists() and (not prefixes or pdf.name.startswith(tuple(prefixes)))
    ]
    for dpi in (int(value) for value in args.dpi.split(",") if value):
        scans = [scan_pdf(pdf, args.out / str(dpi) / pdf.name, dpi) for pdf in sources]
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            results = list(pool.map(read_scan, scans, [args.gold / f"{pdf.stem}.json" for pdf in sources]))
        print(f"\n### Scanned at {dpi} dpi\n")
        print_score_header(
            "plan", "tasks queued as OCR-unsure", "review rows (all reasons)", "s/page wall", "s/page CPU"
        )
        for result in results:
            flags = f"{result.flagged_tasks} of {result.tasks}", str(result.review_rows)
            pages = max(result.pages, 1)
            timing = f"{result.seconds / pages:.1f}", f"{result.cpu_seconds / pages:.1f}"
            print_score_row(result.name[:3], result.totals, *flags, *timing)
    return 0


if __name__ == "__main__":
    sys.exit(main())
