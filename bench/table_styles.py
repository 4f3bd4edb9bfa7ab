"""The sample plans printed in other table drawing styles, and how vnplan reads them.

Offices print appendix tables with every rule, with rules between rows only, in the "booktabs" look (a rule
above and below the header and one closing the table) or with no rules at all; in landscape or portrait.
This module rewrites the table borders of the sample DOCX files (WordprocessingML ``w:tblBorders`` and
``w:tcBorders``; nothing else changes), prints them to PDF with LibreOffice as an office would, and scores
what vnplan reads from each PDF against the gold files.

``python -m bench.table_styles`` (``make eval-styles``) prints the accuracy per drawing style; the pipeline
benchmark uses ``render_samples`` for its booktabs row.  LibreOffice (``soffice``) is needed: ``make`` installs
it for these two targets only.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ROOT = Path(__file__).resolve().parent.parent
CONVERT_TIMEOUT_S = 300.0
PORTRAIT_WIDTH_TWIPS = 9600
"""Text width of an A4 portrait page with 2 cm margins: a landscape table is narrowed to it."""
MIN_FIRST_COLUMN_TWIPS = 700
"""The STT column keeps room for "STT" when a table is narrowed (its other columns give up the width)."""


@dataclass(frozen=True)
class DrawingStyle:
    name: str
    borders: str
    """all | rows | header-grid (rows, and vertical rules in the header only) | booktabs | none"""
    portrait: bool = False
    top_aligned: bool = False
    """Cells aligned to the top, with no paragraph spacing inside them (Word's defaults)."""


STYLES = {
    style.name: style
    for style in (
        DrawingStyle("all", "all"),
        DrawingStyle("rows", "rows"),
        DrawingStyle("header-grid", "header-grid"),
        DrawingStyle("booktabs", "booktabs"),
        DrawingStyle("none", "none"),
        DrawingStyle("all-portrait", "all", portrait=True),
        DrawingStyle("booktabs-portrait", "booktabs", portrait=True),
        DrawingStyle("none-portrait", "none", portrait=True),
        DrawingStyle("none-top", "none", top_aligned=True),
    )
}


def _tag(name: str) -> str:
    return f"{{{W}}}{name}"


def _border(name: str, drawn: bool) -> etree._Element:
    element = etree.Element(_tag(name))
    element.set(_tag("val"), "single" if drawn else "nil")
    if drawn:
        element.set(_tag("sz"), "6")
        element.set(_tag("space"), "0")
        element.set(_tag("color"), "000000")
    return element


def _insert_in_order(parent: etree._Element, child: etree._Element, after: tuple[str, ...]) -> None:
    """Insert ``child`` after the last of the ``after`` elements present (the schema's element order)."""
    position = 0
    for index, element in enumerate(parent):
        if etree.QName(element).localname in after:
            position = index + 1
    parent.insert(position, child)


_TBLPR_BEFORE_BORDERS = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW", "jc",
    "tblCellSpacing", "tblInd",
)  # fmt: skip
_TCPR_BEFORE_BORDERS = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge")


def _restyle_table(table: etree._Element, style: DrawingStyle) -> None:
    properties = table.find(_tag("tblPr"))
    if properties is None:
        properties = etree.SubElement(table, _tag("tblPr"))
        table.insert(0, properties)
    for old in properties.findall(_tag("tblBorders")):
        properties.remove(old)
    outer = style.borders != "none"
    every = style.borders == "all"
    borders = etree.Element(_tag("tblBorders"))
    for name, drawn in (
        ("top", outer),
        ("left", every),
        ("bottom", outer),
        ("right", every),
        ("insideH", style.borders in ("all", "rows", "header-grid")),
        ("insideV", every),
    ):
        borders.append(_border(name, drawn))
    _insert_in_order(properties, borders, _TBLPR_BEFORE_BORDERS)
    for cell_properties in table.iter(_tag("tcPr")):
        for old in cell_properties.findall(_tag("tcBorders")):
            cell_properties.remove(old)
        if style.top_aligned:
            for align in cell_properties.findall(_tag("vAlign")):
                align.set(_tag("val"), "top")
    if style.top_aligned:
        for spacing in table.iter(_tag("spacing")):
            spacing.set(_tag("before"), "0")
            spacing.set(_tag("after"), "0")
    rows = table.findall(_tag("tr"))
    header_rows = max(1, sum(1 for row in rows if row.find(f"{_tag('trPr')}/{_tag('tblHeader')}") is not None))
    if style.borders == "booktabs":  # a rule under the header: the bottom border of its last row's cells
        for cell in rows[header_rows - 1].findall(_tag("tc")):
            _cell_borders(cell, ("bottom",))
    if style.borders == "header-grid":  # vertical rules between the header's cells only
        for row in rows[:header_rows]:
            for cell in row.findall(_tag("tc")):
                _cell_borders(cell, ("left", "right"))
    if style.portrait:
        _narrow(table)


def _cell_borders(cell: etree._Element, sides: tuple[str, ...]) -> None:
    properties = cell.find(_tag("tcPr"))
    if properties is None:
        properties = etree.Element(_tag("tcPr"))
        cell.insert(0, properties)
    borders = etree.Element(_tag("tcBorders"))
    for side in ("top", "left", "bottom", "right"):  # the schema's order
        if side in sides:
            borders.append(_border(side, True))
    _insert_in_order(properties, borders, _TCPR_BEFORE_BORDERS)


def _narrow(table: etree._Element) -> None:
    """Fit a landscape table to a portrait page: the columns shrink in proportion, the STT column least."""
    grid = table.find(_tag("tblGrid"))
    if grid is None:
        return
    columns = grid.findall(_tag("gridCol"))
    widths = [int(column.get(_tag("w"), "0")) for column in columns]
    if sum(widths) <= PORTRAIT_WIDTH_TWIPS or len(widths) < 2:
        return
    first = max(widths[0], MIN_FIRST_COLUMN_TWIPS)
    factor = (PORTRAIT_WIDTH_TWIPS - first) / (sum(widths) - widths[0])
    narrowed = [first, *(int(width * factor) for width in widths[1:])]
    for column, width in zip(columns, narrowed, strict=True):
        column.set(_tag("w"), str(width))
    for row in table.findall(_tag("tr")):
        position = 0
        for cell in row.findall(_tag("tc")):
            properties = cell.find(_tag("tcPr"))
            span_element = properties.find(_tag("gridSpan")) if properties is not None else None
            span = int(span_element.get(_tag("val"), "1")) if span_element is not None else 1
            width = properties.find(_tag("tcW")) if properties is not None else None
            if width is not None:
                width.set(_tag("w"), str(sum(narrowed[position : position + span])))
                width.set(_tag("type"), "dxa")
            position += span


def _to_portrait(document: etree._Element) -> None:
    for size in document.iter(_tag("pgSz")):
        if size.get(_tag("orient")) == "landscape":
            width, height = size.get(_tag("w")), size.get(_tag("h"))
            size.set(_tag("w"), height or "")
            size.set(_tag("h"), width or "")
            del size.attrib[_tag("orient")]


def restyle_docx(source: Path, target: Path, style: DrawingStyle) -> Path:
    """``source`` with every table drawn in ``style``; the rest of the package byte for byte."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for item in package.infolist():
            data = package.read(item.filename)
            if item.filename == "word/document.xml":
                document = etree.fromstring(data)
                for table in document.iter(_tag("tbl")):
                    _restyle_table(table, style)
                if style.portrait:
                    _to_portrait(document)
                data = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
            rewritten.writestr(item, data)
    target.write_bytes(buffer.getvalue())
    return target


def office() -> str:
    """The LibreOffice command, or an error saying how to get it."""
    command = shutil.which("soffice") or shutil.which("libreoffice")
    if command is None:
        raise RuntimeError(
            "LibreOffice is not installed: run 'make office-deps' (Debian: libreoffice-writer-nogui fonts-liberation)"
        )
    return command


def to_pdf(documents: list[Path], folder: Path) -> list[Path]:
    """Print Word files to PDF with LibreOffice, as an office would (its own profile, so it never clashes)."""
    with tempfile.TemporaryDirectory(prefix="vnplan-office-") as profile:
        subprocess.run(
            [
                office(),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                *map(str, documents),
            ],
            check=True,
            capture_output=True,
            timeout=CONVERT_TIMEOUT_S,
        )
    pdfs = [folder / f"{document.stem}.pdf" for document in documents]
    missing = [pdf.name for pdf in pdfs if not pdf.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no PDF for {', '.join(missing)}")
    return pdfs


def render_samples(samples: Path, style: DrawingStyle, folder: Path) -> list[Path]:
    """The sample DOCX files of ``samples`` printed to PDF in ``style``, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    restyled = [restyle_docx(path, folder / path.name, style) for path in sorted(samples.glob("*.docx"))]
    return to_pdf(restyled, folder)


# -- scoring ---------------------------------------------------------------------------------------------


def score(pdfs: list[Path], gold: Path) -> dict[str, dict[str, int]]:
    """Rows of each appendix table (gold, read, matched) and matched fields (equal, compared), over ``pdfs``."""
    from pipeline.documents import process_file
    from pipeline.evaluate import score_document

    totals: dict[str, dict[str, int]] = {}
    for pdf in pdfs:
        expected = gold / f"{pdf.stem}.json"
        if not expected.exists():
            continue
        report = score_document(json.loads(expected.read_text(encoding="utf-8")), process_file(pdf), str(pdf))
        for name, table in report.tables.items():
            total = totals.setdefault(name, dict.fromkeys(("gold", "read", "matched", "equal", "compared"), 0))
            total["gold"] += table.rows.gold
            total["read"] += table.rows.pred
            total["matched"] += table.rows.matched
            total["equal"] += sum(tally.equal for tally in table.fields.values())
            total["compared"] += sum(tally.compared for tally in table.fields.values())
    return totals


SCORED_TABLES = ("targets", "tasks/appendix", "tasks/section", "tasks/directive")


def print_score_header(first: str, *extra: str) -> None:
    """The head of a Markdown table of ``score`` results, one row per form or style."""
    print("Each cell: rows gold / read / matched, then fields equal / compared over the matched rows.")
    print("")
    print(f"| {first} | " + " | ".join([*SCORED_TABLES, *extra]) + " |")
    print("|---" * (len(SCORED_TABLES) + len(extra) + 1) + "|")


def print_score_row(name: str, totals: dict[str, dict[str, int]], *extra: str) -> None:
    cells = []
    for table in SCORED_TABLES:
        c = totals.get(table)
        cells.append(f"{c['gold']} / {c['read']} / {c['matched']}, {c['equal']} / {c['compared']}" if c else "–")
    print(f"| {name} | " + " | ".join([*cells, *extra]) + " |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score vnplan on the samples printed in other table drawing styles.")
    parser.add_argument("--styles", default=",".join(STYLES), help=f"comma-separated, of {', '.join(STYLES)}")
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "fixtures" / "gold")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "styles", help="where the PDFs are written")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.styles.split(",") if name.strip()]
    unknown = [name for name in names if name not in STYLES]
    if unknown:
        parser.error(f"unknown style(s): {', '.join(unknown)}")
    print_score_header("style")
    for name in names:
        print_score_row(name, score(render_samples(args.samples, STYLES[name], args.out / name), args.gold))
    return 0


if __name__ == "__main__":
    sys.exit(main())
