"""Vietnamese words for matching: tokens with their place in the text, and a comparison key per token.

Two spellings of the same Vietnamese word differ in where the tone mark sits ("hoá"/"hóa",
"Uỷ"/"Ủy"), in case, and sometimes in look-alike letters ("Ð" for "Đ").  underthesea's
``token_normalize`` knows the syllables and puts the mark where the official (old) rule wants it;
case-folding does the rest.  The tokenizer is one regular expression rather than underthesea's
word segmenter because matching needs every token's character offsets, and the segmenter
rewrites text without reporting them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from underthesea.pipeline.text_normalize import token_normalize

# A word (letters and digits, kept whole across "&": "KH&CN", "GD&ĐT") or one punctuation mark.
_TOKEN = re.compile(r"\w+(?:&\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def key(self) -> str:
        return word_key(self.text)

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalnum() or self.text[:1] == "_"


def tokenize(text: str) -> list[Token]:
    """Words and punctuation marks of ``text`` with their character offsets."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@lru_cache(maxsize=65536)
def _official_word(word: str) -> str:
    """One NFC word with its tone mark where the official rule puts it (cached: a plan repeats its words)."""
    return str(token_normalize(word))


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """The comparison form of one word: NFC, official tone-mark placement, case-folded."""
    return _official_word(unicodedata.normalize("NFC", word)).casefold()


def official_tone_marks(text: str) -> str:
    """``text`` with every word's tone mark where the official rule puts it; spacing untouched."""
    text = unicodedata.normalize("NFC", text)
    parts: list[str] = []
    position = 0
    for token in tokenize(text):
        parts.append(text[position : token.start])
        parts.append(_official_word(token.text) if token.is_word else token.text)
        position = token.end
    parts.append(text[position:])
    return "".join(parts)


def starts_lowercase(text: str) -> bool:
    first = text.lstrip()[:1]
    return first.isalpha() and first.islower()
