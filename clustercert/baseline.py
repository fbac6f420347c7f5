"""The yearly campaign's five stages in a plain loop, in this process: no Prefect, no task runner.

The very functions the flows call (`clustercert.stages` read → decide → record, then the reports'
write step), one after another: the benchmark's bare baseline (`bench/campaign.py`), and the run the
report tests scan. Nothing here is orchestration: a stage's work units are called in a loop.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from clustercert.collector_pace import campaign_pace
from clustercert.registry.models import AuditEntry
from clustercert.reports import stages as write
from clustercert.reports.plausibility import only_warnings
from clustercert.stages import collect, facts, guard, prefecture, score, shortlist, validate
from clustercert.stages.context import CampaignContext, registry
from clustercert.stages.setup import CampaignSetup


def stand_in_run_id(stage: str) -> str:
    """A stable stand-in for a stage's Prefect flow run id (the audit log and cluster pages show it)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"clustercert-baseline/{stage}"))


def _entry(entry: AuditEntry) -> dict[str, Any]:
    keys = (
        "from_status",
        "to_status",
        "field",
        "old_value",
        "new_value",
        "reason",
        "article",
        "flow_run_id",
        "actor",
    )
    return {
        "at": entry.at.isoformat() if entry.at is not None else "",
        **{k: getattr(entry, k) for k in keys},
    }


def run_campaign(
    setup: CampaignSetup, *, lap: Callable[[str], None] | None = None, reports: Path | None = None
) -> Path:
    """Every stage of the campaign on `setup`, writing its reports into `reports` (default: setup.out).

    `lap(name)` is called after each stage ("collect") and each part of one ("collect: record"):
    the benchmark times them. Returns the reports folder.
    """
    with campaign_pace():
        return _run_stages(setup, lap or (lambda _stage: None), reports)


def _run_stages(setup: CampaignSetup, lap: Callable[[str], None], reports: Path | None) -> Path:
    ctx = CampaignContext.open(setup, reports)
    db = registry(setup.db_url)

    lap("collect: open")
    received = [collect.receive(p, ctx) for p in collect.inbox_entries(ctx)]
    lap("collect: archive and read")
    collected = collect.decide(received, collect.read_known(db, setup.year))
    guard.check_collect(db, ctx, collected.current)
    collect.record(db, ctx, collected, stand_in_run_id("collect-submissions"))
    lap("collect: record")
    lap("collect")

    recorded = validate.read(db, setup.year)
    # as the flow finds the collect stage's persisted results, the baseline keeps them in memory
    as_read = {sub.sha256: sub for sub in received}
    subs = [as_read.get(r.sha256) or validate.load(r, ctx) for r in recorded]
    lap("validate: read back")
    structured = validate.structures(subs)
    lap("validate: structure")
    quality = validate.quality(structured, ctx)
    lap("validate: quality")
    results = validate.decide(subs, structured, quality)
    validate.record(db, results, stand_in_run_id("validate-submissions"))
    lap("validate: record")
    write.write_validation(ctx, subs, results, quality)
    warnings = only_warnings(i for r in results for i in r.warnings)
    lap("validate: feedback pages")
    lap("validate")

    ids = score.read(db, setup.year)
    size = max(1, setup.evaluations_per_task or len(ids) or 1)
    evaluations = [e for i in range(0, len(ids), size) for e in score.evaluate_batch(ids[i : i + size], ctx)]
    lap("score: evaluate")
    score.record(db, ctx, evaluations, stand_in_run_id("score-clusters"))
    lap("score: record")
    with db.transaction() as tx:
        rows = facts.decision_rows(tx, setup.year, ctx.policy_name)
    write.write_scores(ctx, rows, evaluations, warnings)
    lap("score: pages")
    lap("score")

    inputs = prefecture.read(db, ctx)
    recommendations = [prefecture.decide(code, inputs.eligible, inputs.decisions) for code in inputs.codes]
    prefecture.record(db, recommendations, stand_in_run_id("prefecture-recommendation"))
    for rec in recommendations:
        write.write_prefecture(ctx, rec, warnings)
    lap("prefecture")

    listed = shortlist.read(db, ctx)
    outcome = shortlist.decide(listed.recommended, listed.decisions, ctx)
    names = dict(zip(listed.rows["submission_id"], listed.rows["cluster_name"], strict=True))
    guard.check_unchanged(listed.issued, outcome.certification, names)
    shortlist.record(db, ctx, outcome, stand_in_run_id("provincial-shortlist"))
    write.write_shortlist(ctx, outcome)
    lap("province: shortlist")
    with db.transaction() as tx:
        rows = facts.decision_rows(tx, setup.year, ctx.policy_name)
        history = {
            sid: [_entry(e) for e in entries]
            for sid, entries in tx.history(list(rows["submission_id"])).items()
        }
    write.write_overview(ctx, rows, history, warnings)
    lap("province: overview")
    lap("province")
    return ctx.reports


def timed(setup: CampaignSetup) -> dict[str, float]:
    """`run_campaign` with the wall time of each stage ("collect") and part ("collect: record")."""
    stages: dict[str, float] = {}
    stage_clock = part_clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal stage_clock, part_clock
        now = time.perf_counter()
        if ": " in name:
            stages[name] = now - part_clock
        else:
            stages[name] = now - stage_clock
            stage_clock = now
        part_clock = now

    run_campaign(setup, lap=lap)
    return stages
