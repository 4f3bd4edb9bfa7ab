"""Benchmark of deadline normalization: accuracy on every gold timeline text, and its speed.

Run with ``make bench`` (or ``python -m bench.deadline_bench``).

- Accuracy on records the pipeline does not extract yet: every gold ``deadline_raw`` (appendix tasks,
  the body tasks of plans without an appendix, and body deadlines) is parsed with the plan window the
  pipeline would use (period and vision year read from the sample's text export) and compared with the
  gold ``{kind, due, needs_review}``; needs_review is also scored as flags (precision and recall).
- Speed: all those texts are parsed ``--repeat`` times with ``time.perf_counter`` after one warm-up.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path

from extractors.metadata import extract_metadata
from extractors.readers import read_document
from normalizers.deadlines import parse_deadline, plan_years, reference_year

ROOT = Path(__file__).resolve().parent.parent


def gold_timelines(gold_dir: Path, samples: Path) -> list[tuple[str, str, str | None, dict, tuple, int | None]]:
    """(sample, part, raw, gold deadline, plan years, reference year) for every gold timeline."""
    items = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        meta = extract_metadata(read_document(samples / gold["file"]))
        years = plan_years(meta.period, meta.issued_date, meta.vision_year)
        reference = reference_year(meta.period, meta.issued_date)
        for task in gold["tasks"]:
            items.append((gold_path.stem, task["source"], task.get("deadline_raw"), task["deadline"], years, reference))
        for body in gold.get("body_deadlines", []):
            items.append((gold_path.stem, "directive", body["deadline_raw"], body["deadline"], years, reference))
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "fixtures" / "gold")
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    items = gold_timelines(args.gold, args.samples)
    scores: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0])
    for sample, part, raw, gold, years, reference in items:
        parsed = parse_deadline(raw, plan_years=years, reference_year=reference)
        row = scores[(sample, part)]
        row[0] += 1
        row[1] += parsed.kind == gold["kind"]
        row[2] += parsed.due == gold["due"]
        row[3] += parsed.needs_review == gold["needs_review"]
        row[4] += bool(gold["needs_review"])
        row[5] += parsed.needs_review
        row[6] += bool(gold["needs_review"]) and parsed.needs_review
        if (parsed.kind, parsed.due, parsed.needs_review) != (gold["kind"], gold["due"], gold["needs_review"]):
            print(f"  MISMATCH {sample} {part}: {raw!r} -> {parsed.kind} {parsed.due} {parsed.needs_review}")
    print("deadline parser on every gold timeline text")
    print(f"{'sample':<24}{'part':<11}{'n':>4}{'kind':>7}{'due':>7}{'review':>8}{'flags g/p/m':>14}")
    for (sample, part), (n, kind, due, review, g, p, m) in sorted(scores.items()):
        print(f"{sample:<24}{part:<11}{n:>4}{kind:>7}{due:>7}{review:>8}{f'{g}/{p}/{m}':>14}")
    texts = [(raw, years, reference) for _, _, raw, _, years, reference in items]
    parse_deadline("Quý I/2027")
    runs = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        for raw, years, reference in texts:
            parse_deadline(raw, plan_years=years, reference_year=reference)
        runs.append(time.perf_counter() - start)
    median = statistics.median(runs)
    print(
        f"speed: {len(texts)} texts in {median * 1000:.1f} ms (median of {args.repeat}), "
        f"{median / len(texts) * 1e6:.0f} µs per text"
    )


if __name__ == "__main__":
    main()
