"""revocation-triggers as a stage (第十五条): findings that name no certificate, the proposals recorded
from the registry's facts, and the province's decisions from a file or the operator's answers."""

from __future__ import annotations

from datetime import date

import pandas as pd
from mgmt_inputs import calendar_policy, decisions, findings

from clustercert import contract
from clustercert.intake.tables import TypedTable, type_table
from clustercert.registry import Registry
from clustercert.stages import revocation

POLICY = calendar_policy()
AS_OF = date(2028, 3, 20)


def test_a_finding_that_names_no_certificate_is_a_located_issue() -> None:
    sheet = contract.FINDINGS
    frame = pd.DataFrame(
        [
            ["HLJTS-2026-001", "2028-01-15", "虚假申报", "函1", 2],
            ["HLJTS-1999-001", "2028-01-15", "违法违规", "函2", 3],
        ],
        columns=[*sheet.keys, "_row"],
    )
    typed, _ = type_table(frame, sheet, "findings.csv")
    found = revocation.decide({"HLJTS-2026-001"}, [TypedTable("findings.csv", typed)], as_of=AS_OF)
    ((row, column, check),) = [(i.row, i.column, i.check) for i in found.issues]
    assert (row, column, check) == (3, "认定编号", "findings.certificate_id.known")
    assert len(found.frame) == 2  # the grounds keep only certificates the registry knows
    assert revocation.decide(set(), [], as_of=AS_OF).frame is None


def test_the_operators_answers_are_the_rows_of_a_decisions_file() -> None:
    frame = revocation.answers_to_decisions(
        [
            {"certificate_id": "A", "decision": "confirm", "reason": "未报送"},
            {"certificate_id": "B", "decision": "clear", "reason": ""},
            {"certificate_id": "C", "decision": "pending", "reason": "再议"},
        ]
    )
    assert frame[["certificate_id", "decision", "reason"]].values.tolist() == [
        ["A", "撤销", "未报送"],
        ["B", "不予撤销", ""],
    ]
    assert (
        revocation.apply_decisions([], None) is None
        and revocation.apply_decisions([], frame.iloc[0:0]) is None
    )


def test_proposals_recorded_then_decided(campaign, tmp_path) -> None:
    false_declaration, refusal = (c["certificate_id"] for c in campaign.certified[:2])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    findings(inbox / "findings.csv", [
        {"certificate_id": false_declaration, "found_on": date(2028, 1, 15), "category": "虚假申报", "source": "黑工信企业函〔2028〕2号"},
        {"certificate_id": refusal, "found_on": date(2028, 2, 20), "category": "不配合监测", "source": "监测督导记录〔2028〕1号"},
    ])  # fmt: skip
    decisions(tmp_path / "revocation_decisions.csv", [
        {"certificate_id": false_declaration, "decision": "撤销", "reason": "虚假申报"},
        {"certificate_id": refusal, "decision": "不予撤销", "reason": "已整改"},
        {"certificate_id": refusal, "decision": "撤销", "reason": ""},  # contradicts the row above
    ])  # fmt: skip
    with Registry.open(campaign.url) as registry:
        reads = [revocation.read_table(p) for p in revocation.files(inbox)]
        found = revocation.decide(revocation.read(registry, AS_OF), reads, as_of=AS_OF)
        assert revocation.record(registry, found, "run-1", policy=POLICY) == {"new": 2}
        assert revocation.record(registry, found, "run-2", policy=POLICY) == {"new": 0}
        rows = revocation.pending(registry)
        assert {(r["certificate_id"], r["ground"]) for r in rows} == {
            (false_declaration, "15.2"),
            (refusal, "15.3"),
        }
        frame, issues, source = revocation.decisions_frame(
            [revocation.read_decisions(tmp_path / "revocation_decisions.csv")]
        )
        applied = revocation.apply_decisions(rows, frame, source)
        revocation.record_decisions(registry, applied, AS_OF, "run-3", actor="测试操作员")
        listed = {r["certificate_id"]: r["decision"] for r in revocation.listed(registry, rows)}
        assert listed == {false_declaration: "confirmed", refusal: "pending"}  # the contradiction waits
        assert registry.certification(false_declaration).status == "revoked"
        assert [e.actor for e in registry.audit(false_declaration) if e.to_status == "revoked"] == [
            "测试操作员"
        ]
    assert issues == [] and [i.check for i in applied.issues] == ["revocation.decision.conflict"]
