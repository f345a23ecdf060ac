"""On the null community (``generate --null`` / ``demo --null``) no finding beyond chance;
on the normal generator the planted ones.

Both run the demo's generator configuration at 3,000 users through the real pipeline
(generate -> load into the embedded store -> ``analyze_network`` -> matching), without the
figures and the HTML report (the full ``demo`` adds image rendering and CNN scoring, which
take minutes; this module takes about a minute).
"""

from __future__ import annotations

import numpy as np
import pytest

import graphdb
from analysis.matching import run_matching
from analysis.nulls import NULL_STATISTICS
from beautygraph import strict_json
from beautygraph.demo import demo_config
from beautygraph.generate import generate
from beautygraph.pipelines.matching import matching_data_from_folder
from beautygraph.pipelines.network import analyze_network
from graphdb.loader import load_folder

USERS = 3000
SEED = 7  # the demo's default seed


def _run(tmp_path_factory, null: bool) -> tuple[dict, dict]:
    root = tmp_path_factory.mktemp("null" if null else "planted")
    data = root / "data"
    generate(demo_config(USERS, SEED, image_sample=0, null=null), data)
    with graphdb.connect(root / "db.lbdb") as store:
        load_folder(store, data)
        net = analyze_network(store, seed=SEED)
    head = strict_json.loads_strict(strict_json.dumps(net.headline()))
    match = strict_json.loads_strict(
        strict_json.dumps(run_matching(matching_data_from_folder(data)).to_json())
    )
    return head, match


@pytest.fixture(scope="module")
def null_run(tmp_path_factory):
    return _run(tmp_path_factory, null=True)


@pytest.fixture(scope="module")
def planted_run(tmp_path_factory):
    return _run(tmp_path_factory, null=False)


def test_null_community_reports_nothing_beyond_chance(null_run):
    head, match = null_run
    assert set(head["nulls"]) == set(NULL_STATISTICS)
    for name, block in head["nulls"].items():
        assert block["permutations"] == 500
        assert block["p_value"] > 0.01, (name, block)
        assert head["findings"][name].startswith("indistinguishable from chance"), name
    assert head["k"] == 1
    assert head["named_classes"] == []
    assert [c["name"] for c in head["clusters"]] == ["class 1"]
    inf = match["influence"]
    assert inf["ci_low"] <= 0.0 <= inf["ci_high"], inf
    for n, r in match["inactivity_ratio"].items():
        assert r["ci_low"] <= 1.0 <= r["ci_high"], (n, r)


def test_normal_community_reports_the_planted_findings(planted_run):
    head, match = planted_run
    for name in ("spectrum", "assortativity", "spearman_indegree", "majority_illusion"):
        assert head["nulls"][name]["p_value"] < 0.01, (name, head["nulls"][name])
        assert head["findings"][name].startswith("beyond chance"), name
    assert head["k"] >= 3
    assert "Forlorn beauty" in head["named_classes"]
    assert "Superstar" in head["named_classes"]
    # the influence plant (+2 %) is found: the interval excludes no effect
    assert match["influence"]["ci_low"] > 0.0
    # the null band of a finding lies well below its value
    spec = head["nulls"]["spectrum"]
    assert spec["value"] > spec["null_high"] and abs(spec["null_mean"]) < 0.1
    assert np.isfinite(spec["value"])
