"""Input files for the flow tests, written in code (SPEC §3.2, §3.3)."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

from clustercert.contract import CHANGE_FILINGS, FINDINGS, REVOCATION_DECISIONS_SHEET, SUBMISSION
from clustercert.policy import Policy, load_policy
from clustercert.samples import SampleSubmission
from clustercert.workbook_writer import write_table, write_workbook

# The flow tests run in 2027–2031, years whose official holiday schedule is not published yet (the
# calendar package ends in 2026): without it, 民法典 第二百零三条 (on by default) stops the run with
# CalendarNotCovered. These tests give the policy those years with one statutory holiday each, New
# Year's Day (1 January, fixed by 《全国年节及纪念日放假办法》); weekends still rest. A real deployment
# lists the published schedule in the policy file instead.
TEST_CALENDAR = {"calendar.extra_holidays": [f"{year}-01-01" for year in range(2027, 2032)]}


def calendar_policy(**overrides: object) -> Policy:
    """hlj-2023 with the test calendar (and any further overrides)."""
    return load_policy("hlj-2023", overrides={**TEST_CALENDAR, **overrides})


def set_calendar() -> list[str]:
    """The CLI's `--set` for the test calendar."""
    days = ", ".join(f'"{d}"' for d in TEST_CALENDAR["calendar.extra_holidays"])
    return ["--set", f"calendar.extra_holidays=[{days}]"]


def review_workbook(
    path: Path,
    sample: SampleSubmission,
    certificate_id: str,
    declared_on: date,
    *,
    output: float | None = None,
) -> Path:
    """The sample's workbook resubmitted as a review (复核) three years on, with fresh years."""
    tables = copy.deepcopy(sample.tables)
    profile = tables["profile"]
    shift = 3
    profile.update(
        application_type="复核",
        certificate_id=certificate_id,
        campaign_year=int(profile["campaign_year"]) + shift,
        declared_on=declared_on,
    )
    for row in tables["annual"]:
        row["year"] = int(row["year"]) + shift
        if output is not None:
            row["total_output"] = output
            row["sme_output"] = output * 0.7
            row["leading_output"] = output * 0.7
    for row in tables["plan_targets"]:
        row["target_year"] = int(row["target_year"]) + shift
    for row in tables["designations"]:
        row["valid_until"] = None
    tables["incidents"] = []
    write_workbook(path, tables, SUBMISSION, fmt="xlsx")
    return path


def filings(path: Path, rows: list[dict]) -> Path:
    return write_table(path, rows, CHANGE_FILINGS, fmt="csv")


def findings(path: Path, rows: list[dict]) -> Path:
    return write_table(path, rows, FINDINGS, fmt="csv")


def decisions(path: Path, rows: list[dict]) -> Path:
    return write_table(path, rows, REVOCATION_DECISIONS_SHEET, fmt="csv")
