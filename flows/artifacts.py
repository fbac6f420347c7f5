"""What an operator sees of each campaign stage in the Prefect UI: a table artifact in Chinese.

Artifact keys may hold only lowercase ASCII, digits and dashes, so they carry the year and codes;
the description and the table say in Chinese what they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from clustercert.campaign.prefecture import PrefectureRecommendation
from clustercert.lifecycle import Status
from clustercert.stages.collect import Collected
from clustercert.stages.context import CampaignContext
from clustercert.stages.shortlist import ShortlistOutcome
from clustercert.validation import ValidationResult
from flows.runtime import publish_markdown, publish_table

YES, NO = "是", "否"


def _status(code: Any) -> str:
    try:
        return Status(str(code)).label
    except ValueError:
        return "待定" if code == "pending" else str(code or "")


def _yes(value: Any) -> str:
    return "" if value is None else (YES if value else NO)


def collected(ctx: CampaignContext, result: Collected) -> None:
    rows = [
        {"申报编号": s.submission_id, "文件": s.file, "SHA-256": s.sha256[:16], "可读取": _yes(s.readable)}
        for s in result.current
    ]
    rows += [
        {"申报编号": old, "文件": "", "SHA-256": "", "可读取": f"已被更正后的申报 {new} 替代"}
        for old, new in result.superseded
    ]
    publish_table(f"campaign-{ctx.year}-collected", rows, f"{ctx.year}年收到的申报材料（已按 SHA-256 归档）")


def validated(ctx: CampaignContext, results: Sequence[ValidationResult]) -> None:
    rows = [
        {
            "申报编号": r.submission_id,
            "文件": r.file,
            "校验结论": "通过" if r.valid else "未通过",
            "错误": len(r.errors),
            "提示": len(r.warnings),
        }
        for r in results
    ]
    publish_table(f"campaign-{ctx.year}-validation", rows, f"{ctx.year}年申报材料校验结果（validation.html）")


def scored(ctx: CampaignContext, rows: Any) -> None:
    valid = rows[rows["valid"].map(lambda v: v is True)].sort_values("score", ascending=False)
    table = [
        {
            "申报编号": r["submission_id"],
            "集群名称": r["cluster_name"],
            "符合认定条件": _yes(r["eligible"]),
            "得分（默认评分模型）": "" if r["score"] is None else round(float(r["score"]), 2),
            "结论": _status(r["final_status"]),
            "理由": r["reason"],
        }
        for r in valid.to_dict("records")
    ]
    publish_table(
        f"campaign-{ctx.year}-scores",
        table,
        f"{ctx.year}年认定标准评审结果；分数为默认评分模型（由本次申报工作设定）",
    )


def recommended(ctx: CampaignContext, recommendations: Sequence[PrefectureRecommendation]) -> None:
    """Every prefecture's recommendations in one table, prefecture by prefecture in rank order (one
    request to the API for the stage, not one per prefecture)."""
    table = [
        {
            "市（地）": rec.prefecture_name,
            "推荐顺序": ""
            if r["prefecture_rank"] is None or r["prefecture_rank"] != r["prefecture_rank"]
            else int(r["prefecture_rank"]),
            "申报编号": r["submission_id"],
            "集群名称": r["cluster_name"],
            "结论": _status(r["outcome"]),
            "理由": r["reason"],
        }
        for rec in recommendations
        for r in rec.rows.astype(object).where(rec.rows.notna(), None).to_dict("records")
    ]
    publish_table(
        f"campaign-{ctx.year}-prefectures",
        table,
        f"{ctx.year}年各市（地）推荐名单（第九条，{len(recommendations)} 个市（地））",
    )


def shortlisted(ctx: CampaignContext, outcome: ShortlistOutcome) -> None:
    rows = outcome.listed.rows
    table = [
        {
            "全省排名": "" if r["province_rank"] is None else int(r["province_rank"]),
            "申报编号": r["submission_id"],
            "集群名称": r["cluster_name"],
            "结论": _status(r["outcome"]),
            "理由": r["reason"],
        }
        for r in rows.astype(object).where(rows.notna(), None).to_dict("records")
    ]
    publish_table(f"campaign-{ctx.year}-shortlist", table, f"{ctx.year}年省级择优、公示与认定结果（第十条）")


REPORT_PAGES = (
    ("index.html", "报告首页"),
    ("clusters.html", "全部集群"),
    ("validation.html", "申报材料校验汇总"),
    ("scores.html", "评审结果与默认评分"),
    ("public_notice.html", "拟认定名单公示"),
    ("certified.html", "认定名单"),
    ("decisions.csv", "每份申报的结论与理由"),
)


def reports(year: int, out: Path, summary: dict[str, int]) -> None:
    """The campaign's markdown artifact: the funnel and a link to each page of the output folder."""
    out = Path(out).resolve()
    lines = [
        f"# {year}年黑龙江省中小企业特色产业集群认定",
        "",
        "| 申报 | 校验通过 | 符合条件 | 市（地）推荐 | 入选公示 | 认定 |",
        "|---|---|---|---|---|---|",
        "| {submitted} | {valid} | {eligible} | {recommended} | {shortlisted} | {certified} |".format(
            **summary
        ),
        "",
        f"输出目录：{out}",
        "",
    ]
    lines += [
        f"- [{title}]({(out / name).as_uri()})" for name, title in REPORT_PAGES if (out / name).exists()
    ]
    lines += [
        f"- [{path.stem}推荐名单]({path.resolve().as_uri()})"
        for path in sorted((out / "prefectures").glob("*.html"))
    ]
    publish_markdown(f"campaign-{year}-reports", "\n".join(lines) + "\n", f"{year}年认定工作报告索引")
