"""Stable identifiers: the same plan gives the same ids in every format and on every run.

A plan is identified by what it says (province + number, or province + type +
period + title when the number is blank), never by its file name or bytes; a
record by its plan, table, group, STT and its position in the table.
"""

from __future__ import annotations

import hashlib
import re

from extractors.metadata import DocumentMetadata
from normalizers.text import fold

_NOT_WORD = re.compile(r"[\W_]+")


def _key_text(value: str | None) -> str:
    return _NOT_WORD.sub("", fold(value or ""))


def plan_key(meta: DocumentMetadata) -> str | None:
    """What identifies a plan across its formats; None when the document says too little."""
    if not meta.province or not (meta.doc_number or meta.title):
        return None
    parts: list[str | None]
    if meta.doc_number:
        parts = [meta.province, meta.doc_number]
    else:
        parts = [meta.province, meta.doc_type, meta.period, meta.title]
    return "|".join(_key_text(part) for part in parts)


def record_id(plan: str, kind: str, group: str | None, stt: str | None, position: int) -> str:
    text = "\x1f".join([plan, kind, group or "", stt or "", str(position)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
