"""What the monitoring report draws besides monitoring.csv: each indicator's years, from the certified
submission, then every recorded report, then year R as read now (a later source corrects an earlier)."""

import dataclasses

from management_fixtures import cluster_data, typed

from clustercert import contract
from clustercert.management.monitoring_summary import annual_points, trends
from clustercert.management.plan import plan_targets_frame


def test_a_later_source_of_a_year_corrects_an_earlier_one() -> None:
    data = {
        "HLJ-2023-001": cluster_data("s1", {2024: {"total_output": 100.0}, 2025: {"total_output": 110.0}})
    }
    reported = {
        "HLJ-2023-001": {2025: {"total_output": 111.0}, 2026: {"total_output": 120.0, "sme_rd": None}}
    }
    current = {"HLJ-2023-001": {"total_output": 121.0, "not_an_indicator": 5}}
    found = trends(data, reported, current, 2026)
    assert found == {"HLJ-2023-001": {"total_output": [(2024, 100.0), (2025, 111.0), (2026, 121.0)]}}
    assert trends(data, {}, None, None)["HLJ-2023-001"]["total_output"][-1] == (2025, 110.0)


def test_annual_points_skip_empty_cells() -> None:
    annual = cluster_data("s1", {2024: {"total_output": 100.0}, 2025: {}}).annual
    assert annual_points(annual) == {"total_output": {2024: 100.0}}


def test_plan_targets_carry_their_certificate() -> None:
    assert list(plan_targets_frame({}).columns) == [
        "certificate_id",
        "indicator",
        "target_year",
        "target_value",
    ]
    assert plan_targets_frame({"HLJ-2023-001": cluster_data("s1", {})}).empty
    targets = typed(
        contract.PLAN_TARGETS, [{"indicator": "total_output", "target_year": 2027, "target_value": 5.0}]
    )
    data = {"HLJ-2023-002": dataclasses.replace(cluster_data("s2", {}), plan_targets=targets)}
    frame = plan_targets_frame(data)
    assert frame[["certificate_id", "indicator", "target_year"]].values.tolist() == [
        ["HLJ-2023-002", "total_output", 2027]
    ]
    assert "_row" not in frame.columns
