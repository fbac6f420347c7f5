"""Fixtures shared by the dynamic-management flow and CLI tests (a plugin of tests/conftest.py):
one campaign's certified registry, built once per session and copied per test."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from mgmt_registry import Campaign, certify_samples  # noqa: E402


@pytest.fixture(scope="session")
def campaign_template(tmp_path_factory) -> Campaign:
    root = tmp_path_factory.mktemp("campaign")
    return certify_samples(root / "registry.db", root / "inbox")


@pytest.fixture
def campaign(campaign_template: Campaign, tmp_path: Path) -> Campaign:
    """A private copy of the certified registry."""
    source = Path(campaign_template.url.removeprefix("sqlite:///"))
    target = tmp_path / "registry.db"
    shutil.copy(source, target)
    return Campaign(f"sqlite:///{target}", campaign_template.certified, campaign_template.samples)
