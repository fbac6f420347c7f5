"""A whole sample campaign in one process, stage by stage, with every report written: the folder the
report tests scan and `make screenshots` photographs.

It runs each stage of `clustercert.stages` as its flow would (read → decide → record → write) in a
plain loop against a throw-away SQLite registry — no Prefect, no Great Expectations (the pandas
evaluator of the same expectation specs) — on `clustercert.samples` data: one workbook per cluster
with the campaign's mistakes and edge cases, and the human decisions (spot checks, prefecture
decisions, objections) that send some clusters off the path at each step.

    python -m clustercert.reports.sample_run OUT_DIR [--count 24]
"""

from __future__ import annotations

import argparse
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from clustercert.reports import stages as write
from clustercert.reports.plausibility import only_warnings
from clustercert.samples import generate_campaign, generate_decisions
from clustercert.stages import collect, facts, prefecture, score, shortlist, validate
from clustercert.stages.context import CampaignContext, registry
from clustercert.stages.setup import CampaignSetup

YEAR = 2026
AS_OF = date(2026, 7, 24)  # a Monday: the notice runs on working days from here


def _run_id(stage: str) -> str:
    """A stable stand-in for the Prefect flow run id of each stage (the cluster pages show it)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"clustercert-sample/{stage}"))


def _entry(entry: Any) -> dict[str, Any]:
    keys = ("at", "from_status", "to_status", "field", "old_value", "new_value", "reason", "article")
    found = {k: getattr(entry, k) for k in keys}
    found["at"] = entry.at.isoformat() if entry.at is not None else ""
    return found | {"flow_run_id": entry.flow_run_id, "actor": entry.actor}


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
    ctx = CampaignContext.open(setup)
    db = registry(setup.db_url)

    received = collect.decide([collect.receive(p, ctx) for p in collect.inbox_entries(ctx)])
    collect.record(db, ctx, received, _run_id("collect-submissions"))

    recorded = validate.read(db, YEAR)
    subs = [validate.load(r, ctx) for r in recorded]
    structured = [validate.structure(s) for s in subs]
    quality = validate.quality(structured, ctx)
    results = validate.decide(subs, structured, quality)
    validate.record(db, results, _run_id("validate-submissions"))
    write.write_validation(ctx, subs, results, quality)
    warnings = only_warnings(i for r in results for i in r.warnings)

    evaluations = score.evaluate_batch(score.read(db, YEAR), ctx)
    score.record(db, ctx, evaluations, _run_id("score-clusters"))
    with db.transaction() as tx:
        rows = facts.decision_rows(tx, YEAR, setup.policy)
    write.write_scores(ctx, rows, evaluations, warnings)

    inputs = prefecture.read(db, ctx)
    recommendations = [prefecture.decide(code, inputs.eligible, inputs.decisions) for code in inputs.codes]
    prefecture.record(db, recommendations, _run_id("prefecture-recommendation"))
    for rec in recommendations:
        write.write_prefecture(ctx, rec, warnings)

    listed = shortlist.read(db, ctx)
    outcome = shortlist.decide(listed.recommended, listed.decisions, ctx)
    shortlist.record(db, ctx, outcome, _run_id("provincial-shortlist"))
    write.write_shortlist(ctx, outcome)

    with db.transaction() as tx:
        rows = facts.decision_rows(tx, YEAR, setup.policy)
        history = {
            sid: [_entry(e) for e in entries]
            for sid, entries in tx.history(list(rows["submission_id"])).items()
        }
    write.write_overview(ctx, rows, history, warnings)
    return reports


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
