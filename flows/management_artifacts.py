"""What the dynamic-management flows share: the as-of date, readable run names, how a run stops before
its work when it cannot start (a calendar year nobody has given), and what an operator sees of each
stage in the Prefect UI — a table in Chinese (Chinese headers and status words) and a markdown note
with the counts and a link to the report.

Artifact keys may hold only lowercase ASCII, digits and dashes, so they carry the year or date; the
description and the table say in Chinese what they are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from clustercert.lifecycle import REVOCATION_GROUND_LABELS
from clustercert.reports.labels import (
    COLUMN_LABELS,
    EXPIRY_STATUS,
    REPORT_STATUS,
    REVIEW_RESULT,
    REVOCATION_DECISION,
    coded,
    yes_no,
)
from clustercert.reports.render import fmt, prefecture_name
from flows.runtime import publish_markdown, publish_table, today_shanghai, var_root


def folders(
    flow_name: str, area: str | None, *, out: str | None, inbox: str | None = None, archive: str | None = None
) -> tuple[str, str | None, str]:
    """(out, inbox, archive) of a run, each defaulting to the running machine's $CLUSTERCERT_VAR:
    `out/<flow name>`, `inbox/<area>` (None when the flow reads no inbox) and `archive/` — so a
    deployment carries no path of the machine that registered it."""
    root = var_root()
    return (
        out or str(root / "out" / flow_name),
        inbox or (str(root / "inbox" / area) if area else None),
        archive or str(root / "archive"),
    )


# The counts a run reports, as an operator reads them.
COUNT_LABELS: dict[str, str] = {
    **{code: word for code, (word, _) in REPORT_STATUS.items()},
    **{code: word for code, (word, _) in EXPIRY_STATUS.items()},
    **{code: word for code, (word, _) in REVOCATION_DECISION.items() if code != "pending"},
    "pending": "待定",
    "changes": "重大变动",
    "late_or_unfiled": "逾期或未备案",
    "registry_updates": "登记信息更新",
    "notices": "到期提醒",
    "reviews": "复核申请",
    "proposals": "撤销建议",
    "certificates": "涉及集群",
    "new": "新增撤销建议",
    "revocation_proposals_new": "新增撤销建议",
    "evaluated": "参评集群",
    "eligible": "符合国家级标准",
    "input_errors": "输入错误",
}


def resolve_as_of(as_of: date | str | None) -> date:
    if as_of is None or as_of == "":
        return today_shanghai()
    return as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of))


def run_name(prefix: str, *, with_year: bool = False) -> Any:
    """A `flow_run_name` callable: e.g. monitoring-2026-as-of-2027-03-11 (year R = as_of − 1 by default)."""

    def name() -> str:
        from prefect.runtime import flow_run

        params = flow_run.parameters or {}
        as_of = resolve_as_of(params.get("as_of"))
        if with_year:
            year = params.get("report_year") or as_of.year - 1
            return f"{prefix}-{year}-as-of-{as_of.isoformat()}"
        return f"{prefix}-as-of-{as_of.isoformat()}"

    return name


def stop_run(message: str) -> Any:
    """End the flow run as Failed with `message` (one ERROR line, no traceback): returned by a flow
    whose check before the work found it cannot run, e.g. `CalendarNotCovered`. Calling the flow then
    raises `prefect.exceptions.FailedRun` with the message; the CLI prints it and exits 2."""
    from prefect.logging import get_run_logger
    from prefect.states import Failed

    get_run_logger().error(message)
    return Failed(message=message)


def batches(items: Sequence[Any], size: int) -> list[list[Any]]:
    size = max(1, int(size))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


# -- the tables ----------------------------------------------------------------------------------
Cell = Callable[[Mapping[str, Any]], Any]


def _word(mapping: Mapping[str, tuple[str, str]], key: str) -> Cell:
    return lambda r: coded(dict(mapping), r.get(key))[0]


def _plain(key: str) -> Cell:
    return lambda r: fmt(r.get(key))


def _prefecture(r: Mapping[str, Any]) -> str:
    return prefecture_name(r.get("prefecture_code"))


MONITORING_TABLE: tuple[tuple[str, Cell], ...] = (
    (COLUMN_LABELS["certificate_id"], _plain("certificate_id")),
    (COLUMN_LABELS["cluster_name"], _plain("cluster_name")),
    (COLUMN_LABELS["prefecture_name"], _prefecture),
    (COLUMN_LABELS["report_status"], _word(REPORT_STATUS, "report_status")),
    (
        COLUMN_LABELS["below_threshold"],
        lambda r: "、".join(x for x in fmt(r.get("below_threshold")).split(";") if x),
    ),
    (COLUMN_LABELS["plan_completion_pct"], _plain("plan_completion_pct")),
)
EXPIRY_TABLE: tuple[tuple[str, Cell], ...] = (
    (COLUMN_LABELS["certificate_id"], _plain("certificate_id")),
    (COLUMN_LABELS["cluster_name"], _plain("cluster_name")),
    (COLUMN_LABELS["valid_until"], _plain("valid_until")),
    (COLUMN_LABELS["days_left"], _plain("days_to_expiry")),
    (COLUMN_LABELS["status"], _word(EXPIRY_STATUS, "status")),
    (COLUMN_LABELS["note"], _plain("note")),
)
NOTICE_TABLE: tuple[tuple[str, Cell], ...] = (
    (COLUMN_LABELS["certificate_id"], _plain("certificate_id")),
    ("提醒（到期前天数）", _plain("notice_days")),
    (COLUMN_LABELS["valid_until"], _plain("valid_until")),
    ("提醒内容", _plain("text")),
)
REVIEW_TABLE: tuple[tuple[str, Cell], ...] = (
    (COLUMN_LABELS["certificate_id"], _plain("certificate_id")),
    ("复核申报编号", _plain("review_submission_id")),
    ("复核结论", _word(REVIEW_RESULT, "result")),
    ("新有效期至", _plain("new_valid_until")),
    (COLUMN_LABELS["note"], _plain("explanation")),
)
CHANGES_TABLE: tuple[tuple[str, Cell], ...] = (
    (COLUMN_LABELS["certificate_id"], _plain("certificate_id")),
    (COLUMN_LABELS["change_type"], _plain("change_type")),
    (COLUMN_LABELS["changed_on"], _plain("changed_on")),
    (COLUMN_LABELS["due_on"], _plain("due_on")),
    (COLUMN_LABELS["filed_on"], lambda r: fmt(r.get("filed_on")) or "未备案"),
    (COLUMN_LABELS["on_time"], lambda r: yes_no(r.get("on_time")) or "待定"),
)
REVOCATION_TABLE: tuple[tuple[str, Cell], ...] = (
    (COLUMN_LABELS["certificate_id"], _plain("certificate_id")),
    (
        COLUMN_LABELS["ground"],
        lambda r: REVOCATION_GROUND_LABELS.get(fmt(r.get("ground")), fmt(r.get("ground"))),
    ),
    (COLUMN_LABELS["evidence"], _plain("evidence")),
    (COLUMN_LABELS["proposed_on"], _plain("proposed_on")),
    ("决定", _word(REVOCATION_DECISION, "decision")),
)
NATIONAL_TABLE: tuple[tuple[str, Cell], ...] = (
    (COLUMN_LABELS["rank"], _plain("rank")),
    (COLUMN_LABELS["certificate_id"], _plain("certificate_id")),
    (COLUMN_LABELS["cluster_name"], _plain("cluster_name")),
    ("符合国家级标准", lambda r: yes_no(r.get("eligible"))),
    (
        COLUMN_LABELS["failed_criteria"],
        lambda r: "、".join(x for x in fmt(r.get("failed_criteria")).split(";") if x),
    ),
    (COLUMN_LABELS["score"], _plain("score")),
)


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, Cell]]) -> list[dict[str, Any]]:
    """Rows as the Prefect UI shows them: Chinese headers, Chinese words for the codes."""
    return [{header: cell(row) for header, cell in columns} for row in rows]


def publish_result(
    key: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[tuple[str, Cell]],
    *,
    title: str,
    page: Path,
    counts: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
) -> None:
    """The result rows as a Chinese table artifact, and a markdown one with the counts (named by
    `COUNT_LABELS`, or `labels` where a flow's word differs) and a link to the report."""
    words = {**COUNT_LABELS, **(labels or {})}
    publish_table(key, table(rows, columns), description=title)
    page = Path(page).resolve()
    lines = [f"# {title}", "", f"报告：[{page.name}]({page.as_uri()})", "", f"输出目录：`{page.parent}`", ""]
    lines += ["| 项目 | 数量 |", "|---|---|"] + [f"| {words.get(k, k)} | {v} |" for k, v in counts.items()]
    publish_markdown(f"{key}-report", "\n".join(lines) + "\n", description=title)


# -- the reminder and the pause form ----------------------------------------------------------------
def reminder_markdown(rows: Sequence[Mapping[str, Any]], report_year: int, as_of: date) -> str:
    """The week-before reminder of Art. 13 (monitoring-reminder)."""
    if not rows:
        return f"# {report_year}年度集群发展情况报送提醒\n\n截至 {as_of.isoformat()}，各市（地）均已报送。\n"
    deadline = rows[0]["deadline"].isoformat()
    moved = f"（{rows[0]['deadline_note']}）" if rows[0].get("deadline_note") else ""
    lines = [
        f"# {report_year}年度集群发展情况报送提醒（第十三条）",
        "",
        f"截至 {as_of.isoformat()}，以下市（地）尚未报送，报送期限为 {deadline}（含当日）{moved}；"
        "未及时报送的集群将依第十五条（三）列入撤销建议。",
        "",
        "| 市（地）代码 | 市（地） | 省级集群数 | 剩余天数 |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r['prefecture_code']} | {r['prefecture_name']} | {r['clusters']} | {r['days_left']} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


REMINDER_TABLE: tuple[tuple[str, Cell], ...] = (
    ("市（地）代码", _plain("prefecture_code")),
    ("市（地）", _plain("prefecture_name")),
    ("省级集群数", _plain("clusters")),
    (COLUMN_LABELS["deadline"], _plain("deadline")),
    ("剩余天数", _plain("days_left")),
    (COLUMN_LABELS["deadline_note"], _plain("deadline_note")),
)


def proposals_markdown(rows: Sequence[Mapping[str, Any]]) -> str:
    """The proposals as the operator reads them in the pause form."""
    lines = ["| 认定编号 | 依据 | 证据 |", "|---|---|---|"]
    for r in rows:
        evidence = str(r["evidence"]).replace("|", "｜")
        lines.append(f"| {r['certificate_id']} | {r['ground_text']} | {evidence} |")
    return "\n".join(lines)
