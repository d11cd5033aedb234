"""A stored run's cells as vector tiles (/tiles/analysis/<run>/z/x/y.mvt): the tile holds the run's drawn
cells that meet it (as PostGIS finds them), read as the run is, and the analyst's page does not grow
with the run's cells."""
from __future__ import annotations

import gzip
import math

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import pytest
from shapely.geometry import Point
from sqlalchemy import text

from geo import services
from geo.access import SYSTEM
from tests.support.leader_clients import as_user, lw  # noqa: F401  (fixtures)

ORIGIN = (76.90, 43.22)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def decoded(response) -> list[dict]:
    if response.status_code == 204:
        return []
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/vnd.mapbox-vector-tile"
    data = gzip.decompress(response.data) if response.headers.get("Content-Encoding") == "gzip" else response.data
    layers = mapbox_vector_tile.decode(data)
    assert list(layers) == ["analysis"]
    return layers["analysis"]["features"]


def thefts(session, *, width_deg: float, seed: int = 5) -> None:
    """Thefts over a square ``width_deg`` wide from ORIGIN, with a dense cluster in its south-west corner."""
    rng = np.random.default_rng(seed)
    lon, lat = ORIGIN
    n = int(400 * (width_deg / 0.06) ** 2)
    xy = np.vstack([np.column_stack([rng.uniform(lon, lon + width_deg, n), rng.uniform(lat, lat + width_deg, n)]),
                    np.column_stack([rng.uniform(lon, lon + 0.015, 300), rng.uniform(lat, lat + 0.015, 300)])])
    services.import_frame(session, "incident", gpd.GeoDataFrame(
        {"occurred_at": ["2026-03-01 10:00"] * len(xy), "category": ["theft"] * len(xy)},
        geometry=[Point(p) for p in xy], crs=4326), name="thefts", actor=SYSTEM)
    session.commit()


@pytest.fixture
def runs(client, session):
    """A Gi* and a Local Moran run over the same thefts (their cell ids overlap: 1..n each)."""
    thefts(session, width_deg=0.06)
    gi = client.post("/api/v1/analyses", json={"method": "gi_star", "cell_size_m": 300}).get_json()
    moran = client.post("/api/v1/analyses", json={"method": "local_moran", "cell_size_m": 300}).get_json()
    return gi["id"], moran["id"]


def drawn_in(session, run_id: int, z: int, x: int, y: int, *, margin: float) -> dict[int, dict]:
    """The run's drawn cells meeting tile z/x/y widened by ``margin`` (a share of its width), by PostGIS."""
    rows = session.execute(text("""
        SELECT c.cell_id, c.count, c.z, c."class", c.quadrant, c.p_fdr
        FROM analysis_cell AS c JOIN analysis_run AS r ON r.id = c.run_id
        WHERE c.run_id = :run AND ST_Intersects(ST_Transform(c.geom, 3857), ST_TileEnvelope(:z, :x, :y, margin => :m))
          AND CASE r.method WHEN 'gi_star' THEN coalesce(c."class", 0) <> 0
                            WHEN 'local_moran' THEN c.quadrant IS NOT NULL AND c.p_fdr < 0.05 ELSE true END
    """), {"run": run_id, "z": z, "x": x, "y": y, "m": margin}).mappings()
    return {row["cell_id"]: dict(row) for row in rows}


@pytest.mark.parametrize("z", [12, 14])
def test_a_tile_holds_the_runs_drawn_cells_that_meet_it(client, session, runs, z):
    for run_id in runs:
        x0, y0 = tile_of(ORIGIN[0] + 0.01, ORIGIN[1] + 0.01, z)
        for x, y in ((x0, y0), (x0 + 1, y0), (x0, y0 - 1)):
            features = decoded(client.get(f"/tiles/analysis/{run_id}/{z}/{x}/{y}.mvt"))
            ids = {f["properties"]["cell_id"] for f in features}
            inside = drawn_in(session, run_id, z, x, y, margin=0)
            # every drawn cell over the tile is in it, and no cell beyond the 64/4096 buffer tiles keep
            assert set(inside) <= ids <= set(drawn_in(session, run_id, z, x, y, margin=64 / 4096)), (run_id, x, y)
            for f in features:  # with the stored values, of this run (not the other's cell of that id)
                p = f["properties"]
                row = inside.get(p["cell_id"]) or drawn_in(session, run_id, z, x, y, margin=64 / 4096)[p["cell_id"]]
                assert p["count"] == row["count"] and p["z"] == pytest.approx(row["z"])
                assert p.get("class") == row["class"] and p.get("quadrant") == row["quadrant"]
    gi = [f["properties"] for f in decoded(client.get(f"/tiles/analysis/{runs[0]}/{z}/{x0}/{y0}.mvt"))]
    assert gi and all(p["class"] != 0 for p in gi)  # the cluster is hot; not significant cells are not drawn


def tiled_cells(client, run_id: int, *, z: int = 13) -> set[int]:
    """The ids of the cells the run's tiles hold, over every tile at zoom ``z`` of the run's extent."""
    cells = client.get(f"/api/v1/analyses/{run_id}/cells").get_json()["features"]
    if not cells:
        return set()
    west, south, east, north = gpd.GeoDataFrame.from_features(cells, crs=4326).total_bounds
    (x_min, y_min), (x_max, y_max) = tile_of(west, north, z), tile_of(east, south, z)
    seen: set[int] = set()
    for x in range(x_min, x_max + 1):
        for y in range(y_min, y_max + 1):
            seen |= {f["properties"]["cell_id"] for f in decoded(client.get(f"/tiles/analysis/{run_id}/{z}/{x}/{y}.mvt"))}
    return seen


def test_the_tiles_together_hold_every_drawn_cell_and_only_those(client, session, runs):
    gi = client.get(f"/api/v1/analyses/{runs[0]}/cells").get_json()
    drawn = {f["id"] for f in gi["features"] if f["properties"]["class"] not in (None, 0)}
    assert drawn and len(drawn) < len(gi["features"])
    assert tiled_cells(client, runs[0]) == drawn
    moran = client.get(f"/api/v1/analyses/{runs[1]}/cells").get_json()
    significant = {f["id"] for f in moran["features"]
                   if f["properties"]["quadrant"] and f["properties"]["p_fdr"] < 0.05}
    assert tiled_cells(client, runs[1]) == significant


def test_run_tiles_are_read_as_the_run_is(client, anonymous, runs, as_user):
    path = f"/tiles/analysis/{runs[0]}/12/{tile_of(*ORIGIN, 12)[0]}/{tile_of(*ORIGIN, 12)[1]}.mvt"
    assert client.get(path).status_code == 200
    assert client.get(f"/api/v1/analyses/{runs[0]}").status_code == 200
    for login, status in (("leader", 403), ("dispatcher", 200), ("supervisor", 200)):
        other = as_user(login)
        assert other.get(f"/api/v1/analyses/{runs[0]}").status_code == status, login
        answer = other.get(path)
        assert answer.status_code == status and (status == 200 or answer.is_json), login
    assert anonymous.get(path).status_code == 401
    unknown = client.get("/tiles/analysis/987654/12/0/0.mvt")
    assert unknown.status_code == 404 and "987654" in unknown.get_json()["error"]
    assert client.get(f"/tiles/analysis/{runs[0]}/23/0/0.mvt").status_code == 400
    assert client.get("/tiles/analysis/x1/1/0/0.mvt").status_code == 400


def test_etag_gzip_and_an_empty_tile(client, runs):
    x, y = tile_of(ORIGIN[0] + 0.005, ORIGIN[1] + 0.005, 14)
    path = f"/tiles/analysis/{runs[0]}/14/{x}/{y}.mvt"
    plain = client.get(path)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert plain.headers["Cache-Control"].startswith("private")
    zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.data) == plain.data
    assert client.get(path, headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304
    assert client.get(f"/tiles/analysis/{runs[0]}/14/0/0.mvt").status_code == 204


def test_the_analysis_page_does_not_grow_with_the_runs_cells(client, session):
    thefts(session, width_deg=0.03)
    small = client.post("/api/v1/analyses", json={"method": "gi_star", "cell_size_m": 400}).get_json()
    thefts(session, width_deg=0.12, seed=6)  # 16 times the area
    large = client.post("/api/v1/analyses", json={"method": "gi_star", "cell_size_m": 150}).get_json()
    assert large["summary"]["cells"] > 20 * small["summary"]["cells"]
    pages = [client.get(f"/analysis?run={run['id']}") for run in (small, large)]
    assert all(p.status_code == 200 for p in pages)
    sizes = [len(p.data) for p in pages]
    # the legend's counts, the dates and the top table differ a little; the cells are not in the page
    assert abs(sizes[1] - sizes[0]) < 1500, sizes
    html = pages[1].get_data(as_text=True)
    assert f"/tiles/analysis/{large['id']}/{{z}}/{{x}}/{{y}}.mvt" in html
    assert "/tiles/patrol_zone/{z}/{x}/{y}.mvt" in html  # the zones to read it by, from their tiles too
    assert "Not significant: " in html and f"{large['summary']['classes'].get('3', 0):,}" in html
