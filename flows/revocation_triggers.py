"""Art. 15: every revocation ground evaluated, proposals recorded, then confirmed or cleared
(`revocation-triggers`) — by a `revocation_decisions` file (batch), or by an operator in the Prefect
UI: the flow pauses once for the whole batch of proposals and waits for a typed answer."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from prefect import flow
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from pydantic import BaseModel, Field

from clustercert.management.pipeline import (
    answers_to_decisions,
    decisions_frame,
    findings_files,
    proposals_markdown,
)
from clustercert.management.pipeline.state import PROPOSAL_ROW_COLUMNS
from flows.management_artifacts import DEFAULT_OUT, publish_result, resolve_as_of, run_name, stop_run
from tasks import management as work

OPERATOR = "operator (Prefect UI)"
PAUSE_KEY = "revocation-decisions"


class RevocationAnswer(BaseModel):
    """The operator's decision on one certificate's proposals."""

    certificate_id: str = Field(description="认定编号")
    decision: Literal["confirm", "clear", "pending"] = Field(
        "pending", description="confirm = 撤销 · clear = 不予撤销 · pending = 暂不决定"
    )
    reason: str = Field("", description="理由")


class RevocationDecisionInput(RunInput):
    """One answer per certificate with pending proposals."""

    decisions: list[RevocationAnswer]


def ask_operator(rows: list[dict[str, Any]], timeout: int, poll_seconds: int) -> list[dict[str, Any]]:
    """Pause the run until an operator answers for the batch; returns their answers as dicts."""
    ids = sorted({r["certificate_id"] for r in rows})
    description = (
        "## 撤销认定建议（第十五条）\n\n请对每个认定编号选择 confirm（撤销）、clear（不予撤销）或 pending"
        "（暂不决定），并填写理由。\n\n" + proposals_markdown(rows)
    )
    form = RevocationDecisionInput.with_initial_data(
        description=description,
        decisions=[{"certificate_id": cid, "decision": "pending", "reason": ""} for cid in ids],
    )
    answer = pause_flow_run(wait_for_input=form, timeout=timeout, poll_interval=poll_seconds, key=PAUSE_KEY)
    return [a.model_dump() for a in answer.decisions]


@flow(name="revocation-triggers", flow_run_name=run_name("revocation-triggers"))
def revocation_triggers(
    out: str = DEFAULT_OUT,
    as_of: date | None = None,
    inbox: str | None = None,
    decisions: str | None = None,
    interactive: bool = False,
    db_url: str | None = None,
    policy: str = work.POLICY,
    pause_timeout_seconds: int = 7 * 24 * 3600,
    pause_poll_seconds: int = 10,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Propose revocations on all five grounds, from the registry's facts and the `findings` files in
    `inbox`, then apply decisions from the `decisions` file, or ask the operator when `interactive`."""
    as_of = resolve_as_of(as_of)
    gap = work.check_revocation_calendar(db_url, policy, overrides)
    if gap:
        return stop_run(gap)
    futures = [work.read_findings.submit(p) for p in findings_files(Path(inbox) if inbox else None)]
    outcome = work.propose_revocations([f.result() for f in futures], as_of, db_url, policy, overrides)
    frame, issues, source, actor = None, [], "revocation_decisions", "clustercert"
    if decisions:
        frame, issues, source = decisions_frame([work.read_decisions(Path(decisions))])
    elif interactive and outcome.rows:
        frame = answers_to_decisions(ask_operator(outcome.rows, pause_timeout_seconds, pause_poll_seconds))
        source, actor = "Prefect UI", OPERATOR
    outcome.issues += issues
    outcome = work.apply_decisions(outcome, frame, source, actor, db_url)
    page = work.write_revocations(Path(out), outcome)
    counts = {**outcome.counts(), "new": outcome.new_proposals, "input_errors": outcome.input_errors}
    publish_result(
        f"revocation-proposals-{as_of}",
        outcome.rows,
        PROPOSAL_ROW_COLUMNS[:4] + ["decision"],
        title=f"撤销认定建议（截至 {as_of.isoformat()}）",
        page=page,
        counts=counts,
    )
    return {"report": str(page), "out": str(Path(out)), "as_of": as_of.isoformat(), **counts}
