"""The dynamic-management stages run without Prefect, read → decide → record, as a flow runs them: for
tests that need a stage's facts in the registry (or that compare the orders stages run in)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from clustercert.policy import Policy
from clustercert.registry import Registry
from clustercert.stages import changes, monitoring, revocation


def run_monitoring(registry: Registry, inbox: Path, *, report_year: int, as_of: date, policy: Policy) -> dict:
    reads = [monitoring.read_workbook(p) for p in monitoring.files(inbox)]
    inputs = monitoring.read(registry)
    outcome = monitoring.decide(inputs, reads, report_year=report_year, as_of=as_of, policy=policy)
    return monitoring.record(registry, outcome, None, policy=policy)


def run_changes(registry: Registry, inbox: Path, *, as_of: date, policy: Policy) -> dict:
    reads = [changes.read_filings(p) for p in changes.files(inbox)]
    outcome = changes.decide(changes.read(registry), reads, as_of=as_of, policy=policy)
    return changes.record(registry, outcome, None, policy=policy)


def run_revocations(registry: Registry, inbox: Path, *, as_of: date, policy: Policy) -> dict:
    reads = [revocation.read_table(p) for p in revocation.files(inbox)]
    findings = revocation.decide(revocation.read(registry, as_of), reads, as_of=as_of)
    return revocation.record(registry, findings, None, policy=policy)
