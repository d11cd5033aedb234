"""Streets imported from a file: they replace the demo's in their area and the planner routes along them."""
from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString, Point, box
from sqlalchemy import func, select

from geo import services
from geo.access import SYSTEM
from geo.db import network as db
from geo.db.models import StreetSegment
from geo.demo.network import load_streets, street_segments
from geo.errors import InvalidInput, NotFound
from geo.ingest.mapping import Mapping
from geo.services.planning.distance import travel

from tests.integration.test_cli_process import kuzet
from tests.integration.test_planning_service import formation
from tests.support.dispatch_world import world  # noqa: F401  (fixture)

TO_M = Transformer.from_crs(4326, 32643, always_xy=True).transform
TO_WGS = Transformer.from_crs(32643, 4326, always_xy=True).transform
COLUMNS = Mapping(fields={"name": "NAME", "one_way": "ONEWAY", "speed_kmh": "SPEED", "highway": "CLASS"})
pytestmark = pytest.mark.realdata


def metres(origin: Point, *dxy: tuple[float, float]) -> list[tuple[float, float]]:
    """Points ``dx``, ``dy`` metres (UTM 43N) from ``origin``, as (lon, lat)."""
    x, y = TO_M(origin.x, origin.y)
    return [TO_WGS(x + dx, y + dy) for dx, dy in dxy]


@pytest.fixture
def demo_streets(session, shared_data):
    """The demo's street segments, stored; and their lines."""
    stored = load_streets(session, shared_data)
    session.flush()
    return stored, street_segments(shared_data).geometry.values


@pytest.fixture
def home(session, world):
    fid = formation(session, world, "Street import watch", box(76.95, 43.26, 76.952, 43.262), 0)
    return fid, db.home_points(session, [fid])[fid]


def city_file(tmp_path, origin: Point):
    """A GeoPackage of three streets near ``origin``, one of them of two parts."""
    avenue = LineString(metres(origin, (0, 0), (600, 0), (600, 400)))
    lane = MultiLineString([metres(origin, (0, 0), (0, -300)), metres(origin, (600, 400), (900, 400))])
    side = LineString(metres(origin, (0, 400), (300, 400)))
    frame = gpd.GeoDataFrame({"NAME": ["Imported avenue", "Imported lane", "Imported side street"],
                              "ONEWAY": ["yes", "no", None], "SPEED": [40.0, 30.0, None],
                              "CLASS": ["secondary", "residential", "residential"]},
                             geometry=[avenue, lane, side], crs=4326)
    path = tmp_path / "streets.gpkg"
    frame.to_file(path, layer="streets", driver="GPKG")
    return path, frame


def test_imported_streets_replace_the_demos_in_their_area_and_carry_the_plans(session, world, home,
                                                                             demo_streets, tmp_path):
    fid, origin = home
    stored, demo_lines = demo_streets
    path, frame = city_file(tmp_path, origin)
    target = [SimpleNamespace(geometry=Point(*metres(origin, (600, 400))[0]))]
    straight = np.array([[720.0]])
    before = travel(session, straight, [fid], target).travel_m[0, 0]
    hull = shapely.convex_hull(shapely.multilinestrings(shapely.get_parts(frame.geometry.values)))
    inside = int(shapely.covered_by(demo_lines, hull).sum())  # shapely's count, not PostGIS's
    assert inside > 0
    result = services.import_layer(session, "street_segment", path, mapping=COLUMNS, actor=SYSTEM)
    assert (result.rows, result.replaced) == (4, inside)  # the lane's two parts are two segments
    assert db.segment_count(session) == stored - inside + 4
    left = session.scalar(select(func.count()).select_from(StreetSegment).where(
        func.ST_CoveredBy(StreetSegment.geom, func.ST_GeomFromWKB(hull.wkb, 4326)),
        StreetSegment.name.not_like("Imported%")))
    assert left == 0
    rows = session.execute(select(StreetSegment.name, StreetSegment.one_way, StreetSegment.speed_kmh,
                                  StreetSegment.highway, StreetSegment.length_m,
                                  func.ST_Length(func.Geography(StreetSegment.geom)))
                           .where(StreetSegment.name.like("Imported%")).order_by(StreetSegment.id)).all()
    assert [r[:4] for r in rows] == [("Imported avenue", True, 40.0, "secondary"),
                                     ("Imported lane", False, 30.0, "residential"),
                                     ("Imported lane", False, 30.0, "residential"),
                                     ("Imported side street", None, None, "residential")]
    assert [r.length_m for r in rows] == pytest.approx([r[5] for r in rows], rel=1e-6)  # PostGIS agrees
    assert rows[0].length_m == pytest.approx(1000.0, rel=2e-3)
    after = travel(session, straight, [fid], target)
    assert after.distance == "network" and after.straight_pairs == 0
    assert after.travel_m[0, 0] == pytest.approx(1000.0, abs=0.5)  # along the imported avenue
    assert after.travel_m[0, 0] != pytest.approx(before, abs=0.5)


def test_streets_that_are_not_lines_or_have_no_speed_are_refused_row_by_row(session, world, home,
                                                                             demo_streets, tmp_path):
    _, origin = home
    stored, _ = demo_streets
    line = LineString(metres(origin, (0, 0), (100, 0)))
    frame = gpd.GeoDataFrame({"NAME": ["a square", "a", "b", "c", "d"], "SPEED": ["50", "0", "fast", "-5", "60"],
                              "ONEWAY": ["yes", "no", "yes", "no", "maybe"]},
                             geometry=[Point(*metres(origin, (0, 0))[0]), line, line, line, line], crs=4326)
    path = tmp_path / "bad_streets.geojson"
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(InvalidInput) as refused:
        services.import_layer(session, "street_segment", path, actor=SYSTEM,
                              mapping=Mapping(fields={"name": "NAME", "speed_kmh": "SPEED", "one_way": "ONEWAY"}))
    assert [(e.row, e.field) for e in refused.value.rows] == [(1, "geometry"), (2, "SPEED"), (3, "SPEED"),
                                                               (4, "SPEED"), (5, "ONEWAY")]
    reasons = [e.reason for e in refused.value.rows]
    assert "a Point does not fit layer street_segment" in reasons[0]
    assert reasons[1] == "0 is not above 0" and "not a number" in reasons[2] and "not yes or no" in reasons[4]
    assert "nothing was stored" in refused.value.message
    assert db.segment_count(session) == stored
    with pytest.raises(NotFound, match="street_segment"):
        services.import_layer(session, "streets", path, actor=SYSTEM)


def test_the_command_line_imports_streets_with_mapped_columns(engine, tmp_path):
    path, _ = city_file(tmp_path, Point(76.951, 43.261))
    url = engine.url.render_as_string(hide_password=False)
    done = kuzet("--database-url", url, "import", "street_segment", str(path), "--map", "name=NAME",
                 "--map", "one_way=ONEWAY", "--map", "speed_kmh=SPEED", "--map", "highway=CLASS", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "4 rows of streets.gpkg" in done.stdout and "layer street_segment" in done.stdout
    assert "dry run, nothing stored" in done.stdout
    bad = kuzet("--database-url", url, "import", "street_segment", str(path), "--map", "speed_kmh=NAME")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "not a number: 'Imported avenue'" in bad.stderr


def test_osm_ids_beyond_32_bits_are_stored_exactly_and_a_non_whole_one_is_a_row_error(session, world, home,
                                                                                    tmp_path):
    _fid, origin = home
    path, frame = city_file(tmp_path, origin)
    frame["OSM"] = ["12345678901234", "-42", "9007199254740993"]  # the last is not a float's
    frame.to_file(path, layer="streets", driver="GPKG")
    mapping = Mapping(fields={**COLUMNS.fields, "osm_id": "OSM"})
    services.import_layer(session, "street_segment", path, mapping=mapping, actor=SYSTEM)
    stored = session.scalars(select(StreetSegment.osm_id).where(StreetSegment.name.like("Imported%"))
                             .order_by(StreetSegment.id)).all()
    assert stored == [12345678901234, -42, -42, 9007199254740993]
    frame["OSM"] = ["1.5", "99999999999999999999", "7"]
    bad = tmp_path / "bad.gpkg"
    frame.to_file(bad, layer="streets", driver="GPKG")
    with pytest.raises(InvalidInput) as refused:
        services.import_layer(session, "street_segment", bad, mapping=mapping, actor=SYSTEM, again=True)
    reasons = {(e.row, e.reason) for e in refused.value.rows}
    assert reasons == {(1, "not a whole number: '1.5'"),
                       (2, "99999999999999999999 is outside the range of a 64-bit whole number")}
