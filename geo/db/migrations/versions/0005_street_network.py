"""Street segments for routing: the planner's street-network distances (issue 5).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "street_segment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("highway", sa.Text),
        sa.Column("osm_id", sa.BigInteger),
        sa.Column("length_m", sa.Float(precision=53), nullable=False),
        sa.Column("geom", Geometry("LINESTRING", srid=4326, spatial_index=False), nullable=False),
        sa.CheckConstraint("length_m >= 0", name="street_segment_length_not_negative"),
        sa.CheckConstraint("ST_IsValid(geom)", name="street_segment_geom_valid"),
    )
    op.create_index("ix_street_segment_geom", "street_segment", ["geom"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_table("street_segment")
