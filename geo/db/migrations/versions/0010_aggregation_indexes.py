"""Indexes the aggregated hot spot selections use: categories (in any case) with a time range.

A run's selection is a time range, categories matched case-insensitively and an area. With one
index per column PostgreSQL ANDs three bitmaps; ``(lower(category), occurred_at)`` answers the
first two in one range scan (at 10^6 incidents, two categories over a quarter inside a box: 0.51 s
to 0.11 s, EXPLAIN in benchmarks/README.md), and replaces the index on ``lower(category)`` alone,
whose every use it covers. The geometry keeps its GiST index (``ix_incident_geom``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_incident_lower_category_occurred_at", "incident",
                    [sa.text("lower(category)"), "occurred_at"])
    op.drop_index("ix_incident_lower_category", table_name="incident")


def downgrade() -> None:
    op.create_index("ix_incident_lower_category", "incident", [sa.text("lower(category)")])
    op.drop_index("ix_incident_lower_category_occurred_at", table_name="incident")
