"""A whole sample campaign in one process, stage by stage, with every report written: the folder the
report tests scan and `make screenshots` photographs.

It runs each stage of `clustercert.stages` as its flow would (read → decide → record → write) in a
plain loop (`clustercert.baseline`) against a throw-away SQLite registry — no Prefect, no Great
Expectations (the pandas evaluator of the same expectation specs) — on `clustercert.samples` data: one workbook per cluster
with the campaign's mistakes and edge cases, and the human decisions (spot checks, prefecture
decisions, objections) that send some clusters off the path at each step.

    python -m clustercert.samples.campaign_run OUT_DIR [--count 24]
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from clustercert.baseline import run_campaign
from clustercert.samples.management import generate_decisions
from clustercert.samples.submissions import generate_campaign
from clustercert.stages.setup import CampaignSetup

YEAR = 2026
AS_OF = date(2026, 7, 24)  # a Monday: the notice runs on working days from here


def run_sample_campaign(out: Path, *, count: int = 24, seed: int = 2026) -> Path:
    """Generate `count` sample submissions and their decisions under `out`, run every stage, and
    write every report into `out/reports`; returns that folder."""
    out = Path(out)
    inbox, decisions, reports = out / "inbox", out / "decisions", out / "reports"
    samples = generate_campaign(inbox, year=YEAR, seed=seed, count=count)
    generate_decisions(decisions, samples, seed=seed)
    setup = CampaignSetup(
        year=YEAR,
        out=str(reports),
        as_of=AS_OF,
        inbox=str(inbox),
        decisions=str(decisions),
        db_url=f"sqlite:///{(out / 'registry.db').resolve()}",
        engine="pandas",
    )
    return run_campaign(setup)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=24)
    args = parser.parse_args(argv)
    print(run_sample_campaign(args.out, count=args.count))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["run_sample_campaign"]
