"""Accounts and roles, server-side sessions, login attempts, the audit log, field reports and
leaders' acknowledgements of assignments.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ROLES = ("admin", "dispatcher", "analyst", "supervisor", "leader")
REPORT_CATEGORIES = ("offence-prevented", "order-demand", "person-handed-over", "aid-to-victims",
                     "accident-or-emergency", "prevention-talk", "crime-information")


def upgrade() -> None:
    roles = ", ".join(f"'{r}'" for r in ROLES)
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("login", sa.Text, nullable=False, unique=True),
        sa.Column("full_name", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("roles", ARRAY(sa.Text), nullable=False),
        sa.Column("officer_id", sa.Integer, sa.ForeignKey("officer.id", ondelete="RESTRICT")),
        sa.Column("formation_id", sa.Integer, sa.ForeignKey("formation.id", ondelete="RESTRICT")),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint(f"cardinality(roles) > 0 AND roles <@ ARRAY[{roles}]::text[]", name="roles_closed_set"),
        sa.CheckConstraint("NOT ('supervisor' = ANY(roles)) OR officer_id IS NOT NULL",
                           name="supervisor_is_an_officer"),
        sa.CheckConstraint("NOT ('leader' = ANY(roles)) OR formation_id IS NOT NULL", name="leader_has_formation"),
        sa.CheckConstraint("login ~ '^[a-z0-9._-]{3,64}$'", name="login_format"),
    )
    op.create_table(
        "web_session",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("data", JSONB, nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("user_account.id", ondelete="CASCADE")),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_session_expires_at", "web_session", ["expires_at"])
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("login", sa.Text, nullable=False),
        sa.Column("remote_addr", sa.Text),
        sa.Column("succeeded", sa.Boolean, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_login_attempt_login_at", "login_attempt", ["login", "at"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        # No foreign key: an append-only log is never rewritten by a cascade; `actor` keeps the login.
        sa.Column("user_id", sa.Integer),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("entity", sa.Text, nullable=False),
        sa.Column("entity_id", sa.Integer),
        sa.Column("before", JSONB),
        sa.Column("after", JSONB),
    )
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id"])
    op.execute("""
        CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
        END $$""")
    op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
               "FOR EACH ROW EXECUTE FUNCTION refuse_audit_change()")

    categories = ", ".join(f"'{c}'" for c in REPORT_CATEGORIES)
    op.create_table(
        "field_report",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("formation_id", sa.Integer, sa.ForeignKey("formation.id", ondelete="RESTRICT")),
        sa.Column("assignment_id", sa.Integer, sa.ForeignKey("assignment.id", ondelete="SET NULL")),
        sa.Column("reported_by", sa.Integer, sa.ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("location_source", sa.Text, nullable=False, server_default="map"),
        sa.Column("geom", Geometry("POINT", srid=4326, spatial_index=False), nullable=False),
        sa.CheckConstraint(f"category IN ({categories})", name="category_closed_set"),
        sa.CheckConstraint("location_source IN ('map', 'device')", name="location_source_closed_set"),
        sa.CheckConstraint("observed_at <= reported_at", name="observed_before_reported"),
        sa.CheckConstraint("length(btrim(description)) > 0", name="description_not_blank"),
    )
    op.create_index("ix_field_report_geom", "field_report", ["geom"], postgresql_using="gist")
    op.create_index("ix_field_report_reported_at", "field_report", ["reported_at"])

    op.add_column("assignment", sa.Column("acknowledged_at", sa.DateTime(timezone=True)))
    op.add_column("assignment", sa.Column("acknowledged_by", sa.Integer,
                                          sa.ForeignKey("user_account.id", ondelete="SET NULL")))


def downgrade() -> None:
    op.drop_column("assignment", "acknowledged_by")
    op.drop_column("assignment", "acknowledged_at")
    op.drop_table("field_report")
    op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
    op.execute("DROP FUNCTION IF EXISTS refuse_audit_change()")
    for table in ("audit_log", "login_attempt", "web_session", "user_account"):
        op.drop_table(table)
