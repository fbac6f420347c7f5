"""The write step of each campaign stage, and the overview every stage leaves behind (SPEC §5).

Layout (relative links between pages, so the folder can be zipped and opened offline):
index.html · validation.html · feedback/<id>.html · validation_issues.csv · expectations.csv ·
scores.html · evaluation/<id>.html · criteria.csv · decisions.csv · clusters.html ·
clusters/<id>.html · prefectures/<code>.html|.xlsx · public_notice.html|.xlsx · certified.csv ·
certified.html|.xlsx · policy.json · archive/

A stage writes what it decided; the overview (decisions.csv, scores.html, clusters.html, the cluster
pages, index.html) is written from the registry, so it always shows every stage so far, whichever
stage ran last.

Plausibility warnings (validation warnings on a value a criterion or the score reads) are marked
wherever a decision is shown. Writers take them as `warnings` (submission id → its validation
warnings); given None, they read the validate stage's validation_issues.csv in the output folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from clustercert.campaign.certification import CERTIFIED_COLUMNS
from clustercert.campaign.prefecture import PrefectureRecommendation
from clustercert.issue import Issue, write_issues_csv
from clustercert.lifecycle import Status
from clustercert.reference import prefectures
from clustercert.reports.campaign import (
    render_campaign_scores,
    render_certified_list,
    render_prefecture_list,
    render_public_notice,
)
from clustercert.reports.charts import funnel_chart, status_bar
from clustercert.reports.cluster import render_cluster, render_clusters_list
from clustercert.reports.evaluation import render_evaluation
from clustercert.reports.index import present_links, render_index
from clustercert.reports.labels import STATUS_COLOURS, STATUS_TONE, status, status_label
from clustercert.reports.plausibility import Warnings, decision_marks, on_decision, warnings_of
from clustercert.reports.render import PAGE_FILES, prefecture_relpath
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


EVALUATION_FACTS = (
    "submission_id",
    "file",
    "cluster_name",
    "county_code",
    "county_name",
    "prefecture_code",
    "valid",
    "eligible",
    "vetoed",
    "failed_criteria",
    "warnings",
    "score",
)


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


def criteria_view(evaluation: Evaluation) -> list[dict[str, Any]]:
    """criteria.csv rows with what a person reads besides: the criterion's words and the value as shown."""
    return [
        row | {"title": result.title, "shown": result.shown}
        for row, result in zip(criteria_rows(evaluation), evaluation.criteria, strict=True)
    ]


def write_evaluation(
    ctx: CampaignContext,
    decision: Mapping[str, Any],
    evaluation: Evaluation,
    warnings: Sequence[Issue] = (),
) -> Path:
    """evaluation/<id>.html; `warnings` are the submission's validation warnings (`ValidationResult.warnings`),
    each shown beside the criterion whose source it concerns."""
    return render_evaluation(
        ctx.reports,
        decision=decision,
        criteria=criteria_view(evaluation),
        contributions=contribution_rows(evaluation),
        model_note=evaluation.score.model_note,
        policy=ctx.meta,
        incidents=[asdict(i) for i in evaluation.veto_incidents],
        warnings=warnings,
    )


# One evaluation page's inputs: the facts it shows, the evaluation, the submission's warnings.
EvaluationPage = tuple[dict[str, Any], Evaluation, Sequence[Issue]]


def evaluation_pages(
    ctx: CampaignContext,
    rows: pd.DataFrame,
    evaluations: Sequence[Evaluation],
    warnings: Warnings | None = None,
) -> list[EvaluationPage]:
    """What each evaluation page shows, in the order of the decision rows."""
    known = warnings_of(ctx.reports, warnings)
    by_id = {e.submission_id: e for e in evaluations}
    pages: list[EvaluationPage] = []
    for row in records(rows):
        evaluation = by_id.get(row["submission_id"])
        if evaluation is not None:
            # The page shows what this stage decided; what later stages decide is on the cluster page.
            facts = {k: v for k, v in row.items() if k in EVALUATION_FACTS}
            pages.append((facts, evaluation, tuple(known.get(row["submission_id"], ()))))
    return pages


def write_evaluations(ctx: CampaignContext, pages: Sequence[EvaluationPage]) -> list[Path]:
    return [write_evaluation(ctx, facts, evaluation, warnings) for facts, evaluation, warnings in pages]


def write_scores(
    ctx: CampaignContext,
    rows: pd.DataFrame,
    evaluations: Sequence[Evaluation],
    warnings: Warnings | None = None,
    *,
    write_pages: Callable[[list[EvaluationPage]], object] | None = None,
) -> dict[str, Path]:
    """Each evaluation page, criteria.csv and policy.json (the scores page is the overview's).

    `warnings`: submission id → its validation warnings; None reads validation_issues.csv.
    `write_pages`: what writes the pages (default `write_evaluations`, here; the flow hands them to
    the campaign's worker processes).
    """
    pages = evaluation_pages(ctx, rows, evaluations, warnings)
    if write_pages is None:
        write_evaluations(ctx, pages)
    else:
        write_pages(pages)
    by_id = {e.submission_id: e for e in evaluations}
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


def write_prefecture(
    ctx: CampaignContext, recommendation: PrefectureRecommendation, warnings: Warnings | None = None
) -> tuple[Path, Path]:
    """prefectures/<code>.html|.xlsx: each eligible cluster with its outcome, reason and article."""
    rows = records(recommendation.rows)
    marks = decision_marks(rows, warnings_of(ctx.reports, warnings), ctx.policy_name)
    return render_prefecture_list(
        ctx.reports,
        prefecture_code=recommendation.prefecture_code,
        rows=rows,
        campaign=ctx.meta,
        marks=marks,
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
    rows = listed.rows
    dropped = rows[rows["outcome"] == str(Status.OBJECTION_UPHELD)] if len(rows) else rows
    paths["certified"], paths["certified_xlsx"] = render_certified_list(
        out, rows=certified, campaign=ctx.meta, dropped=records(dropped)
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


# decisions.csv: the registry's columns, then the final status as people read it
OVERVIEW_DECISION_COLUMNS = (*DECISION_COLUMNS, "final_status_label")


def write_overview(
    ctx: CampaignContext,
    rows: pd.DataFrame,
    history: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    warnings: Warnings | None = None,
    *,
    write_pages: Callable[[list[ClusterPage]], object] | None = None,
) -> Path:
    """decisions.csv, scores.html, the cluster pages, clusters.html and index.html as the registry now stands.

    `rows` are `clustercert.stages.facts.decision_rows` (one per current submission, FACT_COLUMNS);
    `history` maps a submission id to its audit entries, oldest first, each a dict with
    at (ISO UTC), from_status, to_status, field, old_value, new_value, reason, article, flow_run_id,
    actor — the lifecycle a cluster page shows; `warnings` maps a submission id to its validation
    warnings (None: read validation_issues.csv) — those on a value a decision rests on are marked;
    `write_pages` writes the cluster pages (default `write_cluster_pages`, here).
    """
    out = ctx.reports
    history = history or {}
    listed = records(rows)
    for row in listed:
        row["final_status_label"] = status_label(row.get("final_status"))
    write_rows_csv(out / "decisions.csv", listed, _keys(OVERVIEW_DECISION_COLUMNS), header="key")
    known = warnings_of(out, warnings)
    marks = decision_marks(listed, known, ctx.policy_name)
    scored = [r for r in listed if r.get("valid") is True]
    render_campaign_scores(
        out, campaign=ctx.meta, rows=scored, model_note=ctx.meta["model_note"], marks=marks
    )
    pages = [
        (
            row,
            list(history.get(row["submission_id"], ())),
            on_decision(list(known.get(row["submission_id"], ())), ctx.policy_name),
        )
        for row in listed
    ]
    if write_pages is None:
        write_cluster_pages(ctx, pages)
    else:
        write_pages(pages)
    render_clusters_list(out, rows=listed, campaign=ctx.meta, marks=marks)
    return write_index(ctx, rows)


# One cluster page's inputs: its decision row, its audit history, the warnings its decisions rest on.
ClusterPage = tuple[dict[str, Any], list[Mapping[str, Any]], list[Issue]]


def write_cluster_pages(ctx: CampaignContext, pages: Sequence[ClusterPage]) -> list[Path]:
    return [
        render_cluster(ctx.reports, row=row, history=history, campaign=ctx.meta, warnings=warnings)
        for row, history, warnings in pages
    ]


def _present(out: Path, relpath: str) -> bool:
    return (out / relpath).exists()


# The campaign funnel (第八条 → 第十条): how many reached each status, whatever came after.
FUNNEL = (
    ("submitted", Status.SUBMITTED),
    ("valid", Status.VALID),
    ("eligible", Status.ELIGIBLE),
    ("recommended", Status.RECOMMENDED),
    ("shortlisted", Status.SHORTLISTED),
    ("certified", Status.CERTIFIED),
)


def _status_rank(code: str) -> int:
    """Where a status code stands in the lifecycle's order of tones (an unknown code last)."""
    found = status(code)
    return list(STATUS_TONE).index(found) if found in STATUS_TONE else 99


def _status_colour(code: str) -> str:
    found = status(code)
    return STATUS_COLOURS.get(found, "#9aa5b1") if found is not None else "#9aa5b1"


def campaign_charts(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """The funnel, and each prefecture's clusters by final status (inline SVG)."""
    counts = summary_counts(rows)
    funnel = funnel_chart([(status.label, counts[key]) for key, status in FUNNEL])
    names = prefectures()
    bars = []
    by_prefecture = rows.assign(_code=rows["prefecture_code"].fillna("").astype(str))
    for code, group in sorted(by_prefecture.groupby("_code"), key=lambda kv: kv[0] or "999999"):
        statuses = group["final_status"].fillna("").astype(str).value_counts()
        ordered = sorted(statuses.index, key=_status_rank)
        segments = [(status_label(s), int(statuses[s]), _status_colour(s)) for s in ordered]
        bars.append(status_bar(segments, title=names.get(code, code) if code else "（未识别市（地））"))
    return [
        {
            "title": "认定进程",
            "charts": [funnel],
            "note": "每一步为达到该步骤的申报数（括号内为占申报总数的比例）。",
        },
        {"title": "各市（地）申报的当前状态", "charts": bars},
    ]


def write_index(ctx: CampaignContext, rows: pd.DataFrame) -> Path:
    out = ctx.reports
    names = prefectures()
    codes = sorted({c for c in rows.loc[rows["eligible"].map(lambda v: v is True), "prefecture_code"] if c})

    def link(href: str, text: str, note: str = "", also: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
        extra = [{"href": h, "text": t} for h, t in also if _present(out, h)]
        return {"href": href, "text": text, "note": note, "also": extra}

    def present(*links: dict[str, Any]) -> list[dict[str, Any]]:
        return [item for item in links if _present(out, item["href"])]

    sections = [
        {
            "title": "每个集群的结论与理由",
            "links": present(
                link(
                    PAGE_FILES["clusters"],
                    "全部申报集群",
                    "名称、所在地、当前状态、得分和理由；可排序、筛选，点击名称查看认定过程",
                ),
            ),
        },
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
                link("criteria.csv", "criteria.csv", "逐条认定标准的判定（含条款和数据来源）"),
                link("decisions.csv", "decisions.csv", "每份申报的结论、理由和依据条款"),
                link("policy.json", "policy.json", "本次适用的政策参数及调整"),
            ],
        },
        {
            "title": "市（地）推荐名单（第九条）",
            "links": present(
                *(
                    link(
                        prefecture_relpath(code),
                        f"{names.get(code, code)}推荐名单",
                        also=[(prefecture_relpath(code, "xlsx"), "Excel")],
                    )
                    for code in codes
                )
            ),
        },
        {
            "title": "公示与认定（第十条）",
            "links": present(
                link(
                    "public_notice.html",
                    "拟认定名单公示",
                    "不含联系人及电话",
                    [("public_notice.xlsx", "Excel")],
                ),
                link(
                    "certified.html",
                    "认定名单",
                    "含公示后未予认定的集群及理由",
                    [("certified.xlsx", "Excel")],
                ),
                link("certified.csv", "certified.csv", "认定编号、认定日期、有效期至"),
            ),
        },
    ]
    year = ctx.year
    return render_index(
        out,
        title=f"{year}年黑龙江省中小企业特色产业集群认定",
        subtitle=f"评审基准日 {ctx.setup.as_of.isoformat()} · 黑工信企业规〔2023〕8号",
        sections=present_links(out, sections),
        summary=summary_counts(rows),
        charts=campaign_charts(rows) if len(rows) else [],
        lead={
            "href": PAGE_FILES["clusters"],
            "text": "全部申报集群：每个集群的当前状态和理由",
            "note": "点击集群名称查看其认定过程（每一步的时间、理由和依据条款）",
        }
        if _present(out, PAGE_FILES["clusters"])
        else None,
    )
