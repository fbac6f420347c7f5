"""`clustercert campaign` and `clustercert demo`: the yearly campaign as a Prefect flow run."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clustercert.cli.common import add_as_of, add_db, existing_dir, iso_date, positive_float, positive_int
from clustercert.stages import CAMPAIGN_STAGE_NAMES
from clustercert.stages.setup import DEFAULT_POLICY

if TYPE_CHECKING:
    from clustercert.registry import Registry


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "campaign", help="run the yearly campaign (yearly-campaign flow) on an inbox of submissions"
    )
    p.add_argument("--year", type=int, required=True, help="campaign year Y")
    p.add_argument(
        "--inbox", type=existing_dir, help="folder of county submissions (not needed with --stage)"
    )
    p.add_argument("--out", type=Path, required=True, help="output folder (reports, CSV, archive)")
    add_as_of(p, "evaluation and public-notice date (default: today, Asia/Shanghai)")
    p.add_argument(
        "--decisions", type=existing_dir, help="folder with spot_checks / prefecture_decisions / objections"
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="ID=VALUE",
        help="override a policy parameter (recorded in the outputs)",
    )
    p.add_argument(
        "--policy",
        default=DEFAULT_POLICY,
        metavar="NAME",
        help="the rules: a family (default hlj: the version in force on --as-of), a version (hlj-2023) "
        "or a policy file",
    )
    p.add_argument(
        "--engine", choices=("gx", "pandas"), default="gx", help="expectations engine (default gx)"
    )
    p.add_argument(
        "--files-per-task",
        type=positive_int,
        default=None,
        metavar="N",
        help="submissions per Prefect task (default: a few batches per worker)",
    )
    p.add_argument(
        "--interactive",
        action="store_true",
        help="pause at the prefecture step for the operator's answers in the Prefect UI "
        "(needs a Prefect server: set PREFECT_API_URL, see docs/operations.md)",
    )
    p.add_argument(
        "--stage",
        metavar="NAME",
        choices=CAMPAIGN_STAGE_NAMES,
        help="run one stage alone on the registry ("
        + ", ".join(CAMPAIGN_STAGE_NAMES)
        + "); the others' outputs stay as they are",
    )
    p.add_argument(
        "--task-runner",
        choices=("thread", "process", "dask"),
        default=None,
        help="where the tasks run: a thread pool (default), a process pool, or Dask",
    )
    p.add_argument(
        "--dask-address",
        metavar="tcp://HOST:PORT",
        help="with --task-runner dask: a running Dask scheduler (default: a LocalCluster)",
    )
    p.add_argument(
        "--workers", type=positive_int, metavar="N", help="processes / Dask workers (default: CPUs)"
    )
    p.add_argument(
        "--approval-timeout-hours",
        type=positive_float,
        default=72.0,
        metavar="H",
        help="interactive mode: how long a paused step waits for the operator (default 72)",
    )
    add_db(p)
    p.set_defaults(handler=campaign)

    p = sub.add_parser(
        "demo", help="generate sample submissions for Heilongjiang counties and run the whole cycle"
    )
    p.add_argument("--out", type=Path, default=Path("var/demo"), help="demo folder (default var/demo)")
    p.add_argument("--year", type=int, default=2026)
    p.add_argument("--as-of", type=iso_date, default=None, help="default: 24 July of the campaign year")
    p.add_argument("--count", type=int, default=24, help="number of sample submissions")
    add_db(p)
    p.set_defaults(handler=demo)


def parse_overrides(items: list[str]) -> dict[str, Any]:
    from clustercert.cli import UsageError

    overrides: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set expects ID=VALUE, got {item!r}")
        try:
            overrides[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            overrides[key.strip()] = raw
    return overrides


def preflight(
    *,
    year: int,
    as_of: date,
    inbox: Path | None,
    out: Path,
    decisions: Path | None,
    overrides: dict[str, Any],
    db_url: str | None,
    stage: str | None = None,
    policy: str = DEFAULT_POLICY,
) -> None:
    """Refuse the run before any work: bad overrides, years, folders, calendar, registry, and a
    stage run alone on a campaign whose submissions were never collected."""
    from clustercert.campaign.preflight import Refused, check_campaign
    from clustercert.cli import CommandRefused
    from clustercert.publishing import ForeignFolder, OutputFolder
    from clustercert.registry import Registry, RegistryUnavailable

    try:
        check_campaign(
            year=year,
            as_of=as_of,
            inbox=inbox,
            out=out,
            decisions=decisions,
            policy_name=policy,
            overrides=overrides,
        )
        OutputFolder(out).check_ours()
        registry = Registry.open(db_url)  # reachable, and migrated once here rather than mid-run
        try:
            if stage not in (None, "collect-submissions") and registry.campaign(year) is None:
                raise CommandRefused(
                    f"登记库中没有{year}年度的认定工作，请先运行完整的 campaign 或 --stage collect-submissions / "
                    f"no {year} campaign in the registry {registry.url}: run the campaign (or its collect stage) first",
                    1,
                )
            if stage not in (None, "collect-submissions"):
                _check_certificates_stay(registry, year, as_of, out, decisions, policy, overrides, db_url)
        finally:
            registry.close()
    except ForeignFolder as exc:
        raise CommandRefused(str(exc), 2) from None
    except Refused as exc:
        raise CommandRefused(exc.message, exc.exit_code) from None
    except RegistryUnavailable as exc:
        raise CommandRefused(str(exc), 2 if exc.usage else 1) from None


def _check_certificates_stay(
    registry: Registry,
    year: int,
    as_of: date,
    out: Path,
    decisions: Path | None,
    policy: str,
    overrides: dict[str, Any],
    db_url: str | None,
) -> None:
    """A stage run alone on a certified campaign with other inputs (as-of date, policy, decision
    files) that would change a certificate is refused here, before the stage starts, as the whole
    campaign's collect stage refuses it (the stage would refuse it at its end)."""
    from clustercert.stages import guard
    from clustercert.stages.context import CampaignContext
    from clustercert.stages.setup import CampaignSetup

    setup = CampaignSetup(
        year=year,
        out=str(out),
        as_of=as_of,
        decisions=str(decisions) if decisions else None,
        db_url=db_url,
        policy=policy,
        overrides=overrides,
    )
    guard.check_collect(registry, CampaignContext.open(setup), [])


def run_campaign(**params: Any) -> dict[str, Any]:
    """Run the flow, then wait until the Prefect API has recorded every task run."""
    from clustercert.cli import CommandRefused
    from expectations import gx_helper

    if gx_helper.wanted(params.get("engine", "gx")):
        # Great Expectations' helper process loads on the other core from now on, before Prefect is
        # imported here, while a server starts and the county files are read (`expectations.gx_helper`)
        gx_helper.start()
    try:
        from flows import throwaway_server

        # without a Prefect API, the throw-away server boots from now on, while Prefect is imported
        with throwaway_server.booting():
            from flows.runtime import local_api
            from flows.yearly_campaign import CampaignRefused, run_locally

            try:
                with local_api():
                    return run_locally(**params)
            except CampaignRefused as exc:
                raise CommandRefused(str(exc), 1) from None
    finally:
        gx_helper.stop()


def run_stage(name: str, **params: Any) -> dict[str, Any]:
    """One stage alone (its own flow run), then the same wait for a complete Prefect record."""
    from clustercert.cli import CommandRefused
    from flows import throwaway_server

    with throwaway_server.booting():  # boots while Prefect and the stage's flow are imported
        from flows.campaign_stages import STAGE_FLOWS
        from flows.runtime import local_api, wait_until_recorded

        with local_api():
            state = STAGE_FLOWS[name](**params, return_state=True)
            wait_until_recorded()
    if not state.is_completed():
        raise CommandRefused(state.message or f"{name} did not complete", 1)
    return state.result()


def use_task_runner(args: argparse.Namespace) -> None:
    """The flows pick their task runner from the environment (deployments' workers do the same)."""
    import os

    if args.task_runner:
        os.environ["CLUSTERCERT_TASK_RUNNER"] = args.task_runner
    if args.dask_address:
        os.environ["CLUSTERCERT_DASK_ADDRESS"] = args.dask_address
    if args.workers:
        os.environ["CLUSTERCERT_WORKERS"] = str(args.workers)


def print_summary(summary: dict[str, Any]) -> None:
    print(
        "申报 submitted {submitted} · 校验通过 valid {valid} · 符合条件 eligible {eligible} · "
        "推荐 recommended {recommended} · 公示 shortlisted {shortlisted} · 认定 certified {certified}".format(
            **summary
        )
    )
    print(f"报告 reports: {Path(summary['index']).resolve()}")


def campaign(args: argparse.Namespace) -> int:
    import os

    from clustercert.cli import CommandRefused, UsageError
    from clustercert.cli.common import today_shanghai

    as_of = args.as_of or today_shanghai()
    overrides = parse_overrides(args.set)
    if args.interactive and not os.environ.get("PREFECT_API_URL"):
        raise CommandRefused(
            "--interactive 需要可访问界面的 Prefect 服务器 / --interactive needs a Prefect server with its UI: "
            "start one (prefect server start) and set PREFECT_API_URL; see docs/operations.md",
            2,
        )
    if args.inbox is None and args.stage in (None, "collect-submissions"):
        raise UsageError("--inbox is required (except with --stage of a later stage)")
    if args.dask_address and args.task_runner != "dask":
        raise UsageError("--dask-address needs --task-runner dask")
    preflight(
        year=args.year,
        as_of=as_of,
        inbox=args.inbox,
        out=args.out,
        decisions=args.decisions,
        overrides=overrides,
        db_url=args.db,
        stage=args.stage,
        policy=args.policy,
    )
    use_task_runner(args)
    params: dict[str, Any] = {
        "year": args.year,
        "inbox": str(args.inbox) if args.inbox else None,
        "out": str(args.out),
        "as_of": as_of,
        "decisions": str(args.decisions) if args.decisions else None,
        "db_url": args.db,
        "policy": args.policy,
        "overrides": overrides,
        "engine": args.engine,
        "files_per_task": args.files_per_task,
    }
    if args.stage:
        if args.stage == "prefecture-recommendation":
            params |= {"interactive": args.interactive, "approval_timeout_hours": args.approval_timeout_hours}
        result = run_stage(args.stage, **params)
        print(f"{args.stage}: " + " · ".join(f"{k} {v}" for k, v in result.items() if k != "stage"))
        print(f"报告 reports: {(args.out / 'index.html').resolve()}")
        return 0
    summary = run_campaign(
        **params, interactive=args.interactive, approval_timeout_hours=args.approval_timeout_hours
    )
    print_summary(summary)
    return 0


def demo(args: argparse.Namespace) -> int:
    import shutil

    from clustercert.samples import generate_campaign, generate_decisions

    root: Path = args.out
    inbox, decisions, out = root / "inbox", root / "decisions", root / "out"
    as_of = args.as_of or date(args.year, 7, 24)
    db_url = args.db or f"sqlite:///{(root / 'registry.db').resolve()}"
    for folder in (inbox, decisions):
        shutil.rmtree(folder, ignore_errors=True)
    preflight(
        year=args.year,
        as_of=as_of,
        inbox=None,  # generated below
        out=out,
        decisions=None,
        overrides={},
        db_url=db_url,
    )
    samples = generate_campaign(inbox, year=args.year, count=args.count)
    generate_decisions(decisions, samples)
    print(f"样例申报 sample submissions: {len(samples)} in {inbox}")
    summary = run_campaign(
        year=args.year,
        inbox=str(inbox),
        out=str(out),
        as_of=as_of,
        decisions=str(decisions),
        db_url=db_url,
    )
    print_summary(summary)
    return 0
