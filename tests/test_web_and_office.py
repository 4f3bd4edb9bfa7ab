"""Plans as web pages and as old Word (.doc), Rich Text and OpenDocument files (extractors/html_reader.py,
extractors/office_reader.py): one small plan, not a sample, in every form gives the records of its DOCX."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from bench.table_styles import office
from extractors.readers import read_document
from pipeline.documents import process_file
from pipeline.run import run
from pipeline.sources import discover
from tests.plan_forms import Style, comparable_records, sample_plan, write_docx, write_html, write_pdf, write_tab_text


@pytest.fixture(scope="module")
def docx_plan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("web")
    path = write_docx(sample_plan(repeat_tasks=3), folder / "plan.docx")
    return path, comparable_records(process_file(path))


@pytest.mark.parametrize(
    ("encoding", "site", "repeat"),
    [("utf-8", True, 0), ("windows-1258", True, 4), ("utf-16", False, 0), ("utf-8", False, 6)],
)
def test_a_web_page_of_the_plan_gives_the_records_of_its_docx(docx_plan, tmp_path, encoding, site, repeat):
    _, from_docx = docx_plan
    page = write_html(sample_plan(repeat_tasks=3), tmp_path / "ke-hoach.html", encoding, site, repeat)
    assert comparable_records(process_file(page)) == from_docx


def test_the_site_around_the_plan_is_left_out(tmp_path):
    page = write_html(sample_plan(), tmp_path / "trang.htm")
    texts = [block.text for block in read_document(page).blocks if not block.is_table]
    assert texts[0] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ"
    assert not any(word in " ".join(texts) for word in ("Trang chủ", "Bản quyền", "tracker", "Văn bản mới"))


def _convert(source: Path, target: str, folder: Path) -> Path:
    """``source`` saved by LibreOffice in another format in ``folder`` (its own profile, as vnplan's reader's)."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [office(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
             "--outdir", str(folder), str(source)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    extension = target.split(":")[0]
    return folder / f"{source.stem}.{extension}"


@pytest.mark.parametrize("target", ["doc:MS Word 97", "rtf", "odt", "html:HTML (StarWriter)"])
def test_word_97_rtf_odt_and_libreoffice_html_give_the_records_of_the_docx(docx_plan, tmp_path, target):
    source, from_docx = docx_plan
    converted = _convert(source, target, tmp_path)
    plan = process_file(converted)
    assert comparable_records(plan) == from_docx
    extension = converted.suffix.lstrip(".")
    expected = extension if extension in ("doc", "rtf", "odt") else None
    assert plan.document.converted_from == expected


def test_a_misnamed_file_is_read_for_what_it_is(docx_plan, tmp_path):
    source, from_docx = docx_plan
    docx_named_doc = tmp_path / "plan.doc"
    docx_named_doc.write_bytes(source.read_bytes())
    page_named_doc = tmp_path / "trang.doc"  # "Word" pages are often saved as web pages named .doc
    page_named_doc.write_bytes(write_html(sample_plan(repeat_tasks=3), tmp_path / "x.html").read_bytes())
    for path in (docx_named_doc, page_named_doc):
        assert comparable_records(process_file(path)) == from_docx


def test_one_plan_in_every_form_is_one_plan_from_its_docx(docx_plan, tmp_path):
    source, _ = docx_plan
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    plan = sample_plan(repeat_tasks=3)
    (inbox / "ke-hoach.docx").write_bytes(source.read_bytes())
    _convert(inbox / "ke-hoach.docx", "doc:MS Word 97", inbox)
    write_html(plan, inbox / "ke-hoach.html")
    (inbox / "ke-hoach_files").mkdir()  # saved "with its files": the page's images and styles
    (inbox / "ke-hoach_files" / "image001.png").write_bytes(b"\x89PNG\r\n")
    (inbox / "ke-hoach_files" / "filelist.xml").write_text("<xml/>", encoding="utf-8")
    write_tab_text(plan, inbox / "ke-hoach.txt")
    write_pdf(plan, inbox / "ke-hoach.pdf", Style(borders="all"))
    files, failures = discover([inbox])
    assert (
        sorted(path.name for path in files)
        == sorted(["ke-hoach.docx", "ke-hoach.doc", "ke-hoach.html", "ke-hoach.txt", "ke-hoach.pdf"])
        and failures == []
    )
    result = run([inbox], tmp_path / "out", overrides=None)
    (merged,) = result.plans
    assert Path(merged.document.source_path).name == "ke-hoach.docx"
    assert [Path(p).name for p in merged.document.alternate_sources] == [
        "ke-hoach.doc", "ke-hoach.html", "ke-hoach.pdf", "ke-hoach.txt"
    ]  # fmt: skip
