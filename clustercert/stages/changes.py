"""change-filings (第十二条): a major change (主导产业, 空间范围, 运营管理机构) is filed within one
calendar month (moved past a 法定休假日 when the policy says so), and the registry's cluster follows it.

* read: the inbox's `change_filings` files — work unit `read_filings(path)`, typed row by row
  (`intake.tables`; a bad row is a located issue); from the registry, the certificates, the filings
  already recorded and the changes monitoring reports declared.
* decide: each file judged on its own (so every row names its file), then the declared changes that
  no filing — recorded or read now — answered in time (`check_filings`) — pure.
* record: every judged change (an on-time filing updates the cluster through the audit log), then
  Art. 15(四) from the registry's facts (`grounds`), in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from clustercert import contract
from clustercert.intake import TypedTable, read_typed_table, table_files
from clustercert.issue import Issue
from clustercert.management.changes import SOURCE_MONITORING, FilingCheck, check_filings
from clustercert.management.deadlines import DeadlineRule
from clustercert.management.parameters import ManagementParameters
from clustercert.management.tables import plain_rows, records
from clustercert.policy import Policy
from clustercert.registry import Registry
from clustercert.registry.models import Certification, Cluster
from clustercert.stages import certificates as held
from clustercert.stages import grounds

CLUSTER_FACTS = ("leading_industry", "spatial_scope", "operator_name")


def files(inbox: Path | str | None) -> list[Path]:
    return table_files(inbox, contract.CHANGE_FILINGS)


def read_filings(path: Path) -> TypedTable:
    """A work unit: one change_filings file, typed."""
    return read_typed_table(path, contract.CHANGE_FILINGS)


def calendar_gap(registry: Registry, reads: list[TypedTable], *, policy: Policy) -> str | None:
    """The calendar a run needs — the deadlines of the filings read and of the registry's facts —
    checked before it records anything."""
    changed = [rec.get("changed_on") for read in reads for rec in records(read.frame)]
    return grounds.calendar_gap(registry, policy, changed_on=changed)


@dataclass
class ChangesInputs:
    certificates: pd.DataFrame
    recorded: pd.DataFrame  # filings recorded by earlier runs (grounds.recorded_filings)
    declared: pd.DataFrame  # changes the recorded monitoring reports declared


def read(registry: Registry) -> ChangesInputs:
    with registry.transaction() as tx:
        return ChangesInputs(
            held.certificates_frame(tx), grounds.recorded_filings(tx), grounds.declared_changes(tx)
        )


@dataclass
class ChangesOutcome:
    as_of: date
    rows: list[dict[str, Any]]  # change_filings.csv
    issues: list[Issue]
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


def decide(inputs: ChangesInputs, reads: list[TypedTable], *, as_of: date, policy: Policy) -> ChangesOutcome:
    params = ManagementParameters.from_policy(policy)
    rule = DeadlineRule.from_policy(policy)

    def judge(filings: pd.DataFrame, declared: pd.DataFrame | None, **file: str) -> FilingCheck:
        return check_filings(
            filings,
            declared,
            inputs.certificates,
            filing_window_months=params.filing_window_months,
            as_of=as_of,
            deadline_rule=rule,
            **file,
        )

    issues = [i for r in reads for i in r.issues]
    rows: list[dict[str, Any]] = []
    for read in reads:  # each file judged on its own, so every row names its file
        check = judge(read.frame, None, filings_file=read.file)
        rows += plain_rows(check.rows)
        issues += check.issues
    filed = pd.concat([inputs.recorded, *(r.frame for r in reads if not r.frame.empty)], ignore_index=True)
    unfiled = judge(filed, inputs.declared)
    rows += [r for r in plain_rows(unfiled.rows) if r["source"] == SOURCE_MONITORING]
    rows.sort(key=lambda r: (r["certificate_id"], r["changed_on"], r["change_type"], r["source"], r["file"]))
    return ChangesOutcome(as_of, rows, issues, params.holiday_extension)


def record(
    registry: Registry, outcome: ChangesOutcome, flow_run_id: str | None, *, policy: Policy
) -> dict[str, int]:
    """Every judged change (a declared one whose deadline has not passed waits), then 15.4."""
    applied = 0
    with registry.recording(flow_run_id=flow_run_id) as tx:
        for row in outcome.rows:
            if row["on_time"] is None:
                continue  # declared, and its filing deadline has not passed yet
            before = tx.require(Cluster, tx.require(Certification, row["certificate_id"]).cluster_key)
            old = {k: getattr(before, k) for k in CLUSTER_FACTS}
            tx.record_change_filing(
                row["certificate_id"],
                change_type=row["change_type"],
                changed_on=row["changed_on"],
                new_value=row["new_value"] or "",
                on_time=bool(row["on_time"]),
                filed_on=row["filed_on"],
                source=row["source"],
            )
            after = tx.require(Cluster, before.cluster_key)
            applied += any(getattr(after, k) != v for k, v in old.items())
        new = grounds.record(tx, as_of=outcome.as_of, policy=policy, grounds=grounds.CHANGE_GROUNDS)
    return {"registry_updates": applied, "revocation_proposals_new": new}
