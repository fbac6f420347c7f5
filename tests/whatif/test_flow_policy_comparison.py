"""`policy-comparison`: the comparison from the Prefect UI, with a table artifact headed in Chinese."""

from __future__ import annotations

import csv
import json

import pytest

from tests.whatif.campaign_registry import YEAR, build_campaign_registry

pytestmark = pytest.mark.usefixtures("prefect_api")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_campaign_registry(tmp_path_factory.mktemp("flow"), count=8)


def test_flow_writes_the_comparison_and_publishes_a_chinese_table(built, tmp_path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.policy_comparison import HEADERS, policy_comparison

    out = tmp_path / "out"
    result = policy_comparison(
        year=YEAR, out=str(out), db_url=built.url, against_overrides={"A5.1.sme_share.threshold": 90}
    )
    assert result["compared"] == len(built.shares) and result["eligible_before"] == len(built.eligible)
    assert result["dropped"] == sum(share < 90 for share in built.eligible.values())
    with (out / "compare.csv").open(encoding="utf-8-sig") as fh:
        assert len(list(csv.DictReader(fh))) == len(built.shares)
    with get_client(sync_client=True) as client:
        [table] = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[f"policy-comparison-{YEAR}"])), limit=1
        )
    data = json.loads(table.data) if isinstance(table.data, str) else table.data
    assert len(data) == len(built.shares)
    assert list(data[0]) == list(HEADERS.values())  # Chinese headers, compare.csv's columns in order


def test_flow_refuses_a_year_without_a_campaign(built, tmp_path) -> None:
    from flows.policy_comparison import policy_comparison
    from tasks.compare import ComparisonRefused

    with pytest.raises(ComparisonRefused, match="no campaign for 2031"):
        policy_comparison(year=2031, out=str(tmp_path / "o"), db_url=built.url, against="national-2022")
