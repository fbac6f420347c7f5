"""第十一条: validity, the 90/30-day notices and the reviews (`expiry-check`), over the stage modules
`clustercert.stages.reviews` (the review applications taken in) and `clustercert.stages.expiry`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, unmapped
from prefect.utilities.annotations import opaque

from clustercert.reports import management_stages as written
from clustercert.stages import expiry, resources, reviews
from flows import management_artifacts as shown
from flows.runtime import publish_table, task_runner
from tasks import management as work
from tasks.runtime import flow_run_id, results


@flow(
    name="expiry-check", flow_run_name=shown.run_name("expiry"), task_runner=task_runner(), log_prints=False
)
def expiry_check(
    out: str | None = None,
    as_of: date | None = None,
    inbox: str | None = None,
    db_url: str | None = None,
    archive: str | None = None,
    policy: str = resources.DEFAULT_POLICY,
    engine: str = "gx",
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """第十一条 有效期与复核: every certificate's validity on as_of, the 90/30-day notices (sent once), review applications (复核) decided once the certificate has expired, and 第十五条（一） for failed reviews and expiries without one.

    Args:
        out: 输出目录（默认 $CLUSTERCERT_VAR/out/expiry-check；expiry.csv、expiry_notices.csv、reviews.csv、expiry.html）
        as_of: 检查日期（默认今天，北京时间）
        inbox: 收件目录（复核申报书；留空则不收复核申请）
        db_url: 登记库地址（默认 $CLUSTERCERT_DB_URL）
        archive: 原始文件归档目录（按 SHA-256 保存；默认 $CLUSTERCERT_VAR/archive）
        policy: 政策文件（默认 hlj-2023）
        engine: 复核申报书的数据质量检查引擎 gx | pandas
        overrides: 本次调整的政策参数 {参数编号: 值}
    """
    out, inbox, archive = shown.folders("expiry-check", "reviews", out=out, inbox=inbox, archive=archive)
    as_of = shown.resolve_as_of(as_of)
    registry, rules = resources.registry(db_url), resources.policy(policy, overrides)
    subs = results(work.receive_review.map(reviews.files(inbox), archive=unmapped(archive)))
    validated = results([work.validate_reviews.submit(opaque(subs), engine, len(subs))])[0] if subs else []
    intake = reviews.decide(reviews.read(registry, subs), validated, as_of=as_of, policy=rules)
    reviews.record(registry, intake, flow_run_id(), as_of=as_of, policy=rules)
    outcome = expiry.decide(expiry.read(registry, as_of, rules), as_of=as_of, policy=rules)
    recorded = expiry.record(registry, outcome, flow_run_id())
    review_rows = expiry.review_rows(registry, rules)
    page = written.write_expiry(out, outcome, review_rows, intake.issues)
    counts = {
        **outcome.counts(),
        "notices": len(outcome.notices),
        "reviews": len(review_rows),
        **recorded,
        "input_errors": intake.input_errors,
    }
    if outcome.notices:
        publish_table(
            f"expiry-notices-{as_of}",
            shown.table(outcome.notices, shown.NOTICE_TABLE),
            description="到期提醒（第十一条）",
        )
    if review_rows:
        publish_table(
            f"expiry-reviews-{as_of}",
            shown.table(review_rows, shown.REVIEW_TABLE),
            description="复核申请（第十一条）",
        )
    shown.publish_result(
        f"expiry-{as_of}",
        outcome.rows,
        shown.EXPIRY_TABLE,
        title=f"认定有效期与复核（截至 {as_of.isoformat()}）",
        page=page,
        counts=counts,
    )
    status = outcome.counts()
    get_run_logger().info(
        "有效期检查（%s）：%d 张认定证书，%s；到期提醒 %d 条，复核申请 %d 份（本次收到 %d 份，输入错误 %d 条），"
        "新增撤销建议 %d 条；报告见 %s",
        as_of.isoformat(), len(outcome.rows),
        "、".join(f"{shown.COUNT_LABELS.get(k, k)} {v}" for k, v in sorted(status.items())) or "无",
        len(outcome.notices), len(review_rows), len(subs), intake.input_errors,
        recorded["revocation_proposals_new"], page,
    )  # fmt: skip
    return {"report": str(page), "out": str(Path(out)), "as_of": as_of.isoformat(), **counts}
