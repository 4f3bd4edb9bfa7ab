"""Do the completeness checks notice what is missing?  The sample plans with parts taken out, read again.

For each sample DOCX this makes, with python-docx, the variants a reader could lose and a person could not
see: one numbered row taken out of the middle of each appendix table's first group; the last appendix table
taken out whole; one agency's section of a prose task list taken out (heading and lines); one model block
taken out.  Each variant is read by vnplan and its ``complete`` flag and findings printed: every variant
must come out ``complete: false`` with a finding naming what is missing, the untouched plans ``true``.

``python -m bench.completeness_bench`` (``make eval-completeness``).  Structure is found by vnplan's own rules
(row numbers, the agency registry, the model-heading vocabulary), never by a sample's wording.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

import docx

from bench.table_styles import ROOT
from extractors.task_units import unit_heading
from normalizers.agencies import AgencyNameChecks, default_resolver
from pipeline.documents import process_file

_NUMBERED = re.compile(r"^(\d{1,2})\.?$")
_HEADING = re.compile(r"^(\d{1,2})\.\s+(\S.*)$")


def _drop_a_row(document: docx.document.Document) -> bool:
    """Take out the second numbered row of each table's first run of numbered rows."""
    dropped = False
    for table in document.tables:
        numbered = [row for row in table.rows if _NUMBERED.match(row.cells[0].text.strip())]
        if len(numbered) >= 3 and _NUMBERED.match(numbered[1].cells[0].text.strip()).group(1) == "2":  # type: ignore[union-attr]
            table._tbl.remove(numbered[1]._tr)
            dropped = True
    return dropped


def _drop_last_table(document: docx.document.Document) -> bool:
    if not document.tables:
        return False
    table = document.tables[-1]._tbl
    table.getparent().remove(table)
    return True


def _remove_paragraphs(paragraphs: list, start: int, stop: Callable[[str], bool]) -> None:
    """Remove paragraph ``start`` and the ones after it up to the first for which ``stop`` is true."""
    end = start + 1
    while end < len(paragraphs) and not stop(paragraphs[end].text.strip()):
        end += 1
    for paragraph in paragraphs[start:end]:
        paragraph._element.getparent().remove(paragraph._element)


def _drop_an_agency_section(document: docx.document.Document) -> bool:
    """Take out the second agency heading ("2. Sở ...") of a prose task list and its lines (a plan with an
    appendix task table has its task list there: its body's agency headings assign no rows)."""
    if document.tables:
        return False
    names = AgencyNameChecks(default_resolver(), None)
    paragraphs = document.paragraphs

    def is_agency_heading(text: str) -> bool:
        match = _HEADING.match(text)
        return bool(match) and len(text.split()) <= 14 and names.names_only(match.group(2).rstrip(" .:"))

    headings = [i for i, p in enumerate(paragraphs) if is_agency_heading(p.text.strip())]
    if len(headings) < 3:
        return False
    _remove_paragraphs(paragraphs, headings[1], is_agency_heading)
    return True


def _drop_a_model(document: docx.document.Document) -> bool:
    """Take out the second model block ("b) Mô hình 2: ...") and its lines."""
    paragraphs = document.paragraphs
    units = [i for i, p in enumerate(paragraphs) if unit_heading(p.text.strip())]
    if len(units) < 3:
        return False
    _remove_paragraphs(paragraphs, units[1], lambda text: bool(unit_heading(text) or _HEADING.match(text)))
    return True


VARIANTS: dict[str, Callable[[docx.document.Document], bool]] = {
    "untouched": lambda document: True,
    "a row out of each table": _drop_a_row,
    "the last appendix table out": _drop_last_table,
    "an agency section out": _drop_an_agency_section,
    "a model block out": _drop_a_model,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Completeness findings on the samples with parts taken out.")
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "completeness")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    print("| sample | variant | complete | findings (open, review items left out) |")
    print("|---|---|---|---|")
    for source in sorted(args.samples.glob("*.docx")):
        for name, change in VARIANTS.items():
            document = docx.Document(str(source))
            if not change(document):
                continue  # the sample has no such part
            path = args.out / f"{source.stem}-{name.replace(' ', '-')}.docx"
            document.save(str(path))
            record = process_file(path).document
            said = "; ".join(f.message for f in record.completeness if f.severity != "review") or "–"
            print(f"| {source.stem[:3]} | {name} | {str(record.complete).lower()} | {said} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
