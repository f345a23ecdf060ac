"""Recommenders on the store (every backend of the ``store`` fixture): the Cypher answers on a
hand-made graph, batch == per-user Cypher, the BB window, write-back, errors, the §7
simulation pipeline and the CLI."""

from __future__ import annotations

import json
import math
import sys

import numpy as np
import pandas as pd
import pytest

import graphdb
from beautygraph.errors import UserError
from beautygraph.pipelines import recommend as pipe
from beautygraph.sections import recommenders as sections
from tests.test_recommend_fof import BEAUTY, EDGES, IDS


def fill(store, ids, edges, beauty=None, cluster_name=None):
    """Insert users (with optional beauty / cluster_name) and FOLLOWS edges."""
    users = pd.DataFrame({"id": list(ids)})
    if beauty is not None:
        users["beauty"] = [beauty.get(u, np.nan) for u in ids]
    if cluster_name is not None:
        users["cluster_name"] = [cluster_name.get(u) for u in ids]
    store.insert_nodes("User", users)
    store.insert_rels("FOLLOWS", pd.DataFrame(edges, columns=["src", "dst"]))
    return store


@pytest.fixture
def hand_store(store):
    return fill(store, IDS, EDGES, BEAUTY)


def random_graph(store, seed: int, n: int = 45, m: int = 260):
    rng = np.random.default_rng(seed)
    ids = [f"u{i:03d}" for i in range(n)]
    pairs = {
        (int(a), int(b)) for a, b in zip(rng.integers(0, n, m), rng.integers(0, n, m), strict=True)
    }  # self-follows included
    edges = sorted((ids[a], ids[b]) for a, b in pairs)
    beauty = {u: float(rng.choice([0.3, 0.4, 0.44, 0.5, 0.55, 0.6])) for u in ids}
    for u in ids[::9]:
        beauty[u] = np.nan
    return fill(store, ids, edges, beauty), ids, edges, beauty


# -- Cypher on the hand-made graph (answers worked out in tests/test_recommend_fof.py) --------


def test_cn_cypher_hand_worked(hand_store):
    recs = pipe.recommend_user(hand_store, "a", "cn", k=10)
    assert [(r.user_id, r.score) for r in recs] == [("e", 3), ("f", 2), ("g", 1), ("h", 1)]
    assert recs[0].common_neighbors == ["b", "c", "d"] and recs[0].n_common == 3
    assert recs[1].common_neighbors == ["b", "c"]
    assert [r.rank for r in recs] == [1, 2, 3, 4]
    assert [r.user_id for r in pipe.recommend_user(hand_store, "a", "cn", k=2)] == ["e", "f"]


def test_aa_cypher_hand_worked(hand_store):
    recs = pipe.recommend_user(hand_store, "a", "aa", k=10)
    assert [r.user_id for r in recs] == ["e", "f", "h", "g"]
    assert recs[0].score == pytest.approx(2 / math.log(5) + 1 / math.log(4), abs=1e-9)
    assert recs[2].score == pytest.approx(1 / math.log(4), abs=1e-9)


def test_bb_cypher_hand_worked(hand_store):
    recs = pipe.recommend_user(hand_store, "a", "bb", k=10, tolerance=0.10)
    assert [(r.user_id, r.score) for r in recs] == [("e", 0.54), ("h", 0.54), ("f", 0.46)]
    assert all(r.user_beauty == 0.50 for r in recs)
    assert recs[1].common_neighbors == ["d"] and recs[1].beauty == 0.54
    wide = pipe.recommend_user(hand_store, "a", "bb", k=10, tolerance=0.2)
    assert [r.user_id for r in wide] == ["g", "e", "h", "f"]


def test_errors_for_unknown_users_methods_and_missing_beauty(hand_store, monkeypatch):
    with pytest.raises(UserError, match="unknown user 'nobody'"):
        pipe.recommend_user(hand_store, "nobody", "cn")
    with pytest.raises(UserError, match="no beauty"):
        pipe.recommend_user(hand_store, "x", "bb")
    assert pipe.recommend_user(hand_store, "x", "cn") == []
    with pytest.raises(UserError, match="method='pagerank' must be one of cn, bb, aa, authority"):
        pipe.recommend_user(hand_store, "a", "pagerank")
    with pytest.raises(UserError, match="k=0 must be an integer >= 1"):
        pipe.recommend_user(hand_store, "a", "cn", k=0)
    with pytest.raises(UserError, match="unknown User id: 'nobody'"):
        pipe.recommend_batch(hand_store, "cn", users=["a", "nobody"])
    with pytest.raises(UserError, match="no batch mode"):
        pipe.recommend_batch(hand_store, "authority")
    monkeypatch.setitem(sys.modules, "beautygraph.pipelines.alf", None)  # force ImportError
    with pytest.raises(UserError, match="ALF pipeline"):
        pipe.recommend_user(hand_store, "a", "authority")


# -- batch == Cypher --------------------------------------------------------------------------


def assert_batch_equals_cypher(store, ids, method, k, tolerance):
    batch = pipe.recommend_batch(store, method, k=k, tolerance=tolerance).frame
    for u in ids:
        try:
            recs = pipe.recommend_user(store, u, method, k=k, tolerance=tolerance)
        except UserError:  # bb for a user without beauty: batch has nothing either
            assert method == "bb" and batch[batch.user == u].empty
            continue
        rows = batch[batch.user == u]
        assert [r.user_id for r in recs] == rows.candidate.tolist(), (method, u)
        assert [r.n_common for r in recs] == rows.n_common.tolist(), (method, u)
        assert [r.rank for r in recs] == rows["rank"].tolist()
        got, exp = np.array([r.score for r in recs]), rows.score.to_numpy()
        if method == "aa":
            assert np.allclose(got, exp, rtol=0, atol=1e-12)
        else:
            assert np.array_equal(got, exp), (method, u)


@pytest.mark.parametrize("method", ["cn", "bb", "aa"])
def test_batch_equals_cypher_on_hand_made_graph(hand_store, method):
    assert_batch_equals_cypher(hand_store, IDS, method, k=3, tolerance=0.1)


@pytest.mark.parametrize("seed", [0, 1])
def test_batch_equals_cypher_on_random_graphs(store, seed):
    store, ids, _, _ = random_graph(store, seed)
    for method in ("cn", "bb", "aa"):
        assert_batch_equals_cypher(store, ids, method, k=4, tolerance=0.15)


def test_bb_recommendations_lie_in_the_window_at_distance_two(store):
    store, ids, edges, beauty = random_graph(store, 5, n=60, m=400)
    follows = {(a, b) for a, b in edges if a != b}
    out = {u: {b for a, b in follows if a == u} for u in ids}
    n_checked = 0
    for u in ids:
        if np.isnan(beauty[u]):
            continue
        for r in pipe.recommend_user(store, u, "bb", k=50, tolerance=0.1):
            v = r.user_id
            assert beauty[u] * 0.9 <= r.beauty <= beauty[u] * 1.1 and r.beauty == beauty[v]
            assert v != u and v not in out[u]  # not distance 0 or 1
            middles = {z for z in out[u] if v in out[z]}
            assert middles and sorted(middles) == r.common_neighbors  # distance exactly 2
            n_checked += 1
    assert n_checked > 20


def test_batch_sample_is_seeded_and_write_back_replaces_one_method(hand_store):
    s1 = pipe.recommend_batch(hand_store, "cn", sample=4, seed=3)
    s2 = pipe.recommend_batch(hand_store, "cn", sample=4, seed=3)
    assert s1.frame.equals(s2.frame) and s1.n_users == 4
    full = pipe.recommend_batch(hand_store, "cn", k=2, write=True)
    assert full.written == len(full.frame) > 0
    pipe.recommend_batch(hand_store, "aa", k=1, write=True)
    again = pipe.recommend_batch(hand_store, "cn", k=2, write=True)  # idempotent
    rec = hand_store.export_edges("RECOMMENDED", ["method", "rank", "score"])
    methods = rec.props["method"]
    assert (methods == "cn").sum() == len(again.frame)
    assert (methods == "aa").sum() == pipe.recommend_batch(hand_store, "aa", k=1).frame.shape[0]
    cn = pd.DataFrame(
        {
            "user": rec.src_nodes.ids[rec.src],
            "candidate": rec.dst_nodes.ids[rec.dst],
            "rank": rec.props["rank"],
            "score": rec.props["score"],
        }
    )[methods == "cn"]
    expected = again.frame[["user", "candidate", "rank", "score"]]
    merged = cn.sort_values(["user", "rank"]).reset_index(drop=True)
    assert merged.astype(str).equals(expected.reset_index(drop=True).astype(str))


# -- the §7 simulation pipeline -----------------------------------------------------------


SIM_IDS = ["f", "r", "s", "u0", "u1", "y", "z", "z2"]
SIM_EDGES = [
    ("u0", "z"),
    ("z", "s"),
    ("z", "f"),
    ("u1", "z2"),
    ("z2", "s"),
    ("z2", "f"),
    ("z2", "r"),
    ("u0", "y"),
    ("u1", "y"),
    ("y", "s"),
]
SIM_BEAUTY = {"f": 0.62, "r": 0.50, "s": 0.80, "u0": 0.60, "u1": 0.48}
SIM_CLASS = {
    "f": "Forlorn beauty",
    "r": "Regular",
    "s": "Superstar",
    "u0": "Low quality",
    "u1": "Low quality",
    "y": "Low quality",
    "z": "Low quality",
    "z2": "Low quality",
}
SIM_FAVS = {"f": 2, "r": 10, "s": 100}


def sim_store(store, with_classes=True):
    fill(store, SIM_IDS, SIM_EDGES, SIM_BEAUTY, SIM_CLASS if with_classes else None)
    photos, posted, faved = [], [], []
    for owner, nfav in SIM_FAVS.items():
        for p in range(2):  # favourites spread over two photos of the owner
            pid = f"{owner}_p{p}"
            photos.append(pid)
            posted.append((owner, pid))
            fans = [u for u in SIM_IDS if u != owner]
            share = nfav // 2 + (nfav % 2 if p == 0 else 0)
            faved.extend((fans[i % len(fans)], pid) for i in range(share))
    faved = sorted(set(faved))  # duplicates collapse: recount per owner below
    store.insert_nodes("Photo", pd.DataFrame({"id": photos}))
    store.insert_rels("POSTED", pd.DataFrame(posted, columns=["src", "dst"]))
    store.insert_rels("FAVORITED", pd.DataFrame(faved, columns=["src", "dst"]))
    favs = {o: sum(1 for _, p in faved if p.startswith(o + "_")) for o in SIM_FAVS}
    return store, favs


def test_simulation_needs_the_user_classes(store):
    sim_store(store, with_classes=False)
    with pytest.raises(UserError, match="beautygraph analyze network"):
        pipe.simulate_recommenders(store, sample=None)


def test_simulation_pipeline_on_hand_made_graph(store):
    store, favs = sim_store(store)
    sim = pipe.simulate_recommenders(store, sample=None, seed=0, n_boot=20)
    out = sim.to_dict()
    assert set(out) == {"cn", "bb", "aa"}
    # CN: both recipients -> s; BB: u0 -> f, u1 -> r (worked out in test_recommend_fof)
    assert out["cn"]["b_recs"] == pytest.approx(0.80)
    assert out["cn"]["fav_recs"] == favs["s"] and out["cn"]["p_forlorn"] == 0.0
    assert out["bb"]["fav_recs"] == pytest.approx((favs["f"] + favs["r"]) / 2)
    assert out["bb"]["p_forlorn"] == 0.5
    assert out["bb"]["b_ratio"] == pytest.approx((0.60 / 0.62 + 0.48 / 0.50) / 2)
    pairs = sim.pairs_frame()
    assert sorted(map(tuple, pairs[pairs.method == "bb"][["user", "recommended"]].values)) == [
        ("u0", "f"),
        ("u1", "r"),
    ]
    section = sections.build_section(sim, truth={"forlorn": ["f"]})
    assert section.key == "recommenders" and section.figures[0].png[:4] == b"\x89PNG"
    assert {c.paper for c in section.comparisons} == {"≈ 5×", "+49 %", "+2.35 %"}


# -- CLI ------------------------------------------------------------------------------------


def run_cli(argv, capsys):
    from beautygraph import cli

    try:
        cli.main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def cli_db(tmp_path):
    path = tmp_path / "cli.lbdb"
    with graphdb.connect(path) as s:
        fill(s, IDS, EDGES, BEAUTY)
    return str(path)


def test_cli_single_user_json_and_errors(cli_db, capsys):
    code, out, _ = run_cli(["--db", cli_db, "recommend", "a", "--method", "cn", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["user"] == "a" and data["method"] == "cn"
    assert [(r["user_id"], r["score"]) for r in data["recommendations"]] == [
        ("e", 3.0),
        ("f", 2.0),
        ("g", 1.0),
        ("h", 1.0),
    ]
    assert data["recommendations"][0]["common_neighbors"] == ["b", "c", "d"]
    code, out, _ = run_cli(
        ["--db", cli_db, "recommend", "a", "--method", "bb", "--k", "1", "--json"], capsys
    )
    assert json.loads(out)["recommendations"][0]["score"] == 0.54
    code, _, err = run_cli(["--db", cli_db, "recommend", "nobody", "--json"], capsys)
    assert code == 2 and "unknown user 'nobody'" in err and "Traceback" not in err
    code, _, err = run_cli(["--db", cli_db, "recommend", "x", "--method", "bb"], capsys)
    assert code == 2 and "no beauty" in err
    code, _, err = run_cli(["--db", cli_db, "recommend", "--method", "cn"], capsys)
    assert code == 2 and "missing USER" in err


def test_cli_batch_json(cli_db, capsys):
    code, out, _ = run_cli(
        ["--db", cli_db, "recommend", "--all", "--method", "aa", "--k", "2", "--json"], capsys
    )
    assert code == 0
    data = json.loads(out)
    assert data["method"] == "aa" and data["n_users"] == len(IDS)
    first = [r for r in data["recommendations"] if r["user"] == "a"]
    assert [r["user_id"] for r in first] == ["e", "f"]
    code, out, _ = run_cli(
        ["--db", cli_db, "recommend", "--sample", "3", "--method", "cn", "--write"], capsys
    )
    assert code == 0 and "wrote" in out


def test_cli_analyze_recommenders(tmp_path, capsys):
    path = tmp_path / "sim.lbdb"
    with graphdb.connect(path) as s:
        sim_store(s)
    code, out, _ = run_cli(
        [
            "--db",
            str(path),
            "analyze",
            "recommenders",
            "--sample",
            "10",
            "--seed",
            "1",
            "--out",
            str(tmp_path / "out"),
            "--json",
        ],
        capsys,
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"methods", "comparisons", "n_sampled", "seed"}
    assert set(data["methods"]) == {"cn", "bb", "aa"}
    for m in data["methods"].values():
        assert {"b_recs", "b_ratio", "fav_recs", "p_forlorn"} <= set(m)
    assert (tmp_path / "out" / "fig12_recommenders.png").is_file()
    assert (tmp_path / "out" / "recommenders.csv").is_file()


def test_authority_method_goes_through_the_alf_pipeline(store):
    """`authority` is answered by beautygraph.pipelines.alf.recommend_authorities; its dicts
    become Recommendations with the extra explanation fields."""
    fill(store, ["u", "v1", "v2", "v3"], [("u", "v1")])
    store.insert_nodes("Topic", pd.DataFrame({"id": ["t1"], "name": ["birds"]}))
    store.insert_rels(
        "AUTHORITY_ON",
        pd.DataFrame(
            {
                "src": ["v1", "v2", "v3"],
                "dst": ["t1"] * 3,
                "score": [3.0, 2.0, 1.0],
                "wzf": [3.0, 2.0, 1.0],
                "rank": [1, 2, 3],
            }
        ),
    )
    recs = pipe.recommend_user(store, "u", "authority", k=5)
    assert [r.user_id for r in recs] == ["v2", "v3"]
    assert [r.rank for r in recs] == [1, 2] and recs[0].score == 2.0
    d = recs[0].to_dict()
    assert d["topic_id"] == "t1" and d["method"] == "authority" and d["user_id"] == "v2"
    with pytest.raises(UserError, match="unknown user"):
        pipe.recommend_user(store, "nobody", "authority")


def test_planted_effects_on_generator_data(store, tmp_path):
    """On the generator's community, with the planted Forlorn-beauty and Superstar users as
    the classes, the simulation finds §7's direction: CN recommends far more popular users,
    BB±10 reaches more Forlorn-beauty users with less beauty imbalance."""
    from analysis.beauty import user_beauty
    from beautygraph.generate import GeneratorConfig, generate
    from graphdb.loader import load_folder

    truth = generate(GeneratorConfig(n_users=1500, seed=3, weeks=30), tmp_path / "gen")
    load_folder(store, tmp_path / "gen")
    users = store.export_nodes("User")
    photos = store.export_nodes("Photo", ["beauty"])
    posted = store.export_edges("POSTED", src_nodes=users, dst_nodes=photos)
    ub = user_beauty(posted.src, photos.props["beauty"][posted.dst], n_users=len(users)).beauty
    forlorn, stars = set(truth["forlorn"]), set(truth["superstars"])
    names = [
        "Forlorn beauty" if u in forlorn else "Superstar" if u in stars else "Regular"
        for u in users.ids
    ]
    store.write_node_props(
        "User", pd.DataFrame({"id": users.ids, "beauty": ub, "cluster_name": names})
    )
    sim = pipe.simulate_recommenders(store, sample=1000, seed=2, n_boot=100)
    cn, bb = sim.result.metrics["cn"], sim.result.metrics["bb"]
    assert cn.n_recs > 500 and bb.n_recs > 500
    assert cn.fav_recs.ci_low > 2 * bb.fav_recs.ci_high
    assert bb.p_forlorn.ci_low > cn.p_forlorn.ci_high
    assert abs(1 - bb.b_ratio.value) < abs(1 - cn.b_ratio.value)
    assert sim.result.comparisons["forlorn_gain_bb_vs_cn"].ci_low > 0
    assert sim.result.comparisons["imbalance_increase_cn"].ci_low > 0


def test_report_section_runs_or_explains_why_not(store, tmp_path):
    from beautygraph.report import DemoContext

    sim_store(store, with_classes=False)
    ctx = DemoContext(
        store=store, out_dir=tmp_path, data_dir=tmp_path, truth=None, seed=0, n_users=8
    )
    skipped = sections.recommenders_section(ctx)
    assert "analyze network" in skipped.headline["skipped"]
    store.write_node_props(
        "User", pd.DataFrame({"id": SIM_IDS, "cluster_name": [SIM_CLASS[u] for u in SIM_IDS]})
    )
    section = sections.recommenders_section(ctx)
    assert section.headline["bb"]["p_forlorn"] == 0.5 and ctx.recommenders is not None
    assert section.headline["comparisons"]["popularity_ratio_cn_bb"] > 1
