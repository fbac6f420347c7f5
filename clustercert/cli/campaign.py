"""`clustercert campaign` and `clustercert demo`: the yearly campaign as a Prefect flow run."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from clustercert.cli.common import add_as_of, add_db, existing_dir, iso_date


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "campaign", help="run the yearly campaign (yearly-campaign flow) on an inbox of submissions"
    )
    p.add_argument("--year", type=int, required=True, help="campaign year Y")
    p.add_argument("--inbox", type=existing_dir, required=True, help="folder of county submissions")
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
        "--engine", choices=("gx", "pandas"), default="gx", help="expectations engine (default gx)"
    )
    p.add_argument(
        "--files-per-task",
        type=int,
        default=1,
        metavar="N",
        help="submissions per Prefect task (default 1; raise it for thousands of files)",
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
        if not sep or not key:
            raise UsageError(f"--set expects ID=VALUE, got {item!r}")
        try:
            overrides[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            overrides[key.strip()] = raw
    return overrides


def run_campaign(**params: Any) -> dict[str, Any]:
    """Run the flow, then wait until the Prefect API has recorded every task run."""
    from flows.yearly_campaign import run_locally

    return run_locally(**params)


def print_summary(summary: dict[str, Any]) -> None:
    print(
        "申报 submitted {submitted} · 校验通过 valid {valid} · 符合条件 eligible {eligible} · "
        "推荐 recommended {recommended} · 公示 shortlisted {shortlisted} · 认定 certified {certified}".format(
            **summary
        )
    )
    print(f"报告 reports: {Path(summary['index']).resolve()}")


def campaign(args: argparse.Namespace) -> int:
    from clustercert.cli.common import today_shanghai

    summary = run_campaign(
        year=args.year,
        inbox=str(args.inbox),
        out=str(args.out),
        as_of=args.as_of or today_shanghai(),
        decisions=str(args.decisions) if args.decisions else None,
        db_url=args.db,
        overrides=parse_overrides(args.set),
        engine=args.engine,
        interactive=args.interactive,
        files_per_task=args.files_per_task,
    )
    print_summary(summary)
    return 0


def demo(args: argparse.Namespace) -> int:
    import shutil
    from datetime import date

    from clustercert.samples import generate_campaign, generate_decisions

    root: Path = args.out
    inbox, decisions, out = root / "inbox", root / "decisions", root / "out"
    for folder in (inbox, decisions, out):
        shutil.rmtree(folder, ignore_errors=True)
    samples = generate_campaign(inbox, year=args.year, count=args.count)
    generate_decisions(decisions, samples)
    db_url = args.db or f"sqlite:///{(root / 'registry.db').resolve()}"
    print(f"样例申报 sample submissions: {len(samples)} in {inbox}")
    summary = run_campaign(
        year=args.year,
        inbox=str(inbox),
        out=str(out),
        as_of=args.as_of or date(args.year, 7, 24),
        decisions=str(decisions),
        db_url=db_url,
    )
    print_summary(summary)
    return 0
