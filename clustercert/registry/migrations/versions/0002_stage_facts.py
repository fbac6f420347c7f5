"""Stage facts the later stages and the overview read back from the registry (no stage's memory).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

* submissions: `sources` (each raw file as received: name, SHA-256, size, when, where archived — a CSV
  folder is several files, and the validate stage reads them back from the archive), `prefecture_rank` (第九条 推荐顺序), `province_rank` (第十条 全省择优排名), `notice_seq`
  (公示名单序号) and `stage_note` (why a decision is pending, e.g. an unusable decisions file);
* campaigns: the public-notice period (`notice_first_day`, `notice_last_day`), the day objections were
  settled and certificates dated (`decided_on`), and a fingerprint of the human decisions the run used
  (`decisions_sha256`), so a re-run after certification can tell whether they changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("sources", _json(), nullable=True))
        batch.add_column(sa.Column("prefecture_rank", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("province_rank", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("notice_seq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("stage_note", sa.Text(), nullable=True))
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("notice_first_day", sa.Date(), nullable=True))
        batch.add_column(sa.Column("notice_last_day", sa.Date(), nullable=True))
        batch.add_column(sa.Column("decided_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("decisions_sha256", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        for name in ("decisions_sha256", "decided_on", "notice_last_day", "notice_first_day"):
            batch.drop_column(name)
    with op.batch_alter_table("submissions") as batch:
        for name in ("stage_note", "notice_seq", "province_rank", "prefecture_rank", "sources"):
            batch.drop_column(name)
