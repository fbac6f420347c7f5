"""What can be known before a campaign's first stage, checked before any work starts.

A misuse (an override of an unknown parameter, a campaign year before the regulation took effect, a
registry that cannot be reached, a year whose official holiday schedule nobody gave us, an inbox
that cannot be read, an output folder that cannot be written) would otherwise surface minutes into
the run as a traceback. `check_campaign` finds each of them up front and raises `Refused` with one
Chinese/English line and the exit code the command line should use (2: the command line itself is
wrong; 1: the command line is fine but the environment or the data cannot support the run).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from clustercert.campaign import CampaignRules
from clustercert.policy import Policy, PolicyError, load_policy
from clustercert.workdays import CalendarNotCovered

USAGE, UNAVAILABLE = 2, 1


class Refused(Exception):
    """The run cannot start: `message` says why and what to do; `exit_code` is 2 (usage) or 1."""

    def __init__(self, message: str, exit_code: int = USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


@dataclass(frozen=True)
class Checked:
    """What the checks loaded on the way, so the run does not load it twice."""

    policy: Policy
    rules: CampaignRules


def load_campaign_policy(name: str, as_of: date, overrides: dict[str, Any] | None) -> Policy:
    """The policy in force on `as_of` with the campaign's overrides; a bad override is a usage error."""
    try:
        return load_policy(name, on=as_of, overrides=overrides or None)
    except PolicyError as exc:
        raise Refused(f"政策参数有误 / policy: {exc}", USAGE) from None


def check_year(year: int, as_of: date, policy: Policy) -> None:
    """A campaign year runs from the regulation's effective year to the year of the as-of date."""
    start = policy.effective_from
    if year < start.year:
        raise Refused(
            f"申报年度 {year} 早于《{policy.title}》施行（{start.isoformat()}）/ campaign year {year} is "
            f"before the regulation took effect on {start.isoformat()}",
            USAGE,
        )
    if as_of < start:
        raise Refused(
            f"评审基准日 {as_of.isoformat()} 早于办法施行日 {start.isoformat()} / --as-of {as_of.isoformat()} "
            f"is before the regulation took effect",
            USAGE,
        )
    if year > as_of.year:
        raise Refused(
            f"申报年度 {year} 晚于评审基准日 {as_of.isoformat()} 所在年度 / campaign year {year} is after "
            f"the as-of date {as_of.isoformat()}",
            USAGE,
        )


def check_calendar(rules: CampaignRules, as_of: date) -> None:
    """Every date the decision stages will compute (the notice period, the certification day)."""
    try:
        _first, last = rules.calendar.notice_period(as_of, rules.notice_working_days)
        rules.calendar.next_workday(last)
    except CalendarNotCovered as exc:
        raise Refused(str(exc), UNAVAILABLE) from None


def check_readable_folder(path: Path, option: str, label: str) -> None:
    if not path.is_dir():
        raise Refused(f"{label}不存在 / {option}: no such folder: {path}", USAGE)
    try:
        next(iter(os.scandir(path)), None)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise Refused(f"{label}无法读取 / {option}: cannot read {path} ({reason})", UNAVAILABLE) from None


def check_writable_folder(path: Path, option: str = "--out", label: str = "输出目录") -> None:
    """The folder exists or can be made, and a file can be written in it (then removed)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-check-"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise Refused(f"{label}无法写入 / {option}: cannot write to {path} ({reason})", USAGE) from None


def check_campaign(
    *,
    year: int,
    as_of: date,
    inbox: Path | None,
    out: Path,
    decisions: Path | None,
    policy_name: str,
    overrides: dict[str, Any] | None,
) -> Checked:
    """Everything a campaign can be refused for before it starts, in the order a user fixes it."""
    policy = load_campaign_policy(policy_name, as_of, overrides)
    check_year(year, as_of, policy)
    if inbox is not None:
        check_readable_folder(inbox, "--inbox", "收件目录")
    if decisions is not None:
        check_readable_folder(decisions, "--decisions", "决定目录")
    check_writable_folder(out)
    rules = CampaignRules.from_policy(policy)
    check_calendar(rules, as_of)
    return Checked(policy, rules)
