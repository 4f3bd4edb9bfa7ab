"""Positioned words, text lines and horizontal rules of a page: what the header-anchored table finder reads.

Backend-neutral on purpose: the PDF reader fills these from pdfplumber, and any other source of words with
their boxes (another PDF library, an OCR text layer) can feed the same finder.  Coordinates are PDF points
with ``top`` growing down the page, as pdfplumber gives them.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Rule:
    """A horizontal ruling line (a drawn line, or the top or bottom edge of a thin rectangle)."""

    x0: float
    x1: float
    y: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0


class Span:
    """Words read together: a text line, or a phrase of one line (words close enough to be one title)."""

    def __init__(self, words: Sequence[Word]) -> None:
        self.words = list(words)

    @cached_property
    def x0(self) -> float:
        return min(word.x0 for word in self.words)

    @cached_property
    def x1(self) -> float:
        return max(word.x1 for word in self.words)

    @cached_property
    def top(self) -> float:
        return min(word.top for word in self.words)

    @cached_property
    def bottom(self) -> float:
        return max(word.bottom for word in self.words)

    @cached_property
    def size(self) -> float:
        return statistics.median(word.size for word in self.words)

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def bold(self) -> bool:
        """Most of its letters are bold."""
        bold = sum(len(word.text) for word in self.words if word.bold)
        return bold * 2 > sum(len(word.text) for word in self.words)

    def overlaps(self, other: Span, tolerance: float = 0.0) -> bool:
        """Whether the two share some horizontal extent."""
        return self.x0 < other.x1 + tolerance and other.x0 < self.x1 + tolerance

    def __repr__(self) -> str:
        return f"Span({self.text!r}, x={self.x0:.0f}-{self.x1:.0f}, y={self.top:.0f}-{self.bottom:.0f})"


def group_lines(words: Iterable[Word], tolerance_ratio: float) -> list[Span]:
    """Words into text lines, top to bottom; a line's words left to right.

    A word joins the line above it when their tops differ by less than ``tolerance_ratio`` of the font size:
    table cells centred vertically put the lines of neighbouring cells at slightly different heights, and
    those are kept apart, which is what the row finder wants.
    """
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines and abs(word.top - lines[-1][0].top) <= tolerance_ratio * max(word.size, lines[-1][0].size):
            lines[-1].append(word)
        else:
            lines.append([word])
    return [Span(sorted(line, key=lambda w: w.x0)) for line in lines]


def split_phrases(line: Span, gap_ratio: float) -> list[Span]:
    """A line cut where the gap between two words is wider than ``gap_ratio`` of the font size."""
    groups: list[list[Word]] = [[line.words[0]]]
    for previous, word in pairwise(line.words):
        if word.x0 - previous.x1 > gap_ratio * max(previous.size, word.size):
            groups.append([word])
        else:
            groups[-1].append(word)
    return [Span(group) for group in groups]


def _words_overlap(upper: Span, lower: Span) -> bool:
    """Whether some word of ``lower`` stands under some word of ``upper`` (both sorted left to right)."""
    i = j = 0
    a, b = upper.words, lower.words
    while i < len(a) and j < len(b):
        if a[i].x0 < b[j].x1 and b[j].x0 < a[i].x1:
            return True
        if a[i].x1 <= b[j].x1:
            i += 1
        else:
            j += 1
    return False


def line_spacing(lines: Sequence[Span], size: float, lookahead: int = 6) -> float:
    """The blank between two lines of one paragraph or table cell.

    Each line is paired with the nearest line below it that has a word under one of its words (the next line
    of the same column: in a table, the lines of the other columns come in between).  Those gaps are either
    a cell's line spacing or the larger gap between two rows; the line spacing is the smallest gap that recurs
    (typeset text repeats it exactly), so rows with one line each do not hide it.  Without such a gap, the
    single spacing of most fonts (0.15 of the font size).
    """
    gaps: list[float] = []
    for index, upper in enumerate(lines):
        for lower in lines[index + 1 : index + 1 + lookahead]:
            if _words_overlap(upper, lower):
                if 0 <= lower.top - upper.bottom < size:
                    gaps.append(round(2 * (lower.top - upper.bottom)) / 2)
                break
    frequent = sorted(gap for gap in set(gaps) if gaps.count(gap) >= max(2, len(gaps) // 10))
    return frequent[0] if frequent else 0.15 * size


def rule_between(
    rules: Sequence[Rule], upper: float, lower: float, x0: float, x1: float, min_width: float, tolerance: float
) -> bool:
    """Whether a rule at least ``min_width`` long, overlapping ``x0..x1``, lies between two heights."""
    return any(
        upper - tolerance <= rule.y <= lower + tolerance and rule.width >= min_width and rule.x0 < x1 and x0 < rule.x1
        for rule in rules
    )
