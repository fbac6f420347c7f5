"""第十三条: the yearly monitoring report (`monitoring-report`) and the reminder a week before its
deadline (`monitoring-reminder`), over the stage module `clustercert.stages.monitoring`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, unmapped

from clustercert.reports import management_stages as written
from clustercert.stages import monitoring, resources
from flows import management_artifacts as shown
from flows.runtime import publish_markdown, publish_table, task_runner
from tasks import management as work
from tasks.runtime import flow_run_id, results


@flow(
    name="monitoring-report",
    flow_run_name=shown.run_name("monitoring", with_year=True),
    task_runner=task_runner(),
    log_prints=False,
)
def monitoring_report(
    inbox: str | None = None,
    out: str | None = None,
    as_of: date | None = None,
    report_year: int | None = None,
    db_url: str | None = None,
    archive: str | None = None,
    policy: str = resources.DEFAULT_POLICY,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """第十三条 年度发展情况监测: compile the prefectures' workbooks for report year R against the certified clusters; missing and late reports, declared changes and incidents become revocation proposals.

    Args:
        inbox: 收件目录（各市（地）报送的年度发展情况工作簿）
        out: 输出目录（默认 $CLUSTERCERT_VAR/out/monitoring-report；monitoring.csv、monitoring.html 等）
        as_of: 监测基准日（默认今天，北京时间）
        report_year: 报告年度 R（默认基准日的上一年）
        db_url: 登记库地址（默认 $CLUSTERCERT_DB_URL）
        archive: 原始文件归档目录（按 SHA-256 保存；默认 $CLUSTERCERT_VAR/archive）
        policy: 政策文件（默认 hlj-2023）
        overrides: 本次调整的政策参数 {参数编号: 值}
    """
    out, inbox, archive = shown.folders(
        "monitoring-report", "monitoring", out=out, inbox=inbox, archive=archive
    )
    as_of = shown.resolve_as_of(as_of)
    year = report_year or as_of.year - 1
    registry, rules = resources.registry(db_url), resources.policy(policy, overrides)
    gap = monitoring.calendar_gap(registry, [], report_year=year, policy=rules)  # year R's deadline
    if gap:
        return shown.stop_run(gap)
    reads = results(work.read_monitoring_workbook.map(monitoring.files(inbox), archive=unmapped(archive)))
    if any(r.report is not None and not r.report.changes.empty for r in reads):
        gap = monitoring.calendar_gap(registry, reads, report_year=year, policy=rules)  # declared changes
        if gap:
            return shown.stop_run(gap)
    inputs = monitoring.read(registry)
    outcome = monitoring.decide(inputs, reads, report_year=year, as_of=as_of, policy=rules)
    recorded = monitoring.record(registry, outcome, flow_run_id(), policy=rules)
    page = written.write_monitoring(out, outcome, monitoring.trends(registry, inputs, outcome))
    counts = {**outcome.counts(), **recorded, "input_errors": outcome.input_errors}
    shown.publish_result(
        f"monitoring-{year}",
        outcome.rows,
        shown.MONITORING_TABLE,
        title=f"{year}年度集群发展情况监测（截至 {as_of.isoformat()}）",
        page=page,
        counts=counts,
    )
    get_run_logger().info(
        "%d年度发展情况：%d 个省级集群，按时报送 %d、逾期 %d、未报送 %d、待报送 %d；新增撤销建议 %d 条；"
        "收到 %d 个文件，输入错误 %d 条；报告见 %s",
        year, len(outcome.rows), counts["on_time"], counts["late"], counts["missing"], counts["pending"],
        counts["revocation_proposals_new"], len(reads), counts["input_errors"], page,
    )  # fmt: skip
    return {
        "report": str(page),
        "out": str(Path(out)),
        "report_year": year,
        "as_of": as_of.isoformat(),
        **counts,
    }


@flow(
    name="monitoring-reminder",
    flow_run_name=shown.run_name("monitoring-reminder", with_year=True),
    log_prints=False,
)
def monitoring_reminder(
    as_of: date | None = None,
    report_year: int | None = None,
    inbox: str | None = None,
    db_url: str | None = None,
    policy: str = resources.DEFAULT_POLICY,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """第十三条 报送提醒: a week before 10 March, the prefectures with certified clusters that have not reported year R yet.

    Args:
        as_of: 提醒日期（默认今天，北京时间）
        report_year: 报告年度 R（默认提醒日期的上一年）
        inbox: 收件目录（已收到的工作簿算作已报送；留空则只看登记库）
        db_url: 登记库地址（默认 $CLUSTERCERT_DB_URL）
        policy: 政策文件（默认 hlj-2023）
        overrides: 本次调整的政策参数 {参数编号: 值}
    """
    _out, inbox, _archive = shown.folders("monitoring-reminder", "monitoring", out=None, inbox=inbox)
    as_of = shown.resolve_as_of(as_of)
    year = report_year or as_of.year - 1
    registry, rules = resources.registry(db_url), resources.policy(policy, overrides)
    gap = monitoring.calendar_gap(registry, [], report_year=year, policy=rules)
    if gap:
        return shown.stop_run(gap)
    rows = monitoring.reminder(registry, report_year=year, as_of=as_of, policy=rules, inbox=inbox)
    publish_markdown(
        f"monitoring-reminder-{year}",
        shown.reminder_markdown(rows, year, as_of),
        description=f"{year}年度报送提醒",
    )
    if rows:
        publish_table(
            f"monitoring-reminder-{year}-table",
            shown.table(rows, shown.REMINDER_TABLE),
            description=f"{year}年度尚未报送的市（地）",
        )
    get_run_logger().info(
        "%d年度发展情况报送提醒（截至 %s）：%s",
        year, as_of.isoformat(),
        "、".join(f"{r['prefecture_name']}（{r['clusters']} 个集群）" for r in rows) + " 尚未报送" if rows else "各市（地）均已报送",
    )  # fmt: skip
    return {
        "report_year": year,
        "as_of": as_of.isoformat(),
        "unreported": [r["prefecture_code"] for r in rows],
    }
