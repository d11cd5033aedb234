"""spopt's own San Francisco instance (205 tracts, 16 stores, network metres) gives spopt's values.

The instance and the expected values are those of spopt's tests
(``spopt/tests/test_locate/test_{mclp,p_median,lscp}.py``, class ``TestRealWorld*``): the
distance matrix is the pivot of the network-distance CSV (tracts x stores, both sorted by
name) and the demand weight is the tracts' ``POP2000``, sorted by ``NAME``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.analysis.location_models import lscp, mclp, p_median

spopt = pytest.importorskip("spopt")
DATA = Path(spopt.__file__).parent / "tests" / "test_locate" / "data"

pytestmark = pytest.mark.skipif(
    not (DATA / "SF_demand_205_centroid_uniform_weight.csv").exists(),
    reason=f"the installed spopt does not ship its test data at {DATA}")


@pytest.fixture(scope="module")
def sf() -> tuple[np.ndarray, np.ndarray]:
    """Distance matrix (205 x 16, metres) and POP2000 weights, exactly as spopt's tests build them."""
    network = pd.read_csv(DATA / "SF_network_distance_candidateStore_16_censusTract_205_new.csv")
    matrix = network.pivot_table(values="distance", index="DestinationName", columns="name")
    tracts = pd.read_csv(DATA / "SF_demand_205_centroid_uniform_weight.csv")
    tracts = tracts.sort_values(by=["NAME"]).reset_index()
    assert (matrix.index.to_numpy() == tracts["NAME"].to_numpy()).all()
    return matrix.to_numpy(), tracts["POP2000"].to_numpy()


def test_mclp_at_5000_m_with_4_sites_leaves_21_tracts_uncovered(sf):
    distance, population = sf
    result = mclp(distance, population, radius_m=5000.0, p=4)
    assert result.status == "optimal" and result.mip_gap == 0.0
    assert len(result.sites) == 4
    assert result.n_uncovered == 21
    assert result.covered_percent == pytest.approx(89.75609756097561)
    assert (result.allocation == -1).sum() == 21


def test_p_median_with_4_sites_has_spopts_mean_distance(sf):
    distance, population = sf
    result = p_median(distance, population, p=4)
    assert result.status == "optimal"
    assert result.mean_distance_m == pytest.approx(2982.1268579890657, rel=1e-12)
    assert result.objective == pytest.approx(2982.1268579890657 * population.sum(), rel=1e-12)
    chosen = distance[:, list(result.sites)]
    assert (distance[np.arange(205), result.allocation] == chosen.min(axis=1)).all()


def test_lscp_at_5000_m_needs_8_sites(sf):
    distance, _ = sf
    result = lscp(distance, radius_m=5000.0)
    assert result.status == "optimal"
    assert len(result.sites) == 8 and result.objective == 8
    assert result.n_uncovered == 0 and result.uncoverable == () and result.explanation == ""


def test_lscp_at_20_m_names_the_uncoverable_tracts_instead_of_failing(sf):
    distance, _ = sf
    result = lscp(distance, radius_m=20.0)
    assert result.uncoverable == tuple(range(205))
    assert result.sites == () and result.status == "infeasible"
    assert result.explanation.startswith("205 demand point(s) lie farther than 20 m")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PuLP 3 announces its 4.0 API
@pytest.mark.parametrize("model", ["mclp", "p-median", "lscp"])
def test_objective_equals_spopt_with_cbc(sf, model):
    pulp = pytest.importorskip("pulp")
    from spopt.locate import LSCP, MCLP, PMedian

    distance, population = sf
    cbc = pulp.PULP_CBC_CMD(msg=False)
    if model == "mclp":
        ours = mclp(distance, population, radius_m=5000.0, p=4).objective
        theirs = MCLP.from_cost_matrix(distance, population, 5000.0, 4).solve(cbc)
    elif model == "p-median":
        ours = p_median(distance, population, p=4).objective
        theirs = PMedian.from_cost_matrix(distance, population, 4).solve(cbc)
    else:
        ours = lscp(distance, radius_m=5000.0).objective
        theirs = LSCP.from_cost_matrix(distance, 5000.0).solve(cbc)
    assert ours == pytest.approx(theirs.problem.objective.value(), rel=1e-9)
