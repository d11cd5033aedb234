"""Street segments for routing (the planner's street-network distances)."""
from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, Boolean, CheckConstraint, Double, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from ...crs import STORAGE_SRID
from .base import Base


class StreetSegment(Base):
    """One street line (an OSM way, or a part of an imported line) as loaded; ``length_m`` measured on
    the spheroid. ``one_way`` (drawn direction only) and ``speed_kmh`` come with imported streets and
    are kept for routing by vehicle; walking distances ignore both."""

    __tablename__ = "street_segment"
    __table_args__ = (
        CheckConstraint("length_m >= 0", name="street_segment_length_not_negative"),
        CheckConstraint("ST_IsValid(geom)", name="street_segment_geom_valid"),
        CheckConstraint("speed_kmh > 0", name="street_segment_speed_positive"),
        Index("ix_street_segment_geom", "geom", postgresql_using="gist"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    name_ru: Mapped[str | None] = mapped_column(Text)
    name_kk: Mapped[str | None] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    highway: Mapped[str | None] = mapped_column(Text)
    osm_id: Mapped[int | None] = mapped_column(BigInteger)
    length_m: Mapped[float] = mapped_column(Double)
    one_way: Mapped[bool | None] = mapped_column(Boolean)
    speed_kmh: Mapped[float | None] = mapped_column(Double)
    geom = mapped_column(Geometry("LINESTRING", srid=STORAGE_SRID, spatial_index=False), nullable=False)
