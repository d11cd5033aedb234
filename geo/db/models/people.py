"""Officers and their duty, participants and their membership in formations (Law 590-II art. 5)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, Text, func
from sqlalchemy.dialects.postgresql import TSTZRANGE, Range
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Officer(Base):
    __tablename__ = "officer"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    rank: Mapped[str | None] = mapped_column(Text)
    police_unit_id: Mapped[int] = mapped_column(ForeignKey("police_unit.id", ondelete="RESTRICT"))
    phone: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    # The police service the officer belongs to (migration 0022; item 6.2 names some): OFFICER_SERVICES.
    service: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OfficerDuty(Base):
    __tablename__ = "officer_duty"
    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id", ondelete="CASCADE"))
    period: Mapped[Range[datetime]] = mapped_column(TSTZRANGE)


class Participant(Base):
    __tablename__ = "participant"
    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(Text)
    birth_date: Mapped[date] = mapped_column(Date)
    iin: Mapped[str | None] = mapped_column(String(12), unique=True)
    registration_status: Mapped[str] = mapped_column(Text, server_default="applied")
    applied_on: Mapped[date | None] = mapped_column(Date)
    registered_on: Mapped[date | None] = mapped_column(Date)
    certificate_number: Mapped[str | None] = mapped_column(Text, unique=True)
    certificate_status: Mapped[str | None] = mapped_column(Text)
    legal_training_on: Mapped[date | None] = mapped_column(Date)
    briefing_on: Mapped[date | None] = mapped_column(Date)
    # Order 641 item 5: individual, member (of a formation) or both (migration 0022).
    participation_form: Mapped[str] = mapped_column(Text, server_default="member")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FormationMember(Base):
    __tablename__ = "formation_member"
    formation_id: Mapped[int] = mapped_column(ForeignKey("formation.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="RESTRICT"),
                                                primary_key=True)
    joined_on: Mapped[date] = mapped_column(Date, server_default=func.current_date())
    left_on: Mapped[date | None] = mapped_column(Date)
