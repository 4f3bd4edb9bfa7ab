"""Fuzz and property-based tests: whatever comes in, vnplan returns records or a typed error, and never hangs.

The promise under test: random bytes, truncated or damaged real files, random Unicode, tables with cells
missing or added -- every input either gives records (``schemas.records.PlanRecords``, every string NFC)
or raises an ``extractors.errors.VnplanError`` whose ``path`` is the file and whose ``reason`` is a
sentence, never a traceback.  Nothing else may escape.  "Never hangs": every file is processed within
``ResourceLimits(max_seconds=30)`` (the per-document time limit, a timer on the main thread; running out of
it is a typed ``ResourceLimitError``), and each file example has a Hypothesis ``deadline`` of twice that, so
an example the limit did not stop fails.  The normalizers get a 2 s deadline per example (they take ms).

The samples are found with a glob (``samples/*``), never by name; the vocabularies come from the rule
files (``extractors/data``, ``normalizers/data``).

Hypothesis profiles (registered in ``tests/conftest.py``):

- ``ci`` (the default): derandomized, so a CI run is reproducible, and small: the whole file runs in
  about a minute on two cores.  Each test asks for its share of the profile's ``max_examples``
  (``examples(share)``): the costly ones (whole sample PDFs) a few examples, the normalizers hundreds.
- ``fuzz``: ``HYPOTHESIS_PROFILE=fuzz .venv/bin/python -m pytest tests/test_fuzz.py`` for long local
  runs (thousands of examples, random seeds, failures kept in the local example database); add
  ``--hypothesis-show-statistics`` to see what the files gave (records or which error) and how long they took.

A bug the fuzzer found gets an ordinary regression test at the end of this file (a small input written
out); a bug in a module this suite's authors may not change is marked ``xfail(strict=True)`` so that it
flips when it is fixed.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import io
import re
import tempfile
import time
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from hypothesis import assume, currently_in_test_context, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from extractors.appendix import extract_appendix, normalize_stt
from extractors.docx_reader import DocxReader
from extractors.errors import ScannedDocumentError, UnreadableDocumentError, VnplanError
from extractors.layout_tables import LayoutTableFinder
from extractors.limits import ResourceLimits, budget_scope
from extractors.model import Block, BlockKind, Cell, Document, Provenance, Row
from extractors.page_text import Rule, Word
from extractors.readers import read_document, supported_suffixes
from extractors.settings import LayoutTableSettings
from extractors.tables import column_roles, default_vocabulary, find_appendix_tables, header_size
from extractors.text_reader import is_fully_bold
from normalizers.agencies import default_resolver
from normalizers.assignments import default_assignment_reader
from normalizers.data_files import load_rules
from normalizers.deadlines import GUESSED_YEAR, IMPOSSIBLE_DATE, NO_DATE, parse_deadline
from normalizers.encoding import repair_legacy_encoding
from normalizers.registry import default_registry
from normalizers.text import clean_text
from pipeline.documents import process_file
from schemas.records import AgencyRef, Deadline, PlanRecords
from tests.conftest import SAMPLES
from tests.pdf_builder import PageSpec, build_pdf

# --------------------------------------------------------------------------------------------- set-up

LIMITS = ResourceLimits(max_seconds=30.0)
"""The per-document time limit of every file example (a sample PDF takes 3-4 s; OCR of a damaged page more)."""

FILE_SECONDS = 60.0
"""Deadline of one file example: twice the time limit, so an example that overruns it was not stopped by the
limit, i.e. it hung.  Slow examples show in ``--hypothesis-show-statistics`` (see ``check_pipeline``)."""
TEXT_SECONDS = 2.0  # deadline of one normalizer example (milliseconds in practice)


def examples(share: float, seconds: float) -> settings:
    """This test's share of the profile's ``max_examples`` (at least 2), each example within ``seconds``."""
    return settings(max_examples=max(2, round(settings().max_examples * share)), deadline=timedelta(seconds=seconds))


SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*") if p.is_file() and p.suffix.lower() in supported_suffixes())
SAMPLE_BYTES = {path: path.read_bytes() for path in SAMPLE_FILES}
PDF_SAMPLES = [p for p in SAMPLE_FILES if p.suffix.lower() == ".pdf"]
DOCX_SAMPLES = [p for p in SAMPLE_FILES if p.suffix.lower() == ".docx"]
FAST_SAMPLES = [p for p in SAMPLE_FILES if p not in PDF_SAMPLES]
TEXT_SAMPLES = [p for p in SAMPLE_FILES if p.suffix.lower() in (".txt", ".md")]
SAMPLE_LINES = sorted({line for p in TEXT_SAMPLES for line in SAMPLE_BYTES[p].decode("utf-8-sig").splitlines()})


def words(text: str) -> list[str]:
    return text.split()


def strings_in(value: Any) -> Iterator[str]:
    """Every string in nested dicts and lists (keys included): a YAML rule file, a dumped record."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


DEADLINE_RULES = load_rules("normalizers", "deadline_vocabulary.yaml")
APPENDIX_RULES = load_rules("extractors", "appendix_columns.yaml")
VOCABULARY = sorted(
    {
        word
        for rules in (
            DEADLINE_RULES,
            APPENDIX_RULES["roles"],
            load_rules("extractors", "document_vocabulary.yaml"),
            load_rules("normalizers", "assignment_vocabulary.yaml"),
        )
        for word in strings_in(rules)
        if len(word) < 60
    }
)
ALIASES = sorted({alias.text for alias in default_registry().aliases.values()})
PROVINCES = sorted(default_registry().provinces)

MARKUP_CHARACTERS = "*<>&\\^#"  # what ``normalizers.text.strip_markup`` reads as markup
COMBINING = [chr(code) for code in range(0x300, 0x370)]
CONTROL = [chr(code) for code in range(0x20)] + list("\x7f\x85\u00a0\u00ad\u200b\u200d\u2028\u2029\ufeff\ufffd")
MARKUP = [
    *words("# ** * __ <sup>1</sup> <b> </b> &amp; &lt; \\* ^1 ^{2} II. | : ; ( ) / … –"),
    "## ",
    "- ",
    "+ ",
    "• ",
    "a) ",
    "1. ",
    "I. ",
    "\t",
]


@pytest.fixture(scope="module", autouse=True)
def prefect_backend() -> Iterator[None]:
    """Overrides the shared Prefect test server (20 s to start): nothing here runs a flow."""
    yield


@pytest.fixture(scope="module", autouse=True)
def warm_caches() -> None:
    """Load the registry, spaCy matcher and underthesea tagger once, so no example pays for it (deadlines)."""
    default_resolver().resolve_cell("Sở Tư pháp, Công an tỉnh")
    default_assignment_reader().read(["Sở Tư pháp chủ trì, phối hợp với Công an tỉnh."])
    parse_deadline("Quý II/2026")


# ----------------------------------------------------------------------------------- outcome checks


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def assert_reports(error: VnplanError, path: Path) -> None:
    """A typed error names the file and says why in words, not with a traceback."""
    assert error.path == path
    assert isinstance(error.reason, str) and error.reason.strip(), error
    assert "Traceback" not in error.reason and 'File "' not in error.reason, error.reason
    assert str(error).startswith(str(path))


def assert_records(records: PlanRecords, path: Path, data: bytes) -> None:
    assert isinstance(records, PlanRecords)
    bad = [text for text in strings_in(records.model_dump()) if not is_nfc(text)]
    assert not bad, f"strings not in NFC: {bad[:3]!r}"
    assert records.document.doc_id == hashlib.sha256(data).hexdigest()
    assert records.document.source_path == str(path)
    ids = [t.target_id for t in records.targets] + [t.task_id for t in records.tasks]
    assert len(ids) == len(set(ids)), "record ids are not unique"
    assert all(item.doc_id == records.document.doc_id for item in records.review)
    for task in records.tasks:
        assert_deadline(task.deadline)


def assert_document(document: Document, path: Path) -> None:
    """What a reader promises (``extractors.model``): NFC text, merged cells empty, rectangular tables."""
    assert document.source_path == path
    for block in document.blocks:
        assert is_nfc(block.text), block.text
        assert len({len(row.cells) for row in block.rows}) <= 1, "a table with rows of different widths"
        for row in block.rows:
            for cell in row.cells:
                assert is_nfc(cell.text), cell.text
                assert not (cell.merged and cell.text), cell


def in_temp_file(name: str, data: bytes, action: Callable[[Path], Any]) -> Any:
    """``action(path)`` on ``data`` written to a fresh temporary file called ``name``; a typed error is returned."""
    with tempfile.TemporaryDirectory(prefix="vnplan-fuzz-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return action(path)
        except VnplanError as error:
            assert_reports(error, path)
            return error


def check_pipeline(name: str, data: bytes) -> PlanRecords | VnplanError:
    """The whole pipeline (``process_file``) on ``data``: records, or a typed error naming the file."""

    def run(path: Path) -> PlanRecords:
        records = process_file(path, limits=LIMITS)
        assert_records(records, path, data)
        return records

    started = time.monotonic()
    result: PlanRecords | VnplanError = in_temp_file(name, data, run)
    seconds = time.monotonic() - started
    if currently_in_test_context():  # what the examples gave, in --hypothesis-show-statistics
        event(f"pipeline outcome: {type(result).__name__}")
        slow = "< 1" if seconds < 1 else "1-5" if seconds < 5 else "5-15" if seconds < 15 else "> 15"
        event(f"pipeline seconds: {slow}")
    return result


def check_reader(name: str, data: bytes) -> Document | VnplanError:
    """The reader alone (within the same time limit as the pipeline): a document, or a typed error."""

    def run(path: Path) -> Document:
        with budget_scope(path, LIMITS):
            document = read_document(path)
        assert_document(document, path)
        return document

    result: Document | VnplanError = in_temp_file(name, data, run)
    return result


# ------------------------------------------------------------------------------------- strategies

_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY0123456789 "
vietnamese_letters = st.text(
    st.sampled_from(_LETTERS + "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"), max_size=30
)
any_text = st.text(st.characters(codec="utf-8"), max_size=200)
word = st.one_of(
    st.sampled_from(VOCABULARY),
    st.sampled_from(ALIASES),
    st.sampled_from(PROVINCES),
    st.sampled_from(MARKUP),
    st.integers(-5, 3000).map(str),
    vietnamese_letters,
    st.text(st.sampled_from(COMBINING + CONTROL), min_size=1, max_size=3),
    st.text(max_size=6),
)
phrase = st.lists(st.tuples(word, st.sampled_from([" ", " ", " ", "", "\t", ", ", "/", "; "])), max_size=16).map(
    lambda parts: "".join(w + sep for w, sep in parts)
)


@st.composite
def mangled(draw: st.DrawFn, base: st.SearchStrategy[str]) -> str:
    """``base`` with a few of the damages real exports carry: NFD, case, stray marks and controls, repeats."""
    text = draw(base)
    for _ in range(draw(st.integers(0, 3))):
        operation = draw(st.sampled_from(["nfd", "upper", "lower", "insert", "delete", "repeat"]))
        if operation == "nfd":
            text = unicodedata.normalize("NFD", text)
        elif operation == "upper":
            text = text.upper()
        elif operation == "lower":
            text = text.lower()
        elif operation == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(COMBINING + CONTROL + MARKUP)) + text[at:]
        elif operation == "delete" and text:
            at = draw(st.integers(0, len(text) - 1))
            text = text[:at] + text[at + draw(st.integers(1, 5)) :]
        elif operation == "repeat":
            text = text * draw(st.integers(2, 4))
    return text


long_line = st.tuples(st.one_of(phrase, st.sampled_from(SAMPLE_LINES)), st.integers(50, 1000)).map(
    lambda item: (item[0] + " ") * item[1]
)
line = st.one_of(
    st.sampled_from(SAMPLE_LINES),
    mangled(st.sampled_from(SAMPLE_LINES)),
    phrase,
    mangled(phrase),
    any_text,
)
text_document = st.tuples(
    st.lists(st.one_of(line, line, line, line, long_line), max_size=60), st.sampled_from(["\n", "\r\n", "\r"])
).map(lambda item: item[1].join(item[0]))


# ================================================================== 1. readers and the pipeline on files

ALL_SUFFIXES = [".txt", ".md", ".docx", ".pdf", ".PDF", ".markdown", ".xlsx", ""]


@examples(1.0, FILE_SECONDS)
@given(suffix=st.sampled_from(ALL_SUFFIXES), data=st.binary(max_size=4096))
def test_random_bytes_under_each_suffix(suffix: str, data: bytes) -> None:
    check_reader(f"plan{suffix}", data)
    check_pipeline(f"plan{suffix}", data)


@examples(0.4, FILE_SECONDS)
@given(text=st.one_of(text_document, any_text), suffix=st.sampled_from([".txt", ".md"]), bom=st.booleans())
def test_random_unicode_text_files(text: str, suffix: str, bom: bool) -> None:
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    result = check_pipeline(f"plan{suffix}", data)
    if "\x00" not in text:
        assert not isinstance(result, UnreadableDocumentError), result  # UTF-8 without NUL is a text file


@examples(0.15, FILE_SECONDS)
@given(sample=st.sampled_from(TEXT_SAMPLES), data=st.data())
def test_sample_text_with_line_edits(sample: Path, data: st.DataObject) -> None:
    """A real text export with lines dropped, repeated, moved, damaged and new lines put in."""
    lines = SAMPLE_BYTES[sample].decode("utf-8-sig").splitlines()
    for _ in range(data.draw(st.integers(1, 12), label="edits")):
        at = data.draw(st.integers(0, len(lines)), label="at")
        operation = data.draw(st.sampled_from(["drop", "repeat", "move", "mangle", "insert"]), label="operation")
        if operation == "insert" or not lines or at == len(lines):
            lines.insert(at, data.draw(line, label="line"))
        elif operation == "drop":
            del lines[at : at + data.draw(st.integers(1, 40), label="size")]
        elif operation == "repeat":
            lines[at:at] = lines[at : at + data.draw(st.integers(1, 10), label="size")]
        elif operation == "move":
            lines.insert(data.draw(st.integers(0, len(lines)), label="to"), lines.pop(at))
        else:
            lines[at] = data.draw(mangled(st.just(lines[at])), label="mangled")
    result = check_pipeline(sample.name, "\n".join(lines).encode("utf-8"))
    if not any("\x00" in text for text in lines):
        assert not isinstance(result, UnreadableDocumentError), result


def _truncated(sample: Path, data: st.DataObject) -> bytes:
    """The sample cut short; sometimes with the PDF end-of-file marker put back, so the damage is not seen at once."""
    content = SAMPLE_BYTES[sample]
    cut = content[: data.draw(st.integers(0, len(content)), label="cut")]
    return cut + data.draw(st.sampled_from([b"", b"", b"\n%%EOF\n"]), label="end")


@examples(0.15, FILE_SECONDS)
@given(sample=st.sampled_from(FAST_SAMPLES), data=st.data())
def test_truncated_samples(sample: Path, data: st.DataObject) -> None:
    check_pipeline(sample.name, _truncated(sample, data))


@examples(0.03, FILE_SECONDS)
@given(sample=st.sampled_from(PDF_SAMPLES), data=st.data())
def test_truncated_pdf_samples(sample: Path, data: st.DataObject) -> None:
    check_pipeline(sample.name, _truncated(sample, data))


flips = st.lists(st.tuples(st.integers(0, 2**31), st.integers(0, 255)), min_size=1, max_size=16)


def _flipped(content: bytes, changes: list[tuple[int, int]], ascii_only: bool = False) -> bytes:
    """``content`` with bytes overwritten; ``ascii_only``: only ASCII bytes, by ASCII (UTF-8 stays valid)."""
    mutable = bytearray(content)
    for position, value in changes:
        at = position % len(mutable)
        if not ascii_only or mutable[at] < 0x80:
            mutable[at] = value % 0x80 if ascii_only else value
    return bytes(mutable)


@examples(0.15, FILE_SECONDS)
@given(sample=st.sampled_from(FAST_SAMPLES), changes=flips, ascii_only=st.booleans())
def test_samples_with_byte_flips(sample: Path, changes: list[tuple[int, int]], ascii_only: bool) -> None:
    check_pipeline(sample.name, _flipped(SAMPLE_BYTES[sample], changes, ascii_only))


@examples(0.02, FILE_SECONDS)
@given(sample=st.sampled_from(PDF_SAMPLES), changes=flips)
def test_pdf_samples_with_byte_flips(sample: Path, changes: list[tuple[int, int]]) -> None:
    check_pipeline(sample.name, _flipped(SAMPLE_BYTES[sample], changes))


# ---- Word files: the package read by the reader, then its XML edited (so the XML stays well-formed)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_INSERTABLE = words(  # elements the reader looks at
    "vMerge gridSpan gridBefore br lastRenderedPageBreak tab footnoteReference vertAlign b numPr tc tr p r t tbl sdt "
    "sdtContent tcPr trPr"
)
attribute_value = st.one_of(
    st.integers(-3, 5000).map(str),
    st.sampled_from(["", "continue", "restart", "page", "superscript", "0", "false"]),
    st.sampled_from(["²", "٣", "1.5", " 2", "-1", "2147483647"]),  # numbers a careless check takes, or too big
    vietnamese_letters,
)
xml_edit = st.tuples(
    st.sampled_from(["remove", "duplicate", "move", "attribute", "insert", "text"]),
    st.integers(0, 2**20),
    st.integers(0, 2**20),
    st.sampled_from(_INSERTABLE),
    attribute_value,
)


_PROPERTIES = {_W + tag for tag in ("tcPr", "trPr", "pPr", "rPr")}


def _edit_word_xml(xml: bytes, edits: list[tuple[str, int, int, str, str]]) -> bytes:
    """The XML with elements removed, copied, moved, given new attribute values, text or children.

    New attributes and children go mostly to the property elements (cell, row, paragraph, run), where the reader
    looks for spans, merges, breaks and bold.
    """
    root = etree.fromstring(xml)
    for operation, first, second, tag, value in edits:
        elements = list(root.iter())
        element, other = elements[first % len(elements)], elements[second % len(elements)]
        if operation in ("attribute", "insert") and second % 4:
            properties = [
                e for e in elements if e.tag in _PROPERTIES or getattr(e.getparent(), "tag", None) in _PROPERTIES
            ]
            element = properties[first % len(properties)] if properties else element
        parent = element.getparent()
        if operation == "remove" and parent is not None:
            parent.remove(element)
        elif operation == "duplicate" and parent is not None:
            parent.insert(parent.index(element) + 1, copy.deepcopy(element))
        elif (
            operation == "move" and parent is not None and element not in other.iterancestors() and element is not other
        ):
            other.append(element)
        elif operation == "attribute":
            element.set(_W + ("type" if tag == "br" else "val"), value)
        elif operation == "insert":
            new = etree.SubElement(element, _W + tag)
            new.set(_W + "val", value)
        elif operation == "text":
            element.text = value
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _rezip(content: bytes, member: str, replace: Callable[[bytes], bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, replace(data) if info.filename == member else data)
    return out.getvalue()


@examples(0.08, FILE_SECONDS)
@given(sample=st.sampled_from(DOCX_SAMPLES), edits=st.lists(xml_edit, min_size=1, max_size=12))
def test_word_samples_with_xml_edits(sample: Path, edits: list[tuple[str, int, int, str, str]]) -> None:
    data = _rezip(SAMPLE_BYTES[sample], "word/document.xml", lambda xml: _edit_word_xml(xml, edits))
    check_pipeline(sample.name, data)


zip_member = st.tuples(
    st.one_of(
        st.sampled_from(
            [
                "word/document.xml",
                "[Content_Types].xml",
                "_rels/.rels",
                "word/_rels/document.xml.rels",
                "word/styles.xml",
                "xl/workbook.xml",
                "mimetype",
                "content.xml",
            ]
        ),
        st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20),
    ),
    st.one_of(st.binary(max_size=300), any_text.map(str.encode), st.just(b'<?xml version="1.0"?><w:document/>')),
)


@examples(0.3, FILE_SECONDS)
@given(
    members=st.lists(zip_member, max_size=6, unique_by=lambda member: member[0]),
    compression=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]),
    suffix=st.sampled_from([".docx", ".pdf", ".txt"]),
)
def test_zip_archives_that_are_not_word_files(members: list[tuple[str, bytes]], compression: int, suffix: str) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in members:
            archive.writestr(name, content)
    check_reader(f"plan{suffix}", out.getvalue())
    result = check_pipeline(f"plan{suffix}", out.getvalue())
    if suffix == ".docx":
        assert isinstance(result, VnplanError)  # no valid Word package here


PDF_TOKENS = [
    *map(
        str.encode,
        words(
            "obj endobj << >> [ ] /Type /Page /Pages /Kids /Count /Root /Catalog /Contents /Length /Filter /FlateDecode"
            " xref trailer startxref %%EOF R 0 1 2 3 -1 99999999 ( ) BT ET Tj TJ Tf Td /F1 12 /Encrypt /MediaBox"
            " /Resources /Font /ObjStm /N /First /Prev /XRef /W /Size /Index /Parent"
        ),
    ),
    *[b"stream\n", b"\nendstream", b"xref\n", b"0000000000 65535 f", b"\n", b" "],
]


@examples(0.3, FILE_SECONDS)
@given(
    version=st.sampled_from([b"%PDF-1.4\n", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", b"  %PDF-2.0\r", b"%PDF"]),
    body=st.one_of(
        st.binary(max_size=2048),
        st.lists(st.sampled_from(PDF_TOKENS), max_size=200).map(b" ".join),
        st.tuples(st.sampled_from(PDF_SAMPLES), st.integers(0, 2**31), st.integers(0, 4096)).map(
            lambda item: SAMPLE_BYTES[item[0]][item[1] % len(SAMPLE_BYTES[item[0]]) :][: item[2]]
        ),
    ),
    end=st.sampled_from([b"", b"\n%%EOF\n", b"\n%%EOF", b"startxref\n0\n%%EOF\n"]),
)
def test_pdf_header_followed_by_junk(version: bytes, body: bytes, end: bytes) -> None:
    check_reader("plan.pdf", version + body + end)
    check_pipeline("plan.pdf", version + body + end)


# ---- well-formed files with random content: a PDF drawn with fpdf2, a Word file written with python-docx

pdf_text = st.text(
    st.sampled_from(_LETTERS + "àáảãạấầẩẫậếềểễệốồổỗộớờởỡợứừửữựđĐ.,;:()/-–+•%" + "".join(COMBINING[:5])), max_size=60
)


@examples(0.05, FILE_SECONDS)
@given(
    pages=st.lists(
        st.builds(
            PageSpec,
            lines=st.lists(
                st.one_of(pdf_text, st.sampled_from(SAMPLE_LINES).map(lambda s: s.replace("\t", " "))), max_size=8
            ),
            rows=st.integers(1, 5).flatmap(
                lambda width: st.lists(st.lists(pdf_text, min_size=width, max_size=width), max_size=6)
            ),
            landscape=st.booleans(),
            rules=st.sampled_from(("all", "rows", "frame", "header-grid", "booktabs", "none")),
            header_rows=st.integers(0, 2),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_generated_pdfs_with_random_text_and_tables(pages: list[PageSpec]) -> None:
    with tempfile.TemporaryDirectory(prefix="vnplan-fuzz-") as folder:
        built = Path(folder) / "built.pdf"
        build_pdf(built, pages)
        data = built.read_bytes()
    check_pipeline("plan.pdf", data)


# -- the header-anchored table finder on words placed at random ----------------------------------------------

_TITLES = (("STT", "TT"), ("Nhiệm vụ", "Nội dung"), ("Cơ quan chủ trì", "Đơn vị chủ trì"), ("Thời hạn", "Tiến độ"))
_CELL_WORDS = ("Sở", "Tư", "pháp", "kết", "quả", "dữ", "liệu", "dân", "cư", "Quý", "II/2027", "tỉnh", "và", "các")


@st.composite
def words_of_a_table(draw: st.DrawFn) -> tuple[list[Word], list[Rule]]:
    """A header and rows drawn as words (size 12, letters 6 pt wide), wrapped in their columns, each row's
    cells at the top or centred, with rules between rows or none, and words after the table."""
    lefts = [60.0, 100.0, 340.0, 480.0, 600.0]
    words: list[Word] = []
    for column, choices in enumerate(_TITLES):
        title = draw(st.sampled_from(choices))
        words += _placed(lefts[column] + 4, 100.0, title, bold=True)
    rules = [Rule(60, 600, 96), Rule(60, 600, 116)] if draw(st.booleans()) else []
    ruled_rows = draw(st.booleans())
    top = 126.0
    for number in range(1, draw(st.integers(1, 8)) + 1):
        cells = [draw(st.lists(st.sampled_from(_CELL_WORDS), min_size=1, max_size=12)) for _ in range(len(_TITLES) - 1)]
        wrapped = [_wrap(cell, lefts[column + 2] - lefts[column + 1] - 8) for column, cell in enumerate(cells)]
        height = 14 * max(len(lines) for lines in wrapped)
        centred = draw(st.booleans())
        label = draw(st.sampled_from((f"{number}.", "I", "II", "a)", "-", "")))
        words += _placed(lefts[0] + 4, top + (height - 14) / 2 if centred else top, label)
        for column, lines in enumerate(wrapped):
            start = top + (height - 14 * len(lines)) / 2 if centred else top
            for index, line in enumerate(lines):
                words += _placed(lefts[column + 1] + 4, start + 14 * index, " ".join(line))
        top += height + draw(st.sampled_from((2.0, 6.0, 10.0)))
        if ruled_rows:
            rules.append(Rule(60, 600, top - 2))
    if draw(st.booleans()):
        words += _placed(60, top + 20, "Các sở, ngành căn cứ Kế hoạch này tổ chức thực hiện và báo cáo kết quả")
    return words, rules


def _placed(x: float, top: float, text: str, bold: bool = False) -> list[Word]:
    placed = []
    for token in text.split():
        placed.append(Word(token, x, x + 6 * len(token), top, top + 12, 12.0, bold))
        x += 6 * len(token) + 3
    return placed


def _wrap(tokens: list[str], width: float) -> list[list[str]]:
    lines: list[list[str]] = [[]]
    for token in tokens:
        if lines[-1] and 6 * len(" ".join([*lines[-1], token])) > width:
            lines.append([])
        lines[-1].append(token)
    return lines


@examples(0.5, TEXT_SECONDS)
@given(table=words_of_a_table())
def test_the_header_anchored_finder_keeps_every_word_it_covers(table: tuple[list[Word], list[Rule]]) -> None:
    """Whatever the rows look like: every table has rows of one width, and every word inside a table's box is
    in one of its cells (nothing a table covers is lost to it)."""
    words, rules = table
    found = LayoutTableFinder(LayoutTableSettings()).find(words, rules, page=1)
    for piece in found.tables:
        assert len({len(row.cells) for row in piece.rows}) == 1
        x0, top, x1, bottom = piece.bbox
        inside = [w for w in words if top - 1 <= (w.top + w.bottom) / 2 <= bottom + 1 and x0 - 1 <= w.centre <= x1 + 1]
        letters = Counter("".join(word.text for word in inside))
        in_cells = Counter("".join(cell.text for row in piece.rows for cell in row.cells).replace(" ", ""))
        assert letters == in_cells


xml_safe_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=40)


@st.composite
def word_file(draw: st.DrawFn) -> bytes:
    """A Word file of random paragraphs and tables, some cells merged across and down, some grid properties damaged."""
    document = docx.Document()
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.booleans()):
            paragraph = document.add_paragraph()
            for text in draw(st.lists(st.one_of(xml_safe_text, st.sampled_from(SAMPLE_LINES)), max_size=3)):
                run = paragraph.add_run(text.replace("\t", " "))
                run.bold = draw(st.booleans())
                run.font.superscript = draw(st.booleans())
            continue
        rows, cols = draw(st.integers(1, 5)), draw(st.integers(1, 6))
        table = document.add_table(rows=rows, cols=cols)
        for row in table.rows:
            for cell in row.cells:
                cell.text = draw(st.one_of(xml_safe_text, st.sampled_from(VOCABULARY)))
        for _ in range(draw(st.integers(0, 3))):
            r1, r2 = sorted(draw(st.tuples(st.integers(0, rows - 1), st.integers(0, rows - 1))))
            c1, c2 = sorted(draw(st.tuples(st.integers(0, cols - 1), st.integers(0, cols - 1))))
            try:
                table.cell(r1, c1).merge(table.cell(r2, c2))
            except Exception:  # an earlier merge may make this rectangle impossible: just build without it
                continue
        for _ in range(draw(st.integers(0, 3))):  # damaged grid properties: spans, skips, merges
            tag = draw(st.sampled_from(["w:gridSpan", "w:vMerge", "w:gridBefore"]))
            tr = table.rows[draw(st.integers(0, rows - 1))]._tr
            holder = tr.get_or_add_trPr() if tag == "w:gridBefore" else tr.tc_lst[0].get_or_add_tcPr()
            element = OxmlElement(tag)
            element.set(qn("w:val"), draw(attribute_value))
            holder.append(element)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@examples(0.15, FILE_SECONDS)
@given(data=word_file())
def test_generated_word_files_with_random_merges(data: bytes) -> None:
    check_reader("plan.docx", data)
    check_pipeline("plan.docx", data)


# ================================================================================== 2. normalizers


def assert_deadline(deadline: Deadline) -> None:
    """The invariants ``parse_deadline`` documents: real ISO dates, a reason whenever a person must look."""
    Deadline.model_validate(deadline.model_dump())
    assert all(is_nfc(text) for text in strings_in(deadline.model_dump()))
    assert deadline.needs_review is bool(deadline.reasons)
    assert len(deadline.reasons) == len(set(deadline.reasons))
    due = dt.date.fromisoformat(deadline.due) if deadline.due is not None else None
    if deadline.start is not None:
        dt.date.fromisoformat(deadline.start)
    if due is None and deadline.kind != "recurring":
        assert NO_DATE in deadline.reasons
    for milestone in deadline.milestones:
        assert due is not None and dt.date.fromisoformat(milestone.due) <= due  # due is the latest part
    if deadline.recurrence is not None and deadline.recurrence.day is not None:
        assert deadline.recurrence.day >= 0


years = st.one_of(st.integers(1890, 2110), st.integers(0, 9999), st.sampled_from([0, 1, 1900, 2099, 2100]))
plan_years_strategy = st.none() | st.tuples(st.integers(1900, 2100), st.integers(1900, 2100)).map(tuple).map(
    lambda pair: (min(pair), max(pair))
)
reference_years = st.none() | st.integers(1900, 2100) | st.integers()


def _key_words(*keys: str) -> list[str]:
    found: list[str] = []
    for key in keys:
        found += list(strings_in(DEADLINE_RULES[key]))
    return found


deadline_piece = st.one_of(
    st.sampled_from(list(strings_in(DEADLINE_RULES))),
    st.tuples(st.integers(-1, 40), st.integers(-1, 15), years).map(lambda d: f"{d[0]}/{d[1]}/{d[2]}"),
    st.tuples(st.integers(-1, 40), st.integers(-1, 15), years).map(lambda d: f"ngày {d[0]} tháng {d[1]} năm {d[2]}"),
    st.tuples(st.integers(-1, 40), st.integers(-1, 15)).map(lambda d: f"ngày {d[0]}/{d[1]}"),
    st.tuples(st.sampled_from(["I", "II", "III", "IV", "V", "0", "1", "4", "5", "ii"]), years).map(
        lambda q: f"Quý {q[0]}/{q[1]}"
    ),
    st.tuples(st.integers(-1, 15), years).map(lambda m: f"tháng {m[0]}/{m[1]}"),
    st.tuples(st.integers(-1, 15), years).map(lambda m: f"{m[0]}/{m[1]}"),
    st.tuples(st.sampled_from(_key_words("half_year")), years).map(lambda h: f"6 tháng {h[0]} năm {h[1]}"),
    st.tuples(years, years, st.sampled_from(_key_words("span_joiners"))).map(lambda s: f"{s[0]} {s[2]} {s[1]}"),
    years.map(lambda y: f"năm {y}"),
    years.map(str),
    st.sampled_from(["ngày __/__/2026", "ngày …/…/2026", "ngày    tháng    năm 2026", "hằng tháng", "hàng năm"]),
    st.integers(-5, 3000).map(str),
    vietnamese_letters,
)
deadline_text = st.lists(
    st.tuples(mangled(deadline_piece), st.sampled_from([" ", "; ", ", ", " và ", " (", ") ", ". ", " - ", ""])),
    max_size=6,
).map(lambda parts: "".join(p + sep for p, sep in parts))


@examples(3.0, TEXT_SECONDS)
@given(text=st.one_of(st.none(), any_text, deadline_text), plan=plan_years_strategy, reference=reference_years)
def test_parse_deadline_never_raises_and_keeps_its_invariants(
    text: str | None, plan: tuple[int, int] | None, reference: int | None
) -> None:
    assert_deadline(parse_deadline(text, plan_years=plan, reference_year=reference))


@examples(1.0, TEXT_SECONDS)
@given(day=st.integers(0, 40), month=st.integers(0, 15), year=st.integers(1900, 2099), sep=st.sampled_from("/.-"))
def test_a_numeric_date_is_a_real_date_or_flagged_impossible(day: int, month: int, year: int, sep: str) -> None:
    deadline = parse_deadline(f"{day}{sep}{month}{sep}{year}")
    try:
        expected: dt.date | None = dt.date(year, month, day)
    except ValueError:
        expected = None
    if expected is None:
        assert deadline.due is None and IMPOSSIBLE_DATE in deadline.reasons, deadline
    else:
        assert (deadline.kind, deadline.due, deadline.needs_review) == ("date", expected.isoformat(), False)


@examples(0.5, TEXT_SECONDS)
@given(quarter=st.integers(1, 4), roman=st.booleans(), year=st.integers(1900, 2099))
def test_a_quarter_is_due_on_its_last_day(quarter: int, roman: bool, year: int) -> None:
    name = ["I", "II", "III", "IV"][quarter - 1] if roman else str(quarter)
    deadline = parse_deadline(f"Quý {name}/{year}")
    last_month = 3 * quarter
    next_first = dt.date(year + (last_month == 12), last_month % 12 + 1, 1)
    assert (deadline.kind, deadline.due) == ("quarter", (next_first - timedelta(days=1)).isoformat())


agency_text = st.lists(
    st.tuples(
        st.one_of(mangled(st.sampled_from(ALIASES)), st.sampled_from(PROVINCES), word, any_text),
        st.sampled_from([", ", " và ", "; ", " (", ") ", " ", "/", " thuộc ", ""]),
    ),
    max_size=6,
).map(lambda parts: "".join(p + sep for p, sep in parts))
jurisdictions = st.sampled_from([None, "tỉnh", "thành phố"])


@examples(1.0, TEXT_SECONDS)
@given(
    text=st.one_of(st.none(), agency_text), jurisdiction=jurisdictions, province=st.none() | st.sampled_from(PROVINCES)
)
def test_agency_resolver_on_random_text(text: str | None, jurisdiction: str | None, province: str | None) -> None:
    """Every method the pipeline calls (``pipeline.documents``, ``pipeline.build``), on any text."""
    resolver = default_resolver()
    cleaned = clean_text(text)
    for item in resolver.resolve_cell(text, jurisdiction=jurisdiction, province=province):
        ref = AgencyRef.model_validate(item.ref.model_dump())
        assert all(is_nfc(s) for s in strings_in(ref.model_dump())), ref
        assert ref.raw and ref.raw in cleaned, (ref.raw, cleaned)
        assert ref.name.strip()
        assert ref.resolved == (ref.agency_id is not None)
        if not ref.resolved:
            assert item.review_reason, "an unresolved agency must go to the review queue"
    if text is None:
        return
    assert isinstance(resolver.names_only_agencies(cleaned, jurisdiction=jurisdiction), bool)
    assert isinstance(resolver.starts_like_name(cleaned), bool)
    previous_end = 0
    for start, end, collective in resolver.name_spans(cleaned):
        assert previous_end <= start < end <= len(cleaned) and isinstance(collective, bool)
        previous_end = end
    mention = resolver.leading_mention(cleaned)
    assert mention is None or (mention and mention in cleaned)


@examples(1.0, TEXT_SECONDS)
@given(alias=st.sampled_from(ALIASES), jurisdiction=jurisdictions, case=st.sampled_from([str, str.upper, str.lower]))
def test_every_registry_alias_resolves_to_its_agency(alias: str, jurisdiction: str | None, case: Any) -> None:
    """``agencies.yaml``: matching ignores case; every alias (and the name) is an alias of one agency."""
    expected = default_registry().aliases
    resolved = default_resolver().resolve_cell(case(alias), jurisdiction=jurisdiction)
    assert len(resolved) == 1, (alias, [r.ref for r in resolved])
    agency_ids = {match.agency.id for match in expected.values() if match.text == alias}
    assert resolved[0].ref.resolved and resolved[0].ref.agency_id in agency_ids


@examples(2.0, TEXT_SECONDS)
@given(text=st.one_of(st.none(), any_text, st.lists(line, max_size=5).map("\n".join), mangled(phrase)))
def test_clean_text_is_plain_nfc_and_idempotent(text: str | None) -> None:
    """Cleaning twice changes nothing, as long as the cleaned text holds no markup character.

    Text that still holds one after cleaning (it was escaped: ``0\\*``, ``&amp;lt;b&amp;gt;``, ``# # x``) is read as
    markup again by a second pass (``0*`` -> ``0``): markup stripping cannot be idempotent on such text.
    """
    cleaned = clean_text(text)
    assert is_nfc(cleaned)
    assert cleaned == cleaned.strip() and "  " not in cleaned and "\n" not in cleaned and "\t" not in cleaned
    if not set(cleaned) & set(MARKUP_CHARACTERS):
        assert clean_text(cleaned) == cleaned


@examples(2.0, TEXT_SECONDS)
@given(
    text=st.one_of(
        any_text,
        mangled(phrase),
        st.text(st.sampled_from("¡¢£¤¥¦¨©ª¬®µ¶¸¹¼½¾ÄÅÆÇËÎÏÐÑÖØÛÜÞßäåæçëîïñöøûüþaAeEoOâÂêÊ tÕ")),
        st.sampled_from(SAMPLE_LINES),
    )
)
def test_repair_legacy_encoding_gives_nfc(text: str) -> None:
    repaired = repair_legacy_encoding(text)
    assert is_nfc(repaired)
    composed = unicodedata.normalize("NFC", text)
    if not any(ch in composed for ch in "¡¢£¤¥¦¨©ª¬®µ¶¸¹¼½¾ÄÅÆÇËÎÏÐÑÖØÛÜÞßäåæçëîïñöøûüþâÂêÊÈÉÊÌÒÓÔÕÝ"):
        assert repaired == composed  # no legacy glyph at all: only NFC


def _legacy_tables() -> dict[str, dict[str, str]]:
    tables: dict[str, dict[str, str]] = load_rules("normalizers", "legacy_encodings.yaml")
    return tables


# Glyph codes of the legacy fonts that are not themselves Vietnamese letters (nor the soft hyphen, which
# ordinary text uses too): what tells legacy text from Unicode text.
LEGACY_ONLY_GLYPHS = (
    {ch for table in _legacy_tables().values() for glyphs in table.values() for ch in glyphs if not ch.isascii()}
    - {letter for table in _legacy_tables().values() for letter in table}
    - {"\u00ad"}
)


@examples(1.0, TEXT_SECONDS)
@given(
    names=st.lists(st.sampled_from(ALIASES), min_size=6, max_size=10, unique=True),
    encoding=st.sampled_from(sorted(_legacy_tables())),
)
def test_a_legacy_encoded_paragraph_reads_back(names: list[str], encoding: str) -> None:
    """A paragraph of registry names written in a legacy font's code points reads back as written.

    ``repair_legacy_encoding`` decides for the whole text and needs two legacy marks in it, glyph codes that
    Unicode Vietnamese never uses (by design: one "©" in a footer stays): the property holds for such text.
    """
    paragraph = unicodedata.normalize("NFC", ", ".join(names))
    table = _legacy_tables()[encoding]
    legacy = "".join(table.get(ch, ch) for ch in paragraph)
    assume(sum(ch in LEGACY_ONLY_GLYPHS for ch in legacy) >= 2)
    assert repair_legacy_encoding(legacy) == paragraph
    assert repair_legacy_encoding(paragraph) == paragraph  # Unicode text stays as it is


assignment_line = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(ALIASES), st.sampled_from(VOCABULARY), word, vietnamese_letters),
        st.sampled_from(
            [" chủ trì", " phối hợp", " phối hợp với ", ", ", " và ", "; ", ". ", " (", ") ", " ", " tại "]
        ),
    ),
    max_size=8,
).map(lambda parts: "".join(p + sep for p, sep in parts))


@examples(0.5, TEXT_SECONDS)
@given(
    lines=st.lists(st.one_of(assignment_line, mangled(assignment_line), any_text), max_size=3),
    jurisdiction=jurisdictions,
)
def test_assignment_reader_on_random_sentences(lines: list[str], jurisdiction: str | None) -> None:
    assignment = default_assignment_reader().read(lines, jurisdiction=jurisdiction)
    names = [item.ref.name for item in assignment.lead + assignment.support]
    assert len(names) == len(set(names)), "an agency is listed once, and a lead is not also a support"
    for item in assignment.lead + assignment.support:
        assert all(is_nfc(s) for s in strings_in(item.ref.model_dump())), item.ref


# =============================================================================== 3. appendix tables

VOCAB = default_vocabulary()
TABLE_ROLES = {
    "tasks": ["stt", "task", "lead", "support", "deadline", "output"],
    "targets": ["stt", "indicator", "unit", "year", "year", "tracking"],
}
MAIN_ROLE = {"tasks": "task", "targets": "indicator"}


def _role_words(role: str) -> list[str]:
    spec = APPENDIX_RULES["roles"][role]
    words = [w for w in [*spec.get("equals", []), *spec.get("contains", [])] if VOCAB.role_of(w) == role]
    return sorted({variant for w in words for variant in (w, w.capitalize(), w.upper())})


@st.composite
def table_header(draw: st.DrawFn, kind: str) -> list[str]:
    header: list[str] = []
    chosen_years = iter(draw(st.lists(st.integers(2020, 2040), min_size=2, max_size=2, unique=True)))
    for role in TABLE_ROLES[kind]:
        if role == "year":
            year = next(chosen_years)
            header.append(draw(st.sampled_from([f"Năm {year}", str(year), f"Đến năm {year}"])))
        else:
            header.append(draw(st.sampled_from(_role_words(role))))
    return header


# Data cells: agency names, timelines, words -- never a header word (a header word in the first row of a page
# piece starts a new table, by design).
cell_text = st.one_of(
    st.sampled_from([text for text in ALIASES if not VOCAB.is_header_word(text)]),
    st.tuples(st.integers(0, 40), st.integers(0, 15), years).map(lambda d: f"{d[0]}/{d[1]}/{d[2]}"),
    st.tuples(st.sampled_from(["I", "II", "III", "IV"]), years).map(lambda q: f"Quý {q[0]}/{q[1]}"),
    st.sampled_from([w for w in strings_in(DEADLINE_RULES) if not VOCAB.is_header_word(w)]),
    st.text(st.sampled_from(_LETTERS), min_size=1, max_size=20).filter(lambda text: not VOCAB.is_header_word(text)),
)


@st.composite
def appendix_document(draw: st.DrawFn) -> tuple[Document, str, list[str], list[list[str]]]:
    """A realistic appendix table (one or more page pieces) and its complete rows (every cell filled, untouched)."""
    kind = draw(st.sampled_from(["tasks", "targets"]))
    header = draw(table_header(kind))
    width = len(header)
    rows: list[tuple[Row, bool]] = []  # (row, complete)
    for number in range(1, draw(st.integers(1, 25)) + 1):
        if draw(st.integers(0, 5)) == 0:
            roman = draw(st.sampled_from(["I", "II", "III", "IV", "V"]))
            cells = [Cell(roman), Cell(draw(vietnamese_letters.filter(lambda t: not VOCAB.is_header_word(t))))]
            cells += [Cell(merged="left") for _ in range(width - 2)]
            rows.append((Row(cells), False))
            continue
        stt = draw(st.sampled_from([str(number), f"{number}.", f" {number} "]))
        texts = [stt, f"Công việc số {number} {draw(vietnamese_letters)}".strip()]
        texts += [draw(cell_text) for _ in range(width - 2)]
        cells = [Cell(text) for text in texts]
        complete = True
        for _ in range(draw(st.integers(0, 3)) if draw(st.booleans()) else 0):
            complete = False
            damage = draw(st.sampled_from(["drop", "extra", "blank", "merged", "empty"]))
            at = draw(st.integers(0, max(0, len(cells) - 1)))
            if damage == "drop" and cells:
                del cells[at]
            elif damage == "extra":
                cells.append(Cell(draw(cell_text)))
            elif damage == "blank" and cells:
                cells[at] = Cell("")
            elif damage == "merged" and cells:
                cells[at] = Cell(merged=draw(st.sampled_from(["up", "left"])))
            elif damage == "empty":
                cells = [Cell() for _ in range(draw(st.integers(0, width + 1)))]
        rows.append((Row(cells), complete and all(cell.text for cell in cells)))
    rows = draw(st.permutations(rows)) if draw(st.booleans()) else rows
    # Cut into page pieces; a later piece may repeat the header; footnotes or text may come between.
    cuts = sorted(set(draw(st.lists(st.integers(0, len(rows)), max_size=3))))
    pieces = [rows[a:b] for a, b in zip([0, *cuts], [*cuts, len(rows)], strict=True)]
    blocks: list[Block] = [Block(BlockKind.HEADING, text="PHỤ LỤC")]
    expected: list[list[str]] = []
    alive = False  # does the table go on into the next piece (the rule of ``extractors.tables``)?
    for index, piece in enumerate(pieces):
        if index:
            between = draw(st.sampled_from(["none", "footnote", "paragraph"]))
            if between == "footnote":
                blocks.append(Block(BlockKind.FOOTNOTE, text="1 Ghi chú cuối trang."))
            elif between == "paragraph":
                blocks.append(Block(BlockKind.PARAGRAPH, text="Đoạn văn giữa hai bảng."))
                alive = False
        with_header = index == 0 or draw(st.booleans())
        table_rows = ([Row([Cell(text, bold=True) for text in header])] if with_header else []) + [r for r, _ in piece]
        if not table_rows:
            continue
        column_count = max(len(row.cells) for row in table_rows)
        if with_header or (alive and column_count == width):
            alive = True
            expected += [row.texts for row, complete in piece if complete]
        else:
            alive = False
        blocks.append(Block(BlockKind.TABLE, provenance=Provenance(page=index + 1), rows=table_rows))
    return Document(Path("fuzz.txt"), "text", "0" * 64, blocks), kind, header, expected


@examples(1.5, TEXT_SECONDS)
@given(case=appendix_document())
def test_appendix_rows_that_are_complete_still_come_out(case: tuple[Document, str, list[str], list[list[str]]]) -> None:
    document, kind, header, complete_rows = case
    found = extract_appendix(document)
    assert set(found) == {"targets", "tasks"}
    assert not found["targets" if kind == "tasks" else "tasks"]
    rows = found[kind]
    assert [row.position for row in rows] == list(range(len(rows)))
    main_role = MAIN_ROLE[kind]
    roles, year_columns = column_roles([header], VOCAB)
    for texts in complete_rows:
        main_text = texts[next(column for column, role in roles.items() if role == main_role)]
        match = [
            row for row in rows if row.stt == normalize_stt(texts[0]) and row.cells[main_role].startswith(main_text)
        ]
        assert match, f"complete row {texts!r} lost"
        assert [year for year, _ in match[0].values] == [year_columns[c] for c in sorted(year_columns)]


random_row = st.lists(
    st.builds(
        Cell,
        st.one_of(cell_text, st.sampled_from(_role_words("task") + _role_words("lead"))),
        st.booleans(),
        st.sampled_from([None, "up", "left"]),
    ),
    max_size=8,
).map(Row)


@examples(0.5, TEXT_SECONDS)
@given(tables=st.lists(st.lists(random_row, max_size=10), max_size=4))
def test_table_helpers_on_random_rows(tables: list[list[Row]]) -> None:
    """Ragged rows, empty rows, header words anywhere: the table helpers answer, they do not crash."""
    for rows in tables:
        size = header_size(rows, VOCAB)
        assert 0 <= size <= len(rows)
        if size:
            column_roles([row.texts for row in rows[:size]], VOCAB)
    document = Document(Path("fuzz.txt"), "text", "0" * 64, [Block(BlockKind.TABLE, rows=rows) for rows in tables])
    for table in find_appendix_tables(document):
        assert table.kind in ("targets", "tasks")
    extract_appendix(document)


# ============================================================= regression tests: the bugs the fuzzer found


def _ragged_task_table() -> Document:
    header = Row([Cell("STT"), Cell("Nhiệm vụ"), Cell("Đơn vị chủ trì"), Cell("Thời gian")])
    rows = [
        header,
        Row([]),
        Row([Cell("1"), Cell("Rà soát thủ tục")]),
        Row([Cell("2"), Cell("Số hóa hồ sơ"), Cell("Sở Nội vụ"), Cell("Quý I/2027")]),
    ]
    return Document(Path("mem.txt"), "text", "0" * 64, [Block(BlockKind.TABLE, rows=rows)])


def test_ragged_table_rows_read_as_empty_cells() -> None:
    """A row with no cell, or fewer cells than the header: IndexError in ``tables.header_size`` and in
    ``appendix.read_table_rows`` (the document model does not promise rectangular tables)."""
    document = _ragged_task_table()
    assert header_size(document.blocks[0].rows, VOCAB) == 1
    tasks = extract_appendix(document)["tasks"]
    assert [(t.stt, t.cells["task"], t.cells["lead"], t.cells["deadline"]) for t in tasks] == [
        ("1", "Rà soát thủ tục", "", ""),
        ("2", "Số hóa hồ sơ", "Sở Nội vụ", "Quý I/2027"),
    ]


def _word_table(path: Path, tag: str, value: str) -> None:
    """A Word file with one small task table whose first cell has the property ``tag`` = ``value``."""
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    for row, texts in zip(table.rows, [["STT", "Nhiệm vụ"], ["1", "Rà soát thủ tục"]], strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    element = OxmlElement(tag)
    element.set(qn("w:val"), value)
    table.cell(0, 0)._tc.get_or_add_tcPr().append(element)
    document.save(str(path))


def test_word_numbers_in_other_digits_are_not_numbers(tmp_path: Path) -> None:
    """``<w:gridSpan w:val="²"/>``: ``str.isdigit`` accepted "²" and ``int`` raised ValueError out of the reader."""
    path = tmp_path / "plan.docx"
    _word_table(path, "w:gridSpan", "²")
    table = DocxReader(path).convert().tables()[0]
    assert [row.texts for row in table.rows] == [["STT", "Nhiệm vụ"], ["1", "Rà soát thủ tục"]]


def test_a_huge_word_grid_span_is_bounded(tmp_path: Path) -> None:
    """``<w:gridSpan w:val="100000000"/>`` made the reader build 10^8 cells (minutes and gigabytes, no error)."""
    path = tmp_path / "plan.docx"
    _word_table(path, "w:gridSpan", "100000000")
    started = time.monotonic()
    table = DocxReader(path).convert().tables()[0]
    assert time.monotonic() - started < 10
    assert table.rows[0].cells[0].text == "STT" and table.column_count <= 64  # Word's 63 columns, and one more


def test_a_word_file_without_a_body_is_an_empty_document(tmp_path: Path) -> None:
    """``<w:body>`` is optional in WordprocessingML; without it the reader raised AttributeError ('NoneType')."""
    built = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Kế hoạch")
    document.save(built)

    def without_body(xml: bytes) -> bytes:
        root = etree.fromstring(xml)
        root.remove(root.find(qn("w:body")))
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))

    data = _rezip(built.getvalue(), "word/document.xml", without_body)
    path = tmp_path / "plan.docx"
    path.write_bytes(data)
    assert DocxReader(path).convert().blocks == []
    check_pipeline("plan.docx", data)  # records or a typed error, as for any other input


def test_unclosed_bold_tags_in_a_long_line_take_linear_time() -> None:
    """Each "<strong>" without its closing tag scanned the rest of the line: 20 000 of them (a 180 KB line) took
    112 s in ``text_reader.is_fully_bold``."""
    started = time.monotonic()
    assert not is_fully_bold("<strong>a" * 20_000)
    assert not is_fully_bold("<b>" * 20_000 + "</strong>")
    assert time.monotonic() - started < 5
    assert is_fully_bold("<b><strong>Kế hoạch</strong> thực hiện</b>")  # nested bold still counts
    assert is_fully_bold("**Kế hoạch** <b>thực hiện</b>")
    assert not is_fully_bold("<b>Kế hoạch</b> thực hiện")


def test_a_long_assignment_clause_takes_linear_time() -> None:
    """underthesea's tagger costs the square of a sentence's length, and so did several scans per agency name in
    ``normalizers.assignments``: one 12 000-character clause took 70 s."""
    sentence = "Sở Y tế, Công an tỉnh và Sở Tư pháp phối hợp với "
    started = time.monotonic()
    assignment = default_assignment_reader().read([sentence * 250])
    assert time.monotonic() - started < 15
    names = [item.ref.name for item in assignment.lead + assignment.support]
    assert names == [item.ref.name for item in default_assignment_reader().read([sentence * 2]).support]


def test_a_reference_year_no_date_can_have_fills_nothing() -> None:
    """``parse_deadline`` never raises, but ``reference_year=0`` raised ValueError (year 0 is out of range)."""
    for year in (0, -1, 10_000):
        deadline = parse_deadline("Quý II", reference_year=year)
        assert deadline.due is None and NO_DATE in deadline.reasons and GUESSED_YEAR in deadline.reasons
    assert parse_deadline("Quý II", reference_year=2027).due == "2027-06-30"


def _pdf_with_a_corrupt_page(path: Path) -> None:
    """A born-digital one-page plan whose page content stream has one byte flipped (its zlib data is broken)."""
    build_pdf(path, [PageSpec(lines=["KẾ HOẠCH", "Thực hiện nhiệm vụ chuyển đổi số năm 2026 trên địa bàn"] * 5)])
    data = bytearray(path.read_bytes())
    contents = re.search(rb"/Contents (\d+) 0 R", data)
    assert contents is not None
    start = data.index(b"stream", data.index(contents.group(1) + b" 0 obj")) + len(b"stream\n")
    end = data.index(b"endstream", start)
    data[(start + end) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_damaged_page_of_a_born_digital_pdf_is_not_a_scan(tmp_path: Path) -> None:
    """Found by ``test_pdf_samples_with_byte_flips``: 18 % of the flipped sample PDFs ran out of the 30 s budget
    in OCR.  A page that cannot be decoded is damage to report, not a picture to read."""
    path = tmp_path / "plan.pdf"
    _pdf_with_a_corrupt_page(path)
    result = check_reader("plan.pdf", path.read_bytes())
    assert not isinstance(result, ScannedDocumentError), result.reason
    assert isinstance(result, VnplanError) or not result.ocr_pages
