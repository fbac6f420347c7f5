"""`revocation-triggers` (Art. 15): all five grounds, then decisions from a file (batch) or from an
operator who answers the paused run through the Prefect API (interactive)."""

from __future__ import annotations

import csv
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from mgmt_inputs import TEST_CALENDAR, calendar_policy, decisions, findings
from mgmt_stages import run_monitoring

from clustercert.registry import Registry
from clustercert.samples import cast_roles, generate_monitoring

pytestmark = pytest.mark.usefixtures("prefect_api")
AS_OF = date(2030, 2, 1)  # after the review window of the 2029-08-02 expiries


def read_csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def monitored(campaign, tmp_path):
    """2027 monitoring recorded: a missing report (15.3) and an Art. 6 incident (15.5); changes filed
    late (15.4) are recorded as the changes flow would."""
    generate_monitoring(
        tmp_path / "mon", certified=campaign.certified, report_year=2027, as_of_deadline=date(2028, 3, 10)
    )
    with Registry.open(campaign.url) as registry:
        run_monitoring(
            registry, tmp_path / "mon", report_year=2027, as_of=date(2028, 3, 11), policy=calendar_policy()
        )
        with registry.transaction() as tx:
            cid = campaign.certified[2]["certificate_id"]
            tx.record_change_filing(
                cid,
                change_type="空间范围",
                changed_on=date(2027, 5, 20),
                filed_on=date(2027, 6, 21),
                new_value="扩区",
                on_time=False,
            )


def test_five_grounds_and_batch_decisions(campaign, tmp_path):
    from flows.revocation_triggers import revocation_triggers

    monitored(campaign, tmp_path)
    cast = cast_roles(campaign.certified)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    findings(inbox / "findings.csv", [
        {"certificate_id": cast.false_declaration, "found_on": date(2029, 9, 1), "category": "虚假申报", "source": "黑工信企业函〔2029〕1号"},
        {"certificate_id": cast.below_threshold, "found_on": date(2029, 10, 8), "category": "不配合监测", "source": "监测督导记录〔2029〕3号"},
    ])  # fmt: skip
    confirm, clear = cast.missing, cast.art6_incident
    decisions(
        tmp_path / "revocation_decisions.csv",
        [
            {"certificate_id": confirm, "decision": "撤销", "reason": "未报送年度发展情况"},
            {"certificate_id": clear, "decision": "不予撤销", "reason": "已整改"},
            {"certificate_id": "HLJTS-1999-999", "decision": "撤销", "reason": ""},
        ],
    )
    out = tmp_path / "out"
    result = revocation_triggers(
        out=str(out),
        as_of=AS_OF,
        inbox=str(inbox),
        decisions=str(tmp_path / "revocation_decisions.csv"),
        db_url=campaign.url,
        overrides=TEST_CALENDAR,
    )
    rows = read_csv(out / "revocation_proposals.csv")
    assert list(rows[0])[:4] == ["certificate_id", "ground", "evidence", "proposed_on"]
    assert {r["ground"] for r in rows} == {"15.1", "15.2", "15.3", "15.4", "15.5"}
    grounds = {(r["certificate_id"], r["ground"]) for r in rows}
    assert {(cast.missing, "15.3"), (cast.false_declaration, "15.2"), (cast.art6_incident, "15.5")} <= grounds
    (refusal,) = [r for r in rows if r["evidence_key"] == "refusal:2029-10-08:监测督导记录〔2029〕3号"]
    assert (refusal["certificate_id"], refusal["ground"]) == (cast.below_threshold, "15.3")  # not 15.2
    assert (
        "不接受、不配合监测监督工作" in refusal["evidence"]
        and "findings.csv 查实情况 第3行" in refusal["evidence"]
    )
    assert result["input_errors"] == 1  # the decision for a certificate without a proposal
    with Registry.open(campaign.url) as registry:
        assert registry.certification(confirm).status == "revoked"
        assert registry.certification(clear).status == "cleared"
        others = [
            c["certificate_id"] for c in campaign.certified if c["certificate_id"] not in (confirm, clear)
        ]
        assert {registry.certification(c).status for c in others} == {"revocation_proposed"}
    decided = {r["certificate_id"]: r["decision"] for r in rows}
    assert (decided[confirm], decided[clear]) == ("confirmed", "cleared")


def _paused_run(flow_name: str, timeout: float = 60):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowFilter,
        FlowFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            runs = client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])),
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(type=FlowRunFilterStateType(any_=["PAUSED"]))
                ),
            )
            if runs:
                return runs[0]
            time.sleep(0.3)
    raise AssertionError("the flow run never paused")


def test_interactive_pause_is_answered_through_the_api(campaign, tmp_path):
    from prefect.flow_runs import resume_flow_run

    from flows.revocation_triggers import revocation_triggers

    monitored(campaign, tmp_path)
    cast = cast_roles(campaign.certified)
    result: dict = {}

    def run() -> None:
        result.update(
            revocation_triggers(
                out=str(tmp_path / "out"),
                as_of=date(2028, 3, 20),
                interactive=True,
                db_url=campaign.url,
                pause_poll_seconds=1,
                overrides=TEST_CALENDAR,
            )
        )

    thread = threading.Thread(target=run)
    thread.start()
    paused = _paused_run("revocation-triggers")
    assert paused.name == "revocation-triggers-as-of-2028-03-20"
    resume_flow_run(
        paused.id,
        run_input={
            "decisions": [
                {"certificate_id": cast.missing, "decision": "confirm", "reason": "未报送"},
                {"certificate_id": cast.art6_incident, "decision": "clear", "reason": "已整改"},
            ]
        },
    )
    thread.join(timeout=60)
    assert not thread.is_alive()
    with Registry.open(campaign.url) as registry:
        answered = [
            p
            for p in registry.revocation_proposals()
            if p.certificate_id in (cast.missing, cast.art6_incident)
        ]
    # a decision settles every pending proposal of its certificate; the others stay pending
    assert result["confirmed"] + result["cleared"] == len(answered) and result["confirmed"] >= 1
    assert result["pending"] == result["proposals"] - len(answered)
    with Registry.open(campaign.url) as registry:
        assert registry.certification(cast.missing).status == "revoked"
        assert registry.certification(cast.art6_incident).status == "cleared"
        entries = [e for e in registry.audit(cast.missing) if e.to_status == "revoked"]
        assert [e.actor for e in entries] == ["operator (Prefect UI)"]


def test_a_year_the_calendar_does_not_cover_stops_the_run_with_its_message(campaign, tmp_path):
    from prefect.exceptions import FailedRun

    from flows.revocation_triggers import revocation_triggers

    monitored(campaign, tmp_path)  # 2027 facts: filing deadlines in 2027, the report deadline in 2028
    with Registry.open(campaign.url) as registry:
        before = registry.row_counts()["revocation_proposals"]
    with pytest.raises(FailedRun, match="2027年法定节假日安排尚未收录"):
        revocation_triggers(out=str(tmp_path / "out"), as_of=AS_OF, db_url=campaign.url)
    with Registry.open(campaign.url) as registry:
        assert registry.row_counts()["revocation_proposals"] == before  # nothing proposed
