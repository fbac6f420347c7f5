"""A valid submission's typed tables as JSON, and back, so later flows can evaluate it again.

Review (第十一条) and national recommendation (第十四条) re-apply rules to data a campaign validated
years earlier; the registry keeps that data as the JSON payload of the submission row. Types come
back from the contract's column kinds, so a round trip gives the same `ClusterData`.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd

from clustercert.contract import PROFILE, SUBMISSION, Kind, Sheet
from clustercert.submission import ROW, ClusterData

PAYLOAD_FORMAT = 1
_TABLES = tuple(s for s in SUBMISSION.sheets if not s.key_value)


def _plain(value: Any) -> Any:
    """A JSON-safe scalar: dates as ISO text, missing as None, numpy scalars as Python ones."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return _plain(value.item())
    return value


def _records(frame: pd.DataFrame, sheet: Sheet) -> list[dict[str, Any]]:
    columns = [c for c in (*sheet.keys, ROW) if c in frame.columns]
    if not columns:
        return [{} for _ in range(len(frame))]
    values = [list(map(_plain, frame[c].tolist())) for c in columns]  # column by column: no row objects
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def cluster_data_to_payload(data: ClusterData) -> dict[str, Any]:
    """What `record_validation` stores for a valid submission."""
    return {
        "format": PAYLOAD_FORMAT,
        "profile": {k: _plain(v) for k, v in data.profile.items()},
        "tables": {sheet.key: _records(getattr(data, sheet.key), sheet) for sheet in _TABLES},
    }


def _typed_series(values: list[Any], kind: Kind) -> pd.Series:
    if kind is Kind.INTEGER:
        return pd.Series(values, dtype="Int64")
    if kind in (Kind.AMOUNT, Kind.PERCENT):
        return pd.Series([math.nan if v is None else v for v in values], dtype="float64")
    if kind is Kind.DATE:
        return pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
    if kind is Kind.YES_NO:
        return pd.Series(values, dtype="bool")
    return pd.Series(values, dtype="str")


def _frame(rows: list[dict[str, Any]], sheet: Sheet) -> pd.DataFrame:
    columns: dict[str, pd.Series] = {}
    for col in sheet.columns:
        columns[col.key] = _typed_series([r.get(col.key) for r in rows], col.kind)
    if rows and ROW in rows[0]:
        columns[ROW] = pd.Series([r[ROW] for r in rows], dtype="int64")
    return pd.DataFrame(columns)


def _profile_value(key: str, value: Any) -> Any:
    kind = next((c.kind for c in PROFILE.columns if c.key == key), Kind.TEXT)
    if value is None:
        return None
    if kind is Kind.DATE:
        return date.fromisoformat(value)
    if kind is Kind.INTEGER:
        return int(value)
    if kind in (Kind.AMOUNT, Kind.PERCENT):
        return float(value)
    return value


def payload_to_cluster_data(
    submission_id: str, file: str, sha256: str, payload: dict[str, Any]
) -> ClusterData:
    """Rebuild the typed `ClusterData` a stored payload was made from."""
    if payload.get("format") != PAYLOAD_FORMAT:
        raise ValueError(f"unknown payload format {payload.get('format')!r} for {submission_id}")
    tables = payload["tables"]
    return ClusterData(
        submission_id=submission_id,
        file=file,
        sha256=sha256,
        profile={k: _profile_value(k, v) for k, v in payload["profile"].items()},
        **{sheet.key: _frame(tables.get(sheet.key, []), sheet) for sheet in _TABLES},
    )
