"""``recommend USER --method learned`` on a store (both backends): explanations that name
real paths, a model saved with the store's data version and fitted again only when the
graph changes."""

from __future__ import annotations

import json
import pickle
from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp

from beautygraph.errors import UserError
from beautygraph.pipelines import learned_recommend as lr
from graphdb.loader import load_folder


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    from beautygraph.generate import GeneratorConfig, generate

    folder = tmp_path_factory.mktemp("learned_gen")
    generate(GeneratorConfig(n_users=200, seed=5, weeks=4, influence=False, churn=False), folder)
    return folder


@pytest.fixture
def loaded(store, community, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the Neo4j model's home
    load_folder(store, community)
    yield store
    lr.model_path(store).unlink(missing_ok=True)


def _paths(store, u, v) -> int:
    """Followees of u who follow v, counted by a plain query."""
    rows = store.query(
        "MATCH (a:User {id: $u})-[:FOLLOWS]->(w:User)-[:FOLLOWS]->(b:User {id: $v}) "
        "RETURN count(DISTINCT w) AS n",
        {"u": u, "v": v},
    )
    return int(rows[0]["n"])


def _followed(store, u) -> set[str]:
    rows = store.query("MATCH (:User {id: $u})-[:FOLLOWS]->(b:User) RETURN b.id AS id", {"u": u})
    return {r["id"] for r in rows}


def test_explanations_name_real_paths(loaded):
    user = "u000003"
    recs = lr.learned_recommendations(loaded, user, k=8)
    assert 0 < len(recs) <= 8
    followed = _followed(loaded, user)
    for r in recs:
        assert r.user_id != user and r.user_id not in followed
        assert r.n_common == len(r.common_neighbors) == _paths(loaded, user, r.user_id)
        assert set(r.common_neighbors) <= followed
        if r.n_common:
            assert r.extra["why"].startswith(f"{r.n_common} of the people you follow follow")
    assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)


def test_the_model_is_kept_while_the_graph_is_unchanged(loaded, monkeypatch):
    g = lr.store_graph(loaded)
    _, fitted = lr.learned_ranker(loaded, g)
    assert fitted and lr.model_path(loaded).is_file()

    def no_fit(*args, **kwargs):
        raise AssertionError("fitted again although the data version is unchanged")

    monkeypatch.setattr("analysis.linkpred.learned.fit_ranker", no_fit)
    _, fitted = lr.learned_ranker(loaded, lr.store_graph(loaded))
    assert not fitted


def test_a_changed_graph_is_fitted_again(loaded):
    g = lr.store_graph(loaded)
    lr.learned_ranker(loaded, g)
    # one more follow: another data version, so the saved model no longer applies
    A = g.A.tolil()
    i, j = next(
        (i, j) for i in range(A.shape[0]) for j in range(A.shape[0]) if i != j and not A[i, j]
    )
    A[i, j] = 1
    changed = replace(g, A=sp.csr_matrix(A))
    assert lr.data_version(changed) != lr.data_version(g)
    _, fitted = lr.learned_ranker(loaded, changed)
    assert fitted
    saved = pickle.loads(lr.model_path(loaded).read_bytes())
    assert saved["data_version"] == lr.data_version(changed)


def test_unknown_user_and_the_cli(loaded, tmp_path):
    with pytest.raises(UserError, match="unknown user 'nobody'"):
        lr.learned_recommendations(loaded, "nobody")
    if not hasattr(loaded, "path"):
        return  # the command line opens the embedded store by path
    from click.testing import CliRunner

    from beautygraph.cli import cli

    loaded.close()
    res = CliRunner().invoke(
        cli, ["--db", str(loaded.path), "recommend", "u000003", "--method", "learned", "--json"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["method"] == "learned" and all("why" in r for r in out["recommendations"])


def test_the_data_version_sees_every_input():
    g = lr.StoreGraph(
        user_ids=np.array(["a", "b", "c"]),
        A=sp.csr_matrix(np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], float)),
        seeds=None,
        beauty=np.array([0.1, 0.2, np.nan]),
        forlorn=None,
        sources=(),
    )
    v = lr.data_version(g)
    assert lr.data_version(replace(g, beauty=np.array([0.1, 0.3, np.nan]))) != v
    assert lr.data_version(replace(g, user_ids=np.array(["a", "b", "d"]))) != v
    assert lr.data_version(replace(g, seeds=sp.csr_matrix(np.eye(3)))) != v
    assert lr.data_version(replace(g)) == v
