"""Provincial shortlist (Art. 10): province rank, 省 spot checks, quota, 公示, objections, privacy."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from campaign_builders import HARBIN, QIQIHAR, cluster, decisions, frame, table

from clustercert import contract
from clustercert.campaign.decisions import BatchDecisions
from clustercert.campaign.prefecture import recommend
from clustercert.campaign.province import PUBLIC_NOTICE_COLUMNS, shortlist
from clustercert.campaign.transition import PENDING
from clustercert.lifecycle import Status
from clustercert.workdays import CalendarNotCovered, WorkCalendar

NONE = BatchDecisions.empty()
CAL = WorkCalendar()
AS_OF = date(2023, 7, 24)  # the province's 2023 notice: 24–28 July


def run(
    recommended: pd.DataFrame, d: BatchDecisions = NONE, *, quota: int | None = None, as_of: date = AS_OF
):
    return shortlist(recommended, d, quota=quota, notice_working_days=5, as_of=as_of, calendar=CAL)


def _outcomes(result) -> dict[str, str]:
    return dict(zip(result.rows["submission_id"], result.rows["outcome"], strict=True))


def test_ties_are_broken_by_score_then_latest_output_then_submission_id():
    recommended = frame(
        cluster("c", score=80, output=300_000),
        cluster("b", score=80, output=300_000),
        cluster("a", score=80, output=200_000),
        cluster("d", score=85, output=100_000, prefecture=QIQIHAR),
    )
    result = run(recommended)
    assert list(result.rows["submission_id"]) == ["d", "b", "c", "a"]
    assert list(result.rows["province_rank"]) == [1, 2, 3, 4]
    # the input order does not matter: the same ranks from any permutation
    again = run(recommended.iloc[::-1].reset_index(drop=True))
    assert list(again.rows["submission_id"]) == ["d", "b", "c", "a"]


def test_without_decisions_everyone_is_shortlisted_and_certified_in_rank_order():
    result = run(frame(cluster("a", score=70), cluster("b", score=90)))
    assert _outcomes(result) == {"b": Status.CERTIFIED, "a": Status.CERTIFIED}
    assert (result.notice_first_day, result.notice_last_day) == (date(2023, 7, 24), date(2023, 7, 28))
    assert result.decided_on == date(2023, 7, 31)
    assert list(result.to_certify["submission_id"]) == ["b", "a"]
    assert [(t.submission_id, t.to_status) for t in result.transitions] == [
        ("b", Status.SHORTLISTED),
        ("a", Status.SHORTLISTED),
    ]
    first = result.transitions[0]
    assert first.effective_on == date(2023, 7, 24) and first.article == "第十条"
    assert "公示期2023年7月24日至2023年7月28日（5个工作日）" in first.reason


def test_the_quota_cuts_in_rank_order_including_at_a_tie():
    recommended = frame(
        cluster("a", score=90), cluster("c", score=80), cluster("b", score=80), cluster("d", score=70)
    )
    result = run(recommended, quota=2)
    assert _outcomes(result) == {
        "a": Status.CERTIFIED,
        "b": Status.CERTIFIED,  # b and c tie on score and output: b wins on submission id
        "c": Status.NOT_SHORTLISTED,
        "d": Status.NOT_SHORTLISTED,
    }
    reason = result.rows.set_index("submission_id").loc["c", "reason"]
    assert reason == "超出本批次认定名额（2个）：按择优排序未列入公示名单"
    assert list(result.public_notice["cluster_name"]) == ["集群a", "集群b"]
    assert not result.rows.set_index("submission_id").loc["c", "shortlisted"]


def test_a_zero_quota_shortlists_nobody_and_publishes_no_notice():
    result = run(frame(cluster("a")), quota=0)
    assert _outcomes(result) == {"a": Status.NOT_SHORTLISTED}
    assert result.notice_first_day is None and result.public_notice.empty


def test_a_failed_provincial_spot_check_removes_before_the_quota_is_applied():
    d = decisions(
        ["a", "b", "c"],
        spot_checks=table(
            {"submission_id": "a", "level": "省", "result": "不通过", "note": "主导产业占比不实"},
            {"submission_id": "b", "level": "市地", "result": "不通过", "note": "市地级，已在第九条处理"},
        ),
    )
    result = run(frame(cluster("a", score=95), cluster("b", score=90), cluster("c", score=85)), d, quota=2)
    rows = result.rows.set_index("submission_id")
    assert rows.loc["a", "outcome"] == Status.NOT_SHORTLISTED
    assert rows.loc["a", "reason"] == "省级实地抽查不通过：主导产业占比不实"
    assert rows.loc["a", "province_rank"] == 1  # the ranking is the 择优 order; removal keeps it
    assert list(result.to_certify["submission_id"]) == ["b", "c"]
    assert list(result.public_notice["seq"]) == [1, 2]


def test_an_upheld_objection_stops_certification_and_a_rejected_one_does_not():
    d = decisions(
        ["a", "b", "c"],
        objections=table(
            {"submission_id": "a", "upheld": "是", "note": "申报产值与统计数据不符"},
            {"submission_id": "b", "upheld": "否", "note": "经核查举报不实"},
        ),
    )
    result = run(frame(cluster("a", score=90), cluster("b", score=80), cluster("c", score=70)), d)
    rows = result.rows.set_index("submission_id")
    assert rows.loc["a", "outcome"] == Status.OBJECTION_UPHELD
    assert rows.loc["a", "reason"] == "公示异议成立：申报产值与统计数据不符"
    assert rows.loc["b", "outcome"] == Status.CERTIFIED and "不成立" in rows.loc["b", "reason"]
    assert list(result.to_certify["submission_id"]) == ["b", "c"]
    upheld = [t for t in result.transitions if t.to_status == Status.OBJECTION_UPHELD]
    assert [(t.submission_id, t.effective_on) for t in upheld] == [("a", date(2023, 7, 31))]
    # the upheld one was on the notice all the same
    assert list(result.public_notice["cluster_name"]) == ["集群a", "集群b", "集群c"]


def test_contradictory_objections_leave_the_cluster_pending():
    d = decisions(
        ["a"],
        objections=table(
            {"submission_id": "a", "upheld": "是", "note": ""},
            {"submission_id": "a", "upheld": "否", "note": ""},
        ),
    )
    result = run(frame(cluster("a"), cluster("b", score=10)), d)
    assert _outcomes(result) == {"a": PENDING, "b": Status.CERTIFIED}
    assert [t.to_status for t in result.transitions if t.submission_id == "a"] == [Status.SHORTLISTED]


def test_an_unusable_spot_check_file_forms_no_list():
    d = decisions(["a"], spot_checks=table({"submission_id": "a", "result": "通过"}))
    result = run(frame(cluster("a")), d)
    assert _outcomes(result) == {"a": PENDING} and result.transitions == () and result.public_notice.empty


def test_an_objection_about_a_cluster_not_on_the_notice_is_flagged():
    d = decisions(["a", "x"], objections=table({"submission_id": "x", "upheld": "是", "note": ""}))
    result = run(frame(cluster("a")), d)
    (issue,) = result.issues
    assert issue.submission_id == "x" and issue.check == "decisions.objections.not_on_notice"


def test_the_prefecture_stage_columns_are_replaced():
    recommended = recommend(HARBIN, frame(cluster("a")), NONE).recommended
    result = run(recommended)
    assert "prefecture_rank" not in result.rows.columns
    assert result.rows.loc[0, "article"] == "第十条" and result.rows.loc[0, "outcome"] == Status.CERTIFIED


def test_nothing_recommended_needs_no_calendar():
    result = run(frame(cluster("a")).iloc[0:0], as_of=date(2031, 7, 1))
    assert result.rows.empty and result.notice_first_day is None and result.transitions == ()


def test_a_bare_empty_frame_is_an_empty_shortlist():
    result = run(pd.DataFrame(), as_of=date(2031, 7, 1))
    assert result.rows.empty and result.public_notice.empty and result.to_certify.empty


def test_a_notice_in_an_uncovered_year_stops_the_run():
    with pytest.raises(CalendarNotCovered, match="2031年法定节假日安排尚未收录"):
        run(frame(cluster("a")), as_of=date(2031, 7, 1))


def test_a_notice_spanning_national_day_2025():
    result = run(frame(cluster("a")), as_of=date(2025, 9, 28))
    assert (result.notice_first_day, result.notice_last_day) == (date(2025, 9, 28), date(2025, 10, 10))
    assert result.decided_on == date(2025, 10, 11)  # a make-up Saturday


# -- privacy: the 公示名单 ------------------------------------------------------------------------

PHONE_LIKE = re.compile(r"\d{7,}|1[3-9]\d{9}")


def test_public_rows_have_exactly_the_allow_listed_columns_and_no_private_values():
    result = run(frame(cluster("a"), cluster("b", prefecture=QIQIHAR, score=10)))
    public = result.public_notice
    assert list(public.columns) == [k for k, _ in PUBLIC_NOTICE_COLUMNS]
    assert not set(contract.PRIVATE_FIELDS) & set(public.columns)
    cells = public.astype(str).to_numpy().ravel().tolist()
    assert "王秀兰" not in "".join(cells) and "13904510000" not in "".join(cells)
    assert not any(PHONE_LIKE.search(c) for c in cells)
    first = public.iloc[0].to_dict()
    assert first == {
        "seq": 1,
        "cluster_name": "集群a",
        "prefecture_name": "哈尔滨市",
        "county_name": "尚志市",
        "leading_industry": "食品加工",
        "operator_name": "a产业园管委会",
    }
    labelled = result.public_notice_labelled()
    assert list(labelled.columns) == [
        "序号",
        "集群名称",
        "所在市（地）",
        "所在县（市、区）",
        "主导产业",
        "运营管理机构",
    ]


@pytest.mark.parametrize(
    "operator",
    [
        "尚志产业园管委会（联系人王秀兰）",
        "尚志产业园管委会 电话13904510000",
        "尚志产业园管委会 0451-53321234",
        "管委会+86 139 0451 0000",
    ],
)
def test_private_values_smuggled_into_a_public_cell_are_masked_with_a_warning(operator: str):
    result = run(frame(cluster("a", operator_name=operator)))
    shown = result.public_notice.loc[0, "operator_name"]
    assert "王秀兰" not in shown and "13904510000" not in shown and not re.search(r"\d{4}", shown)
    (issue,) = result.issues
    assert issue.check == "privacy.public_notice" and issue.column == "运营管理机构"
    assert issue.submission_id == "a" and not issue.is_error


def test_the_public_notice_needs_its_profile_columns():
    with pytest.raises(KeyError, match="operator_name"):
        run(frame(cluster("a")).drop(columns=["operator_name"]))
