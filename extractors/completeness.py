"""Check what was read against what the plan says of itself, so that no plan is silently incomplete.

A plan tells how much it holds: its rows are numbered 1, 2, 3 ... within each group I, II, III; its body
refers to its appendices ("Chi tiết tại Phụ lục II"); its headings state counts ("(bao gồm 02 mô hình)").
Each check compares one of these with the rows read and gives ``Finding``s:

- ``numbering_gap`` / ``group_gap``: numbers missing in a group's run of rows, or groups missing in a
  table or section (rows were lost), severity ``incomplete``;
- ``numbering_repeat`` / ``numbering_restart`` (``group_repeat`` / ``group_restart``): a number printed twice or
  a run starting again at 1 (real plans do that by mistake), severity ``review``;
- ``missing_appendix``: an appendix the body refers to, holding targets or tasks, of which no row was read
  (its table not recognised, or not in the file at all), severity ``critical``;
- ``count_mismatch``: a stated count against the rows read, ``incomplete`` when fewer were read, ``review``
  when more;
- ``no_tasks``: no appendix task table and no prose task list at all, ``incomplete``;
- ``unread_rows``: a table whose rows are numbered like a plan's (two or more rows opening with 1, 2, 3 ...
  and filled across three or more columns) that no appendix table took in (its header not recognised, or a
  piece that follows no table), ``incomplete``: rows a reader could not place never vanish quietly.

The wording (the appendix and count patterns, the kind words, the sentences a clerk reads) is data:
``data/completeness.yaml``.  Only integer row numbers and roman group numbers are checked; lettered rows
("a", "b") and sub-rows ("1.2") are not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from extractors.appendix import AppendixRow
from extractors.layout import is_roman_numeral, strip_numbering
from extractors.model import Document
from extractors.ocr_numbering import default_confusions, numeral_value
from extractors.sections import SectionTask
from extractors.tables import LogicalTable, find_appendix_tables
from extractors.task_units import unit_heading
from normalizers.data_files import load_rules
from normalizers.text import collapse_whitespace, fold

Severity = Literal["critical", "incomplete", "review"]
MAX_LISTED = 12
"""A finding lists at most this many numbers (a whole lost table page is one finding, not a wall of numbers)."""
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


@dataclass(frozen=True)
class Finding:
    """One thing the plan says that the rows read do not bear out."""

    kind: str
    severity: Severity
    where: str  # the table or section, as a clerk names it ("Phụ lục II", "Phần phân công nhiệm vụ")
    group: str | None
    numbers: tuple[str, ...]
    message: str
    expected: int | None = None
    found: int | None = None

    @property
    def key(self) -> str:
        """What identifies the finding across reruns (the review row's ``raw``)."""
        if self.kind == "no_tasks":
            return self.kind
        return "|".join([self.kind, self.where, self.group or "", ",".join(self.numbers)])


@dataclass(frozen=True)
class CompletenessVocabulary:
    appendix_reference: re.Pattern[str]
    scanned_appendix_reference: re.Pattern[str]
    external_reference: re.Pattern[str]
    appendix_title_max_words: int
    kind_words: dict[str, tuple[str, ...]]
    count_note: re.Pattern[str]
    count_units: dict[str, str]
    labels: dict[str, str]
    messages: dict[str, str]

    @classmethod
    def load(cls, data: dict[str, Any]) -> CompletenessVocabulary:
        return cls(
            appendix_reference=re.compile(data["appendix_reference"], re.IGNORECASE),
            scanned_appendix_reference=re.compile(data["scanned_appendix_reference"], re.IGNORECASE),
            external_reference=re.compile(data["external_reference"], re.IGNORECASE),
            appendix_title_max_words=int(data["appendix_title_max_words"]),
            kind_words={kind: tuple(map(fold, words)) for kind, words in data["kind_words"].items()},
            count_note=re.compile(data["count_note"], re.IGNORECASE),
            count_units={fold(unit): kind for unit, kind in data["count_units"].items()},
            labels=data["labels"],
            messages=data["messages"],
        )

    def kind_near(self, text: str, offset: int) -> str | None:
        """The table kind whose word stands nearest to ``offset`` in ``text`` ("targets" / "tasks"), or None."""
        folded = fold(text)
        best: tuple[int, str] | None = None
        for kind, words in self.kind_words.items():
            for word in words:
                for match in re.finditer(re.escape(word), folded):
                    distance = abs(match.start() - offset)
                    if best is None or distance < best[0]:
                        best = (distance, kind)
        return best[1] if best else None


@lru_cache(maxsize=1)
def default_completeness_vocabulary() -> CompletenessVocabulary:
    return CompletenessVocabulary.load(load_rules("extractors", "completeness.yaml"))


def _finding(
    vocab: CompletenessVocabulary,
    kind: str,
    severity: Severity,
    where: str,
    group: str | None = None,
    numbers: Sequence[str] = (),
    **fields: Any,
) -> Finding:
    listed = list(numbers[:MAX_LISTED]) + (["…"] if len(numbers) > MAX_LISTED else [])
    place = vocab.messages["group"].format(label=where, group=group) if group else where
    template = vocab.messages[kind]
    message = template.format(where=place, numbers=", ".join(listed), **fields)
    expected, found = fields.get("expected"), fields.get("found")
    return Finding(kind, severity, where, group, tuple(listed), message, expected, found)


# -- numbering ---------------------------------------------------------------------------------------------


def roman_value(text: str) -> int | None:
    """12 for "XII"; None when ``text`` is no roman numeral."""
    numeral = text.strip().rstrip(".").upper()
    if not numeral or not is_roman_numeral(numeral):
        return None
    values = [_ROMAN_VALUES[ch] for ch in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


def _to_roman(value: int) -> str:
    out = ""
    for number, numeral in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V")):
        while value >= number:
            out, value = out + numeral, value - number
    return out + {4: "IV"}.get(value, "I" * value)


def _integer(stt: str | None) -> int | None:
    text = (stt or "").strip().rstrip(".)")
    return int(text) if text.isascii() and text.isdigit() else None


def numbering_findings(
    vocab: CompletenessVocabulary,
    where: str,
    group: str | None,
    numbers: Iterable[int],
    level: Literal["row", "group"] = "row",
    roman: bool = False,
) -> list[Finding]:
    """Findings of one run of numbers that should read 1, 2, 3 ...: gaps, repeats, restarts (``level``:
    the rows of a group, or the groups of a table or section)."""

    def shown(values: Iterable[int]) -> list[str]:
        return [_to_roman(v) if roman else str(v) for v in values]

    gaps: list[int] = []
    repeats: list[int] = []
    restarts: list[int] = []
    previous = 0
    for number in numbers:
        if number > previous + 1:
            gaps.extend(range(previous + 1, number))
        elif number == previous:
            repeats.append(number)
        elif number < previous:
            (restarts if number == 1 else repeats).append(number)
        previous = number
    prefix = "group" if level == "group" else "numbering"
    findings: list[Finding] = []
    if gaps:
        findings.append(_finding(vocab, f"{prefix}_gap", "incomplete", where, group, shown(gaps)))
    if repeats:
        findings.append(_finding(vocab, f"{prefix}_repeat", "review", where, group, shown(repeats)))
    if restarts:
        findings.append(_finding(vocab, f"{prefix}_restart", "review", where, group, shown(restarts)))
    return findings


def _grouped(items: Iterable[tuple[str | None, int | None]]) -> list[tuple[str | None, list[int]]]:
    """Consecutive items of one group gathered: (group, its integer numbers in order)."""
    runs: list[tuple[str | None, list[int]]] = []
    for group, number in items:
        if not runs or runs[-1][0] != group:
            runs.append((group, []))
        if number is not None:
            runs[-1][1].append(number)
    return runs


def appendix_numbering(vocab: CompletenessVocabulary, rows: list[AppendixRow], where: str) -> list[Finding]:
    """One appendix table: rows 1, 2, 3 ... within each group, and groups I, II, III ..."""
    findings: list[Finding] = []
    runs = _grouped((row.group, _integer(row.stt)) for row in rows)
    for group, numbers in runs:
        findings += numbering_findings(vocab, where, group, numbers)
    groups = [value for value in (roman_value(group or "") for group, _ in runs) if value is not None]
    return findings + numbering_findings(vocab, where, None, groups, "group", roman=True)


def section_numbering(vocab: CompletenessVocabulary, tasks: list[SectionTask]) -> list[Finding]:
    """Prose task lists: agency headings 1, 2, 3 ... and model units numbered through or per group."""
    findings: list[Finding] = []
    agency = [task for task in tasks if task.assignment is None]
    units = [task for task in tasks if task.assignment is not None]
    if agency:
        where = vocab.labels["agency_sections"]
        headings = [number for (_, _), number in _group_heads(agency)]
        findings += numbering_findings(vocab, where, None, [n for n in headings if n is not None], "group")
    if units:
        where = vocab.labels["task_units"]
        runs = _grouped((task.group or None, _integer(task.stt)) for task in units)
        through = any(numbers and numbers[0] > 1 for _, numbers in runs[1:])  # "Mô hình 1 ... 21" across groups
        if through:
            findings += numbering_findings(vocab, where, None, [n for _, numbers in runs for n in numbers])
        else:
            for group, numbers in runs:
                findings += numbering_findings(vocab, where, group, numbers)
        heads = [_integer(group) for group, _ in runs if group]
        findings += numbering_findings(vocab, where, None, [n for n in heads if n is not None], "group")
    return findings


def _group_heads(tasks: list[SectionTask]) -> list[tuple[tuple[str, str], int | None]]:
    """The agency headings in order, each once: ((number, title), number as an integer)."""
    seen: list[tuple[tuple[str, str], int | None]] = []
    for task in tasks:
        head = (task.group, task.group_title)
        if not seen or seen[-1][0] != head:
            seen.append((head, _integer(task.group)))
    return seen


# -- appendices the body refers to -------------------------------------------------------------------------


def _numeral(text: str, scanned: bool = False) -> str:
    """The appendix number in one form: "2", "02" and "II" are all "II"; read by OCR, "H" and "Il" are too."""
    if text.isdigit():
        return _to_roman(int(text))
    if scanned:
        numeral = default_confusions().as_numeral(text)
        return numeral if numeral_value(numeral) else text.upper()
    return text.upper()


@dataclass(frozen=True)
class _Mention:
    numeral: str
    block: int
    is_title: bool
    kind: str | None  # what the words around it say the appendix holds


_CLAUSE_END = re.compile(r"[;!?]|\.(?=\s|$)")


def _clause(text: str, offset: int) -> tuple[int, int]:
    """The bounds of the clause of ``text`` (between ";" and sentence ends) holding ``offset``."""
    start = 0
    for match in _CLAUSE_END.finditer(text):
        if match.start() >= offset:
            return start, match.start()
        start = match.end()
    return start, len(text)


def _is_title_text(rest: str, vocab: CompletenessVocabulary) -> bool:
    """Whether a block opening with an appendix mention is the appendix's own title: short, or its name follows
    in capitals or after punctuation ("Phụ lục I MỤC TIÊU CỤ THỂ ...", "Phụ lục 02: Danh mục ..."), where a
    sentence about it goes on in lower case ("Phụ lục I kèm theo Kế hoạch này gồm ...")."""
    rest = rest.strip()
    return len(rest.split()) < vocab.appendix_title_max_words or not rest or not rest[0].islower()


def _mentions(document: Document, vocab: CompletenessVocabulary) -> list[_Mention]:
    mentions: list[_Mention] = []
    blocks = document.blocks
    for index, block in enumerate(blocks):
        if block.is_table or not block.text:
            continue
        text = collapse_whitespace(block.text)
        scanned = block.provenance.ocr
        pattern = vocab.scanned_appendix_reference if scanned else vocab.appendix_reference
        for match in pattern.finditer(text):
            if vocab.external_reference.match(text[match.end() :]):
                continue  # another document's appendix
            is_title = match.start() == 0 and _is_title_text(text[match.end() :], vocab)
            context = text
            if is_title:  # the appendix's own name is in the lines under its title
                following = [b.text for b in blocks[index + 1 : index + 4] if not b.is_table]
                context = " ".join([text, *following])
            if is_title:
                kind = vocab.kind_near(context, match.start())
            else:  # only the words of its own clause say what a reference is to
                start, end = _clause(text, match.start())
                kind = vocab.kind_near(text[start:end], match.start() - start)
            mentions.append(_Mention(_numeral(match.group(1), scanned), index, is_title, kind))
    return mentions


def appendix_findings(
    document: Document, vocab: CompletenessVocabulary, rows: list[AppendixRow]
) -> tuple[list[Finding], dict[int, str]]:
    """Findings for appendices referred to but not read, and the appendix name of each table read (by the
    block its table starts at: "Phụ lục II")."""
    mentions = _mentions(document, vocab)
    titles = sorted((m.block, m.numeral) for m in mentions if m.is_title)
    starts = sorted({row.table_block for row in rows})
    names: dict[int, str] = {}
    for start in starts:
        before = [numeral for block, numeral in titles if block < start]
        if before:
            names[start] = f"Phụ lục {before[-1]}"
    read = set(names.values())
    findings: list[Finding] = []
    for numeral in dict.fromkeys(m.numeral for m in mentions if not m.is_title):
        name = f"Phụ lục {numeral}"
        if name in read:
            continue
        said = [(m.is_title, kind) for m in mentions if m.numeral == numeral and (kind := m.kind) is not None]
        kind = next((k for is_title, k in said if is_title), next((k for _, k in said), None))
        if kind is None:
            continue  # an appendix the text does not say holds targets or tasks (a list of members, a form...)
        if any(m.numeral == numeral and m.is_title for m in mentions) or not rows_of_kind(rows, kind, names):
            findings.append(_finding(vocab, "missing_appendix", "critical", name))
    return findings, names


def rows_of_kind(rows: list[AppendixRow], kind: str, names: dict[int, str]) -> bool:
    """Whether rows of ``kind`` were read from a table no appendix title names (a table the title of which
    the file does not carry: the reference may well be to it)."""
    return any(row.kind == kind and row.table_block not in names for row in rows)


# -- stated counts -----------------------------------------------------------------------------------------


def count_findings(
    document: Document,
    vocab: CompletenessVocabulary,
    sections: Sequence[range],
    tasks: list[SectionTask],
    rows: list[AppendixRow],
    names: dict[int, str],
) -> list[Finding]:
    """Counts stated in the prose task list's headings, and in the titles of appendix tables, against the rows."""
    findings: list[Finding] = []
    for section in sections:
        for index in section:
            block = document.blocks[index]
            note = None if block.is_table or unit_heading(block.text) else vocab.count_note.search(block.text)
            if note is None:
                continue
            title = _heading_title(block.text[: note.start()])
            if not title and index - 1 in section:  # the note on a line of its own, under its heading
                title = _heading_title(document.blocks[index - 1].text)
            members = [task for task in tasks if fold(task.group_title) == fold(title)]
            if not members:
                continue
            findings += _compare(vocab, int(note.group(1)), note.group(2), len(members), vocab.labels["task_units"],
                                 members[0].group or None)  # fmt: skip
    for start, name in names.items():
        title_blocks = _title_blocks(document, start)
        for text in title_blocks:
            note = vocab.count_note.search(text)
            if note is None:
                continue
            unit_kind = vocab.count_units.get(fold(collapse_whitespace(note.group(2))))
            found = sum(1 for row in rows if row.table_block == start and row.kind == unit_kind)
            findings += _compare(vocab, int(note.group(1)), note.group(2), found, name, None)
    return findings


def _heading_title(text: str) -> str:
    return strip_numbering(text).strip().rstrip(" (.:;").strip()


def _title_blocks(document: Document, start: int) -> list[str]:
    """The text blocks right above a table (its title lines), nearest last."""
    texts: list[str] = []
    for block in reversed(document.blocks[max(0, start - 4) : start]):
        if block.is_table:
            break
        texts.append(block.text)
    return texts


def _compare(
    vocab: CompletenessVocabulary, expected: int, unit: str, found: int, where: str, group: str | None
) -> list[Finding]:
    if found == expected:
        return []
    severity: Severity = "incomplete" if found < expected else "review"
    unit = collapse_whitespace(unit)
    return [_finding(vocab, "count_mismatch", severity, where, group, (), expected=expected, found=found, unit=unit)]


# -- the plan as a whole -----------------------------------------------------------------------------------


def check_completeness(
    document: Document,
    appendix: dict[str, list[AppendixRow]],
    sections: Sequence[range],
    section_tasks: list[SectionTask],
    tables: list[LogicalTable] | None = None,
    vocab: CompletenessVocabulary | None = None,
) -> list[Finding]:
    """Every finding for one plan, in a stable order (none: the plan is as complete as it says).

    ``tables``: the document's appendix tables, when the caller has found them already."""
    vocab = vocab or default_completeness_vocabulary()
    tables = find_appendix_tables(document) if tables is None else tables
    rows = appendix["targets"] + appendix["tasks"]
    missing, names = appendix_findings(document, vocab, rows)
    findings = list(missing)
    for kind in ("targets", "tasks"):
        by_table: dict[int, list[AppendixRow]] = {}
        for row in appendix[kind]:
            by_table.setdefault(row.table_block, []).append(row)
        for start, table_rows in by_table.items():
            findings += appendix_numbering(vocab, table_rows, names.get(start, vocab.labels[kind]))
    findings += section_numbering(vocab, section_tasks)
    findings += count_findings(document, vocab, sections, section_tasks, rows, names)
    findings += unread_rows(document, vocab, tables)
    if not appendix["tasks"] and not section_tasks:
        findings.append(_finding(vocab, "no_tasks", "incomplete", vocab.labels["plan"]))
    return findings


MIN_UNREAD_ROWS = 2
MIN_FILLED_CELLS = 3


def unread_rows(document: Document, vocab: CompletenessVocabulary, tables: list[LogicalTable]) -> list[Finding]:
    """Tables no appendix table (``tables``) took in whose rows are numbered like a plan's: one finding per
    such table, its numbered rows counted (a letterhead or a signature table has no numbered rows)."""
    read = {block for table in tables for block in table.blocks}
    findings: list[Finding] = []
    for index, block in enumerate(document.blocks):
        if not block.is_table or index in read:
            continue
        numbered = [
            row
            for row in block.rows
            if row.cells
            and _integer(row.cells[0].text) is not None
            and sum(1 for cell in row.cells if cell.text) >= MIN_FILLED_CELLS
        ]
        if len(numbered) >= MIN_UNREAD_ROWS:
            where = vocab.labels["unread"]
            if block.provenance.page is not None:
                where = f"{vocab.labels['unread_page']} {block.provenance.page}"
            elif block.provenance.line is not None:
                where = f"{vocab.labels['unread_line']} {block.provenance.line}"
            stts = [row.cells[0].text.strip().rstrip(".") for row in numbered]
            findings.append(_finding(vocab, "unread_rows", "incomplete", where, None, stts, found=len(numbered)))
    return findings
