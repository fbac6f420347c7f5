"""A campaign killed with SIGKILL and run again (the command, against a real `prefect server start`):
the resumed run runs only the stages that had not completed, its outputs and registry equal a clean
run's, and a run with nothing changed runs no stage at all (`clustercert.stages.resume`)."""

from __future__ import annotations

import pytest

from bench.resume import run_resume
from clustercert.samples import generate_campaign

ORDER = [
    "collect-submissions",
    "validate-submissions",
    "score-clusters",
    "prefecture-recommendation",
    "provincial-shortlist",
]


@pytest.mark.e2e
def test_a_killed_campaign_resumes_where_it_stopped_and_a_rerun_redoes_nothing(tmp_path) -> None:
    generate_campaign(tmp_path / "inbox", year=2026, count=10)
    figures = run_resume(tmp_path, tmp_path / "inbox", 2026, "2026-07-24", kill_after="validate-submissions")
    done = figures["stages done when killed"].split(", ")
    assert done[:2] == ORDER[:2]
    resumed = figures["resumed run ran"].split(", ")
    assert resumed[0] == "yearly-campaign"
    assert resumed[1:] == [stage for stage in ORDER if stage not in done]
    assert "collect-submissions" not in resumed and "validate-submissions" not in resumed
    assert figures["outputs equal"] and figures["registry rows equal"], figures
    assert figures["nothing-changed run ran"] == "yearly-campaign"
