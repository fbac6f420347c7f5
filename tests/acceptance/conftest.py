"""Acceptance tests: the real `clustercert` command in a subprocess, on workbooks built from SPEC.

Nothing here imports the product: the tests see what a county clerk or an operator sees (exit
code, what is printed, the files written).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.acceptance import corpus


@pytest.fixture(scope="session")
def corpus_files(tmp_path_factory) -> dict[str, tuple[Path, dict]]:
    """Every variant of the corpus written once: name → (workbook path, its description)."""
    return corpus.build_all(tmp_path_factory.mktemp("corpus"))
