"""Art. 13: the yearly monitoring report (`monitoring-report`) and the reminder before its deadline
(`monitoring-reminder`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow

from clustercert.management.monitoring import MONITORING_COLUMNS
from clustercert.management.pipeline import monitoring_files, reminder_markdown
from flows.management_artifacts import DEFAULT_OUT, publish_result, resolve_as_of, run_name, stop_run
from flows.runtime import publish_markdown, publish_table
from tasks import management as work


@flow(name="monitoring-report", flow_run_name=run_name("monitoring", with_year=True), log_prints=False)
def monitoring_report(
    inbox: str,
    out: str = DEFAULT_OUT,
    as_of: date | None = None,
    report_year: int | None = None,
    db_url: str | None = None,
    archive: str | None = None,
    policy: str = work.POLICY,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Compile the prefectures' reports for year R (default: the year before as_of)."""
    as_of = resolve_as_of(as_of)
    year = report_year or as_of.year - 1
    gap = work.check_monitoring_calendar([], year, db_url, policy, overrides)  # year R's deadline
    if gap:
        return stop_run(gap)
    futures = [work.read_monitoring_workbook.submit(p, archive) for p in monitoring_files(Path(inbox))]
    reads = [f.result() for f in futures]
    if any(r.report is not None and not r.report.changes.empty for r in reads):
        gap = work.check_monitoring_calendar(reads, year, db_url, policy, overrides)  # declared changes
        if gap:
            return stop_run(gap)
    outcome = work.compile_monitoring(reads, year, as_of, db_url, policy, overrides)
    page = work.write_monitoring(Path(out), outcome)
    counts = {
        **outcome.counts(),
        "revocation_proposals_new": outcome.new_proposals,
        "input_errors": outcome.input_errors,
    }
    publish_result(
        f"monitoring-{year}",
        outcome.rows,
        MONITORING_COLUMNS[:5],
        title=f"{year}年度集群发展情况监测（截至 {as_of.isoformat()}）",
        page=page,
        counts=counts,
    )
    return {
        "report": str(page),
        "out": str(Path(out)),
        "report_year": year,
        "as_of": as_of.isoformat(),
        **counts,
    }


@flow(name="monitoring-reminder", flow_run_name=run_name("monitoring-reminder", with_year=True))
def monitoring_reminder(
    as_of: date | None = None,
    report_year: int | None = None,
    inbox: str | None = None,
    db_url: str | None = None,
    policy: str = work.POLICY,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A week before 10 March: the prefectures that have not reported year R yet."""
    as_of = resolve_as_of(as_of)
    year = report_year or as_of.year - 1
    gap = work.check_monitoring_calendar([], year, db_url, policy, overrides)
    if gap:
        return stop_run(gap)
    rows = work.unreported_prefectures(year, as_of, db_url, Path(inbox) if inbox else None, policy, overrides)
    publish_markdown(
        f"monitoring-reminder-{year}", reminder_markdown(rows, year, as_of), description=f"{year}年度报送提醒"
    )
    if rows:
        publish_table(f"monitoring-reminder-{year}-table", rows, description=f"{year}年度尚未报送的市（地）")
    return {
        "report_year": year,
        "as_of": as_of.isoformat(),
        "unreported": [r["prefecture_code"] for r in rows],
    }
