"""Field reports filed from a phone: a client key per report (one report per author and key, so a
report sent again after a lost connection is stored once) and photos of their own table.

Photos are ``bytea`` in PostGIS, not files under var/: a report and its photos are stored in one
transaction (a refused photo stores nothing at all), a backup of the database holds them, and they
are read through the same visibility query as their report.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("field_report", sa.Column("client_key", sa.Text))
    op.create_index("ix_field_report_client_key", "field_report", ["reported_by", "client_key"], unique=True,
                    postgresql_where=sa.text("client_key IS NOT NULL"))
    op.create_table(
        "report_photo",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("field_report.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("thumbnail", sa.LargeBinary, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("content_type IN ('image/jpeg', 'image/png')", name="report_photo_content_type"),
        sa.CheckConstraint("width > 0 AND height > 0", name="report_photo_size"),
        sa.UniqueConstraint("report_id", "position", name="report_photo_position"),
    )


def downgrade() -> None:
    op.drop_table("report_photo")
    op.drop_index("ix_field_report_client_key", "field_report")
    op.drop_column("field_report", "client_key")
