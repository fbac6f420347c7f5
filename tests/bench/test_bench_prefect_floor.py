"""The benchmark's prefect-floor mode: the flow's shape, run for real with no work, and its report."""

from __future__ import annotations

from bench import campaign, prefect_floor


def test_the_floor_runs_the_campaigns_shape_and_every_task_run_is_recorded(prefect_api) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey, FlowFilter, FlowFilterName

    figures = prefect_floor.run_prefect_floor(batches=2)
    tasks = sum(count for _, count, _ in prefect_floor.shape(2))
    assert tasks == 2 + 3 + 2 + 13 + 1  # Heilongjiang's 13 市（地）
    assert figures["task runs expected"] == figures["task runs recorded"] == tasks
    assert figures["flow total"] > 0
    with get_client(sync_client=True) as client:
        wanted = ["floor-campaign", *(f"floor-{name}" for name, _, _ in prefect_floor.shape(2))]
        flows = client.read_flows(flow_filter=FlowFilter(name=FlowFilterName(any_=wanted)))
        runs = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=wanted)), limit=200)
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(like_="prefect-floor-")), limit=200
        )
    assert sorted(f.name for f in flows) == sorted(wanted)  # the campaign and its five stages
    assert len(runs) == len(wanted) and all(run.state and run.state.is_completed() for run in runs)
    expected = sum(count for _, _, count in prefect_floor.shape(2)) + 1  # and the reports' index
    assert len({a.key for a in artifacts}) == expected


def test_the_report_sets_the_flow_against_baseline_plus_the_floor() -> None:
    def run(wall: float) -> dict:
        return {"wall": wall, "peak_mib": 100.0, "stages": {"collect": wall / 4}}

    results = {
        "baseline": run(4.0),
        "prefect-floor": run(3.0),
        "flow": run(8.0),
        "flow-pandas": run(6.0),
    }
    report = campaign.summarise("smoke", results, "a running server")
    assert "prefect-floor s" in report and "flow-pandas s" in report
    assert "flow-pandas ÷ baseline (the same expectations engine): 1.50×" in report
    assert "flow − baseline 4.0 s" in report and "(prefect-floor) 3.0 s" in report
    assert "baseline + that 7.0 s = 1.75× baseline" in report
