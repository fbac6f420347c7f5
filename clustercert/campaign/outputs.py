"""The campaign's output folder (SPEC §5): CSV extracts, HTML reports and spreadsheets, per stage.

Layout (relative links between pages, so the folder can be zipped and opened offline):
index.html · validation.html · feedback/<id>.html · validation_issues.csv · expectations.csv ·
scores.html · evaluation/<id>.html · criteria.csv · decisions.csv · prefectures/<code>.html|.xlsx ·
public_notice.html|.xlsx · certified.csv · certified.html|.xlsx · policy.json · archive/
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from clustercert import reports
from clustercert.campaign.certification import CERTIFIED_COLUMNS, Certification
from clustercert.campaign.pipeline import DECISION_COLUMNS, Campaign
from clustercert.campaign.prefecture import PrefectureRecommendation
from clustercert.campaign.province import ProvincialShortlist
from clustercert.issue import Issue, write_issues_csv
from clustercert.reference import prefectures
from clustercert.rules import CRITERIA_COLUMNS, Evaluation, criteria_rows
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


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (None if _missing(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# --- validation ---------------------------------------------------------------------------------


def submission_facts(sub: Submission, result: ValidationResult) -> dict[str, Any]:
    return {
        "submission_id": sub.submission_id,
        "file": sub.file,
        "cluster_name": sub.profile_value("cluster_name"),
        "county_code": sub.profile_value("county_code"),
        "county_name": sub.profile_value("county_name"),
        "campaign_year": sub.profile_value("campaign_year"),
        "valid": result.valid,
    }


def write_feedback(out: Path, sub: Submission, result: ValidationResult) -> Path:
    return reports.render_feedback(out, submission=submission_facts(sub, result), issues=result.issues)


def outcome_rows(quality: QualityReport) -> list[dict[str, Any]]:
    return [
        {k: (str(v) if k == "severity" else v) for k, v in asdict(o).items() if k in EXPECTATION_COLUMNS}
        for o in quality.outcomes
    ]


def write_validation(
    out: Path,
    campaign: Campaign,
    subs: Sequence[Submission],
    results: Sequence[ValidationResult],
    quality: QualityReport,
) -> dict[str, Path]:
    issues: list[Issue] = [i for r in results for i in r.issues]
    outcomes = outcome_rows(quality)
    return {
        "issues": write_issues_csv(issues, out / "validation_issues.csv"),
        "expectations": reports.write_rows_csv(
            out / "expectations.csv", outcomes, _keys(EXPECTATION_COLUMNS), header="key"
        ),
        "summary": reports.render_validation_summary(
            out,
            campaign=campaign.meta,
            submissions=[submission_facts(s, r) for s, r in zip(subs, results, strict=True)],
            issues=issues,
            expectation_outcomes=outcomes,
        ),
    }


# --- scores -------------------------------------------------------------------------------------


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


def write_evaluation(
    out: Path, campaign: Campaign, decision: Mapping[str, Any], evaluation: Evaluation
) -> Path:
    return reports.render_evaluation(
        out,
        decision=decision,
        criteria=criteria_rows(evaluation),
        contributions=contribution_rows(evaluation),
        model_note=evaluation.score.model_note,
        policy=campaign.meta,
        incidents=[asdict(i) for i in evaluation.veto_incidents],
    )


def write_scores(
    out: Path, campaign: Campaign, table: pd.DataFrame, evaluations: dict[str, Evaluation]
) -> dict[str, Path]:
    rows = [r for sid in sorted(evaluations) for r in criteria_rows(evaluations[sid])]
    scored = table[table["submission_id"].isin(evaluations)]
    return {
        "criteria": reports.write_rows_csv(out / "criteria.csv", rows, _keys(CRITERIA_COLUMNS), header="key"),
        "scores": reports.render_campaign_scores(
            out, campaign=campaign.meta, rows=_records(scored), model_note=campaign.meta["model_note"]
        ),
    }


# --- prefecture, province, certification --------------------------------------------------------


def write_prefecture(
    out: Path, campaign: Campaign, recommendation: PrefectureRecommendation
) -> tuple[Path, Path]:
    return reports.render_prefecture_list(
        out,
        prefecture_code=recommendation.prefecture_code,
        rows=_records(recommendation.rows),
        campaign=campaign.meta,
    )


def write_province(
    out: Path, campaign: Campaign, listed: ProvincialShortlist, certification: Certification
) -> dict[str, Path]:
    paths: dict[str, Path] = {}
    if listed.notice_first_day is not None:
        html, xlsx = reports.render_public_notice(
            out,
            rows=_records(listed.public_notice),
            campaign=campaign.meta,
            notice={
                "start": listed.notice_first_day.isoformat(),
                "end": listed.notice_last_day.isoformat() if listed.notice_last_day else "",
                "working_days": listed.notice_working_days,
                "objection_channel": "公示期内对名单有异议的，请以书面形式向省工业和信息化厅反映（第十条）。",
            },
        )
        paths["public_notice"], paths["public_notice_xlsx"] = html, xlsx
    certified_rows = _records(certification.certified)
    paths["certified_csv"] = reports.write_rows_csv(
        out / "certified.csv", certified_rows, _keys(CERTIFIED_COLUMNS), header="key"
    )
    paths["certified"], paths["certified_xlsx"] = reports.render_certified_list(
        out, rows=certified_rows, campaign=campaign.meta
    )
    return paths


def write_decisions(out: Path, table: pd.DataFrame) -> Path:
    return reports.write_rows_csv(
        out / "decisions.csv", _records(table), _keys(DECISION_COLUMNS), header="key"
    )


def write_policy(out: Path, campaign: Campaign) -> Path:
    path = out / "policy.json"
    path.write_text(json.dumps(campaign.meta, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return path


# --- the front page -----------------------------------------------------------------------------


def summary_counts(table: pd.DataFrame, certification: Certification | None) -> dict[str, int]:
    def count(column: str) -> int:
        return int(table[column].map(lambda v: v is True or v == True).sum())  # noqa: E712 — nullable flags

    return {
        "submitted": len(table),
        "valid": count("valid"),
        "invalid": len(table) - count("valid"),
        "eligible": count("eligible"),
        "recommended": count("recommended"),
        "shortlisted": count("shortlisted"),
        "certified": 0 if certification is None else len(certification.certified),
    }


def write_index(
    out: Path,
    campaign: Campaign,
    table: pd.DataFrame,
    certification: Certification | None,
    prefecture_codes: Sequence[str],
) -> Path:
    year = campaign.setup.year
    names = prefectures()

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
                link("decisions.csv", "decisions.csv", "每份申报的结论"),
                link("policy.json", "policy.json", "本次适用的政策参数及调整"),
            ],
        },
        {
            "title": "市（地）推荐名单（第九条）",
            "links": [
                link(reports.prefecture_relpath(code), f"{names.get(code, code)}推荐名单")
                for code in prefecture_codes
            ],
        },
        {
            "title": "公示与认定（第十条）",
            "links": [
                *(
                    [link("public_notice.html", "拟认定名单公示", "不含联系人及电话")]
                    if (out / "public_notice.html").exists()
                    else []
                ),
                link("certified.html", "认定名单"),
                link("certified.csv", "certified.csv", "认定编号、认定日期、有效期至"),
            ],
        },
    ]
    return reports.render_index(
        out,
        title=f"{year}年黑龙江省中小企业特色产业集群认定",
        subtitle=f"评审基准日 {campaign.setup.as_of.isoformat()} · 黑工信企业规〔2023〕8号",
        sections=sections,
        summary=summary_counts(table, certification),
    )
