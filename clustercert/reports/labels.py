"""How reports show codes: each code carries its Chinese label where it is defined; this module only
looks them up and formats them.

* statuses: `clustercert.lifecycle.Status.label`; revocation grounds: `lifecycle.REVOCATION_GROUND_LABELS`;
* criterion results: `clustercert.rules.Result.label`; issue severities: `clustercert.issue.Severity.label`;
* criteria, qualitative items, the veto, scoring aspects and indicators: their policy file
  (`rules.criteria.criterion_name`, `rules.scoring.aspect_name` / `indicator_title`);
* input sheets and columns: `clustercert.contract`.

The CSVs keep the stable English codes so machines can read them; people read the label. An unknown
code is shown as given (and the tests that scan every page for raw codes catch it).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from clustercert.comparison import COMPARATORS as WORDS_OF_COMPARISON
from clustercert.comparison import SYMBOLS
from clustercert.contract import ANNUAL_INDICATORS, INCIDENT_COLUMNS, REVOCATION_DECISIONS, SUBMISSION
from clustercert.issue import Severity
from clustercert.lifecycle import ARTICLES, REVOCATION_GROUND_LABELS, Status
from clustercert.policy import Policy, PolicyError, available_policies, load_policy
from clustercert.policy.loader import DEFAULT_POLICY
from clustercert.rules import Result
from clustercert.rules.criteria import criterion_name, regulation_words
from clustercert.rules.scoring import aspect_name, indicator_title

# Headers of the output tables' columns (decisions.csv, monitoring.csv, …) by key: the outputs' own
# columns, which no input contract defines.
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
    "prefecture_rank": "市（地）推荐顺序",
    "notice_seq": "公示名单序号",
    "stage_note": "待定说明",
    "shortlisted": "入选公示名单",
    "final_status": "当前状态",
    "reason": "理由",
    "article": "依据条款",
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

# Statuses of the dynamic-management extracts (monitoring.csv, expiry.csv): codes of those CSVs that
# are not lifecycle statuses, with the css class of their cell.
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
    "under_review": (Status.UNDER_REVIEW.label, "muted"),
    "renewed": (Status.RENEWED.label, "ok"),
    "revoked": (Status.REVOKED.label, "bad"),
}

# Colour of a status wherever it is shown (style.css classes), not words.
STATUS_TONE: dict[Status, str] = {
    Status.SUBMITTED: "muted",
    Status.INVALID: "bad",
    Status.VALID: "muted",
    Status.INELIGIBLE: "bad",
    Status.ELIGIBLE: "muted",
    Status.NOT_RECOMMENDED: "bad",
    Status.RECOMMENDED: "muted",
    Status.NOT_SHORTLISTED: "bad",
    Status.SHORTLISTED: "warn",
    Status.OBJECTION_UPHELD: "bad",
    Status.SUPERSEDED: "muted",
    Status.CERTIFIED: "ok",
}
# Colour of each status in charts: one hue per place a cluster can stop, so the bars read apart.
STATUS_COLOURS: dict[Status, str] = {
    Status.SUBMITTED: "#c3cdd8",
    Status.INVALID: "#8795a5",
    Status.VALID: "#aebfd3",
    Status.INELIGIBLE: "#b42318",
    Status.ELIGIBLE: "#8fb3d9",
    Status.NOT_RECOMMENDED: "#e07b39",
    Status.RECOMMENDED: "#5b8fc7",
    Status.NOT_SHORTLISTED: "#d9a520",
    Status.SHORTLISTED: "#2f6db0",
    Status.OBJECTION_UPHELD: "#8e44ad",
    Status.SUPERSEDED: "#dde3ea",
    Status.CERTIFIED: "#1e7b3a",
}
RESULT_TONE: dict[Result, str] = {
    Result.PASS: "ok",
    Result.FAIL: "bad",
    Result.ADVISORY: "warn",
    Result.NOT_EVALUATED: "muted",
}
PENDING_LABEL = "尚未决定"  # a stage's "pending" outcome: no status move yet


def _text(code: Any) -> str:
    return "" if code is None else str(code).strip()


def status(code: Any) -> Status | None:
    try:
        return Status(_text(code))
    except ValueError:
        return None


def status_label(code: Any) -> str:
    """ "not_recommended" → "市（地）未推荐"; "pending" (a stage that could not decide) → 尚未决定."""
    found = status(code)
    if found is not None:
        return found.label
    return PENDING_LABEL if _text(code) == "pending" else _text(code)


def status_tone(code: Any) -> str:
    found = status(code)
    return STATUS_TONE.get(found, "") if found is not None else ("warn" if _text(code) == "pending" else "")


def status_article(code: Any, article: Any = "") -> str:
    """The article a status rests on: the one recorded with the move, else the lifecycle's."""
    given = _text(article)
    if given:
        return article_label(given)
    found = status(code)
    return ARTICLES.get(found, "") if found is not None else ""


def result_label(code: Any) -> tuple[str, str]:
    """(Chinese label, css class) of a criterion result code."""
    try:
        result = Result(_text(code))
    except ValueError:
        return _text(code), ""
    return result.label, RESULT_TONE[result]


def severity_label(code: Any) -> str:
    try:
        return Severity(_text(code)).label
    except ValueError:
        return _text(code)


def ground_label(code: Any) -> str:
    return REVOCATION_GROUND_LABELS.get(_text(code), _text(code))


# ---------------------------------------------------------------------------------------------
# the policy's names for criteria, aspects and indicators


@cache
def policy(name: str | None = None) -> Policy:
    return load_policy(name or DEFAULT_POLICY)


@cache
def _policies(name: str | None) -> list[Policy]:
    """The named policy first, then every bundled one (monitoring shows hlj ids, Art. 14 national ids)."""
    names = [name or DEFAULT_POLICY, *(n for n in available_policies() if n != (name or DEFAULT_POLICY))]
    found = []
    for each in names:
        try:
            found.append(policy(each))
        except PolicyError:
            continue
    return found


@cache
def criterion_label(criterion_id: Any, policy_name: str | None = None) -> str:
    """ "A5.1.output" → "第五条（一）近三年产值均在15亿元以上"; an id no policy knows is shown as given."""
    cid = _text(criterion_id)
    for each in _policies(policy_name):
        name = criterion_name(each, cid)
        if name:
            return name
    return cid


def criteria_labels(ids: Any, policy_name: str | None = None) -> list[str]:
    from clustercert.reports.render import split_ids

    return [criterion_label(cid, policy_name) for cid in split_ids(ids)]


def aspect_label(aspect_id: Any, policy_name: str | None = None) -> str:
    text = _text(aspect_id)
    for each in _policies(policy_name):
        name = aspect_name(each, text)
        if name:
            return name
    return article_label(text)


def scoring_indicator_label(
    aspect_id: Any, indicator_id: Any, policy_name: str | None = None, campaign_year: int | None = None
) -> str:
    for each in _policies(policy_name):
        title = indicator_title(each, _text(aspect_id), _text(indicator_id), campaign_year)
        if title:
            return title
    return indicator_label(_text(indicator_id))


def scoring_indicator_unit(aspect_id: Any, indicator_id: Any, policy_name: str | None = None) -> str:
    from clustercert.rules.scoring import indicator

    for each in _policies(policy_name):
        found = indicator(each, _text(aspect_id), _text(indicator_id))
        if found is not None:
            return found.unit
    return ""


# ---------------------------------------------------------------------------------------------
# input sheets and columns (from the contract)


def indicator_label(key: str) -> str:
    """A 经营指标 column by its contract label, a derived measure (sme_share …) by the rules' name."""
    from clustercert.rules.indicators import YEARLY

    for col in ANNUAL_INDICATORS:
        if col.key == key:
            return col.label
    measure = YEARLY.get(key)
    return f"{measure.label}（{measure.unit}）" if measure else key


def incident_headers() -> list[tuple[str, str]]:
    return [(c.key, c.label) for c in INCIDENT_COLUMNS]


def sheet_order() -> dict[str, tuple[int, str]]:
    """Sheet label or key → (workbook position, Chinese label), for ordering feedback by sheet."""
    order: dict[str, tuple[int, str]] = {}
    for i, sheet in enumerate(SUBMISSION.sheets):
        order[sheet.label] = (i, sheet.label)
        order[sheet.key] = (i, sheet.label)
    return order


def sheet_label(key: Any) -> str:
    """A sheet's Chinese label from its key or label; a prepared table ("annual_years") by its sheet."""
    text = _text(key)
    order = sheet_order()
    if text in order:
        return order[text][1]
    prefix = max((k for k in order if text.startswith(k + "_")), key=len, default="")
    return order[prefix][1] if prefix else text


# ---------------------------------------------------------------------------------------------
# formatting


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


_CN_DIGITS = "零一二三四五六七八九"


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
    """The word of comparison as the policy names it (以上, 高于 …); a symbol (≥) becomes its first word."""
    text = _text(comparator)
    if text in WORDS_OF_COMPARISON:
        return text
    by_symbol = {symbol: word for word, symbol in reversed(SYMBOLS.items())}
    return by_symbol.get(text, text)


_SPEC = re.compile(r"^\s*SPEC\b")


def public_reference(reference: Any) -> str:
    """What a county may read of an issue's reference: articles and standards, not our SPEC sections.

    "SPEC §3.1；第五条（一）近三年" → "第五条（一）近三年"; "SPEC §3（金额单位万元）" → ""; "5(一)" → "第五条（一）".
    """
    parts = re.split(r"[；;]", _text(reference))
    kept = [article_label(p.strip()) for p in parts if p.strip() and not _SPEC.match(p)]
    return "；".join(kept)


def coded(mapping: dict[str, tuple[str, str]], code: Any) -> tuple[str, str]:
    """(Chinese word, css class) of a management extract's status code; an unknown code as is."""
    text = _text(code)
    return mapping.get(text.lower(), (text, ""))


def branch_label(criterion_id: Any, branch_id: str, policy_name: str | None = None) -> str:
    """An any-of branch ("champion") as its policy label ("持有有效……的主导产业企业"); "" if unknown."""
    for each in _policies(policy_name):
        for c in each.criteria:
            if c.id == _text(criterion_id):
                for branch in c.branches:
                    if branch.id == branch_id:
                        return str(branch.options.get("label") or regulation_words(branch.text))
    return ""


def parameter_label(parameter_id: Any, policy_name: str | None = None) -> str:
    """A policy parameter ("A5.1.output.threshold") by its description and article."""
    pid = _text(parameter_id)
    for each in _policies(policy_name):
        if pid in each.parameters:
            p = each.parameters[pid]
            return f"{p.reference} {regulation_words(p.description)}".strip()
    return pid


_PAIR = re.compile(r"^\s*([^=;]+?)\s*=\s*([^;]*?)\s*$")


def readable_pairs(
    criterion_id: Any, text: Any, unit: str = "", policy_name: str | None = None, *, short: bool = False
) -> str:
    """criteria.csv's "2023=152000; 2024=160000" or "champion=1; designated=11" as a person reads it:
    "2023年 152000万元；2024年 160000万元", "持有……企业 1家；……" (`short`: the branches' numbers
    only, "1家；或6家", for thresholds); other text unchanged."""
    raw = _text(text)
    parts = [p for p in raw.split(";") if p.strip()]
    pairs = [match for p in parts if (match := _PAIR.match(p)) is not None]
    if not parts or len(pairs) < len(parts):
        return f"{raw}{unit}" if raw and unit and raw[-1].isdigit() else raw
    shown = []
    for match in pairs:
        key, value = match.group(1), match.group(2)
        if key.isdigit() and len(key) == 4:
            shown.append(f"{key}年 {value}{unit}")
        elif short:
            shown.append(f"{value}{unit}")
        else:
            shown.append(f"{branch_label(criterion_id, key, policy_name) or key} {value}{unit}")
    return ("；或" if short and not pairs[0].group(1).isdigit() else "；").join(shown)


def criterion_unit(criterion_id: Any, policy_name: str | None = None) -> str:
    for each in _policies(policy_name):
        for c in each.criteria:
            if c.id == _text(criterion_id):
                return c.unit
    return ""


def criterion_title_of(criterion_id: Any, policy_name: str | None = None) -> str:
    """The criterion's words without its article ("近三年产值均在15亿元以上")."""
    from clustercert.rules.criteria import criterion_title

    for each in _policies(policy_name):
        title = criterion_title(each, _text(criterion_id))
        if title:
            return title
    return _text(criterion_id)


_CRITERION_ID = re.compile(
    r"(?<![A-Za-z0-9_.])(?:A\d+(?:\.\d+)?\.[A-Za-z_]+|N\d*\.[A-Za-z_]+)(?![A-Za-z0-9_])"
)


def readable_message(text: Any, policy_name: str | None = None) -> str:
    """A message with the criterion and item ids it quotes (定性条件's 条件编号) as their words:
    "第9行 A5.3.sharing 填“是”…" → "第9行 “通用生产设备、……共享机制” 填“是”…"; unknown ids stay."""

    def name(match: re.Match[str]) -> str:
        cid = match.group(0)
        title = criterion_title_of(cid, policy_name)
        return f"“{title}”" if title != cid else cid

    return _CRITERION_ID.sub(name, _text(text))
