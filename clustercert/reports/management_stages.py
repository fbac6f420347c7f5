"""The write step of each dynamic-management stage (Art. 11–15): its CSV extracts (SPEC §5 columns
first, English keys as headers), its issues, its HTML page, and the folder's index.

Several commands may share one output folder (`--out`), so the index lists every management page and
CSV that is there, whoever wrote it. Each `write_*` returns the stage's page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from clustercert.issue import Issue, write_issues_csv
from clustercert.management.changes import FILING_COLUMNS
from clustercert.management.expiry import EXPIRY_COLUMNS, NOTICE_COLUMNS, REVIEW_COLUMNS
from clustercert.management.monitoring import (
    CHANGE_COLUMNS,
    INCIDENT_COLUMNS,
    MONITORING_COLUMNS,
    PLAN_DETAIL_COLUMNS,
)
from clustercert.management.monitoring_summary import Trends
from clustercert.management.revocation import LISTED_COLUMNS
from clustercert.management.tables import plain_rows
from clustercert.reports.index import present_links, render_index
from clustercert.reports.management import (
    render_change_filings,
    render_expiry,
    render_monitoring,
    render_national_recommendation,
    render_revocation_proposals,
)
from clustercert.reports.render import PAGE_FILES
from clustercert.reports.xlsx import write_rows_csv
from clustercert.stages import national
from clustercert.stages.changes import ChangesOutcome
from clustercert.stages.expiry import ExpiryOutcome
from clustercert.stages.monitoring import MonitoringOutcome
from clustercert.stages.national import NationalOutcome
from clustercert.stages.revocation import RevocationOutcome

# The pages of dynamic management and the CSV extract each comes with, in the order of the index.
PAGES = (
    ("monitoring", "年度发展情况监测（第十三条）", "monitoring.csv"),
    ("expiry", "有效期与复核（第十一条）", "expiry.csv"),
    ("change_filings", "重大变动备案（第十二条）", "change_filings.csv"),
    ("revocation_proposals", "撤销认定建议（第十五条）", "revocation_proposals.csv"),
    ("national_recommendation", "推荐申报国家级集群（第十四条）", "national_recommendation.csv"),
)
ISSUES = {
    "monitoring": "validation_issues.csv",
    "expiry": "review_issues.csv",
    "change_filings": "change_filings_issues.csv",
    "revocation_proposals": "revocation_issues.csv",
}


def _folder(out: Path | str) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return out


def _indexed(out: Path, as_of: date, page: Path) -> Path:
    """A stage's page, once the folder's index lists it with everything else the folder holds."""
    write_index(out, as_of)
    return page


def _extract(out: Path, name: str, rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Path:
    """A machine-readable extract: exactly `columns`, in order, English keys as headers."""
    return write_rows_csv(out / name, rows, columns, header="key")


def write_monitoring(out: Path | str, outcome: MonitoringOutcome, trends: Trends) -> Path:
    """monitoring.csv (+ plan progress, declared changes and incidents), issues, the HTML report."""
    out, result = _folder(out), outcome.result
    _extract(out, "monitoring.csv", outcome.rows, MONITORING_COLUMNS)
    _extract(out, "monitoring_plan_progress.csv", plain_rows(result.plan_details), PLAN_DETAIL_COLUMNS)
    _extract(out, "monitoring_changes.csv", plain_rows(result.changes), CHANGE_COLUMNS)
    _extract(out, "monitoring_incidents.csv", plain_rows(result.incidents), INCIDENT_COLUMNS)
    write_issues_csv(outcome.issues, out / ISSUES["monitoring"])
    page = render_monitoring(
        out,
        report_year=outcome.report_year,
        as_of=outcome.as_of,
        rows=outcome.rows,
        trends=trends,
        by_prefecture=outcome.by_prefecture,
        thresholds=outcome.thresholds,
        last_day=result.last_day,
        holiday_extension=outcome.holiday_extension,
        late_is_ground=outcome.late_is_ground,
    )
    return _indexed(out, outcome.as_of, page)


def write_expiry(
    out: Path | str, outcome: ExpiryOutcome, reviews: Sequence[Mapping[str, Any]], issues: Iterable[Issue]
) -> Path:
    """expiry.csv, expiry_notices.csv, reviews.csv, the review applications' issues, the HTML report."""
    out = _folder(out)
    _extract(out, "expiry.csv", outcome.rows, EXPIRY_COLUMNS)
    _extract(out, "expiry_notices.csv", outcome.notices, NOTICE_COLUMNS)
    _extract(out, "reviews.csv", reviews, REVIEW_COLUMNS)
    write_issues_csv(list(issues), out / ISSUES["expiry"])
    rows = [{**r, "days_left": r["days_to_expiry"]} for r in outcome.rows]
    return _indexed(out, outcome.as_of, render_expiry(out, as_of=outcome.as_of, rows=rows))


def write_changes(out: Path | str, outcome: ChangesOutcome) -> Path:
    out = _folder(out)
    _extract(out, "change_filings.csv", outcome.rows, FILING_COLUMNS)
    write_issues_csv(outcome.issues, out / ISSUES["change_filings"])
    page = render_change_filings(
        out, as_of=outcome.as_of, rows=outcome.rows, holiday_extension=outcome.holiday_extension
    )
    return _indexed(out, outcome.as_of, page)


def write_revocations(out: Path | str, outcome: RevocationOutcome) -> Path:
    out = _folder(out)
    _extract(out, "revocation_proposals.csv", outcome.rows, LISTED_COLUMNS)
    write_issues_csv(outcome.issues, out / ISSUES["revocation_proposals"])
    return _indexed(
        out, outcome.as_of, render_revocation_proposals(out, as_of=outcome.as_of, rows=outcome.rows)
    )


def write_national(out: Path | str, outcome: NationalOutcome) -> Path:
    out = _folder(out)
    _extract(out, "national_recommendation.csv", outcome.rows, national.COLUMNS)
    return _indexed(
        out, outcome.as_of, render_national_recommendation(out, as_of=outcome.as_of, rows=outcome.rows)
    )


def write_index(out: Path | str, as_of: date) -> Path:
    """index.html linking every management page and CSV present in `out`."""
    out = Path(out)
    pages = [{"href": PAGE_FILES[key], "text": title, "note": csv_name} for key, title, csv_name in PAGES]
    extracts = [
        {"href": p.name, "text": p.name, "note": ""} for p in sorted(out.glob("*.csv"), key=lambda p: p.name)
    ]
    return render_index(
        out,
        title="省级集群动态管理",
        subtitle=f"数据截至 {as_of.isoformat()}",
        sections=present_links(
            out, [{"title": "报告", "links": pages}, {"title": "数据文件（CSV）", "links": extracts}]
        ),
        summary={},
    )
