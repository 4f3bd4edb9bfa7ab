"""Deadlines: Vietnamese timeline text ("Quý II/2026", "Thực hiện thường xuyên", "Sau khi ...") as a record.

The kinds, the ``due`` rule (last day of the named period) and the review rules are the gold README's;
the words come from ``data/deadline_vocabulary.yaml``.  The steps:

1. find the calendar expressions (day dates, months, quarters, half years, years, spans of years) with
   a grammar built from the vocabulary; an expression after "từ" is where work starts, not a due date;
2. cut the text into parts at ";", sentence ends and brackets, and see which parts are dated, recurring,
   conditional or undated;
3. decide the kind and ``due`` from the dated parts (two or more: "milestones", due = the latest), or
   from the cues when nothing is dated, and list every reason a person should look.

Why the grammar is ours: dateparser 1.5 (checked on the expressions of ``tests/test_deadlines.py``,
Vietnamese locale, DMY order, ``PREFER_DAY_OF_MONTH="last"``) reads "30/9/2023" and "tháng 3 năm 2027"
right, but returns the current month's last day for "Năm 2026", knows no quarters, half years, spans,
"trước ngày", recurrence or conditions, and costs about 1 ms a call.  The spans it would read are
already captured here with their numbers, so the calendar arithmetic is the standard library's.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from normalizers.data_files import load_rules
from normalizers.text import clean_text
from normalizers.vietnamese import official_tone_marks
from schemas.records import Cadence, Deadline, DeadlineKind, Milestone, Recurrence

# Reasons a person should look (kept short: they are shown in the review queue).
NO_DATE = "no determinable date"
CONDITIONAL = "conditional"
UNDATED_PART = "undated part next to a dated part"
CONDITIONAL_PART = "conditional part next to a dated part"
OPEN_ENDED_PART = "open-ended part (start only) next to a dated part"
GUESSED_YEAR = "year guessed"
RECURRING_WITH_DATE = "recurring work mixed with a completion date"
OUTSIDE_PERIOD = "date outside the plan's period"
IMPOSSIBLE_DATE = "impossible date"
BLANK_DATE = "blank template date"

ExprKind = Literal["date", "month", "quarter", "year", "period"]
_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_YEAR = r"(?:19|20)\d{2}"
_PLACEHOLDER = r"[\s._…\-]*"
_WORD_EDGE = r"(?![\w])"


@dataclass(frozen=True)
class DeadlineVocabulary:
    """The grammar's words (``data/deadline_vocabulary.yaml``), lower case, official tone marks."""

    day: str
    month: str
    quarter: str
    year: str
    period_words: tuple[str, ...]
    half_first: tuple[str, ...]
    half_last: tuple[str, ...]
    year_end_words: tuple[str, ...]
    start_words: tuple[str, ...]
    span_joiners: tuple[str, ...]
    recurring_phrases: tuple[str, ...]
    cadence_prefixes: tuple[str, ...]
    cadences: dict[str, Cadence]
    condition_openers: tuple[str, ...]
    theo: str
    condition_following: tuple[str, ...]
    leading_verbs: tuple[str, ...]
    due_cues: tuple[str, ...]

    @classmethod
    def load(cls, data: dict[str, Any]) -> DeadlineVocabulary:
        def words(value: Any) -> tuple[str, ...]:
            return tuple(sorted((_key(str(item)) for item in value), key=len, reverse=True))

        conditions = data["conditions"]
        return cls(
            day=_key(data["day_word"]),
            month=_key(data["month_word"]),
            quarter=_key(data["quarter_word"]),
            year=_key(data["year_word"]),
            period_words=words(data["period_words"]),
            half_first=words(data["half_year"]["first"]),
            half_last=words(data["half_year"]["last"]),
            year_end_words=words(data["year_end_words"]),
            start_words=words(data["start_words"]),
            span_joiners=words(data["span_joiners"]),
            recurring_phrases=words(data["recurring_phrases"]),
            cadence_prefixes=words(data["cadence_prefixes"]),
            cadences={_key(unit): cadence for unit, cadence in data["cadences"].items()},
            condition_openers=words(conditions["openers"]),
            theo=_key(conditions["theo_word"]),
            condition_following=words(conditions["following"]),
            leading_verbs=words(data["leading_verbs"]),
            due_cues=words(data["due_cues"]),
        )


def _key(text: str) -> str:
    """The matching form: NFC, official tone marks, lower case (same length as the input in practice)."""
    return official_tone_marks(text).lower()


def _alternatives(phrases: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of phrases, spaces as any whitespace, "hằng" also as "hàng" (and the reverse)."""
    patterns = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        pattern = r"\s+".join(re.escape(word) for word in phrase.split())
        pattern = re.sub("h[ằà]ng", "(?:hằng|hàng)", pattern)
        patterns.append(pattern)
    return "(?:" + "|".join(patterns) + ")"


@dataclass(frozen=True)
class _Grammar:
    """The compiled regular expressions of one vocabulary, in the order they claim text."""

    expressions: tuple[tuple[str, re.Pattern[str]], ...]
    monthly_day: re.Pattern[str]
    start_before: re.Pattern[str]
    recurring: re.Pattern[str]
    cadence: re.Pattern[str]
    condition: re.Pattern[str]
    due_cue: re.Pattern[str]
    vocabulary: DeadlineVocabulary


def _compile(v: DeadlineVocabulary) -> _Grammar:
    day, month, quarter, year = (re.escape(w) for w in (v.day, v.month, v.quarter, v.year))
    sep = r"\s*[/.\-]\s*"
    joiner = _alternatives(v.span_joiners)
    flags = re.IGNORECASE
    expressions = (
        ("blank", rf"{day}{_PLACEHOLDER}(?:/{_PLACEHOLDER}/|{month}{_PLACEHOLDER}{year})\s*(?P<y>{_YEAR})"),
        ("date_words", rf"{day}\s+(?P<d>\d{{1,2}})\s+{month}\s+(?P<m>\d{{1,2}})\s*(?:,\s*)?{year}\s+(?P<y>{_YEAR})"),
        ("date", rf"(?<![\d/.])(?P<d>\d{{1,2}}){sep}(?P<m>\d{{1,2}}){sep}(?P<y>{_YEAR})(?![\d/])"),
        (
            "period",
            rf"(?:{_alternatives(v.period_words)}\s+)?(?:{_alternatives(v.start_words)}\s+)?(?:{year}\s+)?"
            rf"(?P<a>{_YEAR})\s*{joiner}\s*(?:{year}\s+)?(?P<b>{_YEAR})(?![\d/])",
        ),
        (
            "half",
            rf"6\s+{month}\s+(?P<half>{_alternatives(v.half_first + v.half_last)})\s+(?:của\s+)?{year}"
            rf"(?:\s+(?P<y>{_YEAR}))?",
        ),
        ("quarter", rf"{quarter}\s+(?P<q>iv|i{{1,3}}|[1-4]){_WORD_EDGE}(?:\s*(?:/|-|,?\s*{year})\s*(?P<y>{_YEAR}))?"),
        ("month", rf"{month}\s+(?P<m>\d{{1,2}})(?:\s*(?:/|-|\.|,?\s*{year})\s*(?P<y>{_YEAR}))?(?![\d/])"),
        ("year_end", rf"{_alternatives(v.year_end_words)}\s+{year}\s+(?P<y>{_YEAR})"),
        ("year", rf"{year}\s+(?P<y>{_YEAR})(?P<more>(?:\s*(?:,|và)\s*(?:{year}\s+)?{_YEAR}(?!\d))*)"),
        ("month_number", rf"(?<![\d/.])(?P<m>\d{{1,2}})\s*/\s*(?P<y>{_YEAR})(?![\d/])"),
        ("day_month", rf"(?:{day}|trước)\s+(?P<d>\d{{1,2}})\s*/\s*(?P<m>\d{{1,2}})(?![\d/])"),
        ("bare_year", rf"^\s*(?P<y>{_YEAR})\s*\.?\s*$"),
    )
    cadence_units = _alternatives(list(v.cadences))
    return _Grammar(
        expressions=tuple((name, re.compile(pattern, flags)) for name, pattern in expressions),
        monthly_day=re.compile(
            rf"{day}\s+(?P<d>\d{{1,2}})\s+(?:của\s+)?{_alternatives(v.cadence_prefixes)}\s+{month}{_WORD_EDGE}", flags
        ),
        start_before=re.compile(rf"(?:^|\s){_alternatives(v.start_words)}\s+(?:{day}\s+)?$", flags),
        recurring=re.compile(rf"(?<!\w){_alternatives(v.recurring_phrases)}{_WORD_EDGE}", flags),
        cadence=re.compile(
            rf"(?<!\w){_alternatives(v.cadence_prefixes)}\s+(?P<unit>{cadence_units}){_WORD_EDGE}", flags
        ),
        condition=re.compile(
            rf"(?<!\w)(?:(?P<opener>{_alternatives(v.condition_openers)})\s+|(?P<theo>{re.escape(v.theo)})\s+"
            rf"(?={_alternatives(v.condition_following)}{_WORD_EDGE}))",
            flags,
        ),
        due_cue=re.compile(rf"(?<!\w){_alternatives(v.due_cues)}\s+", flags),
        vocabulary=v,
    )


@lru_cache(maxsize=1)
def default_grammar() -> _Grammar:
    return _compile(DeadlineVocabulary.load(load_rules("normalizers", "deadline_vocabulary.yaml")))


# --------------------------------------------------------------------------- calendar expressions


@dataclass(frozen=True)
class TimeExpression:
    """One calendar expression found in a text: where it is, what it names, and how sure that is."""

    start: int
    end: int
    kind: ExprKind
    due: dt.date | None
    first_day: dt.date | None = None
    is_start: bool = False
    guessed_year: bool = False
    impossible: bool = False
    blank: bool = False


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _month(year: int, month: int) -> tuple[dt.date | None, dt.date | None]:
    if not 1 <= month <= 12:
        return None, None
    return _last_day(year, month), dt.date(year, month, 1)


def _quarter_number(text: str) -> int:
    return _ROMAN_QUARTERS.get(text.lower()) or int(text)


def _expressions_of(name: str, match: re.Match[str], year_hint: int | None, g: _Grammar) -> list[TimeExpression]:
    """The expression(s) one grammar match names; ``year_hint`` fills a missing year."""
    groups = match.groupdict()
    year_text = groups.get("y")
    guessed = year_text is None and name in ("half", "quarter", "month", "day_month")
    if guessed and year_hint is None:
        return [TimeExpression(match.start(), match.end(), _EXPR_KIND[name], None, guessed_year=True)]
    year = int(year_text) if year_text else (year_hint or 0)
    start, end = match.start(), match.end()
    if name == "blank":
        return [TimeExpression(start, end, "date", None, blank=True)]
    if name in ("date", "date_words", "day_month"):
        due = _day(year, int(groups["m"]), int(groups["d"]))
        return [TimeExpression(start, end, "date", due, due, guessed_year=guessed, impossible=due is None)]
    if name in ("month", "month_number"):
        due, first = _month(year, int(groups["m"]))
        return [TimeExpression(start, end, "month", due, first, guessed_year=guessed, impossible=due is None)]
    if name == "quarter":
        q = _quarter_number(groups["q"])
        due = _last_day(year, 3 * q)
        return [TimeExpression(start, end, "quarter", due, dt.date(year, 3 * q - 2, 1), guessed_year=guessed)]
    if name == "half":
        first_half = _key(groups["half"]) in g.vocabulary.half_first
        due = dt.date(year, 6, 30) if first_half else dt.date(year, 12, 31)
        first = dt.date(year, 1, 1) if first_half else dt.date(year, 7, 1)
        return [TimeExpression(start, end, "period", due, first, guessed_year=guessed)]
    if name == "period":
        a, b = int(groups["a"]), int(groups["b"])
        if b <= a:
            return []
        return [TimeExpression(start, end, "period", dt.date(b, 12, 31), dt.date(a, 1, 1))]
    if name == "year" and groups.get("more"):
        # "các mốc năm 2027, 2030": one expression per year, each with its own span
        found = [TimeExpression(start, match.start("more"), "year", dt.date(year, 12, 31), dt.date(year, 1, 1))]
        offset = match.start("more")
        for extra in re.finditer(_YEAR, groups["more"]):
            y = int(extra.group())
            found.append(
                TimeExpression(
                    offset + extra.start(), offset + extra.end(), "year", dt.date(y, 12, 31), dt.date(y, 1, 1)
                )
            )
        return found
    return [TimeExpression(start, end, "year", dt.date(year, 12, 31), dt.date(year, 1, 1))]


_EXPR_KIND: dict[str, ExprKind] = {
    "blank": "date",
    "date_words": "date",
    "date": "date",
    "day_month": "date",
    "period": "period",
    "half": "period",
    "quarter": "quarter",
    "month": "month",
    "month_number": "month",
    "year_end": "year",
    "year": "year",
    "bare_year": "year",
}


def find_expressions(text: str, reference_year: int | None = None) -> list[TimeExpression]:
    """Every calendar expression of ``text`` in reading order; overlapping matches go to the earlier rule.

    A missing year is taken from the nearest dated expression before it (else after it, else
    ``reference_year``) and flagged as guessed; an expression right after a start word ("từ") is a start.
    """
    if reference_year is not None and not dt.MINYEAR <= reference_year <= dt.MAXYEAR:
        reference_year = None  # no calendar date has that year: it cannot fill a missing one
    g = default_grammar()
    low = _matching_form(text)
    claimed: list[tuple[int, int]] = []
    for match in g.monthly_day.finditer(low):  # "ngày 10 hằng tháng" is a cadence, not a date
        claimed.append(match.span())
    raw: list[tuple[str, re.Match[str]]] = []
    for name, pattern in g.expressions:
        for match in pattern.finditer(low):
            if any(match.start() < end and start < match.end() for start, end in claimed):
                continue
            claimed.append(match.span())
            raw.append((name, match))
    raw.sort(key=lambda item: item[1].start())
    found: list[TimeExpression] = []
    for index, (name, match) in enumerate(raw):
        hint = _year_hint(raw, index) or reference_year
        for expression in _expressions_of(name, match, hint, g):
            is_start = bool(g.start_before.search(low[max(0, expression.start - 20) : expression.start]))
            found.append(dataclasses.replace(expression, is_start=is_start and name != "period"))
    return found


def _year_hint(raw: list[tuple[str, re.Match[str]]], index: int) -> int | None:
    """The year of the nearest expression that states one: before ``index`` first, then after it."""
    order = list(range(index - 1, -1, -1)) + list(range(index + 1, len(raw)))
    for other in order:
        groups = raw[other][1].groupdict()
        for key in ("y", "b"):
            if groups.get(key):
                return int(groups[key])
    return None


def _matching_form(text: str) -> str:
    low = _key(text)
    return low if len(low) == len(text) else text.lower()


# --------------------------------------------------------------------------- parts of a timeline


@dataclass
class _Part:
    """A piece of the timeline between ";", sentence ends and brackets."""

    start: int
    end: int
    text: str
    bracketed: bool
    expressions: list[TimeExpression] = field(default_factory=list)

    @property
    def dues(self) -> list[TimeExpression]:
        return [e for e in self.expressions if not e.is_start]

    @property
    def starts(self) -> list[TimeExpression]:
        return [e for e in self.expressions if e.is_start]


_LEADING_JOIN = re.compile(r"^(?:và|hoặc)\s+", re.IGNORECASE)
_PART_BREAK = re.compile(r";|\.(?=\s+\S)|\(|\)")


def _parts(text: str, expressions: list[TimeExpression]) -> list[_Part]:
    parts: list[_Part] = []
    position, depth = 0, 0
    for match in [*_PART_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[position:end]
        if piece.strip(" ,.:;-"):
            lead = len(piece) - len(piece.lstrip())
            part = _Part(position + lead, end, piece.strip(), bracketed=depth > 0)
            part.expressions = [e for e in expressions if part.start <= e.start < part.end]
            parts.append(part)
        if match is None:
            break
        depth += 1 if match.group() == "(" else -1 if match.group() == ")" and depth > 0 else 0
        position = match.end()
    return parts


# --------------------------------------------------------------------------- the parser


def parse_deadline(
    raw: str | None,
    *,
    plan_years: tuple[int, int] | None = None,
    reference_year: int | None = None,
) -> Deadline:
    """The deadline a timeline text states.  Never raises; empty text is "unknown".

    ``plan_years`` (first, last) is the plan's period: a date outside it is flagged.
    ``reference_year`` fills a year when the text states none at all (flagged as guessed).
    """
    text = clean_text(raw)
    if not text:
        return Deadline(kind="unknown", needs_review=True, reasons=[NO_DATE])
    g = default_grammar()
    low = _matching_form(text)
    expressions = find_expressions(text, reference_year)
    parts = _parts(text, expressions)
    recurring = [m.start() for m in g.recurring.finditer(low)]
    condition = g.condition.search(low)
    dues = [e for e in expressions if not e.is_start]
    starts = [e for e in expressions if e.is_start]
    reasons: list[str] = []

    kind: DeadlineKind
    due: dt.date | None = None
    dated = [e for e in dues if e.due is not None]
    if (
        condition is not None
        and _opens_text(low, condition.start(), g)
        and _outside_condition_only(parts, condition.start())
    ):
        kind = "conditional"
        due = max((e.due for e in dated if e.due), default=None)
    elif len(dues) >= 2:
        kind = "milestones"
        due = max((e.due for e in dated if e.due), default=None)
    elif len(dues) == 1:
        kind = dues[0].kind
        due = dues[0].due
    elif recurring and (condition is None or recurring[0] < condition.start()):
        kind = "recurring"
    elif condition is not None:
        kind = "conditional"
    else:
        kind = "unknown"

    if kind == "conditional":
        reasons.append(CONDITIONAL)
    if kind not in ("recurring", "conditional") and dues:
        reasons += _part_reasons(parts, low, g)
    if any(e.impossible for e in dues):
        reasons.append(IMPOSSIBLE_DATE)
    if any(e.blank for e in dues):
        reasons.append(BLANK_DATE)
    if any(e.guessed_year for e in expressions):
        reasons.append(GUESSED_YEAR)
    if plan_years is not None and any(_outside(e, plan_years) for e in expressions):
        reasons.append(OUTSIDE_PERIOD)
    if due is None and kind != "recurring" and NO_DATE not in reasons:
        reasons.append(NO_DATE)

    first_days = [e.first_day for e in starts if e.first_day] or (
        [dues[0].first_day] if kind == "period" and dues[0].first_day else []
    )
    return Deadline(
        kind=kind,
        due=due.isoformat() if due else None,
        start=min(first_days).isoformat() if first_days else None,
        milestones=[Milestone(due=e.due.isoformat(), text=t) for e, t in _milestone_texts(text, parts) if e.due],
        recurrence=_recurrence(low, g) if recurring or g.monthly_day.search(low) else None,
        condition=_condition_text(text, condition) if condition is not None else None,
        needs_review=bool(reasons),
        reasons=list(dict.fromkeys(reasons)),
    )


def _opens_text(low: str, position: int, g: _Grammar) -> bool:
    """True when only a leading verb ("Thực hiện", "Triển khai") comes before ``position``."""
    before = low[:position].strip(" ,:-")
    return not before or before in g.vocabulary.leading_verbs


def _outside_condition_only(parts: list[_Part], condition_start: int) -> bool:
    """A condition-led text whose dates are in brackets or in its own first part ("... (Tháng 12/2026)")."""
    unbracketed_dated = [p for p in parts if not p.bracketed and p.dues]
    return all(p.start <= condition_start < p.end for p in unbracketed_dated)


def _part_reasons(parts: list[_Part], low: str, g: _Grammar) -> list[str]:
    """Why a dated timeline is uncertain: an unbracketed part that is undated, open-ended, conditional or recurring."""
    reasons = []
    for part in parts:
        if part.bracketed or part.dues:
            continue
        segment = low[part.start : part.end]
        if g.recurring.search(segment) or g.monthly_day.search(segment):
            reasons.append(RECURRING_WITH_DATE)
        elif g.condition.search(segment):
            reasons.append(CONDITIONAL_PART)
        elif part.starts:
            reasons.append(OPEN_ENDED_PART)
        else:
            reasons.append(UNDATED_PART)
    bracketed_dates = any(p.bracketed and p.dues for p in parts)
    unbracketed_recurring = any(
        not p.bracketed and not p.dues and g.recurring.search(low[p.start : p.end]) for p in parts
    )
    if bracketed_dates and unbracketed_recurring:
        reasons.append(RECURRING_WITH_DATE)
    return reasons


def _outside(expression: TimeExpression, plan_years: tuple[int, int]) -> bool:
    first, last = plan_years
    days = [d for d in (expression.due, expression.first_day) if d is not None]
    return any(not first <= d.year <= last for d in days)


def _milestone_texts(text: str, parts: list[_Part]) -> Iterator[tuple[TimeExpression, str]]:
    """Each due expression with the clause it came from (the part, or its piece since the previous date)."""
    for part in parts:
        dues = part.dues
        position = part.start
        for expression in dues:
            if len(dues) == 1:
                clause = part.text
            else:
                clause = _LEADING_JOIN.sub("", text[position : expression.end].strip(" ,;:.-"))
                position = expression.end
            yield expression, clause


def _recurrence(low: str, g: _Grammar) -> Recurrence:
    day_match = g.monthly_day.search(low)
    if day_match:
        return Recurrence(cadence="monthly", day=int(day_match.group("d")))
    cadence_match = g.cadence.search(low)
    if cadence_match:
        unit = re.sub(r"\s+", " ", cadence_match.group("unit"))
        return Recurrence(cadence=g.vocabulary.cadences.get(_key(unit)))
    return Recurrence()


def _condition_text(text: str, condition: re.Match[str]) -> str | None:
    """The event waited on: the words after the opener ("Sau khi" / "Theo"), brackets and dates dropped."""
    keep_from = condition.end() if condition.group("opener") else condition.end("theo")
    rest = re.split(r"[(;]", text[keep_from:], maxsplit=1)[0]
    return rest.strip(" ,.:-") or None


def plan_years(period: str | None, issued_date: str | None, vision_year: int | None) -> tuple[int, int] | None:
    """The years a plan covers, for the "outside the plan's period" check: its period, from its issue year
    when that is earlier, up to its vision year ("tầm nhìn đến năm 2035") when that is later."""
    if not period:
        return None
    first, last = (int(year) for year in period.split("-"))
    issued = int(issued_date[:4]) if issued_date else first
    return min(first, issued), max(last, vision_year or last)


def reference_year(period: str | None, issued_date: str | None) -> int | None:
    """The year a timeline with no year at all is assumed to mean: the issue year, else the period's first."""
    if issued_date:
        return int(issued_date[:4])
    return int(period[:4]) if period else None


def describe_deadline(deadline: Deadline) -> str:
    """What the machine understood, in one line for a reviewer: "quarter, due 2026-06-30"."""
    parts: list[str] = [deadline.kind]
    if deadline.due:
        parts.append(f"due {deadline.due}")
    if deadline.start:
        parts.append(f"from {deadline.start}")
    if deadline.recurrence and deadline.recurrence.cadence:
        day = f" on day {deadline.recurrence.day}" if deadline.recurrence.day else ""
        parts.append(f"{deadline.recurrence.cadence}{day}")
    if deadline.condition:
        parts.append(f"waits on: {deadline.condition}")
    if len(deadline.milestones) > 1:
        parts.append("milestones " + ", ".join(m.due for m in deadline.milestones))
    return ", ".join(parts)


def due_phrases(text: str) -> list[tuple[int, int]]:
    """Spans of "<due cue> <date or 'ngày N hằng tháng'>" in a sentence ("trước ngày 30/6/2026")."""
    g = default_grammar()
    low = _matching_form(text)
    spans: list[tuple[int, int]] = []
    cues = list(g.due_cue.finditer(low))
    if not cues:  # most body sentences: no need to look for dates
        return spans
    # the cue may end in the day word ("trước ngày"), so what it governs may start inside it
    governed = [(e.start, e.end) for e in find_expressions(text) if not e.is_start]
    governed += [m.span() for m in g.monthly_day.finditer(low)]
    for cue in cues:
        following = [span for span in governed if cue.start() <= span[0] <= cue.end() + 1]
        if following:
            spans.append((cue.start(), min(following)[1]))
    return spans
