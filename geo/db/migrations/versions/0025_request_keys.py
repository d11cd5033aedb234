"""Propose is idempotent: an assignment keeps the key its request came with (``Idempotency-Key``), and
one account's key stores one assignment, whatever the resends or double clicks.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assignment", sa.Column("request_key", sa.Text))
    op.create_index("ix_assignment_request_key", "assignment", ["created_by", "request_key"], unique=True,
                    postgresql_where=sa.text("request_key IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_assignment_request_key", "assignment")
    op.drop_column("assignment", "request_key")
