"""revocation-triggers (第十五条): all five grounds from the registry's current facts and the province's
findings, proposed; then confirmed (撤销) or cleared (不予撤销) by the province.

* read: the inbox's `findings` files — work unit `read_table(path, sheet)`, typed row by row; from
  the registry, the certificates a finding may name.
* decide: a finding naming no certificate is a located issue (`decide`); the proposals are decided
  from every fact the registry holds (`grounds`) when they are recorded.
* record: the proposals (`record`), one transaction. The listed proposals are every pending one,
  whichever stage raised it (monitoring 15.3–15.5, expiry 15.1, changes 15.4 or this one), so one
  decision step settles them all.
* then the province decides — a `revocation_decisions` file in batch mode, or the operator's
  answers when the flow paused for them (`answers_to_decisions`): `apply_decisions` (pure) and
  `record_decisions` (one transaction): 撤销 revokes the certificate, 不予撤销 clears it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from clustercert import contract
from clustercert.contract import Sheet
from clustercert.intake import TypedTable, read_typed_table, table_files
from clustercert.issue import Issue, Severity
from clustercert.management.revocation import CLEAR, CONFIRM, RevocationDecisions, apply_revocation_decisions
from clustercert.management.tables import records, text
from clustercert.policy import Policy
from clustercert.registry import Registry
from clustercert.stages import certificates as held
from clustercert.stages import grounds
from clustercert.submission import ROW

# The operator's words in the Prefect form → the decisions file's words (contract).
ANSWERS = {"confirm": CONFIRM, "clear": CLEAR}
DECISIONS_FILE = "revocation_decisions"


def files(inbox: Path | str | None) -> list[Path]:
    return table_files(inbox, contract.FINDINGS)


def read_table(path: Path, sheet: Sheet = contract.FINDINGS) -> TypedTable:
    """A work unit: one findings (or revocation_decisions) file, typed."""
    return read_typed_table(path, sheet)


def read_decisions(path: Path) -> TypedTable:
    return read_table(path, contract.REVOCATION_DECISIONS_SHEET)


def calendar_gap(registry: Registry, *, policy: Policy) -> str | None:
    """The calendar a run needs, checked before it starts (see `grounds.calendar_gap`)."""
    return grounds.calendar_gap(registry, policy)


def read(registry: Registry, as_of: date) -> set[str]:
    """The certificates issued by `as_of`: those a finding may name."""
    with registry.transaction() as tx:
        return set(held.certificates_frame(tx, as_of)["certificate_id"])


@dataclass
class Findings:
    as_of: date
    frame: pd.DataFrame | None  # the usable findings of every file read
    issues: list[Issue] = field(default_factory=list)


@dataclass
class RevocationOutcome:
    """What the run leaves: the proposals as they stand after the decisions, and every input issue."""

    as_of: date
    rows: list[dict[str, Any]]  # revocation_proposals.csv
    issues: list[Issue] = field(default_factory=list)

    @property
    def input_errors(self) -> int:
        return sum(1 for i in self.issues if i.is_error)

    def counts(self) -> dict[str, int]:
        decisions = [r["decision"] for r in self.rows]
        return {
            "proposals": len(self.rows),
            "certificates": len({r["certificate_id"] for r in self.rows}),
            "confirmed": sum(d == "confirmed" for d in decisions),
            "cleared": sum(d == "cleared" for d in decisions),
            "pending": sum(d == "pending" for d in decisions),
        }


def _unknown(read: TypedTable, known: set[str]) -> list[Issue]:
    sheet = contract.FINDINGS
    label = sheet.column("certificate_id").label
    return [
        Issue(read.file, read.file, sheet.label, rec.get(ROW), label, "findings.certificate_id.known", Severity.ERROR,
              f"认定编号“{text(rec['certificate_id'])}”不是已认定集群的编号，该条查实情况未处理。", "第十五条；SPEC §3.2")
        for rec in records(read.frame)
        if text(rec["certificate_id"]) not in known
    ]  # fmt: skip


def decide(known: set[str], reads: Iterable[TypedTable], *, as_of: date) -> Findings:
    """The findings read, with an issue for each one that names no certificate (pure)."""
    reads = list(reads)
    issues = [i for f in reads for i in f.issues] + [i for f in reads for i in _unknown(f, known)]
    frames = [f.frame for f in reads if not f.frame.empty]
    return Findings(as_of, pd.concat(frames, ignore_index=True) if frames else None, issues)


def record(
    registry: Registry, findings: Findings, flow_run_id: str | None, *, policy: Policy
) -> dict[str, int]:
    """Every ground the registry's facts and the findings raise, recorded (one transaction)."""
    with registry.recording(flow_run_id=flow_run_id) as tx:
        new = grounds.record(tx, as_of=findings.as_of, policy=policy, findings=findings.frame)
    return {"new": new}


def pending(registry: Registry) -> list[dict[str, Any]]:
    """Every pending proposal, whichever stage raised it (revocation_proposals.csv rows)."""
    with registry.transaction() as tx:
        return grounds.pending_proposals(tx)


def listed(registry: Registry, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The proposals `rows` as the registry now holds them (after the decisions)."""
    keys = {(r["certificate_id"], r["ground"], r["evidence_key"]) for r in rows}
    with registry.transaction() as tx:
        return [
            grounds.proposal_row(p)
            for p in tx.revocation_proposals()
            if (p.certificate_id, p.ground, p.evidence_key) in keys
        ]


# -- the province's decisions ----------------------------------------------------------------------
def answers_to_decisions(answers: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The operator's answers (certificate_id, decision confirm/clear/pending, reason) as the rows of a
    decisions file; an unanswered certificate stays pending."""
    rows = [
        {
            "certificate_id": text(a.get("certificate_id")),
            "decision": ANSWERS[str(a["decision"])],
            "reason": text(a.get("reason")),
            ROW: None,
        }
        for a in answers
        if a.get("decision") in ANSWERS
    ]
    return pd.DataFrame(rows, columns=["certificate_id", "decision", "reason", ROW])


def decisions_frame(reads: Iterable[TypedTable]) -> tuple[pd.DataFrame | None, list[Issue], str]:
    """The decisions files read as one table, their issues, and the name their issues cite."""
    reads = list(reads)
    frames = [r.frame for r in reads if not r.frame.empty]
    issues = [i for r in reads for i in r.issues]
    name = "、".join(r.file for r in reads) or DECISIONS_FILE
    return (pd.concat(frames, ignore_index=True) if frames else None), issues, name


def apply_decisions(
    rows: list[dict[str, Any]], decisions: pd.DataFrame | None, decisions_file: str = DECISIONS_FILE
) -> RevocationDecisions | None:
    """The decisions against the pending proposals `rows` (pure); None when there are none."""
    if decisions is None or decisions.empty:
        return None
    return apply_revocation_decisions(pd.DataFrame(rows), decisions, decisions_file=decisions_file)


def record_decisions(
    registry: Registry, applied: RevocationDecisions, as_of: date, flow_run_id: str | None, *, actor: str
) -> None:
    """撤销 revokes the certificate, 不予撤销 clears its proposals (one transaction)."""
    with registry.recording(flow_run_id=flow_run_id, actor=actor) as tx:
        for frame, word in ((applied.revoked, CONFIRM), (applied.cleared, CLEAR)):
            for cid, group in frame.groupby("certificate_id", sort=True):
                reason = text(group["reason"].iloc[0]) or f"省工业和信息化厅决定{word}"
                tx.decide_revocation(str(cid), None, word, reason, decided_on=as_of)
