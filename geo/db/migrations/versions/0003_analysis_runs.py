"""Stored hot spot analyses: every run with its parameters, selection and counts, and its cells.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

METHODS = ("gi_star", "local_moran", "kde")


def upgrade() -> None:
    op.create_table(
        "analysis_run",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("parameters", JSONB, nullable=False),
        sa.Column("selection", JSONB, nullable=False),
        sa.Column("incident_count", sa.Integer, nullable=False),
        sa.Column("cell_count", sa.Integer, nullable=False),
        sa.Column("island_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("summary", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("duration_ms", sa.Integer),
        sa.CheckConstraint(sa.column("method").in_(METHODS), name="method_closed_set"),
        sa.CheckConstraint("incident_count >= 0 AND cell_count >= 0 AND island_count >= 0",
                           name="counts_not_negative"),
    )
    op.create_table(
        "analysis_cell",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("analysis_run.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("cell_id", sa.Integer, primary_key=True),
        sa.Column("count", sa.Float),
        sa.Column("value", sa.Float),
        sa.Column("z", sa.Float),
        sa.Column("p", sa.Float),
        sa.Column("p_fdr", sa.Float),
        sa.Column("class", sa.SmallInteger),
        sa.Column("quadrant", sa.Text),
        sa.Column("island", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("geom", Geometry("GEOMETRY", srid=4326, spatial_index=False), nullable=False),
        sa.CheckConstraint("quadrant IS NULL OR quadrant IN ('HH', 'LL', 'HL', 'LH')", name="quadrant_closed_set"),
        sa.CheckConstraint('"class" IS NULL OR "class" BETWEEN -3 AND 3', name="class_in_range"),
        sa.CheckConstraint("p IS NULL OR (p >= 0 AND p <= 1)", name="p_is_probability"),
    )
    op.create_index("ix_analysis_cell_geom", "analysis_cell", ["geom"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_table("analysis_cell")
    op.drop_table("analysis_run")
