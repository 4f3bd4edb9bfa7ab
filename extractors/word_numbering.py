"""Word's automatic numbering and bullets, rendered as the labels Word shows ("1.", "a)", "-", "+").

Offices often let Word number their headings and bullet their tasks: the label is then not in the paragraph's
text but in its numbering properties (``w:numPr``: a list instance ``numId`` and a level ``ilvl``, on the
paragraph or inherited from its style), defined in ``numbering.xml``.  python-docx reads the parts but does not
render labels, so this module does, as Word does:

- a list instance (``w:num``) points to an abstract definition (``w:abstractNum``) whose levels (``w:lvl``) give
  the start value (``w:start``), the number format (``w:numFmt``: decimal, lowerLetter, upperRoman, bullet, ...)
  and the label text (``w:lvlText``: "%1.", "%1)", "%1.%2.", "-");
- the counters belong to the abstract definition, so two list instances of one definition continue each
  other, unless an instance restarts a level (``w:lvlOverride``/``w:startOverride``) the first time it is used;
- numbering a level restarts the levels below it;
- a paragraph style may carry the numbering (``w:numPr`` in the style, along ``w:basedOn``), or a level may name
  its style (``w:pStyle``); ``numId`` 0 switches numbering off.

A bullet glyph is not text a reader knows ("•", "", "o"): bullets become the marks typed plans use, "-" for the
outer bullet level of the document and "+" for the deeper ones (by the level's left indent), unless the glyph
already is "-" or "+".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from docx.oxml.ns import qn

_TYPED_BULLETS = {"-": "-", "–": "-", "—": "-", "+": "+"}


@dataclass(frozen=True)
class Level:
    start: int
    fmt: str
    text: str
    indent: int  # left indent in twips
    style: str | None = None  # the paragraph style this level is linked to


@dataclass
class _Instance:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # level -> startOverride
    levels: dict[int, Level] = field(default_factory=dict)  # levels the instance redefines


def _val(element: Any, tag: str) -> str | None:
    node = element.find(qn(tag)) if element is not None else None
    return node.get(qn("w:val")) if node is not None else None


def _int(value: str | None, default: int) -> int:
    return int(value) if value is not None and value.lstrip("-").isdigit() else default


def _level(lvl: Any) -> Level:
    ppr = lvl.find(qn("w:pPr"))
    ind = ppr.find(qn("w:ind")) if ppr is not None else None
    indent = _int((ind.get(qn("w:left")) or ind.get(qn("w:start"))) if ind is not None else None, 0)
    return Level(
        start=_int(_val(lvl, "w:start"), 1),
        fmt=_val(lvl, "w:numFmt") or "decimal",
        text=_val(lvl, "w:lvlText") or "",
        indent=indent,
        style=_val(lvl, "w:pStyle"),
    )


def _letters(value: int, upper: bool) -> str:
    """Word's letter numbering: a ... z, then aa ... zz."""
    letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
    return letter.upper() if upper else letter


def _roman(value: int, upper: bool) -> str:
    out = ""
    for number, numeral in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        while value >= number:
            out, value = out + numeral, value - number
    return out.upper() if upper else out


def format_number(value: int, fmt: str) -> str:
    """One counter in a ``w:numFmt``; a format not known here is written in decimal."""
    if fmt in ("lowerLetter", "upperLetter"):
        return _letters(value, fmt == "upperLetter")
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(value, fmt == "upperRoman")
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


class WordNumbering:
    """The numbering of one Word document; ``label`` is called on its paragraphs in order (counters advance)."""

    def __init__(self, numbering: Any | None, styles: Any | None) -> None:
        self.abstracts: dict[str, dict[int, Level]] = {}
        self.instances: dict[str, _Instance] = {}
        if numbering is not None:
            for abstract in numbering.iterchildren(qn("w:abstractNum")):
                levels = {_int(lvl.get(qn("w:ilvl")), 0): _level(lvl) for lvl in abstract.iterchildren(qn("w:lvl"))}
                # A definition given twice: the first counts, as in Word and LibreOffice.
                self.abstracts.setdefault(abstract.get(qn("w:abstractNumId")), levels)
            for num in numbering.iterchildren(qn("w:num")):
                instance = _Instance(_val(num, "w:abstractNumId") or "")
                for override in num.iterchildren(qn("w:lvlOverride")):
                    ilvl = _int(override.get(qn("w:ilvl")), 0)
                    start = _val(override, "w:startOverride")
                    if start is not None:
                        instance.starts[ilvl] = _int(start, 1)
                    lvl = override.find(qn("w:lvl"))
                    if lvl is not None:
                        instance.levels[ilvl] = _level(lvl)
                self.instances.setdefault(num.get(qn("w:numId")), instance)
        self.styles = _style_numbering(styles)
        self.linked = {
            level.style: (abstract, ilvl)
            for abstract, levels in self.abstracts.items()
            for ilvl, level in levels.items()
            if level.style
        }
        self.counters: dict[str, dict[int, int]] = {}
        self.used: set[str] = set()
        self.bullet_indents: list[int] = []

    @classmethod
    def of(cls, document: Any) -> WordNumbering:
        """The numbering of a python-docx ``Document`` (none when it has no numbering part)."""
        part = document.part
        try:
            numbering = part.numbering_part.element
        except (KeyError, NotImplementedError):  # python-docx's ways of saying "no numbering part"
            numbering = None
        return cls(numbering, document.styles.element)

    def prepare(self, paragraphs: Iterable[Any]) -> None:
        """Learn the bullet indents of the paragraphs to be labelled (which one is the outer bullet level)."""
        indents = set()
        for paragraph in paragraphs:
            found = self._numbering_of(paragraph)
            if found is not None and found[1].fmt == "bullet" and found[1].text.strip() not in _TYPED_BULLETS:
                indents.add(found[1].indent)
        self.bullet_indents = sorted(indents)

    def label(self, paragraph: Any) -> str | None:
        """The label Word shows before ``paragraph`` ("2.", "b)", "-"), or None; advances the counters."""
        found = self._numbering_of(paragraph)
        if found is None:
            return None
        (num_id, abstract, ilvl), level = found
        if level.fmt == "bullet":
            glyph = level.text.strip()
            if glyph in _TYPED_BULLETS:
                return _TYPED_BULLETS[glyph]
            outer = not self.bullet_indents or level.indent <= self.bullet_indents[0]
            return "-" if outer and ilvl == 0 else "+"
        counters = self.counters.setdefault(abstract, {})
        instance = self.instances[num_id]
        if num_id not in self.used:
            self.used.add(num_id)
            for restarted, start in instance.starts.items():
                counters[restarted] = start - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [key for key in counters if key > ilvl]:
            del counters[deeper]
        if level.fmt == "none":
            return None
        text = level.text
        for number in range(9, 0, -1):  # %10 does not exist; replace %9 before %1
            placeholder = f"%{number}"
            if placeholder in text:
                shown = self._level(num_id, abstract, number - 1)
                value = counters.get(number - 1, shown.start if shown else 1)
                text = text.replace(placeholder, format_number(value, shown.fmt if shown else "decimal"))
        return text.strip() or None

    def _level(self, num_id: str, abstract: str, ilvl: int) -> Level | None:
        instance = self.instances.get(num_id)
        if instance is not None and ilvl in instance.levels:
            return instance.levels[ilvl]
        return self.abstracts.get(abstract, {}).get(ilvl)

    def _numbering_of(self, paragraph: Any) -> tuple[tuple[str, str, int], Level] | None:
        """((numId, abstractNumId, ilvl), level) of a numbered paragraph, else None."""
        ppr = paragraph.find(qn("w:pPr"))
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        style = _val(ppr, "w:pStyle")
        num_id = _val(numpr, "w:numId")
        ilvl_text = _val(numpr, "w:ilvl")
        if num_id is None and style is not None:
            num_id, style_ilvl = self.styles.get(style, (None, None))
            ilvl_text = ilvl_text or style_ilvl
            if ilvl_text is None and style in self.linked:
                ilvl_text = str(self.linked[style][1])
        if num_id is None or num_id == "0" or num_id not in self.instances:
            return None
        ilvl = _int(ilvl_text, 0)
        abstract = self.instances[num_id].abstract
        level = self._level(num_id, abstract, ilvl)
        return ((num_id, abstract, ilvl), level) if level is not None else None


def _style_numbering(styles: Any | None) -> dict[str, tuple[str | None, str | None]]:
    """style id -> (numId, ilvl) it carries, along its ``basedOn`` chain."""
    if styles is None:
        return {}
    own: dict[str, tuple[str | None, str | None]] = {}
    based_on: dict[str, str] = {}
    for style in styles.iterchildren(qn("w:style")):
        style_id = style.get(qn("w:styleId"))
        ppr = style.find(qn("w:pPr"))
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is not None:
            own[style_id] = (_val(numpr, "w:numId"), _val(numpr, "w:ilvl"))
        parent = _val(style, "w:basedOn")
        if parent:
            based_on[style_id] = parent
    resolved: dict[str, tuple[str | None, str | None]] = {}
    for style_id in {*own, *based_on}:
        seen: set[str] = set()
        current: str | None = style_id
        while current is not None and current not in own and current not in seen:
            seen.add(current)
            current = based_on.get(current)
        if current is not None and current in own:
            resolved[style_id] = own[current]
    return resolved
