"""Near repeat runs: analysis_run.method may be 'knox' (the Knox test's table is the run's summary).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

BEFORE = ("gi_star", "local_moran", "kde", "emerging")  # as 0028 left it
AFTER = BEFORE + ("knox",)


def _allow(methods: tuple[str, ...]) -> None:
    op.drop_constraint("method_closed_set", "analysis_run", type_="check")
    op.create_check_constraint("method_closed_set", "analysis_run", sa.column("method").in_(methods))


def upgrade() -> None:
    _allow(AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM analysis_run WHERE method = 'knox'")
    _allow(BEFORE)
