"""collect-submissions (第八条): receive every file in the inbox, archive it under its SHA-256, read it.

* read: the inbox's entries; from the registry, what this campaign already received.
* work unit: `receive(path, ctx)` — archive the raw bytes, then read them (never raises for bad input).
* decide: one current submission per cluster — a corrected resubmission (a later file for the same
  county and cluster name) supersedes the earlier one, in this run and in the registry; the same
  bytes twice count once.
* record: the campaign and each received file, in one transaction.

A campaign whose certificates are issued is closed: a re-run may repeat it (same files, same
parameters, same decisions) but not change a certificate. `clustercert.stages.guard` decides that
before anything is recorded.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from clustercert.intake import discover_submissions, read_submission
from clustercert.registry import Registry, cluster_key
from clustercert.stages.context import CampaignContext
from clustercert.submission import Submission


@dataclass
class Collected:
    current: list[Submission]  # one per cluster (the newest), by submission id
    superseded: list[tuple[Submission, str]] = field(default_factory=list)  # (older file, newer id)
    duplicates: list[Submission] = field(default_factory=list)  # the same bytes under another name

    def counts(self) -> dict[str, int]:
        return {
            "received": len(self.current) + len(self.superseded) + len(self.duplicates),
            "current": len(self.current),
            "superseded": len(self.superseded),
            "duplicates": len(self.duplicates),
        }


def inbox_entries(ctx: CampaignContext) -> list[Path]:
    """Every file or CSV folder in the inbox, sorted by name (what a county sent counts)."""
    return discover_submissions(Path(ctx.setup.inbox)) if ctx.setup.inbox else []


def receive(path: Path, ctx: CampaignContext) -> Submission:
    """Archive the raw file(s) under their hash, then read them; never raises for bad input."""
    return read_submission(Path(path), archive=ctx.archive, campaign_year=ctx.year)


def _received_at(sub: Submission) -> str:
    return min((s.received_at for s in sub.sources), default="")


def _cluster(sub: Submission) -> str | None:
    return cluster_key(sub.profile_value("county_code"), sub.profile_value("cluster_name"))


def decide(subs: Sequence[Submission]) -> Collected:
    """The newest file per cluster counts (first received, then file name); exact duplicates once."""
    by_id: dict[str, Submission] = {}
    duplicates = []
    for sub in subs:
        if sub.submission_id in by_id:
            duplicates.append(sub)
        else:
            by_id[sub.submission_id] = sub
    newest: dict[str, Submission] = {}
    superseded: list[tuple[Submission, str]] = []
    alone: list[Submission] = []
    for sub in sorted(by_id.values(), key=lambda s: (_received_at(s), s.file, s.submission_id)):
        key = _cluster(sub)
        if key is None:
            alone.append(sub)  # no usable county + name: validation will say why
            continue
        if key in newest:
            older = newest[key]
            superseded.append((older, sub.submission_id))
        newest[key] = sub
    current = sorted([*newest.values(), *alone], key=lambda s: s.submission_id)
    return Collected(current, superseded, duplicates)


def campaign_parameters(ctx: CampaignContext) -> dict[str, object]:
    return json.loads(json.dumps(dict(ctx.policy.overrides), default=str))


def record(registry: Registry, ctx: CampaignContext, collected: Collected, flow_run_id: str | None) -> None:
    """The campaign row and every file received (older ones first, so the newest supersedes)."""
    setup = ctx.setup
    ordered = sorted(
        [older for older, _ in collected.superseded] + collected.current,
        key=lambda s: (_received_at(s), s.file, s.submission_id),
    )
    with registry.transaction(flow_run_id=flow_run_id) as tx:
        tx.upsert_campaign(
            setup.year,
            setup.as_of,
            setup.policy,
            overrides=campaign_parameters(ctx),
            flow_run_id=flow_run_id,
        )
        for sub in ordered:
            tx.record_intake(sub, setup.year)
