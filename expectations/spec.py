"""What an expectation is here, and what evaluating one gives back.

An `ExpectationSpec` names ONE Great Expectations built-in (class name + kwargs) over ONE prepared,
stacked table, plus what the county and the analyst read about it. Both engines (`engine_gx`,
`engine_pandas`) take the same specs, which is what lets the parity test compare them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from clustercert.contract import Sheet
from clustercert.issue import Issue, Severity
from clustercert.submission import ROW

# The GX built-ins the specs use; the pandas engine implements exactly these.
IN_SET = "ExpectColumnValuesToBeInSet"
NOT_NULL = "ExpectColumnValuesToNotBeNull"
BETWEEN = "ExpectColumnValuesToBeBetween"
A_GREATER_THAN_B = "ExpectColumnPairValuesAToBeGreaterThanB"
PAIR_EQUAL = "ExpectColumnPairValuesToBeEqual"
COMPOUND_UNIQUE = "ExpectCompoundColumnsToBeUnique"
SUPPORTED = (IN_SET, NOT_NULL, BETWEEN, A_GREATER_THAN_B, PAIR_EQUAL, COMPOUND_UNIQUE)

SUBMISSION_ID = "submission_id"  # the column every prepared table carries next to `_row`


@dataclass(frozen=True)
class ExpectationSpec:
    id: str  # stable, e.g. gx.annual.sme_le_total
    table: str  # the prepared table it runs on
    expectation: str  # a GX built-in class name (one of SUPPORTED)
    kwargs: Mapping[str, Any]
    severity: Severity
    reference: str  # SPEC section and/or article
    description: str  # Chinese, one line, for the campaign summary
    message: str  # Chinese str.format template over the prepared row (values pre-formatted)
    sheet: Sheet  # where the county finds the problem
    column: str = ""  # contract key of the column the issue points at ("" = none)
    row_column: str | None = ROW  # prepared column holding the Excel row (None = not one row)
    column_field: str | None = None  # prepared column holding the label when it varies by row
    # (sheet key, column key) of the inputs it reads: when one of them is not there for a submission
    # (a sheet or column missing, a profile field unread), the check cannot run and says so
    needs: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.expectation not in SUPPORTED:
            raise ValueError(f"{self.id}: {self.expectation} is not supported by both engines")


# The keyword arguments of the SUPPORTED expectations that name the columns they read.
COLUMN_ARGUMENTS = ("column", "column_A", "column_B")
COLUMN_LIST_ARGUMENTS = ("column_list",)


def columns_read(specs: Sequence[ExpectationSpec]) -> dict[str, set[str]]:
    """Each table's columns that some spec reads (every SUPPORTED expectation is about columns)."""
    read: dict[str, set[str]] = {}
    for spec in specs:
        columns = read.setdefault(spec.table, set())
        columns.update(str(spec.kwargs[k]) for k in COLUMN_ARGUMENTS if k in spec.kwargs)
        for k in COLUMN_LIST_ARGUMENTS:
            columns.update(str(c) for c in spec.kwargs.get(k, ()))
    return read


@dataclass(frozen=True)
class Evaluation:
    """What an engine found for one spec (index values of the prepared table, ascending)."""

    success: bool
    element_count: int
    unexpected_count: int
    unexpected_index: tuple[int, ...]


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation over the whole campaign: a row of the campaign summary."""

    expectation_id: str
    table: str
    severity: Severity
    reference: str
    description: str
    engine: str
    success: bool
    element_count: int
    unexpected_count: int
    unexpected_by_submission: dict[str, int] = field(default_factory=dict)


@dataclass
class QualityReport:
    engine: str
    issues: dict[str, list[Issue]] = field(default_factory=dict)  # submission id → issues
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    def issues_for(self, submission_id: str) -> list[Issue]:
        return self.issues.get(submission_id, [])

    @property
    def all_issues(self) -> list[Issue]:
        return [issue for found in self.issues.values() for issue in found]
