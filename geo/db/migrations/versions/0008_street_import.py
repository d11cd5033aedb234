"""Importable streets: a street's one-way flag and speed, kept for routing.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Both optional: the demo's OSM lines and many city files give neither.
    op.add_column("street_segment", sa.Column("one_way", sa.Boolean))
    op.add_column("street_segment", sa.Column("speed_kmh", sa.Float(precision=53)))
    op.create_check_constraint("street_segment_speed_positive", "street_segment", "speed_kmh > 0")


def downgrade() -> None:
    op.drop_constraint("street_segment_speed_positive", "street_segment", type_="check")
    op.drop_column("street_segment", "speed_kmh")
    op.drop_column("street_segment", "one_way")
