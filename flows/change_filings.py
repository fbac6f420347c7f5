"""第十二条: major-change filings within one month (`change-filings`), over the stage module
`clustercert.stages.changes`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from clustercert.reports import management_stages as written
from clustercert.stages import changes, resources
from flows import management_artifacts as shown
from flows.runtime import task_runner
from tasks import management as work
from tasks.runtime import flow_run_id, results


@flow(
    name="change-filings",
    flow_run_name=shown.run_name("change-filings"),
    task_runner=task_runner(),
    log_prints=False,
)
def change_filings(
    inbox: str | None = None,
    out: str | None = None,
    as_of: date | None = None,
    db_url: str | None = None,
    policy: str = resources.DEFAULT_POLICY,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """第十二条 重大变动备案: judge the `change_filings` files (filed within one calendar month of the change?) and the changes monitoring reports declared; an on-time filing updates the cluster, a late or missing one is 第十五条（四）.

    Args:
        inbox: 收件目录（change_filings 文件，.csv / .xlsx / .json；留空则只判定已登记的变动）
        out: 输出目录（默认 $CLUSTERCERT_VAR/out/change-filings；change_filings.csv、change_filings.html）
        as_of: 判定日期（默认今天，北京时间）
        db_url: 登记库地址（默认 $CLUSTERCERT_DB_URL）
        policy: 政策文件（默认 hlj-2023）
        overrides: 本次调整的政策参数 {参数编号: 值}
    """
    out, inbox, _archive = shown.folders("change-filings", "filings", out=out, inbox=inbox)
    as_of = shown.resolve_as_of(as_of)
    registry, rules = resources.registry(db_url), resources.policy(policy, overrides)
    reads = results(work.read_filings.map(changes.files(inbox)))
    gap = changes.calendar_gap(registry, reads, policy=rules)
    if gap:
        return shown.stop_run(gap)
    outcome = changes.decide(changes.read(registry), reads, as_of=as_of, policy=rules)
    recorded = changes.record(registry, outcome, flow_run_id(), policy=rules)
    page = written.write_changes(out, outcome)
    counts = {**outcome.counts(), **recorded, "input_errors": outcome.input_errors}
    shown.publish_result(
        f"change-filings-{as_of}",
        outcome.rows,
        shown.CHANGES_TABLE,
        title=f"重大变动备案（截至 {as_of.isoformat()}）",
        page=page,
        counts=counts,
        labels={"on_time": "按时备案", "pending": "待备案（未到期限）"},
    )
    get_run_logger().info(
        "重大变动备案（%s）：%d 项变动，按时备案 %d、逾期或未备案 %d、未到期限 %d；登记信息更新 %d 项，"
        "新增撤销建议 %d 条；收到 %d 个备案文件，输入错误 %d 条；报告见 %s",
        as_of.isoformat(), counts["changes"], counts["on_time"], counts["late_or_unfiled"], counts["pending"],
        counts["registry_updates"], counts["revocation_proposals_new"], len(reads), counts["input_errors"], page,
    )  # fmt: skip
    return {"report": str(page), "out": str(Path(out)), "as_of": as_of.isoformat(), **counts}
