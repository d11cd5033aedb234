"""Selections aggregated in PostGIS count exactly what the Python path counts: grid keys, weekday and
hour bands, de-duplication, the time series, the KDE's bins and the polygon border rule."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geoalchemy2.shape import from_shape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import CRS
from shapely.geometry import MultiPolygon, Point, box

from geo.analysis.cells import _cell_of, extent_of, grid_counts, lay_cells, point_xy, polygon_counts
from geo.analysis.kde import kde
from geo.crs import metric_crs_for
from geo.db import aggregate
from geo.db import incidents as db
from geo.db.models import District, Incident
from geo.services.hotspots.options import Parameters, selection
from geo.services.hotspots.run import selected_incidents, selection_filter, series_of, series_of_buckets
from geo.services.hotspots.statistics import _surface
from tests.integration.test_hotspots_service import TENDERLOIN, sf, sf_incidents  # noqa: F401  (fixtures)

SF_TZ = "America/Los_Angeles"
DRUGS = "DRUG/NARCOTIC"


def everything(session) -> gpd.GeoDataFrame:
    return db.incident_frame(session, db.IncidentFilter())


def python_keys(frame, crs, size, shape, origin) -> Counter:
    rows, cols = _cell_of(point_xy(frame, crs) - origin, size, shape)
    return Counter(zip(rows.tolist(), cols.tolist()))


def sql_keys(session, chosen, srid, size, shape, origin) -> Counter:
    keys = aggregate.grid_keys(session, chosen, srid=srid, cell_size_m=size, shape=shape, origin=origin)
    return Counter(dict(zip(zip(keys["row"].tolist(), keys["col"].tolist()), keys["count"].tolist())))


@pytest.mark.realdata
@pytest.mark.parametrize("shape", ["square", "hexagon"])
@pytest.mark.parametrize("size, origin", [(250.0, (0.0, 0.0)), (100.0, (123.4, -56.7)), (37.5, (0.1, 0.2))])
def test_sql_cell_keys_of_the_sf_incidents_equal_the_python_cells(sf, shape, size, origin):
    frame = everything(sf)
    crs = metric_crs_for(frame)
    chosen = aggregate.SelectionFilter(db.IncidentFilter())
    assert sql_keys(sf, chosen, crs.to_epsg(), size, shape, origin) == python_keys(frame, crs, size, shape, origin)


@pytest.mark.realdata
@pytest.mark.parametrize("shape", ["square", "hexagon"])
def test_a_grid_counted_from_sql_keys_is_the_grid_counted_in_python(sf, shape):
    frame = everything(sf)
    chosen = aggregate.SelectionFilter(db.IncidentFilter())
    ours = grid_counts(frame, cell_size_m=150, shape=shape, area=TENDERLOIN, weight="weight")
    grid = lay_cells(extent_of(None, TENDERLOIN), cell_size_m=150, shape=shape)
    keys = aggregate.grid_keys(sf, chosen, srid=grid.crs.to_epsg(), cell_size_m=150, shape=shape)
    theirs = grid.counted(keys["row"], keys["col"], keys["count"], keys["weight_sum"])
    pd.testing.assert_frame_equal(pd.DataFrame(theirs.drop(columns="geometry")),
                                  pd.DataFrame(ours.drop(columns="geometry")))
    assert theirs.geometry.equals(ours.geometry)
    assert theirs.attrs["grid"] == ours.attrs["grid"] and ours.attrs["grid"]["outside"] > 10_000


def near_edges(size: float):
    """Coordinates on or within a few ulps to a micro-degree of square edges and hexagon corners."""
    edge = size * np.sqrt(2.0 / (3.0 * np.sqrt(3.0)))
    steps = st.sampled_from([size, np.sqrt(3.0) * edge / 2, edge / 2, 1.5 * edge])
    nudge = st.sampled_from([0.0, 1e-15, -1e-15, 1e-12, -1e-12, 1e-9, -1e-9, 1e-6, -1e-6])
    return st.tuples(st.integers(-3000, 3000), steps, nudge).map(lambda t: t[0] * t[1] + t[2])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(xs=st.lists(near_edges(0.05), min_size=20, max_size=60), ys=st.lists(near_edges(0.05), min_size=20, max_size=60),
       shape=st.sampled_from(["square", "hexagon"]), origin=st.sampled_from([(0.0, 0.0), (0.013, -0.021)]))
def test_sql_cell_keys_equal_python_cells_on_and_near_cell_edges(session, xs, ys, shape, origin):
    # EPSG:4326 to itself is no transformation: the keys' arithmetic alone is compared, bit for bit
    n = min(len(xs), len(ys))
    points = [Point(x, max(-89.0, min(89.0, y))) for x, y in zip(xs[:n], ys[:n])]
    nested = session.begin_nested()
    try:
        session.add_all([Incident(occurred_at=datetime(2024, 1, 1, tzinfo=timezone.utc), category="edge",
                                  source="citizen-report", geom=from_shape(p, srid=4326)) for p in points])
        session.flush()
        chosen = aggregate.SelectionFilter(db.IncidentFilter(categories=["edge"]))
        frame = gpd.GeoDataFrame(geometry=points, crs=4326)
        wgs = CRS.from_epsg(4326)
        assert sql_keys(session, chosen, 4326, 0.05, shape, origin) == python_keys(frame, wgs, 0.05, shape, origin)
    finally:
        nested.rollback()


SELECTIONS = [
    dict(weekdays=[4, 5], hour_band=[22, 4]),
    dict(hour_band=[0, 1], categories=[DRUGS.lower()]),  # SF reports carry dates: midnight, local
    dict(weekdays=[0], deduplicate=True, start="2012-08-01", end="2012-10-01"),
    dict(hour_band=[23, 1], deduplicate=True, area={"kind": "polygon", "geometry": shapely.geometry.mapping(TENDERLOIN)}),
]


@pytest.mark.realdata
@pytest.mark.parametrize("options", SELECTIONS, ids=["fri-sat-nights", "first-hour-drugs", "dedup-mondays",
                                                      "dedup-midnight-tenderloin"])
def test_weekdays_hours_and_deduplication_in_sql_select_what_python_selects(sf, options):
    chosen = selection(timezone=SF_TZ, **options)
    area = TENDERLOIN if "area" in options else None
    python = selected_incidents(sf, chosen, area)
    sql = aggregate.totals(sf, selection_filter(chosen, area))
    ids = sorted(sf.scalars(sa_ids(selection_filter(chosen, area))))
    assert ids == python["id"].tolist() and len(ids) > 20
    assert sql.count == len(python)
    assert sql.bounds == tuple(python.total_bounds)


@pytest.mark.parametrize("zone", ["Asia/Almaty", SF_TZ, "Asia/Kathmandu"])
@pytest.mark.parametrize("weekdays, band", [(None, (22, 4)), ((5, 6), (0, 24)), ((0, 2, 4), (7, 19)), (None, (23, 24))])
def test_weekday_and_hour_filters_read_each_instant_in_the_zone_as_pandas_does(session, zone, weekdays, band):
    rng = np.random.default_rng(7)
    # instants over five years, DST changes and Almaty's move to UTC+5 in March 2024 included
    seconds = rng.integers(1_500_000_000, 1_660_000_000, size=3000)
    seconds[:200] = 1_709_229_600 + rng.integers(-7200, 7200, size=200)
    times = pd.to_datetime(np.sort(seconds), unit="s", utc=True)
    session.add_all([Incident(occurred_at=t.to_pydatetime(), category="clock",
                              source="synthetic-demo" if i % 3 == 0 else "citizen-report",
                              external_id=f"c{i % 2500}", geom=from_shape(Point(76.9, 43.2), srid=4326))
                     for i, t in enumerate(times)])
    session.flush()
    chosen = selection(timezone=zone, categories=["clock"], weekdays=weekdays, hour_band=band, deduplicate=True)
    python = selected_incidents(session, chosen)
    f = selection_filter(chosen)
    assert sorted(session.scalars(sa_ids(f))) == python["id"].tolist()
    assert 0 < len(python) < 2500
    series = series_of_buckets(aggregate.time_buckets(session, f), zone,
                               refine=lambda seconds: aggregate.time_buckets(session, f, seconds=seconds))
    assert series == series_of(python, zone) and 0 < sum(series["synthetic_per_hour"]) < len(python)


def sa_ids(chosen):
    from sqlalchemy import select

    return select(aggregate.selected(chosen).c.id)


@pytest.mark.realdata
@pytest.mark.parametrize("zone", [SF_TZ, "Asia/Almaty", "Asia/Kolkata", "Asia/Kathmandu"])
def test_the_series_from_sql_buckets_is_the_series_of_the_incidents(sf, zone):
    chosen = selection(timezone=zone, start="2012-07-01T00:00:00-07:00", end="2012-12-31T00:00:00-08:00",
                       weekdays=[0, 1, 2, 3, 4])
    python = series_of(selected_incidents(sf, chosen), zone, chosen.start, chosen.end)
    f = selection_filter(chosen)
    sql = series_of_buckets(aggregate.time_buckets(sf, f), zone, chosen.start, chosen.end,
                            refine=lambda seconds: aggregate.time_buckets(sf, f, seconds=seconds))
    assert sql == python and sum(sql["per_day"]) > 1000


@pytest.mark.realdata
def test_buckets_spanning_two_local_hours_are_counted_again_by_the_quarter_hour(sf):
    # Kathmandu is 5:45 ahead of UTC: an hour's bucket would straddle its local hours
    f = selection_filter(selection(timezone="Asia/Kathmandu"))
    asked = []

    def refine(seconds):
        asked.append(seconds)
        return aggregate.time_buckets(sf, f, seconds=seconds)

    coarse = series_of_buckets(aggregate.time_buckets(sf, f, seconds=3600), "Asia/Kathmandu", refine=refine)
    assert asked == [900]
    assert coarse == series_of(selected_incidents(sf, selection(timezone="Asia/Kathmandu")), "Asia/Kathmandu")


@pytest.mark.realdata
@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
@pytest.mark.parametrize("extent", [None, TENDERLOIN], ids=["incidents", "tenderloin"])
def test_a_density_binned_in_sql_is_the_density_binned_in_python(sf, kernel, extent):
    chosen = selection(categories=[DRUGS], timezone=SF_TZ)
    frame = selected_incidents(sf, chosen)
    params = Parameters.from_json({"method": "kde", "bandwidth_m": 300, "cell_size_m": 40, "kernel": kernel,
                                   "origin": [5.0, 7.0]})
    f = selection_filter(chosen)
    ours = _surface(sf, f, aggregate.totals(sf, f), params, extent)
    theirs = kde(frame, bandwidth_m=300, cell_size_m=40, kernel=kernel, area=extent, origin=(5.0, 7.0))
    assert (ours.x0, ours.y0, ours.density.shape, ours.crs) == (theirs.x0, theirs.y0, theirs.density.shape, theirs.crs)
    np.testing.assert_allclose(ours.density, theirs.density, rtol=1e-9, atol=1e-12 * theirs.density.max())
    assert ours.peak().equals(theirs.peak())


def test_an_incident_on_a_shared_border_counts_once_for_the_polygon_of_lowest_id(session):
    west, east = box(0.0, 0.0, 0.01, 0.01), box(0.01, 0.0, 0.02, 0.01)
    districts = [District(name=f"border {i}", geom=from_shape(MultiPolygon([g]), srid=4326))
                 for i, g in enumerate([east, west])]  # east gets the lower id
    session.add_all(districts)
    session.flush()
    points = [Point(0.01, 0.005), Point(0.01, 0.0), Point(0.005, 0.005), Point(0.015, 0.002), Point(0.5, 0.5)]
    session.add_all([Incident(occurred_at=datetime(2024, 1, 1, tzinfo=timezone.utc), category="border",
                              source="citizen-report", weight=float(i + 1), geom=from_shape(p, srid=4326))
                     for i, p in enumerate(points)])
    session.flush()
    ids = [d.id for d in districts]
    chosen = aggregate.SelectionFilter(db.IncidentFilter(categories=["border"]))
    keyed = aggregate.polygon_keys(session, chosen, "district", ids)
    assert keyed == {districts[0].id: (3, 1.0 + 2.0 + 4.0), districts[1].id: (1, 3.0)}
    polygons = db.area_polygons(session, "district", within=box(-1, -1, 1, 1))
    polygons = polygons[polygons["id"].isin(ids)].reset_index(drop=True)
    python = polygon_counts(gpd.GeoDataFrame({"weight": [1.0, 2.0, 3.0, 4.0, 5.0]}, geometry=points, crs=4326),
                            polygons, weight="weight")
    assert dict(zip(python["id"], zip(python["count"], python["weight_sum"]))) == keyed


def test_a_selection_by_categories_and_time_reads_the_category_time_index(session):
    from sqlalchemy import func, select, text

    session.execute(text("SET LOCAL enable_seqscan = off"))
    chosen = selection_filter(selection(categories=["Theft"], start="2024-01-01T00:00:00+05:00",
                                        end="2024-04-01T00:00:00+05:00"))
    stmt = select(func.count()).select_from(aggregate.selected(chosen))
    compiled = stmt.compile(session.bind, compile_kwargs={"literal_binds": True})
    plan = "\n".join(session.execute(text(f"EXPLAIN {compiled}")).scalars())
    assert "ix_incident_lower_category_occurred_at" in plan


@pytest.mark.realdata
def test_the_stored_utm_coordinates_are_the_bits_st_transform_gives(sf):
    from sqlalchemy import func, select
    stored = select(func.count()).where(
        (Incident.utm_srid != 32610) | (Incident.utm_x != func.ST_X(func.ST_Transform(Incident.geom, 32610)))
        | (Incident.utm_y != func.ST_Y(func.ST_Transform(Incident.geom, 32610))))
    assert sf.execute(select(func.count()).select_from(Incident)).scalar_one() > 10_000
    assert sf.execute(stored).scalar_one() == 0


@pytest.mark.realdata
@pytest.mark.parametrize("srid", [32611, 3310])  # the next UTM zone (none is stored there); California Albers
def test_cell_keys_in_a_crs_other_than_the_stored_zone_are_transformed_as_python_does(sf, srid):
    frame = everything(sf)
    chosen = aggregate.SelectionFilter(db.IncidentFilter())
    crs = CRS.from_epsg(srid)
    for shape in ("square", "hexagon"):
        assert sql_keys(sf, chosen, srid, 250.0, shape, (0.0, 0.0)) == python_keys(frame, crs, 250.0, shape, (0.0, 0.0))


@pytest.mark.parametrize("lon, lat", [(76.95, 43.25), (71.43, 51.13), (72.0, 45.0), (71.999999, 45.0), (-180.0, 10.0),
                                      (179.9, -33.0), (0.0, 0.0), (-0.000001, -0.000001), (46.5, 41.2)])
def test_each_incident_stores_the_utm_zone_geo_crs_names_for_its_point(session, lon, lat):
    from sqlalchemy import func, select
    from geo.crs import utm_crs_for
    zone = session.execute(select(func.kuzet_utm_srid(func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)))).scalar_one()
    assert zone == utm_crs_for(lon, lat).to_epsg()


def test_incidents_of_two_zones_are_counted_in_either(session):
    # Almaty (zone 43) and Astana (zone 42) in one selection: each zone's grid reads its own stored
    # coordinates and transforms the other's, and both agree with Python
    points = [Point(76.9 + 0.01 * i, 43.2 + 0.003 * i) for i in range(30)] + \
             [Point(71.4 + 0.01 * i, 51.1 + 0.002 * i) for i in range(30)]
    nested = session.begin_nested()
    try:
        session.add_all([Incident(occurred_at=datetime(2024, 1, 1, tzinfo=timezone.utc), category="zones",
                                  source="citizen-report", geom=from_shape(p, srid=4326)) for p in points])
        session.flush()
        chosen = aggregate.SelectionFilter(db.IncidentFilter(categories=["zones"]))
        frame = gpd.GeoDataFrame(geometry=points, crs=4326)
        for srid in (32642, 32643):
            keys = sql_keys(session, chosen, srid, 500.0, "square", (0.0, 0.0))
            assert keys == python_keys(frame, CRS.from_epsg(srid), 500.0, "square", (0.0, 0.0))
            assert sum(keys.values()) == 60
    finally:
        nested.rollback()
