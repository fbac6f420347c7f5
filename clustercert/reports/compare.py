"""Policy comparison page (`compare.html`) and extract (`compare.csv`): a campaign's clusters under two policies.

Takes the plain values of `clustercert.whatif.Comparison.page()`/`csv_rows()`: which clusters change
eligibility, score and rank, which criteria flip, and, for certified clusters, every criterion of the
second policy they do not meet with what it would take.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from clustercert.reports.evaluation import gap_steps_text
from clustercert.reports.labels import article_label
from clustercert.reports.render import (
    Cell,
    Table,
    bool_cell,
    campaign_subtitle,
    cell,
    fmt,
    fmt_number,
    is_blank,
    place,
    write_page,
)
from clustercert.reports.xlsx import write_rows_csv

COMPARE_PAGE = "compare.html"
COMPARE_CSV = "compare.csv"
SIDES = ("基准政策", "比较政策")


def _policy_facts(policies: Sequence[Mapping[str, Any]]) -> Table:
    def row(name: str, key: str) -> list[Cell]:
        return [Cell(name), *(cell(p.get(key)) for p in policies)]

    rows = [
        row("政策文件", "title"),
        row("文件编号", "document"),
        row("版本", "version"),
        row("生效日期", "effective_from"),
        row("参数取值日期", "on"),
        [Cell("参数调整"), *(Cell(_overrides_text(p.get("overrides") or [])) for p in policies)],
    ]
    return Table(["项目", *SIDES], rows)


def _overrides_text(overrides: Sequence[Mapping[str, Any]]) -> str:
    if not overrides:
        return "无（按政策文件取值）"
    return "；".join(
        f"{o['parameter']}（{o['reference']}）：{fmt(o['value'])}{o.get('unit') or ''}"
        f"（政策文件原值 {fmt(o['default'])}{o.get('unit') or ''}）"
        for o in overrides
    )


def _flips_text(flips: Sequence[Mapping[str, Any]]) -> str:
    return "；".join(f"{_criterion(f)}：{f['before']}→{f['after']}" for f in flips)


def _rank(value: Any) -> Cell:
    return Cell("—", "muted") if is_blank(value) else Cell(fmt(value), "num")


def _cluster_cells(row: Mapping[str, Any]) -> list[Cell]:
    _, county = place(row)
    return [cell(row.get("cluster_name")), cell(county)]


def _changes_table(rows: Sequence[Mapping[str, Any]]) -> Table:
    """One line per criterion that changed for a cluster whose eligibility changed."""
    body = []
    for r in rows:
        first = [
            *_cluster_cells(r),
            bool_cell(r["eligible_before"], "符合", "不符合"),
            bool_cell(r["eligible_after"], "符合", "不符合"),
        ]
        for i, f in enumerate(r["flips"] or [{}]):
            lead = first if i == 0 else [Cell("", "muted")] * len(first)
            body.append(
                [
                    *lead,
                    Cell(_criterion(f)),
                    Cell(f"{f.get('before', '')}→{f.get('after', '')}" if f else ""),
                    cell(f.get("gap") if f.get("worse") else ""),
                ]
            )
    headers = ["集群名称", "所在县（市、区）", "基准政策下", "比较政策下", "结果变化的条件", "变化",
               "按比较政策达标所需"]  # fmt: skip
    return Table(headers, body, empty="没有集群的认定资格发生变化")


def _criterion(f: Mapping[str, Any]) -> str:
    return f"{article_label(f['article'])} {f['title']}" if f else ""


def _all_table(rows: Sequence[Mapping[str, Any]]) -> Table:
    def order(r: Mapping[str, Any]) -> tuple[bool, Any, Any]:
        rank = r.get("rank_before")
        return (is_blank(rank), rank if not is_blank(rank) else 0, r["submission_id"])

    body = []
    for r in sorted(rows, key=order):
        moved = r.get("rank_before") != r.get("rank_after") or r["score_before"] != r["score_after"]
        body.append(
            [
                *_cluster_cells(r),
                bool_cell(r["eligible_before"], "符合", "不符合"),
                bool_cell(r["eligible_after"], "符合", "不符合"),
                Cell(fmt_number(r["score_before"], 2), "num"),
                Cell(fmt_number(r["score_after"], 2), "num" + (" warn" if moved else "")),
                _rank(r.get("rank_before")),
                _rank(r.get("rank_after")),
                cell(_flips_text(r["flips"])),
            ]
        )
    headers = ["集群名称", "所在县（市、区）", "基准资格", "比较资格", "基准得分", "比较得分", "基准排名", "比较排名",
               "结果变化的条件"]  # fmt: skip
    return Table(headers, body, numeric={4, 5, 6, 7}, empty="没有可比较的申报")


def _certified_table(rows: Sequence[Mapping[str, Any]]) -> Table:
    """One line per criterion of the policy after that a certified cluster does not meet, with its gap."""
    body = []
    for r in rows:
        if is_blank(r.get("certificate_id")):
            continue
        first = [
            cell(r["certificate_id"]),
            *_cluster_cells(r),
            bool_cell(r["eligible_after"], "符合", "不符合"),
        ]
        if not r["failed_after"]:
            body.append([*first, Cell("比较政策各项条件均已达到", "ok"), Cell("")])
        for i, f in enumerate(r["failed_after"]):
            lead = first if i == 0 else [Cell("", "muted")] * len(first)
            body.append([*lead, Cell(_criterion(f)), cell(f["gap"])])
    headers = ["认定编号", "集群名称", "所在县（市、区）", "比较政策下", "未达到的条件", "达标所需的最小变动"]
    return Table(headers, body, empty="本年度没有已认定的集群")


def render_comparison(out_dir: Path, page: Mapping[str, Any], csv_rows: Sequence[Mapping[str, Any]],
                      columns: Sequence[str]) -> tuple[Path, Path]:  # fmt: skip
    """compare.html and compare.csv in `out_dir`."""
    out_dir = Path(out_dir)
    csv_path = write_rows_csv(out_dir / COMPARE_CSV, csv_rows, [(c, c) for c in columns], header="key")
    rows = page["clusters"]
    counts = page["counts"]
    cards = [
        ("比较的申报", counts["compared"]),
        ("基准政策下符合条件", counts["eligible_before"]),
        ("比较政策下符合条件", counts["eligible_after"]),
        ("不再符合", counts["dropped"]),
        ("新增符合", counts["added"]),
        ("排名变化", counts["rank_changed"]),
    ]
    html = write_page(
        out_dir,
        COMPARE_PAGE,
        "compare.html.j2",
        title="认定政策比较（假设分析）",
        subtitle=campaign_subtitle(page),
        cards=cards,
        policies=_policy_facts(page["policies"]),
        changes=_changes_table([r for r in rows if r["eligible_before"] != r["eligible_after"]]),
        everyone=_all_table(rows),
        certified=_certified_table(rows),
        any_certified=any(not is_blank(r.get("certificate_id")) for r in rows),
        gap_steps=gap_steps_text(page["policies"][1].get("gap_steps")),
    )
    return html, csv_path


def write_front_page(out_dir: Path) -> Path:
    """index.html linking the comparison, unless the folder already has one (a campaign's is left alone)."""
    from clustercert.reports.index import render_index

    path = Path(out_dir) / "index.html"
    if path.exists():
        return path
    links = [
        {"href": COMPARE_PAGE, "text": "认定政策比较", "note": "两项政策下的认定资格、得分、排名和达标差距"},
        {"href": COMPARE_CSV, "text": COMPARE_CSV, "note": "逐个申报的比较结果"},
    ]
    return render_index(
        out_dir,
        title="认定政策比较（假设分析）",
        sections=[{"title": "比较结果", "links": links}],
        summary={},
    )
