"""Sample rows for every report page, shaped like the SPEC §5 CSVs, with hostile values mixed in.

Also a script: `python tests/reports/reports_samples.py DIR` renders every page into DIR to look at.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from clustercert.issue import Issue, Severity
from clustercert.lifecycle import SUBMISSION_TRANSITIONS, Status
from clustercert.reports import (
    render_campaign_scores,
    render_certified_list,
    render_change_filings,
    render_cluster,
    render_clusters_list,
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
from clustercert.reports.labels import truthy
from clustercert.reports.stages import campaign_charts, summary_counts
from clustercert.stages.facts import FACT_COLUMNS

HOSTILE_NAME = '<script>alert("x")</script>尚志食品集群'
SID_OK = "2026-230183-1a2b3c4d"
SID_BAD = "2026-230184-deadbeef"
SID_VETO = "2026-230602-0badf00d"
SID_UPHELD = "2026-230781-0c0ffee0"
SID_NEHE = "2026-230281-00000001"
CAMPAIGN = {"year": 2026, "as_of": date(2026, 7, 1), "policy": "hlj-2023"}
RUN = "0b7c2f3e-6c1d-4b7a-9f55-3d2a1e0c9b11"

# A plausibility warning on a value A5.1.output and the score read (outputs that look entered in 元).
YUAN = Issue(
    SID_OK,
    "尚志.xlsx",
    "经营指标",
    3,
    "集群总产值（万元）",
    "gx.annual.output_unit_yuan",
    Severity.WARNING,
    "经营指标 第3行 2023年“集群总产值（万元）”为1520000000，超过1万亿元，像是按“元”填写；"
    "金额单位为万元（1亿元 = 10000万元），请核对",
    "SPEC §3（金额单位万元）",
)


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
            "gx.profile.area_general_limit",
            Severity.WARNING,
            "占地面积 120 平方公里超过一般上限 100 平方公里，请说明理由",
            "5(一)",
        ),
        YUAN,
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
        "final_status": "certified",
        "reason": "经公示无异议，认定为省级集群（认定编号 HLJ-2026-001）",
        "article": "第十条",
        "certificate_id": "HLJ-2026-001",
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
        "recommended": "",
        "province_rank": "",
        "shortlisted": "",
        "final_status": "ineligible",
        "reason": "不符合认定条件：2025-03-18 较大安全事故，一票否决（第六条）：不通过",
        "article": "第六条",
        "contact_name": "李四",
        "contact_phone": "0451-8262 0000",
    }


def decision_bad() -> dict:
    return {
        "submission_id": SID_BAD,
        "file": "五常.xlsx",
        "cluster_name": "五常大米产业集群",
        "county_code": "230184",
        "prefecture_code": "230100",
        "valid": "false",
        "final_status": "invalid",
        "reason": "数据校验未通过：4 个错误",
        "article": "第九条",
    }


def decision_upheld() -> dict:
    return {
        "submission_id": SID_UPHELD,
        "file": "克山.xlsx",
        "cluster_name": "克山马铃薯产业集群",
        "county_code": "230229",
        "prefecture_code": "230200",
        "valid": "true",
        "eligible": "true",
        "vetoed": "false",
        "score": "70.1",
        "recommended": "true",
        "province_rank": "2",
        "shortlisted": "true",
        "final_status": "objection_upheld",
        "reason": "公示期间收到实名举报，经核查集群主导产业产值统计口径有误，异议成立",
        "article": "第十条",
        "contact_phone": "13800001111",
    }


def decision_nehe() -> dict:
    """讷河: eligible, its 市地 spot check failed with a note, so not recommended (第九条)."""
    return {
        "submission_id": SID_NEHE,
        "file": "讷河.xlsx",
        "cluster_name": "讷河马铃薯集群",
        "county_code": "230281",
        "prefecture_code": "230200",
        "valid": True,
        "eligible": True,
        "vetoed": False,
        "score": 66.0,
        "recommended": False,
        "final_status": "not_recommended",
        "reason": "市地实地抽查不通过：实地抽查发现主导产业产值与统计部门数据不一致",
        "article": "第九条",
    }


def history(final: str) -> list[dict]:
    """Audit entries along the lifecycle path to `final` (UTC times, as the registry keeps them)."""
    path = [Status.SUBMITTED, Status.VALID, Status.ELIGIBLE, Status.RECOMMENDED, Status.SHORTLISTED]
    target = Status(final)
    steps: list[Status] = []
    for status in path:
        steps.append(status)
        if target in SUBMISSION_TRANSITIONS[status] or target == status:
            break
    if target not in steps:
        steps.append(target)
    entries, previous = [], None
    for hour, status in enumerate(steps):
        entries.append(
            {
                "at": f"2026-07-01T0{hour}:15:00+00:00",
                "from_status": previous,
                "to_status": str(status),
                "field": None,
                "old_value": None,
                "new_value": None,
                "reason": f"样例理由：{status.label}",
                "article": "第九条" if status in (Status.VALID, Status.RECOMMENDED) else "",
                "flow_run_id": RUN,
                "actor": "clustercert",
            }
        )
        previous = str(status)
    entries.insert(
        2,
        {
            "at": "2026-07-01T01:20:00+00:00",
            "from_status": None,
            "to_status": None,
            "field": "province_rank",
            "old_value": None,
            "new_value": "1",
            "reason": "全省择优排名与公示名单序号",
            "article": "第十条",
            "flow_run_id": RUN,
            "actor": "clustercert",
        },
    )
    return entries


SUBMISSION_STATUSES = (
    Status.SUBMITTED,
    Status.INVALID,
    Status.VALID,
    Status.INELIGIBLE,
    Status.ELIGIBLE,
    Status.NOT_RECOMMENDED,
    Status.RECOMMENDED,
    Status.NOT_SHORTLISTED,
    Status.SHORTLISTED,
    Status.OBJECTION_UPHELD,
    Status.SUPERSEDED,
    Status.CERTIFIED,
)


def status_rows() -> list[dict]:
    """One decisions row per final status a submission can have, each with its reason and article."""
    rows = []
    for n, status in enumerate(SUBMISSION_STATUSES):
        evaluated = status not in (Status.SUBMITTED, Status.INVALID, Status.VALID, Status.SUPERSEDED)
        rows.append(
            {
                "submission_id": f"2026-230183-{n:08x}",
                "file": f"样例{n}.xlsx",
                "cluster_name": f"样例集群{n}",
                "county_code": "230183",
                "prefecture_code": "230100",
                "valid": status not in (Status.SUBMITTED, Status.INVALID, Status.SUPERSEDED),
                "eligible": (status != Status.INELIGIBLE) if evaluated else None,
                "vetoed": False if evaluated else None,
                "failed_criteria": "A5.1.output" if status == Status.INELIGIBLE else "",
                "warnings": "",
                "score": 50.0 + n if evaluated else None,
                "recommended": None,
                "province_rank": None,
                "shortlisted": None,
                "final_status": str(status),
                "reason": f"理由{n}：{status.label}的原因",
                "article": f"第{'八九五五五九九十十十九十'[n]}条",
                "certificate_id": "HLJ-2026-009" if status == Status.CERTIFIED else "",
            }
        )
    return rows


def criteria() -> list[dict]:
    source = {"source_sheet": "经营指标", "source_rows": "2;3;4", "source_columns": "集群总产值（万元）"}
    return [
        {
            "submission_id": SID_OK,
            "criterion_id": "A5.1.output",
            "article": "第五条（一）",
            "value": "2023=152000; 2024=160000; 2025=171000",
            "threshold": "150000",
            "comparator": "以上",
            "result": "pass",
            "explanation": "近三年产值均在150000万元以上（第五条（一））：通过",
            **source,
        },
        {
            "submission_id": SID_OK,
            "criterion_id": "A5.1.leading_share",
            "article": "第五条（一）",
            "value": "60.00",
            "threshold": "60",
            "comparator": "高于",
            "result": "fail",
            "explanation": "主导产业占比60%，不满足“高于60%”（第五条（一））：不通过",
            "source_sheet": "经营指标",
            "source_rows": "4",
            "source_columns": "主导产业产值（万元）;集群总产值（万元）",
        },
        {
            "submission_id": SID_OK,
            "criterion_id": "A5.1.area",
            "article": "第五条（一）",
            "value": "120",
            "threshold": "100",
            "comparator": "不超过",
            "result": "advisory",
            "explanation": "占地面积 120平方公里，不满足“不超过100平方公里”（第五条（一））：不符合，须说明理由",
            "source_sheet": "基本信息",
            "source_rows": "13",
            "source_columns": "占地面积（平方公里）",
        },
        {
            "submission_id": SID_OK,
            "criterion_id": "A5.2.tiered",
            "article": "第五条（二）",
            "value": "champion=1; designated=11",
            "threshold": "champion=1; designated=6",
            "comparator": "不少于",
            "result": "pass",
            "explanation": "持有有效称号的企业 11家（第五条（二））：通过",
            "source_sheet": "梯度培育",
            "source_rows": "2;5;9",
            "source_columns": "称号;有效期至",
        },
        {
            "submission_id": SID_OK,
            "criterion_id": "A5.6.water_benchmark",
            "article": "第五条（六）",
            "value": "",
            "threshold": "是",
            "comparator": "",
            "result": "not_evaluated",
            "explanation": "水效高于行业基准值：非高用水行业，不适用（第五条（六））：不评价",
            "source_sheet": "定性条件",
            "source_rows": "",
            "source_columns": "是否具备;佐证材料",
        },
        {
            "submission_id": SID_OK,
            "criterion_id": "A6.incidents",
            "article": "第六条",
            "value": "0",
            "threshold": "0",
            "comparator": "",
            "result": "pass",
            "explanation": "近三年未发生否决事项（第六条）：通过",
            "source_sheet": "安全合规",
            "source_rows": "",
            "source_columns": "发生日期;类型;等级",
        },
    ]


def contributions() -> list[dict]:
    return [
        {"aspect": "A5.1", "indicator": "output", "value": 171000, "weight": 6.67, "points": 18.5},
        {"aspect": "A5.4", "indicator": "patent_density", "value": 7.25, "weight": 6.67, "points": 12.0},
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
            "year": 2026,
            "policy": "hlj-2023",
            "overrides": [{"parameter": "A10.quota", "default": "", "value": 10, "reason": "2026年度名额"}],
        },
        warnings=[i for i in issues() if i.submission_id == SID_OK],
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
    marks = {SID_OK: [YUAN]}
    paths["prefecture"] = render_prefecture_list(
        out,
        prefecture_code="230100",
        rows=[
            decision_ok()
            | {
                "outcome": "recommended",
                "reason": "符合第五条认定标准，市地推荐（现场核查材料与申报一致）",
                "article": "第九条",
                "spot_check": "通过",
                "note": "-1+1",
            },
        ],
        campaign=CAMPAIGN,
        marks=marks,
    )
    paths["prefecture:230200"] = render_prefecture_list(
        out,
        prefecture_code="230200",
        rows=[
            decision_upheld()
            | {"outcome": "recommended", "reason": "符合第五条认定标准", "article": "第九条"},
            decision_nehe() | {"outcome": "not_recommended"},
        ],
        campaign=CAMPAIGN,
    )
    scored = [decision_veto(), decision_ok(), decision_upheld()]
    paths["scores"] = render_campaign_scores(out, campaign=CAMPAIGN, rows=scored, marks=marks)
    everyone = [*scored, decision_bad(), decision_nehe()]
    for row in everyone:
        sid = row["submission_id"]
        paths[f"cluster:{sid}"] = render_cluster(
            out,
            row=row,
            history=history(row["final_status"]),
            campaign=CAMPAIGN,
            warnings=marks.get(sid, []),
        )
    paths["clusters"] = render_clusters_list(out, rows=everyone, campaign=CAMPAIGN, marks=marks)
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
    paths["certified"] = render_certified_list(
        out, rows=certified, campaign=CAMPAIGN, dropped=[decision_upheld()]
    )
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
                "failed_criteria": "N1.output",
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
    frame = typed_frame(everyone)
    paths["index"] = render_index(
        out,
        title="2026年度集群认定工作报告",
        summary=summary_counts(frame),
        sections=[
            {
                "title": "每个集群的结论与理由",
                "links": [{"href": "clusters.html", "text": "全部申报集群", "note": "可排序、筛选"}],
            },
            {
                "title": "校验",
                "links": [{"href": "validation.html", "text": "申报材料校验汇总", "note": "3 份"}],
            },
            {
                "title": "名单",
                "links": [
                    {"href": "prefectures/230100.xlsx", "text": "哈尔滨市推荐名单（Excel）"},
                    {"href": "public_notice.xlsx", "text": "拟认定名单公示（Excel）"},
                    {"href": "certified.xlsx", "text": "认定名单（Excel）"},
                ],
            },
            {"title": "动态管理", "links": [{"href": "monitoring.html", "text": "发展情况监测", "note": ""}]},
        ],
        charts=campaign_charts(frame),
    )
    return paths


def typed_frame(rows: list[dict]) -> pd.DataFrame:
    """Rows as the registry's facts carry them: flags as booleans, every decisions column present."""
    frame = pd.DataFrame(rows).reindex(columns=list(FACT_COLUMNS))
    for column in ("valid", "eligible", "vetoed", "recommended", "shortlisted"):
        frame[column] = frame[column].map(truthy).astype(object)
    return frame


if __name__ == "__main__":
    import sys

    for name, written in render_all(
        Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/report-samples")
    ).items():
        print(name, written)
