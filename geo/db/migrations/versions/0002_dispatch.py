"""People and work: officers and their duty, participants, membership, emergency areas,
assignments under police supervision with an append-only history (Order 641 items 5-8,
Law 590-II art. 5).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB, TSTZRANGE

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

REGISTRATION = ("applied", "police-check", "refused", "petition-to-akimat", "registered", "suspended",
                "withdrawn", "deregistered")
CERTIFICATE = ("issued", "returned", "lost", "withdrawn")
ASSIGNMENT_STATUS = ("proposed", "confirmed", "rejected", "cancelled")
TARGETS = ("patrol_zone", "public_place", "event", "pasture", "crop_field", "campus", "emergency_area")


def created() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "officer",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("rank", sa.Text),
        sa.Column("police_unit_id", sa.Integer, sa.ForeignKey("police_unit.id", ondelete="RESTRICT"),
                  nullable=False),
        sa.Column("phone", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        created(),
    )
    op.create_table(
        "officer_duty",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("officer_id", sa.Integer, sa.ForeignKey("officer.id", ondelete="CASCADE"), nullable=False),
        sa.Column("period", TSTZRANGE, nullable=False),
        sa.CheckConstraint("NOT isempty(period) AND NOT lower_inf(period) AND NOT upper_inf(period)",
                           name="duty_period_bounded"),
    )
    op.execute("ALTER TABLE officer_duty ADD CONSTRAINT officer_duty_no_overlap "
               "EXCLUDE USING gist (officer_id WITH =, period WITH &&)")

    op.create_table(
        "participant",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("full_name", sa.Text, nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("iin", sa.String(12), unique=True),
        sa.Column("registration_status", sa.Text, nullable=False, server_default="applied"),
        sa.Column("applied_on", sa.Date),
        sa.Column("registered_on", sa.Date),
        sa.Column("certificate_number", sa.Text, unique=True),
        sa.Column("certificate_status", sa.Text),
        sa.Column("legal_training_on", sa.Date),
        sa.Column("briefing_on", sa.Date),
        created(),
        sa.CheckConstraint(sa.column("registration_status").in_(REGISTRATION), name="registration_status_closed_set"),
        sa.CheckConstraint(sa.column("certificate_status").in_(CERTIFICATE), name="certificate_status_closed_set"),
        sa.CheckConstraint("iin ~ '^[0-9]{12}$'", name="iin_twelve_digits"),
        sa.CheckConstraint("(certificate_number IS NULL) = (certificate_status IS NULL)",
                           name="certificate_number_with_status"),
    )
    op.add_column("formation", sa.Column("leader_id", sa.Integer,
                                         sa.ForeignKey("participant.id", ondelete="SET NULL")))
    op.create_table(
        "formation_member",
        sa.Column("formation_id", sa.Integer, sa.ForeignKey("formation.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participant.id", ondelete="RESTRICT"),
                  primary_key=True),
        sa.Column("joined_on", sa.Date, nullable=False, server_default=sa.func.current_date()),
        sa.Column("left_on", sa.Date),
        sa.CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
    )

    op.create_table(
        "emergency_area",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("period", TSTZRANGE),
        sa.Column("note", sa.Text),
        sa.Column("geom", Geometry("POLYGON", srid=4326, spatial_index=False), nullable=False),
        created(),
        sa.CheckConstraint("ST_IsValid(geom)", name="geom_valid"),
    )
    op.create_index("ix_emergency_area_geom", "emergency_area", ["geom"], postgresql_using="gist")

    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("formation_id", sa.Integer, sa.ForeignKey("formation.id", ondelete="RESTRICT"), nullable=False),
        *[sa.Column(f"{t}_id", sa.Integer, sa.ForeignKey(f"{t}.id", ondelete="RESTRICT")) for t in TARGETS],
        sa.Column("regime", sa.Text, nullable=False),
        sa.Column("activity", sa.Text, nullable=False),
        sa.Column("shift", TSTZRANGE, nullable=False),
        sa.Column("officer_id", sa.Integer, sa.ForeignKey("officer.id", ondelete="RESTRICT")),
        sa.Column("status", sa.Text, nullable=False, server_default="proposed"),
        sa.Column("status_reason", sa.Text),
        sa.Column("override_officer_id", sa.Integer, sa.ForeignKey("officer.id", ondelete="RESTRICT")),
        sa.Column("override_reason", sa.Text),
        sa.Column("created_by", sa.Text, nullable=False),
        created(),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(f"num_nonnulls({', '.join(t + '_id' for t in TARGETS)}) = 1", name="one_target"),
        sa.CheckConstraint("NOT isempty(shift) AND lower(shift) < upper(shift) "
                           "AND NOT lower_inf(shift) AND NOT upper_inf(shift)",
                           name="shift_starts_before_ends"),
        sa.CheckConstraint(sa.column("status").in_(ASSIGNMENT_STATUS), name="status_closed_set"),
        sa.CheckConstraint("(override_officer_id IS NULL) = (override_reason IS NULL)",
                           name="override_names_officer_and_reason"),
        sa.CheckConstraint("override_reason IS NULL OR length(btrim(override_reason)) > 0",
                           name="override_reason_not_blank"),
    )
    # no-double-booking: a formation is never in two live assignments at once, whatever the interleaving.
    op.execute("ALTER TABLE assignment ADD CONSTRAINT assignment_no_double_booking "
               "EXCLUDE USING gist (formation_id WITH =, shift WITH &&) "
               "WHERE (status IN ('proposed', 'confirmed'))")
    op.create_index("ix_assignment_shift", "assignment", ["shift"], postgresql_using="gist")
    op.create_index("ix_assignment_officer", "assignment", ["officer_id"])

    op.create_table(
        "assignment_member",
        sa.Column("assignment_id", sa.Integer, sa.ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participant.id", ondelete="RESTRICT"),
                  primary_key=True),
    )
    op.create_table(
        "assignment_history",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("assignment_id", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("before", JSONB),
        sa.Column("after", JSONB),
    )
    op.create_index("ix_assignment_history_assignment", "assignment_history", ["assignment_id"])
    op.execute("""
        CREATE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'assignment_history is append-only' USING ERRCODE = 'insufficient_privilege';
        END $$""")
    op.execute("CREATE TRIGGER assignment_history_append_only BEFORE UPDATE OR DELETE ON assignment_history "
               "FOR EACH ROW EXECUTE FUNCTION refuse_history_change()")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS assignment_history_append_only ON assignment_history")
    op.execute("DROP FUNCTION IF EXISTS refuse_history_change()")
    for table in ("assignment_history", "assignment_member", "assignment", "emergency_area", "formation_member"):
        op.drop_table(table)
    op.drop_column("formation", "leader_id")
    for table in ("participant", "officer_duty", "officer"):
        op.drop_table(table)
