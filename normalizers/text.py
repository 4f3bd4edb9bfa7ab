"""Plain-text cleaning shared by every reader and record.

The text exports carry Markdown-ish emphasis, inline HTML and footnote
markers; the dataset wants the words only.  ``html.unescape`` and
``unicodedata`` do the heavy lifting; the few regular expressions below cover
the markup the exports actually use (a full Markdown/HTML parser would turn a
table cell into a tree for no gain).
"""

from __future__ import annotations

import html
import re
import unicodedata

from normalizers.encoding import repair_legacy_encoding

# A footnote marker: <sup>3</sup>, <sup>(*)</sup>, ^{3} or ^3 -- the whole marker goes.
_FOOTNOTE_MARKER = re.compile(r"<sup>[^<]{0,12}</sup>|\^\{[^}]{0,12}\}|\^\d{1,3}\b", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
# Tags that end a line or a cell stand for a space; inline ones (<b>, <span>, <a>, <font>...) for nothing:
# "≥<span>80</span>" is "≥80", as the page shows it.
_BREAKING_TAG = re.compile(
    r"</?(?:br|p|div|li|ul|ol|td|th|tr|table|h[1-6]|blockquote|section|article|dd|dt|hr)\b[^<>]*>", re.IGNORECASE
)
_HEADING_HASHES = re.compile(r"^\s{0,3}#{1,6}\s+")
# Emphasis asterisks that touch a word on one side only: **bold**, *italic*.  Underscores
# are left alone: the exports use them literally for blanks ("Số \_\_/KH").
_EMPHASIS = re.compile(r"(?<![\w*\\])\*{1,3}(?=\S)|(?<=[^\s\\])\*{1,3}(?![\w*])")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_WHITESPACE = re.compile(r"\s+")
# A line that ends inside a hyphenated code ("Quyết định số 826/QĐ-" + "TTg"): a printed page broke it there.
_BROKEN_AT_HYPHEN = re.compile(r"(?<=\w)-\s*\n\s*(?=\w)")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def collapse_whitespace(text: str) -> str:
    """One space between words, none at the ends (non-breaking spaces included)."""
    return _WHITESPACE.sub(" ", text.replace("\u00a0", " ")).strip()


def strip_footnote_markers(text: str) -> str:
    return _FOOTNOTE_MARKER.sub("", text)


def has_leading_footnote_marker(text: str) -> bool:
    """True for the text of a footnote itself ('<sup>3</sup> Luật ...')."""
    match = _FOOTNOTE_MARKER.match(text.strip())
    return match is not None


def strip_markup(text: str) -> str:
    """Markdown emphasis, heading hashes, HTML tags and escapes removed; entities decoded."""
    text = strip_footnote_markers(text)
    text = _HTML_TAG.sub("", _BREAKING_TAG.sub(" ", text))
    text = _HEADING_HASHES.sub("", text)
    text = _EMPHASIS.sub("", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    return html.unescape(text)


def join_lines(text: str) -> str:
    """The lines of a printed paragraph or cell as one text: one space between lines, none after a hyphen that
    ends a line inside a word or code ("NĐ-" + "CP" is "NĐ-CP": the line broke at the hyphen)."""
    return _BROKEN_AT_HYPHEN.sub("-", text).replace("\n", " ")


def clean_text(text: str | None) -> str:
    """The canonical plain form of any text field: markup gone, legacy encodings repaired, NFC, spacing."""
    if not text:
        return ""
    return collapse_whitespace(nfc(repair_legacy_encoding(strip_markup(text))))


def clean_optional(text: str | None) -> str | None:
    """Like ``clean_text`` but an empty result, or a lone dash, is ``None``."""
    cleaned = clean_text(text)
    if cleaned in {"", "-", "–", "—"}:
        return None
    return cleaned


def fold(text: str) -> str:
    """Case-folded NFC with collapsed whitespace: for comparing header words, not for output."""
    return collapse_whitespace(nfc(text)).casefold()


def fold_accents(text: str) -> str:
    """``fold`` without the diacritics ("Đơn vị tính" -> "don vi tinh"): for comparing words OCR may have read
    with a wrong tone or vowel mark ("ĐƠN VỊ TINH", "MỤC TIỂU"), never for output."""
    return strip_marks(fold(text))


def strip_marks(text: str) -> str:
    """``text`` with its tone and vowel marks removed and đ/Đ as d/D, nothing else changed (a regular expression
    written in Vietnamese keeps working on text folded by ``fold_accents``)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))
