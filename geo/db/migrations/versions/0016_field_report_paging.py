"""Field reports in their pages' order: an index on (reported_at, id) (issue 13).

The report pages list newest first, reported_at then id, a page at a time from where the last one
stopped (``WHERE (reported_at, id) < (:t, :id) ORDER BY reported_at DESC, id DESC LIMIT n``): read
backwards, this index gives each page's rows in order without sorting the table. It replaces the
index on reported_at alone, which it also serves (the "last days" filter).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_field_report_reported_at_id", "field_report", ["reported_at", "id"])
    op.drop_index("ix_field_report_reported_at", table_name="field_report")


def downgrade() -> None:
    op.create_index("ix_field_report_reported_at", "field_report", ["reported_at"])
    op.drop_index("ix_field_report_reported_at_id", table_name="field_report")
