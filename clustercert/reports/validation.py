"""Validation pages: the per-submission feedback a county receives, and the campaign summary analysts read.

The summary also renders the Great Expectations outcomes itself, because GX Data Docs load their
assets from a CDN and must work on isolated networks (SPEC §5).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clustercert.issue import Issue, Severity
from clustercert.reports.labels import (
    public_reference,
    readable_message,
    severity_label,
    sheet_label,
    sheet_order,
    truthy,
)
from clustercert.reports.render import (
    PAGE_FILES,
    Cell,
    Table,
    bool_cell,
    campaign_subtitle,
    cell,
    cluster_relpath,
    feedback_relpath,
    fmt,
    is_blank,
    place,
    write_page,
)

if TYPE_CHECKING:
    from clustercert.submission import Submission
    from clustercert.validation import ValidationResult

WHOLE_FILE = "文件整体"


def _issue_table(issues: Sequence[Issue]) -> Table:
    """What is wrong and what to enter, at which row and column; the article or standard it rests on.

    Check ids and our SPEC sections stay in validation_issues.csv: a county reads words, not codes.
    """
    cited = any(public_reference(i.reference) for i in issues)
    rows = [
        [
            Cell(str(i.row) if i.row is not None else "—", "num"),
            cell(i.column or "—"),
            Cell(readable_message(i.message)),
            *([Cell(public_reference(i.reference), "muted")] if cited else []),
        ]
        for i in issues
    ]
    headers = ["行号", "列", "问题及修改要求", *(["依据"] if cited else [])]
    return Table(headers, rows, numeric={0}, cls="issues")


def _grouped_by_sheet(issues: Sequence[Issue]) -> list[dict[str, Any]]:
    """Sheets in workbook order (whole-file problems first, unknown sheets last), rows ascending."""
    order = sheet_order()
    groups: dict[str, list[Issue]] = defaultdict(list)
    for issue in issues:
        groups[issue.sheet or ""].append(issue)

    def position(sheet: str) -> tuple[int, int, str]:
        if not sheet:
            return (0, 0, "")
        if sheet in order:
            return (1, order[sheet][0], "")
        return (2, 0, sheet)

    result = []
    for sheet in sorted(groups, key=position):
        label = WHOLE_FILE if not sheet else order.get(sheet, (0, sheet))[1]
        members = sorted(groups[sheet], key=lambda i: (i.row or 0, i.column, i.check, i.message))
        result.append({"sheet": label, "count": len(members), "table": _issue_table(members)})
    return result


def render_feedback(out_dir: Path, *, submission: Mapping[str, Any], issues: Sequence[Issue]) -> Path:
    """申报材料校验反馈: what the county must fix (errors) and check (warnings), located by sheet/row/column."""
    sid = fmt(submission.get("submission_id"))
    mine = [i for i in issues if not i.submission_id or i.submission_id == sid]
    errors = [i for i in mine if i.severity == Severity.ERROR]
    warnings = [i for i in mine if i.severity != Severity.ERROR]
    valid = not errors and truthy(submission.get("valid")) is not False
    prefecture, county = place(submission)
    facts = [
        ("集群名称", fmt(submission.get("cluster_name")) or "（未能读取）"),
        ("所在县（市、区）", county or "（未能读取）"),
        ("所在市（地）", prefecture),
        ("申报文件", fmt(submission.get("file"))),
        ("申报编号", sid),
    ]
    if not is_blank(submission.get("campaign_year")):
        facts.insert(0, ("申报年度", fmt(submission.get("campaign_year"))))
    return write_page(
        out_dir,
        feedback_relpath(sid),
        "feedback.html.j2",
        title="申报材料校验反馈",
        subtitle=" · ".join(x for x in (fmt(submission.get("cluster_name")), county) if x),
        facts=facts,
        valid=valid,
        n_errors=len(errors),
        n_warnings=len(warnings),
        error_groups=_grouped_by_sheet(errors),
        warning_groups=_grouped_by_sheet(warnings),
    )


def _submission_rows(
    submissions: Sequence[Mapping[str, Any]], issues: Sequence[Issue]
) -> list[dict[str, Any]]:
    errors: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    for issue in issues:
        (errors if issue.severity == Severity.ERROR else warnings)[issue.submission_id] += 1
    rows = []
    for sub in submissions:
        sid = fmt(sub.get("submission_id"))
        prefecture, county = place(sub)
        valid = errors[sid] == 0 and truthy(sub.get("valid")) is not False
        rows.append(
            {
                "sid": sid,
                "file": fmt(sub.get("file")),
                "cluster_name": fmt(sub.get("cluster_name")),
                "prefecture": prefecture or "（未识别）",
                "county": county,
                "valid": valid,
                "errors": errors[sid],
                "warnings": warnings[sid],
            }
        )
    return sorted(rows, key=lambda r: (r["valid"], r["prefecture"], r["county"], r["sid"]))


def _files_table(rows: list[dict[str, Any]]) -> Table:
    body = [
        [
            cell(r["sid"]),
            cell(r["file"]),
            cell(r["cluster_name"]),
            cell(r["prefecture"]),
            cell(r["county"]),
            bool_cell(r["valid"], "通过", "未通过"),
            Cell(str(r["errors"]), "num bad" if r["errors"] else "num"),
            Cell(str(r["warnings"]), "num warn" if r["warnings"] else "num"),
            Cell("查看反馈", href=feedback_relpath(r["sid"])),
            Cell("申报档案", href=cluster_relpath(r["sid"])),
        ]
        for r in rows
    ]
    headers = [
        "申报编号",
        "文件",
        "集群名称",
        "所在市（地）",
        "所在县（市、区）",
        "校验结论",
        "错误",
        "提示",
        "反馈",
        "档案",
    ]
    return Table(headers, body, numeric={6, 7}, empty="本次没有收到申报材料")


def _where(issue: Issue) -> str:
    """What a check looks at, in words: "经营指标 · 集群总产值（万元）"."""
    if not issue.sheet:
        return WHOLE_FILE
    sheet = sheet_label(issue.sheet)
    return f"{sheet} · {issue.column}" if issue.column else sheet


def _checks_table(issues: Sequence[Issue]) -> Table:
    """Issues counted by check (the check id is in validation_issues.csv), described by where and how."""
    by_check: dict[tuple[str, str], list[Issue]] = defaultdict(list)
    for issue in issues:
        by_check[(issue.check, str(issue.severity))].append(issue)
    ordered = sorted(by_check.items(), key=lambda kv: (kv[0][1] != "error", -len(kv[1]), kv[0][0]))
    body = [
        [
            cell(_where(members[0])),
            Cell(severity_label(severity), "bad" if severity == "error" else "warn"),
            Cell(str(len(members)), "num"),
            Cell(str(len({i.submission_id for i in members})), "num"),
            Cell(public_reference(members[0].reference)),
            Cell(readable_message(members[0].message)),
        ]
        for (_, severity), members in ordered
    ]
    headers = ["检查内容", "类别", "问题数", "涉及申报数", "依据", "示例说明"]
    return Table(headers, body, numeric={2, 3}, empty="未发现问题")


def _prefecture_table(rows: list[dict[str, Any]]) -> Table:
    agg: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        c = agg[r["prefecture"]]
        c["submitted"] += 1
        c["valid" if r["valid"] else "invalid"] += 1
        c["errors"] += r["errors"]
        c["warnings"] += r["warnings"]
    keys = ("submitted", "valid", "invalid", "errors", "warnings")
    body = [[cell(p)] + [Cell(str(agg[p][k]), "num") for k in keys] for p in sorted(agg)]
    return Table(["市（地）", "申报", "通过", "未通过", "错误", "提示"], body, numeric={1, 2, 3, 4, 5})


GX_COLUMNS = (
    ("description", "规则说明"),
    ("table", "数据表"),
    ("severity", "类别"),
    ("reference", "依据"),
    ("success", "结果"),
    ("element_count", "检查条数"),
    ("unexpected_count", "不符合条数"),
    ("engine", "执行引擎"),
)


def _gx_table(outcomes: Sequence[Mapping[str, Any]]) -> Table:
    """Each expectation's outcome in words (its id is in expectations.csv)."""
    columns = list(GX_COLUMNS)
    if any(not is_blank(o.get("submission_id")) for o in outcomes):
        columns.insert(0, ("submission_id", "申报编号"))
    body = []
    for o in outcomes:
        row = []
        for key, _ in columns:
            if key == "success":
                row.append(bool_cell(o.get(key), "通过", "未通过"))
            elif key == "severity":
                row.append(Cell(severity_label(o.get(key))))
            elif key == "table":
                row.append(Cell(sheet_label(o.get(key))))
            elif key == "reference":
                row.append(Cell(public_reference(o.get(key))))
            elif key in ("element_count", "unexpected_count"):
                row.append(cell(o.get(key), "num"))
            else:
                row.append(cell(o.get(key)))
        body.append(row)
    numeric = {i for i, (k, _) in enumerate(columns) if k in ("element_count", "unexpected_count")}
    return Table([h for _, h in columns], body, numeric=numeric, empty="没有数据质量规则结果")


def render_validation_summary(
    out_dir: Path,
    *,
    campaign: Mapping[str, Any],
    submissions: Sequence[Mapping[str, Any]],
    issues: Sequence[Issue],
    expectation_outcomes: Sequence[Mapping[str, Any]],
) -> Path:
    """申报材料校验汇总: every file's status with a link to its feedback, counts, and the GX results."""
    rows = _submission_rows(submissions, issues)
    n_valid = sum(r["valid"] for r in rows)
    gx_failed = sum(truthy(o.get("success")) is False for o in expectation_outcomes)
    cards = [
        ("申报材料", len(rows)),
        ("校验通过", n_valid),
        ("校验未通过", len(rows) - n_valid),
        ("错误", sum(i.severity == Severity.ERROR for i in issues)),
        ("提示", sum(i.severity != Severity.ERROR for i in issues)),
        ("数据质量规则", len(expectation_outcomes)),
        ("规则未通过", gx_failed),
    ]
    return write_page(
        out_dir,
        PAGE_FILES["validation"],
        "validation_summary.html.j2",
        title="申报材料校验汇总",
        subtitle=campaign_subtitle(campaign),
        cards=cards,
        files=_files_table(rows),
        checks=_checks_table(issues),
        prefectures=_prefecture_table(rows),
        gx=_gx_table(expectation_outcomes),
    )


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
    return render_feedback(out, submission=submission_facts(sub, result), issues=result.issues)
