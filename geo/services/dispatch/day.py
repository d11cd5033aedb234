"""What the dispatcher's map shows for one day: the targets and the day's assignments."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import geopandas as gpd
import shapely
from sqlalchemy.orm import Session

from ...access import PLANNERS, Principal, require
from ...crs import STORAGE_SRID
from ...db import layer_reads
from ...db import zones as z
from ...domain import DEFAULT_TIMEZONE
from .assignments import list_assignments
from ..layers.features import layer_features, layer_spec

# Target layers of the catalogue, in drawing order: wide areas first, small ones on top.
TARGET_LAYERS = ("pasture", "crop_field", "campus", "patrol_zone", "public_place", "event")


@dataclass(frozen=True)
class DispatchDay:
    """The day's window, the districts (for orientation), a frame per target layer (ids kept),
    emergency areas, and the assignments."""

    day: date
    start: datetime
    end: datetime
    districts: gpd.GeoDataFrame
    targets: dict[str, gpd.GeoDataFrame]
    matched: dict[str, int]
    emergency_areas: gpd.GeoDataFrame
    assignments: dict


def day_window(day: date, timezone: str = DEFAULT_TIMEZONE) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight of ``day``."""
    start = datetime.combine(day, time(0), ZoneInfo(timezone))
    return start, datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(timezone))


def _emergency_frame(session: Session, start: datetime, end: datetime) -> gpd.GeoDataFrame:
    rows = z.emergency_area_rows(session, ends_after=start, starts_before=end)
    geometry = shapely.from_wkb([bytes(r.geometry) for r in rows]) if rows else []
    return gpd.GeoDataFrame({"id": [r.id for r in rows], "name": [r.name for r in rows],
                             "note": [r.note for r in rows], "starts_at": [r.starts_at for r in rows],
                             "ends_at": [r.ends_at for r in rows]},
                            geometry=gpd.GeoSeries(geometry, crs=STORAGE_SRID), crs=STORAGE_SRID)


def dispatch_day(session: Session, day: date, *, viewer: Principal, limit: int,
                 timezone: str = DEFAULT_TIMEZONE, with_targets: bool = True,
                 locale: str | None = None) -> DispatchDay:
    """Every target layer (at most ``limit`` features each; patrol zones with their unit's name),
    the emergency areas of ``day`` and the live assignments overlapping it: the planner's map.
    ``with_targets`` false reads no target layer (a map drawing them from vector tiles). Places are
    named in ``locale``'s language where they have a name in it."""
    require(viewer, *PLANNERS)
    start, end = day_window(day, timezone)
    targets, matched = {}, {}
    units = None
    for name in TARGET_LAYERS if with_targets else ():
        page = layer_features(session, name, viewer=viewer, limit=limit, locale=locale)
        frame = page.frame
        if name == "patrol_zone":
            units = units or layer_reads.names_by_id(session, layer_spec("police_unit"))
            frame["police_unit"] = frame["police_unit_id"].map(units)
        targets[name], matched[name] = frame, page.matched
    districts = layer_features(session, "district", viewer=viewer, limit=limit,
                               locale=locale).frame[["name", "geometry"]]
    return DispatchDay(day, start, end, districts, targets, matched, _emergency_frame(session, start, end),
                       list_assignments(session, viewer=viewer, start=start, end=end, timezone=timezone,
                                        locale=locale))
