"""A valid submission's typed tables as JSON, and back, so later flows can evaluate it again.

Review (第十一条) and national recommendation (第十四条) re-apply rules to data a campaign validated
years earlier; the registry keeps that data as the JSON payload of the submission row. Types come
back from the contract's column kinds, so a round trip gives the same `ClusterData`.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from clustercert.contract import PROFILE, SUBMISSION, Kind, Sheet
from clustercert.submission import ROW, TEXT_DTYPE, ClusterData

PAYLOAD_FORMAT = 2  # each table column by column; format 1 (row by row, until 2026-12) is still read
_READABLE_FORMATS = (1, 2)
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


def _plain_column(series: pd.Series) -> list[Any]:
    """A column's cells as JSON-safe scalars (what `_plain` gives each), at numpy speed where the
    dtype tells: floats (NaN → None), plain integers and booleans, nullable integers and text."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return series.tolist()
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        values = series.to_numpy()
        cells = values.tolist()
        return [None if v != v else v for v in cells] if np.isnan(values).any() else cells
    if isinstance(dtype, pd.StringDtype | pd.Int64Dtype):  # str / Python int cells, missing as None
        return series.to_numpy(dtype=object, na_value=None).tolist()
    return list(map(_plain, series.tolist()))


def _columns(frame: pd.DataFrame, sheet: Sheet) -> dict[str, Any]:
    names = [c for c in (*sheet.keys, ROW) if c in frame.columns]
    return {"rows": len(frame), "columns": {c: _plain_column(frame[c]) for c in names}}


def cluster_data_to_payload(data: ClusterData) -> dict[str, Any]:
    """What `record_validation` stores for a valid submission."""
    return {
        "format": PAYLOAD_FORMAT,
        "profile": {k: _plain(v) for k, v in data.profile.items()},
        "tables": {sheet.key: _columns(getattr(data, sheet.key), sheet) for sheet in _TABLES},
    }


_INT64 = pd.Int64Dtype()


def _typed_array(values: list[Any], kind: Kind) -> Any:
    """One stored column as the array its typed frame holds (NaN, NA or NaT where None)."""
    if kind is Kind.INTEGER:
        return pd.array(values, dtype=_INT64)
    if kind in (Kind.AMOUNT, Kind.PERCENT):
        return np.array(values, dtype="float64")
    if kind is Kind.DATE:
        return np.array(values, dtype="datetime64[ns]")  # ISO dates, as `_plain` wrote them
    if kind is Kind.YES_NO:
        return np.array(values, dtype="bool")
    return pd.array(values, dtype=TEXT_DTYPE)


def _frame(table: dict[str, Any] | list[dict[str, Any]], sheet: Sheet) -> pd.DataFrame:
    """A typed table from its stored columns (format 2) or rows (format 1), built from arrays at once
    (a frame of Series costs several times more)."""
    if isinstance(table, list):  # format 1: one object per row
        table = {
            "rows": len(table),
            "columns": {
                key: [r.get(key) for r in table]
                for key in (*sheet.keys, ROW)
                if key != ROW or (table and ROW in table[0])
            },
        }
    count, stored = table["rows"], table["columns"]
    columns = {
        col.key: _typed_array(stored.get(col.key) or [None] * count, col.kind) for col in sheet.columns
    }
    if ROW in stored and count:
        columns[ROW] = np.array(stored[ROW], dtype="int64")
    return pd.DataFrame(columns, copy=False)


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
    if payload.get("format") not in _READABLE_FORMATS:
        raise ValueError(f"unknown payload format {payload.get('format')!r} for {submission_id}")
    tables = payload["tables"]
    return ClusterData(
        submission_id=submission_id,
        file=file,
        sha256=sha256,
        profile={k: _profile_value(k, v) for k, v in payload["profile"].items()},
        **{sheet.key: _frame(tables.get(sheet.key) or [], sheet) for sheet in _TABLES},
    )
