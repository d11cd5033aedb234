"""Import checksums and incident keys: a repeated file or a known incident number is noticed (issue 10).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("import_batch", sa.Column("sha256", sa.Text))
    op.create_index("ix_import_batch_layer_sha256", "import_batch", ["layer", "sha256"])
    # Not unique: one incident number carries one row per offence (the San Francisco records do).
    op.create_index("ix_incident_source_external_id", "incident", ["source", "external_id"])


def downgrade() -> None:
    op.drop_index("ix_incident_source_external_id", table_name="incident")
    op.drop_index("ix_import_batch_layer_sha256", table_name="import_batch")
    op.drop_column("import_batch", "sha256")
