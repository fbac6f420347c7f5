"""`clustercert monitor | expiry | changes | revocations | national`: dynamic management (Art. 11–15).

Each command runs its Prefect flow locally, prints a short summary and waits until the Prefect API
has recorded every task run. Exit code 1 when an input file had errors (the run still completes and
writes its outputs), 2 for a usage error or a run that could not start (e.g. a deadline in a year
whose official holidays are not known yet: the message says what to add to the policy file).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from clustercert.cli import UsageError
from clustercert.cli.common import add_as_of, add_db

DEFAULT_OUT = "out/management"


def _out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", default=DEFAULT_OUT, metavar="DIR", help=f"output folder (default: {DEFAULT_OUT})"
    )


def _inbox(parser: argparse.ArgumentParser, help_text: str, *, required: bool = False) -> None:
    parser.add_argument("--inbox", metavar="DIR", required=required, help=help_text)


def _set(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="ID=VALUE",
        help="override a policy parameter, e.g. --set deadlines.holiday_extension=false or "
        "--set 'calendar.extra_holidays=[\"2027-01-01\"]'",
    )


def _overrides(args: argparse.Namespace, policy: str | None = None) -> dict[str, Any] | None:
    """The `--set` overrides, checked against the policy (default hlj-2023) before any flow starts."""
    from clustercert.cli.campaign import parse_overrides
    from clustercert.policy import PolicyError, load_policy
    from clustercert.policy.loader import DEFAULT_POLICY

    policy = policy or DEFAULT_POLICY
    overrides = parse_overrides(args.set) or None
    try:
        load_policy(policy, overrides=overrides)
    except PolicyError as exc:
        raise UsageError(f"--set: {exc}") from None
    return overrides


def _folder(path: str | None, what: str) -> str | None:
    if path is not None and not Path(path).is_dir():
        raise UsageError(f"{what}: no such folder: {path}")
    return path


def register(subparsers: argparse._SubParsersAction) -> None:
    monitor = subparsers.add_parser(
        "monitor", help="年度发展情况监测 (Art. 13): compile the prefectures' monitoring workbooks"
    )
    _inbox(monitor, "folder of the prefectures' monitoring workbooks (年度发展情况)", required=True)
    monitor.add_argument(
        "--year", type=int, metavar="R", help="report year R (default: the year before --as-of)"
    )
    monitor.add_argument("--archive", metavar="DIR", help="raw-file archive (default: <out>/archive)")
    _out(monitor)
    add_as_of(monitor)
    add_db(monitor)
    _set(monitor)
    monitor.set_defaults(handler=run_monitor)

    expiry = subparsers.add_parser("expiry", help="有效期与复核 (Art. 11): notices, reviews, expiries")
    _inbox(expiry, "folder of review applications (复核申报书), optional")
    expiry.add_argument("--archive", metavar="DIR", help="raw-file archive (default: <out>/archive)")
    expiry.add_argument("--engine", choices=("gx", "pandas"), default="gx", help="data-quality engine")
    _out(expiry)
    add_as_of(expiry)
    add_db(expiry)
    _set(expiry)
    expiry.set_defaults(handler=run_expiry)

    changes = subparsers.add_parser("changes", help="重大变动备案 (Art. 12): one-month filing rule")
    _inbox(changes, "folder holding change_filings (.csv/.xlsx)")
    _out(changes)
    add_as_of(changes)
    add_db(changes)
    _set(changes)
    changes.set_defaults(handler=run_changes)

    revocations = subparsers.add_parser(
        "revocations", help="撤销认定 (Art. 15): propose, then confirm or clear"
    )
    _inbox(revocations, "folder holding findings (.csv/.xlsx), optional")
    revocations.add_argument("--decisions", metavar="FILE", help="revocation_decisions file (batch mode)")
    revocations.add_argument(
        "--interactive", action="store_true", help="pause for the operator's decision in the Prefect UI"
    )
    _out(revocations)
    add_as_of(revocations)
    add_db(revocations)
    _set(revocations)
    revocations.set_defaults(handler=run_revocations)

    national = subparsers.add_parser(
        "national", help="推荐申报国家级集群 (Art. 14): national standard, ranked"
    )
    _out(national)
    add_as_of(national)
    add_db(national)
    _set(national)
    national.set_defaults(handler=run_national)


def _api_first() -> None:
    """Without a Prefect API, the throw-away server boots from now on, while the command imports
    Prefect and its flow (`flows.throwaway_server`); `_run`'s `local_api` waits for it and stops it."""
    from flows import throwaway_server

    throwaway_server.begin()


def _run(
    flow: Callable[..., Mapping[str, Any]], lines: Callable[[Mapping[str, Any]], list[str]], **kw: Any
) -> int:
    from prefect.exceptions import FailedRun

    from flows.runtime import local_api, wait_until_recorded

    with local_api():  # on the throw-away server `_api_first` started, if it did
        try:
            result = flow(**kw)
        except FailedRun as stopped:  # the flow found it cannot run (flows.management_artifacts.stop_run)
            wait_until_recorded()
            print(f"未执行 not run: {stopped}", file=sys.stderr)
            return 2
        for line in lines(result):
            print(line)
        print(f"报告 report: {result['report']}")
        wait_until_recorded()
    return 1 if result.get("input_errors") else 0


def _archive(args: argparse.Namespace) -> str:
    return args.archive or str(Path(args.out) / "archive")


def run_monitor(args: argparse.Namespace) -> int:
    _folder(args.inbox, "--inbox")
    overrides = _overrides(args)
    _api_first()  # after the checks of the command line: a refused command starts no server
    from flows.monitoring_report import monitoring_report

    return _run(
        monitoring_report,
        lambda r: [
            f"{r['report_year']}年度集群发展情况 monitoring {r['report_year']} as of {r['as_of']}: "
            f"按时 on time {r['on_time']} · 逾期 late {r['late']} · 未报送 missing {r['missing']} · "
            f"待报 pending {r['pending']}",
            f"新增撤销建议 new revocation proposals (15.3–15.5): {r['revocation_proposals_new']} · "
            f"输入错误 input errors: {r['input_errors']}",
        ],
        inbox=args.inbox,
        out=args.out,
        as_of=args.as_of,
        report_year=args.year,
        db_url=args.db,
        archive=_archive(args),
        overrides=overrides,
    )


def run_expiry(args: argparse.Namespace) -> int:
    _folder(args.inbox, "--inbox")
    status = ("valid", "expiring_90", "expiring_30", "expired_in_window", "expired_no_review", "under_review")
    overrides = _overrides(args)
    _api_first()  # after the checks of the command line: a refused command starts no server
    from flows.expiry_check import expiry_check

    return _run(
        expiry_check,
        lambda r: [
            f"有效期 expiry as of {r['as_of']}: " + " · ".join(f"{s} {r.get(s, 0)}" for s in status),
            f"到期提醒 notices: {r['notices']} · 复核 reviews: {r['reviews']} · "
            f"新增撤销建议 new proposals (15.1): {r['revocation_proposals_new']} · 输入错误 input errors: {r['input_errors']}",
        ],
        out=args.out,
        as_of=args.as_of,
        inbox=args.inbox,
        db_url=args.db,
        archive=_archive(args),
        engine=args.engine,
        overrides=overrides,
    )


def run_changes(args: argparse.Namespace) -> int:
    _folder(args.inbox, "--inbox")
    overrides = _overrides(args)
    _api_first()  # after the checks of the command line: a refused command starts no server
    from flows.change_filings import change_filings

    return _run(
        change_filings,
        lambda r: [
            f"重大变动 major changes as of {r['as_of']}: {r['changes']} · 按时备案 on time {r['on_time']} · "
            f"逾期或未备案 late/unfiled {r['late_or_unfiled']} · 待备案 pending {r['pending']}",
            f"登记更新 registry updates: {r['registry_updates']} · 新增撤销建议 new proposals (15.4): "
            f"{r['revocation_proposals_new']} · 输入错误 input errors: {r['input_errors']}",
        ],
        inbox=args.inbox,
        out=args.out,
        as_of=args.as_of,
        db_url=args.db,
        overrides=overrides,
    )


def run_revocations(args: argparse.Namespace) -> int:
    _folder(args.inbox, "--inbox")
    if args.decisions is not None and not Path(args.decisions).is_file():
        raise UsageError(f"--decisions: no such file: {args.decisions}")
    if args.decisions and args.interactive:
        raise UsageError("--decisions and --interactive exclude each other")
    overrides = _overrides(args)
    _api_first()  # after the checks of the command line: a refused command starts no server
    from flows.revocation_triggers import revocation_triggers

    return _run(
        revocation_triggers,
        lambda r: [
            f"撤销建议 revocation proposals as of {r['as_of']}: {r['proposals']}（{r['certificates']} 个集群 "
            f"clusters, 新增 new {r['new']}）",
            f"撤销 confirmed {r['confirmed']} · 不予撤销 cleared {r['cleared']} · 待决定 pending {r['pending']} · "
            f"输入错误 input errors: {r['input_errors']}",
        ],
        out=args.out,
        as_of=args.as_of,
        inbox=args.inbox,
        decisions=args.decisions,
        interactive=args.interactive,
        db_url=args.db,
        overrides=overrides,
    )


def run_national(args: argparse.Namespace) -> int:
    from clustercert.stages.national import NATIONAL_POLICY

    overrides = _overrides(args, NATIONAL_POLICY)
    _api_first()  # after the checks of the command line: a refused command starts no server
    from flows.national_recommendation import national_recommendation

    return _run(
        national_recommendation,
        lambda r: [
            f"国家级推荐 national recommendation as of {r['as_of']}: 评价 evaluated {r['evaluated']} · "
            f"符合 eligible {r['eligible']}"
        ],
        out=args.out,
        as_of=args.as_of,
        db_url=args.db,
        overrides=overrides,
    )
