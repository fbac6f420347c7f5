"""Art. 15 as a stage: evaluate all five grounds from the registry's current facts (plus the
province's findings; see `grounds`), record the proposals, and apply the province's decisions — from
a `revocation_decisions` file in batch mode, or from the operator's answer when the flow paused for it.

The proposals listed are every pending one, whichever flow raised it (monitoring 15.3–15.5, expiry
15.1, changes 15.4 or this one), so that one decision step settles them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from clustercert import contract
from clustercert.issue import Issue, Severity
from clustercert.management.pipeline import grounds, state
from clustercert.management.pipeline.inputs import read_typed_table, table_files
from clustercert.management.pipeline.outputs import write_csv, write_index, write_issues
from clustercert.management.revocation import CLEAR, CONFIRM, apply_revocation_decisions
from clustercert.management.tables import records, text
from clustercert.registry import Registry
from clustercert.submission import ROW

ISSUES_FILE = "revocation_issues.csv"
# The operator's words in the Prefect form → the decisions file's words (contract).
ANSWERS = {"confirm": CONFIRM, "clear": CLEAR}


@dataclass
class TableRead:
    file: str
    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)


@dataclass
class RevocationOutcome:
    as_of: date
    rows: list[dict[str, Any]]  # revocation_proposals.csv
    issues: list[Issue]
    new_proposals: int = 0

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


def findings_files(inbox: Path | None) -> list[Path]:
    return table_files(inbox, contract.FINDINGS)


def read_findings(path: Path) -> TableRead:
    frame, issues = read_typed_table(path, contract.FINDINGS)
    return TableRead(Path(path).name, frame, issues)


def read_decisions(path: Path) -> TableRead:
    frame, issues = read_typed_table(path, contract.REVOCATION_DECISIONS_SHEET)
    return TableRead(Path(path).name, frame, issues)


def _unknown_findings(findings: TableRead, known: set[str]) -> list[Issue]:
    sheet = contract.FINDINGS
    return [
        Issue(findings.file, findings.file, sheet.label, rec.get(ROW), sheet.column("certificate_id").label,
              "findings.certificate_id.known", Severity.ERROR,
              f"认定编号“{text(rec['certificate_id'])}”不是已认定集群的编号，该条查实情况未处理。", "第十五条；SPEC §3.2")
        for rec in records(findings.frame)
        if text(rec["certificate_id"]) not in known
    ]  # fmt: skip


def propose(
    registry: Registry,
    findings: Iterable[TableRead] = (),
    *,
    as_of: date,
    policy: Any,
    flow_run_id: str | None = None,
) -> RevocationOutcome:
    """Every ground of Art. 15 from the registry's current facts and the findings; proposals recorded."""
    findings = list(findings)
    issues = [i for f in findings for i in f.issues]
    frames = [f.frame for f in findings if not f.frame.empty]
    with registry.transaction(flow_run_id=flow_run_id) as tx:
        known = set(state.certificates_frame(tx, as_of)["certificate_id"])
        for read in findings:
            issues += _unknown_findings(read, known)
        new = grounds.record(
            tx,
            as_of=as_of,
            policy=policy,
            grounds=grounds.ALL_GROUNDS,
            findings=pd.concat(frames, ignore_index=True) if frames else None,
        )
        rows = state.pending_proposals(tx)
    return RevocationOutcome(as_of, rows, issues, new)


def revocation_calendar_gap(registry: Registry, *, policy: Any) -> str | None:
    """The calendar a revocation run needs, checked before it starts (see `grounds.calendar_gap`)."""
    return grounds.calendar_gap(registry, policy)


def answers_to_decisions(answers: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The operator's answers (certificate_id, decision confirm/clear/None, reason) as the rows of a
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


def decide(
    registry: Registry,
    outcome: RevocationOutcome,
    decisions: pd.DataFrame | None,
    *,
    decisions_file: str = "revocation_decisions",
    actor: str = "clustercert",
    flow_run_id: str | None = None,
) -> RevocationOutcome:
    """Apply the decisions to the pending proposals: 撤销 revokes the certificate, 不予撤销 clears it."""
    if decisions is None or decisions.empty:
        return outcome
    pending = pd.DataFrame(outcome.rows)
    applied = apply_revocation_decisions(pending, decisions, decisions_file=decisions_file)
    keys = {(r["certificate_id"], r["ground"], r["evidence_key"]) for r in outcome.rows}
    with registry.transaction(flow_run_id=flow_run_id, actor=actor) as tx:
        for frame, word in ((applied.revoked, CONFIRM), (applied.cleared, CLEAR)):
            for cid, group in frame.groupby("certificate_id", sort=True):
                reason = text(group["reason"].iloc[0]) or f"省工业和信息化厅决定{word}"
                tx.decide_revocation(str(cid), None, word, reason, decided_on=outcome.as_of)
        rows = [
            state.proposal_row(p)
            for p in tx.revocation_proposals()
            if (p.certificate_id, p.ground, p.evidence_key) in keys
        ]
    return RevocationOutcome(outcome.as_of, rows, [*outcome.issues, *applied.issues], outcome.new_proposals)


def decisions_frame(reads: Iterable[TableRead]) -> tuple[pd.DataFrame | None, list[Issue], str]:
    reads = list(reads)
    frames = [r.frame for r in reads if not r.frame.empty]
    issues = [i for r in reads for i in r.issues]
    name = "、".join(r.file for r in reads) or "revocation_decisions"
    return (pd.concat(frames, ignore_index=True) if frames else None), issues, name


def write_revocations(out: Path, outcome: RevocationOutcome) -> Path:
    from clustercert.reports import render_revocation_proposals

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out, "revocation_proposals.csv", outcome.rows, state.PROPOSAL_ROW_COLUMNS)
    write_issues(out, ISSUES_FILE, outcome.issues)
    page = render_revocation_proposals(out, as_of=outcome.as_of, rows=outcome.rows)
    write_index(out, subtitle=f"数据截至 {outcome.as_of.isoformat()}")
    return page


def proposals_markdown(rows: list[dict[str, Any]]) -> str:
    """The proposals as the operator reads them in the pause form."""
    lines = ["| 认定编号 | 依据 | 证据 |", "|---|---|---|"]
    for r in rows:
        evidence = str(r["evidence"]).replace("|", "｜")
        lines.append(f"| {r['certificate_id']} | {r['ground_text']} | {evidence} |")
    return "\n".join(lines)
