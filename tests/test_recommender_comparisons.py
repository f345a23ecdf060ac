"""``analyze recommenders``: the paper's CN-vs-BB comparisons are in ``--json`` and, when
one cannot be computed (a real graph without favourites: 0/0), both the table and the JSON
say why instead of printing ``nan`` (LadybugDB always, Neo4j when NEO4J_URI is set).

The hand-made graph is ``tests/test_recommend_store.py``'s: CN recommends s (beauty 0.80)
to u0 (0.60) and u1 (0.48); BB recommends f (0.62, Forlorn beauty) to u0 and r (0.50) to
u1.  Without FAVORITED every favourite count is 0.
"""

from __future__ import annotations

import json

import pytest

import graphdb
from beautygraph.pipelines import recommend as pipe
from beautygraph.sections.recommenders import build_section
from tests.test_recommend_store import SIM_BEAUTY, SIM_CLASS, SIM_EDGES, SIM_IDS, fill, run_cli

KEYS = {"popularity_ratio_cn_bb", "forlorn_gain_bb_vs_cn", "imbalance_increase_cn"}


def _imbalance() -> float:
    """|1 − b_ratio(CN)| − |1 − b_ratio(BB)| worked by hand from the beauties."""
    b = SIM_BEAUTY
    ratio_cn = (b["u0"] / b["s"] + b["u1"] / b["s"]) / 2
    ratio_bb = (b["u0"] / b["f"] + b["u1"] / b["r"]) / 2
    return abs(1 - ratio_cn) - abs(1 - ratio_bb)


def test_comparisons_without_favourites_say_why(store):
    fill(store, SIM_IDS, SIM_EDGES, SIM_BEAUTY, SIM_CLASS)
    sim = pipe.simulate_recommenders(store, sample=None, seed=0, n_boot=20)
    rows = sim.to_json()["comparisons"]
    assert set(rows) == KEYS
    pop = rows["popularity_ratio_cn_bb"]  # 0 favourites / 0 favourites
    assert pop["measured"] is None and pop["ci"] == [None, None]
    assert "0/0" in pop["reason"] and "FAVORITED" in pop["reason"]
    gain = rows["forlorn_gain_bb_vs_cn"]  # BB: 1 of 2 Forlorn, CN: 0 of 2 -> 0.5 / 0
    assert gain["measured"] is None and "CN recommended no Forlorn-beauty user" in gain["reason"]
    imb = rows["imbalance_increase_cn"]
    assert imb["measured"] == pytest.approx(_imbalance()) and imb["reason"] is None
    measured = {c.quantity: c.measured for c in build_section(sim).comparisons}
    assert measured["fav_recs(CN) / fav_recs(BB)"].startswith("not computable: ")
    assert "nan" not in " ".join(measured.values())


def test_cli_prints_the_reason_in_the_table_and_the_json(tmp_path, capsys):
    db = str(tmp_path / "sim.lbdb")
    with graphdb.connect(db) as s:
        fill(s, SIM_IDS, SIM_EDGES, SIM_BEAUTY, SIM_CLASS)
    args = ["--db", db, "analyze", "recommenders", "--sample", "10"]
    code, out, err = run_cli([*args, "--json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert set(data["comparisons"]) == KEYS
    pop = data["comparisons"]["popularity_ratio_cn_bb"]
    assert pop["measured"] is None and "0/0" in pop["reason"] and pop["paper"] == 5.0
    code, out, err = run_cli(args, capsys)
    assert code == 0, err
    text = " ".join(out.split())
    assert "popularity_ratio_cn_bb: not computable (neither CN's nor BB's" in text
    assert "measured nan" not in text
