"""Fixtures for the report tests: every page rendered once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from reports_samples import render_all


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("reports")
    return out, render_all(out)


@pytest.fixture(scope="session")
def sample_campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A whole sample campaign run stage by stage (registry, rules, decisions): its report folder."""
    from clustercert.samples.campaign_run import run_sample_campaign

    return run_sample_campaign(tmp_path_factory.mktemp("sample-campaign"), count=24)
