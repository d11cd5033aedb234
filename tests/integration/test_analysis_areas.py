"""Hot spots on analysis areas: the 579 San Francisco census block groups imported as a
set, the real incidents counted into them; kuzet's Gi* and Local Moran agree with esda run directly
on the same polygons and queen weights, and with the same weights read from a GAL file."""
from __future__ import annotations

import esda
import geopandas as gpd
import libpysal
import numpy as np
import pandas as pd
import pytest

from geo import services
from geo.access import SYSTEM
from geo.errors import InvalidInput
from geo.ingest.mapping import Mapping
from tests.integration.test_hotspots_service import DRUGS, SF, SF_CSV, SF_MAPPING, analyse, stored

pytestmark = [pytest.mark.realdata, pytest.mark.filterwarnings("ignore::DeprecationWarning:esda"),
              pytest.mark.filterwarnings("ignore::UserWarning:libpysal")]

BLOCKS_SHP = "sf_crime_2012/SFCrime_blocks.shp"
SET = "sf-block-groups"
BLOCKS = Mapping(fields={"name": "GEO_displa", "external_id": "GEO_id2"}, constants={"set_name": SET})


@pytest.fixture(scope="module")
def blocks(shared_data) -> gpd.GeoDataFrame:
    return gpd.read_file(shared_data / BLOCKS_SHP)


@pytest.fixture(scope="module")
def queen(blocks) -> libpysal.weights.W:
    """Queen contiguity of the block groups, ids their GEO_id2, straight from libpysal."""
    w = libpysal.weights.Queen.from_dataframe(blocks, ids=blocks["GEO_id2"].tolist(), silence_warnings=True)
    w.transform = "B"
    return w


@pytest.fixture(scope="module", autouse=True)
def world(module_session, shared_data) -> None:
    services.import_layer(module_session, "incident", shared_data / SF_CSV, mapping=SF_MAPPING, actor=SYSTEM)
    services.import_layer(module_session, "analysis_area", shared_data / BLOCKS_SHP, mapping=BLOCKS, actor=SYSTEM)
    module_session.commit()


@pytest.fixture(scope="module")
def drug_counts(blocks, shared_data) -> np.ndarray:
    """Drug incidents per block group, counted here with geopandas (a point on a border counts once)."""
    table = pd.read_csv(shared_data / SF_CSV)
    table = table[table["Category"] == DRUGS]
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(table.lon, table.lat), crs=4326)
    joined = gpd.sjoin(points, blocks.to_crs(4326)[["geometry"]], predicate="intersects")
    joined = joined[~joined.index.duplicated(keep="first")]
    return np.bincount(joined["index_right"], minlength=len(blocks)).astype(float)


def write_gal(path, w) -> None:
    out = libpysal.io.open(str(path), "w")
    out.write(w)
    out.close()


def in_file_order(result) -> gpd.GeoDataFrame:
    return result.cells.sort_values("cell_id").reset_index(drop=True)  # ids follow the file's rows


def test_the_block_groups_are_one_set_of_579_areas(session):
    sets = services.analyst_choices(session, viewer=SYSTEM)["area_sets"]
    assert {"name": SET, "areas": 579, "weights": None} in sets


@pytest.mark.parametrize("weights", ["binary", "row"])
def test_gi_star_on_block_groups_agrees_with_esda(session, queen, drug_counts, weights):
    result = analyse(session, method="gi_star", categories=[DRUGS], aggregation="analysis_area", area_set=SET,
                     neighbours="queen", weights=weights, **SF)
    cells = in_file_order(result)
    np.testing.assert_array_equal(cells["count"], drug_counts)
    theirs = esda.G_Local(drug_counts, queen, transform="R" if weights == "row" else "B", star=True,
                          permutations=0)
    tested = ~cells["island"].to_numpy()
    assert cells["island"].sum() == 2 == result.summary["islands"]
    np.testing.assert_allclose(cells["z"][tested], theirs.Zs[tested], rtol=0, atol=1e-9)
    np.testing.assert_allclose(cells["value"][tested], theirs.Gs[tested], rtol=0, atol=1e-12)
    top = result.summary["top"][0]
    assert top["name"].startswith("Block Group") and top["class"] == 3


def test_local_moran_on_block_groups_agrees_with_esda(session, queen, drug_counts):
    result = analyse(session, method="local_moran", categories=[DRUGS], aggregation="analysis_area", area_set=SET,
                     **SF)
    cells = in_file_order(result)
    queen.transform = "R"
    theirs = esda.Moran_Local(drug_counts, queen, transformation="r", permutations=0)
    queen.transform = "B"
    tested = ~cells["island"].to_numpy()
    np.testing.assert_allclose(cells["value"][tested], theirs.Is[tested], rtol=0, atol=1e-9)
    np.testing.assert_allclose(cells["z"][tested], ((theirs.Is - theirs.EI) / np.sqrt(theirs.VI))[tested],
                               rtol=0, atol=1e-9)
    moran = esda.Moran(drug_counts, queen, transformation="r", permutations=0)
    assert result.summary["global_moran"]["i"] == pytest.approx(moran.I, abs=1e-12)


def test_a_gal_file_written_by_libpysal_gives_the_same_answers(session, shared_data, queen, tmp_path):
    gal = tmp_path / "blocks.gal"
    write_gal(gal, queen)
    services.import_layer(session, "analysis_area", shared_data / BLOCKS_SHP, actor=SYSTEM, again=True,
                          mapping=Mapping(fields={"name": "GEO_displa"}, constants={"set_name": "sf-gal"}),
                          weights=gal, weights_id="GEO_id2")
    assert {"name": "sf-gal", "areas": 579, "weights": "gal"} in services.analyst_choices(session, viewer=SYSTEM)["area_sets"]
    for method in ("gi_star", "local_moran"):
        common = dict(method=method, categories=[DRUGS], aggregation="analysis_area", **SF)
        from_file = in_file_order(analyse(session, area_set="sf-gal", neighbours="file", **common))
        contiguity = in_file_order(analyse(session, area_set=SET, neighbours="queen", **common))
        np.testing.assert_allclose(from_file["z"], contiguity["z"], rtol=0, atol=1e-12, equal_nan=True)
        assert (from_file["island"] == contiguity["island"]).all()


def test_distance_neighbours_join_block_centroids(session):
    near = analyse(session, method="gi_star", categories=[DRUGS], aggregation="analysis_area", area_set=SET,
                   neighbours="distance", distance_m=400, **SF)
    far = analyse(session, method="gi_star", categories=[DRUGS], aggregation="analysis_area", area_set=SET,
                  neighbours="distance", distance_m=1500, **SF)
    assert near.summary["islands"] > far.summary["islands"] == 0


def test_a_weights_file_whose_ids_do_not_match_is_refused_naming_them(session, shared_data, queen, tmp_path):
    neighbours = dict(queen.neighbors)
    first = queen.id_order[0]
    neighbours["NOT-A-BLOCK"] = [first]
    neighbours[first] = [*neighbours[first], "NOT-A-BLOCK"]
    gal = tmp_path / "wrong.gal"
    write_gal(gal, libpysal.weights.W(neighbours, silence_warnings=True))
    before = len(services.analyst_choices(session, viewer=SYSTEM)["area_sets"])
    with pytest.raises(InvalidInput, match="1 id of the file names no area: NOT-A-BLOCK"):
        services.import_layer(session, "analysis_area", shared_data / BLOCKS_SHP, actor=SYSTEM, again=True,
                              mapping=Mapping(fields={"name": "GEO_displa"}, constants={"set_name": "sf-wrong"}),
                              weights=gal, weights_id="GEO_id2")
    session.rollback()
    assert len(services.analyst_choices(session, viewer=SYSTEM)["area_sets"]) == before


@pytest.mark.parametrize(("options", "message"), [
    ({"set_name": SET}, "exist already"),
    ({"weights_text": "not a weights file"}, "cannot be read as GAL"),
    ({"weights_name": "blocks.txt"}, "a weights file is a .gal or .gwt file"),
    ({"no_id": True}, "needs --weights-id"),
])
def test_bad_area_imports_are_refused(session, shared_data, tmp_path, options, message):
    weights = tmp_path / options.get("weights_name", "w.gal")
    weights.write_text(options.get("weights_text", "1\n60750314005 0\n"))
    with pytest.raises(InvalidInput, match=message):
        services.import_layer(session, "analysis_area", shared_data / BLOCKS_SHP, actor=SYSTEM, again=True,
                              mapping=Mapping(fields={"name": "GEO_displa"},
                                              constants={"set_name": options.get("set_name", "other")}),
                              weights=None if options.get("set_name") else weights,
                              weights_id=None if options.get("no_id") or options.get("set_name") else "GEO_id2")


def test_file_neighbours_need_a_set_with_a_file(session):
    with pytest.raises(InvalidInput, match="imported without a weights file"):
        analyse(session, method="gi_star", aggregation="analysis_area", area_set=SET, neighbours="file", **SF)
    assert stored(session) == 0
