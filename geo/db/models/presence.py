"""Presence on a shift with consent (migration 0032): check-ins, location consent, positions, dosage."""
from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, ForeignKeyConstraint, Integer, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ...crs import STORAGE_SRID
from .base import Base


class LocationConsent(Base):
    """Append-only (a trigger refuses UPDATE and DELETE): the latest row of a participant is in force."""

    __tablename__ = "location_consent"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="RESTRICT"))
    given: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    recorded_by: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    statement: Mapped[str] = mapped_column(Text)
    retention_days: Mapped[int] = mapped_column(Integer)


class ShiftPresence(Base):
    """A participant's check-in (and check-out) on an assignment; ``tracking`` while the phone sends."""

    __tablename__ = "shift_presence"
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="RESTRICT"), primary_key=True)
    checked_in_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    checked_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_in_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    tracking: Mapped[bool] = mapped_column(Boolean, server_default="false")


class PresencePosition(Base):
    """A position sent by a consenting participant's phone while checked in (kept for the retention)."""

    __tablename__ = "presence_position"
    __table_args__ = (ForeignKeyConstraint(["assignment_id", "participant_id"],
                                           ["shift_presence.assignment_id", "shift_presence.participant_id"],
                                           name="presence_position_presence_fkey", ondelete="CASCADE"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(Integer)
    participant_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    geom = mapped_column(Geometry("POINT", srid=STORAGE_SRID, spatial_index=False), nullable=False)
    accuracy_m: Mapped[float] = mapped_column(Float)


class AssignmentDosage(Base):
    """The figures an assignment's positions were reduced to before they were pruned."""

    __tablename__ = "assignment_dosage"
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True)
    minutes_inside: Mapped[float] = mapped_column(Float)
    visits: Mapped[int] = mapped_column(Integer)
    route_share: Mapped[float | None] = mapped_column(Float)
    minutes_checked_in: Mapped[float] = mapped_column(Float)
    positions: Mapped[int] = mapped_column(Integer)
    reduced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
