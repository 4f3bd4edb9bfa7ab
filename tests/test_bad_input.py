"""Bad input never loses data: each kind of bad upload gets a clear reason, a quarantine entry and a
review row, the input is left untouched, and the good plans of the same batch are published."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from extractors.errors import (
    EncryptedDocumentError,
    NotAPlanError,
    ScannedDocumentError,
    TruncatedFileError,
    UnreadableDocumentError,
    UnsupportedFormatError,
    VnplanError,
    WrongFormatError,
)
from extractors.readers import read_document
from pipeline.documents import process_file
from pipeline.review import export_review, import_review, review_rows
from pipeline.run import run
from tests import bad_inputs
from tests.test_flows import TASKS, plan_text

LETTER = """UBND TỈNH HÀ GIANG

Số: 912/UBND-KGVX

Hà Giang, ngày 04 tháng 6 năm 2027

## CÔNG VĂN

### V/v cử cán bộ dự hội nghị trực tuyến

Ủy ban nhân dân tỉnh đề nghị các sở, ban, ngành cử cán bộ dự hội nghị trực tuyến ngày 10/6/2027.
"""

BAD_KINDS = {
    # file name: (builder, expected error type, words the reason must contain)
    "bao-mat.pdf": (
        lambda p: bad_inputs.encrypted_pdf(p, "Kế hoạch chuyển đổi số"),
        EncryptedDocumentError,
        "PDF is encrypted",
    ),
    "ban-chup.pdf": (
        bad_inputs.blank_scan_pdf,
        ScannedDocumentError,
        "no text layer: looks like a scan, and OCR found no text",
    ),
    "tai-do.pdf": (
        lambda p: bad_inputs.truncated(bad_inputs.text_pdf(p.with_suffix(".full"), ["KẾ HOẠCH"] * 20), p),
        TruncatedFileError,
        "truncated file",
    ),
    "tai-do.docx": (
        lambda p: bad_inputs.truncated(
            bad_inputs.zip_archive(p.with_suffix(".full"), {"word/document.xml": "<w:document/>" * 400}), p
        ),
        TruncatedFileError,
        "truncated file",
    ),
    # An old Word file named .docx goes to LibreOffice as a .doc: this one is only an empty container.
    "ban-cu.docx": (bad_inputs.old_word_doc, UnreadableDocumentError, "LibreOffice could not convert the .doc file"),
    "chi-tieu.xlsx": (
        lambda p: bad_inputs.spreadsheet(p, [["STT", "Chỉ tiêu"], ["1", "Tỷ lệ hồ sơ trực tuyến"]]),
        UnsupportedFormatError,
        "a spreadsheet (.xlsx), not a plan document",
    ),
    "bang-tinh.docx": (
        lambda p: bad_inputs.spreadsheet(p, [["STT", "Nhiệm vụ"], ["1", "Số hóa hồ sơ"]]),
        WrongFormatError,
        "spreadsheet (Excel .xlsx) file named .docx",
    ),
    "cong-van.txt": (lambda p: p.write_text(LETTER, encoding="utf-8"), NotAPlanError, "not a plan"),
}


def _make(folder: Path, name: str) -> Path:
    path = folder / name
    BAD_KINDS[name][0](path)
    path.with_suffix(".full").unlink(missing_ok=True)
    return path


@pytest.mark.parametrize("name", sorted(BAD_KINDS))
def test_each_bad_input_raises_its_typed_error_in_plain_words(tmp_path, name):
    path = _make(tmp_path, name)
    _, expected_type, words = BAD_KINDS[name]
    with pytest.raises(VnplanError) as caught:
        process_file(path)
    assert type(caught.value) is expected_type
    assert caught.value.path == path and words in caught.value.reason
    assert "Traceback" not in caught.value.reason and "\n" not in caught.value.reason


def test_a_batch_of_bad_inputs_is_quarantined_and_the_good_plans_published(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "dien-bien.txt").write_text(plan_text("Điện Biên", "63", TASKS), encoding="utf-8")
    bad = {name: _make(inbox, name) for name in BAD_KINDS}
    before = {path: path.read_bytes() for path in inbox.iterdir()}
    out = tmp_path / "out"

    result = run([inbox], out)

    assert result.published  # the good plan is published despite eight bad files
    assert [plan.document.source_path for plan in result.plans] == [str(inbox / "dien-bien.txt")]
    assert {path: path.read_bytes() for path in inbox.iterdir()} == before  # inputs never moved or changed
    manifest = json.loads((out / "current" / "manifest.json").read_text(encoding="utf-8"))
    failed = {Path(d["path"]).name: d["reason"] for d in manifest["documents"] if d["status"] == "failed"}
    assert set(failed) == set(bad)
    queue = pd.read_parquet(out / "current" / "review_queue.parquet")
    file_rows = queue[queue["field"] == "file"]
    for name, path in bad.items():
        words = BAD_KINDS[name][2]
        assert words in failed[name], (name, failed[name])
        (failure,) = [f for f in manifest["failures"] if f["path"] == str(path)]
        copy = Path(failure["quarantined"])
        assert copy.read_bytes() == before[path] and copy.parent.parent == out / "quarantine"
        note = json.loads((copy.parent / "reason.json").read_text(encoding="utf-8"))
        assert note["reason"] == failed[name] and note["source_path"] == str(path)
        (row,) = file_rows[file_rows["raw"] == name].to_dict("records")
        assert row["reason"] == failed[name] and row["subject"] == "document"


def test_the_review_sheet_lists_unread_files_and_refuses_a_decision_on_them(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "son-la.txt").write_text(plan_text("Sơn La", "19", TASKS[:2]), encoding="utf-8")
    _make(inbox, "ban-cu.docx")
    out = tmp_path / "out"
    run([inbox], out)
    (row,) = [r for r in review_rows(out) if r["field"] == "file"]
    assert row["document"] == "ban-cu.docx" and "LibreOffice could not convert" in row["reason"]
    sheet = tmp_path / "review.csv"
    export_review(out, sheet)
    with sheet.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    (unread,) = [row for row in rows if row["raw"] == "ban-cu.docx"]
    unread["decision"] = "accept"
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(unread))
        writer.writeheader()
        writer.writerow(unread)
    result = import_review(sheet, tmp_path / "overrides.json")
    assert result.stored == 0
    (error,) = result.errors
    assert "could not be read" in error


def test_a_plan_titled_as_a_plan_with_no_task_list_is_flagged_not_set_aside(tmp_path):
    """The "not a plan" rule comes from the document's type: a Kế hoạch with nothing found is still a plan."""
    path = tmp_path / "ke-hoach.txt"
    path.write_text(LETTER.replace("CÔNG VĂN", "KẾ HOẠCH").replace("912/UBND-KGVX", "14/KH-UBND"), encoding="utf-8")
    plan = process_file(path)
    assert plan.tasks == [] and [(item.field, item.raw) for item in plan.review] == [("completeness", "no_tasks")]
    assert not plan.document.complete and [f.kind for f in plan.document.completeness] == ["no_tasks"]


def test_a_text_file_with_no_title_and_no_tasks_is_not_a_plan(tmp_path):
    path = tmp_path / "ghi-chu.txt"
    path.write_text("Danh sách số điện thoại trực ban tháng 7.\nAnh Minh: 0912 000 111\n", encoding="utf-8")
    with pytest.raises(NotAPlanError, match="no plan title"):
        process_file(path)


def test_misnamed_and_legacy_text_files_are_read_for_what_they_are(tmp_path):
    pdf_named_txt = tmp_path / "xuat.txt"
    pdf_named_txt.write_bytes(bad_inputs.text_pdf(tmp_path / "a.pdf", ["KẾ HOẠCH"]).read_bytes())
    read = read_document(pdf_named_txt)
    assert read.source_format == "pdf" and [block.text for block in read.blocks] == ["KẾ HOẠCH"]
    cut = tmp_path / "cat.txt"
    cut.write_bytes("Kế hoạch y tế".encode()[:-1])  # the last character's bytes are cut in half
    with pytest.raises(TruncatedFileError, match="middle of a character"):
        read_document(cut)
    legacy = tmp_path / "cu.txt"
    legacy.write_bytes("Phân công thực hiện".encode("cp1258", errors="replace"))
    with pytest.raises(UnreadableDocumentError, match="not a UTF-8 text file"):
        read_document(legacy)
    notepad = tmp_path / "notepad.txt"
    notepad.write_bytes("KẾ HOẠCH\nSố hóa hồ sơ\n".encode("utf-16"))  # Windows Notepad's "Unicode"
    assert [block.text for block in read_document(notepad).blocks] == ["KẾ HOẠCH", "Số hóa hồ sơ"]


def test_office_lock_and_hidden_files_are_not_read_but_other_uploads_are(tmp_path):
    from pipeline.sources import discover

    inbox = tmp_path / "inbox"
    (inbox / "con").mkdir(parents=True)
    for name in ("a.txt", "~$a.docx", ".dang-tai.pdf", "con/b.xlsx", "anh.jpg"):
        (inbox / name).write_bytes(b"x")
    files, failures = discover([inbox])
    assert [p.relative_to(inbox).as_posix() for p in files] == ["a.txt", "anh.jpg", "con/b.xlsx"]
    assert failures == []
