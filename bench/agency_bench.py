"""Benchmark of agency normalization: its speed on the samples' cells, and its accuracy on every gold cell.

Run with ``make bench`` (or ``python -m bench.agency_bench``).

- Speed: every agency cell of every sample (all formats) is read once; then the time to split and
  resolve all of them is measured ``--repeat`` times with ``time.perf_counter`` (the registry and
  the spaCy matcher are built once before, and that build is timed apart).
- Accuracy on cells the pipeline does not extract yet: each gold record field (including the body
  tasks of plans without an appendix) is rebuilt as a cell by joining its gold ``raw`` spans with
  ", " and resolved in the plan's jurisdiction; the canonical names are compared with the gold as
  (record, field, name) triples, named and collective apart.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path

from extractors.appendix import extract_appendix
from extractors.readers import read_document
from normalizers.agencies import default_resolver
from normalizers.registry import default_registry

ROOT = Path(__file__).resolve().parent.parent
AGENCY_ROLES = ("tracking", "lead", "support")
GOLD_FIELDS = ("tracking_agencies", "lead", "support", "responsible")


def sample_cells(samples: Path) -> list[str]:
    cells: list[str] = []
    for path in sorted(samples.iterdir()):
        if path.suffix.lower() not in {".txt", ".docx", ".pdf"}:
            continue
        for rows in extract_appendix(read_document(path)).values():
            cells += [row.cells[role] for row in rows for role in AGENCY_ROLES if row.cells.get(role)]
    return cells


def time_resolution(cells: list[str], repeat: int) -> tuple[float, list[float]]:
    start = time.perf_counter()
    default_registry.cache_clear()
    default_resolver.cache_clear()
    resolver = default_resolver()
    build = time.perf_counter() - start
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for cell in cells:
            resolver.resolve_cell(cell)
        runs.append(time.perf_counter() - start)
    return build, runs


def gold_accuracy(gold_dir: Path) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {"named": Counter(), "collective": Counter()}
    resolver = default_resolver()
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        jurisdiction = gold["document"].get("jurisdiction")
        records = [*gold.get("targets", []), *gold.get("tasks", []), *gold.get("body_deadlines", [])]
        for record in records:
            for field in GOLD_FIELDS:
                refs = record.get(field) or []
                if not refs:
                    continue
                cell = ", ".join(ref["raw"] for ref in refs)
                predicted = [item.ref for item in resolver.resolve_cell(cell, jurisdiction=jurisdiction)]
                for label, collective in (("named", False), ("collective", True)):
                    want = Counter(ref["name"] for ref in refs if ref["collective"] == collective)
                    got = Counter(ref.name for ref in predicted if ref.collective == collective)
                    counts[label].update(
                        gold=sum(want.values()), pred=sum(got.values()), matched=sum((want & got).values())
                    )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "fixtures" / "gold")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    cells = sample_cells(args.samples)
    build, runs = time_resolution(cells, args.repeat)
    best, median = min(runs), statistics.median(runs)
    print(f"registry + matcher build: {build * 1000:.0f} ms ({len(default_registry().aliases)} alias keys)")
    print(
        f"{len(cells)} agency cells: best {best * 1000:.1f} ms, median {median * 1000:.1f} ms "
        f"over {args.repeat} runs ({median / len(cells) * 1e6:.0f} µs per cell)"
    )
    print("gold cells rebuilt from raw spans (all gold records):")
    for label, count in gold_accuracy(args.gold).items():
        precision = count["matched"] / count["pred"] if count["pred"] else float("nan")
        recall = count["matched"] / count["gold"] if count["gold"] else float("nan")
        print(
            f"  {label:<10} gold {count['gold']:>4}  pred {count['pred']:>4}  matched {count['matched']:>4}  "
            f"P {precision:.3f}  R {recall:.3f}"
        )


if __name__ == "__main__":
    main()
