"""Human decisions in batch mode (SPEC §3.2, §5): spot checks, prefecture decisions, objections.

They come from an optional `--decisions DIR` holding `spot_checks`, `prefecture_decisions` and
`objections` as `.csv` or `.xlsx`. A missing file means no decision of that kind. A bad row becomes a
located `Issue` and is not used; it never raises.

Two situations are not guessed:

* the same submission with contradictory answers (是 on one row, 否 on another): the decision is
  kept with `value=None`, and the stage leaves that cluster *pending* until the file is corrected;
* a file that exists but cannot be used (unreadable, both `.csv` and `.xlsx`, a column missing): the
  kind is listed in `unavailable`, and the stage leaves every cluster it concerns pending — falling
  back to "no decisions" would silently recommend or certify everyone.

Spot checks are facts, not answers: a cluster with any failed check at a level fails at that level.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from clustercert import contract
from clustercert.contract import NO, YES, Column, Sheet
from clustercert.issue import Issue, Severity
from clustercert.submission import ROW

DECISION_SHEETS: tuple[Sheet, ...] = (
    contract.SPOT_CHECKS,
    contract.PREFECTURE_DECISIONS,
    contract.OBJECTIONS,
)
SUFFIXES = (".csv", ".xlsx")
REFERENCE = "SPEC §3.2"
PASSED, FAILED = contract.SPOT_CHECK_RESULTS
LEVEL_PREFECTURE, LEVEL_PROVINCE = contract.SPOT_CHECK_LEVELS

Reader = Callable[[Path, Sheet], tuple[pd.DataFrame, list[Issue]]]


@dataclass(frozen=True)
class SpotCheck:
    submission_id: str
    level: str  # 市地 / 省
    passed: bool
    note: str
    file: str
    row: int | None


@dataclass(frozen=True)
class Decision:
    """A 是/否 answer about one submission (prefecture decision or objection)."""

    submission_id: str
    value: bool | None  # True = 是; None = contradictory rows, see the issues
    note: str
    file: str
    rows: tuple[int, ...]


@dataclass(frozen=True)
class BatchDecisions:
    spot_checks: tuple[SpotCheck, ...] = ()
    prefecture: Mapping[str, Decision] = field(default_factory=dict)  # by submission_id
    objections: Mapping[str, Decision] = field(default_factory=dict)  # by submission_id
    unavailable: frozenset[str] = frozenset()  # sheet keys whose file exists but could not be used
    issues: tuple[Issue, ...] = ()

    @classmethod
    def empty(cls) -> BatchDecisions:
        """No decisions at all: every eligible cluster is recommended and shortlisted in rank order."""
        return cls()

    @classmethod
    def load(
        cls, directory: Path | None, known_ids: Collection[str] | None = None, *, reader: Reader | None = None
    ) -> BatchDecisions:
        """Read whatever decision files `directory` holds; `known_ids` are this campaign's submissions."""
        if directory is None:
            return cls.empty()
        if reader is None:
            from clustercert.intake import read_table  # late: only reading files needs intake

            reader = read_table
        tables: dict[str, tuple[pd.DataFrame, str]] = {}
        issues: list[Issue] = []
        unavailable: set[str] = set()
        for sheet in DECISION_SHEETS:
            found = [directory / f"{sheet.key}{suffix}" for suffix in SUFFIXES]
            found = [p for p in found if p.is_file()]
            if not found:
                continue
            if len(found) > 1:
                issues.append(_file_issue(sheet, found[0].name, "ambiguous_file", _ambiguous_message(sheet)))
                unavailable.add(sheet.key)
                continue
            frame, read_issues = reader(found[0], sheet)
            issues.extend(read_issues)
            # An error about the whole file or its header row (row 1) leaves nothing to trust.
            if any(i.is_error and (i.row is None or i.row <= 1) for i in read_issues):
                unavailable.add(sheet.key)
                continue
            bad_rows = {i.row for i in read_issues if i.is_error and i.row is not None}
            if bad_rows and ROW in frame.columns:
                frame = frame[~frame[ROW].isin(bad_rows)]
            tables[sheet.key] = (frame, found[0].name)
        parsed = cls.from_tables(tables, known_ids)
        return cls(
            spot_checks=parsed.spot_checks,
            prefecture=parsed.prefecture,
            objections=parsed.objections,
            unavailable=frozenset(unavailable) | parsed.unavailable,
            issues=tuple(issues) + parsed.issues,
        )

    @classmethod
    def from_tables(
        cls, tables: Mapping[str, tuple[pd.DataFrame, str]], known_ids: Collection[str] | None = None
    ) -> BatchDecisions:
        """Check and interpret read tables: sheet key → (string frame with `_row`, file name)."""
        issues: list[Issue] = []
        unavailable: set[str] = set()
        rows: dict[str, list[Line]] = {}
        for sheet in DECISION_SHEETS:
            if sheet.key not in tables:
                continue
            frame, file = tables[sheet.key]
            missing = [c for c in sheet.columns if c.required and c.key not in frame.columns]
            if missing:
                labels = "、".join(f"「{c.label}」" for c in missing)
                message = f"{sheet.label}缺少列 {labels}：本类决定暂不采用，请补齐后重新运行"
                issues.append(_file_issue(sheet, file, "missing_column", message))
                unavailable.add(sheet.key)
                continue
            rows[sheet.key] = _checked_rows(sheet, frame, file, known_ids, issues)
        spot_checks = tuple(_spot_check(r) for r in rows.get(contract.SPOT_CHECKS.key, []))
        prefecture = _answers(contract.PREFECTURE_DECISIONS, "recommend", rows, issues)
        objections = _answers(contract.OBJECTIONS, "upheld", rows, issues)
        return cls(spot_checks, prefecture, objections, frozenset(unavailable), tuple(issues))

    # -- queries the stages ask ----------------------------------------------------------------

    def failed_spot_checks(self, submission_id: str, level: str) -> tuple[SpotCheck, ...]:
        return tuple(
            c
            for c in self.spot_checks
            if c.submission_id == submission_id and c.level == level and not c.passed
        )

    @property
    def has_errors(self) -> bool:
        return any(i.is_error for i in self.issues)


# ---------------------------------------------------------------------------------------------


# A usable line of a decision file: its values as text by column key, with its `file` and `row` (an int).
Line = dict[str, str | int]


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def _file_issue(sheet: Sheet, file: str, check: str, message: str) -> Issue:
    return Issue(
        "", file, sheet.label, None, "", f"decisions.{sheet.key}.{check}", Severity.ERROR, message, REFERENCE
    )


def _ambiguous_message(sheet: Sheet) -> str:
    return (
        f"决定目录中同时存在 {sheet.key}.csv 和 {sheet.key}.xlsx：无法确定以哪个为准，"
        f"本类决定（{sheet.label}）暂不采用，请只保留一个后重新运行"
    )


def _row_issue(
    sheet: Sheet,
    file: str,
    row: int,
    sid: str,
    column: Column | None,
    check: str,
    message: str,
    severity: Severity = Severity.ERROR,
) -> Issue:
    label = column.label if column else ""
    return Issue(
        sid, file, sheet.label, row, label, f"decisions.{sheet.key}.{check}", severity, message, REFERENCE
    )


def _checked_rows(
    sheet: Sheet, frame: pd.DataFrame, file: str, known_ids: Collection[str] | None, issues: list[Issue]
) -> list[Line]:
    """The rows whose every value is usable, as dicts with `file` and `row`; the rest become issues."""
    good: list[Line] = []
    sid_column = sheet.column("submission_id")
    for position, record in enumerate(frame.to_dict("records")):
        row = int(record[ROW]) if ROW in record and _text(record[ROW]) else position + 2
        sid = _text(record.get("submission_id"))
        values = {c.key: _text(record.get(c.key)) for c in sheet.columns}
        if not any(values.values()):
            continue  # a blank line in a spreadsheet is not a decision
        problems: list[Issue] = []
        if not sid:
            problems.append(
                _row_issue(
                    sheet,
                    file,
                    row,
                    "",
                    sid_column,
                    "submission_id.required",
                    "申报编号为空：请填写本批次的申报编号",
                )
            )
        elif known_ids is not None and sid not in known_ids:
            message = f"申报编号「{sid}」不在本批次申报中：请核对申报编号（见 decisions.csv）"
            problems.append(_row_issue(sheet, file, row, sid, sid_column, "submission_id.unknown", message))
        for column in sheet.columns:
            value = values[column.key]
            if column.allowed and value not in column.allowed:
                shown = f"「{value}」" if value else "空白"
                message = f"「{column.label}」应填 {' / '.join(column.allowed)}，实际为{shown}：本行未采用"
                problems.append(_row_issue(sheet, file, row, sid, column, f"{column.key}.allowed", message))
        if problems:
            issues.extend(problems)
            continue
        good.append({**values, "file": file, "row": row})
    return good


def _spot_check(record: Line) -> SpotCheck:
    return SpotCheck(
        submission_id=str(record["submission_id"]),
        level=str(record["level"]),
        passed=record["result"] == PASSED,
        note=str(record["note"]),
        file=str(record["file"]),
        row=int(record["row"]),
    )


def _answers(
    sheet: Sheet, key: str, rows: Mapping[str, list[Line]], issues: list[Issue]
) -> dict[str, Decision]:
    """One decision per submission; repeated rows agree (warning) or contradict (value None, error)."""
    by_sid: dict[str, list[Line]] = {}
    for record in rows.get(sheet.key, []):
        by_sid.setdefault(str(record["submission_id"]), []).append(record)
    column = sheet.column(key)
    decisions: dict[str, Decision] = {}
    for sid, records in by_sid.items():
        answers = {str(r[key]) for r in records}
        line_numbers = tuple(int(r["row"]) for r in records)
        notes = list(dict.fromkeys(str(r["note"]) for r in records if r["note"]))
        file = str(records[0]["file"])
        shown = "、".join(str(n) for n in line_numbers)
        if len(answers) > 1:
            message = (
                f"申报编号「{sid}」在第 {shown} 行的「{column.label}」相互矛盾（既有“{YES}”又有“{NO}”）："
                "本次对该申报暂不作决定，请更正后重新运行"
            )
            issues.append(_row_issue(sheet, file, line_numbers[-1], sid, column, f"{key}.conflict", message))
            value = None
        else:
            if len(records) > 1:
                message = f"申报编号「{sid}」在第 {shown} 行重复填写，结论一致，按一条处理"
                issues.append(
                    _row_issue(
                        sheet,
                        file,
                        line_numbers[-1],
                        sid,
                        column,
                        f"{key}.duplicate",
                        message,
                        Severity.WARNING,
                    )
                )
            value = answers.pop() == YES
        decisions[sid] = Decision(sid, value, "；".join(notes), file, line_numbers)
    return decisions
