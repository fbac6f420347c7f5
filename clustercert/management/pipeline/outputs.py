"""Writing a dynamic-management output folder: CSV extracts (SPEC §5 columns first), issues, index.

Several commands may share one folder (`--out`), so the index lists every management page that is
there, whoever wrote it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from clustercert.issue import Issue, write_issues_csv
from clustercert.reports import PAGE_FILES, render_index, write_rows_csv

# The pages of dynamic management and the CSV extract each comes with, in the order of the index.
PAGES = (
    ("monitoring", "年度发展情况监测（第十三条）", "monitoring.csv"),
    ("expiry", "有效期与复核（第十一条）", "expiry.csv"),
    ("change_filings", "重大变动备案（第十二条）", "change_filings.csv"),
    ("revocation_proposals", "撤销认定建议（第十五条）", "revocation_proposals.csv"),
    ("national_recommendation", "推荐申报国家级集群（第十四条）", "national_recommendation.csv"),
)


def frame_rows(frame: pd.DataFrame | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows as plain dicts, missing values as None (CSV and artifacts write them as empty)."""
    if isinstance(frame, pd.DataFrame):
        rows = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    else:
        rows = [dict(r) for r in frame]
    return rows


def write_csv(out: Path, name: str, rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Path:
    """A machine-readable extract: English keys as headers, exactly `columns` in order."""
    return write_rows_csv(Path(out) / name, rows, [(c, c) for c in columns], header="key")


def write_issues(out: Path, name: str, issues: Iterable[Issue]) -> Path:
    return write_issues_csv(list(issues), Path(out) / name)


def write_index(out: Path, *, subtitle: str = "") -> Path:
    """index.html linking every management page and CSV present in `out`."""
    out = Path(out)
    links = []
    for key, title, csv_name in PAGES:
        if (out / PAGE_FILES[key]).exists():
            links.append({"href": PAGE_FILES[key], "text": title, "note": csv_name})
    extracts = [
        {"href": p.name, "text": p.name, "note": ""} for p in sorted(out.glob("*.csv"), key=lambda p: p.name)
    ]
    sections = [{"title": "报告", "links": links}, {"title": "数据文件（CSV）", "links": extracts}]
    return render_index(
        out,
        title="省级集群动态管理",
        subtitle=subtitle,
        sections=sections,
        summary={},
    )
