"""The campaign's pace of garbage collection (`clustercert.collector_pace`): held while a campaign
runs (the baseline, every stage of the flows), given back after it, kept by the worker processes."""

from __future__ import annotations

import gc
from datetime import date

import pytest

from clustercert import baseline
from clustercert.collector_pace import CAMPAIGN_THRESHOLDS, campaign_pace
from clustercert.samples import generate_campaign
from clustercert.stages import collect
from clustercert.stages.setup import CampaignSetup
from tasks import work_processes as work


@pytest.fixture
def usual_pace():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield (700, 10, 10)
    gc.set_threshold(*before)


def test_the_pace_holds_inside_and_comes_back_after_even_on_failure(usual_pace) -> None:
    with campaign_pace():
        assert gc.get_threshold() == CAMPAIGN_THRESHOLDS
        with campaign_pace():
            assert gc.get_threshold() == CAMPAIGN_THRESHOLDS
        assert gc.get_threshold() == CAMPAIGN_THRESHOLDS
    assert gc.get_threshold() == usual_pace
    with pytest.raises(RuntimeError), campaign_pace():
        raise RuntimeError("a stage failed")
    assert gc.get_threshold() == usual_pace


def test_the_baseline_runs_its_stages_at_the_campaigns_pace(tmp_path, usual_pace, monkeypatch) -> None:
    seen = []
    read = collect.receive

    def receive(path, ctx):
        seen.append(gc.get_threshold())
        return read(path, ctx)

    monkeypatch.setattr(collect, "receive", receive)
    generate_campaign(tmp_path / "inbox", year=2026, count=2)
    setup = CampaignSetup(
        year=2026, out=str(tmp_path / "out"), as_of=date(2026, 7, 24),
        inbox=str(tmp_path / "inbox"), db_url=f"sqlite:///{tmp_path / 'r.db'}", engine="pandas",
    )  # fmt: skip
    baseline.run_campaign(setup)
    assert seen and set(seen) == {CAMPAIGN_THRESHOLDS}
    assert gc.get_threshold() == usual_pace


def test_a_worker_process_keeps_the_campaigns_pace() -> None:
    work.start(2)
    try:
        assert work.run(gc.get_threshold) == CAMPAIGN_THRESHOLDS
    finally:
        work.stop()
