"""yearly-campaign: county submissions → validation → scoring → prefecture → province (Art. 7–10).

The five stages are flows of their own (`flows.campaign_stages`), with plain parameters; this flow
runs them in order as sub-flows, all writing into one staging folder that it publishes at the end
(readers never see a mix of two runs). A stage that is refused (a certified campaign whose
certificates a re-run would change) ends the campaign with that message and publishes nothing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger
from prefect.states import Failed

from clustercert.campaign.preflight import Refused, check_campaign
from clustercert.collector_pace import campaign_pace
from clustercert.publishing import OutputFolder, staged_stages
from clustercert.reports.stages import summary_counts
from clustercert.stages import collect, facts, resume
from clustercert.stages.context import context
from clustercert.stages.setup import DEFAULT_POLICY, CampaignSetup
from expectations import gx_helper
from flows import artifacts
from flows.campaign_stages import (
    collect_submissions,
    prefecture_recommendation,
    provincial_shortlist,
    score_clusters,
    setup_of,
    validate_submissions,
    write_overview,
)
from flows.runtime import task_runner_kind, workers
from tasks import work_processes as work


class CampaignRefused(Exception):
    """The campaign could not run or was stopped with a clear message (no traceback to show)."""


@flow(name="yearly-campaign", flow_run_name="campaign-{year}", log_prints=False)
def yearly_campaign(
    year: int,
    inbox: str | None = None,
    out: str | None = None,
    as_of: date | None = None,
    decisions: str | None = None,
    db_url: str | None = None,
    policy: str = DEFAULT_POLICY,
    overrides: dict[str, Any] | None = None,
    engine: str = "gx",
    interactive: bool = False,
    approval_timeout_hours: float = 72,
    files_per_task: int | None = None,
    evaluations_per_task: int | None = None,
) -> Any:
    """第七条至第十条 年度认定: from the county inbox to the certified list, stage by stage.

    Args:
        year: 申报年度 Y (campaign year)
        inbox: 收件目录 (one file or CSV folder per cluster; default $CLUSTERCERT_VAR/inbox/campaign)
        out: 输出目录 (reports, extracts, the raw-file archive; default $CLUSTERCERT_VAR/out/yearly-campaign)
        as_of: 评审基准日，公示自该日起 (default: today, Asia/Shanghai)
        decisions: 人工决定目录 (spot_checks / prefecture_decisions / objections)
        db_url: 登记库地址 (default: $CLUSTERCERT_DB_URL, else sqlite:///var/clustercert.db)
        policy: 政策文件或政策族（默认 hlj：按评审基准日取当时有效的版本）
        overrides: 本次调整的政策参数 {id: value}，记入 policy.json
        engine: 数据质量检查引擎 gx (Great Expectations) | pandas
        interactive: 是否在 Prefect 界面逐个市（地）确认推荐意见
        approval_timeout_hours: 等待确认的最长时间（小时）
        files_per_task: 每个任务处理的文件数（默认按工作进程数自动分批）
        evaluations_per_task: 每个评审任务的集群数（默认按工作进程数自动分批）
    """
    log = get_run_logger()
    setup = setup_of(
        year=year,
        inbox=inbox,
        out=out,
        as_of=as_of,
        decisions=decisions,
        db_url=db_url,
        policy=policy,
        overrides=overrides,
        engine=engine,
        files_per_task=files_per_task,
        evaluations_per_task=evaluations_per_task,
    )
    try:
        check_campaign(
            year=setup.year,
            as_of=setup.as_of,
            inbox=Path(setup.inbox or ""),
            out=setup.out_path,
            decisions=Path(decisions) if decisions else None,
            policy_name=setup.policy,
            overrides=setup.overrides,
        )
    except Refused as exc:
        log.error("%s", exc.message)
        return Failed(message=exc.message)
    runs = [
        (collect_submissions, {}),
        (validate_submissions, {}),
        (score_clusters, {}),
        (
            prefecture_recommendation,
            {"interactive": interactive, "approval_timeout_hours": approval_timeout_hours},
        ),
        (provincial_shortlist, {}),
    ]
    here = context(setup)
    entries = collect.inbox_entries(here)
    inputs = resume.campaign_inputs(here, entries)
    with here.registry().transaction() as tx:  # answers given in the UI are no input of a re-run
        done = {} if interactive else {run.stage: run for run in resume.completed(tx, setup.year, inputs)}
    folder = OutputFolder(setup.out_path)
    if len(done) == len(runs) and len(staged_stages(folder.final, inputs)) == len(runs):
        log.info(
            "输入与登记库自上次运行以来均未变，各阶段不再运行，已发布的报告即本次结果 / nothing changed since "
            "the campaign's last run (flow run %s): no stage runs again, the published reports stand",
            done[runs[-1][0].name].flow_run_id,
        )
        return _finish(setup, folder, publish=False)
    staging, staged = folder.resume(inputs) if done else (folder.start(), [])
    reused = _leading([stage.name for stage, _ in runs], lambda name: name in done and name in staged)
    params = {**setup.parameters(), "reports_dir": str(staging), "campaign_inputs": inputs}
    with campaign_pace():  # between the stages and for the overview too: what they hold is not scanned
        with (
            quality_helper(setup, validate_submissions.name not in reused),
            work_processes(setup, files=len(entries), reused=reused),
        ):
            for stage, extra in runs:
                if stage.name in reused:
                    log.info(
                        "%s：输入与登记库未变，沿用其上次运行（flow run %s）的结果与报告 / unchanged since its run %s: not run again",
                        stage.name, done[stage.name].flow_run_id, done[stage.name].flow_run_id,
                    )  # fmt: skip
                    continue
                state = stage(**params, **extra, return_state=True)
                if stage is validate_submissions:
                    gx_helper.stop()  # its work is done: the memory goes back now
                if not state.is_completed():
                    folder.discard()
                    message = state.message or f"{stage.name} 未完成 / {stage.name} did not complete"
                    return Failed(message=message)
            rows = write_overview(context(setup, staging))  # its pages by the workers, if any
        return _finish(setup, folder, publish=True, rows=rows)


@contextlib.contextmanager
def quality_helper(setup: CampaignSetup, validates: bool) -> Iterator[None]:
    """Great Expectations' helper process (`expectations.gx_helper`) while the campaign runs, when it
    will validate with GX on this machine's thread pool (`gx_helper.wanted`)."""
    if validates and gx_helper.wanted(setup.engine):
        gx_helper.start()  # at once, unless the command started it already
    else:
        gx_helper.stop()  # one the command started, for nothing
    try:
        yield
    finally:
        gx_helper.stop()


# The worker processes cost about a second of every core to start (each imports the domain): for a
# provincial campaign (130 workbooks) the campaign took 0.6 s longer with them, for the national one
# (3,000 CSV folders) 10–15 s shorter. They start from this many county files on
# ($CLUSTERCERT_WORKER_PROCESSES_FROM, else 500).
WORKER_PROCESSES_FROM_ENV = "CLUSTERCERT_WORKER_PROCESSES_FROM"
WORKER_PROCESSES_FROM_FILES = 500


@contextlib.contextmanager
def work_processes(setup: CampaignSetup, *, files: int, reused: set[str]) -> Iterator[None]:
    """The campaign's worker processes (`tasks.work_processes`) while it runs, when it has enough
    files to read or clusters to evaluate on the thread runner of a machine with more than one core
    (a process pool or Dask has workers of its own)."""
    needed = {collect_submissions.name, score_clusters.name} - reused
    if (
        needed
        and files >= int(os.environ.get(WORKER_PROCESSES_FROM_ENV) or WORKER_PROCESSES_FROM_FILES)
        and task_runner_kind() == "thread"
        and work.usable(setup)
    ):
        work.start(workers())
        get_run_logger().info(
            "%d 个文件：读取与评审在 %d 个工作进程中进行 / %d files: %d worker processes read them and "
            "evaluate the clusters", files, workers(), files, workers(),
        )  # fmt: skip
    try:
        yield
    finally:
        work.stop()


def _leading(names: list[str], holds: Any) -> set[str]:
    """The first names, in order, for which `holds` is true."""
    found: set[str] = set()
    for name in names:
        if not holds(name):
            break
        found.add(name)
    return found


def _finish(
    setup: CampaignSetup, folder: OutputFolder, *, publish: bool, rows: pd.DataFrame | None = None
) -> dict[str, Any]:
    """Publish the staging folder (`publish`) and report the campaign's counts: from `rows`, the
    decision rows the overview was written from, else as the registry stands."""
    log = get_run_logger()
    ctx = context(setup)
    if rows is None:
        with ctx.registry().transaction() as tx:
            rows = facts.decision_rows(tx, setup.year, ctx.policy_name)
    summary = summary_counts(rows)
    if publish:
        folder.publish()
    artifacts.reports(setup.year, setup.out_path, summary)
    log.info(
        "申报 %(submitted)d · 校验通过 %(valid)d · 符合条件 %(eligible)d · 推荐 %(recommended)d · "
        "公示 %(shortlisted)d · 认定 %(certified)d；报告：%(index)s",
        {**summary, "index": setup.out_path.resolve() / "index.html"},
    )
    return {**summary, "index": str(setup.out_path / "index.html"), "out": str(setup.out_path)}


def run_locally(**params: Any) -> dict[str, Any]:
    """Run yearly-campaign in this process and return once the Prefect API has recorded every task.

    A refused or failed run raises `CampaignRefused` with its message.
    """
    from flows.runtime import wait_until_recorded

    state = yearly_campaign(**params, return_state=True)
    wait_until_recorded()
    if not state.is_completed():
        raise CampaignRefused(state.message or "yearly-campaign did not complete")
    return state.result()
