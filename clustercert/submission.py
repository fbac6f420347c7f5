"""What intake hands to validation, and what validation hands to the rules.

* `Submission`: a workbook as read — every sheet as a DataFrame of normalised *strings* whose columns
  are the contract's English keys, plus a `_row` column with the source row number (Excel row; for a
  CSV file the line number; for JSON the 1-based record index + 1 so the header counts as row 1).
  The key/value profile sheet is a one-row frame; `field_rows` gives each field's source row.
* `ClusterData`: the same submission once valid, typed (see `clustercert.contract.Kind`):
  INTEGER → Int64, AMOUNT/PERCENT → float64, DATE → datetime64[ns], YES_NO → bool, TEXT/CHOICE → str.
  The profile is a dict of typed Python values (int, float, str, bool, datetime.date, None).
  Rules convert floats with `Decimal(str(x))`, which recovers the decimal that was entered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from clustercert.issue import Issue

ROW = "_row"  # the source-row column every sheet frame carries
# The dtype of every text column (intake's normalised strings, typed TEXT/CHOICE columns), looked
# up once: named as "str", pandas finds it again for every column it builds.
TEXT_DTYPE = pd.api.types.pandas_dtype("str")


UNKNOWN_YEAR = "year-unknown"  # the id's year part when neither the campaign nor the file gives one


def make_submission_id(campaign_year: int | str | None, county_code: str | None, sha256: str) -> str:
    """Stable, readable id: the same bytes always get the same id; a corrected file gets a new one.

    The year is the campaign's when known (intake passes it), else the file's 申报年度 if that is a
    four-digit year, else `UNKNOWN_YEAR` (never a made-up "0000" that reads like a year).
    """
    text = str(campaign_year).strip() if campaign_year is not None else ""
    year = text if len(text) == 4 and text.isdigit() else UNKNOWN_YEAR
    code = county_code if county_code and county_code.isdigit() and len(county_code) == 6 else "000000"
    return f"{year}-{code}-{sha256[:8]}"


@dataclass(frozen=True)
class SourceFile:
    """A raw file as received, archived under its SHA-256 before anything parsed it."""

    name: str  # file name as received (relative to the inbox)
    sha256: str
    size: int
    received_at: str  # ISO 8601, UTC
    archived_path: str


@dataclass
class Submission:
    submission_id: str
    file: str  # what the county sent, as named in the inbox (a workbook, a CSV folder or a JSON file)
    sha256: str  # of the file; for a CSV folder, of its sorted (name, sha256) manifest
    sources: list[SourceFile] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # sheet key → normalised strings
    field_rows: dict[str, dict[str, int]] = field(default_factory=dict)  # key/value sheet → field → row
    issues: list[Issue] = field(
        default_factory=list
    )  # what intake already found (unreadable, missing sheet…)

    @property
    def readable(self) -> bool:
        """False when intake could not read the file at all: there is nothing to validate."""
        return bool(self.tables)

    def profile_value(self, key: str) -> str | None:
        frame = self.tables.get("profile")
        if frame is None or key not in frame.columns or frame.empty:
            return None
        value = frame.iloc[0][key]
        return None if pd.isna(value) or value == "" else str(value)


@dataclass
class ClusterData:
    """A valid submission, typed; the input of indicators, criteria and scoring."""

    submission_id: str
    file: str
    sha256: str
    profile: dict[str, Any]
    annual: pd.DataFrame
    enterprises: pd.DataFrame
    designations: pd.DataFrame
    incidents: pd.DataFrame
    evidence: pd.DataFrame
    plan_targets: pd.DataFrame

    @property
    def campaign_year(self) -> int:
        return int(self.profile["campaign_year"])

    @property
    def county_code(self) -> str:
        return str(self.profile["county_code"])

    @property
    def cluster_name(self) -> str:
        return str(self.profile["cluster_name"])

    @property
    def declared_on(self) -> date:
        return self.profile["declared_on"]
