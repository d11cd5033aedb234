"""A shift sheet's map, drawn from PostGIS: the target and what lies around it as SVG path data in
the pixels of a fixed frame (``sql/sheet_map.sql``), so the sheet needs no tiles and no JavaScript."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

SHEET_MAP = text((Path(__file__).with_name("sql") / "sheet_map.sql").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class MapPart:
    """One drawn thing: a ``path`` (SVG path data ``svg``), a ``point`` (the target at ``x``, ``y``)
    or a street ``label`` (``name`` at ``x``, ``y``); ``css_class`` says how it is drawn."""

    part: str
    css_class: str | None
    svg: str | None
    name: str | None
    x: float | None
    y: float | None


@dataclass(frozen=True)
class MapRows:
    """The frame's width on the ground and its scale, and the parts in drawing order."""

    width_m: float
    px_per_m: float
    parts: tuple[MapPart, ...]


def sheet_map_rows(session: Session, target_wkb: bytes, *, srid: int, width_px: float, height_px: float,
                   pad: float, min_width_m: float, max_labels: int, lang: str | None,
                   route_wkb: bytes | None = None, route_start_wkb: bytes | None = None) -> MapRows:
    """The map of the target ``target_wkb`` (EPSG:4326) in the metric CRS ``srid``, framed at
    ``width_px`` x ``height_px``; street names in ``lang``; a walking route and its start over it when given."""
    rows = session.execute(SHEET_MAP, {"wkb": target_wkb, "srid": srid, "width_px": float(width_px),
                                       "height_px": float(height_px), "pad": float(pad),
                                       "min_width_m": float(min_width_m), "max_labels": max_labels,
                                       "lang": lang, "route": route_wkb, "route_start": route_start_wkb}).all()
    frame = next(r for r in rows if r.part == "frame")
    parts = tuple(MapPart(r.part, r._mapping["class"], r.svg, r.name, r.x, r.y)
                  for r in rows if r.part != "frame")
    return MapRows(float(frame.x), float(frame.y), parts)
