"""Evaluation page: one cluster's decision against Art. 5 and Art. 6, criterion by criterion, and its score.

Every line names the criterion in the regulation's words with its article, the value with the sheet,
rows and columns it was read from, and — beside it — any plausibility warning on that value, so an
analyst can explain (and check) any decision (SPEC §1, §4).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from clustercert.issue import Issue
from clustercert.reports.labels import (
    article_label,
    aspect_label,
    comparator_word,
    criteria_labels,
    criterion_title_of,
    criterion_unit,
    incident_headers,
    parameter_label,
    policy,
    readable_message,
    readable_pairs,
    result_label,
    scoring_indicator_label,
    scoring_indicator_unit,
    status_article,
    status_label,
    truthy,
)
from clustercert.reports.plausibility import MARK, describe, for_criterion, on_decision, source_of
from clustercert.reports.render import (
    Cell,
    Table,
    cell,
    cluster_relpath,
    evaluation_relpath,
    feedback_relpath,
    fmt,
    fmt_number,
    is_blank,
    place,
    relative_href,
    to_number,
    write_page,
)
from clustercert.rules.results import Source

DEFAULT_MODEL_NOTE = (
    "得分采用本次认定工作设定的默认评分模型（满分100分），仅用于省级择优排序参考；"
    "《暂行办法》未规定评分方法，评分不影响是否符合认定条件的判断。"
)


def source_text(row: Mapping[str, Any]) -> str:
    """ "经营指标 第3–5行 集群总产值（万元）" from criteria.csv's source_* columns."""
    if not is_blank(row.get("source")):
        return fmt(row.get("source"))
    sheet, rows, columns = source_of(row)
    return Source(sheet, tuple(rows), tuple(columns)).text if sheet else ""


def _value(row: Mapping[str, Any], policy_name: str | None) -> str:
    if not is_blank(row.get("shown")):
        return fmt(row.get("shown"))
    unit = criterion_unit(row.get("criterion_id"), policy_name)
    return readable_pairs(row.get("criterion_id"), fmt(row.get("value")), unit, policy_name)


def _criteria_table(
    criteria: Sequence[Mapping[str, Any]], warnings: Sequence[Issue], policy_name: str | None
) -> tuple[Table, int]:
    headers = ["条款", "条件", "实际值", "比较", "标准值", "结果", "说明", "数据来源"]
    rows, flagged = [], 0
    for c in criteria:
        word, cls = result_label(c.get("result"))
        cid = c.get("criterion_id")
        title = fmt(c.get("title")) or criterion_title_of(cid, policy_name)
        found = for_criterion(c, warnings)
        flagged += bool(found)
        unit = criterion_unit(cid, policy_name)
        threshold = readable_pairs(cid, fmt(c.get("threshold")), unit, policy_name, short=True)
        first, *more = _value(c, policy_name).split("；")
        rows.append(
            [
                Cell(article_label(c.get("article"))),
                Cell(title),
                Cell(
                    first,
                    "num wrap warn" if found else "num wrap",
                    mark=MARK if found else "",
                    mark_title=describe(found),
                    stack=more,
                ),
                Cell(comparator_word(c.get("comparator"))),
                Cell(threshold, "num wrap"),
                Cell(word, cls),
                Cell(
                    fmt(c.get("explanation")),
                    lines=[f"{MARK} 数据提示：{readable_message(w.message)}" for w in found],
                ),
                Cell(source_text(c), "muted"),
            ]
        )
    return Table(headers, rows, numeric={2, 4}, empty="未进行认定条件审核", cls="criteria"), flagged


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


def _contributions_table(
    contributions: Sequence[Mapping[str, Any]], policy_name: str | None, year: int | None
) -> tuple[Table, float | None]:
    rows = []
    total = 0.0
    counted = False
    for c in contributions:
        points = to_number(c.get("points"))
        if points is not None:
            total += points
            counted = True
        aspect, indicator = c.get("aspect"), c.get("indicator")
        unit = scoring_indicator_unit(aspect, indicator, policy_name)
        value = fmt_number(c.get("value"), 2)
        rows.append(
            [
                Cell(aspect_label(aspect, policy_name)),
                Cell(scoring_indicator_label(aspect, indicator, policy_name, year)),
                Cell(f"{value}{unit}" if value else "无法计算", "num"),
                cell(c.get("weight"), "num"),
                Cell(fmt_number(c.get("points"), 2), "num"),
            ]
        )
    table = Table(["方面", "指标", "数值", "分值", "得分"], rows, numeric={2, 3, 4}, empty="未计算得分")
    return table, (round(total, 2) if counted else None)


def _overrides_table(meta: Mapping[str, Any], policy_name: str | None) -> Table:
    overrides = meta.get("overrides") or []
    if isinstance(overrides, Mapping):
        overrides = [{"parameter": k, "value": v} for k, v in overrides.items()]
    rows = []
    for o in overrides:
        pid = fmt(o.get("parameter"))
        default = o.get("default")
        if default is None:
            try:
                default = policy(policy_name).parameter(pid).value_on(None)
            except ValueError:
                default = ""
        rows.append(
            [
                Cell(parameter_label(pid, policy_name)),
                cell(default),
                cell(o.get("value")),
                cell(o.get("reason")),
            ]
        )
    return Table(["参数", "政策文件原值", "本次取值", "理由"], rows, empty="本次认定未调整政策参数")


def _verdict(decision: Mapping[str, Any]) -> tuple[str, str]:
    if truthy(decision.get("valid")) is False:
        return "申报材料校验未通过，未进行认定条件审核", "bad"
    if truthy(decision.get("vetoed")):
        return "一票否决（第六条）", "bad"
    if truthy(decision.get("eligible")):
        return "符合认定条件", "ok"
    return "不符合认定条件", "bad"


def _policy_facts(meta: Mapping[str, Any]) -> list[tuple[str, str]]:
    described = meta.get("policy_description") or {}
    source = {
        **meta,
        **{k: v for k, v in described.items() if k in ("title", "document", "version", "effective_from")},
    }
    return [
        (name, fmt(source.get(key)))
        for key, name in (
            ("title", "政策文件"),
            ("document", "文件编号"),
            ("id", "文件编号"),
            ("version", "版本"),
            ("effective_from", "生效日期"),
        )
        if not is_blank(source.get(key))
    ]


def render_evaluation(
    out_dir: Path,
    *,
    decision: Mapping[str, Any],
    criteria: Sequence[Mapping[str, Any]],
    contributions: Sequence[Mapping[str, Any]],
    model_note: str = "",
    policy: Mapping[str, Any] | None = None,
    incidents: Sequence[Mapping[str, Any]] = (),
    warnings: Sequence[Issue] = (),
) -> Path:
    """集群认定评审结果: verdict, criteria (article, value and its source, threshold, result), veto
    incidents, score.

    `criteria` are criteria.csv rows (optionally with `title` and `shown`: the criterion's words and
    the value as a person reads it); `policy` is the campaign's meta (policy name, year, overrides);
    `incidents` the 安全合规 rows behind a veto; `warnings` the submission's validation warnings,
    each shown beside the criterion whose source (sheet, row, column) it concerns.
    """
    meta = policy or {}
    policy_name = fmt(meta.get("policy")) or None
    year = int(meta["year"]) if fmt(meta.get("year")).isdigit() else None
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
    if not is_blank(decision.get("final_status")):
        progress.append(("当前状态", status_label(decision.get("final_status"))))
        if not is_blank(decision.get("reason")):
            progress.append(("理由", fmt(decision.get("reason"))))
        article = status_article(decision.get("final_status"), decision.get("article"))
        if article:
            progress.append(("依据", article))
    if not is_blank(decision.get("province_rank")):
        progress.append(("全省排名", fmt(decision.get("province_rank"))))
    criteria_table, _ = _criteria_table(criteria, warnings, policy_name)
    contrib_table, contrib_total = _contributions_table(contributions, policy_name, year)
    veto_rows = [[cell(i.get(k)) for k, _ in incident_headers()] for i in incidents]
    # a campaign's meta carries the policy's own description (Policy.describe) under policy_description
    described = {**(meta.get("policy_description") or {}), **meta}
    return write_page(
        out_dir,
        relpath,
        "evaluation.html.j2",
        title="集群认定评审结果",
        subtitle=" · ".join(x for x in (fmt(decision.get("cluster_name")), county, sid) if x),
        facts=facts,
        verdict=verdict,
        verdict_cls=verdict_cls,
        failed=criteria_labels(decision.get("failed_criteria"), policy_name),
        warnings=criteria_labels(decision.get("warnings"), policy_name),
        data_warnings=[readable_message(w.message) for w in on_decision(warnings, policy_name)],
        progress=progress,
        feedback_href=relative_href(relpath, feedback_relpath(sid)),
        cluster_href=relative_href(relpath, cluster_relpath(sid)),
        criteria=criteria_table,
        gaps=_gaps_table(criteria),
        gap_steps=gap_steps_text(described.get("gap_steps")),
        vetoed=truthy(decision.get("vetoed")) is True,
        veto=Table([h for _, h in incident_headers()], veto_rows, empty="未列出事项"),
        score=fmt_number(decision.get("score"), 2),
        contributions=contrib_table,
        contrib_total=fmt_number(contrib_total, 2) if contrib_total is not None else "",
        model_note=model_note or DEFAULT_MODEL_NOTE,
        policy_facts=_policy_facts(meta),
        overrides=_overrides_table(meta, policy_name),
    )
