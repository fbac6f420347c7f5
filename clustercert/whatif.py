"""What if the policy were different: a campaign's valid submissions under two policies, compared.

"If the SME-share threshold were 65 %, who drops out?", "which of our certified clusters meet the
national standard, and what does each lack?": the same submissions (the typed tables the validate stage
recorded) are evaluated by the rule engine under a policy *before* (the campaign's, or one named) and a
policy *after* (another policy file, or the same with other overrides), on the campaign's as-of date.
The comparison says, per cluster, eligibility, score and 择优 rank under each (ranked as the campaign
ranks: `clustercert.campaign.ranking`), which criteria flip, and what each criterion it fails *after*
would take (the gap of `clustercert.rules.gaps`). Nothing is written to the registry.

The stage shape: `read_campaign` (read), `compare` (decide, pure), `clustercert.reports.compare` (write).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from clustercert.campaign.preflight import UNAVAILABLE, USAGE, Refused
from clustercert.campaign.ranking import with_rank
from clustercert.lifecycle import Status
from clustercert.policy import Policy, PolicyError, build_policy, resolve
from clustercert.policy.loader import Search, read_document
from clustercert.policy.model import plain
from clustercert.policy.parsing import parse_date
from clustercert.registry import Registry, RegistryUnavailable, resolve_url
from clustercert.rules import Evaluation, Result, evaluate
from clustercert.stages.score import load, read
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
VETO_TITLE = "第六条否决情形"


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
class Campaign:
    """What the registry holds about a campaign that a comparison needs."""

    year: int
    as_of: date
    policy_name: str
    overrides: dict[str, Any]
    finished: bool
    clusters: list[ClusterData]
    certificates: dict[str, str] = field(default_factory=dict)  # submission id → certificate id


def read_campaign(registry: Registry, year: int) -> Campaign | None:
    """The campaign of `year` and its valid current submissions; None when the registry has no such campaign."""
    row = registry.campaign(year)
    if row is None:
        return None
    ids = read(registry, year)
    certificates = {}
    with registry.transaction() as tx:
        for sid in ids:
            submission = tx.submission(sid)
            certificate = (
                tx.certification_for(sid) if submission and submission.status == Status.CERTIFIED else None
            )
            if certificate is not None:
                certificates[sid] = certificate.certificate_id
    return Campaign(
        year=row.year,
        as_of=row.as_of,
        policy_name=row.policy_name,
        overrides=dict(row.overrides or {}),
        finished=row.finished_at is not None,
        clusters=load(registry, ids),
        certificates=certificates,
    )


def load_for(
    name: str, as_of: date, overrides: Mapping[str, Any] | None = None, search: Search = None
) -> Policy:
    """A policy for a comparison on `as_of`: a family's version in force then, with its values in force
    then, or — for a version that takes effect later (a revision being considered) — its values on the
    day it takes effect."""
    document = read_document(resolve(name, as_of, search), search)
    start = parse_date(document.get("effective_from"), f"{name}.effective_from")
    return build_policy(document, on=max(as_of, start), overrides=overrides)


@dataclass(frozen=True)
class Question:
    """What an analyst asks: the campaign, the policy before (None: the campaign's, with its overrides,
    then `overrides` on top) and after (`against`, or the same as before, with `against_overrides`)."""

    year: int
    policy: str | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)
    against: str | None = None
    against_overrides: Mapping[str, Any] = field(default_factory=dict)
    search: tuple[str, ...] = ()  # further folders of policy files


def check_question(question: Question) -> None:
    """What can be refused before the registry is opened: nothing to compare, a policy nobody knows."""
    if question.against is None and not question.against_overrides:
        raise Refused(
            "没有可比较的政策 / nothing to compare: give --against POLICY or --against-set ID=VALUE"
        )
    for name in (question.policy, question.against):
        if name is not None:
            try:
                read_document(resolve(name, None, question.search), question.search)
            except PolicyError as exc:
                raise Refused(f"政策文件有误 / policy: {exc}") from None


def open_read_only(url: str | None) -> Registry:
    """The registry as it is: no migration, and no new SQLite file for a path that holds none."""
    resolved = resolve_url(url)
    database = make_url(resolved).database if resolved.startswith("sqlite") else None
    if database and database != ":memory:" and not Path(database).is_file():
        raise Refused(f"登记库不存在 / no registry at {database}", UNAVAILABLE)
    try:
        return Registry.open(resolved, upgrade=False)
    except RegistryUnavailable as exc:
        raise Refused(str(exc), USAGE if exc.usage else UNAVAILABLE) from None


def prepare(registry: Registry, question: Question) -> tuple[Campaign, Policy, Policy]:
    """The campaign and both policies, or `Refused`: no such campaign (1), a bad override (2).

    Both policies are loaded before the submissions are: a bad override is refused before any work.
    """
    try:
        row = registry.campaign(question.year)
        if row is None:
            raise Refused(
                f"登记库中没有{question.year}年度的认定工作 / the registry holds no campaign for {question.year}",
                UNAVAILABLE,
            )
        before, after = _policies(question, row.policy_name, dict(row.overrides or {}), row.as_of)
        campaign = read_campaign(registry, question.year)
    except sa.exc.SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise Refused(f"无法读取登记库 / cannot read the registry: {detail}", UNAVAILABLE) from None
    return campaign, before, after  # type: ignore[return-value]


def _policies(
    question: Question, policy_name: str, recorded: dict[str, Any], as_of: date
) -> tuple[Policy, Policy]:
    name = question.policy or policy_name
    overrides = {**(recorded if name == policy_name else {}), **question.overrides}
    after_name = question.against or name
    after_overrides = (
        dict(question.against_overrides) if question.against else {**overrides, **question.against_overrides}
    )
    try:
        return (
            load_for(name, as_of, overrides, question.search),
            load_for(after_name, as_of, after_overrides, question.search),
        )
    except PolicyError as exc:
        raise Refused(f"政策参数有误 / policy: {exc}") from None


# ---------------------------------------------------------------------------------------------
# decide


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
        titles[policy.veto.id] = VETO_TITLE
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
