"""What checking one workbook loads: not openpyxl (calamine reads it), not hypothesis (pandera's data
synthesis), not Prefect or Great Expectations — each a share of `clustercert validate`'s cold start."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from clustercert.samples import generate_bulk

CODE = """
import json, sys
from clustercert.intake import read_submission
from clustercert.validation import validate_submissions
(result,), _ = validate_submissions([read_submission(sys.argv[1])], engine="pandas", campaign_year=2026)
heavy = ("openpyxl", "hypothesis", "prefect", "great_expectations", "sqlalchemy")
print(json.dumps({"valid": result.valid, "loaded": [m for m in heavy if m in sys.modules]}))
"""


def test_checking_a_workbook_loads_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    (path,) = generate_bulk(tmp_path, year=2026, submissions=1, enterprises_per_submission=30)
    done = subprocess.run([sys.executable, "-c", CODE, str(path)], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == {"valid": True, "loaded": []}


def test_hypothesis_stays_importable_after_the_models_load() -> None:
    code = "import schemas, hypothesis.strategies as st; print(st.integers().example() is not None)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
