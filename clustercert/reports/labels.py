"""Chinese words for the codes that output CSVs carry (statuses, results, comparators, grounds).

The CSVs keep stable English codes so machines can read them; officials read the Chinese word. Column
labels of *input* sheets are never retyped here: they come from `clustercert.contract`.
"""

from __future__ import annotations

import re
from typing import Any

from clustercert.contract import ANNUAL_INDICATORS, INCIDENT_COLUMNS, REVOCATION_DECISIONS, SUBMISSION

# Column headers of the SPEC §5 output tables, by key.
COLUMN_LABELS: dict[str, str] = {
    "submission_id": "申报编号",
    "file": "文件",
    "cluster_name": "集群名称",
    "county_code": "县（市、区）代码",
    "county_name": "所在县（市、区）",
    "prefecture_code": "市（地）代码",
    "prefecture_name": "所在市（地）",
    "leading_industry": "主导产业",
    "operator_name": "运营管理机构",
    "valid": "校验结论",
    "eligible": "符合认定条件",
    "vetoed": "一票否决",
    "failed_criteria": "未达标条件",
    "warnings": "提示",
    "score": "得分",
    "recommended": "市（地）推荐",
    "province_rank": "全省排名",
    "shortlisted": "入选公示名单",
    "certificate_id": "认定编号",
    "certified_on": "认定日期",
    "valid_until": "有效期至",
    "report_status": "报送情况",
    "below_threshold": "低于认定标准的指标",
    "plan_completion_pct": "规划目标完成率（%）",
    "status": "状态",
    "days_left": "距到期天数",
    "change_type": "变动类型",
    "changed_on": "变动日期",
    "filed_on": "备案日期",
    "on_time": "是否按时备案",
    "new_value": "变动后内容",
    "ground": "撤销情形",
    "article": "条款",
    "evidence": "依据与证据",
    "proposed_on": "提出日期",
    "rank": "排名",
    "note": "说明",
    "spot_check": "实地抽查",
    "submitted_on": "报送日期",
    "clusters": "认定集群数",
    "reported": "已报送集群数",
    "missing": "未报送集群数",
    "late": "逾期报送",
    "deadline": "报送期限",
    "due_on": "备案期限",
    "deadline_note": "期限顺延说明",
    "due_note": "期限顺延说明",
}

VALIDITY = {True: "通过", False: "未通过"}

CRITERION_RESULTS: dict[str, tuple[str, str]] = {
    # code → (Chinese word, css class)
    "pass": ("达标", "ok"),
    "passed": ("达标", "ok"),
    "fail": ("未达标", "bad"),
    "failed": ("未达标", "bad"),
    "warning": ("提示", "warn"),
    "warn": ("提示", "warn"),
    "veto": ("否决", "bad"),
    "vetoed": ("否决", "bad"),
    "not_applicable": ("不适用", "muted"),
    "n/a": ("不适用", "muted"),
    "skipped": ("不适用", "muted"),
    "missing": ("未填报", "bad"),
}

# SPEC §4.1: the words of comparison. Symbols and English names map to the regulation's words.
COMPARATORS: dict[str, str] = {
    ">=": "不低于",
    "≥": "不低于",
    "ge": "不低于",
    "gte": "不低于",
    ">": "高于",
    "gt": "高于",
    "<=": "不超过",
    "≤": "不超过",
    "le": "不超过",
    "lte": "不超过",
    "<": "低于",
    "lt": "低于",
    "==": "等于",
    "=": "等于",
    "eq": "等于",
    "non_increasing": "不下降",
    "non_decreasing": "稳步提升",
    "increasing": "稳步提升",
    "decreasing": "持续下降",
    "strictly_decreasing": "持续下降",
    "none": "不得发生",
}

REPORT_STATUS: dict[str, tuple[str, str]] = {
    "on_time": ("按时报送", "ok"),
    "late": ("逾期报送", "warn"),
    "missing": ("未报送", "bad"),
    "pending": ("待报送（未到期限）", "muted"),
}

# Where a revocation proposal stands (lifecycle.Decision); the province's words are the contract's.
REVOCATION_DECISION: dict[str, tuple[str, str]] = {
    "pending": ("待决定", "muted"),
    "confirmed": (REVOCATION_DECISIONS[0], "bad"),
    "cleared": (REVOCATION_DECISIONS[1], "ok"),
}

# A review's (复核, 第十一条) result in reviews.csv.
REVIEW_RESULT: dict[str, tuple[str, str]] = {
    "passed": ("复核通过", "ok"),
    "failed": ("复核未通过", "bad"),
    "pending": ("待有效期届满后复核", "muted"),
}

EXPIRY_STATUS: dict[str, tuple[str, str]] = {
    "valid": ("有效", "ok"),
    "expiring_90": ("90日内到期", "warn"),
    "expiring_30": ("30日内到期", "warn"),
    "expired_in_window": ("已到期（复核申请期内）", "warn"),
    "expired_no_review": ("已到期且未申请复核", "bad"),
    "under_review": ("复核中", "muted"),
    "renewed": ("已复核延期", "ok"),
    "revoked": ("已撤销", "bad"),
}

# Art. 15's five grounds, as the regulation words them (short form).
REVOCATION_GROUNDS: dict[str, str] = {
    "15.1": "第十五条（一）有效期满未申请复核或经复核未通过",
    "15.2": "第十五条（二）发现虚假申报或存在违法违规行为",
    "15.3": "第十五条（三）未及时报送集群年度发展情况，不接受、不配合监测监督工作",
    "15.4": "第十五条（四）重大变动未及时更新报备",
    "15.5": "第十五条（五）集群企业发生较大及以上事故或其他重大问题",
}

SEVERITY_LABELS = {"error": "错误", "warning": "提示"}

SUMMARY_LABELS: dict[str, str] = {
    "submitted": "申报",
    "valid": "校验通过",
    "invalid": "校验未通过",
    "eligible": "符合认定条件",
    "recommended": "市（地）推荐",
    "shortlisted": "入选公示名单",
    "certified": "认定",
}

# Derived indicators that monitoring and scoring may chart next to the 经营指标 columns.
DERIVED_INDICATORS: dict[str, str] = {
    "sme_share_pct": "中小企业产值占比（%）",
    "leading_share_pct": "主导产业产值占比（%）",
    "patent_density": "每万人有效发明专利（件）",
    "rd_growth_pct": "研发经费年均增长（%）",
    "patent_growth_pct": "有效发明专利年均增长（%）",
}

_CN_DIGITS = "零一二三四五六七八九"


def indicator_label(key: str) -> str:
    for col in ANNUAL_INDICATORS:
        if col.key == key:
            return col.label
    return DERIVED_INDICATORS.get(key, key)


def incident_headers() -> list[tuple[str, str]]:
    return [(c.key, c.label) for c in INCIDENT_COLUMNS]


def sheet_order() -> dict[str, tuple[int, str]]:
    """Sheet label or key → (workbook position, Chinese label), for ordering feedback by sheet."""
    order: dict[str, tuple[int, str]] = {}
    for i, sheet in enumerate(SUBMISSION.sheets):
        order[sheet.label] = (i, sheet.label)
        order[sheet.key] = (i, sheet.label)
    return order


def truthy(value: Any) -> bool | None:
    """CSV rows carry booleans as text; None when the cell says nothing."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "y", "是", "t"):
        return True
    if text in ("false", "0", "no", "n", "否", "f"):
        return False
    return None


def yes_no(value: Any) -> str:
    flag = truthy(value)
    return "" if flag is None else ("是" if flag else "否")


def _cn_number(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


_ARTICLE = re.compile(r"^\s*(\d+)\s*(?:[(（]\s*([^)）]+)\s*[)）])?\s*$")


def article_label(article: Any) -> str:
    """'5(一)' → '第五条（一）'; anything else is shown as given."""
    text = "" if article is None else str(article)
    match = _ARTICLE.match(text)
    if not match:
        return text
    item = f"（{match.group(2)}）" if match.group(2) else ""
    return f"第{_cn_number(int(match.group(1)))}条{item}"


def comparator_word(comparator: Any) -> str:
    text = "" if comparator is None else str(comparator).strip()
    return COMPARATORS.get(text.lower(), COMPARATORS.get(text, text))


def coded(mapping: dict[str, tuple[str, str]], code: Any) -> tuple[str, str]:
    """(Chinese word, css class) for a status code; an unknown code is shown as is."""
    text = "" if code is None else str(code).strip()
    return mapping.get(text.lower(), (text, ""))
