"""Presence on a shift, with consent (issue 17.2): check-in/out per participant per assignment, the
participant's location consent (append-only), the positions a consenting participant's phone sends
while checked in, and the dosage figures the positions are reduced to before they are pruned.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

# The consent record is evidence: nobody rewrites it (a withdrawal is a new row).
APPEND_ONLY = """
CREATE FUNCTION location_consent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'location_consent is append-only';
END $$;
CREATE TRIGGER location_consent_append_only BEFORE UPDATE OR DELETE ON location_consent
  FOR EACH ROW EXECUTE FUNCTION location_consent_append_only();
"""


def upgrade() -> None:
    op.create_table(
        "location_consent",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participant.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("given", sa.Boolean, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        # the participant's own account (D: only the participant records their consent)
        sa.Column("recorded_by", sa.Integer, sa.ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False),
        # the version of the statement shown when it was given (what is recorded, how long, who sees it)
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("retention_days", sa.Integer, nullable=False),
        sa.CheckConstraint("retention_days > 0", name="location_consent_retention"),
    )
    op.create_index("ix_location_consent_participant", "location_consent", ["participant_id", "at"])
    op.execute(APPEND_ONLY)

    op.create_table(
        "shift_presence",
        sa.Column("assignment_id", sa.Integer, sa.ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participant.id", ondelete="RESTRICT"),
                  primary_key=True),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_in_by", sa.Integer, sa.ForeignKey("user_account.id", ondelete="SET NULL")),
        # positions are sent between check-in and check-out while tracking is on (the page's Stop)
        sa.Column("tracking", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.CheckConstraint("checked_out_at IS NULL OR checked_out_at >= checked_in_at", name="presence_in_before_out"),
        sa.CheckConstraint("checked_out_at IS NULL OR NOT tracking", name="presence_no_tracking_after_out"),
    )

    op.create_table(
        "presence_position",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("assignment_id", sa.Integer, nullable=False),
        sa.Column("participant_id", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("geom", Geometry("POINT", srid=4326, spatial_index=False), nullable=False),
        sa.Column("accuracy_m", sa.Float, nullable=False),
        # a position belongs to a check-in: none without one
        sa.ForeignKeyConstraint(["assignment_id", "participant_id"],
                                ["shift_presence.assignment_id", "shift_presence.participant_id"],
                                name="presence_position_presence_fkey", ondelete="CASCADE"),
        sa.UniqueConstraint("assignment_id", "participant_id", "at", name="presence_position_once"),
        sa.CheckConstraint("accuracy_m >= 0", name="presence_position_accuracy"),
        sa.CheckConstraint("ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90",
                           name="presence_position_lonlat"),
    )
    op.create_index("ix_presence_position_geom", "presence_position", ["geom"], postgresql_using="gist")
    op.create_index("ix_presence_position_at", "presence_position", ["at"])

    # What the positions of an assignment are reduced to (kuzet db prune), kept after they are gone:
    # the assignment's figures over all its participants (the union of their time inside).
    op.create_table(
        "assignment_dosage",
        sa.Column("assignment_id", sa.Integer, sa.ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("minutes_inside", sa.Float, nullable=False),
        sa.Column("visits", sa.Integer, nullable=False),
        # share of the patrol route's length walked (within the tolerance); NULL: the assignment had no route
        sa.Column("route_share", sa.Float, nullable=True),
        sa.Column("minutes_checked_in", sa.Float, nullable=False),
        sa.Column("positions", sa.Integer, nullable=False),
        sa.Column("reduced_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("minutes_inside >= 0 AND visits >= 0 AND positions >= 0 AND minutes_checked_in >= 0",
                           name="assignment_dosage_counts"),
        sa.CheckConstraint("route_share IS NULL OR route_share BETWEEN 0 AND 1", name="assignment_dosage_share"),
    )


def downgrade() -> None:
    op.drop_table("assignment_dosage")
    op.drop_index("ix_presence_position_at", "presence_position")
    op.drop_index("ix_presence_position_geom", "presence_position")
    op.drop_table("presence_position")
    op.drop_table("shift_presence")
    op.execute("DROP TRIGGER location_consent_append_only ON location_consent")
    op.execute("DROP FUNCTION location_consent_append_only()")
    op.drop_index("ix_location_consent_participant", "location_consent")
    op.drop_table("location_consent")
