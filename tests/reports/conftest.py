"""Fixtures for the report tests: every page rendered once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from reports_samples import render_all


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("reports")
    return out, render_all(out)
