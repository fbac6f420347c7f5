"""Stage runs and the registry's revision: what a resumed campaign need not redo.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02

* registry_revision: one row, moved on by one by every transaction that writes;
* stage_runs: per campaign year and stage, the inputs (SHA-256) of its last completed run inside a
  campaign and the registry revisions before and after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    revisions = op.create_table(
        "registry_revision",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_revision")),
    )
    op.bulk_insert(revisions, [{"id": 1, "revision": 0}])
    op.create_table(
        "stage_runs",
        sa.Column("campaign_year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stage", sa.String(length=60), nullable=False),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("revision_before", sa.Integer(), nullable=False),
        sa.Column("revision_after", sa.Integer(), nullable=False),
        sa.Column("summary", _json(), nullable=False),
        sa.Column("flow_run_id", sa.String(length=64), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("campaign_year", "stage", name=op.f("pk_stage_runs")),
    )


def downgrade() -> None:
    op.drop_table("stage_runs")
    op.drop_table("registry_revision")
