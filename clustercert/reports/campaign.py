"""Campaign lists: prefecture recommendation lists, the ranking, the public notice and the certified list.

The public notice and the certified list are published, so they are built from an allow-list of
columns and checked for personal data before anything is written (SPEC §6: contact names and phone
numbers never appear in public outputs).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from clustercert.contract import PRIVATE_FIELDS
from clustercert.issue import Issue
from clustercert.lifecycle import Status
from clustercert.reports.charts import histogram
from clustercert.reports.labels import criteria_labels, policy, status_article, status_label, truthy
from clustercert.reports.outcome import mark_items, name_cell, score_cell, status_cell
from clustercert.reports.plausibility import describe
from clustercert.reports.render import (
    PAGE_FILES,
    Cell,
    Table,
    bool_cell,
    campaign_subtitle,
    cell,
    cluster_relpath,
    evaluation_relpath,
    fmt,
    fmt_number,
    is_blank,
    place,
    prefecture_name,
    prefecture_relpath,
    relative_href,
    to_number,
    write_page,
)
from clustercert.reports.xlsx import write_rows_xlsx

# What a published list may show, and nothing else.
PUBLIC_NOTICE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("seq", "序号"),
    ("cluster_name", "集群名称"),
    ("prefecture_name", "所在市（地）"),
    ("county_name", "所在县（市、区）"),
    ("leading_industry", "主导产业"),
    ("operator_name", "运营管理机构"),
)
CERTIFIED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("seq", "序号"),
    ("certificate_id", "认定编号"),
    ("cluster_name", "集群名称"),
    ("prefecture_name", "所在市（地）"),
    ("county_name", "所在县（市、区）"),
    ("leading_industry", "主导产业"),
    ("operator_name", "运营管理机构"),
    ("certified_on", "认定日期"),
    ("valid_until", "有效期至"),
)
PREFECTURE_LIST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("seq", "序号"),
    ("submission_id", "申报编号"),
    ("cluster_name", "集群名称"),
    ("county_name", "所在县（市、区）"),
    ("leading_industry", "主导产业"),
    ("operator_name", "运营管理机构"),
    ("score", "得分"),
    ("eligible", "符合认定条件"),
    ("spot_check", "实地抽查"),  # shown when the rows carry it
    ("recommended", "推荐结论"),
    ("reason", "理由"),
    ("article", "依据"),
    ("note", "说明"),  # shown when the rows carry it
    ("data_warnings", "数据提示"),  # shown when a used value has a plausibility warning
)
_OPTIONAL_PREFECTURE_COLUMNS = ("spot_check", "note", "data_warnings")
DROPPED_COLUMNS: tuple[tuple[str, str], ...] = (
    ("seq", "序号"),
    ("cluster_name", "集群名称"),
    ("prefecture_name", "所在市（地）"),
    ("county_name", "所在县（市、区）"),
    ("status", "结论"),
    ("reason", "理由"),
    ("article", "依据"),
)

# A mainland mobile or landline number (optionally +86, split by spaces or dashes), or any run of
# seven or more digits: never part of a cluster's or an operator's name.
_PHONE_LIKE = re.compile(
    r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)"
    r"|(?<!\d)0\d{2,3}[\s-]?\d{3,4}[\s-]?\d{4}(?!\d)"
    r"|\d{7,}"
)
# Structured columns (numbers, ids, dates) are not free text and are not scanned for phone numbers.
_STRUCTURED = frozenset({"seq", "certificate_id", "certified_on", "valid_until"})


class PrivacyError(ValueError):
    """A public output would have carried personal data; nothing was written."""


def looks_like_phone(text: Any) -> bool:
    return bool(_PHONE_LIKE.search(fmt(text)))


def public_rows(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]]
) -> list[dict[str, str]]:
    """Project rows onto an allow-list of public columns (numbered, names resolved from codes), then check."""
    allowed = [k for k, _ in columns]
    out = []
    for seq, row in enumerate(rows, start=1):
        prefecture, county = place(row)
        derived = {"seq": str(seq), "prefecture_name": prefecture, "county_name": county}
        out.append({k: derived[k] if k in derived else fmt(row.get(k)) for k in allowed})
    assert_public(out, allowed)
    return out


def assert_public(rows: Sequence[Mapping[str, Any]], allowed: Sequence[str]) -> None:
    private = set(PRIVATE_FIELDS) & set(allowed)
    if private:
        raise PrivacyError(f"private fields in a public column list: {sorted(private)}")
    for i, row in enumerate(rows, start=1):
        extra = set(row) - set(allowed)
        if extra:
            raise PrivacyError(f"row {i} carries non-public keys: {sorted(extra)}")
        for key, value in row.items():
            if key not in _STRUCTURED and looks_like_phone(value):
                raise PrivacyError(f"row {i}, column {key}: a phone-like number cannot be published")


def _private_values(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The phone numbers the source rows carried, as digit strings, to prove they did not leak."""
    values = []
    for row in rows:
        digits = re.sub(r"\D", "", fmt(row.get("contact_phone")))
        if len(digits) >= 7:
            values.append(digits)
    return values


def _assert_not_leaked(paths: Sequence[Path], private: Sequence[str]) -> None:
    from openpyxl import load_workbook

    for path in paths:
        if path.suffix == ".xlsx":
            wb = load_workbook(path, read_only=True)
            text = " ".join(fmt(v) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for v in r)
            wb.close()
        else:
            text = path.read_text("utf-8")
        joined = re.sub(r"(?<=\d)[\s\-－—]+(?=\d)", "", text)  # 0451-8262 0000 → 045182620000
        for value in private:
            if value in joined:
                path.unlink()
                raise PrivacyError(f"a contact phone number reached {path.name}; the file was removed")


def _public_table(rows: list[dict[str, str]], columns: Sequence[tuple[str, str]]) -> Table:
    body = [[Cell(r[k], "num" if k == "seq" else "") for k, _ in columns] for r in rows]
    return Table([h for _, h in columns], body, numeric={0}, empty="无")


def render_public_notice(
    out_dir: Path,
    *,
    rows: Sequence[Mapping[str, Any]],
    campaign: Mapping[str, Any],
    notice: Mapping[str, Any],
) -> tuple[Path, Path]:
    """公示名单 (.html, .xlsx): the shortlisted clusters, the notice period and how to object.

    `notice` holds start, end, working_days, objection_channel and optionally issuer and published_on.
    """
    public = public_rows(rows, PUBLIC_NOTICE_COLUMNS)
    out_dir = Path(out_dir)
    year = fmt(campaign.get("year"))
    title = (
        f"{year}年黑龙江省中小企业特色产业集群拟认定名单公示"
        if year
        else "黑龙江省中小企业特色产业集群拟认定名单公示"
    )
    html = write_page(
        out_dir,
        PAGE_FILES["public_notice"],
        "public_notice.html.j2",
        title=title,
        subtitle=fmt(notice.get("issuer")) or "黑龙江省工业和信息化厅",
        count=len(public),
        start=fmt(notice.get("start")),
        end=fmt(notice.get("end")),
        working_days=fmt(notice.get("working_days")),
        objection_channel=fmt(notice.get("objection_channel")),
        issuer=fmt(notice.get("issuer")) or "黑龙江省工业和信息化厅",
        published_on=fmt(notice.get("published_on")),
        table=_public_table(public, PUBLIC_NOTICE_COLUMNS),
    )
    xlsx = write_rows_xlsx(
        out_dir / "public_notice.xlsx",
        public,
        PUBLIC_NOTICE_COLUMNS,
        sheet_title="公示名单",
        title=title,
        stamp=campaign.get("as_of"),
    )
    _assert_not_leaked([html, xlsx], _private_values(rows))
    return html, xlsx


def _dropped_rows(dropped: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Who was on the notice but is not certified, and why; phone-like numbers in a reason are masked."""
    out = []
    for seq, row in enumerate(dropped, start=1):
        prefecture, county = place(row)
        out.append(
            {
                "seq": str(seq),
                "submission_id": fmt(row.get("submission_id")),
                "cluster_name": fmt(row.get("cluster_name")),
                "prefecture_name": prefecture,
                "county_name": county,
                "status": status_label(row.get("outcome") or row.get("final_status")),
                "reason": _PHONE_LIKE.sub(MASKED, fmt(row.get("reason"))),
                "article": status_article(row.get("outcome") or row.get("final_status"), row.get("article")),
            }
        )
    return out


MASKED = "（已隐去）"


def campaign_value(campaign: Mapping[str, Any], parameter_id: str) -> Any:
    """A policy parameter as the campaign applies it (its override, else the policy's value)."""
    overrides = campaign.get("overrides") or {}
    if isinstance(overrides, Mapping) and parameter_id in overrides:
        return overrides[parameter_id]
    return policy(fmt(campaign.get("policy")) or None).value(parameter_id)


def render_certified_list(
    out_dir: Path,
    *,
    rows: Sequence[Mapping[str, Any]],
    campaign: Mapping[str, Any],
    dropped: Sequence[Mapping[str, Any]] = (),
) -> tuple[Path, Path]:
    """认定名单 (.html, .xlsx), as published (Art. 10): same privacy rules as the public notice.

    `dropped` are the clusters of the public notice that were not certified (objection upheld …),
    rows with final_status (or outcome), reason and article: the page says who and why.
    """
    optional = ("leading_industry", "operator_name")  # certified.csv lacks them; shown when given
    columns = [
        c for c in CERTIFIED_COLUMNS if c[0] not in optional or any(not is_blank(r.get(c[0])) for r in rows)
    ]
    public = public_rows(rows, columns)
    out_dir = Path(out_dir)
    relpath = PAGE_FILES["certified"]
    year = fmt(campaign.get("year"))
    title = (
        f"{year}年黑龙江省中小企业特色产业集群认定名单" if year else "黑龙江省中小企业特色产业集群认定名单"
    )
    table = _public_table(public, columns)
    name_at = [k for k, _ in columns].index("cluster_name")
    for line, src in zip(table.rows, rows, strict=True):
        sid = fmt(src.get("submission_id"))
        if sid:
            line[name_at].href = relative_href(relpath, cluster_relpath(sid))
    gone = _dropped_rows(dropped)
    for row in gone:
        for key in ("cluster_name", "reason"):
            if looks_like_phone(row[key]):
                raise PrivacyError(f"a dropped cluster's {key} carries a phone-like number")
    gone_table = Table(
        [h for _, h in DROPPED_COLUMNS],
        [
            [
                Cell(r["seq"], "num"),
                Cell(r["cluster_name"], href=relative_href(relpath, cluster_relpath(r["submission_id"]))),
                Cell(r["prefecture_name"]),
                Cell(r["county_name"]),
                Cell(r["status"], "s-bad"),
                Cell(r["reason"]),
                Cell(r["article"]),
            ]
            for r in gone
        ],
        numeric={0},
        empty="无",
    )
    html = write_page(
        out_dir,
        relpath,
        "certified_list.html.j2",
        title=title,
        subtitle=campaign_subtitle(campaign),
        count=len(public),
        table=table,
        dropped=gone_table if gone else None,
        n_dropped=len(gone),
        validity_years=fmt(campaign_value(campaign, "A11.validity_years")),
    )
    xlsx = write_rows_xlsx(
        out_dir / "certified.xlsx",
        public,
        columns,
        sheet_title="认定名单",
        title=title,
        stamp=campaign.get("as_of"),
    )
    _assert_not_leaked([html, xlsx], _private_values([*rows, *dropped]))
    return html, xlsx


def _prefecture_value(row: Mapping[str, Any], key: str, marks: Mapping[str, Sequence[Issue]]) -> Any:
    if key == "eligible":
        flag = truthy(row.get(key))
        return "" if flag is None else ("是" if flag else "否")
    if key == "recommended":
        return _recommendation(row)[0]
    if key == "article":
        return status_article(row.get("outcome") or row.get("final_status"), row.get("article"))
    if key == "county_name":
        return place(row)[1]
    if key == "score":
        return fmt_number(row.get(key), 2)
    if key == "data_warnings":
        return describe(marks.get(fmt(row.get("submission_id")), ()))
    return fmt(row.get(key))


def _recommendation(row: Mapping[str, Any]) -> tuple[str, str]:
    """(推荐结论, css class): the prefecture stage's outcome, else the recommended flag."""
    outcome = fmt(row.get("outcome"))
    if outcome:
        return status_label(outcome), {"recommended": "s-ok", "not_recommended": "s-bad"}.get(
            outcome, "s-warn"
        )
    flag = truthy(row.get("recommended"))
    if flag is None:
        return "", ""
    code = Status.RECOMMENDED if flag else Status.NOT_RECOMMENDED
    return code.label, "s-ok" if flag else "s-bad"


def render_prefecture_list(
    out_dir: Path,
    *,
    prefecture_code: str,
    rows: Sequence[Mapping[str, Any]],
    campaign: Mapping[str, Any],
    marks: Mapping[str, Sequence[Issue]] | None = None,
) -> tuple[Path, Path]:
    """市地推荐名单 (.html, .xlsx) of one prefecture: each eligible cluster, its recommendation, the
    reason (spot checks, the prefecture's answer) and the article.

    Rows are the prefecture stage's rows (decisions rows + outcome, reason, article, prefecture_rank),
    optionally with leading_industry, operator_name, spot_check and note; the order given is kept.
    `marks`: submission id → plausibility warnings on values the decision rests on (⚠ on the score).
    """
    marks = marks or {}
    name = prefecture_name(prefecture_code)
    relpath = prefecture_relpath(prefecture_code)
    title = f"{name}中小企业特色产业集群推荐名单"
    present = {k for k in _OPTIONAL_PREFECTURE_COLUMNS if any(not is_blank(r.get(k)) for r in rows)}
    if any(fmt(r.get("submission_id")) in marks for r in rows):
        present.add("data_warnings")
    columns = [
        c for c in PREFECTURE_LIST_COLUMNS if c[0] not in _OPTIONAL_PREFECTURE_COLUMNS or c[0] in present
    ]
    html_columns = [c for c in columns if c[0] != "data_warnings"]  # the page marks the score instead
    xlsx_rows = []
    body = []
    for seq, src in enumerate(rows, start=1):
        values = {k: _prefecture_value(src, k, marks) for k, _ in columns}
        xlsx_rows.append(values | {"seq": seq, "score": to_number(src.get("score"))})
        line = []
        for key, _ in html_columns:
            if key == "recommended":
                text, cls = _recommendation(src)
                line.append(Cell(text, cls))
            elif key == "eligible":
                line.append(bool_cell(src.get(key)))
            elif key == "spot_check":
                text = values[key]
                line.append(Cell(text, {"通过": "ok", "不通过": "bad"}.get(text, "")))
            elif key == "cluster_name":
                line.append(name_cell(src, relpath))
            elif key == "score":
                line.append(score_cell(src, marks))
            elif key == "seq":
                line.append(Cell(str(seq), "num"))
            else:
                line.append(Cell(values[key]))
        body.append(line)
    headers = [h for _, h in html_columns]
    numeric = {i for i, (k, _) in enumerate(html_columns) if k in ("seq", "score")}
    html = write_page(
        out_dir,
        relpath,
        "prefecture_list.html.j2",
        title=title,
        subtitle=campaign_subtitle(campaign, f"市（地）代码 {fmt(prefecture_code)}"),
        cards=[
            ("符合认定条件的集群", len(rows)),
            (Status.RECOMMENDED.label, sum(_recommendation(r)[0] == Status.RECOMMENDED.label for r in rows)),
            (
                Status.NOT_RECOMMENDED.label,
                sum(_recommendation(r)[0] == Status.NOT_RECOMMENDED.label for r in rows),
            ),
        ],
        table=Table(headers, body, numeric=numeric, empty="本市（地）没有符合条件的申报", cls="prefecture"),
        marks=mark_items(rows, marks, relpath),
    )
    xlsx = write_rows_xlsx(
        Path(out_dir) / prefecture_relpath(prefecture_code, "xlsx"),
        xlsx_rows,
        columns,
        sheet_title="推荐名单",
        title=title,
        numeric=("score",),
        stamp=campaign.get("as_of"),
    )
    return html, xlsx


def _rank_key(row: Mapping[str, Any]) -> tuple[bool, float, float, str]:
    rank = to_number(row.get("province_rank"))
    score = to_number(row.get("score"))
    return (rank is None, rank or 0, -(score or 0), fmt(row.get("submission_id")))


def score_histogram(rows: Sequence[Mapping[str, Any]]) -> Markup:
    """The score distribution of the evaluated clusters, eligible and not."""
    eligible = [r.get("score") for r in rows if truthy(r.get("eligible")) is True]
    others = [r.get("score") for r in rows if truthy(r.get("eligible")) is not True]
    return histogram(
        [(Status.ELIGIBLE.label, eligible, "ok"), (Status.INELIGIBLE.label, others, "bad")],
        title="得分分布（默认评分模型，每档10分）",
    )


def render_campaign_scores(
    out_dir: Path,
    *,
    campaign: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]],
    model_note: str = "",
    marks: Mapping[str, Sequence[Issue]] | None = None,
) -> Path:
    """全省择优排序: decisions rows ranked, each with its final status and reason, linked to its cluster
    page and its evaluation page; ⚠ on a score resting on a value with a plausibility warning."""
    marks = marks or {}
    relpath = PAGE_FILES["scores"]
    policy_name = fmt(campaign.get("policy")) or None
    ordered = sorted(rows, key=_rank_key)
    body = []
    for row in ordered:
        prefecture, county = place(row)
        sid = fmt(row.get("submission_id"))
        body.append(
            [
                cell(row.get("province_rank"), "num"),
                name_cell(row, relpath),
                cell(prefecture),
                cell(county),
                score_cell(row, marks),
                bool_cell(row.get("eligible")),
                Cell("", "muted", lines=criteria_labels(row.get("failed_criteria"), policy_name)),
                status_cell(row),
                Cell("逐项评审", href=evaluation_relpath(sid)) if sid else Cell(""),
            ]
        )
    headers = [
        "全省排名",
        "集群名称",
        "所在市（地）",
        "所在县（市、区）",
        "得分",
        "符合认定条件",
        "未达标条件",
        "当前状态及理由",
        "评审详情",
    ]
    return write_page(
        out_dir,
        relpath,
        "campaign_scores.html.j2",
        title="全省择优排序",
        subtitle=campaign_subtitle(campaign),
        model_note=model_note,
        chart=score_histogram(rows) if rows else "",
        table=Table(headers, body, numeric={0, 4}, empty="没有进入评审的申报", cls="scores"),
        marks=mark_items(ordered, marks, relpath),
    )
