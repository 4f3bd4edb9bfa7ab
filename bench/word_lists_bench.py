"""The sample plans with their typed "-" and "+" labels turned into Word bullet lists, and how vnplan reads them.

Many offices do not type "-" or "+" before a task and its details: they use Word's list formatting.  This
module rewrites every paragraph of the sample DOCX files that opens with a typed "- " or "+ " into the
"List Bullet" or "List Bullet 2" style with the typed mark removed (nothing else changes), prints the result
to PDF with LibreOffice, and scores the DOCX and the PDF against the gold files.

``python -m bench.word_lists_bench`` (``make eval-lists``; LibreOffice from ``make office-deps``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import docx

from bench.table_styles import ROOT, print_score_header, print_score_row, score, to_pdf

STYLES = {"- ": "List Bullet", "+ ": "List Bullet 2"}


def as_word_lists(source: Path, target: Path) -> int:
    """``source`` with its typed bullets made Word bullet lists; returns how many paragraphs changed."""
    document = docx.Document(str(source))
    changed = 0
    for paragraph in document.paragraphs:
        mark = paragraph.text[:2]
        if mark not in STYLES:
            continue
        paragraph.style = document.styles[STYLES[mark]]
        remaining = len(mark)  # drop the typed mark and its space from the runs that hold them
        for run in paragraph.runs:
            take = min(len(run.text), remaining)
            run.text, remaining = run.text[take:].lstrip() if take else run.text, remaining - take
            if remaining == 0:
                break
        changed += 1
    document.save(str(target))
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score vnplan on the samples with Word bullet lists.")
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "fixtures" / "gold")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "word-lists")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rewritten = []
    for source in sorted(args.samples.glob("*.docx")):
        changed = as_word_lists(source, args.out / source.name)
        print(f"{source.name}: {changed} paragraphs made list items")
        rewritten.append(args.out / source.name)
    print("")
    print_score_header("form")
    for name, files in (("docx", rewritten), ("pdf (LibreOffice)", to_pdf(rewritten, args.out))):
        print_score_row(name, score(files, args.gold))
    return 0


if __name__ == "__main__":
    sys.exit(main())
