"""The PostGIS layers as SQLAlchemy 2 models (the migrations hold the same schema)."""
from __future__ import annotations

from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, Computed, Date, DateTime, Float, ForeignKey, Integer, String, Text, func
from sqlalchemy import select
from sqlalchemy.orm import Mapped, column_property, mapped_column

from ...crs import STORAGE_SRID
from ...domain import CampusKind, EventKind, FormationBase, IncidentSource, PublicPlaceKind, values


def geometry(kind: str) -> Geometry:
    # Indexes are created explicitly by the migrations, so GeoAlchemy2 must not add its own.
    return Geometry(kind, srid=STORAGE_SRID, spatial_index=False)


def one_of(column: str, enum) -> CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values(enum))
    return CheckConstraint(f"{column} IN ({quoted})", name=f"{column}_closed_set")


from .base import Base


class Created:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class District(Created, Base):
    __tablename__ = "district"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    name_ru: Mapped[str | None] = mapped_column(Text)
    name_kk: Mapped[str | None] = mapped_column(Text)
    kato: Mapped[str | None] = mapped_column(String(12))
    city: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(geometry("MULTIPOLYGON"), nullable=False)


class PoliceUnit(Created, Base):
    __tablename__ = "police_unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("police_unit.id", ondelete="SET NULL"))
    phone: Mapped[str | None] = mapped_column(Text)
    station = mapped_column(geometry("POINT"))
    jurisdiction = mapped_column(geometry("MULTIPOLYGON"), nullable=False)


class PublicPlace(Created, Base):
    __tablename__ = "public_place"
    __table_args__ = (one_of("kind", PublicPlaceKind),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_ru: Mapped[str | None] = mapped_column(Text)
    name_kk: Mapped[str | None] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    osm_id: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(geometry("GEOMETRY"), nullable=False)


class Pasture(Created, Base):
    __tablename__ = "pasture"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_ru: Mapped[str | None] = mapped_column(Text)
    name_kk: Mapped[str | None] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    osm_id: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(geometry("MULTIPOLYGON"), nullable=False)


class CropField(Created, Base):
    __tablename__ = "crop_field"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_ru: Mapped[str | None] = mapped_column(Text)
    name_kk: Mapped[str | None] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    crop: Mapped[str | None] = mapped_column(Text)
    osm_id: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(geometry("MULTIPOLYGON"), nullable=False)


class Campus(Created, Base):
    __tablename__ = "campus"
    __table_args__ = (one_of("kind", CampusKind),
                      CheckConstraint("buffer_m IS NULL OR buffer_m > 0", name="buffer_m_positive"))
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    name_ru: Mapped[str | None] = mapped_column(Text)
    name_kk: Mapped[str | None] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    buffer_m: Mapped[float | None] = mapped_column(Float)
    osm_id: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(geometry("MULTIPOLYGON"), nullable=False)


class PatrolZone(Created, Base):
    __tablename__ = "patrol_zone"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    police_unit_id: Mapped[int | None] = mapped_column(ForeignKey("police_unit.id", ondelete="RESTRICT"))
    note: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(geometry("POLYGON"), nullable=False)


class Event(Created, Base):
    __tablename__ = "event"
    __table_args__ = (
        one_of("kind", EventKind),
        CheckConstraint("starts_at < ends_at", name="event_starts_before_ends"),
        CheckConstraint("expected_attendance >= 0", name="attendance_not_negative"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expected_attendance: Mapped[int] = mapped_column(Integer)
    venue: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(geometry("POLYGON"), nullable=False)


class Formation(Created, Base):
    __tablename__ = "formation"
    __table_args__ = (
        one_of("base_type", FormationBase),
        CheckConstraint(
            "num_nonnulls(notified_unit_id, notified_on, notification_ref) IN (0, 3)",
            name="notification_complete",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    base_type: Mapped[str] = mapped_column(Text)
    base_address: Mapped[str | None] = mapped_column(Text)
    notified_unit_id: Mapped[int | None] = mapped_column(ForeignKey("police_unit.id", ondelete="RESTRICT"))
    notified_on: Mapped[date | None] = mapped_column(Date)
    notification_ref: Mapped[str | None] = mapped_column(Text)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    home_area = mapped_column(geometry("MULTIPOLYGON"), nullable=False)
    base_location = mapped_column(geometry("POINT"))


# The notified unit of a formation, read with it (one query for many formations): its name, and the
# share of the formation's home area its jurisdiction holds (by area on the spheroid; None when no
# unit is recorded) — Order 641 item 7 asks for the territorial body where the formation acts.
Formation.notified_unit_name = column_property(
    select(PoliceUnit.name).where(PoliceUnit.id == Formation.notified_unit_id).correlate_except(PoliceUnit)
    .scalar_subquery())
# Whether the home area holds the formation's base (None: no base recorded).
Formation.base_in_home_area = column_property(func.ST_Covers(Formation.home_area, Formation.base_location))
Formation.notified_share = column_property(
    select(func.ST_Area(func.geography(func.ST_Intersection(PoliceUnit.jurisdiction, Formation.home_area)))
           / func.nullif(func.ST_Area(func.geography(Formation.home_area)), 0))
    .where(PoliceUnit.id == Formation.notified_unit_id).correlate_except(PoliceUnit).scalar_subquery())


class Incident(Created, Base):
    __tablename__ = "incident"
    __table_args__ = (one_of("source", IncidentSource),
                      CheckConstraint("reported_at IS NULL OR reported_at >= occurred_at",
                                      name="reported_after_occurred"),
                      CheckConstraint("weight IS NULL OR weight >= 0", name="weight_not_negative"))
    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    category: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text, server_default=IncidentSource.IMPORT.value)
    external_id: Mapped[str | None] = mapped_column(Text)
    weight: Mapped[float | None] = mapped_column(Float)  # what a weighted run sums; NULL counts as 1
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"))
    geom = mapped_column(geometry("POINT"), nullable=False)
    # the point in the UTM zone holding it (migration 0011): what a run in that zone counts, untransformed
    utm_srid: Mapped[int] = mapped_column(Integer, Computed("kuzet_utm_srid(geom)", persisted=True))
    utm_x: Mapped[float] = mapped_column(Float(precision=53), Computed(
        "ST_X(ST_Transform(geom, kuzet_utm_srid(geom)))", persisted=True))
    utm_y: Mapped[float] = mapped_column(Float(precision=53), Computed(
        "ST_Y(ST_Transform(geom, kuzet_utm_srid(geom)))", persisted=True))
    # the point in Web Mercator (migration 0014): what the vector tiles filter and count into cells
    merc_x: Mapped[float] = mapped_column(Float(precision=53),
                                          Computed("ST_X(ST_Transform(geom, 3857))", persisted=True))
    merc_y: Mapped[float] = mapped_column(Float(precision=53),
                                          Computed("ST_Y(ST_Transform(geom, 3857))", persisted=True))


class IncidentCell(Base):
    """How many incidents lie in one square of ``geo.db.tiles.CELL_M`` metres of EPSG:3857, keyed by
    ``floor(merc_x / CELL_M)``, ``floor(merc_y / CELL_M)``: kept equal to ``incident`` by the
    database's triggers (migration 0018), read by the incident tiles below the points zoom."""

    __tablename__ = "incident_cell"
    __table_args__ = (CheckConstraint("count >= 0", name="incident_cell_count_not_negative"),)
    ix: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    iy: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(Integer)


class AnalysisArea(Created, Base):
    """A polygon of an imported set (census blocks, ...) that hot spot runs can count incidents into."""

    __tablename__ = "analysis_area"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(Text)
    set_name: Mapped[str] = mapped_column(Text)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"))
    geom = mapped_column(geometry("MULTIPOLYGON"), nullable=False)


class AnalysisAreaWeights(Base):
    """The weights file (GAL or GWT, as text) imported with a set of analysis areas; its ids are the
    areas' ``external_id``."""

    __tablename__ = "analysis_area_weights"
    set_name: Mapped[str] = mapped_column(Text, primary_key=True)
    format: Mapped[str] = mapped_column(Text)
    id_field: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ImportBatch(Base):
    """One successful import: what was read, into which layer, how many rows.

    ``sha256`` is the checksum of the file read (None for in-memory frames): a repeat is refused.
    """

    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    layer: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str] = mapped_column(Text)
    source_crs: Mapped[str | None] = mapped_column(Text)
    row_count: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


MODELS = {m.__tablename__: m for m in (District, PoliceUnit, PublicPlace, Pasture, CropField, Campus,
                                       PatrolZone, Event, Formation, Incident, AnalysisArea)}
