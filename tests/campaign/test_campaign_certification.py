"""Certification (Art. 10–11): certificate ids, certification date, validity, certified.csv columns."""

from __future__ import annotations

from datetime import date

import pytest
from campaign_builders import QIQIHAR, cluster, decisions, frame, table

from clustercert.campaign.certification import (
    CERTIFIED_COLUMNS,
    anniversary,
    certificate_id,
    certify,
    valid_until,
)
from clustercert.campaign.decisions import BatchDecisions
from clustercert.campaign.province import shortlist
from clustercert.lifecycle import Status
from clustercert.workdays import WorkCalendar

CAL = WorkCalendar()


def _campaign(recommended, d=None, as_of=date(2023, 7, 24), **kw):
    listed = shortlist(
        recommended, d or BatchDecisions.empty(), quota=None, notice_working_days=5, as_of=as_of, calendar=CAL
    )
    return certify(listed, campaign_year=2023, validity_years=3, calendar=CAL, **kw)


RECOMMENDED = frame(
    cluster("2023-230183-cccccccc", score=70),
    cluster("2023-230202-aaaaaaaa", score=90, prefecture=QIQIHAR),
    cluster("2023-230183-bbbbbbbb", score=80),
)


def test_certified_csv_has_exactly_the_spec_columns_and_ids_in_rank_order():
    result = _campaign(RECOMMENDED)
    certified = result.certified
    assert list(certified.columns) == [
        "certificate_id",
        "submission_id",
        "cluster_name",
        "county_code",
        "prefecture_code",
        "certified_on",
        "valid_until",
    ]
    assert list(CERTIFIED_COLUMNS) == list(certified.columns)
    assert list(certified["certificate_id"]) == ["HLJTS-2023-001", "HLJTS-2023-002", "HLJTS-2023-003"]
    assert list(certified["submission_id"]) == [
        "2023-230202-aaaaaaaa",
        "2023-230183-bbbbbbbb",
        "2023-230183-cccccccc",
    ]
    assert certified.loc[0, "county_code"] == "230202" and certified.loc[0, "prefecture_code"] == "230200"


def test_certified_on_is_the_first_working_day_after_the_notice_and_validity_is_three_years():
    result = _campaign(RECOMMENDED)
    # notice 24–28 July 2023 (Mon–Fri) → certified Monday 31 July 2023
    assert result.certified_on == date(2023, 7, 31)
    assert set(result.certified["certified_on"]) == {date(2023, 7, 31)}
    assert set(result.certified["valid_until"]) == {date(2026, 7, 30)}
    t = result.transitions[0]
    assert t.to_status == Status.CERTIFIED and t.effective_on == date(2023, 7, 31) and t.article == "第十条"
    assert "HLJTS-2023-001" in t.reason and "2026-07-30" in t.reason and "第十一条" in t.reason


def test_ids_are_stable_across_re_runs_and_input_order():
    first = _campaign(RECOMMENDED).certified
    again = _campaign(RECOMMENDED.iloc[[2, 0, 1]].reset_index(drop=True)).certified
    assert first.equals(again)


def test_an_upheld_objection_is_not_numbered():
    d = decisions(
        list(RECOMMENDED["submission_id"]),
        objections=table({"submission_id": "2023-230202-aaaaaaaa", "upheld": "是", "note": "举报属实"}),
    )
    certified = _campaign(RECOMMENDED, d).certified
    assert list(certified["certificate_id"]) == ["HLJTS-2023-001", "HLJTS-2023-002"]
    assert "2023-230202-aaaaaaaa" not in set(certified["submission_id"])


def test_a_certification_date_after_national_day_lands_on_a_make_up_saturday():
    result = _campaign(frame(cluster("a")), as_of=date(2025, 9, 28))
    assert result.certified_on == date(2025, 10, 11)
    assert result.certified.loc[0, "valid_until"] == date(2028, 10, 10)


def test_an_explicit_certification_date_wins():
    result = _campaign(frame(cluster("a")), certified_on=date(2023, 8, 1))
    assert result.certified.loc[0, "valid_until"] == date(2026, 7, 31)


def test_nobody_to_certify_gives_an_empty_table_with_the_columns():
    result = _campaign(frame(cluster("a")).iloc[0:0])
    assert result.certified.empty and list(result.certified.columns) == list(CERTIFIED_COLUMNS)
    assert result.certified_on is None and result.transitions == ()


@pytest.mark.parametrize(
    ("certified_on", "expected"),
    [
        (date(2023, 7, 31), date(2026, 7, 30)),
        (date(2024, 2, 29), date(2027, 2, 28)),  # leap day: no 29 Feb 2027, validity ends at month end
        (date(2025, 3, 1), date(2028, 2, 29)),  # the day before ends on a leap day
        (date(2023, 3, 1), date(2026, 2, 28)),
        (date(2024, 1, 1), date(2026, 12, 31)),
        (date(2025, 2, 28), date(2028, 2, 27)),
    ],
)
def test_valid_until_is_three_years_minus_one_day(certified_on: date, expected: date):
    assert valid_until(certified_on, 3) == expected


def test_anniversary_of_a_leap_day():
    assert anniversary(date(2024, 2, 29), 3) == date(2027, 3, 1)
    assert anniversary(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_certificate_id_format():
    assert certificate_id(2026, 1) == "HLJTS-2026-001"
    assert certificate_id(2026, 1234) == "HLJTS-2026-1234"
