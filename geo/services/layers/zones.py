"""Areas a dispatcher draws on the map: patrol zones and emergency areas (items 8.1, 8.2-8.3).

A drawn area is stored only when it is one valid, closed polygon without self-intersection, lies
wholly inside the districts of the city, and is of a sensible size (metres², measured on the
spheroid); otherwise ``InvalidInput`` says why and nothing is stored. Only planners draw
(``geo.access.PLANNERS``); each stored area is written to the audit log.
"""
from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

from shapely.geometry import Polygon, mapping
from shapely.validation import explain_validity
from sqlalchemy.orm import Session

from ...access import PLANNERS, Principal, require
from ...db import zones as z
from ...domain import DEFAULT_TIMEZONE
from ...errors import InvalidInput, NotFound
from ...messages import N_, Message
from ...settings import ZoneLimits
from ..accountability.audit import record

MAX_NAME_LENGTH = 200


def _position(value, where: str) -> tuple[float, float]:
    if (not isinstance(value, (list, tuple)) or len(value) not in (2, 3)
            or not all(isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c)
                       for c in value)):
        raise InvalidInput(Message("zones.geometry-not-position-longitude",
                                   N_("geometry: %(where)s is not a position [longitude, latitude]"),
                                   where=where))
    lon, lat = float(value[0]), float(value[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInput(Message("zones.geometry-lies-outside",
                                   N_("geometry: %(where)s lies outside longitude -180..180 / latitude -90..90"),
                                   where=where))
    return lon, lat


def _ring(value, number: int) -> list[tuple[float, float]]:
    label = "the outer ring" if number == 0 else f"hole {number}"
    if not isinstance(value, (list, tuple)) or len(value) < 4:
        raise InvalidInput(Message("zones.geometry-needs-least",
                                   N_("geometry: %(label)s needs at least 4 positions (a closed triangle)"),
                                   label=label))
    ring = [_position(p, f"position {i + 1} of {label}") for i, p in enumerate(value)]
    if ring[0] != ring[-1]:
        raise InvalidInput(Message("zones.geometry-not-closed-last",
                                   N_("geometry: %(label)s is not closed (its last position must repeat the first)"),
                                   label=label))
    return ring


def polygon_from_geojson(geometry, max_vertices: int = ZoneLimits.max_vertices) -> Polygon:
    """A valid 2-D shapely Polygon from a GeoJSON Polygon geometry, or InvalidInput saying what is wrong
    (more than ``max_vertices`` positions in all its rings, too).

    Examples
    --------
    >>> polygon_from_geojson({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}).area
    0.5
    """
    if not isinstance(geometry, dict):
        raise InvalidInput(Message("zones.geometry-geojson-polygon", N_("geometry must be a GeoJSON Polygon object")))
    kind = geometry.get("type")
    if kind != "Polygon":
        raise InvalidInput(Message("zones.geometry-geojson-polygon-2",
                                   N_("geometry must be a GeoJSON Polygon, got %(kind)r"),
                                   kind=kind))
    rings = geometry.get("coordinates")
    if not isinstance(rings, (list, tuple)) or not rings:
        raise InvalidInput(Message("zones.geometry-polygon-needs",
                                   N_("geometry: a Polygon needs coordinates: a list of rings")))
    vertices = sum(len(r) if isinstance(r, (list, tuple)) else 0 for r in rings)
    if vertices > max_vertices:
        raise InvalidInput(Message("zones.geometry-polygon-has",
                                   N_("geometry: the polygon has %(vertices)s positions; at most %(max_vertices)s "
                                      "are accepted (simplify it)"),
                                   vertices=format(vertices, ','), max_vertices=format(max_vertices, ',')))
    shell, *holes = [_ring(r, i) for i, r in enumerate(rings)]
    polygon = Polygon(shell, holes)
    if polygon.is_empty or not polygon.is_valid:
        raise InvalidInput(Message("zones.geometry-not-valid-polygon",
                                   N_("geometry is not a valid polygon: %(explain_validity)s"),
                                   explain_validity=explain_validity(polygon)))
    return polygon


def _name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(Message("zones.name-required", N_("name is required")))
    if len(name.strip()) > MAX_NAME_LENGTH:
        raise InvalidInput(Message("zones.name-longer-than",
                                   N_("name is longer than %(MAX_NAME_LENGTH)s characters"),
                                   MAX_NAME_LENGTH=MAX_NAME_LENGTH))
    return name.strip()


def _placed(session: Session, polygon: Polygon, limits: ZoneLimits) -> z.Placement:
    where = z.placement(session, polygon)
    min_area_m2, max_area_m2 = limits.min_area_m2, limits.max_area_m2
    if not where.inside_districts:
        raise InvalidInput(Message("zones.geometry-area-not-inside",
                                   N_("geometry: the area is not inside the districts of the city; draw it within "
                                      "them")))
    if where.area_m2 < min_area_m2:
        raise InvalidInput(Message("zones.geometry-area-too",
                                   N_("geometry: the area is too small: %(area_m2)s m² (at least %(min_area_m2)s "
                                      "m²)"),
                                   area_m2=format(where.area_m2, ',.0f'),
                                   min_area_m2=format(min_area_m2, ',.0f')))
    if where.area_m2 > max_area_m2:
        raise InvalidInput(Message("zones.geometry-area-too-2",
                                   N_("geometry: the area is too large: %(value)s km² (at most %(value2)s km²)"),
                                   value=format(where.area_m2 / 1e6, ',.2f'),
                                   value2=format(max_area_m2 / 1e6, ',.2f')))
    return where


def _feature(kind: str, row, polygon: Polygon, **properties) -> dict:
    return {"type": "Feature", "id": row.id, "geometry": mapping(polygon),
            "properties": {"target_kind": kind, "target_id": row.id, "id": row.id, "name": row.name,
                           "note": row.note, **properties}}


def draw_patrol_zone(session: Session, *, actor: Principal, name, geometry, police_unit_id: int | None = None,
                     note: str | None = None, limits: ZoneLimits = ZoneLimits()) -> dict:
    """Store a patrol zone drawn on the map and return it as a GeoJSON feature.

    Without ``police_unit_id`` the zone belongs to the unit whose jurisdiction holds its point on
    surface; ``limits`` bound its area. Raises ``InvalidInput`` (bad polygon, outside the districts,
    too small or large) or ``NotFound`` (unknown unit); nothing is stored then.

    Examples
    --------
    >>> draw_patrol_zone(session, actor=SYSTEM, name="Arbat", geometry=polygon_geojson)  # doctest: +SKIP
    {'type': 'Feature', 'id': 12, ...}
    """
    require(actor, *PLANNERS)
    name = _name(name)
    polygon = polygon_from_geojson(geometry, limits.max_vertices)
    if police_unit_id is not None and not z.unit_exists(session, police_unit_id):
        raise NotFound(Message("zones.no-police-unit",
                               N_("no police unit %(police_unit_id)s"),
                               police_unit_id=police_unit_id))
    where = _placed(session, polygon, limits)
    unit_id = police_unit_id if police_unit_id is not None else where.unit_id
    zone = z.insert_patrol_zone(session, name=name, polygon=polygon, police_unit_id=unit_id, note=note)
    feature = _feature("patrol_zone", zone, polygon, police_unit_id=unit_id, area_m2=round(where.area_m2, 1))
    return _recorded(session, actor, feature)


def draw_emergency_area(session: Session, *, actor: Principal, name, geometry, starts_at: datetime,
                        ends_at: datetime | None = None,
                        note: str | None = None, limits: ZoneLimits = ZoneLimits(),
                        timezone: str = DEFAULT_TIMEZONE) -> dict:
    """Store an emergency area (items 8.2-8.3) with its period (open-ended without ``ends_at``).

    Raises ``InvalidInput`` like :func:`draw_patrol_zone`, or when the period ends before it starts.
    """
    require(actor, *PLANNERS)
    name = _name(name)
    polygon = polygon_from_geojson(geometry, limits.max_vertices)
    if starts_at.tzinfo is None or (ends_at is not None and ends_at.tzinfo is None):
        raise InvalidInput(Message("zones.period-times-need", N_("period: times need a time zone")))
    if ends_at is not None and not starts_at < ends_at:
        raise InvalidInput(Message("zones.period-emergency-start",
                                   N_("period: the emergency must start before it ends")))
    where = _placed(session, polygon, limits)
    area = z.insert_emergency_area(session, name=name, polygon=polygon, starts_at=starts_at, ends_at=ends_at,
                                   note=note)
    tz = ZoneInfo(timezone)
    return _recorded(session, actor, _feature("emergency_area", area, polygon, area_m2=round(where.area_m2, 1),
                                              starts_at=starts_at.astimezone(tz).isoformat(),
                                              ends_at=ends_at.astimezone(tz).isoformat() if ends_at else None))


def _recorded(session: Session, actor: Principal, feature: dict) -> dict:
    """The drawn area in the audit log (its properties and geometry), then the feature unchanged."""
    after = {**feature["properties"], "geometry": feature["geometry"]}
    record(session, actor, "create", feature["properties"]["target_kind"], feature["id"], None, after)
    return feature
