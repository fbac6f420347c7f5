"""A page per cluster that tells its story, and the list of every cluster.

`clusters/<submission id>.html`: the facts, the final status with its reason and article, and the
lifecycle from the audit log — each move with its Asia/Shanghai time, status, reason, article and
Prefect flow run — up to where it stopped, with links to its feedback, evaluation and prefecture list.
`clusters.html`: every cluster with its final status, score and reason, sortable and filterable, so
"why was this one not certified?" is two clicks from the index.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clustercert.issue import Issue
from clustercert.lifecycle import SHANGHAI, SUBMISSION_TRANSITIONS, Status
from clustercert.reports.labels import (
    COLUMN_LABELS,
    criteria_labels,
    readable_message,
    status,
    status_article,
    status_label,
    status_tone,
)
from clustercert.reports.outcome import name_cell, reason_text, score_cell, status_cell
from clustercert.reports.plausibility import MARK, describe
from clustercert.reports.render import (
    PAGE_FILES,
    Cell,
    Table,
    campaign_subtitle,
    cluster_relpath,
    evaluation_relpath,
    feedback_relpath,
    fmt,
    fmt_number,
    is_blank,
    place,
    prefecture_relpath,
    relative_href,
    write_page,
)

# The way through the yearly campaign (第八条 → 第十条); a cluster stops where a step says no.
PATH: tuple[Status, ...] = (
    Status.SUBMITTED,
    Status.VALID,
    Status.ELIGIBLE,
    Status.RECOMMENDED,
    Status.SHORTLISTED,
    Status.CERTIFIED,
)
History = Mapping[str, Sequence[Mapping[str, Any]]]


def local_time(at: Any) -> str:
    """An audit time (ISO, UTC) as Asia/Shanghai wall time: "2026-07-01 10:05:03"."""
    if isinstance(at, datetime):
        moment = at
    else:
        text = fmt(at)
        if not text:
            return ""
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def _change(entry: Mapping[str, Any]) -> str:
    """A recorded fact ("全省排名：— → 3"), for the facts people know by name; "" otherwise."""
    name = COLUMN_LABELS.get(fmt(entry.get("field")))
    if not name:
        return ""
    old, new = fmt(entry.get("old_value")) or "—", fmt(entry.get("new_value")) or "—"
    return f"{name}：{old} → {new}"


def _stop_position(status_code: Status) -> int | None:
    """Where a refusal stands on the path: ineligible takes the place of eligible, and so on."""
    for i, step in enumerate(PATH):
        if status_code in SUBMISSION_TRANSITIONS.get(step, ()) and status_code not in PATH:
            return i + 1
    return None


def timeline(entries: Sequence[Mapping[str, Any]], final_status: Any) -> list[dict[str, Any]]:
    """The moves of a submission, oldest first, then the steps of the path it has not (or will not) take."""
    steps: list[dict[str, Any]] = []
    for entry in entries:
        target = entry.get("to_status")
        if not is_blank(target):
            steps.append(
                {
                    "done": True,
                    "time": local_time(entry.get("at")),
                    "status": status_label(target),
                    "tone": status_tone(target),
                    "reason": fmt(entry.get("reason")),
                    "article": status_article(target, entry.get("article")),
                    "run": fmt(entry.get("flow_run_id")),
                    "actor": fmt(entry.get("actor")),
                    "changes": [],
                }
            )
            continue
        change = _change(entry)
        if not change:
            continue
        if steps:
            steps[-1]["changes"].append(
                f"{local_time(entry.get('at'))} {change}（{fmt(entry.get('reason'))}）"
            )
        else:
            steps.append(
                {
                    "done": True,
                    "time": local_time(entry.get("at")),
                    "status": "记录更新",
                    "tone": "muted",
                    "reason": f"{change}；{fmt(entry.get('reason'))}",
                    "article": status_article(None, entry.get("article")),
                    "run": fmt(entry.get("flow_run_id")),
                    "actor": fmt(entry.get("actor")),
                    "changes": [],
                }
            )
    final = status(final_status)
    reached = [s for s in (status(e.get("to_status")) for e in entries) if s in PATH]
    last = max((PATH.index(s) for s in reached), default=-1)
    if final in PATH:
        ahead, note = PATH[max(last, PATH.index(final)) + 1 :], "尚未进行"
    elif final == Status.RENEWED:  # a review application (复核) that passed: its path ends here
        ahead, note = (), ""
    elif final is None or final == Status.SUPERSEDED:
        ahead, note = PATH[last + 1 :], "未进行"
    else:
        stop = _stop_position(final) or last + 1
        ahead, note = PATH[stop + 1 :], "未进行（申报在上一步终止）"
    steps += [{"done": False, "status": s.label, "tone": "muted", "note": note} for s in ahead]
    return steps


def _facts(row: Mapping[str, Any], campaign: Mapping[str, Any]) -> list[tuple[str, str]]:
    prefecture, county = place(row)
    facts = [
        ("集群名称", fmt(row.get("cluster_name")) or "（未能读取）"),
        ("所在县（市、区）", county or "（未能读取）"),
        ("所在市（地）", prefecture),
        ("主导产业", fmt(row.get("leading_industry"))),
        ("运营管理机构", fmt(row.get("operator_name"))),
        ("申报文件", fmt(row.get("file"))),
        ("申报编号", fmt(row.get("submission_id"))),
        ("得分（默认评分模型）", fmt_number(row.get("score"), 2)),
        ("全省排名", fmt(row.get("province_rank"))),
        ("认定编号", fmt(row.get("certificate_id"))),
    ]
    if not is_blank(campaign.get("year")):
        facts.insert(0, ("申报年度", fmt(campaign.get("year"))))
    return [(k, v) for k, v in facts if v]


def render_cluster(
    out_dir: Path,
    *,
    row: Mapping[str, Any],
    history: Sequence[Mapping[str, Any]] = (),
    campaign: Mapping[str, Any],
    warnings: Sequence[Issue] = (),
) -> Path:
    """集群申报档案: what a cluster is, where it stands and why, and every step that got it there.

    `row` is a decisions row (facts.decision_rows); `history` its audit entries, oldest first;
    `warnings` the plausibility warnings on values its decision rests on.
    """
    sid = fmt(row.get("submission_id"))
    relpath = cluster_relpath(sid)
    out_dir = Path(out_dir)
    code = row.get("final_status")
    links = []
    for text, target in (
        ("校验反馈（发给县（市、区））", feedback_relpath(sid)),
        ("认定条件逐项评审", evaluation_relpath(sid)),
        (f"{place(row)[0]}推荐名单", prefecture_relpath(fmt(row.get("prefecture_code")) or "_")),
    ):
        if (out_dir / target).exists():
            links.append({"text": text, "href": relative_href(relpath, target)})
    failed = criteria_labels(row.get("failed_criteria"), fmt(campaign.get("policy")) or None)
    advisory = criteria_labels(row.get("warnings"), fmt(campaign.get("policy")) or None)
    return write_page(
        out_dir,
        relpath,
        "cluster.html.j2",
        title="集群申报档案",
        subtitle=" · ".join(x for x in (fmt(row.get("cluster_name")), place(row)[1], sid) if x),
        facts=_facts(row, campaign),
        status=status_label(code),
        tone=status_tone(code) or "muted",
        reason=fmt(row.get("reason")),
        article=status_article(code, row.get("article")),
        failed=failed,
        advisory=advisory,
        warnings=[readable_message(w.message) for w in warnings],
        steps=timeline(history, code),
        links=links,
        clusters_href=relative_href(relpath, PAGE_FILES["clusters"]),
    )


# ---------------------------------------------------------------------------------------------
# every cluster in one list

SORT_SCRIPT = (
    "(function(){var t=document.getElementById('clusters');if(!t)return;"
    "var b=t.tBodies[0],q=document.getElementById('filter'),n=document.getElementById('shown');"
    "function v(c){return c.getAttribute('data-sort')||c.textContent.trim();}"
    "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(h,i){h.className+=' sortable';"
    "h.setAttribute('tabindex','0');var up=true;function go(){var rs=Array.prototype.slice.call(b.rows);"
    "rs.sort(function(x,y){var a=v(x.cells[i]),c=v(y.cells[i]);var r=a.localeCompare(c,'zh-Hans-CN',"
    "{numeric:true});return up?r:-r;});rs.forEach(function(r){b.appendChild(r);});"
    "Array.prototype.forEach.call(t.tHead.rows[0].cells,function(o){o.removeAttribute('aria-sort');});"
    "h.setAttribute('aria-sort',up?'ascending':'descending');up=!up;}"
    "h.addEventListener('click',go);h.addEventListener('keydown',function(e){if(e.key==='Enter')go();});});"
    "function f(){var s=q.value.trim().toLowerCase(),k=0;Array.prototype.forEach.call(b.rows,function(r){"
    "var on=!s||r.textContent.toLowerCase().indexOf(s)>=0;r.style.display=on?'':'none';if(on)k++;});"
    "n.textContent=k;}q.addEventListener('input',f);f();})();"
)


def _status_rank(code: Any) -> str:
    """Sort key of a status: along the path, refusals after the step they stop at."""
    found = status(code)
    if found in PATH:
        return f"{PATH.index(found) * 2:02d}"
    position = _stop_position(found) if found is not None else None
    return f"{(position or 0) * 2 - 1:02d}" if position else "99"


def render_clusters_list(
    out_dir: Path,
    *,
    rows: Sequence[Mapping[str, Any]],
    campaign: Mapping[str, Any],
    marks: Mapping[str, Sequence[Issue]] | None = None,
) -> Path:
    """clusters.html: name, county, prefecture, final status, score, reason — click a header to sort,
    type in the box to filter."""
    marks = marks or {}
    relpath = PAGE_FILES["clusters"]
    body = []
    for row in sorted(rows, key=lambda r: (place(r)[0], place(r)[1], fmt(r.get("cluster_name")))):
        prefecture, county = place(row)
        status_col = status_cell(row, with_reason=False)
        status_col.sort = _status_rank(row.get("final_status"))
        body.append(
            [
                name_cell(row, relpath),
                Cell(county),
                Cell(prefecture),
                status_col,
                score_cell(row, marks),
                Cell(reason_text(row)),
            ]
        )
    headers = ["集群名称", "所在县（市、区）", "所在市（地）", "当前状态", "得分", "理由及依据"]
    table = Table(headers, body, numeric={4}, empty="本次没有收到申报", id="clusters", cls="clusters")
    flagged = [r for r in rows if fmt(r.get("submission_id")) in marks]
    return write_page(
        out_dir,
        relpath,
        "clusters_list.html.j2",
        title="全部申报集群",
        subtitle=campaign_subtitle(campaign),
        script=SORT_SCRIPT,
        count=len(rows),
        table=table,
        mark=MARK,
        flagged=[
            {"name": fmt(r.get("cluster_name")), "text": describe(marks[fmt(r.get("submission_id"))])}
            for r in flagged
        ],
    )
