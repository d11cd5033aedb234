"""The offline basemap's features that no other table holds (parks, water, railways, ...)."""
from __future__ import annotations

from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from ...crs import STORAGE_SRID
from .base import Base

BASEMAP_KINDS = ("park", "wood", "square", "water", "waterway", "railway", "tram")


class BasemapFeature(Base):
    """One OSM area or line drawn under the map pages; ``kind`` says how it is drawn."""

    __tablename__ = "basemap_feature"
    __table_args__ = (
        CheckConstraint("kind IN ('park', 'wood', 'square', 'water', 'waterway', 'railway', 'tram')",
                        name="basemap_feature_kind_known"),
        CheckConstraint("GeometryType(geom) IN ('LINESTRING', 'MULTILINESTRING', 'POLYGON', 'MULTIPOLYGON')",
                        name="basemap_feature_geom_line_or_area"),
        Index("ix_basemap_feature_geom", "geom", postgresql_using="gist"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    name_ru: Mapped[str | None] = mapped_column(Text)
    name_kk: Mapped[str | None] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    osm_id: Mapped[str | None] = mapped_column(Text)
    geom = mapped_column(Geometry("GEOMETRY", srid=STORAGE_SRID, spatial_index=False), nullable=False)
