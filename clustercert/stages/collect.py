"""collect-submissions (第八条): receive every file in the inbox, archive it under its SHA-256, read it.

* read: the inbox's entries; from the registry, what this campaign already received.
* work unit: `receive(path, ctx)` — archive the raw bytes, then read them (never raises for bad input).
* decide: one current submission per cluster — a corrected resubmission (a file that arrives later,
  or in the same delivery with a later 申报日期, for the same county and cluster name) supersedes the
  earlier one, in this run and in the registry; the same bytes twice count once.
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
    current: list[Submission]  # this run's files that count: one per cluster, by submission id
    superseded: list[tuple[str, str]] = field(default_factory=list)  # (older id, newer id) to record
    older: list[Submission] = field(default_factory=list)  # this run's files that a newer one replaces
    duplicates: list[Submission] = field(default_factory=list)  # the same bytes under another name

    def counts(self) -> dict[str, int]:
        return {
            "received": len(self.current) + len(self.older) + len(self.duplicates),
            "current": len(self.current),
            "superseded": len(self.superseded),
            "duplicates": len(self.duplicates),
        }


@dataclass(frozen=True)
class Known:
    """What the registry already holds for this campaign (the read step's part of it)."""

    ids: frozenset[str] = frozenset()  # every submission received so far
    current: dict[str, str] = field(default_factory=dict)  # cluster key → its current submission id

    @property
    def current_ids(self) -> frozenset[str]:
        return frozenset(self.current.values())


def read_known(registry: Registry, year: int) -> Known:
    with registry.transaction() as tx:
        rows = tx.submissions(year, payload=False)
        current = {r.cluster_key: r.submission_id for r in rows if r.cluster_key and r.status != "superseded"}
        return Known(frozenset(r.submission_id for r in rows), current)


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


def _newness(sub: Submission, known: Known) -> tuple[bool, bool, str, str, str]:
    """Which of two files of one cluster is the newer: one that arrives in this run over one the
    registry already holds; the registry's current one over its superseded ones (a repeated run
    changes nothing); then the later 申报日期 the county wrote on it; then receipt, then file name."""
    new = sub.submission_id not in known.ids
    current = sub.submission_id in known.current_ids
    return (new, current, sub.profile_value("declared_on") or "", _received_at(sub), sub.file)


def decide(subs: Sequence[Submission], known: Known | None = None) -> Collected:
    """One current submission per cluster (SPEC §6: a corrected resubmission supersedes the old one);
    exact duplicates (the same bytes under two names) count once."""
    known = known or Known()
    by_id: dict[str, Submission] = {}
    duplicates = []
    for sub in subs:
        if sub.submission_id in by_id:
            duplicates.append(sub)
        else:
            by_id[sub.submission_id] = sub
    groups: dict[str, list[Submission]] = {}
    alone: list[Submission] = []
    for sub in by_id.values():
        key = _cluster(sub)
        if key is None:
            alone.append(sub)  # no usable county + name: validation will say why
        else:
            groups.setdefault(key, []).append(sub)
    current, older, superseded = list(alone), [], []
    for key, group in groups.items():
        ordered = sorted(group, key=lambda s: _newness(s, known))
        newest = ordered[-1]
        current.append(newest)
        older += ordered[:-1]
        replaced = [s.submission_id for s in ordered[:-1]]
        previous = known.current.get(key)
        if previous is not None and previous != newest.submission_id and previous not in replaced:
            replaced.append(previous)  # the registry's current file, no longer in the inbox
        superseded += [(sid, newest.submission_id) for sid in replaced]
    return Collected(sorted(current, key=lambda s: s.submission_id), superseded, older, duplicates)


def campaign_parameters(ctx: CampaignContext) -> dict[str, object]:
    return json.loads(json.dumps(dict(ctx.policy.overrides), default=str))


def record(registry: Registry, ctx: CampaignContext, collected: Collected, flow_run_id: str | None) -> None:
    """The campaign row and every file received (older ones first, so the newest supersedes)."""
    setup = ctx.setup
    ordered = sorted([*collected.older, *collected.current], key=lambda s: s.submission_id)
    with registry.recording(flow_run_id=flow_run_id) as tx:
        tx.upsert_campaign(
            setup.year,
            setup.as_of,
            ctx.policy_name,
            overrides=campaign_parameters(ctx),
            flow_run_id=flow_run_id,
        )
        tx.preload(setup.year)
        for sub in ordered:
            tx.record_intake(sub, setup.year, supersede_older=False)
        for older, newer in collected.superseded:
            tx.supersede(older, newer)
