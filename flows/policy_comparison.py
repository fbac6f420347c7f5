"""What if the policy were different (`policy-comparison`): a finished campaign under two policies.

The same comparison as `clustercert compare`, started from the Prefect UI with plain parameters; it
reads the registry and writes `compare.html` and `compare.csv`, and records nothing in the registry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow

from clustercert.whatif import Question
from flows.management_artifacts import folders, publish_result
from tasks import compare as work

# the table artifact's columns: compare.csv's, headed in Chinese for the operator
HEADERS = {
    "submission_id": "申报编号",
    "cluster_name": "集群名称",
    "eligible_before": "基准政策下符合条件",
    "eligible_after": "比较政策下符合条件",
    "score_before": "基准得分",
    "score_after": "比较得分",
    "rank_before": "基准排名",
    "rank_after": "比较排名",
    "flipped_criteria": "结果变化的条件",
}
COUNT_LABELS = {
    "compared": "比较的申报",
    "eligible_before": "基准政策下符合条件",
    "eligible_after": "比较政策下符合条件",
    "dropped": "不再符合",
    "added": "新增符合",
    "rank_changed": "排名变化",
}


def _run_name() -> str:
    from prefect.runtime import flow_run

    params = flow_run.parameters or {}
    return f"policy-comparison-{params.get('year')}"


@flow(name="policy-comparison", flow_run_name=_run_name)
def policy_comparison(
    year: int,
    out: str | None = None,
    db_url: str | None = None,
    policy: str | None = None,
    overrides: dict[str, Any] | None = None,
    against: str | None = None,
    against_overrides: dict[str, Any] | None = None,
    policy_dirs: list[str] | None = None,
) -> dict[str, Any]:
    """What if the policy were different: a finished campaign's valid submissions under two policies, without writing to the registry.

    Args:
        year: 申报年度 Y（已完成的认定工作）
        out: 输出目录（compare.html、compare.csv；默认 $CLUSTERCERT_VAR/out/policy-comparison）
        db_url: 登记库地址（默认 $CLUSTERCERT_DB_URL）
        policy: 比较前的政策（默认：该年度认定所用政策及其调整）
        overrides: 比较前再调整的政策参数 {参数编号: 值}
        against: 比较后的政策（默认同一政策），如 national-2022
        against_overrides: 比较后调整的政策参数，如 {"A5.1.sme_share.threshold": 65}
        policy_dirs: 另外查找政策文件的目录
    """
    out, _inbox, _archive = folders("policy-comparison", None, out=out)
    question = Question(
        year=year,
        policy=policy or None,
        overrides=dict(overrides or {}),
        against=against or None,
        against_overrides=dict(against_overrides or {}),
        search=tuple(policy_dirs or ()),
    )
    comparison = work.compare_policies(question, db_url)
    page, extract = work.write_comparison(Path(out), comparison)
    counts = comparison.counts()
    columns = [(header, lambda row, key=key: row.get(key)) for key, header in HEADERS.items()]
    publish_result(
        f"policy-comparison-{year}",
        comparison.csv_rows(),
        columns,
        title=f"{year}年度认定政策比较：{comparison.before.title} / {comparison.after.title}",
        page=page,
        counts={COUNT_LABELS[k]: v for k, v in counts.items()},
    )
    return {"report": str(page), "extract": str(extract), "out": str(Path(out)), **counts}
