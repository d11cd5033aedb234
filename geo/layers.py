"""The catalogue of kuzet's map layers: their fields, geometry and closed sets.

Import, the API and the map all read this one catalogue, so a layer is described once. Street
segments (``STREETS``) are routing data, not a map layer: they are importable (``IMPORTABLE``) but
not served as features.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .domain import CampusKind, EventKind, FormationBase, IncidentSource, PublicPlaceKind, ReportCategory, values
from .messages import N_

FieldType = Literal["text", "int", "bigint", "float", "bool", "date", "datetime", "ref", "point"]


@dataclass(frozen=True)
class Field:
    """A column of a layer as import and the API see it.

    ``ref`` fields hold the id or the exact name of a row of layer ``ref``; ``point`` fields hold
    a secondary point geometry given as WKT or "lon lat"; ``bool`` fields read yes/no, true/false,
    1/0 (any case). A number must be at least ``minimum`` and greater than ``above``.
    """

    name: str
    type: FieldType = "text"
    required: bool = False
    choices: tuple[str, ...] | None = None
    default: str | None = None
    ref: str | None = None
    minimum: float | None = None
    above: float | None = None
    unique: bool = False
    tooltip: bool = True

    @property
    def column(self) -> str:
        return f"{self.name}_id" if self.type == "ref" else self.name


@dataclass(frozen=True)
class LayerSpec:
    """One layer: a table with one main geometry column and typed fields."""

    name: str
    title: str
    geometry: Literal["Point", "LineString", "MultiPolygon", "Polygon", "Geometry"]
    fields: tuple[Field, ...]
    item: str | None = None
    all_or_none: tuple[tuple[str, ...], ...] = ()
    ordered: tuple[tuple[str, str], ...] = ()
    geometry_column: str = "geom"
    extra: dict = field(default_factory=dict)

    @property
    def table(self) -> str:
        return self.name

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)


NAME = Field("name", required=True)
UNIQUE_NAME = Field("name", required=True, unique=True)
# A place's name in other languages beside its original ``name`` (OSM ``name:ru``, ``name:kk``,
# ``name:en``): pages, tiles, the API and exports show the reader's one as ``name`` (geo.db.names).
NAMES_IN = (Field("name_ru"), Field("name_kk"), Field("name_en"))

LAYERS: dict[str, LayerSpec] = {
    spec.name: spec
    for spec in (
        LayerSpec(
            "district", N_("Districts"), "MultiPolygon",
            (UNIQUE_NAME, Field("name_ru"), Field("name_kk"), Field("kato"), Field("city")),
        ),
        LayerSpec(
            "police_unit", N_("Police units"), "MultiPolygon",
            (UNIQUE_NAME, Field("district", "ref", ref="district"), Field("station", "point", tooltip=False),
             Field("phone")),
            geometry_column="jurisdiction",
        ),
        LayerSpec(
            "public_place", N_("Public places"), "Geometry",
            (NAME, Field("kind", required=True, choices=values(PublicPlaceKind)), Field("osm_id"), *NAMES_IN),
            item="8.1",
        ),
        LayerSpec("pasture", N_("Pastures"), "MultiPolygon", (NAME, Field("osm_id"), *NAMES_IN), item="8.5"),
        LayerSpec("crop_field", N_("Crop fields"), "MultiPolygon",
                  (NAME, Field("crop"), Field("osm_id"), *NAMES_IN), item="8.6"),
        LayerSpec(
            "campus", N_("Educational institutions"), "MultiPolygon",
            (NAME, Field("kind", required=True, choices=values(CampusKind)),
             Field("buffer_m", "float", minimum=0), Field("osm_id"), *NAMES_IN),
            item="8.7",
        ),
        LayerSpec(
            "patrol_zone", N_("Patrol zones"), "Polygon",
            (NAME, Field("police_unit", "ref", ref="police_unit"), Field("note")),
        ),
        LayerSpec(
            "event", N_("Events"), "Polygon",
            (NAME, Field("kind", required=True, choices=values(EventKind)),
             Field("starts_at", "datetime", required=True), Field("ends_at", "datetime", required=True),
             Field("expected_attendance", "int", required=True, minimum=0),
             Field("venue")),
            item="8.1", ordered=(("starts_at", "ends_at"),),
        ),
        LayerSpec(
            "formation", N_("Formations"), "MultiPolygon",
            (NAME, Field("base_type", required=True, choices=values(FormationBase)),
             Field("base_address"), Field("base_location", "point", tooltip=False),
             Field("notified_unit", "ref", ref="police_unit"),
             Field("notified_on", "date"), Field("notification_ref")),
            item="7", all_or_none=(("notified_unit", "notified_on", "notification_ref"),),
            geometry_column="home_area",
        ),
        LayerSpec(
            "incident", N_("Incidents"), "Point",
            (Field("occurred_at", "datetime", required=True), Field("reported_at", "datetime"),
             Field("category", required=True), Field("description"),
             Field("source", choices=values(IncidentSource), default=IncidentSource.IMPORT.value),
             Field("external_id"), Field("weight", "float", minimum=0)),
        ),
        LayerSpec(
            "analysis_area", N_("Analysis areas"), "MultiPolygon",
            (NAME, Field("external_id"), Field("set_name", required=True)),
        ),
    )
}


# Streets the planner routes along. A file's lines replace the stored segments inside the convex
# hull of its lines (geo.services.layers.streets); multi-part lines are stored part by part.
STREETS = LayerSpec(
    "street_segment", N_("Streets"), "LineString",
    (Field("name"), Field("highway"), Field("one_way", "bool"), Field("speed_kmh", "float", above=0),
     Field("osm_id", "bigint"), *NAMES_IN),
)

# Field reports from the formations' phones: filed in the app (geo.services.field), never imported,
# and read as a layer by the OGC API (``geo.services.layers.collections``).
FIELD_REPORTS = LayerSpec(
    "field_report", "Field reports", "Point",
    (Field("category", required=True, choices=values(ReportCategory)), Field("observed_at", "datetime", required=True),
     Field("reported_at", "datetime"), Field("description"), Field("formation", "ref", ref="formation"),
     Field("assignment", "ref", ref="assignment"), Field("reported_by", "int"), Field("location_source")),
)

# Every layer a file can be imported into.
IMPORTABLE: dict[str, LayerSpec] = {**LAYERS, STREETS.name: STREETS}


def layer(name: str) -> LayerSpec:
    """The spec of a layer by name; raises KeyError for an unknown one."""
    return LAYERS[name]
