"""择优 ordering (SPEC §4.3): score desc, then the latest year's total output desc, then submission id asc.

The third key makes the order total, so a re-run with the same inputs ranks identically.
"""

from __future__ import annotations

import pandas as pd

SCORE = "score"
LATEST_OUTPUT = "latest_total_output"
SUBMISSION_ID = "submission_id"


def rank_order(clusters: pd.DataFrame) -> pd.DataFrame:
    """The rows in 择优 order, index reset; a missing score or output sorts last."""
    if clusters.empty:
        return clusters.reset_index(drop=True)
    keyed = clusters.assign(
        _score=pd.to_numeric(clusters[SCORE], errors="coerce"),
        _output=pd.to_numeric(clusters[LATEST_OUTPUT], errors="coerce"),
        _sid=clusters[SUBMISSION_ID].astype(str),
    )
    ordered = keyed.sort_values(
        ["_score", "_output", "_sid"], ascending=[False, False, True], na_position="last", kind="mergesort"
    )
    return ordered.drop(columns=["_score", "_output", "_sid"]).reset_index(drop=True)


def with_rank(clusters: pd.DataFrame, column: str) -> pd.DataFrame:
    """The rows in 择优 order with `column` = 1, 2, 3, … (no shared ranks: ties are broken)."""
    ordered = rank_order(clusters)
    return ordered.assign(**{column: pd.array(range(1, len(ordered) + 1), dtype="Int64")})
