"""The benchmark's floor mode and its report: the work itself, measured, and the ratios printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import campaign, floor
from clustercert.samples import generate_bulk


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_floor_reads_every_sheet_and_checks_it_once(tmp_path: Path, fmt: str, monkeypatch) -> None:
    generate_bulk(tmp_path / "inbox", year=2026, submissions=3, enterprises_per_submission=25, fmt=fmt)
    passes: list[int] = []
    from schemas.submission import SUBMISSION_SCHEMAS

    for model in SUBMISSION_SCHEMAS.values():
        real = model.schema.validate
        monkeypatch.setattr(
            model.schema,
            "validate",
            lambda frame, real=real, **kw: (passes.append(len(frame)), real(frame, **kw))[1],
        )
    figures = floor.run_floor(tmp_path / "inbox")
    assert set(figures) == {"collect", "validate", "rows"}
    assert figures["collect"] > 0 and figures["validate"] > 0
    assert len(passes) == 7  # one pass per sheet, over the three submissions stacked
    assert passes[list(SUBMISSION_SCHEMAS).index("enterprises")] == 75
    assert passes[list(SUBMISSION_SCHEMAS).index("profile")] == 3
    assert figures["rows"] == sum(passes)


def test_the_report_gives_every_ratio() -> None:
    def run(stages: dict[str, float], wall: float) -> dict:
        return {"wall": wall, "peak_mib": 100.0, "stages": stages}

    results = {
        "floor": run({"collect": 1.0, "validate": 0.5}, 2.0),
        "baseline": run({"collect": 2.0, "collect: read": 1.5, "validate": 1.0, "score": 3.0}, 8.0),
        "flow": run({"collect": 4.0, "validate": 3.0, "score": 6.0, "flow total": 20.0}, 24.0),
    }
    report = campaign.summarise("smoke", results, "a throw-away local server")
    lines = {line.split()[0]: line for line in report.splitlines()[2:] if line.strip()}
    assert "2.00×" in lines["collect"] and "2.00×" in lines["validate"]  # baseline ÷ floor, flow ÷ baseline
    assert lines["collect+validate"].split()[1:4] == ["1.50", "3.00", "7.00"]
    assert "2.00×" in lines["collect+validate"] and "2.33×" in lines["collect+validate"]
    assert "read" in report and "3.00×" in lines["wall"]
    assert "peak" in report


def test_modes_can_be_left_out() -> None:
    report = campaign.summarise(
        "smoke", {"floor": {"wall": 1.0, "peak_mib": 50, "stages": {"collect": 0.5}}}, "x"
    )
    assert "floor s" in report and "baseline s" not in report
