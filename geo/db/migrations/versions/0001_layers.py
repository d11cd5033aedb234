"""The map layers: districts, police units, places, pastures, crop fields, campuses, zones,
events, formations and incidents (Order 641 items 7 and 8).

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SRID = 4326
PUBLIC_PLACE_KINDS = ("street", "square", "station", "thoroughfare", "park", "market", "stadium", "other")
EVENT_KINDS = ("sporting", "cultural", "mass", "entertainment")
CAMPUS_KINDS = ("school", "college", "university", "hostel", "workshop", "other")
FORMATION_BASES = ("residence", "work", "study", "property")
INCIDENT_SOURCES = ("police-record", "formation-report", "citizen-report", "import", "synthetic-demo")


def geom(kind: str) -> Geometry:
    return Geometry(kind, srid=SRID, spatial_index=False)


def closed_set(column: str, allowed: tuple[str, ...]) -> sa.CheckConstraint:
    return sa.CheckConstraint(sa.column(column).in_(allowed), name=f"{column}_closed_set")


def valid(column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"ST_IsValid({column})", name=f"{column}_valid")


def created() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def gist(table: str, column: str = "geom") -> None:
    op.create_index(f"ix_{table}_{column}", table, [column], postgresql_using="gist")


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")

    op.create_table(
        "district",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("name_ru", sa.Text), sa.Column("name_kk", sa.Text),
        sa.Column("kato", sa.String(12)), sa.Column("city", sa.Text),
        sa.Column("geom", geom("MULTIPOLYGON"), nullable=False),
        created(), valid("geom"),
    )
    gist("district")

    op.create_table(
        "police_unit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("district_id", sa.Integer, sa.ForeignKey("district.id", ondelete="SET NULL")),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("police_unit.id", ondelete="SET NULL")),
        sa.Column("phone", sa.Text),
        sa.Column("station", geom("POINT")),
        sa.Column("jurisdiction", geom("MULTIPOLYGON"), nullable=False),
        created(), valid("jurisdiction"),
    )
    gist("police_unit", "station")
    gist("police_unit", "jurisdiction")

    op.create_table(
        "public_place",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("osm_id", sa.Text),
        sa.Column("geom", geom("GEOMETRY"), nullable=False),
        created(), closed_set("kind", PUBLIC_PLACE_KINDS), valid("geom"),
    )
    gist("public_place")

    for table, extra in (("pasture", []), ("crop_field", [sa.Column("crop", sa.Text)])):
        op.create_table(
            table,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("name", sa.Text, nullable=False),
            *extra,
            sa.Column("osm_id", sa.Text),
            sa.Column("geom", geom("MULTIPOLYGON"), nullable=False),
            created(), valid("geom"),
        )
        gist(table)

    op.create_table(
        "campus",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("buffer_m", sa.Float),
        sa.Column("osm_id", sa.Text),
        sa.Column("geom", geom("MULTIPOLYGON"), nullable=False),
        created(), closed_set("kind", CAMPUS_KINDS), valid("geom"),
        sa.CheckConstraint("buffer_m IS NULL OR buffer_m > 0", name="buffer_m_positive"),
    )
    gist("campus")

    op.create_table(
        "patrol_zone",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("police_unit_id", sa.Integer, sa.ForeignKey("police_unit.id", ondelete="RESTRICT")),
        sa.Column("note", sa.Text),
        sa.Column("geom", geom("POLYGON"), nullable=False),
        created(), valid("geom"),
    )
    gist("patrol_zone")

    op.create_table(
        "event",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expected_attendance", sa.Integer, nullable=False),
        sa.Column("venue", sa.Text),
        sa.Column("geom", geom("POLYGON"), nullable=False),
        created(), closed_set("kind", EVENT_KINDS), valid("geom"),
        sa.CheckConstraint("starts_at < ends_at", name="event_starts_before_ends"),
        sa.CheckConstraint("expected_attendance >= 0", name="attendance_not_negative"),
    )
    gist("event")

    op.create_table(
        "formation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("base_type", sa.Text, nullable=False),
        sa.Column("base_address", sa.Text),
        sa.Column("notified_unit_id", sa.Integer, sa.ForeignKey("police_unit.id", ondelete="RESTRICT")),
        sa.Column("notified_on", sa.Date),
        sa.Column("notification_ref", sa.Text),
        sa.Column("home_area", geom("MULTIPOLYGON"), nullable=False),
        created(), closed_set("base_type", FORMATION_BASES), valid("home_area"),
        sa.CheckConstraint("num_nonnulls(notified_unit_id, notified_on, notification_ref) IN (0, 3)",
                           name="notification_complete"),
    )
    gist("formation", "home_area")

    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("layer", sa.Text, nullable=False),
        sa.Column("source_name", sa.Text, nullable=False),
        sa.Column("source_crs", sa.Text),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )

    op.create_table(
        "incident",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True)),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("source", sa.Text, nullable=False, server_default="import"),
        sa.Column("external_id", sa.Text),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("import_batch.id", ondelete="SET NULL")),
        sa.Column("geom", geom("POINT"), nullable=False),
        created(), closed_set("source", INCIDENT_SOURCES),
        sa.CheckConstraint("reported_at IS NULL OR reported_at >= occurred_at", name="reported_after_occurred"),
    )
    gist("incident")
    op.create_index("ix_incident_occurred_at", "incident", ["occurred_at"])
    op.create_index("ix_incident_category", "incident", ["category"])


def downgrade() -> None:
    for table in ("incident", "import_batch", "formation", "event", "patrol_zone", "campus",
                  "crop_field", "pasture", "public_place", "police_unit", "district"):
        op.drop_table(table)
