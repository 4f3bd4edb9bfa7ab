"""Synthetic corpora for the benchmark: distinct plans made by varying the sample text exports.

Every generated document is a copy of one sample ``.txt`` file with a new document number and a new
issue day and month, so that each copy is a different plan (a plan is identified by province + number)
with different bytes, while its structure, and so what the pipeline extracts from it, stays the same.
The number and the date are found with generic patterns on the document's header (the "Số: .../KH-..."
line and the "<Place>, ngày ... tháng ... năm YYYY" line); no sample wording is assumed.  The year is
kept, so the plan window and every deadline read from the copy are those of the original.

The PDF helpers build long PDFs by repeating the pages of a sample (for the memory-versus-pages check).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HEAD_CHARS = 4000
"""Only the header is searched (the number and date lines come before the body)."""

_NUMBER_LINE = re.compile(
    r"^(?P<lead>[^\S\n]*[#>*_]*[^\S\n]*Số[^\S\n]*:?[^\S\n]*)(?P<num>[^/\n]*?)"
    r"(?P<sep>[^\S\n]*/[^\S\n]*)(?P<code>[^\s/,;][^\s,;]*)",
    re.MULTILINE,
)
_DATE_LINE = re.compile(
    r"(?P<lead>,[^\S\n]*ngày[^\S\n]*)(?P<day>[^\n]*?)(?P<month_word>tháng[^\S\n]*)(?P<month>[^\n]*?)"
    r"(?P<year_word>năm[^\S\n]*)(?P<year>(?:19|20)\d{2})",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
FIRST_NUMBER = 1001


class NotATemplateError(ValueError):
    """A sample whose header has no number line or no date line cannot be varied."""


@dataclass(frozen=True)
class Variant:
    """What makes one generated document a distinct plan."""

    number: int
    day: int
    month: int


def variant(index: int) -> Variant:
    """The ``index``-th variant: a number unique in the corpus, and a valid day and month."""
    return Variant(number=FIRST_NUMBER + index, day=1 + index % 28, month=1 + (index // 28) % 12)


def _with_value(field: str, value: int) -> str:
    """Put ``value`` in a number field, keeping its markup ('**93** ' -> '**1001** ', '' -> '1001 ')."""
    if _DIGITS.search(field):
        return _DIGITS.sub(str(value), field, count=1)
    return f"{value} " if not field.strip() else f"{field.rstrip()} {value} "


def vary(text: str, choice: Variant) -> str:
    """``text`` with the header's document number, issue day and issue month replaced."""
    head, body = text[:HEAD_CHARS], text[HEAD_CHARS:]
    number = _NUMBER_LINE.search(head)
    if number is None:
        raise NotATemplateError("no document number line ('Số: .../...') in the header")
    head = (
        head[: number.start("num")]
        + _with_value(number.group("num"), choice.number).rstrip()
        + head[number.end("num") :]
    )
    date = _DATE_LINE.search(head)
    if date is None:
        raise NotATemplateError("no place-and-date line (', ngày ... tháng ... năm YYYY') in the header")
    replaced = (
        date.group("lead")
        + _with_value(date.group("day"), choice.day)
        + date.group("month_word")
        + _with_value(date.group("month"), choice.month)
        + date.group("year_word")
        + date.group("year")
    )
    head = head[: date.start()] + replaced + head[date.end() :]
    return head + body


def templates(samples: Path, suffix: str = ".txt") -> list[Path]:
    """The sample files of one format that can be varied (sorted by name)."""
    usable = []
    for path in sorted(samples.glob(f"*{suffix}")):
        try:
            vary(path.read_text(encoding="utf-8"), variant(0))
        except (NotATemplateError, UnicodeDecodeError):
            continue
        usable.append(path)
    return usable


def generate_corpus(sources: Sequence[Path], count: int, folder: Path) -> list[Path]:
    """Write ``count`` distinct plans into ``folder``, cycling over ``sources``; the written paths."""
    if not sources:
        raise ValueError("no template document to vary")
    folder.mkdir(parents=True, exist_ok=True)
    texts = [source.read_text(encoding="utf-8") for source in sources]
    return [_write(sources, texts, index, folder) for index in range(count)]


def add_document(sources: Sequence[Path], index: int, folder: Path) -> Path:
    """One more distinct plan in ``folder``: the ``index``-th of the sequence ``generate_corpus`` writes."""
    return _write(sources, [source.read_text(encoding="utf-8") for source in sources], index, folder)


def _write(sources: Sequence[Path], texts: Sequence[str], index: int, folder: Path) -> Path:
    source = sources[index % len(sources)]
    path = folder / f"{index:05d}-{source.stem}{source.suffix}"
    path.write_text(vary(texts[index % len(texts)], variant(index)), encoding="utf-8")
    return path


def repeat_pdf(source: Path, pages: int, target: Path) -> Path:
    """A PDF of ``pages`` pages made by repeating the pages of ``source`` in order (PyMuPDF)."""
    import pymupdf

    target.parent.mkdir(parents=True, exist_ok=True)
    with pymupdf.open(source) as original, pymupdf.open() as built:
        while built.page_count < pages:
            last = min(original.page_count, pages - built.page_count) - 1
            built.insert_pdf(original, from_page=0, to_page=last)
        built.save(target, garbage=3, deflate=True)
    return target
