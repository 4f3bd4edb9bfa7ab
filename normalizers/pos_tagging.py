"""Vietnamese part-of-speech tags: underthesea's tagger with its features built in linear time.

``underthesea.pos_tag`` segments the words (``word_tokenize``, in Rust) and tags them with a CRF model
(``CRFTagger``, in Rust), but builds the CRF's feature strings in Python (``tagged_feature.template2features``):
for every word and every one of its 22 templates it re-parses the template with a regular expression and
rebuilds every column of the whole sentence, so the cost grows with the square of the sentence and was a
third of a text document's processing time.  This module builds the same strings from the same templates
(read from underthesea's own predictor, parsed once) in one pass, and hands them to the same model.  The
strings are byte-for-byte underthesea's (``tests/test_pos_tagging.py`` compares them, and the tags, on new
sentences), so the tags are too.  Where underthesea's internals are not as expected, its ``pos_tag`` is used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from underthesea import pos_tag as underthesea_pos_tag
from underthesea import word_tokenize

# underthesea's template syntax ``T[i]``, ``T[i,j]``, ``T[i][column]``, ``T[i].function`` (tagged_feature.py).
_TEMPLATE = re.compile(r"T\[(?P<index1>\-?\d+)(\,(?P<index2>\-?\d+))?\](\[(?P<column>.*)\])?(\.(?P<function>.*))?")
# The tag column of a sentence being tagged: underthesea fills it with "X" (model_crf.CRFPOSTagPredictor.predict).
_UNKNOWN_TAG = "X"


def _is_title(word: str) -> bool:
    """underthesea's ``text_istitle``: every space-separated part starts with a title-case letter."""
    if not word:
        return False
    try:
        return all(part[0].istitle() for part in word.split(" "))
    except IndexError:  # an empty part (two spaces): underthesea answers False
        return False


_FUNCTIONS: dict[str, Callable[[str], object]] = {
    "lower": str.lower,
    "istitle": _is_title,
    "isdigit": lambda word: str(word.isdigit()),
}


@dataclass(frozen=True)
class _Template:
    prefix: str
    first: int
    last: int | None
    column: int
    function: Callable[[str], object] | None


def _compile(template: str) -> _Template:
    matched = _TEMPLATE.match(template)
    if matched is None:
        raise ValueError(f"not an underthesea feature template: {template!r}")
    function_name = matched.group("function")
    function = None if function_name is None else _FUNCTIONS[function_name]  # KeyError: unknown, use underthesea
    last = matched.group("index2")
    return _Template(
        f"{template}=",
        int(matched.group("index1")),
        int(last) if last else None,
        int(matched.group("column") or 0),
        function,
    )


def features(words: Sequence[str], templates: Sequence[_Template]) -> list[list[str]]:
    """The CRF feature strings of every word, as underthesea's ``TaggedTransformer`` writes them."""
    count = len(words)
    columns = (list(words), [_UNKNOWN_TAG] * count)
    rows: list[list[str]] = []
    for i in range(count):
        row: list[str] = []
        for template in templates:
            first = i + template.first
            if first < 0:
                row.append(f"{template.prefix}BOS")
                continue
            if first >= count:
                row.append(f"{template.prefix}EOS")
                continue
            column = columns[template.column]
            if template.last is None:
                word = column[first]
            elif i + template.last >= count:
                row.append(f"{template.prefix}EOS")
                continue
            else:
                word = " ".join(column[first : i + template.last + 1])
            value = word if template.function is None else template.function(word)
            row.append(f"{template.prefix}{value}")
        rows.append(row)
    return rows


@lru_cache(maxsize=1)
def _tagger() -> tuple[Any, tuple[_Template, ...]] | None:
    """underthesea's loaded POS model and its compiled templates; None when its internals differ."""
    try:
        from underthesea.pipeline.pos_tag.model_crf import CRFPOSTagPredictor

        predictor = CRFPOSTagPredictor.Instance()
        templates = tuple(_compile(t) for t in predictor.transformer.template)
        model = predictor.model
        if not callable(getattr(model, "tag", None)):
            return None
        return model, templates
    except (ImportError, AttributeError, KeyError, ValueError):
        return None


def pos_tag(sentence: str) -> list[tuple[str, str]]:
    """underthesea's ``pos_tag(sentence)``: the words of ``sentence`` with their tags."""
    tagger = _tagger()
    if tagger is None:
        return [(word, tag) for word, tag in underthesea_pos_tag(sentence)]
    model, templates = tagger
    words: list[str] = word_tokenize(sentence)
    if not words:
        return []
    return list(zip(words, model.tag(features(words, templates)), strict=True))
