"""The deadline parser on timeline expressions written here (most of them not from any sample plan).

Each case gives the text, the kind, ``due``, and the exact review reasons (none means needs_review is
false).  The plan's years are 2026-2035 and a text with no year at all is read in 2026 unless a case
says otherwise.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers import deadlines as d
from normalizers.deadlines import due_phrases, find_expressions, parse_deadline
from schemas.records import Deadline

PLAN_YEARS = (2026, 2035)
REFERENCE_YEAR = 2026


class Case(NamedTuple):
    text: str | None
    kind: str
    due: str | None
    reasons: tuple[str, ...] = ()


CASES = [
    # --- a day: numeric, in words, with a cue, both separators
    Case("30/9/2027", "date", "2027-09-30"),
    Case("15/01/2028", "date", "2028-01-15"),
    Case("trước ngày 30/6/2026", "date", "2026-06-30"),
    Case("Chậm nhất ngày 20/11/2029", "date", "2029-11-20"),
    Case("ngày 5 tháng 8 năm 2027", "date", "2027-08-05"),
    Case("Hoàn thành trước ngày 31-12-2028", "date", "2028-12-31"),
    Case("01.7.2027", "date", "2027-07-01"),
    Case("29/2/2028", "date", "2028-02-29"),
    # --- a month: "tháng 03/2027" and "tháng 3 năm 2027" styles
    Case("Tháng 11/2026", "month", "2026-11-30"),
    Case("tháng 03/2027", "month", "2027-03-31"),
    Case("tháng 3 năm 2027", "month", "2027-03-31"),
    Case("Trong tháng 02/2027", "month", "2027-02-28"),
    Case("tháng 2/2028", "month", "2028-02-29"),
    Case("Hoàn thành trong tháng 9 năm 2030", "month", "2030-09-30"),
    Case("06/2027", "month", "2027-06-30"),
    # --- a quarter: roman and arabic numbers
    Case("Quý I/2027", "quarter", "2027-03-31"),
    Case("quý 1 năm 2027", "quarter", "2027-03-31"),
    Case("Quý II/2026", "quarter", "2026-06-30"),
    Case("quý 2/2028", "quarter", "2028-06-30"),
    Case("Trong Quý III năm 2029", "quarter", "2029-09-30"),
    Case("quý IV/2030", "quarter", "2030-12-31"),
    Case("Quý 4 - 2026", "quarter", "2026-12-31"),
    # --- a year
    Case("Năm 2026", "year", "2026-12-31"),
    Case("Hoàn thành trong năm 2028", "year", "2028-12-31"),
    Case("cuối năm 2026", "year", "2026-12-31"),
    Case("Hết năm 2027", "year", "2027-12-31"),
    Case("đến năm 2035", "year", "2035-12-31"),
    Case("2029", "year", "2029-12-31"),
    # --- a span: half years and periods
    Case("6 tháng đầu năm 2027", "period", "2027-06-30"),
    Case("6 tháng cuối năm 2028", "period", "2028-12-31"),
    Case("giai đoạn 2026-2030", "period", "2030-12-31"),
    Case("Giai đoạn 2027 - 2031", "period", "2031-12-31"),
    Case("2026 - 2030", "period", "2030-12-31"),
    Case("Từ năm 2030 đến năm 2035", "period", "2035-12-31"),
    Case("Hoàn thiện trong giai đoạn 2028-2032", "period", "2032-12-31"),
    # --- recurring, with both spellings of "hằng"/"hàng"
    Case("Thường xuyên", "recurring", None),
    Case("Thực hiện thường xuyên", "recurring", None),
    Case("Duy trì liên tục", "recurring", None),
    Case("Hằng năm", "recurring", None),
    Case("Hàng năm", "recurring", None),
    Case("hằng quý", "recurring", None),
    Case("Hàng quý", "recurring", None),
    Case("Hằng tháng", "recurring", None),
    Case("hàng tuần", "recurring", None),
    Case("Định kỳ 6 tháng", "recurring", None),
    Case("trước ngày 5 hàng tháng", "recurring", None),
    Case("Trước ngày 25 hằng tháng", "recurring", None),
    Case("Triển khai từ tháng 09/2027 và thực hiện thường xuyên", "recurring", None),
    Case("Bắt đầu từ năm 2027 và duy trì", "recurring", None),
    Case("Thực hiện thường xuyên (mỗi xã ít nhất 2 buổi/năm)", "recurring", None),
    Case("Thường xuyên; tổng hợp báo cáo trước ngày 15 hàng tháng.", "recurring", None),
    Case("Thực hiện thường xuyên và đột xuất khi có yêu cầu của cơ quan chủ trì", "recurring", None),
    # --- conditional: always reviewed; a bracketed date is the due
    Case("Sau khi Bộ Khoa học và Công nghệ ban hành hướng dẫn", "conditional", None, (d.CONDITIONAL, d.NO_DATE)),
    Case("Ngay sau khi Thủ tướng phê duyệt Đề án", "conditional", None, (d.CONDITIONAL, d.NO_DATE)),
    Case("Theo hướng dẫn của Bộ Tư pháp", "conditional", None, (d.CONDITIONAL, d.NO_DATE)),
    Case("Thực hiện theo hướng dẫn của Bộ Xây dựng", "conditional", None, (d.CONDITIONAL, d.NO_DATE)),
    Case("Theo lộ trình của Bộ Tài chính", "conditional", None, (d.CONDITIONAL, d.NO_DATE)),
    Case("Theo tiến độ của Bộ Công an (Quý III/2027)", "conditional", "2027-09-30", (d.CONDITIONAL,)),
    Case("Theo kế hoạch của Trung ương (tháng 10/2026)", "conditional", "2026-10-31", (d.CONDITIONAL,)),
    Case("Khi có văn bản chỉ đạo của Chính phủ", "conditional", None, (d.CONDITIONAL, d.NO_DATE)),
    # --- milestones: two or more dated parts, due the latest
    Case("Thí điểm trong năm 2027; nhân rộng trong năm 2029", "milestones", "2029-12-31"),
    Case("Đánh giá theo các mốc năm 2028, 2031", "milestones", "2031-12-31"),
    Case("Hoàn thành 50% trong Quý II/2027, hoàn thành 100% trong Quý IV/2027", "milestones", "2027-12-31"),
    Case("Xây dựng quy chế tháng 5/2027. Vận hành chính thức trong giai đoạn 2028 - 2030.", "milestones", "2030-12-31"),
    Case("Cấp tỉnh: 30/6/2027; cấp xã: 31/12/2028", "milestones", "2028-12-31"),
    Case("Hoàn thành trong năm 2027; duy trì đến năm 2033", "milestones", "2033-12-31"),
    Case("Hoàn thành trong năm 2026; đến hết năm 2028, 90% hồ sơ được số hóa", "milestones", "2028-12-31"),
    # --- dated text with something a person must look at
    Case("Khảo sát trong năm 2027; triển khai theo hướng dẫn chung", "year", "2027-12-31", (d.CONDITIONAL_PART,)),
    Case("Hoàn thành thí điểm trong năm 2027; mở rộng sau đó", "year", "2027-12-31", (d.UNDATED_PART,)),
    Case("Lập đề án trong năm 2026; vận hành từ năm 2028", "year", "2026-12-31", (d.OPEN_ENDED_PART,)),
    Case("Hoàn thành trong năm 2027; duy trì thường xuyên", "year", "2027-12-31", (d.RECURRING_WITH_DATE,)),
    Case("Tập huấn trong Quý I/2027; kiểm tra định kỳ hằng năm", "quarter", "2027-03-31", (d.RECURRING_WITH_DATE,)),
    Case(
        "Thực hiện thường xuyên (hoàn thành việc kết nối trong năm 2027)",
        "year",
        "2027-12-31",
        (d.RECURRING_WITH_DATE,),
    ),
    Case(
        "Hoàn thành cấp huyện (đã xong); cấp xã trong năm 2027; toàn tỉnh trong năm 2028",
        "milestones",
        "2028-12-31",
        (d.UNDATED_PART,),
    ),
    Case("Thí điểm trong Quý II/2027, nhân rộng trong Quý III", "milestones", "2027-09-30", (d.GUESSED_YEAR,)),
    Case("Tháng 12", "month", "2026-12-31", (d.GUESSED_YEAR,)),
    Case("Quý IV", "quarter", "2026-12-31", (d.GUESSED_YEAR,)),
    Case("6 tháng đầu năm", "period", "2026-06-30", (d.GUESSED_YEAR,)),
    Case("trước ngày 30/9", "date", "2026-09-30", (d.GUESSED_YEAR,)),
    Case("31/2/2027", "date", None, (d.IMPOSSIBLE_DATE, d.NO_DATE)),
    Case("ngày 31 tháng 4 năm 2028", "date", None, (d.IMPOSSIBLE_DATE, d.NO_DATE)),
    Case("Tháng 13/2027", "month", None, (d.IMPOSSIBLE_DATE, d.NO_DATE)),
    Case("ngày   tháng   năm 2026", "date", None, (d.BLANK_DATE, d.NO_DATE)),
    Case("ngày .../.../2027", "date", None, (d.BLANK_DATE, d.NO_DATE)),
    Case("Năm 2041", "year", "2041-12-31", (d.OUTSIDE_PERIOD,)),
    Case("Quý II/2019", "quarter", "2019-06-30", (d.OUTSIDE_PERIOD,)),
    # --- nothing determinable
    Case(None, "unknown", None, (d.NO_DATE,)),
    Case("", "unknown", None, (d.NO_DATE,)),
    Case("Chưa xác định", "unknown", None, (d.NO_DATE,)),
    Case("Thực hiện theo quy định", "unknown", None, (d.NO_DATE,)),
    Case("Kịp thời", "unknown", None, (d.NO_DATE,)),
]


def test_the_table_is_large_and_covers_every_kind_and_reason() -> None:
    assert len(CASES) >= 80
    assert {case.kind for case in CASES} == set(Deadline.model_fields["kind"].annotation.__args__)  # type: ignore[union-attr]
    reasons = {
        d.NO_DATE, d.CONDITIONAL, d.UNDATED_PART, d.CONDITIONAL_PART, d.OPEN_ENDED_PART, d.GUESSED_YEAR,
        d.RECURRING_WITH_DATE, d.OUTSIDE_PERIOD, d.IMPOSSIBLE_DATE, d.BLANK_DATE,
    }  # fmt: skip
    assert reasons == {reason for case in CASES for reason in case.reasons}


@pytest.mark.parametrize("case", CASES, ids=[repr(case.text) for case in CASES])
def test_timeline_expression(case: Case) -> None:
    deadline = parse_deadline(case.text, plan_years=PLAN_YEARS, reference_year=REFERENCE_YEAR)
    assert (deadline.kind, deadline.due) == (case.kind, case.due)
    assert sorted(deadline.reasons) == sorted(case.reasons)
    assert deadline.needs_review is bool(case.reasons)


def test_recurrence_cadence_and_day() -> None:
    def cadence(text: str) -> tuple[str | None, int | None] | None:
        recurrence = parse_deadline(text).recurrence
        return None if recurrence is None else (recurrence.cadence, recurrence.day)

    assert cadence("trước ngày 20 hằng tháng") == ("monthly", 20)
    assert cadence("Trước ngày 5 của hàng tháng") == ("monthly", 5)
    assert cadence("Hàng quý") == ("quarterly", None)
    assert cadence("Báo cáo hằng năm") == ("yearly", None)
    assert cadence("Định kỳ 6 tháng") == ("half-yearly", None)
    assert cadence("hằng tuần") == ("weekly", None)
    assert cadence("Thực hiện thường xuyên") == (None, None)
    assert cadence("Quý I/2027") is None


def test_condition_is_the_event_waited_on() -> None:
    assert parse_deadline("Sau khi có hướng dẫn của Bộ Nội vụ").condition == "có hướng dẫn của Bộ Nội vụ"
    assert parse_deadline("Ngay sau khi Bộ Y tế ban hành quy chuẩn").condition == "Bộ Y tế ban hành quy chuẩn"
    assert parse_deadline("Theo tiến độ của Bộ Công an (Quý III/2027)").condition == "tiến độ của Bộ Công an"
    assert parse_deadline("Tháng 10/2027").condition is None


def test_milestones_keep_every_dated_part_in_order_with_its_clause() -> None:
    deadline = parse_deadline("Rà soát trong Quý I/2027; ban hành quy chế trong tháng 6/2027; vận hành năm 2028")
    assert [(m.due, m.text) for m in deadline.milestones] == [
        ("2027-03-31", "Rà soát trong Quý I/2027"),
        ("2027-06-30", "ban hành quy chế trong tháng 6/2027"),
        ("2028-12-31", "vận hành năm 2028"),
    ]
    two_in_one = parse_deadline("Thí điểm trong Quý II/2027, nhân rộng trong Quý IV/2027")
    assert [m.text for m in two_in_one.milestones] == ["Thí điểm trong Quý II/2027", "nhân rộng trong Quý IV/2027"]


def test_start_of_work_is_not_a_due_date() -> None:
    deadline = parse_deadline("Triển khai từ tháng 09/2027 và thực hiện thường xuyên")
    assert (deadline.kind, deadline.start, deadline.due) == ("recurring", "2027-09-01", None)
    period = parse_deadline("giai đoạn 2027-2030")
    assert (period.start, period.due) == ("2027-01-01", "2030-12-31")


def test_tone_mark_placement_and_case_do_not_matter() -> None:
    assert parse_deadline("HÀNG NĂM").kind == "recurring"
    assert parse_deadline("QUÝ II/2027").due == "2027-06-30"
    assert parse_deadline("Hoàn thành số hoá trong năm 2027").due == "2027-12-31"


def test_plan_period_check_is_optional() -> None:
    assert parse_deadline("Năm 2041").needs_review is False
    older_plan = parse_deadline("30/9/2023", plan_years=(2022, 2025))
    assert older_plan.needs_review is False


def test_year_guess_prefers_the_text_then_the_reference_year() -> None:
    assert parse_deadline("Quý III", reference_year=2029).due == "2029-09-30"
    no_reference = parse_deadline("Quý III")
    assert (no_reference.kind, no_reference.due, no_reference.needs_review) == ("quarter", None, True)


def test_expressions_are_found_with_their_spans() -> None:
    text = "Hoàn thành trong Quý II/2027 và báo cáo trước ngày 15/7/2027"
    found = [(text[e.start : e.end], e.kind, e.due) for e in find_expressions(text)]
    assert found == [
        ("Quý II/2027", "quarter", dt.date(2027, 6, 30)),
        ("15/7/2027", "date", dt.date(2027, 7, 15)),
    ]


def test_due_phrases_in_body_sentences() -> None:
    def phrases(text: str) -> list[str]:
        return [text[a:b] for a, b in due_phrases(text)]

    assert phrases("Sở Nội vụ gửi dự thảo về Văn phòng UBND tỉnh trước ngày 20/8/2027 để tổng hợp.") == [
        "trước ngày 20/8/2027"
    ]
    assert phrases("Định kỳ trước ngày 25 hàng tháng, các xã báo cáo kết quả.") == ["trước ngày 25 hàng tháng"]
    assert phrases("Các đơn vị báo cáo chậm nhất ngày 05/12/2027.") == ["chậm nhất ngày 05/12/2027"]
    assert phrases("Hoàn thành trước Quý IV/2027.") == ["trước Quý IV/2027"]
    assert phrases("chịu trách nhiệm trước Ủy ban nhân dân tỉnh về kết quả") == []
    assert phrases("Định kỳ hằng năm tổ chức sơ kết") == []
    assert phrases("Thực hiện Quyết định số 12/QĐ-UBND ngày 11/5/2026 của UBND tỉnh") == []


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="0123456789/.-–; ()ngàythángnămquýIVhằàđếnsaukhi ", max_size=60)))
def test_parser_never_raises_and_always_returns_a_valid_deadline(text: str) -> None:
    deadline = parse_deadline(text, plan_years=PLAN_YEARS, reference_year=REFERENCE_YEAR)
    Deadline.model_validate(deadline.model_dump())
    assert deadline.needs_review is bool(deadline.reasons)
    if deadline.due is not None:
        dt.date.fromisoformat(deadline.due)
    if deadline.kind != "recurring" and deadline.due is None:
        assert deadline.needs_review
