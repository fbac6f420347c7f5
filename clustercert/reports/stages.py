"""The write step of each campaign stage, and the overview every stage leaves behind (SPEC §5).

Layout (relative links between pages, so the folder can be zipped and opened offline):
index.html · validation.html · feedback/<id>.html · validation_issues.csv · expectations.csv ·
scores.html · evaluation/<id>.html · criteria.csv · decisions.csv · prefectures/<code>.html|.xlsx ·
public_notice.html|.xlsx · certified.csv · certified.html|.xlsx · policy.json · archive/

A stage writes what it decided; the overview (decisions.csv, scores.html, index.html) is written
from the registry, so it always shows every stage so far, whichever stage ran last.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from clustercert.campaign.certification import CERTIFIED_COLUMNS
from clustercert.campaign.prefecture import PrefectureRecommendation
from clustercert.issue import Issue, write_issues_csv
from clustercert.reference import prefectures
from clustercert.reports.campaign import (
    render_campaign_scores,
    render_certified_list,
    render_prefecture_list,
    render_public_notice,
)
from clustercert.reports.evaluation import render_evaluation
from clustercert.reports.index import present_links, render_index
from clustercert.reports.render import prefecture_relpath
from clustercert.reports.validation import render_validation_summary, submission_facts, write_feedback
from clustercert.reports.xlsx import write_rows_csv
from clustercert.rules import CRITERIA_COLUMNS, Evaluation, criteria_rows
from clustercert.stages.context import CampaignContext
from clustercert.stages.facts import DECISION_COLUMNS
from clustercert.stages.shortlist import ShortlistOutcome
from clustercert.submission import Submission
from clustercert.validation import QualityReport, ValidationResult

EXPECTATION_COLUMNS = (
    "expectation_id",
    "table",
    "severity",
    "reference",
    "description",
    "engine",
    "success",
    "element_count",
    "unexpected_count",
)


def _keys(columns: Sequence[str]) -> list[tuple[str, str]]:
    return [(c, c) for c in columns]


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows with missing values as None (what the renderers and the CSV writer expect)."""
    return [{k: (None if _missing(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# --- validate-submissions -----------------------------------------------------------------------


def outcome_rows(quality: QualityReport) -> list[dict[str, Any]]:
    return [
        {k: (str(v) if k == "severity" else v) for k, v in asdict(o).items() if k in EXPECTATION_COLUMNS}
        for o in quality.outcomes
    ]


def write_validation(
    ctx: CampaignContext,
    subs: Sequence[Submission],
    results: Sequence[ValidationResult],
    quality: QualityReport,
) -> dict[str, Path]:
    out = ctx.reports
    for sub, result in zip(subs, results, strict=True):
        write_feedback(out, sub, result)
    issues: list[Issue] = [i for r in results for i in r.issues]
    outcomes = outcome_rows(quality)
    return {
        "issues": write_issues_csv(issues, out / "validation_issues.csv"),
        "expectations": write_rows_csv(
            out / "expectations.csv", outcomes, _keys(EXPECTATION_COLUMNS), header="key"
        ),
        "summary": render_validation_summary(
            out,
            campaign=ctx.meta,
            submissions=[submission_facts(s, r) for s, r in zip(subs, results, strict=True)],
            issues=issues,
            expectation_outcomes=outcomes,
        ),
    }


# --- score-clusters -----------------------------------------------------------------------------


def contribution_rows(evaluation: Evaluation) -> list[dict[str, Any]]:
    return [
        {
            "aspect": c.aspect,
            "indicator": c.indicator,
            "value": None if c.value is None else float(c.value),
            "weight": float(c.weight),
            "points": float(c.points),
        }
        for c in evaluation.score.contributions
    ]


def write_evaluation(ctx: CampaignContext, decision: Mapping[str, Any], evaluation: Evaluation) -> Path:
    return render_evaluation(
        ctx.reports,
        decision=decision,
        criteria=criteria_rows(evaluation),
        contributions=contribution_rows(evaluation),
        model_note=evaluation.score.model_note,
        policy=ctx.meta,
        incidents=[asdict(i) for i in evaluation.veto_incidents],
    )


def write_scores(
    ctx: CampaignContext, rows: pd.DataFrame, evaluations: Sequence[Evaluation]
) -> dict[str, Path]:
    """Each evaluation page, criteria.csv and policy.json (the scores page is the overview's)."""
    by_id = {e.submission_id: e for e in evaluations}
    for row in records(rows):
        evaluation = by_id.get(row["submission_id"])
        if evaluation is not None:
            write_evaluation(ctx, row, evaluation)
    lines = [r for sid in sorted(by_id) for r in criteria_rows(by_id[sid])]
    return {
        "criteria": write_rows_csv(
            ctx.reports / "criteria.csv", lines, _keys(CRITERIA_COLUMNS), header="key"
        ),
        "policy": write_policy(ctx),
    }


def write_policy(ctx: CampaignContext) -> Path:
    path = ctx.reports / "policy.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ctx.meta, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return path


# --- prefecture-recommendation ------------------------------------------------------------------


def write_prefecture(ctx: CampaignContext, recommendation: PrefectureRecommendation) -> tuple[Path, Path]:
    return render_prefecture_list(
        ctx.reports,
        prefecture_code=recommendation.prefecture_code,
        rows=records(recommendation.rows),
        campaign=ctx.meta,
    )


# --- provincial-shortlist -----------------------------------------------------------------------


OBJECTION_CHANNEL = "公示期内对名单有异议的，请以书面形式向省工业和信息化厅反映（第十条）。"


def write_shortlist(ctx: CampaignContext, outcome: ShortlistOutcome) -> dict[str, Path]:
    out, listed = ctx.reports, outcome.listed
    paths: dict[str, Path] = {}
    if listed.notice_first_day is not None:
        html, xlsx = render_public_notice(
            out,
            rows=records(listed.public_notice),
            campaign=ctx.meta,
            notice={
                "start": listed.notice_first_day.isoformat(),
                "end": listed.notice_last_day.isoformat() if listed.notice_last_day else "",
                "working_days": listed.notice_working_days,
                "objection_channel": OBJECTION_CHANNEL,
            },
        )
        paths["public_notice"], paths["public_notice_xlsx"] = html, xlsx
    certified = records(outcome.certification.certified)
    paths["certified_csv"] = write_rows_csv(
        out / "certified.csv", certified, _keys(CERTIFIED_COLUMNS), header="key"
    )
    paths["certified"], paths["certified_xlsx"] = render_certified_list(
        out, rows=certified, campaign=ctx.meta
    )
    return paths


# --- the overview: from the registry, after any stage --------------------------------------------


def _count(rows: pd.DataFrame, column: str) -> int:
    return int(rows[column].map(lambda v: v is True or v == True).sum())  # noqa: E712 — nullable flags


def summary_counts(rows: pd.DataFrame) -> dict[str, int]:
    return {
        "submitted": len(rows),
        "valid": _count(rows, "valid"),
        "invalid": int(rows["valid"].map(lambda v: v is False).sum()),
        "eligible": _count(rows, "eligible"),
        "recommended": _count(rows, "recommended"),
        "shortlisted": _count(rows, "shortlisted"),
        "certified": int((rows["certificate_id"].fillna("") != "").sum()),
    }


def write_overview(
    ctx: CampaignContext, rows: pd.DataFrame, history: Mapping[str, Sequence[Mapping[str, Any]]] | None = None
) -> Path:
    """decisions.csv, scores.html and index.html as the registry now stands.

    `rows` are `clustercert.stages.facts.decision_rows` (one per current submission, FACT_COLUMNS);
    `history` maps a submission id to its audit entries, oldest first, each a dict with
    at (ISO UTC), from_status, to_status, field, old_value, new_value, reason, article, flow_run_id,
    actor — the lifecycle a cluster page shows.
    """
    out = ctx.reports
    write_rows_csv(out / "decisions.csv", records(rows), _keys(DECISION_COLUMNS), header="key")
    scored = rows[rows["valid"].map(lambda v: v is True)]
    render_campaign_scores(out, campaign=ctx.meta, rows=records(scored), model_note=ctx.meta["model_note"])
    return write_index(ctx, rows)


def write_index(ctx: CampaignContext, rows: pd.DataFrame) -> Path:
    out = ctx.reports
    names = prefectures()
    codes = sorted({c for c in rows.loc[rows["eligible"].map(lambda v: v is True), "prefecture_code"] if c})

    def link(href: str, text: str, note: str = "") -> dict[str, str]:
        return {"href": href, "text": text, "note": note}

    sections = [
        {
            "title": "申报与校验",
            "links": [
                link("validation.html", "申报材料校验汇总", "每份申报的校验结论、问题统计与数据质量检查结果"),
                link(
                    "validation_issues.csv", "validation_issues.csv", "全部问题清单（文件、工作表、行、列）"
                ),
                link("expectations.csv", "expectations.csv", "数据质量检查（Great Expectations）结果"),
            ],
        },
        {
            "title": "评审与择优",
            "links": [
                link("scores.html", "评审结果与默认评分", "默认评分模型（由本次申报工作设定）"),
                link("criteria.csv", "criteria.csv", "逐条认定标准的判定（含条款）"),
                link("decisions.csv", "decisions.csv", "每份申报的结论与理由"),
                link("policy.json", "policy.json", "本次适用的政策参数及调整"),
            ],
        },
        {
            "title": "市（地）推荐名单（第九条）",
            "links": [link(prefecture_relpath(code), f"{names.get(code, code)}推荐名单") for code in codes],
        },
        {
            "title": "公示与认定（第十条）",
            "links": [
                link("public_notice.html", "拟认定名单公示", "不含联系人及电话"),
                link("certified.html", "认定名单"),
                link("certified.csv", "certified.csv", "认定编号、认定日期、有效期至"),
            ],
        },
    ]
    year = ctx.year
    return render_index(
        out,
        title=f"{year}年黑龙江省中小企业特色产业集群认定",
        subtitle=f"评审基准日 {ctx.setup.as_of.isoformat()} · 黑工信企业规〔2023〕8号",
        sections=present_links(out, sections),
        summary=summary_counts(rows),
    )
