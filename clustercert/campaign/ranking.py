"""择优 ordering (SPEC §4.3): score desc, then the latest year's total output desc, then the id asc.

The one ranking of the product: the prefecture's and the province's lists (第九条、第十条) rank
submissions (id = submission_id), the national recommendation (第十四条) ranks certificates (id =
certificate_id). The third key makes the order total, so a re-run with the same inputs ranks
identically.
"""

from __future__ import annotations

import pandas as pd

SCORE = "score"
LATEST_OUTPUT = "latest_total_output"
SUBMISSION_ID = "submission_id"


def rank_order(clusters: pd.DataFrame, id_column: str = SUBMISSION_ID) -> pd.DataFrame:
    """The rows in 择优 order, index reset; a missing score or output sorts last."""
    if clusters.empty:
        return clusters.reset_index(drop=True)
    keyed = clusters.assign(
        _score=pd.to_numeric(clusters[SCORE], errors="coerce"),
        _output=pd.to_numeric(clusters[LATEST_OUTPUT], errors="coerce"),
        _id=clusters[id_column].astype(str),
    )
    ordered = keyed.sort_values(
        ["_score", "_output", "_id"], ascending=[False, False, True], na_position="last", kind="mergesort"
    )
    return ordered.drop(columns=["_score", "_output", "_id"]).reset_index(drop=True)


def with_rank(clusters: pd.DataFrame, column: str, id_column: str = SUBMISSION_ID) -> pd.DataFrame:
    """The rows in 择优 order with `column` = 1, 2, 3, … (no shared ranks: ties are broken)."""
    ordered = rank_order(clusters, id_column)
    return ordered.assign(**{column: pd.array(range(1, len(ordered) + 1), dtype="Int64")})
