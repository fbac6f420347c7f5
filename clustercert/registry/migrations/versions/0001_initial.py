"""Initial registry: campaigns, clusters, submissions, evaluations, certifications, dynamic
management (monitoring reports, change filings, revocation proposals) and the append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Drafted with `alembic revision --autogenerate` against `clustercert.registry.models`, then reviewed:
types are spelled out here (a migration must not import today's models), and the audit log gets
triggers that refuse UPDATE and DELETE on both backends.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _instant() -> sa.DateTime:
    return sa.DateTime(timezone=True)  # UTC; naive UTC text on SQLite


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _run_id() -> sa.Column[str]:
    return sa.Column("flow_run_id", sa.String(64), nullable=True)


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("policy_name", sa.String(100), nullable=False),
        sa.Column("overrides", _json(), nullable=False),
        sa.Column("started_at", _instant(), nullable=False),
        sa.Column("finished_at", _instant(), nullable=True),
        _run_id(),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_campaigns")),
    )
    op.create_table(
        "clusters",
        sa.Column("cluster_key", sa.String(300), nullable=False),
        sa.Column("county_code", sa.String(6), nullable=False),
        sa.Column("cluster_name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("leading_industry", sa.String(200), nullable=True),
        sa.Column("industry_code", sa.String(10), nullable=True),
        sa.Column("spatial_scope", sa.Text(), nullable=True),
        sa.Column("area_km2", sa.Double(), nullable=True),
        sa.Column("operator_name", sa.String(200), nullable=True),
        sa.Column("created_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
        sa.PrimaryKeyConstraint("cluster_key", name=op.f("pk_clusters")),
        sa.UniqueConstraint("county_code", "name_key", name=op.f("uq_clusters_county_code_name_key")),
    )
    op.create_table(
        "submissions",
        sa.Column("submission_id", sa.String(40), nullable=False),
        sa.Column("campaign_year", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("archived_path", sa.String(1000), nullable=False),
        sa.Column("received_at", _instant(), nullable=True),
        sa.Column("cluster_key", sa.String(300), nullable=True),
        sa.Column("county_code", sa.String(6), nullable=True),
        sa.Column("cluster_name", sa.String(200), nullable=True),
        sa.Column("application_type", sa.String(10), nullable=True),
        sa.Column("certificate_id", sa.String(40), nullable=True),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("superseded_by", sa.String(40), nullable=True),
        sa.Column("payload", _json(), nullable=True),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("warning_count", sa.Integer(), nullable=False),
        sa.Column("recorded_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_year"], ["campaigns.year"], name=op.f("fk_submissions_campaign_year_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["cluster_key"], ["clusters.cluster_key"], name=op.f("fk_submissions_cluster_key_clusters")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["submissions.submission_id"],
            name=op.f("fk_submissions_superseded_by_submissions"),
        ),
        sa.PrimaryKeyConstraint("submission_id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("campaign_year", "sha256", name=op.f("uq_submissions_campaign_year_sha256")),
    )
    op.create_index(
        op.f("ix_submissions_campaign_year_cluster_key"), "submissions", ["campaign_year", "cluster_key"]
    )
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.String(40), nullable=False),
        sa.Column("policy_name", sa.String(100), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("vetoed", sa.Boolean(), nullable=False),
        sa.Column("failed_criteria", _json(), nullable=False),
        sa.Column("warnings", _json(), nullable=False),
        sa.Column("score", sa.Double(), nullable=True),
        sa.Column("score_contributions", _json(), nullable=False),
        sa.Column("criteria", _json(), nullable=False),
        _run_id(),
        sa.Column("recorded_at", _instant(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.submission_id"],
            name=op.f("fk_evaluations_submission_id_submissions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint(
            "submission_id", "policy_name", name=op.f("uq_evaluations_submission_id_policy_name")
        ),
    )
    op.create_table(
        "certifications",
        sa.Column("certificate_id", sa.String(40), nullable=False),
        sa.Column("cluster_key", sa.String(300), nullable=False),
        sa.Column("submission_id", sa.String(40), nullable=False),
        sa.Column("certified_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("renewed_from", sa.String(40), nullable=True),
        _run_id(),
        sa.Column("recorded_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cluster_key"], ["clusters.cluster_key"], name=op.f("fk_certifications_cluster_key_clusters")
        ),
        sa.ForeignKeyConstraint(
            ["renewed_from"],
            ["certifications.certificate_id"],
            name=op.f("fk_certifications_renewed_from_certifications"),
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.submission_id"],
            name=op.f("fk_certifications_submission_id_submissions"),
        ),
        sa.PrimaryKeyConstraint("certificate_id", name=op.f("pk_certifications")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_certifications_submission_id")),
    )
    op.create_index(op.f("ix_certifications_cluster_key"), "certifications", ["cluster_key"])
    op.create_table(
        "monitoring_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.String(40), nullable=False),
        sa.Column("report_year", sa.Integer(), nullable=False),
        sa.Column("prefecture_code", sa.String(6), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("payload", _json(), nullable=False),
        _run_id(),
        sa.Column("recorded_at", _instant(), nullable=False),
        sa.Column("updated_at", _instant(), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certifications.certificate_id"],
            name=op.f("fk_monitoring_reports_certificate_id_certifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_reports")),
        sa.UniqueConstraint(
            "certificate_id", "report_year", name=op.f("uq_monitoring_reports_certificate_id_report_year")
        ),
    )
    op.create_table(
        "change_filings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_key", sa.String(64), nullable=False),
        sa.Column("certificate_id", sa.String(40), nullable=False),
        sa.Column("change_type", sa.String(20), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        _run_id(),
        sa.Column("recorded_at", _instant(), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certifications.certificate_id"],
            name=op.f("fk_change_filings_certificate_id_certifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_filings")),
        sa.UniqueConstraint("filing_key", name=op.f("uq_change_filings_filing_key")),
    )
    op.create_index(op.f("ix_change_filings_certificate_id"), "change_filings", ["certificate_id"])
    op.create_table(
        "revocation_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.String(40), nullable=False),
        sa.Column("ground", sa.String(4), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("evidence_key", sa.String(200), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        _run_id(),
        sa.Column("recorded_at", _instant(), nullable=False),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certifications.certificate_id"],
            name=op.f("fk_revocation_proposals_certificate_id_certifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revocation_proposals")),
        sa.UniqueConstraint(
            "certificate_id",
            "ground",
            "evidence_key",
            name=op.f("uq_revocation_proposals_certificate_id_ground_evidence_key"),
        ),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", _instant(), nullable=False),
        sa.Column("entity_kind", sa.String(30), nullable=False),
        sa.Column("entity_id", sa.String(300), nullable=False),
        sa.Column("from_status", sa.String(30), nullable=True),
        sa.Column("to_status", sa.String(30), nullable=True),
        sa.Column("field", sa.String(50), nullable=True),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("article", sa.String(50), nullable=False),
        _run_id(),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_entity_id_id"), "audit_log", ["entity_id", "id"])
    _make_audit_log_append_only()


def _make_audit_log_append_only() -> None:
    """The database itself refuses to change history, whatever client writes to it."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION clustercert_audit_log_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
            END;
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION clustercert_audit_log_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION clustercert_audit_log_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: {verb} refused'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION clustercert_audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_update")
        op.execute("DROP TRIGGER audit_log_no_delete")
    op.drop_table("audit_log")
    op.drop_table("revocation_proposals")
    op.drop_table("change_filings")
    op.drop_table("monitoring_reports")
    op.drop_table("certifications")
    op.drop_table("evaluations")
    op.drop_table("submissions")
    op.drop_table("clusters")
    op.drop_table("campaigns")
