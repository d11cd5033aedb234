"""The offline basemap's own features: parks, woods, squares, water, waterways and railways.

Streets (``street_segment``) and districts are drawn from their own tables; this table holds the rest
of the OSM extract that the basemap shows and nothing else reads.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

KINDS = ("park", "wood", "square", "water", "waterway", "railway", "tram")


def upgrade() -> None:
    op.create_table(
        "basemap_feature",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("name_ru", sa.Text),
        sa.Column("name_kk", sa.Text),
        sa.Column("osm_id", sa.Text),
        sa.Column("geom", Geometry("GEOMETRY", srid=4326, spatial_index=False), nullable=False),
        sa.CheckConstraint("kind IN ('park', 'wood', 'square', 'water', 'waterway', 'railway', 'tram')",
                           name="basemap_feature_kind_known"),
        sa.CheckConstraint("GeometryType(geom) IN ('LINESTRING', 'MULTILINESTRING', 'POLYGON', 'MULTIPOLYGON')",
                           name="basemap_feature_geom_line_or_area"),
    )
    op.create_index("ix_basemap_feature_geom", "basemap_feature", ["geom"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_table("basemap_feature")
