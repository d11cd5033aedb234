"""Demo layers taken from the real Almaty data: districts, police units and the item 8 places.

Each function returns a GeoDataFrame whose columns are the layer's field names, ready for
``geo.services.import_frame``. Geometries are in the metric CRS of :class:`AlmatyData` unless
said otherwise; validation reprojects them to EPSG:4326.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import geopandas as gpd
import pandas as pd
import shapely

from ..crs import STORAGE_CRS
from ..domain import CampusKind, PublicPlaceKind
from ..ingest.osm_names import COLUMNS as NAME_COLUMNS
from ..ingest.osm_names import names_of
from .sources import AlmatyData, polygonal, text

MAIN_STREETS = ("trunk", "primary", "secondary")
_TODO = re.compile(r"\s*\((?:TODO|todo)[^)]*\)")
_LETTER = re.compile(r"[^\W\d_]")


def clean_name(value) -> str | None:
    """An OSM name without editor notes ("(TODO ...)") or alternatives after ';'."""
    name = text(value)
    if name is None:
        return None
    name = _TODO.sub("", name.split(";")[0]).strip()
    return name or None


def _named(frame: gpd.GeoDataFrame, label: str, refs: pd.Series) -> list[str]:
    """Each feature's own name, or "<label> (OSM <ref>)" for an unnamed one."""
    names = []
    for value, ref in zip(frame["name"], refs):
        name = clean_name(value)
        if name is not None and not _LETTER.search(name):
            name = f"{label} {name}"  # "58", "№ 63": a bare school number
        names.append(name or f"{label} (OSM {ref})")
    return names


def _osm_names(data: AlmatyData, refs: pd.Series) -> dict[str, list]:
    """The extract's ``name_ru``, ``name_kk``, ``name_en`` of each feature: a bare id is a node (the
    points), the areas' refs say ``way/`` or ``relation/``."""
    osm_refs = [None if r is None or pd.isna(r) else (str(r) if "/" in str(r) else f"node/{r}") for r in refs]
    found = names_of(data.osm_names, osm_refs)
    return {column: list(found[column]) for column in NAME_COLUMNS}


def _frame(parts: Sequence[gpd.GeoDataFrame], crs) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=crs)


def _in_city(frame: gpd.GeoDataFrame, data: AlmatyData) -> gpd.GeoDataFrame:
    return frame[frame.geometry.representative_point().within(data.city)]


def _not_near(points: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, distance_m: float) -> gpd.GeoDataFrame:
    """Points farther than ``distance_m`` from every area: the same place mapped twice is kept once."""
    if areas.empty or points.empty:
        return points
    union = shapely.union_all(areas.geometry.to_numpy())
    return points[points.distance(union) > distance_m]


def districts_frame(data: AlmatyData, names_ru: Mapping[str, str], *, city: str) -> gpd.GeoDataFrame:
    """The 8 districts in EPSG:4326: English name, Russian name (hand-kept), Kazakh from osm_name."""
    d = data.districts
    name_kk = [re.sub(r"\bауданы\b", "ауданы", str(v).split(",")[0].strip(), flags=re.IGNORECASE)
               for v in d["osm_name"]]
    return gpd.GeoDataFrame({"name": d["name"].astype(str).to_numpy(),
                             "name_ru": [names_ru.get(str(n)) for n in d["name"]],
                             "name_kk": name_kk, "city": city},
                            geometry=d.geometry.map(polygonal).to_numpy(), crs=STORAGE_CRS)


def police_units_frame(data: AlmatyData, *, name_template: str) -> gpd.GeoDataFrame:
    """One unit per district: jurisdiction = the district; station = the OSM police point inside
    it nearest its representative point (the representative point itself where none is mapped)."""
    police = data.pois[data.pois["kind"] == "police"]
    stations = []
    for geom in data.districts_m.geometry:
        inside = police[police.within(geom)]
        centre = geom.representative_point()
        nearest = inside.geometry.iloc[int(inside.distance(centre).argmin())] if len(inside) else None
        stations.append(nearest if nearest is not None else centre)
    station_wkt = gpd.GeoSeries(stations, crs=data.crs).to_crs(STORAGE_CRS).to_wkt()
    names = data.districts["name"].astype(str)
    return gpd.GeoDataFrame({"name": [name_template.format(district=n) for n in names],
                             "district": names.to_numpy(), "station": station_wkt.to_numpy()},
                            geometry=data.districts.geometry.map(polygonal).to_numpy(), crs=STORAGE_CRS)


def _places(data: AlmatyData, frame: gpd.GeoDataFrame, kind: PublicPlaceKind, label: str,
            refs: pd.Series) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": _named(frame, label, refs), "kind": kind.value,
                             "osm_id": refs.to_numpy(), **_osm_names(data, refs)},
                            geometry=frame.geometry.to_numpy(), crs=frame.crs)


def _main_streets(data: AlmatyData) -> gpd.GeoDataFrame:
    """Named trunk/primary/secondary streets inside the city, one feature per name and district."""
    s = data.streets[data.streets["highway"].isin(MAIN_STREETS)].copy()
    s["name"] = s["name"].map(clean_name)
    s = s[s["name"].notna()]
    s = s.assign(**_osm_names(data, "way/" + s["osm_id"].astype(str)))
    districts = data.districts_m[["name", "geometry"]].rename(columns={"name": "district"})
    s = gpd.overlay(s[["name", *NAME_COLUMNS, "geometry"]], districts, how="intersection", keep_geom_type=True)
    # a street's other names: the first of its ways that has one (groupby's first skips the missing)
    merged = s.dissolve(by=["name", "district"], as_index=False, aggfunc="first")
    merged["geometry"] = merged.geometry.line_merge()
    merged = merged[merged.geom_type.isin(["LineString", "MultiLineString"])]
    names = {c: merged[c].astype(object).where(merged[c].notna(), None).to_numpy() for c in NAME_COLUMNS}
    return gpd.GeoDataFrame({"name": merged["name"].to_numpy(), "kind": PublicPlaceKind.STREET.value,
                             "osm_id": None, **names}, geometry=merged.geometry.to_numpy(), crs=data.crs)


def public_places_frame(data: AlmatyData, extra: Sequence[Mapping] = ()) -> gpd.GeoDataFrame:
    """Item 8.1 public places in the city: markets, stations, stadiums, parks, squares, main streets."""
    pois, areas, K = data.pois, data.areas, PublicPlaceKind
    markets = pois[pois["kind"] == "marketplace"].drop_duplicates(subset="name")
    buses = pois[pois["kind"] == "bus_station"]
    rails = pois[pois["kind"] == "station"]
    stadium_areas = areas[areas["leisure"] == "stadium"]
    stadium_pois = _not_near(pois[pois["kind"] == "leisure:stadium"], stadium_areas, 300.0)
    park_areas = areas[areas["leisure"] == "park"]
    park_pois = _not_near(pois[pois["kind"] == "leisure:park"], park_areas, 50.0)
    squares = areas[areas["leisure"] == "square"]
    parts = [
        _places(data, markets, K.MARKET, "Market", markets["osm_id"]),
        _places(data, buses, K.STATION, "Bus station", buses["osm_id"]),
        _places(data, rails, K.STATION, "Railway station", rails["osm_id"]),
        _places(data, stadium_areas, K.STADIUM, "Stadium", stadium_areas["osm_ref"]),
        _places(data, stadium_pois, K.STADIUM, "Stadium", stadium_pois["osm_id"]),
        _places(data, park_areas, K.PARK, "Park", park_areas["osm_ref"]),
        _places(data, park_pois, K.PARK, "Park", park_pois["osm_id"]),
        _places(data, squares, K.SQUARE, "Square", squares["osm_ref"]),
        _city_parks(data),
        _main_streets(data),
    ]
    for place in extra:
        geom = data.locate(place["at"]).buffer(float(place.get("radius_m", 0.0)) or 0.0)
        parts.append(gpd.GeoDataFrame({"name": [place["name"]], "kind": [place["kind"]], "osm_id": [None]},
                                      geometry=[geom], crs=data.crs))
    return _in_city(_frame(parts, data.crs), data).reset_index(drop=True)


def _city_parks(data: AlmatyData) -> gpd.GeoDataFrame:
    """The city's parks programme: one feature per name; "сквер" in the name makes it a square."""
    parks = data.city_parks.assign(name=data.city_parks["name_ru"].map(clean_name))
    parks = parks[parks["name"].notna()].dissolve(by="name", as_index=False)
    kinds = [PublicPlaceKind.SQUARE.value if "сквер" in n.lower() else PublicPlaceKind.PARK.value
             for n in parks["name"]]
    return gpd.GeoDataFrame({"name": parks["name"].to_numpy(), "kind": kinds, "osm_id": None},
                            geometry=parks.geometry.map(polygonal).to_numpy(), crs=data.crs)


def campuses_frame(data: AlmatyData, buffers_m: Mapping[str, float]) -> gpd.GeoDataFrame:
    """Item 8.7 campuses in the city: mapped areas as they are, points buffered by ``buffers_m``."""
    kinds = [k.value for k in (CampusKind.SCHOOL, CampusKind.COLLEGE, CampusKind.UNIVERSITY)]
    areas = data.areas[data.areas["amenity"].isin(kinds)]
    points = _not_near(data.pois[data.pois["kind"].isin(kinds)], areas, 50.0)
    parts = [_campuses(data, group, kind, None, group["osm_ref"]) for kind, group in areas.groupby("amenity")]
    for kind, group in points.groupby("kind"):
        buffer_m = float(buffers_m[kind])
        parts.append(_campuses(data, group.set_geometry(group.geometry.buffer(buffer_m)), kind, buffer_m,
                               group["osm_id"]))
    return _in_city(_frame(parts, data.crs), data).reset_index(drop=True)


def _campuses(data: AlmatyData, frame: gpd.GeoDataFrame, kind: str, buffer_m: float | None,
              refs: pd.Series) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": _named(frame, kind.capitalize(), refs), "kind": kind,
                             "buffer_m": buffer_m, "osm_id": refs.to_numpy(), **_osm_names(data, refs)},
                            geometry=frame.geometry.to_numpy(), crs=frame.crs)


def landuse_frame(data: AlmatyData, landuse: str, label: str) -> gpd.GeoDataFrame:
    """Areas of one OSM ``landuse`` (meadow → pastures, item 8.5; farmland → crop fields, item 8.6)."""
    areas = data.areas[data.areas["landuse"] == landuse]
    return gpd.GeoDataFrame({"name": _named(areas, label, areas["osm_ref"]),
                             "osm_id": areas["osm_ref"].to_numpy(), **_osm_names(data, areas["osm_ref"])},
                            geometry=areas.geometry.to_numpy(), crs=data.crs)


def residential_frame(data: AlmatyData) -> gpd.GeoDataFrame:
    """Residential areas in the city (they anchor the synthetic domestic incidents; not stored)."""
    areas = _in_city(data.areas[data.areas["landuse"] == "residential"], data)
    return gpd.GeoDataFrame({"name": _named(areas, "Residential area", areas["osm_ref"])},
                            geometry=areas.geometry.to_numpy(), crs=data.crs)
