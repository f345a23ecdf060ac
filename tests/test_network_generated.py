"""The network analyses recover the generator's planted values (beautiful-and-damned §5–7):
talent mean, degree correlations, assortativity (lost under reshuffling), the Forlorn-beauty
class — on a 3,000-user community loaded into the embedded store."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import graphdb
from beautygraph import strict_json
from beautygraph.generate import GeneratorConfig, generate
from beautygraph.pipelines.network import analyze_network
from beautygraph.sections.network import section_from_result
from graphdb.loader import load_folder


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("network_gen")
    truth = generate(GeneratorConfig(n_users=3000, seed=11, images=False), root / "data")
    store = graphdb.connect(root / "gen.lbdb")
    load_folder(store, root / "data")
    result = analyze_network(store, seed=2, n_null=20, gap_refs=5)
    yield store, truth, result, root
    store.close()


def _aligned(result, mapping):
    index = {u: i for i, u in enumerate(result.user_ids)}
    ids = [u for u in mapping if u in index]
    return np.array([index[u] for u in ids]), np.array([float(mapping[u]) for u in ids])


def test_talent_mean_and_ranking_recovered(generated):
    _, truth, result, _ = generated
    idx, talent = _aligned(result, truth["talent"])
    b = result.beauty[idx]
    ok = np.isfinite(b)
    assert ok.mean() > 0.9
    assert abs(np.nanmean(b) - talent.mean()) < 0.02
    assert stats.spearmanr(b[ok], talent[ok]).statistic > 0.9
    # Fig. 5: bell-shaped beauty, favourites far more unequal than beauty
    assert result.inequality.gini_favorites > result.inequality.gini_beauty + 0.2
    assert result.check["beauty"] <= 1e-9 and result.check["neighbor_beauty"] <= 1e-9


def test_degree_correlations_match_planted_talent_correlations(generated):
    _, truth, result, _ = generated
    idx, talent = _aligned(result, truth["talent"])
    b = result.beauty[idx]
    ok = np.isfinite(b)
    for name, deg in (("indegree", result.indegree), ("outdegree", result.outdegree)):
        planted = stats.spearmanr(talent[ok], deg[idx][ok]).statistic
        measured = result.connectivity.results[name]
        assert abs(measured.rho - planted) < 0.05, (name, measured.rho, planted)
        assert measured.low < measured.rho < measured.high
    # the planted out-degree slope is positive (GraphParams.talent_out_slope > 0)
    assert result.connectivity.rho("outdegree") > 0.05


def test_assortativity_found_and_lost_under_reshuffling(generated):
    _, _, result, _ = generated
    sp = result.spectrum
    assert sp.spearman > 0.5
    assert abs(sp.null_spearman_mean) < 0.3
    assert sp.user_spearman > 0.3
    assert np.all(np.abs(sp.null_user_spearman) < 0.1)


def test_forlorn_beauty_class_found(generated):
    store, truth, result, _ = generated
    cls = result.classes
    assert "Forlorn beauty" in cls.names and "Superstar" in cls.names
    forlorn = result.forlorn
    idx, _ = _aligned(result, dict.fromkeys(truth["forlorn"], 0))
    assert forlorn[idx].mean() > 0.7  # planted forlorn users land in the class
    f = cls.index_of("Forlorn beauty")
    s = cls.index_of("Superstar")
    # high beauty, little attention; superstars get the attention
    others = [c for c in range(cls.k) if c != s]
    assert cls.centroids[f, 0] == cls.centroids[others, 0].max()
    assert cls.mean_beauty[f] > np.nanmean(result.beauty)
    assert cls.centroids[s, 1] > cls.centroids[f, 1]
    assert cls.centroids[s, 2] > cls.centroids[f, 2]
    names = store.export_nodes("User", ["cluster_name"]).props["cluster_name"]
    assert (names[forlorn] == "Forlorn beauty").all()


def test_report_section_with_truth(generated):
    _, truth, result, _ = generated
    section = section_from_result(result, truth)
    assert section.key == "network"
    assert section.headline["k"] == result.classes.k
    quantities = [c.quantity for c in section.comparisons]
    assert any("Gini of user beauty" in q for q in quantities)
    # synthetic data: no paper row claims comparability
    assert all(not c.comparable.startswith("yes") for c in section.comparisons)
    assert "Findings against chance" in section.html
    assert any("planted forlorn" in q for q in quantities)
    assert section.headline["truth"]["planted_forlorn_in_class"] > 0.7
    assert len(section.figures) == 6
    assert "<table" in section.to_html()
    strict_json.loads_strict(strict_json.dumps(section.headline))


def test_network_section_in_the_demo_after_load_before_recommenders():
    from beautygraph.sections import SECTIONS
    from beautygraph.sections.network import network_section

    keys = [k for k, _ in SECTIONS]
    assert dict(SECTIONS)["network"] is network_section
    assert keys.index("load") < keys.index("network") < keys.index("recommenders")
