"""yearly-campaign: county submissions → validation → scoring → prefecture → province (Art. 7–10).

Sub-flows are the stages an operator watches and re-runs on their own (SPEC §5); inside them, a
task per file, per submission or per prefecture. Every stage publishes a table artifact.

Large in-memory arguments are wrapped in `quote(...)`: Prefect then hands them to the task as they
are instead of walking every nested object for upstream futures, which at national scale (3,000
submissions, a million rows) cost more than the work itself.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, unmapped
from prefect.utilities.annotations import quote

from clustercert.campaign import outputs, pipeline
from clustercert.campaign.pipeline import Campaign, CampaignSetup
from flows.runtime import InMemory, flow_run_id, publish_markdown, publish_table, warm_up_in_background
from tasks import campaign as t


@flow(
    name="collect-submissions", flow_run_name="collect-{campaign.value.setup.year}", validate_parameters=False
)
def collect_submissions(campaign: InMemory, registry: InMemory) -> list[Any]:
    """A task per file in the inbox: archive the raw bytes under their hash, then read them."""
    c: Campaign = campaign.value
    paths = pipeline.inbox_entries(c.setup.inbox)
    groups = pipeline.batches(paths, c.setup.files_per_task)
    labels = [pipeline.batch_label([p.name for p in g]) for g in groups]
    collected = [t.collect_files(quote(g), quote(c), label) for g, label in zip(groups, labels, strict=True)]
    subs = pipeline.current_submissions([s for batch in collected for s in batch])
    t.record(
        "collect", pipeline.record_collection, quote(registry.value), quote(c), quote(subs), flow_run_id()
    )
    publish_table(
        f"campaign-{c.setup.year}-collected",
        [
            {
                "submission_id": s.submission_id,
                "file": s.file,
                "sha256": s.sha256[:16],
                "readable": s.readable,
            }
            for s in subs
        ],
        f"{c.setup.year} 年收到的申报文件（已按 SHA-256 归档）",
    )
    get_run_logger().info("Collected %d submissions from %s", len(subs), c.setup.inbox)
    return subs


@flow(
    name="validate-submissions",
    flow_run_name="validate-{campaign.value.setup.year}",
    validate_parameters=False,
)
def validate_submissions(campaign: InMemory, subs: InMemory, registry: InMemory) -> tuple[list[Any], Any]:
    """Pandera per submission (a task each), Great Expectations once over the stacked campaign."""
    c: Campaign = campaign.value
    submissions = subs.value
    groups = pipeline.batches(submissions, c.setup.files_per_task)
    labels = [pipeline.batch_label([s.submission_id for s in g]) for g in groups]
    structured = [
        r for g, label in zip(groups, labels, strict=True) for r in t.check_structures(quote(g), label)
    ]
    quality = t.check_quality(quote(structured), quote(c))
    results = t.publish_validation(quote(c), quote(submissions), quote(structured), quote(quality))
    t.record("validation", pipeline.record_validation, quote(registry.value), quote(results), flow_run_id())
    publish_table(
        f"campaign-{c.setup.year}-validation",
        [
            {
                "submission_id": r.submission_id,
                "file": r.file,
                "valid": r.valid,
                "errors": len(r.errors),
                "warnings": len(r.warnings),
            }
            for r in results
        ],
        f"{c.setup.year} 年申报材料校验结果（validation.html）",
    )
    return results, quality


@flow(name="score-clusters", flow_run_name="score-{campaign.value.setup.year}", validate_parameters=False)
def score_clusters(
    campaign: InMemory, subs: InMemory, results: InMemory, registry: InMemory
) -> tuple[Any, dict]:
    """Art. 5 criteria and the Art. 6 veto per valid submission; the default scoring model."""
    c: Campaign = campaign.value
    valid = [r for r in results.value if r.valid]
    groups = pipeline.batches(valid, max(c.setup.files_per_task, c.setup.evaluations_per_task))
    labels = [pipeline.batch_label([r.submission_id for r in g]) for g in groups]
    evaluated = [
        e
        for g, label in zip(groups, labels, strict=True)
        for e in t.evaluate_clusters(quote(g), quote(c), label)
    ]
    evaluations = {e.submission_id: e for e in evaluated if e is not None}
    table = pipeline.decision_table(subs.value, results.value, evaluations)
    t.publish_scores(quote(c), quote(table), quote(evaluations))
    t.record(
        "scores",
        pipeline.record_evaluations,
        quote(registry.value),
        quote(c),
        quote(evaluations),
        flow_run_id(),
    )
    scored = table[table["valid"]].sort_values("score", ascending=False)
    publish_table(
        f"campaign-{c.setup.year}-scores",
        [
            {
                "submission_id": r["submission_id"],
                "cluster_name": r["cluster_name"],
                "eligible": bool(r["eligible"]),
                "failed_criteria": r["failed_criteria"],
                "score": r["score"],
            }
            for r in scored.to_dict("records")
        ],
        f"{c.setup.year} 年评审结果；分数为默认评分模型（由本次申报工作设定）",
    )
    return table, evaluations


@flow(
    name="prefecture-recommendation",
    flow_run_name="prefectures-{campaign.value.setup.year}",
    validate_parameters=False,
)
def prefecture_recommendation(
    campaign: InMemory, table: InMemory, decisions: InMemory, registry: InMemory, interactive: bool = False
) -> list[Any]:
    """Art. 9: a task per prefecture — eligible clusters, spot checks, the prefecture's decisions.

    Interactive mode pauses once for the operator's 是/否 on every eligible cluster, then decides
    again with those answers.
    """
    c: Campaign = campaign.value
    frame = table.value
    codes = pipeline.prefectures_with_eligible(frame)

    def decide(batch: Any) -> list[Any]:
        futures = t.recommend_prefecture.map(
            codes, table=unmapped(quote(frame)), decisions=unmapped(quote(batch)), campaign=unmapped(quote(c))
        )
        return [f.result() for f in futures]

    recommendations = decide(decisions.value)
    if interactive and codes:
        from flows.approvals import ask_prefectures

        batch = ask_prefectures(
            recommendations, decisions.value, timeout_seconds=c.setup.approval_timeout_seconds
        )
        decisions.value = batch
        recommendations = decide(batch)
    transitions = [tr for r in recommendations for tr in r.transitions]
    t.record(
        "prefectures", pipeline.record_transitions, quote(registry.value), quote(transitions), flow_run_id()
    )
    for rec in recommendations:
        publish_table(
            f"campaign-{c.setup.year}-prefecture-{rec.prefecture_code}",
            [
                {
                    "prefecture_rank": None if r["prefecture_rank"] is None else str(r["prefecture_rank"]),
                    "submission_id": r["submission_id"],
                    "cluster_name": r["cluster_name"],
                    "outcome": str(r["outcome"]),
                    "reason": r["reason"],
                }
                for r in rec.rows.astype(object).where(rec.rows.notna(), None).to_dict("records")
            ],
            f"{c.setup.year} 年 {rec.prefecture_code} 推荐名单（第九条）",
        )
    return recommendations


@flow(
    name="provincial-shortlist",
    flow_run_name="shortlist-{campaign.value.setup.year}",
    validate_parameters=False,
)
def provincial_shortlist(
    campaign: InMemory, recommendations: InMemory, decisions: InMemory, registry: InMemory
) -> tuple[Any, Any]:
    """Art. 10: province-wide ranking, spot checks, quota, public notice, objections, certification."""
    c: Campaign = campaign.value
    listed, certification = t.shortlist_and_certify(
        quote(recommendations.value), quote(decisions.value), quote(c)
    )
    t.record(
        "shortlist",
        pipeline.record_transitions,
        quote(registry.value),
        quote(list(listed.transitions)),
        flow_run_id(),
    )
    t.record(
        "certification",
        pipeline.record_certification,
        quote(registry.value),
        quote(certification),
        flow_run_id(),
    )
    publish_table(
        f"campaign-{c.setup.year}-shortlist",
        [
            {
                "province_rank": None if r["province_rank"] is None else str(r["province_rank"]),
                "submission_id": r["submission_id"],
                "cluster_name": r["cluster_name"],
                "outcome": str(r["outcome"]),
                "reason": r["reason"],
            }
            for r in listed.rows.astype(object).where(listed.rows.notna(), None).to_dict("records")
        ],
        f"{c.setup.year} 年省级择优与公示结果（第十条）",
    )
    return listed, certification


@flow(name="yearly-campaign", flow_run_name="campaign-{year}", log_prints=False)
def yearly_campaign(
    year: int,
    inbox: str,
    out: str,
    as_of: date | None = None,
    decisions: str | None = None,
    db_url: str | None = None,
    policy: str = "hlj-2023",
    overrides: dict[str, Any] | None = None,
    engine: str = "gx",
    interactive: bool = False,
    approval_timeout_hours: float = 72,
    files_per_task: int = 1,
) -> dict[str, Any]:
    """One year's certification campaign, from the county inbox to the certified list."""
    from clustercert.cli.common import today_shanghai

    setup = CampaignSetup(
        year=year,
        inbox=Path(inbox),
        out=Path(out),
        as_of=as_of or today_shanghai(),
        decisions_dir=Path(decisions) if decisions else None,
        db_url=db_url,
        policy_name=policy,
        overrides=overrides or {},
        engine=engine,
        approval_timeout_seconds=int(approval_timeout_hours * 3600),
        files_per_task=files_per_task,
    )
    campaign = Campaign.open(setup)
    registry = pipeline.open_registry(campaign)
    try:
        held, reg = InMemory(campaign), InMemory(registry)
        subs = collect_submissions(held, reg)
        results, _quality = validate_submissions(held, InMemory(subs), reg)
        table, _evaluations = score_clusters(held, InMemory(subs), InMemory(results), reg)
        batch = pipeline.load_decisions(campaign, list(table["submission_id"]))
        held_batch = InMemory(batch)
        recommendations = prefecture_recommendation(held, InMemory(table), held_batch, reg, interactive)
        batch = held_batch.value  # with the operator's answers in interactive mode
        listed, certification = provincial_shortlist(held, InMemory(recommendations), held_batch, reg)
        final = pipeline.final_decisions(table, recommendations, listed)
        outputs.write_decisions(setup.out, final)
        index = outputs.write_index(
            setup.out, campaign, final, certification, [r.prefecture_code for r in recommendations]
        )
        pipeline.record_finished(registry, campaign, flow_run_id())
    finally:
        registry.close()
    summary = outputs.summary_counts(final, certification)
    publish_markdown(
        f"campaign-{year}-reports",
        _reports_markdown(setup, summary, index, batch),
        f"{year} 年认定工作报告索引",
    )
    return {**summary, "index": str(index), "out": str(setup.out)}


def run_locally(**params: Any) -> dict[str, Any]:
    """Run yearly-campaign in this process and return once the Prefect API has recorded every task.

    Starting a throw-away Prefect server takes several seconds, and so does importing Great
    Expectations: the import runs in the background while the flow waits for the server.
    """
    from flows.runtime import wait_until_recorded

    if params.get("engine", "gx") == "gx":
        warm_up_in_background("great_expectations")
    summary = yearly_campaign(**params)
    wait_until_recorded()
    return summary


def _reports_markdown(setup: CampaignSetup, summary: dict[str, int], index: Path, batch: Any) -> str:
    lines = [
        f"# {setup.year} 年黑龙江省中小企业特色产业集群认定",
        "",
        "| 申报 | 校验通过 | 符合条件 | 市（地）推荐 | 入选公示 | 认定 |",
        "|---|---|---|---|---|---|",
        "| {submitted} | {valid} | {eligible} | {recommended} | {shortlisted} | {certified} |".format(
            **summary
        ),
        "",
        f"- 报告首页: `{index.resolve()}`",
        f"- 校验汇总: `{(setup.out / 'validation.html').resolve()}`",
        f"- 评审结果: `{(setup.out / 'scores.html').resolve()}`",
        f"- 公示名单: `{(setup.out / 'public_notice.html').resolve()}`",
        f"- 认定名单: `{(setup.out / 'certified.csv').resolve()}`",
    ]
    if batch.issues:
        lines += ["", f"决定文件中有 {len(batch.issues)} 条问题，见 decisions 目录的校验结果。"]
    return "\n".join(lines)
