"""Street segments for routing (the planner's street-network distances)."""
from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, CheckConstraint, Double, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from ...crs import STORAGE_SRID
from .base import Base


class StreetSegment(Base):
    """One street line (an OSM way) as loaded; ``length_m`` measured on the spheroid."""

    __tablename__ = "street_segment"
    __table_args__ = (
        CheckConstraint("length_m >= 0", name="street_segment_length_not_negative"),
        CheckConstraint("ST_IsValid(geom)", name="street_segment_geom_valid"),
        Index("ix_street_segment_geom", "geom", postgresql_using="gist"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    highway: Mapped[str | None] = mapped_column(Text)
    osm_id: Mapped[int | None] = mapped_column(BigInteger)
    length_m: Mapped[float] = mapped_column(Double)
    geom = mapped_column(Geometry("LINESTRING", srid=STORAGE_SRID, spatial_index=False), nullable=False)
