"""The closed list of activities in the database: ``activity_type`` per regime, and a foreign key from
``assignment (regime, activity)`` to it, so no activity outside the regime's list can be stored; and
where a formation is based (``formation.base_location``, optional), so the rules can check that its
home area holds it (Order 641 item 7: at the place of residence, work, study or property).

Participants have no control or supervisory functions (Law 590-II art. 7.1.1): what they may be given
is the closed list of Order 641 items 6 and 8. The rows are the list of ``geo/regimes/order641.py`` as
of this revision, written here as data (a migration does not change with the code); a change of the
list in a regime module comes with a migration of its own, and
``tests/integration/test_activity_types.py`` fails until it does.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

REGIME = "order-641"
# (code, item, form): Order 641, Appendix 1 (the Rules), items 6.1–6.7 (individual, T item 6) and
# 8.1–8.7 (collective, T item 8).
ACTIVITIES = (
    [(f"6.{i}", f"6.{i}", "individual") for i in range(1, 8)]
    + [(f"8.{i}", f"8.{i}", "collective") for i in range(1, 8)]
)


def upgrade() -> None:
    op.execute("ALTER TABLE formation ADD COLUMN base_location geometry(Point, 4326)")
    op.create_index("ix_formation_base_location", "formation", ["base_location"], postgresql_using="gist")
    op.create_table(
        "activity_type",
        sa.Column("regime", sa.Text, nullable=False),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("item", sa.Text, nullable=False),
        sa.Column("form", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("regime", "code"),
        sa.CheckConstraint("form IN ('individual', 'collective')", name="form_closed_set"),
    )
    table = sa.table("activity_type", sa.column("regime"), sa.column("code"), sa.column("item"),
                     sa.column("form"))
    op.bulk_insert(table, [{"regime": REGIME, "code": c, "item": i, "form": f} for c, i, f in ACTIVITIES])
    # An assignment stored before this revision with an activity off the list would make the key fail
    # with PostgreSQL's words; say which rows instead.
    stray = op.get_bind().execute(sa.text(
        "SELECT a.id, a.regime, a.activity FROM assignment a "
        "LEFT JOIN activity_type t ON t.regime = a.regime AND t.code = a.activity "
        "WHERE t.code IS NULL ORDER BY a.id LIMIT 10")).all()
    if stray:
        listed = ", ".join(f"#{r.id} ({r.regime} {r.activity})" for r in stray)
        raise RuntimeError(f"assignments with an activity outside the regime's closed list: {listed}; "
                           "correct or delete them, then upgrade again")
    op.create_foreign_key("assignment_activity_fkey", "assignment", "activity_type",
                          ["regime", "activity"], ["regime", "code"], ondelete="RESTRICT")


def downgrade() -> None:
    op.drop_constraint("assignment_activity_fkey", "assignment", type_="foreignkey")
    op.drop_table("activity_type")
    op.drop_index("ix_formation_base_location", "formation")
    op.drop_column("formation", "base_location")
