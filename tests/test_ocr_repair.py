"""What vnplan repairs and decides after OCR, without tesseract: row numbers, stitching, appendix titles,
review by confidence.

Each case is a small new input of a misreading OCR really makes on scanned tables ("Il" for II, "H" for II,
"VINH" for VIII, "2" for 5, a header title read with a wrong mark, a page number read as "1Ð").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.appendix import extract_appendix
from extractors.completeness import check_completeness
from extractors.model import Block, BlockKind, Cell, Document, Provenance, Row
from extractors.ocr_confidence import with_task_confidence
from extractors.ocr_numbering import (
    NumberCell,
    NumberingRepair,
    is_group_row,
    numeral_value,
    repair_section_headings,
    to_numeral,
)
from extractors.sections import SectionTask
from extractors.tables import default_vocabulary, find_appendix_tables
from normalizers.agencies import AgencyNameChecks, default_resolver
from pipeline.build import READ_BY_OCR, RecordBuilder
from schemas.records import DocumentRecord, TargetRecord, TaskRecord

# -- group numerals and row numbers -------------------------------------------------------------------------


def _group(*readings: str) -> NumberCell:
    return NumberCell(Cell(text=readings[0]), readings, group=True)


def _number(*readings: str) -> NumberCell:
    return NumberCell(Cell(text=readings[0]), readings, group=False)


def test_roman_numerals_are_read_from_what_ocr_makes_of_them_in_sequence():
    groups = [
        _group("I"),
        _group("Il", "il"),  # II
        _group("Hl", "H"),  # III
        _group("IV", "1V"),
        _group("Vv", "Y"),  # V: no reading is valid, one letter from V
        _group("VỊ", "VI"),  # VI with a tone mark
        _group("VH", "VIl"),  # VII
        _group("VINH", "Vill"),  # VIII
        _group("1X", "IX"),
        _group("x", "X"),
    ]
    NumberingRepair().repair(groups)
    assert [item.cell.text for item in groups] == [to_numeral(n) for n in range(1, 11)]


def test_a_numeral_read_one_stroke_short_is_the_next_one_but_a_gap_and_a_new_table_are_kept():
    new_table = NumberCell(Cell("I"), ("I", "l"), group=True, first_in_table=True)
    cells = [_group("I"), _group("II"), _group("II", "il"), _group("V"), _group("I"), new_table]
    NumberingRepair().repair(cells)
    # "II" again after II is III misread; V after III is a gap the plan has (kept, completeness reports it); I
    # after V inside a table is VI misread, and under a table's header it starts a new table.
    assert [item.cell.text for item in cells] == ["I", "II", "III", "V", "VI", "I"]


def test_a_reading_too_far_from_any_numeral_is_left_for_the_completeness_check():
    cells = [_group("I"), _group("Phụ")]
    NumberingRepair().repair(cells)
    assert [item.cell.text for item in cells] == ["I", "Phụ"]


def test_row_numbers_follow_their_neighbours_and_restart_in_each_group():
    cells = [
        _group("I"),
        _number("1."),
        _number("2,", "2."),  # a comma for the dot
        _number("l.", "1."),  # "l" for 1: the second reading says 3? no: both say 1, the sequence says 3
        _number("4"),
        _number("2", "b"),  # 5 misread as 2 and as a letter: its neighbours say 5
        _number("6"),
        _group("Il"),
        _number("1L.", "1."),
        _number("a)"),  # a sub-item: left as printed
    ]
    NumberingRepair().repair(cells)
    texts = [item.cell.text for item in cells]
    assert texts == ["I", "1.", "2.", "1.", "4", "5", "6", "II", "1.", "a)"]


def test_the_numbering_carries_over_from_page_to_page():
    repair = NumberingRepair()
    first_page = [_group("III"), _number("1."), _number("2.")]
    second_page = [_number("3", "8"), _group("1V", "IV"), _number("1")]
    repair.repair(first_page)
    repair.repair(second_page)
    assert [item.cell.text for item in second_page] == ["3", "IV", "1"]


def test_the_section_headings_of_a_scan_get_their_numerals_back():
    headings = [
        _ocr_text(1, "IL MỤC ĐÍCH, YÊU CẦU"),  # I. with its dot read as "L"
        _ocr_text(2, "H. NHIỆM VỤ VÀ GIẢI PHÁP"),
        _ocr_text(2, "1. Sở Tài chính"),  # an arabic-numbered line: not a section heading
        _ocr_text(3, "Hl. KINH PHÍ THỰC HIỆN"),
        _ocr_text(3, "1. TỔ CHỨC THỰC HIỆN"),  # arabic and in capitals: left as printed
    ]
    repair_section_headings(headings)
    assert [block.text for block in headings] == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "II. NHIỆM VỤ VÀ GIẢI PHÁP",
        "1. Sở Tài chính",
        "III. KINH PHÍ THỰC HIỆN",
        "1. TỔ CHỨC THỰC HIỆN",
    ]


def test_a_group_row_is_a_short_first_cell_and_a_title_that_spans_the_row():
    spanning = Row([Cell("1X"), Cell("Hợp tác quốc tế"), Cell(merged="left"), Cell(merged="left")])
    unmerged = Row([Cell("Vl"), Cell("Thanh tra, kiểm tra"), Cell(), Cell()])
    data = Row([Cell("4"), Cell("Rà soát hồ sơ"), Cell(), Cell()])  # a number with its text only: a data row
    assert is_group_row(spanning) and is_group_row(unmerged)
    assert not is_group_row(data)
    assert numeral_value("XIV") == 14 and numeral_value("IIII") is None and numeral_value("") is None


# -- tables stitched over scanned pages ---------------------------------------------------------------------


def _ocr_table(page: int, rows: list[list[str]]) -> Block:
    cells = [Row([Cell(text) for text in row], provenance=Provenance(page=page, ocr=True)) for row in rows]
    return Block(BlockKind.TABLE, provenance=Provenance(page=page, ocr=True), rows=cells)


def _ocr_text(page: int, text: str) -> Block:
    return Block(BlockKind.PARAGRAPH, text=text, provenance=Provenance(page=page, ocr=True))


HEADER = ["TT", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu", "", "Cơ quan theo dõi"]
YEARS = ["", "", "", "Năm 2027", "Năm 2030", ""]


FIRST_PAGE_HEADER = ["TT", "Chỉ tiêu", "Đơn vị tinh", "Mục tiêu", "", "Cơ quan theo dõi"]
SECOND_PAGE_HEADER = ["TT", "CHỈ TIỂU", "ĐƠN VỊ TĨNH", "MỤC TIỂU", "", "CƠ QUAN THEO DĐÕI"]  # other misreadings


def _scanned(*blocks: Block) -> Document:
    pages = tuple(sorted({block.provenance.page or 0 for block in blocks}))
    return Document(source_path=Path("scan.pdf"), source_format="pdf", sha256="0", blocks=list(blocks), ocr_pages=pages)


def test_a_header_read_with_wrong_marks_still_names_its_columns_and_is_known_again_on_the_next_page():
    vocabulary = default_vocabulary()
    assert vocabulary.role_of("ĐƠN VỊ TINH") == "unit"  # TÍNH read without its accent
    assert vocabulary.role_of("CƠ QUAN THEO DÕl") == "tracking"  # "l" for "I"
    assert vocabulary.year_of("Nắm 2030") == 2030
    first = [["I", "Dữ liệu y tế", "", "", "", ""], ["1.", "Tỷ lệ trạm y tế kết nối", "%", "90", "100", "Sở Y tế"]]
    second = [["2.", "Tỷ lệ hồ sơ bệnh án điện tử", "%", "50", "100", "Sở Y tế, Bảo hiểm xã hội tỉnh"]]
    document = _scanned(
        _ocr_table(3, [FIRST_PAGE_HEADER, YEARS, *first]),
        _ocr_text(4, "1Ð"),  # the page number, misread: not text that ends the table
        _ocr_table(4, [SECOND_PAGE_HEADER, YEARS, *second]),
    )
    [table] = find_appendix_tables(document)
    assert table.kind == "targets" and set(table.roles.values()) == {"stt", "indicator", "unit", "tracking"}
    rows = extract_appendix(document, [table])["targets"]
    assert [(row.group, row.stt, row.cells["unit"], row.cells["tracking"]) for row in rows] == [
        ("I", "1", "%", "Sở Y tế"),
        ("I", "2", "%", "Sở Y tế, Bảo hiểm xã hội tỉnh"),
    ]


def test_a_short_text_between_pieces_ends_the_table_when_it_is_not_from_a_scan():
    text_page = Block(BlockKind.PARAGRAPH, text="Ghi", provenance=Provenance(page=4))
    document = _scanned(
        _ocr_table(3, [HEADER, YEARS, ["1.", "Tỷ lệ", "%", "1", "2", "Sở Y tế"]]),
        text_page,
        _ocr_table(4, [HEADER, YEARS, ["2.", "Tỷ lệ khác", "%", "1", "2", "Sở Y tế"]]),
    )
    assert len(find_appendix_tables(document)) == 2


def test_an_appendix_title_with_a_misread_numeral_is_still_that_appendix():
    tasks_header = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn"]
    document = _scanned(
        _ocr_text(1, "Các nhiệm vụ cụ thể tại Phụ lục II kèm theo Kế hoạch này."),
        _ocr_text(2, "Phụ lục H"),  # II, misread
        _ocr_text(2, "DANH MỤC NHIỆM VỤ"),
        _ocr_table(2, [tasks_header, ["1.", "Cập nhật dữ liệu hộ tịch", "Sở Tư pháp", "Công an tỉnh", "Năm 2027"]]),
    )
    appendix = extract_appendix(document)
    findings = check_completeness(document, appendix, [], [])
    assert [finding.kind for finding in findings] == []


# -- review only where OCR is unsure ------------------------------------------------------------------------


def _builder() -> RecordBuilder:
    document = DocumentRecord(doc_id="d", plan_key="k", source_path="scan.pdf", source_format="pdf", ocr=True)
    return RecordBuilder(document, ocr_pages=[1], review_confidence=80)


def _task(builder: RecordBuilder, record_id: str) -> TaskRecord:
    task = TaskRecord(
        task_id=record_id,
        doc_id="d",
        source="appendix",
        task="Số hóa sổ hộ tịch",
        lead=builder.agencies("Sở Tư pháp", record_id, "lead"),
        support=builder.agencies("Công an tỉnh", record_id, "support"),
        deadline_raw="Quý II/2027",
        deadline=builder.deadline("Quý II/2027", record_id),
        page=1,
    )
    return task


def test_a_value_read_with_confidence_is_not_queued_and_an_unsure_one_is():
    builder = _builder()
    sure = builder.read_by_ocr(_task(builder, "t1"), {"task": 91, "lead": 95, "support": 88, "deadline": 93})
    assert sure.ocr and sure.ocr_confidence == 88
    assert not sure.deadline.needs_review and builder.review == []

    unsure = builder.read_by_ocr(_task(builder, "t2"), {"task": 91, "lead": 95, "support": 42, "deadline": 61})
    queued = {(item.record_id, item.field): item.reason for item in builder.review}
    assert queued == {("t2", "support"): READ_BY_OCR, ("t2", "deadline"): READ_BY_OCR}
    assert unsure.deadline.needs_review and unsure.ocr_confidence == 42


def test_a_field_of_unknown_confidence_and_an_empty_main_agency_are_queued():
    builder = _builder()
    target = TargetRecord(target_id="g1", doc_id="d", indicator="Tỷ lệ", page=1)
    marked = builder.read_by_ocr(target, {"indicator": 90})
    assert marked.ocr
    assert [(item.field, item.raw) for item in builder.review] == [("tracking_agencies", "")]
    task = builder.read_by_ocr(_task(builder, "t3"), {"task": 90})  # nothing known of lead, support, deadline
    assert {item.field for item in builder.review if item.record_id == "t3"} == {"lead", "support", "deadline"}
    assert task.deadline.needs_review


def test_records_of_pages_with_a_text_layer_are_left_alone():
    builder = _builder()
    task = _task(builder, "t4").model_copy(update={"page": 2})
    assert builder.read_by_ocr(task, {}) == task and builder.review == []


def _read(text: str, *confidences: float) -> Block:
    """A paragraph read by OCR: its words with the confidence given to each (the last one for the rest)."""
    words = text.split()
    scores = [*confidences, *[confidences[-1]] * (len(words) - len(confidences))]
    return Block(
        BlockKind.PARAGRAPH,
        text=text,
        provenance=Provenance(page=1, ocr=True),
        words=tuple(zip(words, scores, strict=True)),
    )


@pytest.mark.parametrize("confidence, queued", [(95.0, False), (30.0, True)])
def test_a_prose_tasks_fields_take_the_confidence_of_their_own_words(confidence, queued):
    document = _scanned(
        _read("2. Sở Giáo dục và Đào tạo", 93.0),
        # an unsure word of the task's text says nothing of its deadline
        _read("- Triển khai học bạ số tại các trường học, kể cả điểm trường lẻ", 91, 91, 91, 91, 91, 20, 91),
        _read("+ Thời gian hoàn thành: Quý IV/2027", 96, 96, 96, 96, 96, confidence),
    )
    lead, text = "Sở Giáo dục và Đào tạo", "Triển khai học bạ số tại các trường học, kể cả điểm trường lẻ"
    task = SectionTask(0, "2", lead, "1", text, lead, fields={"deadline": "Quý IV/2027"}, page=1, block=1)
    [read] = with_task_confidence(document, [task])
    assert read.confidence == {"task": 20.0, "lead": 93.0, "deadline": min(96.0, confidence)}
    builder = _builder()
    record = builder.read_by_ocr(builder.section_task(read), read.confidence)
    assert record.deadline.needs_review is queued
    assert {item.field for item in builder.review} == ({"deadline"} if queued else set())


def test_names_misread_by_ocr_resolve_only_when_read_by_ocr_and_are_queued():
    resolver = default_resolver()
    for misread, name in [("Sử Giáo dục và Đào tạo", "Sở Giáo dục và Đào tạo"), ("Công an tinh", "Công an tỉnh")]:
        [scanned] = resolver.resolve_cell(misread, jurisdiction="tỉnh", ocr=True)
        assert (scanned.ref.name, scanned.ref.resolved) == (name, True)
        assert scanned.review_reason is not None and "OCR" in scanned.review_reason
        [typed] = resolver.resolve_cell(misread, jurisdiction="tỉnh")
        assert not typed.ref.resolved  # typed text with such a slip is a person's to read
    # two letters off in the first word, or another agency's head word: no match even from a scan
    [far] = resolver.resolve_cell("Sứa Y tế", jurisdiction="tỉnh", ocr=True)
    [other] = resolver.resolve_cell("Phòng Tư pháp", jurisdiction="tỉnh", ocr=True)
    assert not far.ref.resolved and other.ref.name != "Sở Tư pháp"


def test_a_model_tasks_lead_and_partners_take_the_confidence_of_the_names_in_its_sentences():
    sentence = "+ Sở Xây dựng chủ trì, phối hợp Công an tỉnh lắp đặt camera tại bến xe"
    document = _scanned(_read("- Mục tiêu: Số hóa vé xe khách", 92.0), _read(sentence, 95, 95, 95, 95, 31, 95))
    task = SectionTask(0, "1", "Giao thông", "1", "Mô hình bến xe số", "", page=1, block=0, assignment=[sentence])
    names = AgencyNameChecks(default_resolver(), "tỉnh")
    [read] = with_task_confidence(document, [task], names.written_names)
    assert read.confidence["lead"] == read.confidence["support"] == 95.0  # "chủ" (31) is not a name's word
    [whole] = with_task_confidence(document, [task])  # no names known: the whole sentence's words
    assert whole.confidence["lead"] == 31.0
