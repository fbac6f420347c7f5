"""The one 择优 order (SPEC §4.3): score desc, latest total output desc, then the id asc — for the
campaign's submissions and the national recommendation's certificates alike."""

from __future__ import annotations

import pandas as pd

from clustercert.campaign.ranking import rank_order, with_rank


def _rows(id_column: str = "submission_id") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {id_column: "2026-230183-cccc", "score": 80.0, "latest_total_output": 300000.0},
            {id_column: "2026-230183-bbbb", "score": 80.0, "latest_total_output": 300000.0},
            {id_column: "2026-230183-aaaa", "score": 80.0, "latest_total_output": 200000.0},
            {id_column: "2026-230183-dddd", "score": 91.5, "latest_total_output": None},
            {id_column: "2026-230183-eeee", "score": None, "latest_total_output": 900000.0},
        ]
    )


def test_ties_break_by_latest_output_then_id_and_a_missing_score_sorts_last() -> None:
    order = [sid[-4:] for sid in rank_order(_rows())["submission_id"]]
    assert order == ["dddd", "bbbb", "cccc", "aaaa", "eeee"]
    # the input order does not matter
    assert [sid[-4:] for sid in rank_order(_rows().iloc[::-1])["submission_id"]] == order


def test_ranks_are_one_two_three_without_shared_places() -> None:
    ranked = with_rank(_rows(), "province_rank")
    assert list(ranked["province_rank"]) == [1, 2, 3, 4, 5]
    assert str(ranked["province_rank"].dtype) == "Int64"
    assert with_rank(_rows().iloc[0:0], "rank").empty


def test_the_id_column_is_named_by_the_caller() -> None:
    """The national recommendation (第十四条) ranks certificates: the last key is the certificate id."""
    ranked = with_rank(_rows("certificate_id"), "rank", "certificate_id")
    assert [cid[-4:] for cid in ranked["certificate_id"]] == ["dddd", "bbbb", "cccc", "aaaa", "eeee"]
