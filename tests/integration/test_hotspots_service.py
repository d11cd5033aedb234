"""The hot spot service on real PostGIS: SF incidents imported, runs stored, reopened, compared, exported."""
from __future__ import annotations

import io
import json

import geopandas as gpd
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from scipy.spatial import cKDTree
from shapely.geometry import Point, box, mapping

from geo import services
from geo.access import SYSTEM, Principal
from geo.crs import metric_crs_for
from geo.domain import Role
from geo.errors import InvalidInput, NotFound
from geo.ingest.mapping import Mapping
from geo.progress import silent
from geo.services.hotspots import Parameters, Selection, hotspots
from geo.services.hotspots.options import selection

SF_CSV = "sf_crime_2012/sf_crime_jul_dec_2012_points.csv"
SF_MAPPING = Mapping(fields={"occurred_at": "Date", "category": "Category", "description": "PdDistrict",
                             "external_id": "IncidntNum"},
                     constants={"source": "police-record"}, timezone="America/Los_Angeles")
ANALYST = Principal(None, "test analyst", frozenset({Role.ANALYST}))
SF = {"timezone": "America/Los_Angeles", "actor": ANALYST}
DRUGS = "DRUG/NARCOTIC"
TENDERLOIN = box(-122.4185, 37.7805, -122.4075, 37.7875)  # around Boeddeker Park

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def sf_table(shared_data) -> gpd.GeoDataFrame:
    table = pd.read_csv(shared_data / SF_CSV)
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table.lon, table.lat), crs=4326)


@pytest.fixture(scope="module")
def sf_incidents(module_session, shared_data) -> None:
    """The 13,472 San Francisco incidents, PdDistrict in ``description``, imported once for the module."""
    services.import_layer(module_session, "incident", shared_data / SF_CSV, mapping=SF_MAPPING, actor=SYSTEM)
    module_session.commit()


@pytest.fixture
def sf(session, sf_incidents):
    """The test's session over the San Francisco incidents (its own writes rolled back after it)."""
    return session


def district_of(point: Point, incidents: gpd.GeoDataFrame, k: int = 25) -> str:
    """The police district most of the ``k`` incidents nearest to ``point`` lie in."""
    crs = metric_crs_for(incidents)
    xy = incidents.geometry.to_crs(crs).get_coordinates().to_numpy()
    here = gpd.GeoSeries([point], crs=4326).to_crs(crs).get_coordinates().to_numpy()[0]
    _, nearest = cKDTree(xy).query(here, k=k)
    return incidents["PdDistrict"].iloc[nearest].mode().iloc[0]


def analyse(session, *, actor: Principal, progress=silent, **options):
    """A hot spot run of ``options``, the fields of an API request body."""
    return hotspots(session, Selection.from_json(options), Parameters.from_json(options), actor=actor,
                    progress=progress)


def stored(session) -> int:
    return services.list_runs(session, viewer=SYSTEM)["total"]


def test_the_strongest_drug_hot_spot_through_the_service_lies_in_the_tenderloin(sf, sf_table):
    result = analyse(sf, method="gi_star", categories=[DRUGS], cell_size_m=250, **SF)
    assert result.summary["incidents"] == (sf_table["Category"] == DRUGS).sum() == 3897
    top = result.summary["top"][0]
    assert top["class"] == 3 and top["p_fdr"] < 0.01
    drugs = sf_table[sf_table["Category"] == DRUGS]
    assert district_of(Point(top["lon"], top["lat"]), drugs) == "TENDERLOIN"
    assert result.summary["fdr"]["method"] == "Benjamini-Hochberg"
    assert result.summary["global_moran"]["i"] > 0.3
    assert result.summary["synthetic_incidents"] == 0


def test_the_deduplicated_drug_density_peaks_in_the_tenderloin(sf, sf_table):
    result = analyse(sf, method="kde", categories=[DRUGS], bandwidth_m=250, cell_size_m=25,
                     deduplicate=True, **SF)
    drugs = sf_table[sf_table["Category"] == DRUGS].drop_duplicates("IncidntNum")
    assert result.summary["incidents"] == len(drugs)
    assert result.summary["density"]["mass"] == pytest.approx(len(drugs), rel=1e-3)
    peak = result.summary["top"][0]
    assert district_of(Point(peak["lon"], peak["lat"]), drugs) == "TENDERLOIN"
    assert result.summary["unit"] == "incidents per km²"
    assert list(result.cells["value"]) == sorted(result.cells["value"])  # bands from low to high


def test_weekdays_are_read_in_san_francisco_time(sf, sf_table):
    result = analyse(sf, method="gi_star", categories=[DRUGS], weekdays=[4, 5], **SF)
    drugs = sf_table[sf_table["Category"] == DRUGS]
    assert result.summary["incidents"] == drugs["DayOfWeek"].isin(["Friday", "Saturday"]).sum() == 1112


def test_a_run_is_stored_and_reopens_identical(sf):
    result = analyse(sf, method="local_moran", categories=[DRUGS], aggregation="hexagon",
                     cell_size_m=300, start="2012-07-01", end="2012-09-30", **SF)
    sf.expire_all()
    again = services.analysis_run(sf, result.run_id, viewer=SYSTEM)
    assert_geodataframe_equal(result.cells, again.cells, check_less_precise=False)
    assert (again.summary, again.parameters, again.selection) == (result.summary, result.parameters,
                                                                  result.selection)
    assert again.selection["start"] == "2012-07-01T00:00:00-07:00"
    assert again.selection["end"] == "2012-10-01T00:00:00-07:00"  # a date means its whole day
    assert again.created_by == "test analyst" and again.duration_ms >= 0
    assert set(again.cells["quadrant"].dropna()) <= {"HH", "LL", "HL", "LH"}
    assert services.list_runs(sf, viewer=SYSTEM)["runs"][0]["id"] == result.run_id


def test_exports_have_one_feature_and_one_row_per_cell(sf):
    result = analyse(sf, method="gi_star", categories=[DRUGS], cell_size_m=400, **SF)
    collection = services.run_geojson(sf, result.run_id, viewer=SYSTEM)
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == len(result.cells)
    feature = collection["features"][0]
    assert feature["geometry"]["type"] == "Polygon"
    assert set(feature["properties"]) == {"cell_id", "count", "value", "z", "p", "p_fdr", "class", "quadrant",
                                          "island"}
    assert collection["run"]["id"] == result.run_id
    json.dumps(collection, allow_nan=False)  # valid JSON: no NaN
    table = pd.read_csv(io.StringIO(services.run_csv(sf, result.run_id, viewer=SYSTEM)))
    assert list(table.columns) == ["run_id", "method", "cell_id", "count", "value", "z", "p", "p_fdr", "class",
                                   "quadrant", "island", "lon_epsg4326", "lat_epsg4326", "wkt_epsg4326"]
    assert len(table) == len(result.cells) and table["count"].sum() == result.summary["incidents"]
    hottest = table.loc[table["z"].idxmax()]
    assert hottest["class"] == 3 and hottest["wkt_epsg4326"].startswith("POLYGON")


def test_a_drawn_polygon_limits_the_incidents_and_the_grid(sf, sf_table):
    result = analyse(sf, method="gi_star", area={"kind": "polygon", "geometry": mapping(TENDERLOIN)},
                     cell_size_m=100, **SF)
    inside = sf_table[sf_table.intersects(TENDERLOIN)]
    assert result.summary["incidents"] == len(inside) > 500
    assert result.summary["area"] == {"kind": "polygon"}
    assert result.cells.union_all().buffer(1e-9).covers(TENDERLOIN)
    assert services.analysis_run(sf, result.run_id, viewer=SYSTEM).selection["area"]["geometry"]["type"] == "Polygon"


def test_two_runs_compare_cell_by_cell(sf):
    drugs = analyse(sf, method="gi_star", categories=[DRUGS], cell_size_m=250, **SF)
    same = analyse(sf, method="gi_star", categories=[DRUGS], cell_size_m=250, **SF)
    robbery = analyse(sf, method="gi_star", categories=["ROBBERY"], cell_size_m=250, **SF)
    assert services.compare_runs(sf, drugs.run_id, same.run_id, viewer=SYSTEM)["changed"] == 0
    compared = services.compare_runs(sf, drugs.run_id, robbery.run_id, viewer=SYSTEM)
    assert compared["shared"] > 1000 and 0 < compared["changed"] < compared["shared"]
    assert {c["from"] for c in compared["cells"]} <= {"3", "2", "1", "0", "-1", "-2", "-3", "island"}
    kde = analyse(sf, method="kde", categories=[DRUGS], **SF)
    with pytest.raises(InvalidInput, match="both are Gi"):
        services.compare_runs(sf, drugs.run_id, kde.run_id, viewer=SYSTEM)


def test_permutations_with_a_seed_repeat_exactly(sf):
    options = dict(method="gi_star", categories=[DRUGS], cell_size_m=500, permutations=199, seed=7, **SF)
    first, second = analyse(sf, **options), analyse(sf, **options)
    assert first.cells["p"].equals(second.cells["p"])
    assert first.summary["fdr"]["p_value"] == "permutation" and first.parameters["seed"] == 7


def test_progress_is_reported_in_steps(sf):
    calls = []

    class Bar:
        def update(self, n=1):
            calls.append(n)

        def close(self):
            calls.append("closed")

    def factory(*, total, desc):
        calls.append((total, desc))
        return Bar()

    analyse(sf, method="gi_star", categories=[DRUGS], progress=factory, **SF)
    assert calls[0] == (5, "hot spots (gi_star)") and calls[-1] == "closed"
    assert sum(c for c in calls[1:-1]) == 5


@pytest.mark.parametrize(("options", "message"), [
    ({"categories": ["NO SUCH THING"]}, "no incidents match"),
    ({"start": "2012-10-01", "end": "2012-09-01"}, "must come after start"),
    ({"start": "2012-10-01", "end": "2012-10-01T00:00"}, "must come after start"),
    ({"area": {"kind": "district", "id": 999}}, "no district with id 999"),
    ({"area": {"kind": "patrol_zone", "id": 5}}, "no patrol zone with id 5"),
    ({"area": {"kind": "polygon", "geometry": {"type": "Point", "coordinates": [0, 0]}}}, "Polygon"),
    ({"cell_size_m": 1}, "cell_size_m must be at least"),
    ({"cell_size_m": 15}, "would make about"),
    ({"cell_size_m": 10_000}, "make only"),
    ({"method": "kde", "bandwidth_m": 0}, "bandwidth_m must be more than 0"),
    ({"method": "kde", "bandwidth_m": -50}, "bandwidth_m must be more than 0"),
    ({"method": "kde", "bandwidth_m": 100, "cell_size_m": 200}, "coarser than the bandwidth"),
    ({"method": "hotness"}, "unknown method"),
    ({"neighbours": "distance"}, "needs distance_m"),
    ({"aggregation": "district"}, "only 0 district"),
    ({"weekdays": [7]}, "weekday must be"),
    ({"hour_band": [5, 5]}, "hour band"),
    ({"timezone": "Mars/Olympus"}, "unknown time zone"),
    ({"sources": ["rumour"]}, "unknown source"),
    ({"permutations": -1}, "permutations must be"),
])
def test_bad_input_is_refused_with_its_reason_and_stores_nothing(sf, options, message):
    before = stored(sf)
    with pytest.raises(InvalidInput, match=message):
        analyse(sf, **{"method": "gi_star", **SF, **options})
    assert stored(sf) == before == 0


def test_an_unknown_run_is_not_found(session):
    with pytest.raises(NotFound):
        services.analysis_run(session, 123456, viewer=SYSTEM)


def test_the_series_counts_incidents_per_day_and_hour(sf, sf_table):
    series = services.incident_series(sf, selection(categories=[DRUGS], start="2012-07-01", end="2012-07-31",
                                                    timezone="America/Los_Angeles"), viewer=SYSTEM)
    assert len(series["buckets"]) == 31 and series["buckets"][0]["t"] == "2012-07-01"
    july = sf_table[(sf_table["Category"] == DRUGS) & sf_table["Date"].str.startswith("2012-07")]
    assert sum(b["count"] for b in series["buckets"]) == series["total"] == len(july)
    hours = services.incident_series(sf, selection(categories=[DRUGS], timezone="America/Los_Angeles"),
                                     interval="hour", viewer=SYSTEM)
    assert [b["count"] for b in hours["buckets"]][0] == 3897  # dates only: every incident at midnight
