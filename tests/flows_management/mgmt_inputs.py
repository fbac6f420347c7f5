"""Input files for the flow tests, written in code (SPEC §3.2, §3.3)."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

from clustercert.contract import CHANGE_FILINGS, FINDINGS, REVOCATION_DECISIONS_SHEET, SUBMISSION
from clustercert.samples import SampleSubmission
from clustercert.workbook_writer import write_table, write_workbook


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
