"""A walking patrol route for an assignment (issue 17.1): a closed tour along street_segment that
starts and ends at a chosen point and visits the hottest cells of the target that fit in the shift.

One route per assignment (planning again replaces it). The presence figures (share of the route
walked) read ``geom``.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patrol_route",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("assignment_id", sa.Integer, sa.ForeignKey("assignment.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        # where the tour starts and ends (a station, market or stop, or a point the dispatcher chose)
        sa.Column("start_label", sa.Text, nullable=True),
        sa.Column("start_geom", Geometry("POINT", srid=4326, spatial_index=False), nullable=False),
        # the tour along the streets, start to start
        sa.Column("geom", Geometry("LINESTRING", srid=4326, spatial_index=False), nullable=False),
        sa.Column("length_m", sa.Float, nullable=False),
        sa.Column("minutes", sa.Float, nullable=False),
        sa.Column("walking_kmh", sa.Float, nullable=False),
        # hot-spot weight the tour visits, and all the weight of the target's cells it could have
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("weight_available", sa.Float, nullable=False),
        # where the weights came from: an analysis run, or the incidents in the shift's hour band
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("analysis_run_id", sa.Integer, sa.ForeignKey("analysis_run.id", ondelete="SET NULL"),
                  nullable=True),
        # the visited cells in tour order: [{"cell": id, "lon": .., "lat": .., "weight": ..}, ...]
        sa.Column("stops", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("source IN ('analysis_run', 'incidents')", name="patrol_route_source"),
        sa.CheckConstraint("length_m >= 0 AND minutes >= 0 AND walking_kmh > 0", name="patrol_route_sizes"),
    )
    op.create_index("ix_patrol_route_geom", "patrol_route", ["geom"], postgresql_using="gist")
    op.create_index("ix_patrol_route_start_geom", "patrol_route", ["start_geom"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_index("ix_patrol_route_start_geom", "patrol_route")
    op.drop_index("ix_patrol_route_geom", "patrol_route")
    op.drop_table("patrol_route")
