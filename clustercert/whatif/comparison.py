"""The decide step of a comparison (pure): the same clusters evaluated under two policies, and the difference.

Per cluster: eligibility, score and 择优 rank under each policy (ranked as the campaign ranks), the
criteria whose outcome flips (a criterion a policy does not have counts as met under it), and every
criterion not met under the second policy with its gap (`clustercert.rules.gaps`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import pandas as pd

from clustercert.campaign.ranking import with_rank
from clustercert.policy import Policy
from clustercert.policy.model import plain
from clustercert.rules import Evaluation, Result, evaluate
from clustercert.submission import ClusterData

COMPARE_COLUMNS = [
    "submission_id",
    "cluster_name",
    "eligible_before",
    "eligible_after",
    "score_before",
    "score_after",
    "rank_before",
    "rank_after",
    "flipped_criteria",
]


class Outcome(StrEnum):
    """How a criterion came out for a cluster under one policy."""

    FAIL = "fail"
    ADVISORY = "advisory"  # an advisory criterion not met: a warning
    MET = "met"  # passed, not evaluated, or not a criterion of that policy

    @property
    def label(self) -> str:
        return {"fail": "不通过", "advisory": "须说明理由", "met": "符合"}[self.value]


_STATE = {Result.FAIL: Outcome.FAIL, Result.ADVISORY: Outcome.ADVISORY}


@dataclass(frozen=True)
class Flip:
    criterion_id: str
    article: str
    title: str
    before: Outcome
    after: Outcome
    gap: str = ""  # what it would take after (when it fails after)


@dataclass(frozen=True)
class Failure:
    criterion_id: str
    article: str
    title: str
    gap: str


@dataclass(frozen=True)
class ClusterComparison:
    submission_id: str
    cluster_name: str
    county_code: str
    certificate_id: str
    before: Evaluation
    after: Evaluation
    rank_before: int | None
    rank_after: int | None
    flips: list[Flip]
    failed_after: list[Failure]  # every criterion not met after, with its gap

    @property
    def eligibility_changed(self) -> bool:
        return self.before.eligible != self.after.eligible

    def page(self) -> dict[str, Any]:
        return {
            **self.csv_row(),
            "county_code": self.county_code,
            "certificate_id": self.certificate_id,
            "flips": [
                {
                    "article": f.article,
                    "title": f.title,
                    "before": f.before.label,
                    "after": f.after.label,
                    "worse": f.after != Outcome.MET,
                    "gap": f.gap,
                }
                for f in self.flips
            ],
            "failed_after": [
                {"article": f.article, "title": f.title, "gap": f.gap} for f in self.failed_after
            ],
        }

    def csv_row(self) -> dict[str, Any]:
        return {
            "submission_id": self.submission_id,
            "cluster_name": self.cluster_name,
            "eligible_before": self.before.eligible,
            "eligible_after": self.after.eligible,
            "score_before": str(self.before.score.total),
            "score_after": str(self.after.score.total),
            "rank_before": self.rank_before,
            "rank_after": self.rank_after,
            "flipped_criteria": ";".join(f.criterion_id for f in self.flips),
        }


@dataclass(frozen=True)
class Comparison:
    year: int
    as_of: date
    before: Policy
    after: Policy
    clusters: list[ClusterComparison]  # in submission id order

    def csv_rows(self) -> list[dict[str, Any]]:
        return [c.csv_row() for c in self.clusters]

    @property
    def dropped(self) -> list[ClusterComparison]:
        """Eligible before, not after."""
        return [c for c in self.clusters if c.before.eligible and not c.after.eligible]

    @property
    def added(self) -> list[ClusterComparison]:
        """Not eligible before, eligible after."""
        return [c for c in self.clusters if not c.before.eligible and c.after.eligible]

    @property
    def certified(self) -> list[ClusterComparison]:
        return [c for c in self.clusters if c.certificate_id]

    def page(self) -> dict[str, Any]:
        """What the comparison page shows, as plain values (the report does not know these classes)."""
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "policies": [describe(self.before), describe(self.after)],
            "counts": self.counts(),
            "clusters": [c.page() for c in self.clusters],
        }

    def counts(self) -> dict[str, int]:
        return {
            "compared": len(self.clusters),
            "eligible_before": sum(c.before.eligible for c in self.clusters),
            "eligible_after": sum(c.after.eligible for c in self.clusters),
            "dropped": len(self.dropped),
            "added": len(self.added),
            "rank_changed": sum(c.rank_before != c.rank_after for c in self.clusters),
        }


def compare(
    clusters: Sequence[ClusterData],
    before: Policy,
    after: Policy,
    as_of: date,
    *,
    year: int,
    certificates: Mapping[str, str] | None = None,
) -> Comparison:
    """Each cluster evaluated under both policies on `as_of`, ranked under each, and the difference."""
    certificates = certificates or {}
    ordered = sorted(clusters, key=lambda d: d.submission_id)
    evaluations_before = {d.submission_id: evaluate(d, before, as_of) for d in ordered}
    evaluations_after = {d.submission_id: evaluate(d, after, as_of) for d in ordered}
    ranks_before, ranks_after = ranks(evaluations_before.values()), ranks(evaluations_after.values())
    titles = {**criterion_titles(before), **criterion_titles(after)}
    result = []
    for data in ordered:
        sid = data.submission_id
        b, a = evaluations_before[sid], evaluations_after[sid]
        result.append(
            ClusterComparison(
                submission_id=sid,
                cluster_name=str(data.profile.get("cluster_name") or ""),
                county_code=str(data.profile.get("county_code") or ""),
                certificate_id=certificates.get(sid, ""),
                before=b,
                after=a,
                rank_before=ranks_before.get(sid),
                rank_after=ranks_after.get(sid),
                flips=flips(b, a, titles),
                failed_after=[
                    Failure(r.criterion_id, r.article, titles.get(r.criterion_id, r.criterion_id), r.gap)
                    for r in a.criteria
                    if r.result in _STATE
                ],
            )
        )
    return Comparison(year, as_of, before, after, result)


def ranks(evaluations: Iterable[Evaluation]) -> dict[str, int]:
    """择优 rank of each eligible cluster, as the campaign ranks (score, latest total output, id)."""
    rows = pd.DataFrame(
        [
            {
                "submission_id": e.submission_id,
                "score": float(e.score.total),
                "latest_total_output": None
                if e.latest_total_output is None
                else float(e.latest_total_output),
            }
            for e in evaluations
            if e.eligible
        ],
        columns=["submission_id", "score", "latest_total_output"],
    )
    ranked = with_rank(rows, "rank")
    return {str(sid): int(rank) for sid, rank in zip(ranked["submission_id"], ranked["rank"], strict=True)}


def flips(before: Evaluation, after: Evaluation, titles: Mapping[str, str]) -> list[Flip]:
    """Criteria whose outcome differs; a criterion a policy does not have counts as met under it."""
    state_before = {r.criterion_id: _STATE.get(r.result, Outcome.MET) for r in before.criteria}
    results_after = {r.criterion_id: r for r in after.criteria}
    articles = {r.criterion_id: r.article for r in [*before.criteria, *after.criteria]}
    ids = list(dict.fromkeys([*(r.criterion_id for r in before.criteria), *results_after]))
    found = []
    for cid in ids:
        was = state_before.get(cid, Outcome.MET)
        now = _STATE.get(results_after[cid].result, Outcome.MET) if cid in results_after else Outcome.MET
        if was != now:
            gap = results_after[cid].gap if cid in results_after else ""
            found.append(Flip(cid, articles[cid], titles.get(cid, cid), was, now, gap))
    return found


def criterion_titles(policy: Policy) -> dict[str, str]:
    """A Chinese name for every criterion id of the policy (its text, the item's title)."""
    titles = {c.id: c.text for c in policy.criteria}
    titles |= {item.id: item.title for item in policy.qualitative_items}
    if policy.veto is not None:
        titles[policy.veto.id] = f"{policy.veto.article}否决情形"
    return titles


def describe(policy: Policy) -> dict[str, Any]:
    """A policy as the comparison page names it: file, version, dates, and each override in words."""
    described = policy.describe()
    overrides = []
    for pid, value in policy.overrides.items():
        parameter = policy.parameter(pid)
        overrides.append(
            {
                "parameter": parameter.description,
                "reference": parameter.reference,
                "unit": parameter.unit,
                "default": plain(parameter.value_on(policy.on)),
                "value": plain(value),
            }
        )
    return {
        **{
            k: described[k]
            for k in ("name", "title", "document", "version", "effective_from", "on", "gap_steps")
        },
        "overrides": overrides,
    }
