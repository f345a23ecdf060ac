"""``analyze recommenders --holdout-follows`` on a store (both backends): the graph it reads
is the store's, the JSON has the promised shape, and bad values name the flags."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from click.testing import CliRunner

from analysis.linkpred.evaluate import evaluate_recommenders
from beautygraph.pipelines.recommend_holdout import evaluate_holdout
from graphdb.loader import load_folder

KEYS = {"precision", "recall", "ndcg", "users_served", "coverage", "exposure_gini",
        "forlorn_share", "diff_vs_best_baseline"}  # fmt: skip


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    from beautygraph.generate import GeneratorConfig, generate

    folder = tmp_path_factory.mktemp("holdout_gen")
    generate(GeneratorConfig(n_users=250, seed=3, weeks=4, influence=False, churn=False), folder)
    return folder


def _follow_matrix(store):
    """The follow graph read by a plain query, users in id order."""
    rows = store.query("MATCH (a:User)-[:FOLLOWS]->(b:User) RETURN a.id AS a, b.id AS b")
    ids = sorted(r["id"] for r in store.query("MATCH (u:User) RETURN u.id AS id"))
    pos = {u: i for i, u in enumerate(ids)}
    src = [pos[r["a"]] for r in rows]
    dst = [pos[r["b"]] for r in rows]
    A = sp.csr_matrix((np.ones(len(src)), (src, dst)), shape=(len(ids), len(ids)))
    A.data[:] = 1.0
    return A


def test_the_store_evaluation_is_the_evaluation_of_the_stores_graph(store, community):
    load_folder(store, community)
    got = evaluate_holdout(store, 0.2, 5, n_users=40, seed=1).to_json()
    want = evaluate_recommenders(_follow_matrix(store), 0.2, 5, n_users=40, seed=1).to_json()
    assert got["n_hidden"] == want["n_hidden"] and got["n_users"] == want["n_users"] == 40
    for method in ("cn", "aa", "ppr", "most_followed", "pagerank"):
        assert got["methods"][method]["precision"] == want["methods"][method]["precision"]
        assert got["methods"][method]["ndcg"] == pytest.approx(want["methods"][method]["ndcg"])
    assert got["default"] == "learned" and got["users_in_graph"] == 250
    for name, m in got["methods"].items():
        assert set(m) == KEYS, name
    # the generated community has interests: the authority recommender is in the table
    assert {"authority", "most_followed_topics", "topic_pagerank"} <= set(got["methods"])


def test_the_cli_names_its_flags_and_prints_the_json(tmp_path, community):
    import graphdb
    from beautygraph.cli import cli

    db = tmp_path / "h.lbdb"
    with graphdb.connect(db, create=True) as s:
        load_folder(s, community)
    res = CliRunner().invoke(
        cli, ["--db", str(db), "analyze", "recommenders", "--holdout-follows", "1.5"]
    )
    assert "--holdout-follows 1.5 must be in (0, 1)" in str(res.exception)
    res = CliRunner().invoke(
        cli, ["--db", str(db), "analyze", "recommenders", "--holdout-follows", "0.2", "--k", "0"]
    )
    assert "--k 0 must be an integer >= 1" in str(res.exception)
    args = ["--db", str(db), "--quiet", "analyze", "recommenders", "--holdout-follows", "0.2",
            "--users", "30", "--k", "5", "--out", str(tmp_path / "out"), "--json"]  # fmt: skip
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    printed = json.loads(res.output)
    assert printed["k"] == 5 and printed["n_users"] == 30
    assert printed["reciprocal_pairs_hidden_together"] in (True, False)
    assert printed["best_baseline"] in printed["methods"]
    assert json.loads((tmp_path / "out" / "recommenders_holdout.json").read_text()) == printed
    assert (tmp_path / "out" / "recommenders_holdout.png").stat().st_size > 10_000


def test_the_beauty_balance_of_the_holdout_is_a_flag(tmp_path, community):
    """With beauty and classes, ``--beauty-balance`` sets learned_balanced's λ (a point of
    the curve); it is refused without --holdout-follows and outside [0, 1]."""
    import graphdb
    from beautygraph.cli import cli

    db = tmp_path / "b.lbdb"
    rng = np.random.default_rng(4)
    with graphdb.connect(db, create=True) as s:
        load_folder(s, community)
        ids = [r["id"] for r in s.query("MATCH (u:User) RETURN u.id AS id")]
        forlorn = rng.random(len(ids)) < 0.2
        s.write_node_props("User", pd.DataFrame({
            "id": ids, "beauty": rng.random(len(ids)),
            "cluster_name": np.where(forlorn, "forlorn beauties", "average joes")}))  # fmt: skip
    base = ["--db", str(db), "--quiet", "analyze", "recommenders"]
    args = [*base, "--holdout-follows", "0.2", "--users", "40", "--k", "10", "--json"]
    res = CliRunner().invoke(cli, [*args, "--beauty-balance", "0.3"])
    assert res.exit_code == 0, res.output
    printed = json.loads(res.output)
    at = {p["beauty_balance"]: p for p in printed["balance_curve"]}
    assert printed["beauty_balance"] == 0.3
    assert at[0.3]["precision"] == printed["methods"]["learned_balanced"]["precision"]
    assert at[0.3]["forlorn_share"] == printed["methods"]["learned_balanced"]["forlorn_share"]
    res = CliRunner().invoke(cli, [*base, "--beauty-balance", "0.3"])
    assert res.exit_code == 2 and "applies to --holdout-follows only" in res.output
    res = CliRunner().invoke(cli, [*args, "--beauty-balance", "1.2"])
    assert res.exit_code == 2 and "1.2" in res.output


def test_the_report_section_shows_the_holdout_beside_the_simulation(store, community):
    from types import SimpleNamespace

    from beautygraph.report import Section
    from beautygraph.sections.recommenders import with_holdout

    base = Section(key="recommenders", title="t", headline={"cn": {}}, html="<p>sim</p>")
    empty = with_holdout(base, SimpleNamespace(store=store, seed=0))
    assert empty == base  # no follows yet: the simulation alone, the reason logged
    load_folder(store, community)
    section = with_holdout(base, SimpleNamespace(store=store, seed=0))
    held = section.headline["holdout"]
    assert section.headline["cn"] == {} and held["default"] == "learned"
    assert section.html.startswith("<p>sim</p>") and "hidden" in section.html
    assert "learned, default" in section.html and len(section.figures) == 1


def _evaluation(with_curve: bool) -> dict:
    """A small evaluation JSON, as :meth:`RecommenderEvaluation.to_json` gives."""
    row = {"precision": 0.05, "recall": 0.1, "ndcg": 0.08, "users_served": 1.0, "coverage": 0.2,
           "exposure_gini": 0.5, "forlorn_share": 0.02, "diff_vs_best_baseline": [0.0, 0.0]}  # fmt: skip
    out = {"k": 10, "n_users": 5, "n_hidden": 9, "reciprocal_pairs_hidden_together": False,
           "default": "learned", "best_baseline": "aa",
           "methods": {"aa": row, "bb": {**row, "precision": 0.01, "forlorn_share": 0.2},
                       "learned": {**row, "precision": 0.06}}}  # fmt: skip
    if with_curve:
        out["balance_curve"] = [
            {"beauty_balance": lam, "precision": 0.06 - 0.02 * lam, "forlorn_share": 0.02 + lam}
            for lam in (0.0, 0.1, 0.5)
        ]
        out["beauty_balance"] = 0.1
    return out


def test_the_balance_curve_gets_its_own_figure(tmp_path):
    from beautygraph.outputs.recommenders import write_holdout

    plain = write_holdout(_evaluation(False), tmp_path / "plain")
    assert set(plain) == {"json", "figure"}
    paths = write_holdout(_evaluation(True), tmp_path / "beauty")
    assert set(paths) == {"json", "figure", "balance_figure"}
    assert (tmp_path / "beauty" / "recommenders_balance.png").stat().st_size > 10_000
    assert (
        json.loads((tmp_path / "beauty" / "recommenders_holdout.json").read_text())[
            "beauty_balance"
        ]
        == 0.1
    )
