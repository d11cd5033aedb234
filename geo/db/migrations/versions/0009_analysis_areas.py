"""Analysis options: an incident weight, case-insensitive categories, analysis areas and
their weights files.

``incident.weight`` (>= 0, NULL meaning 1) is what a weighted run sums; ``lower(category)`` is
indexed because categories are matched case-insensitively; ``analysis_area`` holds polygon sets an
analyst imports (census blocks, ...), several sets side by side by ``set_name``; an
``analysis_area_weights`` row holds the GAL/GWT file imported with a set, as text.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

WEIGHTS_FORMATS = ("gal", "gwt")


def upgrade() -> None:
    op.add_column("incident", sa.Column("weight", sa.Float))
    op.create_check_constraint("weight_not_negative", "incident", "weight IS NULL OR weight >= 0")
    op.create_index("ix_incident_lower_category", "incident", [sa.text("lower(category)")])
    op.create_table(
        "analysis_area",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("external_id", sa.Text),
        sa.Column("set_name", sa.Text, nullable=False),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("import_batch.id", ondelete="SET NULL")),
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("ST_IsValid(geom)", name="geom_valid"),
        sa.CheckConstraint("set_name <> ''", name="set_name_not_empty"),
        sa.UniqueConstraint("set_name", "external_id", name="uq_analysis_area_set_external_id"),
    )
    op.create_index("ix_analysis_area_geom", "analysis_area", ["geom"], postgresql_using="gist")
    op.create_index("ix_analysis_area_set_name", "analysis_area", ["set_name"])
    op.create_table(
        "analysis_area_weights",
        sa.Column("set_name", sa.Text, primary_key=True),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("id_field", sa.Text, nullable=False),
        sa.Column("source_name", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(sa.column("format").in_(WEIGHTS_FORMATS), name="format_closed_set"),
    )


def downgrade() -> None:
    op.drop_table("analysis_area_weights")
    op.drop_table("analysis_area")
    op.drop_index("ix_incident_lower_category", table_name="incident")
    op.drop_constraint("weight_not_negative", "incident", type_="check")
    op.drop_column("incident", "weight")
