"""Emerging hot spot runs: method 'emerging' allowed, and each cell's pattern and series over the cube's steps.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

BEFORE = ("gi_star", "local_moran", "kde")
PATTERNS = ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic", "oscillating",
            "historical")
NAMES = tuple(f"{p}_{side}" for side in ("hot", "cold") for p in PATTERNS) + ("none",)


def _methods(methods) -> None:
    op.drop_constraint("method_closed_set", "analysis_run", type_="check")
    op.create_check_constraint("method_closed_set", "analysis_run", sa.column("method").in_(methods))


def upgrade() -> None:
    _methods(BEFORE + ("emerging",))
    op.create_table(
        "emerging_cell",
        sa.Column("run_id", sa.Integer, primary_key=True),
        sa.Column("cell_id", sa.Integer, primary_key=True),
        sa.Column("pattern", sa.Text, nullable=False),
        sa.Column("count_trend_z", sa.Float),
        sa.Column("count_trend_p", sa.Float),
        sa.Column("z_trend_z", sa.Float),
        sa.Column("z_trend_p", sa.Float),
        sa.Column("counts", ARRAY(sa.Float), nullable=False),
        sa.Column("z", ARRAY(sa.Float), nullable=False),
        sa.Column("p", ARRAY(sa.Float), nullable=False),
        sa.ForeignKeyConstraint(["run_id", "cell_id"], ["analysis_cell.run_id", "analysis_cell.cell_id"],
                                ondelete="CASCADE", name="emerging_cell_of_analysis_cell"),
        sa.CheckConstraint(sa.column("pattern").in_(NAMES), name="pattern_closed_set"),
        sa.CheckConstraint("cardinality(counts) = cardinality(z) AND cardinality(z) = cardinality(p)",
                           name="series_same_length"),
        sa.CheckConstraint("count_trend_p IS NULL OR (count_trend_p >= 0 AND count_trend_p <= 1)",
                           name="count_trend_p_is_probability"),
        sa.CheckConstraint("z_trend_p IS NULL OR (z_trend_p >= 0 AND z_trend_p <= 1)",
                           name="z_trend_p_is_probability"),
    )


def downgrade() -> None:
    op.drop_table("emerging_cell")
    op.execute("DELETE FROM analysis_run WHERE method = 'emerging'")
    _methods(BEFORE)
