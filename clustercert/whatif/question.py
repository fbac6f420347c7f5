"""The read step of a comparison: the question asked, the campaign it asks about, both policies.

Everything that can be refused is refused here, before any submission is evaluated: nothing to compare
or a policy nobody knows (2), no registry or no such campaign (1), a bad override (2).
The registry is opened as it is (no migration) and only read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from clustercert.campaign.preflight import UNAVAILABLE, USAGE, Refused
from clustercert.lifecycle import Status
from clustercert.policy import Policy, PolicyError, build_policy, resolve
from clustercert.policy.loader import Search, read_document
from clustercert.policy.parsing import parse_date
from clustercert.registry import Registry, RegistryUnavailable, resolve_url
from clustercert.stages.score import load, read
from clustercert.submission import ClusterData


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
            raise _no_campaign(question.year)
        before, after = _policies(question, row.policy_name, dict(row.overrides or {}), row.as_of)
        campaign = read_campaign(registry, question.year)
        if campaign is None:  # deleted since `row` was read
            raise _no_campaign(question.year)
    except sa.exc.SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise Refused(f"无法读取登记库 / cannot read the registry: {detail}", UNAVAILABLE) from None
    return campaign, before, after


def _no_campaign(year: int) -> Refused:
    return Refused(
        f"登记库中没有{year}年度的认定工作 / the registry holds no campaign for {year}", UNAVAILABLE
    )


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
