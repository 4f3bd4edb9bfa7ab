"""The sample plans as text and Markdown exports, and how vnplan reads them.

Plans reach people as text too: converted to Markdown (markitdown: mammoth's HTML, then markdownify's pipe
tables; pandoc's GitHub Markdown), or copied from a web page into a text file (a browser copies a table row as
its cells separated by tabs, one row per line, and drops the cells a merge covers). This module makes those
forms from the sample DOCX files with the real converters, adds what a page-by-page copy leaves (a blank line,
the page number and the header repeated every few rows; trailing tabs and cells still wrapped in ``<p>``), and
scores what vnplan reads from each form against the gold files.


The samples saved by LibreOffice as a web page, a Word 97 ``.doc``, Rich Text and OpenDocument are scored the
same way, with the time per document (the reader's LibreOffice conversion included).

``python -m bench.text_forms`` (``make eval-forms``) prints the accuracy per form.  markitdown and mammoth
come with the ``bench`` extra; ``make eval-forms`` installs pandoc where missing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html

from bench.table_styles import CONVERT_TIMEOUT_S, ROOT, office, print_score_header, print_score_row, score

ROWS_PER_PAGE = 8
"""Rows between two page breaks in the page-by-page copy."""


def markitdown_export(docx: Path, target: Path) -> Path:
    """The DOCX converted by markitdown, as a user converting a plan to Markdown would."""
    from markitdown import MarkItDown

    target.write_text(MarkItDown().convert(str(docx)).text_content, encoding="utf-8")
    return target


def pandoc_export(docx: Path, target: Path, flavour: str = "gfm") -> Path:
    """The DOCX converted to Markdown by pandoc: GitHub Markdown ("gfm": pipe tables, merged cells written as
    empty cells) or strict Markdown ("markdown_strict": every table as HTML inside the Markdown)."""
    command = shutil.which("pandoc")
    if command is None:
        raise RuntimeError("pandoc is not installed: run 'make eval-forms' (Debian: pandoc)")
    subprocess.run([command, "-t", flavour, "-o", str(target), str(docx)], check=True, timeout=CONVERT_TIMEOUT_S)
    return target


def libreoffice_export(docx: Path, target: Path, filter_name: str) -> Path:
    """The DOCX saved by LibreOffice in another format (a web page, Word 97, Rich Text, OpenDocument)."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [office(), f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to",
             f"{target.suffix.lstrip('.')}:{filter_name}", "--outdir", folder, str(docx)],
            check=True, capture_output=True, timeout=CONVERT_TIMEOUT_S,
        )  # fmt: skip
        shutil.move(str(Path(folder) / f"{docx.stem}{target.suffix}"), target)
    return target


def _html(docx: Path) -> lxml.html.HtmlElement:
    import mammoth

    with docx.open("rb") as source:
        return lxml.html.fromstring(f"<body>{mammoth.convert_to_html(source).value}</body>")


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join("".join(element.itertext()).split())


def _cell(element: lxml.html.HtmlElement, raw: bool) -> str:
    """A table cell as copied: its paragraphs' text, or (``raw``) its paragraphs still in their ``<p>`` tags."""
    paragraphs = element.findall("p") or [element]
    if raw:
        return "".join(f"<p>{_text(paragraph)}</p>" for paragraph in paragraphs)
    return " ".join(_text(paragraph) for paragraph in paragraphs)


def browser_copy(docx: Path, target: Path, paged: bool = False) -> Path:
    """The plan as text copied from its web page: paragraphs one per line, table rows as tab-separated cells.

    ``paged``: copied page by page from a portal's viewer: every ``ROWS_PER_PAGE`` rows a blank line, the page
    number and the table's header again; some rows with more or fewer trailing tabs; some cells in ``<p>``."""
    chooser = random.Random(docx.name)  # the same "mess" on every run
    lines: list[str] = []
    page = 2
    for element in _html(docx):
        if element.tag != "table":
            text = _text(element)
            if text:
                lines.append(text)
            continue
        rows = element.iter("tr")
        header: list[str] = []
        for number, row in enumerate(rows):
            head = row.find("th") is not None
            cells = [_cell(cell, raw=paged and not head and chooser.random() < 0.3) for cell in row]
            line = "\t".join(cells)
            if paged and not head:
                line += chooser.choice(["", "", "\t", "\t\t"])
                if chooser.random() < 0.3:
                    line = line.rstrip("\t")
            if head:
                header.append(line)
            elif paged and number > len(header) and (number - len(header)) % ROWS_PER_PAGE == 0:
                lines += ["", str(page), "", *header]
                page += 1
            lines.append(line)
        lines.append("")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


FORMS: dict[str, tuple[str, Callable[[Path, Path], Path]]] = {
    "markitdown": (".md", markitdown_export),
    "pandoc-gfm": (".md", pandoc_export),
    "pandoc-html-tables": (".md", lambda docx, target: pandoc_export(docx, target, "markdown_strict")),
    "browser-copy": (".txt", browser_copy),
    "web page (LibreOffice)": (".html", lambda docx, target: libreoffice_export(docx, target, "HTML (StarWriter)")),
    "doc (Word 97)": (".doc", lambda docx, target: libreoffice_export(docx, target, "MS Word 97")),
    "rtf": (".rtf", lambda docx, target: libreoffice_export(docx, target, "Rich Text Format")),
    "odt": (".odt", lambda docx, target: libreoffice_export(docx, target, "writer8")),
    "browser-copy-paged": (".txt", lambda docx, target: browser_copy(docx, target, paged=True)),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score vnplan on the samples as text and Markdown exports.")
    parser.add_argument("--forms", default=",".join(FORMS), help=f"comma-separated, of {', '.join(FORMS)}")
    parser.add_argument("--samples", type=Path, default=ROOT / "samples")
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "fixtures" / "gold")
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "forms", help="where the exports are written")
    args = parser.parse_args(argv)
    names = [name.strip() for name in args.forms.split(",") if name.strip()]
    unknown = [name for name in names if name not in FORMS]
    if unknown:
        parser.error(f"unknown form(s): {', '.join(unknown)}")
    print_score_header("form", "s/document")
    for name in names:
        suffix, export = FORMS[name]
        folder = args.out / name.split(" ")[0]
        folder.mkdir(parents=True, exist_ok=True)
        exports = [export(docx, folder / f"{docx.stem}{suffix}") for docx in sorted(args.samples.glob("*.docx"))]
        clock = time.perf_counter()
        totals = score(exports, args.gold)
        seconds = (time.perf_counter() - clock) / len(exports)  # reading (and converting) + building the records
        print_score_row(name, totals, f"{seconds:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
