"""Art. 15 — revocation triggers: every ground is evaluated, the result is a *proposal* with evidence.

The five grounds of 第十五条 and what raises each:

    15.1  expiry.csv status expired_no_review, or a failed review (`expiry.ReviewOutcome`)
    15.2  a finding (查实 虚假申报 / 违法违规) from the province
    15.3  monitoring.csv status missing or late (第十五条（三）"未及时报送": a report after the deadline
          was not sent in time; policy `A15.late_report_is_ground`, on by default, may exempt late
          ones), and a finding 不配合监测 (the province recorded that the cluster did not accept or
          cooperate with monitoring: "不接受、不配合监测监督工作")
    15.4  change_filings.csv rows with on_time = False (late, or declared in monitoring, never filed)
    15.5  an incident declared in a monitoring report that the Art. 6 veto rule catches (the rule is
          passed in, from the policy: categories and severities are never re-encoded here); a graded
          incident reported without its grade is proposed too, saying the grade must be checked

A proposal's identity is (certificate_id, ground, evidence_key): the same facts give the same key on
every run, so the registry can keep the first proposed_on and never store a duplicate. Evidence is
Chinese and concrete (dates, file, sheet, row). Nothing here revokes: `apply_revocation_decisions`
takes the province's decisions (撤销 / 不予撤销), certificate by certificate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from clustercert import contract
from clustercert.issue import Issue, Severity
from clustercert.lifecycle import REVOCATION_GROUND_LABELS
from clustercert.management.calendar_months import shanghai_date
from clustercert.management.expiry import ReviewOutcome
from clustercert.management.tables import is_blank, location, output_frame, records, source_row, text
from clustercert.policy import Policy
from clustercert.rules.veto import vetoes

GROUNDS = REVOCATION_GROUND_LABELS  # 第十五条 (一)–(五), from the lifecycle (the one source)
PROPOSAL_FIELDS = ["certificate_id", "ground", "evidence", "proposed_on", "ground_text", "evidence_key"]
PROPOSAL_COLUMNS = [*PROPOSAL_FIELDS, "proposal_id"]
# revocation_proposals.csv (SPEC §5 columns first): a recorded proposal and where it stands
LISTED_COLUMNS = [*PROPOSAL_FIELDS, "decision", "decided_on", "reason"]
DECISION_COLUMNS = [*PROPOSAL_COLUMNS, "decision", "reason"]
CONFIRM, CLEAR = contract.REVOCATION_DECISIONS  # 撤销, 不予撤销
# The ground each category of the province's findings rests on: 虚假申报 and 违法违规 are 第十五条（二）,
# a refusal of monitoring (不配合监测) is 第十五条（三）.
FINDING_GROUNDS: dict[str, str] = dict(
    zip(contract.FINDING_CATEGORIES, ("15.2", "15.2", "15.3"), strict=True)
)

# (category, severity or None) → does the Art. 6 rule catch it? None: a graded category without a
# severity, which cannot be judged (the rule engine's `rules.veto.vetoes` contract).
IncidentVeto = Callable[[str, str | None], bool | None]
# What a ground found: (certificate_id, ground, evidence key, evidence)
Found = tuple[str, str, str, str]


def veto_rule_from_policy(policy: Policy) -> IncidentVeto:
    """The Art. 6 veto of the policy (`policy.veto`, judged by `rules.veto.vetoes`) as a predicate:
    第十五条（五） lists the very incidents 第六条 does."""
    rule = policy.veto
    if rule is None:
        raise ValueError(f"policy {policy.name} has no Art. 6 veto rule")
    return lambda category, severity: vetoes(rule, category, severity)


def _proposal(cid: str, ground: str, key: str, evidence: str, as_of: date) -> dict[str, Any]:
    return {
        "certificate_id": cid,
        "ground": ground,
        "evidence": evidence,
        "proposed_on": as_of,
        "ground_text": GROUNDS[ground],
        "evidence_key": key,
        "proposal_id": f"{cid}|{ground}|{key}",
    }


def _iso(value: Any) -> str:
    day = shanghai_date(value)
    return day.isoformat() if day else ""


def _ground_15_1(
    expiry_rows: pd.DataFrame | None, review_failures: Iterable[ReviewOutcome]
) -> Iterator[Found]:
    for row in records(expiry_rows):
        if row["status"] == "expired_no_review":
            until = _iso(row["valid_until"])
            note = text(row.get("note")) or "有效期满后未申请复核"
            yield (
                row["certificate_id"],
                "15.1",
                f"expired:{until}",
                f"认定有效期至{until}；{note}（expiry.csv）。",
            )
    for outcome in review_failures:
        if outcome.passed:
            continue
        old = outcome.old_valid_until.isoformat()
        failed = "、".join(outcome.failed_criteria) or "认定条件"
        where = f"复核申报{outcome.review_id}" if outcome.review_id else "复核"
        yield (
            outcome.certificate_id,
            "15.1",
            f"review:{outcome.review_id or old}",
            f"原有效期至{old}，{where}未通过：未满足{failed}。",
        )


def _findings(findings: pd.DataFrame | None, findings_file: str, ground: str) -> Iterator[Found]:
    """The findings whose category rests on `ground` (FINDING_GROUNDS), as proposals."""
    sheet = contract.FINDINGS.label
    for rec in records(findings):
        found_on, category, source = (
            _iso(rec.get("found_on")),
            text(rec.get("category")),
            text(rec.get("source")),
        )
        if FINDING_GROUNDS.get(category) != ground:
            continue
        where = location(text(rec.get("file")) or findings_file, sheet, source_row(rec))
        if ground == "15.3":
            key, what = f"refusal:{found_on}:{source}", "不接受、不配合监测监督工作"
        else:
            key, what = f"finding:{found_on}:{category}:{source}", category
        yield (text(rec["certificate_id"]), ground, key, f"{found_on}查实{what}，依据：{source}（{where}）。")


def _ground_15_3(monitoring_rows: pd.DataFrame | None, late: bool) -> Iterator[Found]:
    for row in records(monitoring_rows):
        year, deadline, note = row.get("report_year"), _iso(row.get("deadline")), text(row.get("note"))
        if row["report_status"] == "missing":
            moved = text(row.get("deadline_note"))
            yield (
                row["certificate_id"],
                "15.3",
                f"monitoring:{year}",
                f"{year}年度集群发展情况：{note}，报送期限{deadline}{'（' + moved + '）' if moved else ''}"
                "已过（monitoring.csv）。",
            )
        elif late and row["report_status"] == "late":
            yield (
                row["certificate_id"],
                "15.3",
                f"monitoring_late:{year}",
                f"{year}年度集群发展情况逾期报送，属未及时报送：{note}（{text(row.get('file'))}）。",
            )


def _ground_15_4(filing_rows: pd.DataFrame | None) -> Iterator[Found]:
    for row in records(filing_rows):
        if is_blank(row.get("on_time")) or str(row["on_time"]).lower() not in {"false", "否"}:
            continue  # on time, or still pending (empty)
        changed_on, change_type = _iso(row["changed_on"]), text(row["change_type"])
        filed = f"实际备案日期{_iso(row['filed_on'])}" if not is_blank(row.get("filed_on")) else "未备案"
        row_no = None if is_blank(row.get("row")) else int(row["row"])
        where = location(text(row.get("file")), text(row.get("sheet")), row_no)
        moved = text(row.get("due_note"))
        yield (
            text(row["certificate_id"]),
            "15.4",
            f"change:{change_type}:{changed_on}",
            f"{changed_on}发生{change_type}变动（变动后：{text(row.get('new_value'))}），"
            f"应于{_iso(row['due_on'])}前备案{'（' + moved + '）' if moved else ''}，{filed}（{where}）。",
        )


def _ground_15_5(incidents: pd.DataFrame | None, veto_rules: IncidentVeto | None) -> Iterator[Found]:
    if incidents is None or incidents.empty:
        return
    if veto_rules is None:
        raise ValueError("incidents given without the Art. 6 veto rule (veto_rules)")
    for rec in records(incidents):
        category, severity = text(rec.get("category")), text(rec.get("severity")) or None
        verdict = veto_rules(category, severity)
        if verdict is False:
            continue
        occurred_on, uscc = _iso(rec.get("occurred_on")), text(rec.get("uscc"))
        row_no = None if is_blank(rec.get("row")) else int(rec["row"])
        where = location(text(rec.get("file")), text(rec.get("sheet")), row_no)
        description = text(rec.get("description"))
        what = f"{severity or ''}{category}{'：' + description if description else ''}"
        # A graded incident without its grade cannot be cleared unseen: propose, and say why.
        unknown = "" if verdict else "；未填报等级，无法排除第十五条（五）情形，请核实等级"
        yield (
            text(rec["certificate_id"]),
            "15.5",
            f"incident:{occurred_on}:{uscc}:{category}:{severity or ''}",
            f"{occurred_on}集群企业（统一社会信用代码 {uscc}）发生{what}（{where}）{unknown}。",
        )


def propose_revocations(
    as_of: date,
    *,
    expiry_rows: pd.DataFrame | None = None,
    review_failures: Iterable[ReviewOutcome] = (),
    findings: pd.DataFrame | None = None,
    monitoring_rows: pd.DataFrame | None = None,
    filing_rows: pd.DataFrame | None = None,
    incidents: pd.DataFrame | None = None,
    veto_rules: IncidentVeto | None = None,
    late_reports_are_ground: bool = True,
    findings_file: str = "findings",
) -> pd.DataFrame:
    """`revocation_proposals.csv` rows from every ground of Art. 15, deduplicated and sorted.

    `findings` (certificate_id, found_on, category, source) go to their category's ground
    (`FINDING_GROUNDS`); `late_reports_are_ground` is policy `A15.late_report_is_ground`.
    """
    found = [
        *_ground_15_1(expiry_rows, review_failures),
        *_findings(findings, findings_file, "15.2"),
        *_ground_15_3(monitoring_rows, late_reports_are_ground),
        *_findings(findings, findings_file, "15.3"),
        *_ground_15_4(filing_rows),
        *_ground_15_5(incidents, veto_rules),
    ]
    proposals: dict[str, dict[str, Any]] = {}
    for cid, ground, key, evidence in found:
        proposal = _proposal(str(cid), ground, key, evidence, as_of)
        proposals.setdefault(proposal["proposal_id"], proposal)
    ordered = sorted(proposals.values(), key=lambda p: (p["certificate_id"], p["ground"], p["evidence_key"]))
    return output_frame(ordered, PROPOSAL_COLUMNS)


# ------------------------------------------------------------------------------------------ decisions
@dataclass
class RevocationDecisions:
    revoked: pd.DataFrame  # proposals of certificates the province revoked (撤销), with decision and reason
    cleared: pd.DataFrame  # proposals the province cleared (不予撤销)
    still_pending: pd.DataFrame  # proposals with no (usable) decision yet
    issues: list[Issue]

    def __iter__(
        self,
    ) -> Iterator[pd.DataFrame]:  # `revoked, cleared, pending = apply_revocation_decisions(…)`
        return iter((self.revoked, self.cleared, self.still_pending))


def apply_revocation_decisions(
    proposals: pd.DataFrame, decisions: pd.DataFrame | None, *, decisions_file: str = "revocation_decisions"
) -> RevocationDecisions:
    """Apply the province's decisions (certificate_id, decision 撤销/不予撤销, reason, _row).

    A decision covers every pending proposal of its certificate. A decision for a certificate with
    no proposal, an unknown decision word, or two different decisions for one certificate are
    located issues; the conflicting certificate stays pending.
    """
    sheet = contract.REVOCATION_DECISIONS_SHEET
    proposed = set(proposals["certificate_id"].astype(str)) if len(proposals) else set()
    chosen: dict[str, tuple[str, str]] = {}
    conflicted: set[str] = set()
    issues: list[Issue] = []

    def issue(row: int | None, column: str, check: str, message: str) -> None:
        issues.append(
            Issue(
                decisions_file,
                decisions_file,
                sheet.label,
                row,
                sheet.column(column).label,
                check,
                Severity.ERROR,
                message,
                "第十五条；SPEC §3.2",
            )
        )

    for rec in records(decisions):
        cid, decision, row = text(rec.get("certificate_id")), text(rec.get("decision")), source_row(rec)
        if cid not in proposed:
            issue(
                row,
                "certificate_id",
                "revocation.decision.unknown_certificate",
                f"认定编号“{cid}”没有待决定的撤销建议，该决定未处理；请核对 revocation_proposals.csv。",
            )
        elif decision not in contract.REVOCATION_DECISIONS:
            issue(
                row,
                "decision",
                "revocation.decision.allowed",
                f"决定“{decision}”无法识别，请填写“{CONFIRM}”或“{CLEAR}”。",
            )
        elif cid in chosen and chosen[cid][0] != decision:
            issue(
                row,
                "decision",
                "revocation.decision.conflict",
                f"认定编号“{cid}”有相互矛盾的决定（{chosen[cid][0]}、{decision}），暂不处理，请只保留一个决定。",
            )
            conflicted.add(cid)
        else:
            chosen.setdefault(cid, (decision, text(rec.get("reason"))))

    revoked: list[dict[str, Any]] = []
    cleared: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    for proposal in records(proposals):
        cid = str(proposal["certificate_id"])
        decision, reason = chosen.get(cid, ("", "")) if cid not in conflicted else ("", "")
        decided = {**proposal, "decision": decision, "reason": reason}
        {CONFIRM: revoked, CLEAR: cleared}.get(decision, pending).append(decided)
    return RevocationDecisions(
        output_frame(revoked, DECISION_COLUMNS),
        output_frame(cleared, DECISION_COLUMNS),
        output_frame(pending, DECISION_COLUMNS),
        issues,
    )
