"""The individual form of participation (Order 641 items 5-6): a participant records their form,
an assignment names exactly one of a formation or an individual participant, officers record
their service (item 6.2's "staff of the specified services"), an individual participant may sign
in, and a field report records who filed it and the item-6 type it falls under.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# T item 5: two forms; 'both' is a member of a formation who also assists on their own.
FORMS = ("individual", "member", "both")
# D names: the police services an officer belongs to; item 6.2 names local police inspectors and
# units for minors ("the specified services").
SERVICES = ("local-inspector", "juvenile", "patrol", "criminal", "traffic", "duty")
ROLES_BEFORE = ("admin", "dispatcher", "analyst", "supervisor", "leader")
ROLES = ROLES_BEFORE + ("participant",)


def _roles_check(roles: tuple[str, ...]) -> str:
    return "cardinality(roles) > 0 AND roles <@ ARRAY[{}]::text[]".format(", ".join(f"'{r}'" for r in roles))


def upgrade() -> None:
    op.add_column("participant", sa.Column("participation_form", sa.Text, nullable=False, server_default="member"))
    op.create_check_constraint("participation_form_closed_set", "participant",
                               sa.column("participation_form").in_(FORMS))

    op.add_column("assignment", sa.Column("participant_id", sa.Integer,
                                          sa.ForeignKey("participant.id", ondelete="RESTRICT")))
    op.alter_column("assignment", "formation_id", nullable=True)
    op.create_check_constraint("one_assignee", "assignment", "num_nonnulls(formation_id, participant_id) = 1")
    # no-double-booking for individuals, as assignment_no_double_booking is for formations.
    op.execute("ALTER TABLE assignment ADD CONSTRAINT assignment_participant_no_double_booking "
               "EXCLUDE USING gist (participant_id WITH =, shift WITH &&) "
               "WHERE (participant_id IS NOT NULL AND status IN ('proposed', 'confirmed'))")
    op.create_index("ix_assignment_participant", "assignment", ["participant_id"])

    op.add_column("officer", sa.Column("service", sa.Text))
    op.create_check_constraint("service_closed_set", "officer", sa.column("service").in_(SERVICES))

    op.add_column("user_account", sa.Column("participant_id", sa.Integer,
                                            sa.ForeignKey("participant.id", ondelete="RESTRICT")))
    op.drop_constraint("roles_closed_set", "user_account", type_="check")
    op.create_check_constraint("roles_closed_set", "user_account", _roles_check(ROLES))
    op.create_check_constraint("participant_account_has_participant", "user_account",
                               "NOT ('participant' = ANY(roles)) OR participant_id IS NOT NULL")

    op.add_column("field_report", sa.Column("participant_id", sa.Integer,
                                            sa.ForeignKey("participant.id", ondelete="RESTRICT")))
    # The item-6 type code the report falls under (regime data, geo.regimes.Regime.report_types);
    # the closed set is the regime's and is checked by the service; here only its shape.
    op.add_column("field_report", sa.Column("item", sa.Text))
    op.create_check_constraint("item_shape", "field_report", "item ~ '^[0-9]+(\\.[0-9]+)*$'")


def downgrade() -> None:
    op.drop_constraint("item_shape", "field_report", type_="check")
    op.drop_column("field_report", "item")
    op.drop_column("field_report", "participant_id")

    op.execute("DELETE FROM web_session WHERE user_id IN "
               "(SELECT id FROM user_account WHERE 'participant' = ANY(roles))")
    op.execute("DELETE FROM user_account WHERE 'participant' = ANY(roles)")
    op.drop_constraint("participant_account_has_participant", "user_account", type_="check")
    op.drop_constraint("roles_closed_set", "user_account", type_="check")
    op.create_check_constraint("roles_closed_set", "user_account", _roles_check(ROLES_BEFORE))
    op.drop_column("user_account", "participant_id")

    op.drop_constraint("service_closed_set", "officer", type_="check")
    op.drop_column("officer", "service")

    op.execute("DELETE FROM assignment_member WHERE assignment_id IN "
               "(SELECT id FROM assignment WHERE formation_id IS NULL)")
    op.execute("UPDATE field_report SET assignment_id = NULL WHERE assignment_id IN "
               "(SELECT id FROM assignment WHERE formation_id IS NULL)")
    op.execute("DELETE FROM assignment WHERE formation_id IS NULL")
    op.drop_index("ix_assignment_participant", table_name="assignment")
    op.execute("ALTER TABLE assignment DROP CONSTRAINT assignment_participant_no_double_booking")
    op.drop_constraint("one_assignee", "assignment", type_="check")
    op.alter_column("assignment", "formation_id", nullable=False)
    op.drop_column("assignment", "participant_id")

    op.drop_constraint("participation_form_closed_set", "participant", type_="check")
    op.drop_column("participant", "participation_form")
