"""Sample rows for every report page, shaped like the SPEC §5 CSVs, with hostile values mixed in.

Also a script: `python tests/reports/reports_samples.py DIR` renders every page into DIR to look at.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from clustercert.issue import Issue, Severity
from clustercert.reports import (
    render_campaign_scores,
    render_certified_list,
    render_change_filings,
    render_evaluation,
    render_expiry,
    render_feedback,
    render_index,
    render_monitoring,
    render_national_recommendation,
    render_prefecture_list,
    render_public_notice,
    render_revocation_proposals,
    render_validation_summary,
)

HOSTILE_NAME = '<script>alert("x")</script>尚志食品集群'
SID_OK = "2026-230183-1a2b3c4d"
SID_BAD = "2026-230184-deadbeef"
SID_VETO = "2026-230602-0badf00d"
CAMPAIGN = {"year": 2026, "as_of": date(2026, 7, 1)}


def submissions() -> list[dict]:
    return [
        {
            "submission_id": SID_OK,
            "file": "尚志.xlsx",
            "cluster_name": HOSTILE_NAME,
            "county_code": "230183",
            "valid": True,
        },
        {
            "submission_id": SID_BAD,
            "file": "五常.xlsx",
            "cluster_name": "五常大米产业集群",
            "county_code": "230184",
            "valid": False,
        },
        {
            "submission_id": SID_VETO,
            "file": "大同.xlsx",
            "cluster_name": "大同石化配套集群",
            "county_code": "230606",
            "valid": True,
        },
    ]


def issues() -> list[Issue]:
    return [
        Issue(
            SID_BAD,
            "五常.xlsx",
            "经营指标",
            4,
            "集群总产值（万元）",
            "schema.annual.total_output.non_negative",
            Severity.ERROR,
            "集群总产值不能为负数，请填写万元为单位的非负数",
            "SPEC §3.1",
        ),
        Issue(
            SID_BAD,
            "五常.xlsx",
            "基本信息",
            6,
            "所在县（市、区）代码",
            "gx.county_code_known",
            Severity.ERROR,
            "县级代码 239999 不是黑龙江省的县（市、区）",
            "SPEC §3.1",
        ),
        Issue(
            SID_BAD,
            "五常.xlsx",
            "企业名录",
            3,
            "统一社会信用代码",
            "gx.uscc_check_digit",
            Severity.ERROR,
            "统一社会信用代码校验位错误：<b>9123</b>",
            "GB 32100-2015",
        ),
        Issue(
            SID_BAD,
            "五常.xlsx",
            "",
            None,
            "",
            "intake.sheet_missing",
            Severity.ERROR,
            "缺少工作表“发展规划”",
            "SPEC §3",
        ),
        Issue(
            SID_OK,
            "尚志.xlsx",
            "基本信息",
            13,
            "占地面积（平方公里）",
            "rule.A5.1.area",
            Severity.WARNING,
            "占地面积 120 平方公里超过一般上限 100 平方公里，请说明理由",
            "5(一)",
        ),
    ]


def expectation_outcomes() -> list[dict]:
    return [
        {
            "expectation_id": "uscc_check_digit",
            "table": "enterprises",
            "severity": "error",
            "reference": "GB 32100-2015",
            "description": "统一社会信用代码校验位正确",
            "success": False,
            "element_count": 42,
            "unexpected_count": 1,
            "engine": "pandas",
        },
        {
            "expectation_id": "sme_output_le_total",
            "table": "annual",
            "severity": "error",
            "reference": "SPEC §3.1",
            "description": "中小企业产值不大于集群总产值",
            "success": True,
            "element_count": 9,
            "unexpected_count": 0,
            "engine": "pandas",
        },
    ]


def decision_ok() -> dict:
    return {
        "submission_id": SID_OK,
        "file": "尚志.xlsx",
        "cluster_name": HOSTILE_NAME,
        "county_code": "230183",
        "prefecture_code": "230100",
        "valid": "true",
        "eligible": "true",
        "vetoed": "false",
        "failed_criteria": "",
        "warnings": "A5.1.area",
        "score": "82.456",
        "recommended": "true",
        "province_rank": "1",
        "shortlisted": "true",
        "leading_industry": "食品加工",
        "operator_name": '=HYPERLINK("x")管委会',
        "contact_name": "张三",
        "contact_phone": "13912345678",
    }


def decision_veto() -> dict:
    return {
        "submission_id": SID_VETO,
        "file": "大同.xlsx",
        "cluster_name": "大同石化配套集群",
        "county_code": "230606",
        "prefecture_code": "230600",
        "valid": "true",
        "eligible": "false",
        "vetoed": "true",
        "failed_criteria": "A6.incidents;A5.4.rd_growth",
        "warnings": "",
        "score": "61.2",
        "recommended": "false",
        "province_rank": "",
        "shortlisted": "false",
        "contact_name": "李四",
        "contact_phone": "0451-8262 0000",
    }


def criteria() -> list[dict]:
    return [
        {
            "submission_id": SID_OK,
            "criterion_id": "A5.1.output",
            "article": "5(一)",
            "value": "152000;160000;171000",
            "threshold": "150000",
            "comparator": ">=",
            "result": "pass",
            "explanation": "近三年产值均不低于15亿元",
        },
        {
            "submission_id": SID_OK,
            "criterion_id": "A5.1.leading_share",
            "article": "5(一)",
            "value": 60.0,
            "threshold": 60,
            "comparator": ">",
            "result": "fail",
            "explanation": "主导产业占比60%，未高于60%",
        },
        {
            "submission_id": SID_OK,
            "criterion_id": "A5.1.area",
            "article": "5(一)",
            "value": 120,
            "threshold": 100,
            "comparator": "<=",
            "result": "warning",
            "explanation": "占地面积超过100平方公里，需说明理由",
        },
        {
            "submission_id": SID_OK,
            "criterion_id": "A6.incidents",
            "article": "6",
            "value": "",
            "threshold": "",
            "comparator": "none",
            "result": "pass",
            "explanation": "近三年未发生否决事项",
        },
    ]


def contributions() -> list[dict]:
    return [
        {"aspect": "5(一)", "indicator": "total_output", "value": 171000, "weight": 20, "points": 18.5},
        {"aspect": "5(四)", "indicator": "patent_density", "value": 7.25, "weight": 15, "points": 12.0},
    ]


def monitoring_rows() -> list[dict]:
    return [
        {
            "certificate_id": "HLJ-2023-001",
            "cluster_name": HOSTILE_NAME,
            "prefecture_code": "230100",
            "report_status": "on_time",
            "below_threshold": "",
            "plan_completion_pct": "92.5",
        },
        {
            "certificate_id": "HLJ-2023-002",
            "cluster_name": "大同石化配套集群",
            "prefecture_code": "230600",
            "report_status": "missing",
            "below_threshold": "A5.1.output;A5.5.ii_adoption",
            "plan_completion_pct": "",
        },
    ]


def trends() -> dict:
    return {
        "HLJ-2023-001": {
            "total_output": [(2023, 152000), (2024, 160000), (2025, 171000)],
            "ii_adoption_pct": [(2023, 9.5), (2024, 11), (2025, 12.5)],
        },
        "HLJ-2023-002": {"total_output": [(2023, 155000), (2024, None), (2025, 140000)]},
    }


def render_all(out: Path) -> dict[str, Path | tuple[Path, Path]]:
    """Every page once; used by the tests and to write /tmp/report-samples."""
    paths: dict[str, Path | tuple[Path, Path]] = {}
    for sub in submissions():
        paths[f"feedback:{sub['submission_id']}"] = render_feedback(out, submission=sub, issues=issues())
    paths["validation"] = render_validation_summary(
        out,
        campaign=CAMPAIGN,
        submissions=submissions(),
        issues=issues(),
        expectation_outcomes=expectation_outcomes(),
    )
    paths["evaluation:ok"] = render_evaluation(
        out,
        decision=decision_ok(),
        criteria=criteria(),
        contributions=contributions(),
        model_note="",
        policy={
            "title": "黑龙江省2023认定标准",
            "id": "hlj-2023-8",
            "effective_from": "2023-07-07",
            "overrides": [
                {"parameter": "ranking.quota", "default": "", "value": 10, "reason": "2026年度名额"}
            ],
        },
    )
    paths["evaluation:veto"] = render_evaluation(
        out,
        decision=decision_veto(),
        criteria=[],
        contributions=[],
        model_note="默认评分模型（本次认定设定）",
        policy={},
        incidents=[
            {
                "occurred_on": "2025-03-18",
                "uscc": "91230606MA1B2C3D4E",
                "category": "安全事故",
                "severity": "较大",
                "description": "储罐泄漏",
            }
        ],
    )
    paths["prefecture"] = render_prefecture_list(
        out,
        prefecture_code="230100",
        rows=[decision_ok() | {"spot_check": "通过", "note": "-1+1"}],
        campaign=CAMPAIGN,
    )
    paths["scores"] = render_campaign_scores(out, campaign=CAMPAIGN, rows=[decision_veto(), decision_ok()])
    notice = {
        "start": "2026-07-24",
        "end": "2026-07-30",
        "working_days": 5,
        "objection_channel": "请以书面形式向省工业和信息化厅中小企业处反映，并提供联系方式。",
    }
    paths["public_notice"] = render_public_notice(out, rows=[decision_ok()], campaign=CAMPAIGN, notice=notice)
    certified = [
        {
            "certificate_id": "HLJ-2026-001",
            "submission_id": SID_OK,
            "cluster_name": HOSTILE_NAME,
            "county_code": "230183",
            "prefecture_code": "230100",
            "certified_on": "2026-07-31",
            "valid_until": "2029-07-30",
            "contact_phone": "13912345678",
        }
    ]
    paths["certified"] = render_certified_list(out, rows=certified, campaign=CAMPAIGN)
    as_of = date(2026, 3, 11)
    paths["monitoring"] = render_monitoring(
        out,
        report_year=2025,
        as_of=as_of,
        rows=monitoring_rows(),
        trends=trends(),
        by_prefecture=[
            {
                "prefecture_code": "230100",
                "report_status": "on_time",
                "submitted_on": "2026-03-08",
                "clusters": 1,
            },
            {"prefecture_code": "230600", "report_status": "missing", "submitted_on": "", "clusters": 1},
        ],
        thresholds={"total_output": 150000, "ii_adoption_pct": 10},
    )
    paths["expiry"] = render_expiry(
        out,
        as_of=as_of,
        rows=[
            {
                "certificate_id": "HLJ-2023-001",
                "cluster_name": "甲集群",
                "valid_until": "2026-05-01",
                "status": "expiring_90",
            },
            {"certificate_id": "HLJ-2023-002", "valid_until": "2026-01-01", "status": "expired_no_review"},
        ],
    )
    paths["change_filings"] = render_change_filings(
        out,
        as_of=as_of,
        rows=[
            {
                "certificate_id": "HLJ-2023-001",
                "change_type": "运营管理机构",
                "changed_on": "2026-01-31",
                "filed_on": "2026-02-28",
                "on_time": "true",
            },
            {
                "certificate_id": "HLJ-2023-002",
                "change_type": "主导产业",
                "changed_on": "2025-10-01",
                "filed_on": "",
                "on_time": "false",
            },
        ],
    )
    paths["revocation_proposals"] = render_revocation_proposals(
        out,
        as_of=as_of,
        rows=[
            {
                "certificate_id": "HLJ-2023-002",
                "ground": "15.3",
                "evidence": "2025年度发展情况未报送",
                "proposed_on": "2026-03-11",
            },
        ],
    )
    paths["national"] = render_national_recommendation(
        out,
        as_of=as_of,
        rows=[
            {
                "certificate_id": "HLJ-2023-002",
                "eligible": "false",
                "failed_criteria": "N.output",
                "score": 40,
                "rank": "",
            },
            {
                "certificate_id": "HLJ-2023-001",
                "eligible": "true",
                "failed_criteria": "",
                "score": 77.5,
                "rank": 1,
            },
        ],
    )
    paths["index"] = render_index(
        out,
        title="2026年度集群认定工作报告",
        summary={
            "submitted": 3,
            "valid": 2,
            "eligible": 1,
            "recommended": 1,
            "shortlisted": 1,
            "certified": 1,
        },
        sections=[
            {
                "title": "校验",
                "links": [{"href": "validation.html", "text": "申报材料校验汇总", "note": "3 份"}],
            },
            {"title": "动态管理", "links": [{"href": "monitoring.html", "text": "发展情况监测", "note": ""}]},
        ],
    )
    return paths


if __name__ == "__main__":
    import sys

    for name, written in render_all(
        Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/report-samples")
    ).items():
        print(name, written)
