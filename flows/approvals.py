"""Human steps in interactive mode: the flow pauses and an operator answers in the Prefect UI.

Prefecture recommendation (Art. 9): the form lists every eligible cluster with the suggestion the
batch rules give (spot checks applied); the operator confirms or changes each 是/否 and adds a note.
"""

from __future__ import annotations

from dataclasses import replace

from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput

from clustercert.campaign import BatchDecisions, Decision
from clustercert.campaign.prefecture import PrefectureRecommendation

OPERATOR_SOURCE = "Prefect UI（市地推荐确认）"


class PrefectureDecisionInput(RunInput):
    """是否推荐 per submission id (true = 推荐); a note for the audit log."""

    recommend: dict[str, bool]
    note: str = ""


def ask_prefectures(
    recommendations: list[PrefectureRecommendation], batch: BatchDecisions, timeout_seconds: int
) -> BatchDecisions:
    """Pause until an operator confirms the recommendations; return the decisions with theirs."""
    suggested: dict[str, bool] = {}
    lines = [
        "## 市（地）推荐确认（第九条）",
        "",
        "| 市（地） | 申报编号 | 集群名称 | 建议 | 理由 |",
        "|---|---|---|---|---|",
    ]
    for rec in recommendations:
        for row in rec.rows.to_dict("records"):
            sid = str(row["submission_id"])
            suggested[sid] = bool(row["recommended"]) if row["recommended"] is not None else False
            lines.append(
                f"| {rec.prefecture_name} | {sid} | {row['cluster_name']} | {'推荐' if suggested[sid] else '不推荐'} | {row['reason']} |"
            )
    lines += ["", "在 recommend 中把每个申报编号设为 true（推荐）或 false（不推荐），并填写说明后提交。"]
    form = PrefectureDecisionInput.with_initial_data(
        description="\n".join(lines), recommend=suggested, note=""
    )
    answer: PrefectureDecisionInput = pause_flow_run(
        wait_for_input=form, timeout=timeout_seconds, key="prefecture-recommendation"
    )
    decided = dict(batch.prefecture)
    for sid, value in sorted(answer.recommend.items()):
        if sid in suggested:
            decided[sid] = Decision(
                sid, bool(value), answer.note or "操作员在 Prefect UI 中确认", OPERATOR_SOURCE, ()
            )
    return replace(batch, prefecture=decided)
