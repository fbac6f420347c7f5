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
    """A criterion's result: the code (criteria.csv), its Chinese label (tables) and its verdict (the
    closing words of an explanation)."""

    label: str
    verdict: str

    # The defaults are only for mypy: `Result("pass")` is a lookup by code (python/mypy#10573).
    def __new__(cls, value: str, label: str = "", verdict: str = "") -> Result:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.verdict = verdict
        return member

    PASS = "pass", "达标", "通过"
    FAIL = "fail", "未达标", "不通过"
    # an advisory criterion not met: a warning, not an ineligibility
    ADVISORY = "advisory", "提示（须说明理由）", "不符合，须说明理由（提示，不影响认定资格）"
    # not applicable, or an unconfirmed threshold
    NOT_EVALUATED = "not_evaluated", "不评价", "不评价"


VERDICTS = {result: result.verdict for result in Result}


@dataclass(frozen=True)
class Source:
    """Where a criterion's value was read: a sheet of the workbook, its Excel rows and column labels."""

    sheet: str  # the contract's Chinese sheet label, e.g. 经营指标
    rows: tuple[int, ...] = ()  # Excel rows (header = 1; for 基本信息 the field's row), ascending
    columns: tuple[str, ...] = ()  # the contract's Chinese column labels

    @property
    def text(self) -> str:
        """ "经营指标 第3–5行 集群总产值（万元）": what a reader opens to check the value."""
        parts = [self.sheet, row_span(self.rows), "、".join(self.columns)]
        return " ".join(p for p in parts if p)

    def csv(self) -> dict[str, str]:
        return {
            "source_sheet": self.sheet,
            "source_rows": ";".join(str(r) for r in self.rows),
            "source_columns": ";".join(self.columns),
        }


def row_span(rows: tuple[int, ...] | list[int]) -> str:
    """(3, 4, 5) → "第3–5行"; (2, 5, 9) → "第2、5、9行"; runs of three or more become ranges."""
    ordered = sorted(set(rows))
    if not ordered:
        return ""
    runs: list[list[int]] = [[ordered[0]]]
    for row in ordered[1:]:
        if row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{run[0]}–{run[-1]}")
        else:
            parts.extend(str(r) for r in run)
    return f"第{'、'.join(parts)}行"


@dataclass(frozen=True)
class CriterionResult:
    submission_id: str
    criterion_id: str
    article: str
    value: str  # as computed; several years as "2023=150000; 2024=160000"
    threshold: str
    comparator: str  # the word of comparison, e.g. 不低于
    result: Result
    explanation: str  # Chinese, cites the article
    kind: str = "hard"  # hard | advisory | veto (not a CSV column)
    # for people (not CSV columns): the criterion's name in the regulation's words, and the value
    # with its years, branches and units ("2023年 152000万元；2024年 160000万元")
    title: str = ""
    shown: str = ""
    source: Source | None = None  # source_sheet, source_rows, source_columns in criteria.csv
    gap: str = ""  # a failed criterion: the smallest change of the data that makes it pass (rules.gaps)


SPEC_CRITERIA_COLUMNS = [
    "submission_id",
    "criterion_id",
    "article",
    "value",
    "threshold",
    "comparator",
    "result",
    "explanation",
]
SOURCE_COLUMNS = ["source_sheet", "source_rows", "source_columns"]
# criteria.csv: the SPEC §5 columns in their order, then where each value was read, then the gap
CRITERIA_COLUMNS = [*SPEC_CRITERIA_COLUMNS, *SOURCE_COLUMNS, "gap"]


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
    rows = []
    for result in evaluation.criteria:
        row = {column: str(getattr(result, column)) for column in SPEC_CRITERIA_COLUMNS}
        row |= result.source.csv() if result.source else dict.fromkeys(SOURCE_COLUMNS, "")
        row["gap"] = result.gap
        rows.append(row)
    return rows
