"""A decision as every list shows it: the cluster's final status (Chinese), its reason and article, its
score with a ⚠ when a plausibility warning touches a value the decision rests on, and the link to
the cluster's page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from clustercert.issue import Issue
from clustercert.reports.labels import status_article, status_label, status_tone
from clustercert.reports.plausibility import MARK, describe
from clustercert.reports.render import Cell, cluster_relpath, fmt, fmt_number, relative_href, to_number


def reason_text(row: Mapping[str, Any]) -> str:
    """ "理由（依据条款）": the reason of the latest move with the article it rests on."""
    reason = fmt(row.get("reason"))
    article = status_article(row.get("final_status"), row.get("article"))
    if reason and article and article not in reason:
        return f"{reason}（依据：{article}）"
    return reason or (f"依据：{article}" if article else "")


def status_cell(row: Mapping[str, Any], *, with_reason: bool = True) -> Cell:
    """The final status in Chinese, coloured, with the reason and article under it."""
    code = row.get("final_status")
    lines = [reason_text(row)] if with_reason and reason_text(row) else []
    tone = status_tone(code)
    return Cell(status_label(code), f"s-{tone}" if tone else "", lines=lines)


def score_cell(row: Mapping[str, Any], marks: Mapping[str, Sequence[Issue]]) -> Cell:
    """The score (two decimals), with ⚠ and the warnings' messages when a used value was flagged."""
    sid = fmt(row.get("submission_id"))
    flagged = marks.get(sid, ())
    number = to_number(row.get("score"))
    return Cell(
        fmt_number(row.get("score"), 2),
        "num warn" if flagged else "num",
        mark=MARK if flagged else "",
        mark_title=describe(flagged),
        sort="" if number is None else f"{number:09.3f}",
    )


def name_cell(row: Mapping[str, Any], from_relpath: str) -> Cell:
    """The cluster's name, linked to its page (its story: status, reason, timeline)."""
    sid = fmt(row.get("submission_id"))
    name = fmt(row.get("cluster_name")) or "（未能读取集群名称）"
    return Cell(name, href=relative_href(from_relpath, cluster_relpath(sid)) if sid else "")


def mark_items(
    rows: Sequence[Mapping[str, Any]], marks: Mapping[str, Sequence[Issue]], from_relpath: str
) -> list[dict[str, str]]:
    """The footnote under a list: each flagged cluster and what was flagged."""
    items = []
    for row in rows:
        sid = fmt(row.get("submission_id"))
        if sid in marks:
            items.append(
                {
                    "name": fmt(row.get("cluster_name")) or sid,
                    "href": relative_href(from_relpath, cluster_relpath(sid)),
                    "text": describe(marks[sid]),
                }
            )
    return items
