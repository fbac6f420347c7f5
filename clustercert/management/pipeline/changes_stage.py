"""Art. 12 as a stage: judge the change filings (one task per file) and the changes monitoring
reports declared, record them (an on-time filing updates the cluster through the audit log), evaluate
Art. 15(四) from the registry's facts (late filings, declared changes nobody filed in time; see
`grounds`), and write change_filings.csv and its report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from clustercert import contract
from clustercert.issue import Issue
from clustercert.management.changes import FILING_COLUMNS, SOURCE_MONITORING, check_filings
from clustercert.management.deadlines import DeadlineRule
from clustercert.management.parameters import ManagementParameters
from clustercert.management.pipeline import grounds, state
from clustercert.management.pipeline.inputs import read_typed_table, table_files
from clustercert.management.pipeline.outputs import frame_rows, write_csv, write_index, write_issues
from clustercert.management.tables import records
from clustercert.registry import Registry

ISSUES_FILE = "change_filings_issues.csv"


@dataclass
class FilingsRead:
    file: str
    filings: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)


@dataclass
class ChangesOutcome:
    as_of: date
    rows: list[dict[str, Any]]  # change_filings.csv
    issues: list[Issue]
    applied: int  # registry facts updated
    new_proposals: int
    holiday_extension: bool = True  # whether 第二百零三条 applied to the deadlines (policy)

    @property
    def input_errors(self) -> int:
        return sum(1 for i in self.issues if i.is_error)

    def counts(self) -> dict[str, int]:
        on_time = [r.get("on_time") for r in self.rows]
        return {
            "changes": len(self.rows),
            "on_time": sum(v is True for v in on_time),
            "late_or_unfiled": sum(v is False for v in on_time),
            "pending": sum(v is None for v in on_time),
        }


def filing_files(inbox: Path | None) -> list[Path]:
    return table_files(inbox, contract.CHANGE_FILINGS)


def read_filings(path: Path) -> FilingsRead:
    frame, issues = read_typed_table(path, contract.CHANGE_FILINGS)
    return FilingsRead(Path(path).name, frame, issues)


def run_changes(
    registry: Registry,
    reads: list[FilingsRead],
    *,
    as_of: date,
    policy: Any,
    flow_run_id: str | None = None,
) -> ChangesOutcome:
    params = ManagementParameters.from_policy(policy)
    window, rule = params.filing_window_months, DeadlineRule.from_policy(policy)
    issues = [i for r in reads for i in r.issues]
    rows: list[dict[str, Any]] = []
    with registry.transaction(flow_run_id=flow_run_id) as tx:
        certificates = state.certificates_frame(tx)
        for read in reads:  # each file judged on its own, so every row names its file
            check = check_filings(
                read.filings,
                None,
                certificates,
                filing_window_months=window,
                as_of=as_of,
                filings_file=read.file,
                deadline_rule=rule,
            )
            rows += frame_rows(check.rows)
            issues += check.issues
        filed = [r.filings for r in reads if not r.filings.empty]
        unfiled = check_filings(
            pd.concat([grounds.recorded_filings(tx), *filed], ignore_index=True),
            grounds.declared_changes(tx),
            certificates,
            filing_window_months=window,
            as_of=as_of,
            deadline_rule=rule,
        )
        rows += [r for r in frame_rows(unfiled.rows) if r["source"] == SOURCE_MONITORING]
        rows.sort(
            key=lambda r: (r["certificate_id"], r["changed_on"], r["change_type"], r["source"], r["file"])
        )
        applied = 0
        for row in rows:
            if row["on_time"] is None:
                continue  # declared, and its filing deadline has not passed yet
            before = tx.cluster(tx.certification(row["certificate_id"]).cluster_key)
            old = {k: getattr(before, k) for k in ("leading_industry", "spatial_scope", "operator_name")}
            tx.record_change_filing(
                row["certificate_id"],
                change_type=row["change_type"],
                changed_on=row["changed_on"],
                new_value=row["new_value"] or "",
                on_time=bool(row["on_time"]),
                filed_on=row["filed_on"],
                source=row["source"],
            )
            after = tx.cluster(before.cluster_key)
            applied += any(getattr(after, k) != v for k, v in old.items())
        new = grounds.record(tx, as_of=as_of, policy=policy, grounds=grounds.CHANGE_GROUNDS)
    return ChangesOutcome(as_of, rows, issues, applied, new, params.holiday_extension)


def changes_calendar_gap(registry: Registry, reads: list[FilingsRead], *, policy: Any) -> str | None:
    """The calendar a changes run needs — the deadlines of the filings read and of the registry's
    facts — checked before the run records anything."""
    changed = [rec.get("changed_on") for read in reads for rec in records(read.filings)]
    return grounds.calendar_gap(registry, policy, changed_on=changed)


def write_changes(out: Path, outcome: ChangesOutcome) -> Path:
    from clustercert.reports import render_change_filings

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out, "change_filings.csv", outcome.rows, FILING_COLUMNS)
    write_issues(out, ISSUES_FILE, outcome.issues)
    page = render_change_filings(
        out, as_of=outcome.as_of, rows=outcome.rows, holiday_extension=outcome.holiday_extension
    )
    write_index(out, subtitle=f"数据截至 {outcome.as_of.isoformat()}")
    return page
