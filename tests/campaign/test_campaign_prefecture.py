"""Prefecture recommendation (Art. 9)."""

from __future__ import annotations

import pandas as pd
from campaign_builders import HARBIN, QIQIHAR, cluster, decisions, frame, table

from clustercert.campaign.decisions import BatchDecisions
from clustercert.campaign.prefecture import recommend
from clustercert.campaign.transition import PENDING
from clustercert.lifecycle import Status

NONE = BatchDecisions.empty()


def _outcomes(result) -> dict[str, str]:
    return dict(zip(result.rows["submission_id"], result.rows["outcome"], strict=True))


def test_batch_mode_recommends_every_eligible_cluster_of_the_prefecture_only():
    clusters = frame(
        cluster("h1", score=70),
        cluster("h2", score=90),
        cluster("h3", eligible=False),
        cluster("q1", prefecture=QIQIHAR),
    )
    result = recommend(HARBIN, clusters, NONE)
    assert result.prefecture_name == "哈尔滨市"
    assert list(result.rows["submission_id"]) == ["h2", "h1"]  # h3 ineligible, q1 elsewhere
    assert list(result.rows["prefecture_rank"]) == [1, 2]
    assert list(result.recommended["submission_id"]) == ["h2", "h1"]
    assert set(result.rows["article"]) == {"第九条"}
    assert "批量模式默认推荐" in result.rows["reason"][0]
    assert [(t.submission_id, t.to_status, t.article) for t in result.transitions] == [
        ("h2", Status.RECOMMENDED, "第九条"),
        ("h1", Status.RECOMMENDED, "第九条"),
    ]


def test_eligible_flags_from_a_csv_round_trip_are_understood():
    clusters = frame(
        cluster("h1", eligible="True"), cluster("h2", eligible="False"), cluster("h3", eligible=None)
    )
    clusters["eligible"] = clusters["eligible"].astype(object)
    clusters.loc[2, "eligible"] = pd.NA
    assert list(recommend(HARBIN, clusters, NONE).rows["submission_id"]) == ["h1"]


def test_a_failed_prefecture_spot_check_removes_even_a_yes():
    d = decisions(
        ["h1", "h2"],
        spot_checks=table(
            {"submission_id": "h1", "level": "市地", "result": "不通过", "note": "实际企业仅12家"},
            {"submission_id": "h2", "level": "省", "result": "不通过", "note": "省级抽查，非本级"},
        ),
        prefecture_decisions=table({"submission_id": "h1", "recommend": "是", "note": ""}),
    )
    result = recommend(HARBIN, frame(cluster("h1", score=90), cluster("h2", score=80)), d)
    assert _outcomes(result) == {"h1": Status.NOT_RECOMMENDED, "h2": Status.RECOMMENDED}
    row = result.rows.set_index("submission_id").loc["h1"]
    assert row["reason"] == "市地实地抽查不通过：实际企业仅12家"
    assert pd.isna(row["prefecture_rank"]) and row["recommended"] == False  # noqa: E712
    assert result.rows.set_index("submission_id").loc["h2", "prefecture_rank"] == 1


def test_a_prefecture_no_removes_with_its_note_and_a_yes_recommends():
    d = decisions(
        ["h1", "h2", "h3"],
        prefecture_decisions=table(
            {"submission_id": "h1", "recommend": "否", "note": "品牌知名度不足"},
            {"submission_id": "h2", "recommend": "是", "note": "县域支柱产业"},
            {"submission_id": "h3", "recommend": "否", "note": ""},
        ),
    )
    result = recommend(HARBIN, frame(cluster("h1", score=95), cluster("h2"), cluster("h3")), d)
    rows = result.rows.set_index("submission_id")
    assert rows.loc["h1", "outcome"] == Status.NOT_RECOMMENDED
    assert rows.loc["h1", "reason"] == "市地不予推荐：品牌知名度不足"
    assert rows.loc["h3", "reason"] == "市地不予推荐（未说明理由）"
    assert rows.loc["h2", "reason"] == "符合第五条认定标准，市地推荐（县域支柱产业）"
    assert rows.loc["h2", "prefecture_rank"] == 1
    assert {t.submission_id: t.to_status for t in result.transitions} == {
        "h1": Status.NOT_RECOMMENDED,
        "h2": Status.RECOMMENDED,
        "h3": Status.NOT_RECOMMENDED,
    }


def test_contradictory_decisions_leave_the_cluster_pending_without_a_transition():
    d = decisions(
        ["h1"],
        prefecture_decisions=table(
            {"submission_id": "h1", "recommend": "是", "note": ""},
            {"submission_id": "h1", "recommend": "否", "note": ""},
        ),
    )
    result = recommend(HARBIN, frame(cluster("h1"), cluster("h2")), d)
    assert _outcomes(result) == {"h1": PENDING, "h2": Status.RECOMMENDED}
    assert "相互矛盾" in result.rows.set_index("submission_id").loc["h1", "reason"]
    assert [t.submission_id for t in result.transitions] == ["h2"]
    assert pd.isna(result.rows.set_index("submission_id").loc["h1", "recommended"])


def test_an_unusable_decisions_file_does_not_fall_back_to_recommend_everyone():
    d = decisions(["h1"], prefecture_decisions=table({"submission_id": "h1", "note": ""}))
    result = recommend(HARBIN, frame(cluster("h1")), d)
    assert _outcomes(result) == {"h1": PENDING} and result.transitions == ()


def test_a_yes_for_an_ineligible_cluster_is_not_followed_and_says_so():
    d = decisions(["h1"], prefecture_decisions=table({"submission_id": "h1", "recommend": "是", "note": ""}))
    result = recommend(HARBIN, frame(cluster("h1", eligible=False)), d)
    assert result.rows.empty and result.transitions == ()
    (issue,) = result.issues
    assert issue.submission_id == "h1" and issue.row == 2 and issue.column == "是否推荐"
    assert "第九条" in issue.message


def test_a_prefecture_without_eligible_clusters_gives_empty_rows():
    result = recommend(QIQIHAR, frame(cluster("h1")), NONE)
    assert result.rows.empty and result.transitions == () and result.recommended.empty
