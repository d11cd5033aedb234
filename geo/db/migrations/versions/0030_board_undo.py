"""The dispatcher's undo reads an account's latest assignment history row: an index on (actor, id).

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04
"""
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_assignment_history_actor", "assignment_history", ["actor", "id"])


def downgrade() -> None:
    op.drop_index("ix_assignment_history_actor", "assignment_history")
