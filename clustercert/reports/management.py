"""Dynamic-management pages (Art. 11–15): monitoring, expiry, change filings, revocations, national list.

Each page takes the rows of its SPEC §5 CSV (monitoring.csv, expiry.csv, …), optionally with
cluster_name / county_code for readability, and shows a title, the as-of date, counts and the table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import Markup

from clustercert.lifecycle import REVOCATION_GROUNDS, ground_article
from clustercert.management.deadlines import Deadline
from clustercert.reports.charts import line_chart, sparkline
from clustercert.reports.labels import (
    EXPIRY_STATUS,
    REPORT_STATUS,
    coded,
    criteria_labels,
    ground_label,
    indicator_label,
    truthy,
)
from clustercert.reports.render import (
    PAGE_FILES,
    Cell,
    Table,
    bool_cell,
    cell,
    coded_cell,
    fmt,
    fmt_number,
    is_blank,
    label,
    place,
    present_keys,
    split_ids,
    to_number,
    write_page,
)

Trends = Mapping[str, Mapping[str, Sequence[tuple[Any, Any]]]]
CellMaker = Callable[[Mapping[str, Any]], Cell]


def _table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str, CellMaker]], empty: str
) -> Table:
    body = [[make(row) for _, _, make in columns] for row in rows]
    numeric = {i for i, (_, _, make) in enumerate(columns) if isinstance(make, _Number)}
    return Table([header for _, header, _ in columns], body, numeric=numeric, empty=empty)


def _plain(key: str, cls: str = "") -> CellMaker:
    return lambda row: cell(row.get(key), cls)


class _Number:
    """The cells of a numeric column (two decimals): `_table` marks its column numeric."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __call__(self, row: Mapping[str, Any]) -> Cell:
        return Cell(fmt_number(row.get(self.key), 2), "num")


def _num(key: str) -> CellMaker:
    return _Number(key)


def _identity_columns(rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, str, CellMaker]]:
    """认定编号 and, when rows carry them, the cluster's name and place."""
    columns: list[tuple[str, str, CellMaker]] = [
        ("certificate_id", label("certificate_id"), _plain("certificate_id"))
    ]
    if present_keys(rows, ["cluster_name"]):
        columns.append(("cluster_name", label("cluster_name"), _plain("cluster_name")))
    if present_keys(rows, ["prefecture_code", "county_code", "prefecture_name"]):
        columns.append(("prefecture", "所在市（地）", lambda r: Cell(place(r)[0])))
    return columns


def _page(out_dir: Path, key: str, template: str, title: str, as_of: date, **context: Any) -> Path:
    return write_page(
        out_dir,
        PAGE_FILES[key],
        template,
        title=title,
        subtitle=f"数据截至 {fmt(as_of)}",
        as_of=fmt(as_of),
        **context,
    )


# ---------------------------------------------------------------------------------------------
def _cluster_charts(
    rows: Sequence[Mapping[str, Any]], trends: Trends, thresholds: Mapping[str, Any]
) -> list[dict[str, Any]]:
    names = {fmt(r.get("certificate_id")): fmt(r.get("cluster_name")) for r in rows}
    ordered = [c for c in names if c in trends] + sorted(c for c in trends if c not in names)
    result = []
    for cert in ordered:
        charts = [
            line_chart(
                points,
                title=indicator_label(indicator),
                threshold=to_number(thresholds.get(indicator)),
                threshold_label="认定标准",
            )
            for indicator, points in trends[cert].items()
        ]
        heading = f"{names[cert]}（{cert}）" if names.get(cert) else cert
        result.append({"heading": heading, "charts": charts})
    return result


def _spark(trends: Trends, indicator: str) -> CellMaker:
    def make(row: Mapping[str, Any]) -> Cell:
        points = sorted(
            trends.get(fmt(row.get("certificate_id")), {}).get(indicator, []), key=lambda p: str(p[0])
        )
        if not points:
            return Cell("")
        svg: Markup = sparkline([v for _, v in points], label=f"{indicator_label(indicator)}趋势")
        return Cell(fmt_number(points[-1][1], 2), "num", svg=svg)

    return make


def _prefecture_table(by_prefecture: Sequence[Mapping[str, Any]]) -> Table:
    seen = list(dict.fromkeys(k for row in by_prefecture for k in row)) or [
        "prefecture_code",
        "report_status",
    ]
    columns: list[tuple[str, str, CellMaker]] = []
    for key in seen:
        if key in ("prefecture_code", "prefecture_name"):
            if not any(c[0] == "prefecture" for c in columns):
                columns.append(("prefecture", "市（地）", lambda r: Cell(place(r)[0])))
        elif key == "report_status":
            columns.append((key, label(key), lambda r: coded_cell(REPORT_STATUS, r.get("report_status"))))
        elif all(
            to_number(r.get(key)) is not None or is_blank(r.get(key)) for r in by_prefecture
        ) and key not in ("submitted_on",):
            columns.append((key, label(key), _num(key)))
        else:
            columns.append((key, label(key), _plain(key)))
    return _table(by_prefecture, columns, "没有市（地）报送情况")


def _deadline_cell(key: str, note_key: str) -> CellMaker:
    """A deadline; one that 民法典 第二百零三条 moved says so (the reason in its title)."""

    def make(row: Mapping[str, Any]) -> Cell:
        note = fmt(row.get(note_key))
        if not note:
            return cell(row.get(key))
        return Cell(f"{fmt(row.get(key))}（顺延）", "warn", title=note)

    return make


def deadline_rule_text(holiday_extension: bool) -> str:
    """How the page's deadlines were fixed (policy `deadlines.holiday_extension`)."""
    if holiday_extension:
        return (
            "期限的最后一日为法定休假日（法定节假日或休息日，按国务院公布的节假日和调休安排）的，"
            "依民法典第二百零三条顺延至法定休假日结束的次日。"
        )
    return "期限按日历计算，不因法定休假日顺延（政策参数 deadlines.holiday_extension 已关闭）。"


def render_monitoring(
    out_dir: Path,
    *,
    report_year: int | str,
    as_of: date,
    rows: Sequence[Mapping[str, Any]],
    trends: Trends,
    by_prefecture: Sequence[Mapping[str, Any]],
    thresholds: Mapping[str, Any] | None = None,
    last_day: Deadline | None = None,
    holiday_extension: bool = True,
    late_is_ground: bool = True,
) -> Path:
    """省级集群发展情况监测 (Art. 13): per-prefecture reporting, per-cluster status and indicator trends.

    trends: certificate_id → indicator key → [(year, value)]; thresholds: indicator → value drawn
    as a dashed line on its chart; last_day: year R's `deadlines.Deadline` (its note says when it moved).
    """
    status = Counter(fmt(r.get("report_status")) for r in rows)
    below = sum(bool(split_ids(r.get("below_threshold"))) for r in rows)
    spark_indicator = "total_output" if any("total_output" in t for t in trends.values()) else ""
    columns = _identity_columns(rows) + [
        (
            "report_status",
            label("report_status"),
            lambda r: coded_cell(REPORT_STATUS, r.get("report_status")),
        ),
        (
            "below_threshold",
            label("below_threshold"),
            lambda r: Cell(
                "",
                "bad" if split_ids(r.get("below_threshold")) else "",
                lines=criteria_labels(r.get("below_threshold")),
            ),
        ),
        ("plan_completion_pct", label("plan_completion_pct"), _num("plan_completion_pct")),
    ]
    if present_keys(rows, ["deadline"]):
        columns.insert(
            len(columns) - 2, ("deadline", label("deadline"), _deadline_cell("deadline", "deadline_note"))
        )
    if spark_indicator:
        columns.append(("trend", f"{indicator_label(spark_indicator)}趋势", _spark(trends, spark_indicator)))
    if present_keys(rows, ["note"]):
        columns.append(("note", label("note"), _plain("note", "muted")))
    cards = [
        ("认定集群", len(rows)),
        (coded(REPORT_STATUS, "on_time")[0], status["on_time"]),
        (coded(REPORT_STATUS, "late")[0], status["late"]),
        (coded(REPORT_STATUS, "missing")[0], status["missing"]),
        ("指标低于认定标准", below),
    ]
    return _page(
        out_dir,
        "monitoring",
        "monitoring.html.j2",
        f"{fmt(report_year)}年度省级集群发展情况监测",
        as_of,
        report_year=fmt(report_year),
        cards=cards,
        prefectures=_prefecture_table(by_prefecture),
        clusters=_table(rows, columns, "没有认定集群"),
        cluster_charts=_cluster_charts(rows, trends, thresholds or {}),
        deadline=fmt(last_day.due) if last_day is not None else "",
        deadline_note=last_day.note() if last_day is not None else "",
        deadline_rule=deadline_rule_text(holiday_extension),
        late_is_ground=late_is_ground,
    )


# ---------------------------------------------------------------------------------------------
def render_expiry(out_dir: Path, *, as_of: date, rows: Sequence[Mapping[str, Any]]) -> Path:
    """集群有效期与复核 (Art. 11): each certificate's validity status by days to expiry."""
    rows = sorted(rows, key=lambda r: (fmt(r.get("valid_until")), fmt(r.get("certificate_id"))))
    columns = _identity_columns(rows) + [("valid_until", label("valid_until"), _plain("valid_until"))]
    if present_keys(rows, ["days_left"]):
        columns.append(("days_left", label("days_left"), _num("days_left")))
    columns.append(("status", label("status"), lambda r: coded_cell(EXPIRY_STATUS, r.get("status"))))
    status = Counter(fmt(r.get("status")) for r in rows)
    cards = [
        (coded(EXPIRY_STATUS, code)[0], n)
        for code, n in sorted(status.items(), key=lambda kv: _status_order(kv[0]))
    ]
    return _page(
        out_dir,
        "expiry",
        "expiry.html.j2",
        "集群有效期与复核提醒",
        as_of,
        cards=[("认定集群", len(rows)), *cards],
        table=_table(rows, columns, "没有认定集群"),
    )


def _status_order(code: str) -> int:
    order = list(EXPIRY_STATUS)
    return order.index(code) if code in order else len(order)


def _on_time_cell(row: Mapping[str, Any]) -> Cell:
    if is_blank(row.get("filed_on")):
        return Cell("未备案", "bad")
    return bool_cell(row.get("on_time"), "按时", "逾期")


def render_change_filings(
    out_dir: Path, *, as_of: date, rows: Sequence[Mapping[str, Any]], holiday_extension: bool = True
) -> Path:
    """重大变动备案 (Art. 12): each major change, its deadline (moved by 民法典 第二百零三条 when its last
    day was a 法定休假日, and then saying why), its filing date and whether it came in time."""
    columns = _identity_columns(rows) + [
        ("change_type", label("change_type"), _plain("change_type")),
        ("changed_on", label("changed_on"), _plain("changed_on")),
    ]
    if present_keys(rows, ["due_on"]):
        columns.append(("due_on", label("due_on"), _deadline_cell("due_on", "due_note")))
    columns += [
        ("filed_on", label("filed_on"), _plain("filed_on")),
        ("on_time", label("on_time"), _on_time_cell),
    ]
    if present_keys(rows, ["new_value"]):
        columns.append(("new_value", label("new_value"), _plain("new_value")))
    if present_keys(rows, ["note"]):
        columns.append(("note", label("note"), _plain("note", "muted")))
    unfiled = sum(is_blank(r.get("filed_on")) for r in rows)
    on_time = sum(truthy(r.get("on_time")) is True and not is_blank(r.get("filed_on")) for r in rows)
    cards = [
        ("重大变动", len(rows)),
        ("按时备案", on_time),
        ("逾期备案", len(rows) - on_time - unfiled),
        ("未备案", unfiled),
    ]
    return _page(
        out_dir,
        "change_filings",
        "change_filings.html.j2",
        "重大变动备案情况",
        as_of,
        cards=cards,
        table=_table(rows, columns, "没有重大变动"),
        deadline_rule=deadline_rule_text(holiday_extension),
        moved=sum(bool(fmt(r.get("due_note"))) for r in rows),
    )


def render_revocation_proposals(out_dir: Path, *, as_of: date, rows: Sequence[Mapping[str, Any]]) -> Path:
    """撤销认定建议 (Art. 15): each proposal with its ground and evidence, pending confirmation."""
    columns = _identity_columns(rows) + [
        (
            "ground",
            label("ground"),
            lambda r: Cell(ground_label(r.get("ground"))),
        ),
        ("evidence", label("evidence"), _plain("evidence")),
        ("proposed_on", label("proposed_on"), _plain("proposed_on")),
    ]
    grounds = Counter(fmt(r.get("ground")) for r in rows)
    cards = [("撤销建议", len(rows))] + [
        (ground_article(g), grounds[g]) for g in sorted(REVOCATION_GROUNDS) if grounds[g]
    ]
    return _page(
        out_dir,
        "revocation_proposals",
        "revocation_proposals.html.j2",
        "撤销认定建议",
        as_of,
        cards=cards,
        table=_table(rows, columns, "没有撤销建议"),
    )


def render_national_recommendation(out_dir: Path, *, as_of: date, rows: Sequence[Mapping[str, Any]]) -> Path:
    """推荐申报国家级集群 (Art. 14): certified clusters against the national standard, ranked."""

    def rank_key(r: Mapping[str, Any]) -> tuple[bool, float, float, str]:
        rank = to_number(r.get("rank"))
        return (rank is None, rank or 0, -(to_number(r.get("score")) or 0), fmt(r.get("certificate_id")))

    rows = sorted(rows, key=rank_key)
    rank_cell = _num("rank")
    columns = [("rank", label("rank"), rank_cell), *_identity_columns(rows)] + [
        ("eligible", "符合国家级标准", lambda r: bool_cell(r.get("eligible"))),
        (
            "failed_criteria",
            label("failed_criteria"),
            lambda r: Cell("", "muted", lines=criteria_labels(r.get("failed_criteria"), "national-2022")),
        ),
        ("score", label("score"), _num("score")),
    ]
    eligible = sum(truthy(r.get("eligible")) is True for r in rows)
    return _page(
        out_dir,
        "national_recommendation",
        "national_recommendation.html.j2",
        "推荐申报国家级中小企业特色产业集群",
        as_of,
        cards=[("省级集群", len(rows)), ("符合国家级标准", eligible)],
        table=_table(rows, columns, "没有省级集群"),
    )
