"""The yearly campaign's five stages (Art. 7–10), each a Prefect flow with plain parameters.

Each reads what it needs from the registry and the archive (never another stage's memory), so an
operator re-runs one alone from the UI (its own deployment), with `clustercert campaign --stage NAME`,
or lets `yearly-campaign` run them in order. Run alone, a stage writes into a copy of the published
output folder and swaps it in at the end, with the overview (decisions.csv, scores.html, index.html)
brought up to date from the registry; inside `yearly-campaign`, all five write into one staging folder
that the campaign publishes at the end.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger, unmapped
from prefect.states import Failed
from prefect.utilities.annotations import opaque

from clustercert.campaign.preflight import Refused
from clustercert.collector_pace import campaign_pace
from clustercert.publishing import OutputFolder, note_staged
from clustercert.reference import prefectures
from clustercert.reports import stages as written
from clustercert.stages import collect, facts, guard, prefecture, score, shortlist, validate
from clustercert.stages.context import CampaignContext, context
from clustercert.stages.context import registry as registry_at
from clustercert.stages.setup import DEFAULT_POLICY, CampaignSetup
from expectations import gx_helper
from flows import artifacts
from flows.runtime import default_batch_size, registry_writes, task_runner, today_shanghai, var_root
from tasks import campaign as t
from tasks import work_processes as work
from tasks.runtime import flow_run_id, results


class StageRefused(Exception):
    """A stage cannot do its work (`Refused`: a closed campaign, a bad setting); the message says why."""


def refusable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A stage that is refused ends Failed with its message (no traceback: the message says it all)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StageRefused as exc:
            return Failed(message=str(exc))

    return run


# Parameters yearly-campaign gives its stages that are no part of the campaign's setup.
CAMPAIGN_ONLY = ("reports_dir", "campaign_inputs")


def noted(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Inside a campaign (`campaign_inputs` given), a stage is noted in the registry with each of
    its writes (its inputs, the revisions before and after, in the same commit) and, once complete,
    with its summary and in the staging folder (its reports are there), so that a run on the same
    inputs need not run it again (`clustercert.stages.resume`).
    Run alone, a stage notes nothing (and its writes move the revision on: the campaign's notes no
    longer hold)."""

    signature = inspect.signature(fn)
    stage = fn.__name__.replace("_", "-")  # the stage's flow name (score_clusters: score-clusters)

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        params = signature.bind(*args, **kwargs).arguments
        inputs, staging = params.get("campaign_inputs"), params.get("reports_dir")
        if not inputs or staging is None:
            return fn(*args, **kwargs)
        registry = registry_at(params.get("db_url"))
        with registry.noting_stage(params["year"], stage, inputs, flow_run_id=flow_run_id()) as note:
            summary = fn(*args, **kwargs)
        if isinstance(summary, dict):
            with registry.transaction() as tx:
                tx.note_stage(note, summary)
            note_staged(Path(staging), inputs, stage)
        return summary

    return run


def setup_of(**params: Any) -> CampaignSetup:
    """The plain setup from a stage's parameters; folders left empty come from the environment of the
    machine that runs it (`$CLUSTERCERT_VAR/out/yearly-campaign`, `$CLUSTERCERT_VAR/inbox/campaign`),
    so a deployment carries no path of the machine that registered it."""
    values = {
        **params,
        "as_of": params.get("as_of") or today_shanghai(),
        "overrides": params.get("overrides") or {},
        "out": params.get("out") or str(var_root() / "out" / "yearly-campaign"),
    }
    if "inbox" in params and not params.get("inbox"):
        values["inbox"] = str(var_root() / "inbox" / "campaign")
    return CampaignSetup.from_parameters(**values)


@contextlib.contextmanager
def stage_run(setup: CampaignSetup, reports_dir: str | None) -> Iterator[CampaignContext]:
    """The stage's context, at the campaign's pace of garbage collection (`campaign_pace`). Alone
    (no `reports_dir`), it stages a copy of the output folder and publishes it with a fresh overview
    at the end; a failure publishes nothing."""
    with campaign_pace():
        if reports_dir is not None:
            yield context(setup, reports_dir)
            return
        folder = OutputFolder(setup.out_path)
        staging = folder.start(carry_over=True)
        ctx = context(setup, staging)
        try:
            yield ctx
            write_overview(ctx)
        except BaseException:
            folder.discard()
            raise
        folder.publish()


def write_overview(ctx: CampaignContext) -> pd.DataFrame:
    """The campaign's overview as the registry now stands (its cluster pages by the campaign's
    worker processes when it has them); the decision rows it shows."""
    registry = ctx.registry()
    with registry.transaction() as tx:
        rows = facts.decision_rows(tx, ctx.year, ctx.policy_name)
        history = {
            sid: [_entry(e) for e in entries] for sid, entries in tx.history(rows["submission_id"]).items()
        }
    written.write_overview(ctx, rows, history, write_pages=_pages_writer(work.write_cluster_pages, ctx))
    return rows


def _entry(entry: Any) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "from_status": entry.from_status,
        "to_status": entry.to_status,
        "field": entry.field,
        "old_value": entry.old_value,
        "new_value": entry.new_value,
        "reason": entry.reason,
        "article": entry.article,
        "flow_run_id": entry.flow_run_id,
        "actor": entry.actor,
    }


def _refuse(exc: Refused) -> None:
    get_run_logger().error("%s", exc.message)
    raise StageRefused(exc.message) from None


def _batches(items: list[Any], size: int) -> list[list[Any]]:
    size = max(1, int(size))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _label(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{names[0]}…{names[-1]} ({len(names)})"


@flow(name="collect-submissions", flow_run_name="collect-{year}", task_runner=task_runner(), log_prints=False)
@refusable
@noted
def collect_submissions(
    year: int,
    out: str | None = None,
    inbox: str | None = None,
    as_of: date | None = None,
    db_url: str | None = None,
    policy: str = DEFAULT_POLICY,
    overrides: dict[str, Any] | None = None,
    engine: str = "gx",
    decisions: str | None = None,
    files_per_task: int | None = None,
    evaluations_per_task: int | None = None,
    reports_dir: str | None = None,
    campaign_inputs: str | None = None,
) -> dict[str, Any]:
    """第八条 收取申报材料: archive every county file under its SHA-256 and read it; a corrected file supersedes the earlier one.

    Args:
        year: 申报年度 Y (campaign year)
        out: 输出目录 (published reports and the raw-file archive; default $CLUSTERCERT_VAR/out/yearly-campaign)
        inbox: 收件目录 (one file or CSV folder per cluster; default $CLUSTERCERT_VAR/inbox/campaign)
        as_of: 评审基准日 (default: today, Asia/Shanghai)
        db_url: 登记库地址 (default: $CLUSTERCERT_DB_URL)
        policy: 政策文件或政策族（默认 hlj：按评审基准日取当时有效的版本）
        overrides: 本次调整的政策参数 {id: value}
        engine: 数据质量检查引擎 gx | pandas
        decisions: 人工决定目录 (spot_checks / prefecture_decisions / objections)
        files_per_task: 每个任务处理的文件数（默认按工作进程数自动分批）
        evaluations_per_task: 每个评审任务的集群数（默认按工作进程数自动分批）
        reports_dir: 由 yearly-campaign 指定的暂存目录（单独运行时留空）
        campaign_inputs: 由 yearly-campaign 给出的本次输入指纹（完成后记入登记库，供续跑判断；单独运行时留空）
    """
    setup = setup_of(**{k: v for k, v in locals().items() if k not in CAMPAIGN_ONLY})
    log = get_run_logger()
    with stage_run(setup, reports_dir) as ctx:
        paths = collect.inbox_entries(ctx)
        batches = _batches(paths, files_per_batch(setup, len(paths)))
        labels = [_label([p.name for p in b]) for b in batches]
        received = [
            s for b in results(t.receive_files.map(batches, setup=unmapped(setup), label=labels)) for s in b
        ]
        collected = collect.decide(received, collect.read_known(ctx.registry(), setup.year))
        try:
            guard.check_collect(ctx.registry(), ctx, collected.current)
        except Refused as exc:
            _refuse(exc)
        with registry_writes():
            collect.record(ctx.registry(), ctx, collected, flow_run_id())
        artifacts.collected(ctx, collected)
        c = collected.counts()
        log.info(
            "收到 %d 个文件：%d 份当前申报，%d 份被更正后的材料替代，%d 份重复 / received %d files from %s",
            c["received"], c["current"], c["superseded"], c["duplicates"], c["received"], setup.inbox,
        )  # fmt: skip
    return {"stage": "collect-submissions", **c}


@flow(
    name="validate-submissions", flow_run_name="validate-{year}", task_runner=task_runner(), log_prints=False
)
@refusable
@noted
def validate_submissions(
    year: int,
    out: str | None = None,
    as_of: date | None = None,
    db_url: str | None = None,
    policy: str = DEFAULT_POLICY,
    overrides: dict[str, Any] | None = None,
    engine: str = "gx",
    inbox: str | None = None,
    decisions: str | None = None,
    files_per_task: int | None = None,
    evaluations_per_task: int | None = None,
    reports_dir: str | None = None,
    campaign_inputs: str | None = None,
) -> dict[str, Any]:
    """第九条 受理、初审: every current submission read back from the archive, its structure (Pandera) and data quality (expectations) checked; feedback for the county.

    Args:
        year: 申报年度 Y (campaign year)
        out: 输出目录 (default $CLUSTERCERT_VAR/out/yearly-campaign)
        as_of: 评审基准日 (default: today, Asia/Shanghai)
        db_url: 登记库地址 (default: $CLUSTERCERT_DB_URL)
        policy: 政策文件或政策族（默认 hlj：按评审基准日取当时有效的版本）
        overrides: 本次调整的政策参数 {id: value}
        engine: 数据质量检查引擎 gx | pandas
        inbox: 收件目录（本阶段不读取）
        decisions: 人工决定目录（本阶段不读取）
        files_per_task: 每个任务处理的申报数（默认按工作进程数自动分批）
        evaluations_per_task: 每个评审任务的集群数（默认按工作进程数自动分批）
        reports_dir: 由 yearly-campaign 指定的暂存目录（单独运行时留空）
        campaign_inputs: 由 yearly-campaign 给出的本次输入指纹（完成后记入登记库，供续跑判断；单独运行时留空）
    """
    setup = setup_of(**{k: v for k, v in locals().items() if k not in CAMPAIGN_ONLY})
    with stage_run(setup, reports_dir) as ctx:
        recorded = validate.read(ctx.registry(), setup.year)
        batches = _batches(recorded, files_per_batch(setup, len(recorded)))
        labels = [_label([r.file for r in b]) for b in batches]
        checked = [
            pair
            # opaque: Prefect would walk (and rebuild) every Recorded of every batch to look for futures
            for batch in results(t.check_structures.map(opaque(batches), setup=unmapped(setup), label=labels))
            for pair in batch
        ]
        subs = [s for s, _ in checked]
        structured = [st for _, st in checked]
        sends = _quality_sends()
        quality = t.check_quality.submit(opaque(structured), [r.sha256 for r in recorded], setup)
        _until_quality_sent(quality, sends)
        payloads = validate.payloads_ahead(subs, structured)  # while GX evaluates in its helper
        report = results([quality])[0]
        outcome = validate.decide(subs, structured, report)
        with registry_writes():
            validate.record(ctx.registry(), outcome, flow_run_id(), payloads)
        written.write_validation(ctx, subs, outcome, report)
        artifacts.validated(ctx, outcome)
        c = validate.counts(outcome)
        get_run_logger().info(
            "校验 %d 份申报：通过 %d 份，未通过 %d 份（错误 %d 条，提示 %d 条）；反馈见 validation.html",
            c["submissions"], c["valid"], c["invalid"], c["errors"], c["warnings"],
        )  # fmt: skip
    return {"stage": "validate-submissions", **c}


def _quality_sends() -> int:
    helper = gx_helper.current()
    return helper.sends if helper is not None else 0


def _until_quality_sent(quality: Any, sends: int) -> None:
    """Wait until the quality task has sent its tables to Great Expectations' helper process (or has
    ended): until then it needs this process's interpreter (it prepares the stacked tables), after
    that the helper works on the other core while this one does something else."""
    helper = gx_helper.current()
    if helper is None:
        return
    while not quality.wrapped_future.done():
        if helper.wait_for_send(sends, timeout=0.2):
            return


# Report pages per call to a worker process (an evaluation page takes ~5 ms to render and write)
PAGES_PER_WORKER_CALL = 100


def _pages_writer(
    write: Callable[..., list[str]], ctx: CampaignContext
) -> Callable[[list[Any]], object] | None:
    """Pages written by the campaign's worker processes (`write`, one of theirs), when it has them;
    None: here."""
    if not work.running():
        return None
    setup, reports = ctx.setup, str(ctx.reports)
    return lambda pages: list(work.run_in_chunks(write, pages, PAGES_PER_WORKER_CALL, setup, reports))


def files_per_batch(setup: CampaignSetup, count: int) -> int:
    """Files (submissions) per task: as the setup says, else a few batches per worker — a task costs
    tens of milliseconds of bookkeeping, more than reading one workbook, and Pandera's cost is per
    call, not per row, so a campaign goes in a few large batches that still keep every worker busy."""
    if setup.files_per_task:
        return setup.files_per_task
    return default_batch_size(count)


@flow(name="score-clusters", flow_run_name="score-{year}", task_runner=task_runner(), log_prints=False)
@refusable
@noted
def score_clusters(
    year: int,
    out: str | None = None,
    as_of: date | None = None,
    db_url: str | None = None,
    policy: str = DEFAULT_POLICY,
    overrides: dict[str, Any] | None = None,
    engine: str = "gx",
    inbox: str | None = None,
    decisions: str | None = None,
    files_per_task: int | None = None,
    evaluations_per_task: int | None = None,
    reports_dir: str | None = None,
    campaign_inputs: str | None = None,
) -> dict[str, Any]:
    """第五条、第六条 评审: every valid submission against the criteria and the veto; the default scoring model.

    Args:
        year: 申报年度 Y (campaign year)
        out: 输出目录 (default $CLUSTERCERT_VAR/out/yearly-campaign)
        as_of: 评审基准日 (default: today, Asia/Shanghai)
        db_url: 登记库地址 (default: $CLUSTERCERT_DB_URL)
        policy: 政策文件或政策族（默认 hlj：按评审基准日取当时有效的版本）
        overrides: 本次调整的政策参数 {id: value}
        engine: 数据质量检查引擎（本阶段不用）
        inbox: 收件目录（本阶段不读取）
        decisions: 人工决定目录（本阶段不读取）
        files_per_task: 每个任务处理的申报数（默认按工作进程数自动分批）
        evaluations_per_task: 每个评审任务的集群数（默认按工作进程数自动分批）
        reports_dir: 由 yearly-campaign 指定的暂存目录（单独运行时留空）
        campaign_inputs: 由 yearly-campaign 给出的本次输入指纹（完成后记入登记库，供续跑判断；单独运行时留空）
    """
    setup = setup_of(**{k: v for k, v in locals().items() if k not in CAMPAIGN_ONLY})
    with stage_run(setup, reports_dir) as ctx:
        registry = ctx.registry()
        with registry.transaction() as tx:
            pairs = [(r.submission_id, r.sha256) for r in tx.current_submissions(setup.year, payload=False)]
        valid = set(score.read(registry, setup.year))
        pairs = [p for p in pairs if p[0] in valid]
        batches = _batches(pairs, setup.evaluations_per_task or files_per_batch(setup, len(pairs)))
        labels = [_label([sid for sid, _ in b]) for b in batches]
        evaluations = [
            e
            for b in results(t.evaluate_clusters.map(batches, setup=unmapped(setup), label=labels))
            for e in b
        ]
        with registry_writes():
            score.record(registry, ctx, evaluations, flow_run_id())
        with registry.transaction() as tx:
            rows = facts.decision_rows(tx, setup.year, ctx.policy_name)
        written.write_scores(
            ctx, rows, evaluations, write_pages=_pages_writer(work.write_evaluation_pages, ctx)
        )
        artifacts.scored(ctx, rows)
        c = score.counts(evaluations)
        get_run_logger().info(
            "评审 %d 个集群：符合认定条件 %d 个，不符合 %d 个（其中一票否决 %d 个）；评分为默认评分模型",
            c["evaluated"], c["eligible"], c["ineligible"], c["vetoed"],
        )  # fmt: skip
    return {"stage": "score-clusters", **c}


@flow(
    name="prefecture-recommendation",
    flow_run_name="prefectures-{year}",
    task_runner=task_runner(),
    log_prints=False,
)
@refusable
@noted
def prefecture_recommendation(
    year: int,
    out: str | None = None,
    as_of: date | None = None,
    db_url: str | None = None,
    policy: str = DEFAULT_POLICY,
    overrides: dict[str, Any] | None = None,
    engine: str = "gx",
    inbox: str | None = None,
    decisions: str | None = None,
    files_per_task: int | None = None,
    evaluations_per_task: int | None = None,
    reports_dir: str | None = None,
    interactive: bool = False,
    approval_timeout_hours: float = 72,
    campaign_inputs: str | None = None,
) -> dict[str, Any]:
    """第九条 市（地）推荐: a task per prefecture — spot checks and the prefecture's decision on each eligible cluster.

    Args:
        year: 申报年度 Y (campaign year)
        out: 输出目录 (default $CLUSTERCERT_VAR/out/yearly-campaign)
        as_of: 评审基准日 (default: today, Asia/Shanghai)
        db_url: 登记库地址 (default: $CLUSTERCERT_DB_URL)
        policy: 政策文件或政策族（默认 hlj：按评审基准日取当时有效的版本）
        overrides: 本次调整的政策参数 {id: value}
        engine: 数据质量检查引擎（本阶段不用）
        inbox: 收件目录（本阶段不读取）
        decisions: 人工决定目录 (spot_checks / prefecture_decisions)
        files_per_task: 每个任务处理的申报数（默认按工作进程数自动分批）
        evaluations_per_task: 每个评审任务的集群数（默认按工作进程数自动分批）
        reports_dir: 由 yearly-campaign 指定的暂存目录（单独运行时留空）
        campaign_inputs: 由 yearly-campaign 给出的本次输入指纹（完成后记入登记库，供续跑判断；单独运行时留空）
        interactive: 是否在 Prefect 界面逐个市（地）确认推荐意见
        approval_timeout_hours: 等待确认的最长时间（小时）
    """
    setup = setup_of(
        **{
            k: v
            for k, v in locals().items()
            if k not in (*CAMPAIGN_ONLY, "interactive", "approval_timeout_hours")
        }
    )
    with stage_run(setup, reports_dir) as ctx:
        inputs = prefecture.read(ctx.registry(), ctx)
        codes = inputs.codes
        names = [prefectures().get(code, code) for code in codes]
        eligible, decisions_ = inputs.eligible, inputs.decisions
        recommendations = results(
            t.recommend_prefecture.map(
                codes, names, eligible=unmapped(eligible), decisions=unmapped(decisions_)
            )
        )
        actor = "clustercert"
        if interactive and codes:
            from flows.approvals import ask_prefecture

            answered = []
            for rec in recommendations:
                answer = ask_prefecture(rec, timeout_seconds=int(approval_timeout_hours * 3600))
                decisions_ = prefecture.with_answers(decisions_, answer.recommend, answer.note, answer.source)
                actor = answer.operator
                answered.append(
                    results(
                        [
                            t.recommend_prefecture.submit(
                                rec.prefecture_code, rec.prefecture_name, eligible, decisions_
                            )
                        ]
                    )[0]
                )
            recommendations = answered
        issued = _issued(ctx)
        if issued:  # a certified campaign: would these decisions change a certificate?
            frames = [r.recommended for r in recommendations if not r.recommended.empty]
            recommended = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
            outcome = shortlist.decide(recommended, decisions_, ctx)
            try:
                guard.check_unchanged(
                    issued, outcome.certification, _names(inputs.rows), "市（地）推荐意见已变更"
                )
            except Refused as exc:
                _refuse(exc)
        with registry_writes():
            prefecture.record(ctx.registry(), recommendations, flow_run_id(), actor=actor)
        for rec in recommendations:
            written.write_prefecture(ctx, rec)
        artifacts.recommended(ctx, recommendations)
        c = prefecture.counts(recommendations)
        get_run_logger().info(
            "%d 个市（地）初审 %d 个符合条件的集群：推荐 %d 个，不推荐 %d 个，待定 %d 个",
            c["prefectures"], c["eligible"], c["recommended"], c["not_recommended"], c["pending"],
        )  # fmt: skip
    return {"stage": "prefecture-recommendation", **c}


def _issued(ctx: CampaignContext) -> dict[str, guard.Issued]:
    with ctx.registry().transaction() as tx:
        return guard.issued(tx, ctx.year)


def _names(rows: Any) -> dict[str, str]:
    return dict(zip(rows["submission_id"], rows["cluster_name"], strict=True))


@flow(
    name="provincial-shortlist", flow_run_name="shortlist-{year}", task_runner=task_runner(), log_prints=False
)
@refusable
@noted
def provincial_shortlist(
    year: int,
    out: str | None = None,
    as_of: date | None = None,
    db_url: str | None = None,
    policy: str = DEFAULT_POLICY,
    overrides: dict[str, Any] | None = None,
    engine: str = "gx",
    inbox: str | None = None,
    decisions: str | None = None,
    files_per_task: int | None = None,
    evaluations_per_task: int | None = None,
    reports_dir: str | None = None,
    campaign_inputs: str | None = None,
) -> dict[str, Any]:
    """第十条 省级择优、公示、认定: province-wide rank, spot checks, quota, public notice, objections, certificates.

    Args:
        year: 申报年度 Y (campaign year)
        out: 输出目录 (default $CLUSTERCERT_VAR/out/yearly-campaign)
        as_of: 评审基准日，公示自该日起 (default: today, Asia/Shanghai)
        db_url: 登记库地址 (default: $CLUSTERCERT_DB_URL)
        policy: 政策文件或政策族（默认 hlj：按评审基准日取当时有效的版本）
        overrides: 本次调整的政策参数 {id: value}
        engine: 数据质量检查引擎（本阶段不用）
        inbox: 收件目录（本阶段不读取）
        decisions: 人工决定目录 (spot_checks / objections)
        files_per_task: 每个任务处理的申报数（默认按工作进程数自动分批）
        evaluations_per_task: 每个评审任务的集群数（默认按工作进程数自动分批）
        reports_dir: 由 yearly-campaign 指定的暂存目录（单独运行时留空）
        campaign_inputs: 由 yearly-campaign 给出的本次输入指纹（完成后记入登记库，供续跑判断；单独运行时留空）
    """
    setup = setup_of(**{k: v for k, v in locals().items() if k not in CAMPAIGN_ONLY})
    with stage_run(setup, reports_dir) as ctx:
        inputs = shortlist.read(ctx.registry(), ctx)
        outcome = results([t.shortlist_and_certify.submit(inputs.recommended, inputs.decisions, setup)])[0]
        try:
            guard.check_unchanged(inputs.issued, outcome.certification, _names(inputs.rows))
        except Refused as exc:
            _refuse(exc)
        with registry_writes():
            shortlist.record(ctx.registry(), ctx, outcome, flow_run_id())
        written.write_shortlist(ctx, outcome)
        artifacts.shortlisted(ctx, outcome)
        c = outcome.counts()
        get_run_logger().info(
            "省级择优：%d 个推荐集群中 %d 个列入公示，公示异议成立 %d 个，认定 %d 个；名单见 certified.html",
            c["recommended"], c["shortlisted"], c["objection_upheld"], c["certified"],
        )  # fmt: skip
    return {"stage": "provincial-shortlist", **c}


STAGE_FLOWS = {
    "collect-submissions": collect_submissions,
    "validate-submissions": validate_submissions,
    "score-clusters": score_clusters,
    "prefecture-recommendation": prefecture_recommendation,
    "provincial-shortlist": provincial_shortlist,
}
