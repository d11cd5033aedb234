"""Indexes for the sign-in throttle and its pruning: failed sign-ins per address, records by age (issue 10).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The address ceiling counts an address's failed sign-ins in a window.
    op.create_index("ix_login_attempt_failed_address_at", "login_attempt", ["remote_addr", "at"],
                    postgresql_where="NOT succeeded")
    op.create_index("ix_login_attempt_at", "login_attempt", ["at"])


def downgrade() -> None:
    op.drop_index("ix_login_attempt_at", table_name="login_attempt")
    op.drop_index("ix_login_attempt_failed_address_at", table_name="login_attempt")
