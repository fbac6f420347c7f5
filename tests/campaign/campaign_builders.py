"""Small scored-cluster frames shaped like decisions.csv (SPEC §5), plus the profile columns the
public notice needs and the private ones it must never show."""

from __future__ import annotations

import pandas as pd

from clustercert.campaign.decisions import BatchDecisions
from clustercert.submission import ROW

HARBIN, QIQIHAR = "230100", "230200"
COUNTY_OF = {HARBIN: "230183", QIQIHAR: "230202"}  # 尚志市, 龙沙区


def cluster(
    sid: str,
    *,
    prefecture: str = HARBIN,
    score: float = 80.0,
    output: float = 200_000.0,
    eligible: bool = True,
    **extra: object,
) -> dict[str, object]:
    row: dict[str, object] = {
        "submission_id": sid,
        "file": f"{sid}.xlsx",
        "cluster_name": f"集群{sid}",
        "county_code": COUNTY_OF[prefecture],
        "prefecture_code": prefecture,
        "valid": True,
        "eligible": eligible,
        "vetoed": False,
        "failed_criteria": "" if eligible is True else "A5.1.output",
        "warnings": "",
        "score": score,
        "latest_total_output": output,
        "leading_industry": "食品加工",
        "operator_name": f"{sid}产业园管委会",
        "contact_name": "王秀兰",
        "contact_phone": "13904510000",
    }
    row.update(extra)
    return row


def frame(*rows: dict[str, object]) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def table(*rows: dict[str, str], first_row: int = 2) -> pd.DataFrame:
    """A read decisions table: string values, English keys, `_row` as Excel rows."""
    return pd.DataFrame([{**r, ROW: first_row + i} for i, r in enumerate(rows)])


def decisions(known: list[str] | None = None, **tables: pd.DataFrame) -> BatchDecisions:
    return BatchDecisions.from_tables({k: (v, f"{k}.csv") for k, v in tables.items()}, known)
