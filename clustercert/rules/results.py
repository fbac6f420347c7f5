"""What the rule engine hands on: one result per criterion, an evaluation per submission, a score.

`criteria.csv` (SPEC §5) is `CRITERIA_COLUMNS` over `criteria_rows(evaluation)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Result(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ADVISORY = "advisory"  # an advisory criterion not met: a warning, not an ineligibility
    NOT_EVALUATED = "not_evaluated"  # not applicable, or an unconfirmed threshold


VERDICTS = {
    Result.PASS: "通过",
    Result.FAIL: "不通过",
    Result.ADVISORY: "不符合，须说明理由（提示，不影响认定资格）",
    Result.NOT_EVALUATED: "不评价",
}


@dataclass(frozen=True)
class CriterionResult:
    submission_id: str
    criterion_id: str
    article: str
    value: str  # as shown; several years as "2023=150000; 2024=160000"
    threshold: str
    comparator: str  # the word of comparison, e.g. 不低于
    result: Result
    explanation: str  # Chinese, cites the article
    kind: str = "hard"  # hard | advisory | veto (not a CSV column)
    gap: str = ""  # a failed criterion: the smallest change of the data that makes it pass (rules.gaps)


CRITERIA_COLUMNS = [
    "submission_id",
    "criterion_id",
    "article",
    "value",
    "threshold",
    "comparator",
    "result",
    "explanation",
    "gap",
]


@dataclass(frozen=True)
class Contribution:
    aspect: str  # A5.1 … A5.8
    indicator: str  # e.g. output, rd_growth
    value: Decimal | None  # the indicator as measured (None: could not be computed → 0 points)
    weight: Decimal  # points this indicator can give
    points: Decimal


@dataclass(frozen=True)
class Score:
    total: Decimal
    contributions: list[Contribution] = field(default_factory=list)
    model_note: str = "默认评分模型（由本次申报工作设定）"


@dataclass(frozen=True)
class VetoIncident:
    """An incident that triggered the Art. 6 veto, located in the 安全合规 sheet."""

    occurred_on: date | None
    uscc: str
    category: str
    severity: str
    description: str
    row: int | None = None


@dataclass(frozen=True)
class Evaluation:
    submission_id: str
    policy: str
    as_of: date
    criteria: list[CriterionResult]
    eligible: bool
    vetoed: bool
    veto_incidents: list[VetoIncident]
    failed_criteria: list[str]
    warnings: list[str]
    score: Score
    latest_total_output: Decimal | None = None  # total_output of Y-1: the ranking's first tie-break
    policy_overrides: dict[str, Any] = field(default_factory=dict)

    def result(self, criterion_id: str) -> CriterionResult:
        for result in self.criteria:
            if result.criterion_id == criterion_id:
                return result
        raise KeyError(criterion_id)


def criteria_rows(evaluation: Evaluation) -> list[dict[str, str]]:
    """The evaluation's rows of criteria.csv, in policy order."""
    return [
        {column: str(getattr(result, column)) for column in CRITERIA_COLUMNS}
        for result in evaluation.criteria
    ]
