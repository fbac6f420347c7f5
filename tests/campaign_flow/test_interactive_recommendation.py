"""Interactive mode: the campaign pauses at the prefecture step; an operator answers through the API."""

from __future__ import annotations

import csv
import threading
import time
from datetime import date

from clustercert.samples import generate_campaign


def test_operator_answer_in_the_prefect_ui_decides_the_recommendation(prefect_api, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
    from prefect.flow_runs import resume_flow_run

    from flows.yearly_campaign import yearly_campaign

    samples = generate_campaign(tmp_path / "inbox", year=2025, count=8)
    eligible = sorted(s.submission_id for s in samples if s.expected.eligible)
    assert len(eligible) >= 2
    declined = eligible[0]
    outcome: dict = {}

    def run() -> None:
        outcome["summary"] = yearly_campaign(
            year=2025,
            inbox=str(tmp_path / "inbox"),
            out=str(tmp_path / "out"),
            as_of=date(2025, 7, 24),
            db_url=f"sqlite:///{tmp_path / 'registry.db'}",
            engine="pandas",
            interactive=True,
            approval_timeout_hours=0.1,
        )

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    from flows.approvals import field_name

    answered: set[str] = set()
    deadline = time.monotonic() + 300
    with get_client(sync_client=True) as client:
        # One pause per prefecture (第九条): answer each form as it comes.
        while worker.is_alive() and time.monotonic() < deadline:
            runs = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=["prefectures-2025"]))
            )
            paused = next((r for r in runs if r.state and r.state.is_paused()), None)
            if paused is None or paused.state.state_details.pause_key in answered:
                time.sleep(0.5)
                continue
            key = paused.state.state_details.pause_key
            code = key.removeprefix("prefecture-")
            answers = {
                field_name(sid): sid != declined for sid in eligible if _prefecture(samples, sid) == code
            }
            resume_flow_run(paused.id, run_input={**answers, "operator": "张审核", "note": "市地复核"})
            answered.add(key)
            time.sleep(0.5)
    worker.join(timeout=240)
    assert not worker.is_alive()
    assert answered, "the prefecture step never paused for input"

    rows = {
        r["submission_id"]: r
        for r in csv.DictReader((tmp_path / "out" / "decisions.csv").open(encoding="utf-8-sig"))
    }
    assert rows[declined]["recommended"] == "false"
    assert all(rows[sid]["recommended"] == "true" for sid in eligible[1:])
    assert outcome["summary"]["recommended"] == len(eligible) - 1

    from clustercert.registry import Registry

    registry = Registry.open(f"sqlite:///{tmp_path / 'registry.db'}")
    moves = [e for e in registry.audit(declined) if e.to_status == "not_recommended"]
    registry.close()
    assert [e.actor for e in moves] == ["张审核"], "the audit log names who answered"


def _prefecture(samples, submission_id: str) -> str:
    from clustercert.reference import county

    sample = next(s for s in samples if s.submission_id == submission_id)
    return county(str(sample.tables["profile"]["county_code"])).prefecture_code
