"""第十四条: certified clusters against the national standard, ranked (`national-recommendation`), over
the stage module `clustercert.stages.national`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, unmapped

from clustercert.reports import management_stages as written
from clustercert.stages import national, resources
from flows import management_artifacts as shown
from flows.runtime import task_runner
from tasks import management as work
from tasks.runtime import flow_run_id, results


@flow(
    name="national-recommendation",
    flow_run_name=shown.run_name("national-recommendation"),
    task_runner=task_runner(),
    log_prints=False,
)
def national_recommendation(
    out: str | None = None,
    as_of: date | None = None,
    db_url: str | None = None,
    policy: str = national.NATIONAL_POLICY,
    overrides: dict[str, Any] | None = None,
    evaluations_per_task: int = 25,
) -> dict[str, Any]:
    """第十四条 推荐申报国家级集群: the certified clusters in force, with their latest data, against the national standard (only confirmed thresholds enforced), ranked in the 择优 order.

    Args:
        out: 输出目录（默认 $CLUSTERCERT_VAR/out/national-recommendation；national_recommendation.csv、national_recommendation.html）
        as_of: 评价基准日（默认今天，北京时间）
        db_url: 登记库地址（默认 $CLUSTERCERT_DB_URL）
        policy: 国家级标准的政策文件（默认 national-2022）
        overrides: 本次调整的政策参数 {参数编号: 值}
        evaluations_per_task: 每个评价任务的集群数
    """
    out, _inbox, _archive = shown.folders("national-recommendation", None, out=out)
    as_of = shown.resolve_as_of(as_of)
    registry, rules = resources.registry(db_url), resources.policy(policy, overrides)
    inputs = national.read(registry, as_of)
    batches = shown.batches(inputs.latest, evaluations_per_task)
    labels = [b[0][0] if len(b) == 1 else f"{b[0][0]}…{b[-1][0]} ({len(b)})" for b in batches]
    evaluated = [
        e
        for batch in results(
            work.evaluate_national.map(
                batches, as_of, unmapped(db_url), unmapped(policy), unmapped(overrides), label=labels
            )
        )
        for e in batch
    ]
    outcome = national.decide(inputs, evaluated, as_of=as_of)
    national.record(registry, outcome, flow_run_id(), policy=rules)
    page = written.write_national(out, outcome)
    counts = outcome.counts()
    shown.publish_result(
        f"national-recommendation-{as_of}",
        outcome.rows,
        shown.NATIONAL_TABLE,
        title=f"推荐申报国家级集群（截至 {as_of.isoformat()}）",
        page=page,
        counts=counts,
    )
    get_run_logger().info(
        "推荐申报国家级集群（%s）：%d 个有效期内的省级集群按国家级标准评价，符合 %d 个；报告见 %s",
        as_of.isoformat(), counts["evaluated"], counts["eligible"], page,
    )  # fmt: skip
    return {"report": str(page), "out": str(Path(out)), "as_of": as_of.isoformat(), **counts}
