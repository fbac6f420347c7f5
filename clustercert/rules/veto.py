"""Art. 6 veto (and the same list for Art. 15 (五)): incidents that make a cluster ineligible.

第六条: 近三年未发生较大及以上安全、质量和环境污染等事故，重大及以上网络安全事件和数据安全事件，以及
偷税漏税、违法违规、严重失信和其它重大问题的行为. The policy's veto table maps each category to the
lowest severity that vetoes ("及以上" includes it) or marks it ungraded (any occurrence vetoes).
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

from clustercert.contract import INCIDENT_SEVERITIES, INCIDENTS
from clustercert.policy import Policy, VetoRule
from clustercert.rules.criteria import regulation_words
from clustercert.rules.indicators import as_day, rows_of
from clustercert.rules.results import CriterionResult, Result, Source, VetoIncident
from clustercert.submission import ROW


def vetoes(rule: VetoRule, category: str, severity: str | None) -> bool | None:
    """True if this incident vetoes, False if not, None if its severity is needed but missing."""
    if category not in rule.min_severity:
        return False
    minimum = rule.min_severity[category]
    if minimum is None:
        return True
    if not severity or severity not in INCIDENT_SEVERITIES:
        return None
    return INCIDENT_SEVERITIES.index(severity) >= INCIDENT_SEVERITIES.index(minimum)


def window_start(end: date, years: int) -> date:
    """The same day `years` earlier; 29 Feb falls back to 28 Feb."""
    try:
        return end.replace(year=end.year - years)
    except ValueError:
        return end.replace(year=end.year - years, day=28)


def incidents(frame: pd.DataFrame | None) -> list[VetoIncident]:
    result = []
    for record in [] if frame is None or frame.empty else rows_of(frame):
        row: Any = record.get(ROW)  # a cell: a number, or blank (None, NA, NaN)
        result.append(
            VetoIncident(
                occurred_on=as_day(record.get("occurred_on")),
                uscc=_text(record.get("uscc")),
                category=_text(record.get("category")),
                severity=_text(record.get("severity")),
                description=_text(record.get("description")),
                row=None if _text(row) == "" else int(row),
            )
        )
    return result


def in_window(incident: VetoIncident, start: date | None, end: date | None) -> bool:
    """An undated incident stays in: the sheet lists incidents of the last three years by definition."""
    when = incident.occurred_on
    if when is None:
        return True
    return (start is None or when >= start) and (end is None or when <= end)


def evaluate_veto(
    submission_id: str, frame: pd.DataFrame | None, policy: Policy, declared_on: date | None, as_of: date
) -> tuple[CriterionResult, list[VetoIncident]]:
    """The A6 result and the incidents that caused a veto (empty when there is none)."""
    rule = policy.veto
    assert rule is not None
    years = int(policy.value(rule.window_years))
    end = declared_on or as_of
    start = window_start(end, years)
    listed = [i for i in incidents(frame) if in_window(i, start, end)]
    vetoing = [i for i in listed if vetoes(rule, i.category, i.severity) is True]
    unknown = [i for i in listed if vetoes(rule, i.category, i.severity) is None]
    span = f"{start.isoformat()}至{end.isoformat()}"
    cited = vetoing or unknown or listed
    columns = tuple(INCIDENTS.column(k).label for k in ("occurred_on", "category", "severity"))
    source = Source(INCIDENTS.label, tuple(sorted(i.row for i in cited if i.row)), columns)
    if vetoing:
        result, body = Result.FAIL, f"{span}发生第六条所列情形：{'；'.join(map(describe, vetoing))}，一票否决"
    elif unknown:
        result = Result.FAIL
        body = f"{span}发生事故或事件但未填报等级，无法依第六条判断：{'；'.join(map(describe, unknown))}"
    else:
        below = f"（申报{len(listed)}起，均未达到否决等级）" if listed else ""
        result, body = Result.PASS, f"{span}未发生第六条所列情形{below}"
    return (
        CriterionResult(
            submission_id=submission_id,
            criterion_id=rule.id,
            article=rule.article,
            value=str(len(vetoing)),
            threshold="0",
            comparator="",
            result=result,
            explanation=f"{body}（{rule.article}）：{result.verdict}",
            kind="veto",
            title=regulation_words(rule.text).rstrip("。"),
            shown=f"{len(vetoing)}起" if vetoing else ("等级未填报" if unknown else "未发生"),
            source=source,
        ),
        vetoing,
    )


def describe(incident: VetoIncident) -> str:
    when = incident.occurred_on.isoformat() if incident.occurred_on else "日期未填"
    grade = incident.severity or ""
    row = f"，第{incident.row}行" if incident.row else ""
    return f"{when} {incident.uscc} {grade}{incident.category}{row}"


def _text(value: Any) -> str:
    if value is None or value is pd.NA or value is pd.NaT or isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()
