"""Art. 15 revocation proposals (cases in cases/revocation.yaml) and the province's decisions."""

from datetime import date

import pandas as pd
import pytest
from management_fixtures import case_ids, load_cases

from clustercert import contract
from clustercert.management.expiry import ReviewOutcome
from clustercert.management.revocation import (
    FINDING_GROUNDS,
    PROPOSAL_COLUMNS,
    apply_revocation_decisions,
    propose_revocations,
    veto_rule_from_policy,
)
from clustercert.policy import load_policy

TABLE = load_cases("revocation.yaml")
AS_OF = TABLE["as_of"]
VETO = veto_rule_from_policy(load_policy("hlj-2023"))


def _review(row):
    return ReviewOutcome(
        certificate_id=row["certificate_id"],
        passed=row["passed"],
        old_valid_until=row["old_valid_until"],
        new_valid_until=None,
        failed_criteria=tuple(row["failed_criteria"]),
        score=None,
        plan_completion_pct=None,
        plan_unmet="",
        article="15.1",
        review_id=row["review_id"],
        explanation="",
    )


def _inputs(case):
    if case["input"] == "review_failures":
        return {"review_failures": [_review(r) for r in case["rows"]]}
    return {case["input"]: pd.DataFrame(case["rows"])}


@pytest.mark.parametrize("case", TABLE["cases"], ids=case_ids(TABLE["cases"]))
def test_each_ground_gives_exactly_its_proposal(case):
    proposals = propose_revocations(AS_OF, veto_rules=VETO, findings_file="findings.xlsx", **_inputs(case))
    got = proposals[["certificate_id", "ground", "evidence_key"]].to_dict(orient="records")
    expected = [{k: p[k] for k in ("certificate_id", "ground", "evidence_key")} for p in case["proposals"]]
    assert got == expected
    for row, want in zip(proposals.to_dict(orient="records"), case["proposals"], strict=True):
        for fragment in want["evidence_has"]:
            assert str(fragment) in row["evidence"]
        assert row["proposed_on"] == AS_OF
        assert row["proposal_id"] == f"{row['certificate_id']}|{row['ground']}|{row['evidence_key']}"
        assert row["ground_text"].startswith("第十五条")


def _all_grounds():
    return {
        kind: [r for case in TABLE["cases"] if case["input"] == kind for r in case["rows"]]
        for kind in {case["input"] for case in TABLE["cases"]}
    }


def _propose_all(as_of, duplicate=False):
    rows = _all_grounds()
    factor = 2 if duplicate else 1
    kwargs = {k: pd.DataFrame(v * factor) for k, v in rows.items() if k != "review_failures"}
    reviews = [_review(r) for r in rows["review_failures"]] * factor
    return propose_revocations(as_of, review_failures=reviews, veto_rules=VETO, **kwargs)


def test_all_five_grounds_in_a_deterministic_order():
    proposals = _propose_all(AS_OF)
    assert list(proposals.columns[:4]) == ["certificate_id", "ground", "evidence", "proposed_on"]
    assert list(proposals.columns) == PROPOSAL_COLUMNS
    assert sorted(set(proposals["ground"])) == ["15.1", "15.2", "15.3", "15.4", "15.5"]
    keys = list(zip(proposals["certificate_id"], proposals["ground"], proposals["evidence_key"], strict=True))
    assert keys == sorted(keys)
    assert len(proposals) == sum(len(c["proposals"]) for c in TABLE["cases"])


def test_proposals_are_idempotent():
    once = _propose_all(AS_OF)
    assert _propose_all(AS_OF, duplicate=True).equals(once)  # the same facts twice: no duplicate
    later = _propose_all(date(2027, 4, 1))
    assert list(later["proposal_id"]) == list(once["proposal_id"])  # a later run: same identities


def test_a_late_report_is_a_ground_unless_the_policy_exempts_it():
    rows = pd.DataFrame(
        [
            {
                "certificate_id": "HLJ-2023-003",
                "report_status": "late",
                "report_year": 2026,
                "deadline": date(2027, 3, 10),
                "note": "报送日期2027-03-11晚于期限2027-03-10",
                "file": "m.xlsx",
            }
        ]
    )
    (proposal,) = propose_revocations(AS_OF, monitoring_rows=rows).to_dict("records")
    assert (proposal["ground"], proposal["evidence_key"]) == ("15.3", "monitoring_late:2026")
    assert propose_revocations(AS_OF, monitoring_rows=rows, late_reports_are_ground=False).empty


def test_findings_go_to_their_categorys_ground():
    assert FINDING_GROUNDS == {"虚假申报": "15.2", "违法违规": "15.2", "不配合监测": "15.3"}
    assert set(FINDING_GROUNDS) == set(contract.FINDING_CATEGORIES)
    findings = pd.DataFrame(
        [
            {
                "certificate_id": "A",
                "found_on": date(2027, 3, 1),
                "category": "不配合监测",
                "source": "督导记录",
            },
            {
                "certificate_id": "A",
                "found_on": date(2027, 3, 1),
                "category": "违法违规",
                "source": "处罚决定",
            },
        ]
    )
    proposals = propose_revocations(AS_OF, findings=findings)
    assert list(zip(proposals["ground"], proposals["evidence_key"], strict=True)) == [
        ("15.2", "finding:2027-03-01:违法违规:处罚决定"),
        ("15.3", "refusal:2027-03-01:督导记录"),
    ]


def test_incidents_without_the_veto_rule_is_a_bug():
    incidents = pd.DataFrame([{"certificate_id": "X", "category": "安全事故", "severity": "重大"}])
    with pytest.raises(ValueError, match="veto"):
        propose_revocations(AS_OF, incidents=incidents)


@pytest.mark.parametrize(
    ("category", "severity", "expected"),
    [
        ("安全事故", "较大", True),
        ("安全事故", "一般", False),
        ("网络安全事件", "重大", True),
        ("网络安全事件", "较大", False),
        ("严重失信", None, True),
        ("质量事故", None, None),
    ],
)
def test_veto_rule_is_the_policy_art_6_rule(category, severity, expected):
    assert VETO(category, severity) is expected


# ------------------------------------------------------------------------------------------ decisions
def _proposals():
    return _propose_all(AS_OF)


def _decisions(*rows):
    sheet = contract.REVOCATION_DECISIONS_SHEET
    frame = pd.DataFrame([dict(zip(sheet.keys, r, strict=True)) for r in rows], columns=sheet.keys)
    frame["_row"] = range(2, 2 + len(rows))
    return frame


def test_decisions_revoke_clear_and_leave_pending():
    proposals = _proposals()
    result = apply_revocation_decisions(
        proposals,
        _decisions(("HLJ-2023-001", "撤销", "复核未通过"), ("HLJ-2023-002", "不予撤销", "经核实为笔误")),
        decisions_file="revocation_decisions.xlsx",
    )
    revoked, cleared, pending = result  # unpacks like a tuple
    assert set(revoked["certificate_id"]) == {"HLJ-2023-001"}
    assert set(revoked["ground"]) == {"15.1"} and set(revoked["reason"]) == {"复核未通过"}
    assert set(cleared["certificate_id"]) == {"HLJ-2023-002"} and set(cleared["decision"]) == {"不予撤销"}
    assert set(pending["certificate_id"]) == {"HLJ-2023-003", "HLJ-2023-004", "HLJ-2023-005"}
    assert len(revoked) + len(cleared) + len(pending) == len(proposals)
    assert result.issues == []


def test_decisions_that_cannot_apply_are_located_issues():
    result = apply_revocation_decisions(
        _proposals(),
        _decisions(
            ("HLJ-9999-001", "撤销", ""),  # row 2: no proposal for it
            ("HLJ-2023-001", "撤回", ""),  # row 3: not a decision word
            ("HLJ-2023-002", "撤销", ""),  # row 4
            ("HLJ-2023-002", "不予撤销", ""),  # row 5: contradicts row 4
        ),
        decisions_file="revocation_decisions.xlsx",
    )
    assert [(i.check, i.row, i.column) for i in result.issues] == [
        ("revocation.decision.unknown_certificate", 2, "认定编号"),
        ("revocation.decision.allowed", 3, "决定"),
        ("revocation.decision.conflict", 5, "决定"),
    ]
    assert all(i.file == "revocation_decisions.xlsx" and i.sheet == "撤销决定" for i in result.issues)
    assert "HLJ-9999-001" in result.issues[0].message
    assert result.revoked.empty and result.cleared.empty  # the conflicted certificate stays pending
    assert "HLJ-2023-002" in set(result.still_pending["certificate_id"])
