"""`clustercert compare`: a finished campaign's submissions under two policies (what if the rules differed).

Runs the domain code in-process (no Prefect server: nothing is recorded or written to the registry);
the `policy-comparison` flow does the same from the Prefect UI.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from clustercert.cli.common import add_db


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="政策比较（假设分析）: a campaign's valid submissions under two policies, compared (nothing recorded)",
    )
    p.add_argument("--year", type=int, required=True, help="campaign year Y (a campaign in the registry)")
    p.add_argument("--out", type=Path, required=True, help="output folder for compare.html and compare.csv")
    p.add_argument(
        "--policy",
        metavar="NAME",
        help="policy before: a policy (hlj-2023), a family (hlj: the version in force on the campaign's "
        "as-of date) or a policy file; default: the campaign's, with its recorded overrides",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="ID=VALUE",
        help="override a parameter of the policy before",
    )
    p.add_argument(
        "--against", metavar="NAME", help="policy after (e.g. national-2022, docs/policies/hlj-2027.yaml)"
    )
    p.add_argument(
        "--against-set",
        action="append",
        default=[],
        metavar="ID=VALUE",
        help="override a parameter of the policy after (without --against: the policy before, changed)",
    )
    p.add_argument(
        "--policy-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="a further folder of policy files (also $CLUSTERCERT_POLICY_PATH)",
    )
    add_db(p)
    p.set_defaults(handler=compare)


def overrides(items: list[str], option: str) -> dict[str, Any]:
    """ID=VALUE pairs (VALUE as JSON when it parses, else text); a malformed one is refused in one line."""
    from clustercert.cli import CommandRefused

    found: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise CommandRefused(f"{option} 应写作 ID=VALUE / {option} expects ID=VALUE, got {item!r}", 2)
        try:
            found[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            found[key.strip()] = raw
    return found


def compare(args: argparse.Namespace) -> int:
    from clustercert.campaign.preflight import Refused, check_writable_folder
    from clustercert.cli import CommandRefused
    from clustercert.reports.compare import render_comparison, write_front_page
    from clustercert.whatif import COMPARE_COLUMNS, Question, check_question, compare, open_read_only, prepare

    question = Question(
        year=args.year,
        policy=args.policy,
        overrides=overrides(args.set, "--set"),
        against=args.against,
        against_overrides=overrides(args.against_set, "--against-set"),
        search=tuple(args.policy_dir),
    )
    try:
        check_question(question)
        check_writable_folder(args.out)
        with open_read_only(args.db) as registry:
            campaign, before, after = prepare(registry, question)
    except Refused as exc:
        raise CommandRefused(exc.message, exc.exit_code) from None
    comparison = compare(
        campaign.clusters,
        before,
        after,
        campaign.as_of,
        year=campaign.year,
        certificates=campaign.certificates,
    )
    page, csv_path = render_comparison(args.out, comparison.page(), comparison.csv_rows(), COMPARE_COLUMNS)
    write_front_page(args.out)
    counts = comparison.counts()
    print(
        "比较 compared {compared} · 基准符合 eligible before {eligible_before} · 比较符合 eligible after "
        "{eligible_after} · 不再符合 dropped {dropped} · 新增符合 added {added}".format(**counts)
    )
    for cluster in comparison.dropped + comparison.added:
        word = "不再符合 dropped" if cluster.before.eligible else "新增符合 added"
        flipped = ";".join(f.criterion_id for f in cluster.flips)
        print(f"  {word}: {cluster.submission_id} {cluster.cluster_name} ({flipped})")
    print(f"报告 report: {page.resolve()}")
    print(f"明细 extract: {csv_path.resolve()}")
    return 0
