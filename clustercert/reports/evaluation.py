"""Evaluation page: one cluster's decision against Art. 5 and Art. 6, criterion by criterion, and its score.

Every line carries its criterion id and article so an analyst can explain any decision (SPEC §1, §4).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from clustercert.reports.labels import (
    CRITERION_RESULTS,
    article_label,
    coded,
    comparator_word,
    incident_headers,
    indicator_label,
    truthy,
)
from clustercert.reports.render import (
    Cell,
    Table,
    cell,
    evaluation_relpath,
    feedback_relpath,
    fmt,
    fmt_number,
    is_blank,
    place,
    relative_href,
    split_ids,
    to_number,
    write_page,
)

DEFAULT_MODEL_NOTE = (
    "得分采用本次认定工作设定的默认评分模型（满分100分），仅用于省级择优排序参考；"
    "《暂行办法》未规定评分方法，评分不影响是否符合认定条件的判断。"
)


def _criteria_table(criteria: Sequence[Mapping[str, Any]]) -> Table:
    titled = any(not is_blank(c.get("title")) for c in criteria)
    headers = ["条件编号", "条款", *(["条件"] if titled else []), "实际值", "比较", "标准值", "结果", "说明"]
    rows = []
    for c in criteria:
        word, cls = coded(CRITERION_RESULTS, c.get("result"))
        row = [
            cell(c.get("criterion_id")),
            Cell(article_label(c.get("article")), title=fmt(c.get("article"))),
        ]
        if titled:
            row.append(cell(c.get("title")))
        row += [
            cell(c.get("value"), "num"),
            Cell(comparator_word(c.get("comparator"))),
            cell(c.get("threshold"), "num"),
            Cell(word, cls, title=fmt(c.get("result"))),
            cell(c.get("explanation")),
        ]
        rows.append(row)
    offset = 1 if titled else 0
    return Table(headers, rows, numeric={2 + offset, 4 + offset}, empty="未进行认定条件审核")


def _gaps_table(criteria: Sequence[Mapping[str, Any]]) -> Table:
    """Each criterion not met, with the smallest change of the data that would meet it (rules.gaps)."""
    rows = [
        [Cell(article_label(c.get("article")), title=fmt(c.get("article"))), cell(c.get("gap"))]
        for c in criteria
        if not is_blank(c.get("gap"))
    ]
    return Table(["条款", "达标所需的最小变动"], rows, empty="各项条件均已达标")


def gap_steps_text(steps: Mapping[str, Any] | None) -> str:
    """The policy's units of the smallest change (gaps.steps): "0.01 万元、1 件、…"."""
    return "、".join(f"{fmt(step)} {unit}" for unit, step in (steps or {}).items())


def _contributions_table(contributions: Sequence[Mapping[str, Any]]) -> tuple[Table, float | None]:
    rows = []
    total = 0.0
    counted = False
    for c in contributions:
        points = to_number(c.get("points"))
        if points is not None:
            total += points
            counted = True
        rows.append(
            [
                Cell(article_label(c.get("aspect")), title=fmt(c.get("aspect"))),
                Cell(indicator_label(fmt(c.get("indicator"))), title=fmt(c.get("indicator"))),
                cell(c.get("value"), "num"),
                cell(c.get("weight"), "num"),
                Cell(fmt_number(c.get("points"), 2), "num"),
            ]
        )
    table = Table(["方面", "指标", "数值", "权重", "得分"], rows, numeric={2, 3, 4}, empty="未计算得分")
    return table, (round(total, 2) if counted else None)


def _overrides_table(policy: Mapping[str, Any]) -> Table:
    overrides = policy.get("overrides") or []
    if isinstance(overrides, Mapping):
        overrides = [{"parameter": k, "value": v} for k, v in overrides.items()]
    rows = [
        [cell(o.get("parameter")), cell(o.get("default")), cell(o.get("value")), cell(o.get("reason"))]
        for o in overrides
    ]
    return Table(["参数", "政策文件原值", "本次取值", "理由"], rows, empty="本次认定未调整政策参数")


def _verdict(decision: Mapping[str, Any]) -> tuple[str, str]:
    if truthy(decision.get("valid")) is False:
        return "申报材料校验未通过，未进行认定条件审核", "bad"
    if truthy(decision.get("vetoed")):
        return "一票否决（第六条）", "bad"
    if truthy(decision.get("eligible")):
        return "符合认定条件", "ok"
    return "不符合认定条件", "bad"


def render_evaluation(
    out_dir: Path,
    *,
    decision: Mapping[str, Any],
    criteria: Sequence[Mapping[str, Any]],
    contributions: Sequence[Mapping[str, Any]],
    model_note: str = "",
    policy: Mapping[str, Any] | None = None,
    incidents: Sequence[Mapping[str, Any]] = (),
) -> Path:
    """集群认定评审结果: verdict, criteria (article, value, threshold, result), veto incidents, score.

    `incidents` are the 安全合规 rows behind a veto (keys of the contract's incident columns).
    """
    policy = policy or {}
    sid = fmt(decision.get("submission_id"))
    relpath = evaluation_relpath(sid)
    prefecture, county = place(decision)
    verdict, verdict_cls = _verdict(decision)
    facts = [
        ("集群名称", fmt(decision.get("cluster_name"))),
        ("所在县（市、区）", county),
        ("所在市（地）", prefecture),
        ("申报编号", sid),
        ("申报文件", fmt(decision.get("file"))),
    ]
    progress = []
    if not is_blank(decision.get("recommended")):
        progress.append(("市（地）推荐", "是" if truthy(decision.get("recommended")) else "否"))
    if not is_blank(decision.get("province_rank")):
        progress.append(("全省排名", fmt(decision.get("province_rank"))))
    if not is_blank(decision.get("shortlisted")):
        progress.append(("入选公示名单", "是" if truthy(decision.get("shortlisted")) else "否"))
    contrib_table, contrib_total = _contributions_table(contributions)
    veto_rows = [[cell(i.get(k)) for k, _ in incident_headers()] for i in incidents]
    # a campaign's meta carries the policy's own description (Policy.describe) under policy_description
    described = {**(policy.get("policy_description") or {}), **policy}
    policy_facts = [
        (name, fmt(described.get(key)))
        for key, name in (
            ("title", "政策文件"),
            ("document", "文件编号"),
            ("version", "版本"),
            ("effective_from", "生效日期"),
        )
        if not is_blank(described.get(key))
    ]
    return write_page(
        out_dir,
        relpath,
        "evaluation.html.j2",
        title="集群认定评审结果",
        subtitle=" · ".join(x for x in (fmt(decision.get("cluster_name")), county, sid) if x),
        facts=facts,
        verdict=verdict,
        verdict_cls=verdict_cls,
        failed=split_ids(decision.get("failed_criteria")),
        warnings=split_ids(decision.get("warnings")),
        progress=progress,
        feedback_href=relative_href(relpath, feedback_relpath(sid)),
        criteria=_criteria_table(criteria),
        gaps=_gaps_table(criteria),
        gap_steps=gap_steps_text(described.get("gap_steps")),
        vetoed=truthy(decision.get("vetoed")) is True,
        veto=Table([h for _, h in incident_headers()], veto_rows, empty="未列出事项"),
        score=fmt_number(decision.get("score"), 2),
        contributions=contrib_table,
        contrib_total=fmt_number(contrib_total, 2) if contrib_total is not None else "",
        model_note=model_note or DEFAULT_MODEL_NOTE,
        policy_facts=policy_facts,
        overrides=_overrides_table(policy),
    )
