"""One campaign written once per test session: generating it is the slow part (about a second)."""

from pathlib import Path

import pytest

from clustercert.samples.submissions import SampleSubmission, generate_campaign

YEAR = 2026


@pytest.fixture(scope="session")
def campaign_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("campaign")


@pytest.fixture(scope="session")
def campaign(campaign_dir: Path) -> list[SampleSubmission]:
    return generate_campaign(campaign_dir / "inbox", year=YEAR, seed=2026, count=24)
