"""第十五条: every revocation ground evaluated, proposals recorded, then confirmed or cleared
(`revocation-triggers`) — by a `revocation_decisions` file (batch), or by an operator in the Prefect
UI: the flow pauses once for the whole batch of proposals and waits for a typed answer. Over the
stage module `clustercert.stages.revocation`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from prefect import flow, get_run_logger
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from pydantic import BaseModel, Field

from clustercert.reports import management_stages as written
from clustercert.stages import resources, revocation
from flows import management_artifacts as shown
from flows.runtime import task_runner
from tasks import management as work
from tasks.runtime import flow_run_id, results

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
        "（暂不决定），并填写理由。\n\n" + shown.proposals_markdown(rows)
    )
    form = RevocationDecisionInput.with_initial_data(
        description=description,
        decisions=[{"certificate_id": cid, "decision": "pending", "reason": ""} for cid in ids],
    )
    answer = pause_flow_run(wait_for_input=form, timeout=timeout, poll_interval=poll_seconds, key=PAUSE_KEY)
    return [a.model_dump() for a in answer.decisions]


@flow(
    name="revocation-triggers",
    flow_run_name=shown.run_name("revocation-triggers"),
    task_runner=task_runner(),
    log_prints=False,
)
def revocation_triggers(
    out: str | None = None,
    as_of: date | None = None,
    inbox: str | None = None,
    decisions: str | None = None,
    interactive: bool = False,
    db_url: str | None = None,
    policy: str = resources.DEFAULT_POLICY,
    pause_timeout_seconds: int = 7 * 24 * 3600,
    pause_poll_seconds: int = 10,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """第十五条 撤销情形: propose revocations on all five grounds from the registry's facts and the province's findings, then apply the decisions of a file, or ask the operator when interactive.

    Args:
        out: 输出目录（默认 $CLUSTERCERT_VAR/out/revocation-triggers；revocation_proposals.csv、revocation_proposals.html）
        as_of: 检查日期（默认今天，北京时间）
        inbox: 收件目录（findings 查实情况文件；留空则只看登记库）
        decisions: 撤销决定文件 revocation_decisions（批量模式）
        interactive: 是否暂停运行，在 Prefect 界面由操作员逐个认定编号作出决定
        db_url: 登记库地址（默认 $CLUSTERCERT_DB_URL）
        policy: 政策文件（默认 hlj-2023）
        pause_timeout_seconds: 等待操作员决定的最长时间（秒）
        pause_poll_seconds: 暂停期间检查答复的间隔（秒）
        overrides: 本次调整的政策参数 {参数编号: 值}
    """
    out, inbox, _archive = shown.folders("revocation-triggers", "revocations", out=out, inbox=inbox)
    as_of = shown.resolve_as_of(as_of)
    registry, rules = resources.registry(db_url), resources.policy(policy, overrides)
    gap = revocation.calendar_gap(registry, policy=rules)
    if gap:
        return shown.stop_run(gap)
    reads = results(work.read_findings.map(revocation.files(inbox)))
    findings = revocation.decide(revocation.read(registry, as_of), reads, as_of=as_of)
    recorded = revocation.record(registry, findings, flow_run_id(), policy=rules)
    rows = revocation.pending(registry)
    frame, issues, source, actor = None, [], revocation.DECISIONS_FILE, "clustercert"
    if decisions:
        frame, issues, source = revocation.decisions_frame(
            results([work.read_decisions.submit(Path(decisions))])
        )
    elif interactive and rows:
        frame = revocation.answers_to_decisions(ask_operator(rows, pause_timeout_seconds, pause_poll_seconds))
        source, actor = "Prefect UI", OPERATOR
    applied = revocation.apply_decisions(rows, frame, source)
    if applied is not None:
        revocation.record_decisions(registry, applied, as_of, flow_run_id(), actor=actor)
        rows = revocation.listed(registry, rows)
        issues += applied.issues
    outcome = revocation.RevocationOutcome(as_of, rows, [*findings.issues, *issues])
    page = written.write_revocations(out, outcome)
    counts = {**outcome.counts(), **recorded, "input_errors": outcome.input_errors}
    shown.publish_result(
        f"revocation-proposals-{as_of}",
        outcome.rows,
        shown.REVOCATION_TABLE,
        title=f"撤销认定建议（截至 {as_of.isoformat()}）",
        page=page,
        counts=counts,
        labels={"pending": "待决定"},
    )
    get_run_logger().info(
        "撤销情形（%s）：%d 条撤销建议涉及 %d 个集群（新增 %d 条），其中撤销 %d 条、不予撤销 %d 条、待决定 %d 条；"
        "输入错误 %d 条；报告见 %s",
        as_of.isoformat(), counts["proposals"], counts["certificates"], counts["new"], counts["confirmed"],
        counts["cleared"], counts["pending"], counts["input_errors"], page,
    )  # fmt: skip
    return {"report": str(page), "out": str(Path(out)), "as_of": as_of.isoformat(), **counts}
