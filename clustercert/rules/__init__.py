"""The rule engine: Art. 5 criteria, the Art. 6 veto, eligibility and the default scoring model.

Everything the rules need comes from a `clustercert.policy.Policy`; nothing here hard-codes a
threshold. Pure domain code: no Prefect, no I/O.
"""

from clustercert.rules.evaluation import below_threshold, check_single_year, evaluate, summary
from clustercert.rules.results import (
    CRITERIA_COLUMNS,
    Contribution,
    CriterionResult,
    Evaluation,
    Result,
    Score,
    VetoIncident,
    criteria_rows,
)
from clustercert.rules.scoring import score

__all__ = [
    "CRITERIA_COLUMNS",
    "Contribution",
    "CriterionResult",
    "Evaluation",
    "Result",
    "Score",
    "VetoIncident",
    "below_threshold",
    "check_single_year",
    "criteria_rows",
    "evaluate",
    "score",
    "summary",
]
