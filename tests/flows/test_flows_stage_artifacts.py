"""The prefecture stage's artifact: every prefecture's recommendations in one table, in the API."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd

from clustercert.campaign.prefecture import PrefectureRecommendation
from clustercert.lifecycle import Status


def _recommendation(
    code: str, name: str, clusters: list[tuple[str, float | None, str]]
) -> PrefectureRecommendation:
    rows = pd.DataFrame(
        [
            {
                "submission_id": sid,
                "cluster_name": f"{name}集群{k}",
                "prefecture_rank": rank,
                "outcome": outcome,
                "reason": "",
            }
            for k, (sid, rank, outcome) in enumerate(clusters)
        ]
    )
    return PrefectureRecommendation(code, name, rows, (), ())


def test_every_prefecture_is_in_the_one_table_in_rank_order(prefect_api) -> None:
    from prefect import flow
    from prefect.client.orchestration import get_client

    from flows import artifacts

    recommendations = [
        _recommendation(
            "230100",
            "哈尔滨市",
            [("2026-a", 1, Status.RECOMMENDED), ("2026-b", None, Status.NOT_RECOMMENDED)],
        ),
        _recommendation("230200", "齐齐哈尔市", [("2026-c", 1, Status.RECOMMENDED)]),
    ]

    @flow(name="prefecture-artifact-test")
    def publish() -> None:
        artifacts.recommended(SimpleNamespace(year=2031), recommendations)

    publish()
    with get_client(sync_client=True) as client:
        found = client.read_latest_artifacts(limit=200)
    mine = [a for a in found if a.key and a.key.startswith("campaign-2031-")]
    assert [a.key for a in mine] == ["campaign-2031-prefectures"]
    table = mine[0].data if isinstance(mine[0].data, list) else json.loads(mine[0].data)
    assert [(r["市（地）"], r["申报编号"], r["推荐顺序"]) for r in table] == [
        ("哈尔滨市", "2026-a", 1),
        ("哈尔滨市", "2026-b", ""),
        ("齐齐哈尔市", "2026-c", 1),
    ]
    assert "2 个市（地）" in mine[0].description
