"""The registry's tables (SQLAlchemy 2, typed), portable across SQLite and PostgreSQL.

Instants are stored in UTC (`UTCDateTime`), calendar dates as plain dates (Asia/Shanghai dates, as
officials read them). Statuses are strings checked by `clustercert.lifecycle`, not database enums, so
that adding a status is a lifecycle change, not a migration. The migration `0001_initial` creates
exactly these tables; a test compares the two.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from clustercert.lifecycle import local_date

# JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC instant on the way in and out, whatever the backend keeps.

    PostgreSQL gets `timestamptz`; SQLite, which has no time zones, gets naive UTC text.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("registry instants must be timezone-aware (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType, list[Any]: JSONType}


class Campaign(Base):
    """One yearly campaign (第七条): its as-of date, the policy it ran under and the overrides it set."""

    __tablename__ = "campaigns"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    as_of: Mapped[date]
    policy_name: Mapped[str] = mapped_column(sa.String(100))
    overrides: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    flow_run_id: Mapped[str | None] = mapped_column(sa.String(64))  # the latest run
    notice_first_day: Mapped[date | None]  # 公示 period (第十条)
    notice_last_day: Mapped[date | None]
    decided_on: Mapped[date | None]  # objections settled, certificates dated
    decisions_sha256: Mapped[str | None] = mapped_column(sa.String(64))  # the human decisions used


class Cluster(Base):
    """A cluster's identity (county + normalised name) and its current facts, changed via 第十二条."""

    __tablename__ = "clusters"
    __table_args__ = (sa.UniqueConstraint("county_code", "name_key"),)

    cluster_key: Mapped[str] = mapped_column(sa.String(300), primary_key=True)
    county_code: Mapped[str] = mapped_column(sa.String(6))
    cluster_name: Mapped[str] = mapped_column(sa.String(200))  # as first written
    name_key: Mapped[str] = mapped_column(sa.String(200))
    leading_industry: Mapped[str | None] = mapped_column(sa.String(200))
    industry_code: Mapped[str | None] = mapped_column(sa.String(10))
    spatial_scope: Mapped[str | None] = mapped_column(sa.Text)
    area_km2: Mapped[float | None]
    operator_name: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Submission(Base):
    """One received workbook of one campaign. Superseded ones stay, pointing at their replacement."""

    __tablename__ = "submissions"
    __table_args__ = (
        sa.UniqueConstraint("campaign_year", "sha256"),
        sa.Index(None, "campaign_year", "cluster_key"),
    )

    submission_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    campaign_year: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.year"))
    file_name: Mapped[str] = mapped_column(sa.String(500))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    archived_path: Mapped[str] = mapped_column(sa.String(1000))
    received_at: Mapped[datetime | None]
    cluster_key: Mapped[str | None] = mapped_column(sa.ForeignKey("clusters.cluster_key"))
    county_code: Mapped[str | None] = mapped_column(sa.String(6))
    cluster_name: Mapped[str | None] = mapped_column(sa.String(200))
    application_type: Mapped[str | None] = mapped_column(sa.String(10))  # 新申报 / 复核
    certificate_id: Mapped[str | None] = mapped_column(sa.String(40))  # a review's certificate
    status: Mapped[str] = mapped_column(sa.String(30))
    superseded_by: Mapped[str | None] = mapped_column(sa.ForeignKey("submissions.submission_id"))
    # the validated typed tables (see registry.payload), so later flows can evaluate again
    payload: Mapped[dict[str, Any] | None]
    error_count: Mapped[int] = mapped_column(default=0)
    warning_count: Mapped[int] = mapped_column(default=0)
    recorded_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # each raw file as received (name, sha256, size, received_at, archived_path): a CSV folder has several
    sources: Mapped[list[Any] | None]
    prefecture_rank: Mapped[int | None]  # 第九条: order in the prefecture's recommendation
    province_rank: Mapped[int | None]  # 第十条: province-wide 择优 rank
    notice_seq: Mapped[int | None]  # 公示名单 sequence number
    stage_note: Mapped[str | None] = mapped_column(sa.Text)  # why a decision is pending


class Evaluation(Base):
    """The result of applying one policy (第五条, 第六条, or the national standard) to a submission."""

    __tablename__ = "evaluations"
    __table_args__ = (sa.UniqueConstraint("submission_id", "policy_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[str] = mapped_column(sa.ForeignKey("submissions.submission_id"))
    policy_name: Mapped[str] = mapped_column(sa.String(100))
    as_of: Mapped[date]
    eligible: Mapped[bool]
    vetoed: Mapped[bool]
    failed_criteria: Mapped[list[Any]] = mapped_column(default=list)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    score: Mapped[float | None]
    score_contributions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    criteria: Mapped[list[Any]] = mapped_column(default=list)  # criteria.csv rows
    flow_run_id: Mapped[str | None] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime]


class Certification(Base):
    """A certificate (第十条) with its three-year validity (第十一条)."""

    __tablename__ = "certifications"

    certificate_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    cluster_key: Mapped[str] = mapped_column(sa.ForeignKey("clusters.cluster_key"), index=True)
    submission_id: Mapped[str] = mapped_column(sa.ForeignKey("submissions.submission_id"), unique=True)
    certified_on: Mapped[date]
    valid_until: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(30))
    renewed_from: Mapped[str | None] = mapped_column(sa.ForeignKey("certifications.certificate_id"))
    flow_run_id: Mapped[str | None] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MonitoringReport(Base):
    """A certified cluster's entry in a prefecture's yearly report (第十三条), or its absence."""

    __tablename__ = "monitoring_reports"
    __table_args__ = (sa.UniqueConstraint("certificate_id", "report_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[str] = mapped_column(sa.ForeignKey("certifications.certificate_id"))
    report_year: Mapped[int]
    prefecture_code: Mapped[str] = mapped_column(sa.String(6))
    submitted_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(10))  # on_time / late / missing
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    flow_run_id: Mapped[str | None] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ChangeFiling(Base):
    """A major change (第十二条), filed or only seen in a monitoring report (then filed_on is empty)."""

    __tablename__ = "change_filings"

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_key: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 of the filing's facts
    certificate_id: Mapped[str] = mapped_column(sa.ForeignKey("certifications.certificate_id"), index=True)
    change_type: Mapped[str] = mapped_column(sa.String(20))  # contract.CHANGE_TYPES
    changed_on: Mapped[date]
    filed_on: Mapped[date | None]
    new_value: Mapped[str] = mapped_column(sa.Text)
    on_time: Mapped[bool]
    source: Mapped[str] = mapped_column(sa.String(20))  # filing / monitoring
    applied: Mapped[bool]  # whether it updated the cluster
    flow_run_id: Mapped[str | None] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime]


class RevocationProposal(Base):
    """A proposed revocation on one of 第十五条's grounds, and the province's decision on it."""

    __tablename__ = "revocation_proposals"
    __table_args__ = (sa.UniqueConstraint("certificate_id", "ground", "evidence_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[str] = mapped_column(sa.ForeignKey("certifications.certificate_id"))
    ground: Mapped[str] = mapped_column(sa.String(4))  # 15.1 … 15.5
    evidence: Mapped[str] = mapped_column(sa.Text)
    evidence_key: Mapped[str] = mapped_column(sa.String(200))
    proposed_on: Mapped[date]
    decision: Mapped[str] = mapped_column(sa.String(10))  # lifecycle.Decision
    decided_on: Mapped[date | None]
    reason: Mapped[str | None] = mapped_column(sa.Text)
    flow_run_id: Mapped[str | None] = mapped_column(sa.String(64))
    recorded_at: Mapped[datetime]


class AuditEntry(Base):
    """Append-only: the registry only ever inserts here, and triggers refuse UPDATE and DELETE.

    A status move fills from_status/to_status; a change of a fact (a cluster's operator, a
    certificate's valid_until) fills field/old_value/new_value.
    """

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index(None, "entity_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    entity_kind: Mapped[str] = mapped_column(sa.String(30))
    entity_id: Mapped[str] = mapped_column(sa.String(300))
    from_status: Mapped[str | None] = mapped_column(sa.String(30))
    to_status: Mapped[str | None] = mapped_column(sa.String(30))
    field: Mapped[str | None] = mapped_column(sa.String(50))
    old_value: Mapped[str | None] = mapped_column(sa.Text)
    new_value: Mapped[str | None] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.Text)  # Chinese
    article: Mapped[str] = mapped_column(sa.String(50))  # 第九条, 15.3 …
    flow_run_id: Mapped[str | None] = mapped_column(sa.String(64))
    actor: Mapped[str] = mapped_column(sa.String(100))

    @property
    def local_date(self) -> date:
        """The Asia/Shanghai calendar date of the entry, as shown to officials."""
        return local_date(self.at)


class RegistryRevision(Base):
    """One row: how many transactions have written to the registry so far.

    Every transaction that writes moves it on by one when it commits (`clustercert.registry.store`),
    so a stage that finds the registry at the revision its last run left it knows nothing has been
    written since.
    """

    __tablename__ = "registry_revision"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # always 1
    revision: Mapped[int]


class StageRun(Base):
    """A campaign stage completed on given inputs, taking the registry from one revision to the next.

    A campaign run with the same inputs that finds the registry where a chain of these runs left it
    has nothing to redo for them (`clustercert.stages.resume`).
    """

    __tablename__ = "stage_runs"

    campaign_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stage: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    inputs_sha256: Mapped[str] = mapped_column(sa.String(64))
    revision_before: Mapped[int]
    revision_after: Mapped[int]
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    flow_run_id: Mapped[str | None] = mapped_column(sa.String(64))
    completed_at: Mapped[datetime]


TABLES = tuple(Base.metadata.sorted_tables)
