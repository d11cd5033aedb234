"""Stored hot spot analyses and their result cells."""
from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import Boolean, DateTime, Float, ForeignKey, ForeignKeyConstraint, Integer, SmallInteger, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ...crs import STORAGE_SRID
from .base import Base


class AnalysisRun(Base):
    __tablename__ = "analysis_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    method: Mapped[str] = mapped_column(Text)
    parameters: Mapped[dict] = mapped_column(JSONB)
    selection: Mapped[dict] = mapped_column(JSONB)
    incident_count: Mapped[int] = mapped_column(Integer)
    cell_count: Mapped[int] = mapped_column(Integer)
    island_count: Mapped[int] = mapped_column(Integer, server_default="0")
    summary: Mapped[dict] = mapped_column(JSONB, server_default="{}")
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    duration_ms: Mapped[int | None] = mapped_column(Integer)


class AnalysisCell(Base):
    __tablename__ = "analysis_cell"
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_run.id", ondelete="CASCADE"), primary_key=True)
    cell_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[float | None] = mapped_column(Float)
    value: Mapped[float | None] = mapped_column(Float)
    z: Mapped[float | None] = mapped_column(Float)
    p: Mapped[float | None] = mapped_column(Float)
    p_fdr: Mapped[float | None] = mapped_column(Float)
    class_: Mapped[int | None] = mapped_column("class", SmallInteger)
    quadrant: Mapped[str | None] = mapped_column(Text)
    island: Mapped[bool] = mapped_column(Boolean, server_default="false")
    geom = mapped_column(Geometry("GEOMETRY", srid=STORAGE_SRID, spatial_index=False), nullable=False)


class EmergingCell(Base):
    """An emerging hot spot run's cell: its pattern, the trends of its counts and of its Gi* z, and
    its series over the cube's steps (the steps themselves are in the run's summary)."""

    __tablename__ = "emerging_cell"
    __table_args__ = (ForeignKeyConstraint(["run_id", "cell_id"], ["analysis_cell.run_id", "analysis_cell.cell_id"],
                                           ondelete="CASCADE"),)
    run_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cell_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pattern: Mapped[str] = mapped_column(Text)
    count_trend_z: Mapped[float | None] = mapped_column(Float)
    count_trend_p: Mapped[float | None] = mapped_column(Float)
    z_trend_z: Mapped[float | None] = mapped_column(Float)
    z_trend_p: Mapped[float | None] = mapped_column(Float)
    counts: Mapped[list] = mapped_column(ARRAY(Float))
    z: Mapped[list] = mapped_column(ARRAY(Float))
    p: Mapped[list] = mapped_column(ARRAY(Float))
