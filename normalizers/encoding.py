"""Text in the legacy 8-bit Vietnamese encodings (TCVN3/ABC and VNI) repaired to Unicode.

PDFs printed from old Word files draw Vietnamese with ".VnTime" (TCVN3) or "VNI-Times" fonts at
Latin-1 code points, and extraction reports the code points: "Uû ban nh©n d©n" (TCVN3) and
"UÛy ban nhaân daân" (VNI) for "Uỷ/Ủy ban nhân dân".  No maintained PyPI library does this
conversion, so the tables are data (``data/legacy_encodings.yaml``) and this module reads them
backwards, keeping whichever reading of the text looks most like Vietnamese.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from normalizers.data_files import load_rules

# Marks of legacy text that ordinary Unicode Vietnamese never contains (à á â ã è é ê ì í ò ó ô õ
# ù ú ý are Vietnamese letters and do not count; neither do « » · × ÷ § and the soft hyphen, which
# ordinary documents use).  Two marks are required, so a lone "©" in a footer stays as it is.
_LEGACY_MARK = re.compile(
    "[¡¢£¤¥¦¨©ª¬®µ¶¸¹¼½¾ÄÅÆÇËÎÏÐÑÖØÛÜÞßäåæçëîïñöøûüþ]"  # glyph codes of TCVN3 and VNI
    "|[aAeEoO][âÂ]|[aA][êÊ]"  # a VNI circumflex or breve after its vowel: "nhaân", "naêm"
    "|[a-z][ÈÉÊÌÒÓÔÕÝ]"  # a TCVN3 lowercase letter at a capital's code point: "tÕ" (tế)
)
_MIN_MARKS = 2
# Letters beyond Latin-1: an 8-bit legacy font cannot produce them, so a word holding one is
# Unicode already (left alone) and each of them counts against a legacy reading of the text.
_UNICODE_ONLY = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")
_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"[^\W\d_]+")
_TONE_MARK = re.compile("[\u0300\u0301\u0303\u0309\u0323]")  # grave, acute, tilde, hook, dot below
# Punctuation ordinary text uses beyond ASCII: no-break space, degree sign, General Punctuation (“ ” – …).
_COMMON_PUNCTUATION = "\u00a0°\u2000-\u206f€№"

# A Vietnamese syllable without its tone, lowercase: onset, vowel nucleus, final.  It tells a
# plausible reading ("công") from a wrong one that still uses Vietnamese letters ("tổnh").
_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_NUCLEUS_BEFORE_FINAL = "uyê|iê|yê|uô|ươ|oa|oă|oe|oo|uâ|uê|uy|[aăâeêioôơuư]"
_NUCLEUS_BEFORE_NH_CH = "oa|uê|uy|[aêi]"
_NUCLEUS_OPEN = (
    "iêu|yêu|oai|oao|oay|oeo|uây|uôi|ươi|ươu|uya|uyu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oa|oe|oi|ôi|ơi|ua|uê|ui|uơ|uy|ưa|ưi|ưu|[aeêioôơuưy]"
)
_SYLLABLE = re.compile(
    f"{_ONSET}(?:(?:{_NUCLEUS_BEFORE_FINAL})(?:ng|[cmnptk])|(?:{_NUCLEUS_BEFORE_NH_CH})(?:nh|ch)|(?:{_NUCLEUS_OPEN}))"
)

Score = tuple[int, int, int]


@dataclass(frozen=True)
class _Reading:
    """One legacy encoding read backwards: its glyph sequences and the Unicode letters they stand for."""

    name: str
    letters: dict[str, str]
    pattern: re.Pattern[str]

    def decode(self, text: str) -> str:
        return _TOKEN.sub(self._decode_token, text)

    def _decode_token(self, match: re.Match[str]) -> str:
        token = match.group()
        return token if _UNICODE_ONLY.search(token) else self.pattern.sub(self._letter, token)

    def _letter(self, match: re.Match[str]) -> str:
        return self.letters[match.group()]


@dataclass(frozen=True)
class _Tables:
    readings: tuple[_Reading, ...]
    foreign: re.Pattern[str]  # a character that is neither Vietnamese, ASCII nor common punctuation


def repair_legacy_encoding(text: str) -> str:
    """``text`` in NFC, decoded from TCVN3 or VNI when it reads better that way.

    Ordinary Unicode text costs one regular-expression search.  Text with legacy marks is decoded
    with every table and scored (see ``_score``); the original stays unless a reading beats it.
    The encoding is decided for the whole text, so pass a page or a paragraph: a short heading
    may carry a single mark and is then left as it is.
    """
    text = unicodedata.normalize("NFC", text)
    if not _has_legacy_marks(text):
        return text
    tables = _tables()
    unexplained = len(_UNICODE_ONLY.findall(text))
    best, best_score = text, _score(text, 0, tables.foreign)
    for reading in tables.readings:
        candidate = reading.decode(text)
        score = _score(candidate, unexplained, tables.foreign)
        if score < best_score:
            best, best_score = candidate, score
    return unicodedata.normalize("NFC", best)


def _has_legacy_marks(text: str) -> bool:
    return len(list(islice(_LEGACY_MARK.finditer(text), _MIN_MARKS))) >= _MIN_MARKS


def _score(text: str, unexplained: int, foreign: re.Pattern[str]) -> Score:
    """Lower is better: (characters left unexplained, syllables with two tones, non-syllables).

    A wrong reading either leaves glyph codes behind or turns a modifier glyph into a toned vowel,
    giving syllables with two tone marks ("Sụỷ") or impossible ones ("tổnh").  ``unexplained``
    counts the letters a legacy reading cannot account for (see ``_UNICODE_ONLY``).
    """
    multi_tone = invalid = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        decomposed = unicodedata.normalize("NFD", word.lower())
        multi_tone += len(_TONE_MARK.findall(decomposed)) > 1
        invalid += _SYLLABLE.fullmatch(unicodedata.normalize("NFC", _TONE_MARK.sub("", decomposed))) is None
    return len(foreign.findall(text)) + unexplained, multi_tone, invalid


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """The YAML tables reversed (legacy glyphs -> letter), read once."""
    data: dict[str, dict[str, str]] = load_rules("normalizers", "legacy_encodings.yaml")
    readings = tuple(_reading(name, table) for name, table in data.items())
    letters = "".join(sorted({letter for table in data.values() for letter in table}))
    foreign = re.compile(f"[^\\x00-\\x7f{re.escape(letters)}{_COMMON_PUNCTUATION}]")
    return _Tables(readings, foreign)


def _reading(name: str, table: dict[str, str]) -> _Reading:
    letters: dict[str, str] = {}
    for letter, glyphs in table.items():
        if glyphs in letters:
            raise ValueError(
                f"legacy_encodings.yaml: {name} writes both {letters[glyphs]!r} and {letter!r} as {glyphs!r}"
            )
        letters[glyphs] = letter
    # Longest sequence first, so "aù" is read as "á" before "a" is read as itself.
    alternatives = sorted(letters, key=len, reverse=True)
    return _Reading(name, letters, re.compile("|".join(map(re.escape, alternatives))))
