"""Small helpers shared by the dynamic-management modules: typed cells, source rows, output frames."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pandas as pd

from clustercert.lifecycle import Status
from clustercert.submission import ROW

# Certificate statuses that take a certificate out of dynamic management (the lifecycle, SPEC §2).
INACTIVE_STATUSES = frozenset({Status.REVOKED.value})


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def text(value: Any) -> str:
    return "" if is_blank(value) else str(value).strip()


def to_decimal(value: Any) -> Decimal | None:
    """The decimal that was entered: typed tables hold floats, `str(float)` recovers the input digits."""
    if is_blank(value):
        return None
    return Decimal(str(value))


def source_row(record: Mapping[str, Any]) -> int | None:
    value: Any = record.get(ROW)  # a cell: a number, or blank (None, NA, NaN)
    return None if is_blank(value) else int(value)


def records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Rows of a frame as dicts (an absent or empty frame gives none)."""
    if frame is None or frame.empty:
        return []
    return frame.to_dict(orient="records")


def output_frame(rows: Iterable[Mapping[str, Any]], columns: list[str]) -> pd.DataFrame:
    """A frame with exactly `columns`, in order, even when there are no rows."""
    return pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)


def active_certificates(certificates: pd.DataFrame) -> pd.DataFrame:
    """Certificates still under management: not revoked."""
    if "status" not in certificates.columns:
        return certificates
    return certificates[~certificates["status"].astype(str).isin(INACTIVE_STATUSES)]


def location(file: str, sheet: str, row: int | None) -> str:
    """ "file 工作表 第N行" for evidence texts officials read."""
    parts = [p for p in (file, sheet) if p]
    where = " ".join(parts)
    return f"{where} 第{row}行" if row is not None else where


def plain_rows(frame: pd.DataFrame | Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows as plain dicts, missing values as None (what extracts, pages and artifacts expect)."""
    if isinstance(frame, pd.DataFrame):
        return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    return [dict(r) for r in frame]
