"""Art. 12 — filing of major changes (主导产业、空间范围、运营管理机构) within one month.

A filing is on time when filed_on ≤ changed_on + 1 calendar month (policy `A12.filing_window_months`;
"1个月内" includes the last day, SPEC §4.1), months clamped at month end (see `calendar_months`);
a last day that is a 法定休假日 moves to the next working day (民法典 第二百零三条, policy
`deadlines.holiday_extension`; see `deadlines`): `due_on` is the day in force, `due_on_nominal` the
calendar day and `due_note` says why it moved. A filing ahead of the change is on time. Two things become Art. 15(四) input: a late filing, and a
change a monitoring report declares with no filing of the same certificate, change type and date —
the latter only once its filing deadline has passed (before that it is `pending`, on_time empty).

On-time filings are registry updates. A late filing's new value waits for the Art. 15(四) decision:
the cluster is either revoked (nothing to update) or cleared (the operator then applies it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from clustercert import contract
from clustercert.issue import Issue, Severity
from clustercert.management.calendar_months import add_calendar_months, shanghai_date
from clustercert.management.deadlines import AS_IS, Deadline, DeadlineRule
from clustercert.management.tables import output_frame, records, source_row, text

__all__ = [
    "add_calendar_months",
    "check_filings",
    "filed_on_time",
    "filing_deadline",
    "filing_due",
    "FilingCheck",
]

ARTICLE = "12"
REVOCATION_GROUND = "15.4"
SOURCE_FILING, SOURCE_MONITORING = "filing", "monitoring"

# The certificate field each change type updates (change types come from the contract, in order).
REGISTRY_FIELDS = dict(
    zip(contract.CHANGE_TYPES, ("leading_industry", "spatial_scope", "operator_name"), strict=True)
)

FILING_COLUMNS = [
    "certificate_id",
    "change_type",
    "changed_on",
    "filed_on",
    "on_time",
    "article",
    "due_on",
    "due_on_nominal",
    "due_note",
    "new_value",
    "source",
    "file",
    "sheet",
    "row",
    "note",
]
UPDATE_COLUMNS = ["certificate_id", "field", "new_value", "change_type", "changed_on", "filed_on", "article"]


def filing_due(changed_on: date, filing_window_months: int) -> date:
    """Last day a change may be filed, on the calendar as is: changed_on + the window in months."""
    return add_calendar_months(changed_on, filing_window_months)


def filing_deadline(changed_on: date, filing_window_months: int, rule: DeadlineRule = AS_IS) -> Deadline:
    """The filing deadline of a change: `filing_due`, moved past a day off by `rule` (第二百零三条)."""
    return rule.last_day(filing_due(changed_on, filing_window_months))


def filed_on_time(
    changed_on: date, filed_on: date, filing_window_months: int, rule: DeadlineRule = AS_IS
) -> bool:
    return filed_on <= filing_deadline(changed_on, filing_window_months, rule).due


def _due_columns(deadline: Deadline) -> dict[str, Any]:
    return {"due_on": deadline.due, "due_on_nominal": deadline.nominal, "due_note": deadline.note()}


def _moved(deadline: Deadline) -> str:
    return f"；{deadline.note()}" if deadline.moved else ""


@dataclass
class FilingCheck:
    rows: pd.DataFrame  # change_filings.csv
    registry_updates: pd.DataFrame  # on-time filings: (certificate_id, field, new_value, …)
    issues: list[Issue]

    @property
    def revocation_inputs(self) -> pd.DataFrame:
        """Late or unfiled changes: the Art. 15(四) inputs."""
        return self.rows[self.rows["on_time"].eq(False)]  # on_time is empty while pending


def _key(rec: dict[str, Any]) -> tuple[str, str, date | None]:
    return (
        text(rec.get("certificate_id")),
        text(rec.get("change_type")),
        shanghai_date(rec.get("changed_on")),
    )


def check_filings(
    filings: pd.DataFrame | None,
    monitoring_changes: pd.DataFrame | None,
    certificates: pd.DataFrame,
    *,
    filing_window_months: int,
    as_of: date | None = None,
    filings_file: str = "change_filings",
    deadline_rule: DeadlineRule = AS_IS,
) -> FilingCheck:
    """Judge each filing (certificate_id, change_type, changed_on, filed_on, new_value, _row) and find
    the monitoring-declared changes (`MonitoringResult.changes`) that nobody filed.

    `as_of` None judges every unfiled change as overdue (the monitoring run happens after the 10 March
    deadline, by which every change of year R is past its filing deadline). `deadline_rule` applies
    第二百零三条 (`DeadlineRule.from_policy`; the default counts on the calendar as is).
    """
    window = f"变动后{filing_window_months}个月内"
    known = {text(c) for c in certificates["certificate_id"]} if len(certificates) else set()
    sheet = contract.CHANGE_FILINGS
    issues, rows, updates = [], [], []
    filed: set[tuple[str, str, date | None]] = set()
    for rec in records(filings):
        cid, change_type, changed_on = _key(rec)
        filed_on, row = shanghai_date(rec.get("filed_on")), source_row(rec)
        if cid not in known:
            issues.append(
                Issue(
                    filings_file,
                    filings_file,
                    sheet.label,
                    row,
                    sheet.column("certificate_id").label,
                    "changes.certificate_id.known",
                    Severity.ERROR,
                    f"认定编号“{cid}”不是已认定集群的编号，该备案未处理，请核对 certified.csv。",
                    "第十二条；SPEC §3.2",
                )
            )
            continue
        filed.add((cid, change_type, changed_on))
        if changed_on is None or filed_on is None:  # the sheet requires both: its reader refused the row
            raise ValueError(f"{filings_file} row {row}: a filing of {cid} without its dates")
        deadline = filing_deadline(changed_on, filing_window_months, deadline_rule)
        due = deadline.due
        on_time = filed_on <= due
        note = (
            deadline.note()
            if on_time
            else f"备案日期{filed_on.isoformat()}晚于期限{due.isoformat()}（{window}{_moved(deadline)}）"
        )
        rows.append(
            {
                "certificate_id": cid,
                "change_type": change_type,
                "changed_on": changed_on,
                "filed_on": filed_on,
                "on_time": on_time,
                "article": ARTICLE if on_time else REVOCATION_GROUND,
                **_due_columns(deadline),
                "new_value": text(rec.get("new_value")),
                "source": SOURCE_FILING,
                "file": filings_file,
                "sheet": sheet.label,
                "row": row,
                "note": note,
            }
        )
        if on_time:
            updates.append(
                {
                    "certificate_id": cid,
                    "field": REGISTRY_FIELDS[change_type],
                    "new_value": text(rec.get("new_value")),
                    "change_type": change_type,
                    "changed_on": changed_on,
                    "filed_on": filed_on,
                    "article": ARTICLE,
                }
            )

    for rec in records(monitoring_changes):
        key = _key(rec)
        if key in filed:
            continue
        filed.add(key)  # the same change in two reports is one change
        cid, change_type, changed_on = key
        if changed_on is None:  # the monitoring report's sheet requires it
            raise ValueError(f"a change {change_type} of {cid} declared without its date")
        deadline = filing_deadline(changed_on, filing_window_months, deadline_rule)
        due = deadline.due
        overdue = as_of is None or as_of > due
        note = (
            f"年度发展情况申报了该变动，但至{due.isoformat()}（{window}{_moved(deadline)}）未备案"
            if overdue
            else f"年度发展情况申报了该变动，备案期限{due.isoformat()}（{window}{_moved(deadline)}）尚未届满"
        )
        rows.append(
            {
                "certificate_id": cid,
                "change_type": change_type,
                "changed_on": changed_on,
                "filed_on": None,
                "on_time": False if overdue else None,
                "article": REVOCATION_GROUND if overdue else ARTICLE,
                **_due_columns(deadline),
                "new_value": text(rec.get("new_value")),
                "source": SOURCE_MONITORING,
                "file": text(rec.get("file")),
                "sheet": text(rec.get("sheet")),
                "row": None if pd.isna(rec.get("row")) else int(rec["row"]),
                "note": note,
            }
        )

    rows.sort(
        key=lambda r: (r["certificate_id"], r["changed_on"], r["change_type"], r["source"], r["row"] or 0)
    )
    updates.sort(key=lambda u: (u["certificate_id"], u["field"], u["changed_on"], u["filed_on"]))
    return FilingCheck(output_frame(rows, FILING_COLUMNS), output_frame(updates, UPDATE_COLUMNS), issues)
