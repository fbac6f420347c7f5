"""Stack the sheets of all submissions into one table each, with the columns checks need.

Every expectation is one GX built-in over one of these tables, so Great Expectations runs once per
table per campaign instead of once per submission. What a built-in cannot see on its own (a check
character, a row of another sheet, last year's value) is computed here as a derived column.

The sheets come from `StructureResult.frames`: every sheet that could be read, including one that
failed its model for some cells, those cells being missing. A derived value is missing (None/NaN)
when what it needs is missing, and built-ins skip missing values: a cell the structure layer already
reported is not reported again, while every other cell is checked in the same round.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from clustercert.contract import (
    ANNUAL,
    APPLICATION_REVIEW,
    DESIGNATIONS_SHEET,
    ENTERPRISES,
    EVIDENCE,
    INCIDENTS,
    PROFILE,
    SUBMISSION,
    Kind,
    Sheet,
)
from clustercert.reference import counties
from clustercert.submission import ROW
from clustercert.uscc import expected_check_characters
from expectations.plausibility import STAFFED
from expectations.spec import SUBMISSION_ID
from schemas.builder import empty_typed
from schemas.structure import StructureResult

SHEETS: dict[str, Sheet] = {s.key: s for s in (ANNUAL, ENTERPRISES, DESIGNATIONS_SHEET, INCIDENTS, EVIDENCE)}
TABLES = ("profile", "annual", "annual_years", "enterprises", "designations", "incidents", "evidence")
WINDOW = (3, 2, 1)  # the years Y-3, Y-2, Y-1 of 经营指标 (SPEC §3.1)
# the amounts whose year-on-year change is checked: every AMOUNT column of 经营指标
YOY_COLUMNS = tuple(c for c in ANNUAL.columns if c.kind == Kind.AMOUNT)
# the year the checks hold a submission to: the campaign's when known, else the one it declares
EXPECTED_YEAR = "campaign_year_expected"


def usable(structured: Sequence[StructureResult]) -> list[StructureResult]:
    """The submissions (not monitoring reports) of which at least one sheet could be read."""
    return [s for s in structured if s.frames and s.workbook == SUBMISSION.key]


def has_column(structure: StructureResult, sheet: str, column: str) -> bool:
    """Whether `sheet` could be read and has `column` (its cells may still be missing)."""
    return sheet in structure.frames and column not in structure.absent_columns.get(sheet, ())


def prepare(
    structured: Sequence[StructureResult], campaign_year: int | None = None
) -> dict[str, pd.DataFrame]:
    """One frame per table in TABLES across all submissions, each with `submission_id`, and `_row`
    (or `_row_<field>` for the profile), on a RangeIndex that the engines report back.

    `campaign_year` is the campaign's year Y: a submission must declare it and report Y-3..Y-1. Without
    it (e.g. a single file checked on its own) each submission is held to the year it declares."""
    readable = usable(structured)
    stacked = {key: _stack(readable, key) for key in SHEETS}
    profile = _profiles(readable, campaign_year)
    annual = _annual(stacked["annual"], profile)
    enterprises = _enterprises(stacked["enterprises"])
    listed = {s.submission_id for s in readable if has_column(s, "enterprises", "uscc")}
    frames = {
        "profile": _profile_checks(profile, annual, enterprises),
        "annual": annual,
        "annual_years": _annual_years(annual, profile),
        "enterprises": enterprises,
        "designations": _in_enterprises(stacked["designations"], enterprises, listed),
        "incidents": _declared_before(_in_enterprises(stacked["incidents"], enterprises, listed), profile),
        "evidence": _evidence(stacked["evidence"]),
    }
    return {key: _plain(frame) for key, frame in frames.items()}


def _stack(readable: Sequence[StructureResult], key: str) -> pd.DataFrame:
    parts = {s.submission_id: s.frames[key] for s in readable if key in s.frames}
    if not parts:
        return empty_typed(SHEETS[key]).assign(**{SUBMISSION_ID: pd.Series(dtype="str")})
    frame = pd.concat(parts, names=[SUBMISSION_ID, None]).reset_index(level=0)
    return frame.reset_index(drop=True)


def _profiles(readable: Sequence[StructureResult], campaign_year: int | None) -> pd.DataFrame:
    rows = [
        {
            SUBMISSION_ID: s.submission_id,
            **(s.profile_values or {}),  # none when 基本信息 is missing: the campaign year still applies
            **{f"{ROW}_{key}": s.profile_rows.get(key) for key in PROFILE.keys},
        }
        for s in readable
    ]
    columns = [SUBMISSION_ID, *PROFILE.keys, *(f"{ROW}_{key}" for key in PROFILE.keys)]
    frame = pd.DataFrame(rows, columns=columns)
    frame["campaign_year"] = pd.to_numeric(frame["campaign_year"]).astype("float64")
    frame["declared_on"] = pd.to_datetime(frame["declared_on"])
    if campaign_year is None:
        frame[EXPECTED_YEAR] = frame["campaign_year"]
    else:
        frame[EXPECTED_YEAR] = pd.Series(float(campaign_year), index=frame.index, dtype="float64")
    frame["years_expected"] = _year_span(frame[EXPECTED_YEAR])
    return frame


def _year_span(campaign_year: pd.Series) -> pd.Series:
    """ "2023、2024、2025" for Y = 2026: the years a county must fill in, for messages."""
    return campaign_year.map(lambda y: "、".join(str(int(y) - k) for k in WINDOW) if pd.notna(y) else None)


def _annual(annual: pd.DataFrame, profile: pd.DataFrame) -> pd.DataFrame:
    """经营指标 with the year each submission is held to (`campaign_year`: Y of its Y-3..Y-1)."""
    years = profile.set_index(SUBMISSION_ID)[EXPECTED_YEAR]
    out = annual.copy()
    out["campaign_year"] = out[SUBMISSION_ID].map(years).astype("float64")
    out["year_offset"] = out["campaign_year"] - out["year"].astype("float64")
    out["years_expected"] = _year_span(out["campaign_year"])
    out["total_output_staffed"] = out["total_output"].where(out["employees"].astype("float64") > STAFFED)
    return _year_on_year(out)


def _year_on_year(annual: pd.DataFrame) -> pd.DataFrame:
    """The largest change against the year before (a ratio ≥ 1 either way) and the column it is in."""
    ordered = annual.sort_values([SUBMISSION_ID, "year"])
    previous = ordered.groupby(SUBMISSION_ID, sort=False).shift(1)
    follows = (ordered["year"] - previous["year"]).eq(1).fillna(False).to_numpy(dtype=bool)
    ratios = []
    for col in YOY_COLUMNS:
        now, before = ordered[col.key].to_numpy(dtype=float), previous[col.key].to_numpy(dtype=float)
        usable = follows & (now > 0) & (before > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(usable, np.maximum(now / before, before / now), np.nan)
        ratios.append(ratio)
    stacked = np.vstack(ratios).T if len(ordered) else np.empty((0, len(YOY_COLUMNS)))
    has_ratio = ~np.isnan(stacked).all(axis=1)
    worst = np.where(has_ratio, np.nanargmax(np.where(np.isnan(stacked), -1, stacked), axis=1), 0)
    rows = np.arange(len(ordered))
    out = ordered.copy()
    out["yoy_ratio"] = np.where(has_ratio, stacked[rows, worst], np.nan)
    labels = np.array([c.label for c in YOY_COLUMNS], dtype=object)
    keys = [c.key for c in YOY_COLUMNS]
    now_all = ordered[keys].to_numpy(dtype=float)
    before_all = previous[keys].to_numpy(dtype=float)
    out["yoy_label"] = np.where(has_ratio, labels[worst], np.full(len(ordered), None, dtype=object))
    out["yoy_value"] = np.where(has_ratio, now_all[rows, worst], np.nan)
    out["yoy_previous"] = np.where(has_ratio, before_all[rows, worst], np.nan)
    return out.sort_index()


def _annual_years(annual: pd.DataFrame, profile: pd.DataFrame) -> pd.DataFrame:
    """One row per submission and required year, with how many 经营指标 rows hold that year.

    `rows_found` is unknown (NaN) for a year no row holds while some row's 年度 could not be read:
    that row may well be the year, and its 年度 is already reported.
    """
    known = profile[profile[SUBMISSION_ID].isin(set(annual[SUBMISSION_ID]))]
    years = known[[SUBMISSION_ID, EXPECTED_YEAR]].dropna().rename(columns={EXPECTED_YEAR: "campaign_year"})
    frame = pd.DataFrame(
        {
            SUBMISSION_ID: np.repeat(years[SUBMISSION_ID].to_numpy(), len(WINDOW)),
            "campaign_year": np.repeat(years["campaign_year"].to_numpy(), len(WINDOW)),
            "year": (years["campaign_year"].to_numpy()[:, None] - np.array(WINDOW)).ravel(),
        }
    )
    counts = annual.groupby([SUBMISSION_ID, annual["year"].astype("float64")]).size().rename("rows_found")
    frame = frame.merge(counts.reset_index(), on=[SUBMISSION_ID, "year"], how="left")
    frame["rows_found"] = frame["rows_found"].fillna(0).astype("float64")
    unread = set(annual.loc[annual["year"].isna(), SUBMISSION_ID])
    frame.loc[frame["rows_found"].eq(0) & frame[SUBMISSION_ID].isin(unread), "rows_found"] = np.nan
    frame["years_expected"] = _year_span(frame["campaign_year"])
    return frame


def _enterprises(enterprises: pd.DataFrame) -> pd.DataFrame:
    out = enterprises.copy()
    codes = out["uscc"].tolist()
    expected = expected_check_characters(codes)
    out["uscc_expected_check"] = pd.Series(expected, index=out.index, dtype=object)
    ok = [None if e is None else c[-1] == e for c, e in zip(codes, expected, strict=True)]
    out["uscc_check_ok"] = pd.Series(ok, index=out.index, dtype=object)
    return out


def _in_enterprises(frame: pd.DataFrame, enterprises: pd.DataFrame, listed: set[str]) -> pd.DataFrame:
    """Whether each row's enterprise is in the same submission's 企业名录.

    None (not checked) when the row's code is missing (already reported) or the submission has no
    readable 统一社会信用代码 column in 企业名录 (`listed` are those that have one).
    """
    out = frame.copy()
    known = enterprises[[SUBMISSION_ID, "uscc"]].dropna().drop_duplicates().assign(_found=True)
    found = out[[SUBMISSION_ID, "uscc"]].merge(known, how="left", on=[SUBMISSION_ID, "uscc"])["_found"]
    checkable = (out[SUBMISSION_ID].isin(listed) & out["uscc"].notna()).to_numpy()
    values = np.where(checkable, found.notna().to_numpy(), None)
    out["in_enterprises"] = pd.Series(values, index=out.index, dtype=object)
    return out


def _declared_before(incidents: pd.DataFrame, profile: pd.DataFrame) -> pd.DataFrame:
    """安全合规 with its submission's 申报日期 (SPEC §3.1: an incident is not after it)."""
    out = incidents.copy()
    declared = profile[[SUBMISSION_ID, "declared_on"]].drop_duplicates(SUBMISSION_ID)
    merged = out[[SUBMISSION_ID]].merge(declared, how="left", on=SUBMISSION_ID)
    out["declared_on"] = pd.Series(merged["declared_on"].to_numpy(), index=out.index).astype("datetime64[ns]")
    return out


def _evidence(evidence: pd.DataFrame) -> pd.DataFrame:
    out = evidence.copy()
    out["evidence_given"] = ~(out["met"].eq(True) & out["evidence"].isna())  # met may be None (unread)
    return out


def _profile_checks(profile: pd.DataFrame, annual: pd.DataFrame, enterprises: pd.DataFrame) -> pd.DataFrame:
    out = profile.copy()
    names = {code: c.county_name for code, c in counties().items()}
    out["county_name_expected"] = out["county_code"].map(names).astype(object)
    out["county_name_expected"] = out["county_name_expected"].where(out["county_name_expected"].notna(), None)
    out["review_has_certificate"] = ~(
        out["application_type"].eq(APPLICATION_REVIEW) & out["certificate_id"].isna()
    )
    out["declared_year"] = out["declared_on"].dt.year.astype("float64")
    out["year_last"] = out[EXPECTED_YEAR] - 1
    # SPEC §3.1 企业名录 output is last year's: compare its sum with the cluster total of Y-1
    sums = enterprises.groupby(SUBMISSION_ID)["output"].sum(min_count=1)
    latest = annual[annual["year_offset"].eq(1)].drop_duplicates([SUBMISSION_ID, "year"])
    totals = latest.set_index(SUBMISSION_ID)["total_output"]
    out["enterprise_output_sum"] = out[SUBMISSION_ID].map(sums).astype("float64")
    out["latest_total_output"] = out[SUBMISSION_ID].map(totals).astype("float64")
    base = out["latest_total_output"].where(out["latest_total_output"] > 0)
    out["output_ratio"] = out["enterprise_output_sum"] / base
    return out


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable integers as float64: both engines then compare NaN the same way (pd.NA raises)."""
    out = frame.reset_index(drop=True)
    for name in out.columns:
        if isinstance(out[name].dtype, pd.Int64Dtype):
            out[name] = out[name].astype("float64")
    return out
