"""Walking patrol routes: the facts a route is planned from (the target's area, its streets, the
weights of its cells, the places it may start at) and the stored route (``patrol_route``)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import shapely
from geoalchemy2 import Geography, Geometry
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Row, cast, delete, func, literal, select, text, union_all
from sqlalchemy.orm import Session

from ..crs import STORAGE_SRID
from .models import PatrolRoute, PoliceUnit, PublicPlace
from .names import localised_name

_SQL = Path(__file__).with_name("sql")
ROUTE_STREETS = text((_SQL / "route_streets.sql").read_text(encoding="utf-8"))
ROUTE_RUN_CELLS = text((_SQL / "route_run_cells.sql").read_text(encoding="utf-8"))
ROUTE_BAND_CELLS = text((_SQL / "route_band_cells.sql").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Cell:
    """A candidate of a route: ``cell_id`` of a stored run's cell (None for incidents counted into
    squares), its ``weight`` and a ``point`` of it inside the area (EPSG:4326)."""

    cell_id: int | None
    weight: float
    point: BaseGeometry


def _wkb(geom: BaseGeometry) -> bytes:
    return shapely.to_wkb(geom)


def route_area(session: Session, target: BaseGeometry, *, margin_m: float, point_radius_m: float) -> BaseGeometry:
    """The area a route keeps to: a polygon target grown by ``margin_m`` (the tolerance of streets
    along its edge), a point or line target by ``point_radius_m``; measured on the spheroid."""
    radius = margin_m if shapely.get_dimensions(target) == 2 else point_radius_m
    g = func.ST_SetSRID(func.ST_GeomFromWKB(_wkb(target)), STORAGE_SRID)
    grown = cast(func.ST_Buffer(cast(g, Geography), float(radius)), Geometry(srid=STORAGE_SRID))
    return shapely.from_wkb(bytes(session.scalar(select(func.ST_AsBinary(grown)))))


def route_streets(session: Session, area: BaseGeometry) -> list[BaseGeometry]:
    """The street lines inside ``area`` (clipped at its edge), by segment."""
    return list(shapely.from_wkb([bytes(r.wkb) for r in session.execute(ROUTE_STREETS, {"area": _wkb(area)})]))


def run_cells(session: Session, area: BaseGeometry, at: BaseGeometry, *, cap: int) -> tuple[int | None, list[Cell]]:
    """The latest stored run whose cells cover ``at``, and its ``cap`` heaviest cells with incidents
    meeting ``area`` (weight: the incidents counted in the cell); (None, []) without such a run."""
    rows = session.execute(ROUTE_RUN_CELLS, {"area": _wkb(area), "at": _wkb(at), "cap": int(cap)}).all()
    if not rows:
        return None, []
    return rows[0].run_id, [Cell(r.cell_id, float(r.weight), shapely.from_wkb(bytes(r.wkb))) for r in rows]


def band_cells(session: Session, area: BaseGeometry, *, hour_band: tuple[int, int], timezone: str, srid: int,
               cell_m: float, cap: int) -> list[Cell]:
    """The incidents in ``area`` whose local hour is in ``hour_band`` counted into squares of
    ``cell_m`` of the UTM zone ``srid``, the ``cap`` heaviest, each at its centre."""
    lo, hi = (int(v) for v in hour_band)
    rows = session.execute(ROUTE_BAND_CELLS, {"area": _wkb(area), "lo": lo, "hi": hi, "tz": timezone,
                                              "srid": int(srid), "cell_m": float(cell_m), "cap": int(cap)})
    return [Cell(None, float(r.weight), shapely.from_wkb(bytes(r.wkb))) for r in rows]


def start_places(session: Session, area: BaseGeometry, *, radius_m: float, kinds: tuple[str, ...],
                 locale: str | None = None) -> list[Row]:
    """Police stations and public places of ``kinds`` within ``radius_m`` of ``area``, nearest first:
    ``kind``, ``id``, ``name`` (in ``locale``'s language), ``lon``, ``lat``, ``distance_m``."""
    g = func.ST_SetSRID(func.ST_GeomFromWKB(_wkb(area)), STORAGE_SRID)
    box = func.ST_Envelope(cast(func.ST_Buffer(cast(g, Geography), float(radius_m)), Geometry(srid=STORAGE_SRID)))
    units = (select(literal("police_unit").label("kind"), PoliceUnit.id, localised_name(PoliceUnit, locale).label("name"),
                    PoliceUnit.station.label("geom"))
             .where(PoliceUnit.station.is_not(None), PoliceUnit.station.op("&&")(box)))
    places = (select(literal("public_place"), PublicPlace.id, localised_name(PublicPlace, locale),
                     func.ST_PointOnSurface(PublicPlace.geom))
              .where(PublicPlace.geom.op("&&")(box), PublicPlace.kind.in_(list(kinds))))
    c = union_all(units, places).subquery("candidates")
    distance = func.ST_Distance(cast(c.c.geom, Geography), cast(g, Geography))
    stmt = (select(c.c.kind, c.c.id, c.c.name, func.ST_X(c.c.geom).label("lon"), func.ST_Y(c.c.geom).label("lat"),
                   distance.label("distance_m"))
            .where(func.ST_DWithin(cast(c.c.geom, Geography), cast(g, Geography), float(radius_m)))
            .order_by(distance, c.c.kind, c.c.id))
    return list(session.execute(stmt))


def store_route(session: Session, assignment_id: int, values: dict) -> PatrolRoute:
    """Store the assignment's route, replacing the one it had (one per assignment)."""
    session.execute(delete(PatrolRoute).where(PatrolRoute.assignment_id == assignment_id))
    route = PatrolRoute(assignment_id=assignment_id, **values)
    session.add(route)
    session.flush()
    return route


def route_row(session: Session, assignment_id: int) -> Row | None:
    """The assignment's stored route with its line and start as WKB, or None."""
    stmt = select(PatrolRoute.id, PatrolRoute.assignment_id, PatrolRoute.start_label,
                  func.ST_AsBinary(PatrolRoute.start_geom).label("start_wkb"),
                  func.ST_AsBinary(PatrolRoute.geom).label("wkb"), PatrolRoute.length_m, PatrolRoute.minutes,
                  PatrolRoute.walking_kmh, PatrolRoute.weight, PatrolRoute.weight_available, PatrolRoute.source,
                  PatrolRoute.analysis_run_id, PatrolRoute.stops, PatrolRoute.created_by,
                  PatrolRoute.created_at).where(PatrolRoute.assignment_id == assignment_id)
    return session.execute(stmt).one_or_none()


def route_summaries(session: Session, assignment_ids) -> dict[int, Row]:
    """Per assignment of ``assignment_ids`` with a route: its line (WKB), start (WKB), start label,
    length, minutes and walking speed."""
    stmt = select(PatrolRoute.assignment_id, func.ST_AsBinary(PatrolRoute.geom).label("wkb"),
                  func.ST_AsBinary(PatrolRoute.start_geom).label("start_wkb"), PatrolRoute.start_label,
                  PatrolRoute.length_m, PatrolRoute.minutes, PatrolRoute.walking_kmh).where(
        PatrolRoute.assignment_id.in_(list(assignment_ids)))
    return {r.assignment_id: r for r in session.execute(stmt)}


def routed_ids(session: Session, assignment_ids) -> set[int]:
    """Those of ``assignment_ids`` that have a stored route."""
    stmt = select(PatrolRoute.assignment_id).where(PatrolRoute.assignment_id.in_(list(assignment_ids)))
    return set(session.scalars(stmt))
