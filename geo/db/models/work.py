"""Assignments of formations and individual participants under police supervision, their members and history."""
from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, ForeignKeyConstraint, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, TSTZRANGE, Range
from sqlalchemy.orm import Mapped, mapped_column

from ...crs import STORAGE_SRID
from ...domain import ASSIGNABLE_KINDS
from .base import Base

TARGET_TABLES = ASSIGNABLE_KINDS


class EmergencyArea(Base):
    __tablename__ = "emergency_area"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    period: Mapped[Range[datetime] | None] = mapped_column(TSTZRANGE)
    note: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("POLYGON", srid=STORAGE_SRID, spatial_index=False), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RegimeActivity(Base):
    """One activity of a regime's closed list (migration 0021); ``assignment (regime, activity)`` refers
    to it, so no other activity can be stored."""

    __tablename__ = "activity_type"
    regime: Mapped[str] = mapped_column(Text, primary_key=True)
    code: Mapped[str] = mapped_column(Text, primary_key=True)
    item: Mapped[str] = mapped_column(Text)
    form: Mapped[str] = mapped_column(Text)


class Assignment(Base):
    __tablename__ = "assignment"
    __table_args__ = (ForeignKeyConstraint(["regime", "activity"], ["activity_type.regime", "activity_type.code"],
                                           name="assignment_activity_fkey", ondelete="RESTRICT"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # Exactly one of the two is set (CHECK one_assignee, migration 0022): a formation or an individual.
    formation_id: Mapped[int | None] = mapped_column(ForeignKey("formation.id", ondelete="RESTRICT"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="RESTRICT"))
    patrol_zone_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_zone.id", ondelete="RESTRICT"))
    public_place_id: Mapped[int | None] = mapped_column(ForeignKey("public_place.id", ondelete="RESTRICT"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="RESTRICT"))
    pasture_id: Mapped[int | None] = mapped_column(ForeignKey("pasture.id", ondelete="RESTRICT"))
    crop_field_id: Mapped[int | None] = mapped_column(ForeignKey("crop_field.id", ondelete="RESTRICT"))
    campus_id: Mapped[int | None] = mapped_column(ForeignKey("campus.id", ondelete="RESTRICT"))
    emergency_area_id: Mapped[int | None] = mapped_column(ForeignKey("emergency_area.id", ondelete="RESTRICT"))
    regime: Mapped[str] = mapped_column(Text)
    activity: Mapped[str] = mapped_column(Text)
    shift: Mapped[Range[datetime]] = mapped_column(TSTZRANGE)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(Text, server_default="proposed")
    status_reason: Mapped[str | None] = mapped_column(Text)
    override_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id", ondelete="RESTRICT"))
    override_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # the Idempotency-Key of the request that proposed it (one assignment per account and key)
    request_key: Mapped[str | None] = mapped_column(Text)

    @property
    def target(self) -> tuple[str, int]:
        """(target table, id) of the one target the assignment points at."""
        for table in TARGET_TABLES:
            value = getattr(self, f"{table}_id")
            if value is not None:
                return table, value
        raise ValueError("assignment without target")


class AssignmentMember(Base):
    __tablename__ = "assignment_member"
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="RESTRICT"),
                                                primary_key=True)


class AssignmentHistory(Base):
    """Append-only: a trigger refuses UPDATE and DELETE."""

    __tablename__ = "assignment_history"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    assignment_id: Mapped[int] = mapped_column()
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSONB)
    after: Mapped[dict | None] = mapped_column(JSONB)


class PatrolRoute(Base):
    """The walking tour of an assignment (migration 0031): start to start along the streets, through
    the hottest cells of its target that fit in the shift's time."""

    __tablename__ = "patrol_route"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), unique=True)
    start_label: Mapped[str | None] = mapped_column(Text)
    start_geom = mapped_column(Geometry("POINT", srid=STORAGE_SRID, spatial_index=False), nullable=False)
    geom = mapped_column(Geometry("LINESTRING", srid=STORAGE_SRID, spatial_index=False), nullable=False)
    length_m: Mapped[float] = mapped_column(Float)
    minutes: Mapped[float] = mapped_column(Float)
    walking_kmh: Mapped[float] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float)
    weight_available: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)
    analysis_run_id: Mapped[int | None] = mapped_column(ForeignKey("analysis_run.id", ondelete="SET NULL"))
    stops: Mapped[list] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
