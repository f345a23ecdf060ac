"""``recommend USER`` / ``recommend --all`` with the learned ranker on a store (both
backends): explanations that name real paths; answers from the serving index equal to the
ranker's full path; a model and index saved with the store's data version, served from
memory or from their files while the store's data stamp holds, and fitted (or re-indexed)
again only when the data change; the batch and Spark answers equal to the one-user ones."""

from __future__ import annotations

import json
import pickle
import shutil
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from beautygraph import model_files as files
from beautygraph.errors import UserError
from beautygraph.pipelines import learned_recommend as lr
from beautygraph.pipelines import recommend as pipe
from graphdb.loader import load_folder
from tests.conftest import local_spark_options

USER = "u000003"


@pytest.fixture(scope="module")
def community(tmp_path_factory):
    from beautygraph.generate import GeneratorConfig, generate

    folder = tmp_path_factory.mktemp("learned_gen")
    generate(GeneratorConfig(n_users=200, seed=5, weeks=4, influence=False, churn=False), folder)
    return folder


def _files(store):
    """The ranker's files of ``store``: model, index and their stamp records."""
    model = lr.model_path(store)
    index = files.model_path(store, lr.INDEX_NAME)
    return [p for base in (model, index) for p in base.parent.glob(base.name + "*")]


@pytest.fixture
def loaded(store, community, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the Neo4j model's home
    load_folder(store, community)
    lr._SERVED.clear()
    yield store
    lr._SERVED.clear()
    for path in _files(store):
        path.unlink(missing_ok=True)


#: the model and index fitted for the community, per backend (fitted once per module)
_FITTED: dict[str, dict[str, bytes]] = {}


@pytest.fixture
def served(loaded):
    """``loaded`` with its ranker fitted and indexed: fitted by the first test that asks
    (which checks that a store without a model fits one), restored from those files for
    the others (same data, same data version)."""
    saved = _FITTED.get(loaded.dialect)
    model = lr.model_path(loaded)
    index = files.model_path(loaded, lr.INDEX_NAME)
    if saved is None:
        assert not model.exists()
        lr.served_ranker(loaded)
        assert model.is_file() and index.is_file()
        _FITTED[loaded.dialect] = {"model": model.read_bytes(), "index": index.read_bytes()}
    else:
        model.parent.mkdir(parents=True, exist_ok=True)
        model.write_bytes(saved["model"])
        index.write_bytes(saved["index"])
    lr._SERVED.clear()
    return loaded


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


def _no_fit(*args, **kwargs):
    raise AssertionError("fitted again although the data version is unchanged")


def test_explanations_name_real_paths(served):
    recs = lr.learned_recommendations(served, USER, k=8)
    assert 0 < len(recs) <= 8
    followed = _followed(served, USER)
    for r in recs:
        assert r.user_id != USER and r.user_id not in followed
        assert r.n_common == len(r.common_neighbors) == _paths(served, USER, r.user_id)
        assert set(r.common_neighbors) <= followed
        if r.n_common:
            assert r.extra["why"].startswith(f"{r.n_common} of the people you follow follow")
    assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)


def test_an_authority_explanation_names_the_accounts_topic(served):
    """ "authority on X": ALF's search on the store's graph makes the account an authority
    on X, and X is among the user's interests — declared, or reached through an account
    she follows that someone interested in X follows (Algorithm 1's Pass 2)."""
    from analysis.linkpred.topics import topic_authorities

    g = lr.store_graph(served)
    found = topic_authorities(g.A, g.seeds)
    S = (g.seeds > 0).astype(float)
    reach = ((g.A @ g.A.T @ S) > 0).toarray() | (S > 0).toarray()  # u -> w <- x, x in X
    said = 0
    for u in g.user_ids[::4]:
        for r in lr.learned_recommendations(served, str(u), k=10):
            if "authority on " not in r.extra["why"]:
                continue
            said += 1
            topic = r.extra["why"].split("authority on ")[1].split(";")[0]
            v, row = np.searchsorted(g.user_ids, [r.user_id, u])
            assert g.topic_ids[found.topic[v]] == topic, (u, r.user_id)
            assert reach[row, g.topic_ids.index(topic)], (u, r.user_id, topic)
    assert said > 0


def test_the_served_answer_is_the_rankers_full_path(served):
    """The serving index answers exactly as the ranker's block path on the exported graph
    (:meth:`LearnedRanker.recommend`, which computes every signal of every account)."""
    ranker = lr.served_ranker(served).ranker
    g = lr.store_graph(served)
    users = [f"u{i:06d}" for i in range(1, 201, 9)]
    rows = np.searchsorted(g.user_ids, users)
    full = ranker.recommend(g.A, rows, k=6, **g.known())
    for u, row in zip(users, rows, strict=True):
        got = [r.user_id for r in lr.learned_recommendations(served, u, k=6)]
        assert got == g.user_ids[full[int(row)]].tolist(), u
    assert sum(len(v) for v in full.values()) > 0


def test_a_model_is_kept_while_the_graph_is_unchanged(served, monkeypatch):
    monkeypatch.setattr("analysis.linkpred.learned.fit_ranker", _no_fit)
    _, fitted = lr.learned_ranker(served, lr.store_graph(served))
    assert not fitted


def test_repeated_calls_are_served_from_memory(served, monkeypatch):
    first = lr.learned_recommendations(served, USER)

    def no_read(*args, **kwargs):
        raise AssertionError("read again although nothing changed")

    monkeypatch.setattr(lr, "store_graph", no_read)
    monkeypatch.setattr(files, "load_model", no_read)
    assert lr.learned_recommendations(served, USER) == first


def test_a_new_process_loads_the_files_without_reading_the_graph(served, monkeypatch):
    first = lr.learned_recommendations(served, USER)
    lr._SERVED.clear()  # what a new process holds

    def no_read(*args, **kwargs):
        raise AssertionError("the graph was read although the stamp is unchanged")

    monkeypatch.setattr(lr, "store_graph", no_read)
    assert lr.learned_recommendations(served, USER) == first


def _count_calls(monkeypatch, module, name: str) -> list:
    calls: list = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_write_the_ranker_does_not_read_keeps_model_and_index(served, monkeypatch):
    first = lr.learned_recommendations(served, USER)
    served.replace_rels(
        "RECOMMENDED",
        pd.DataFrame({"src": [USER], "dst": ["u000004"], "method": "cn", "rank": 1, "score": 1.0}),
        where={"method": "cn"},
    )
    exports = _count_calls(monkeypatch, lr, "store_graph")
    monkeypatch.setattr("analysis.linkpred.learned.fit_ranker", _no_fit)

    def no_index(*args, **kwargs):
        raise AssertionError("indexed again although the data version is unchanged")

    monkeypatch.setattr("analysis.linkpred.serving.build_index", no_index)
    assert lr.learned_recommendations(served, USER) == first
    assert len(exports) == 1  # the stamp moved: the data were read once and found unchanged
    assert lr.learned_recommendations(served, USER) == first
    assert len(exports) == 1


def test_a_follow_written_through_the_store_is_seen_at_once(served, monkeypatch):
    before = lr.served_ranker(served)
    top = lr.learned_recommendations(served, USER, k=1)[0].user_id
    fits = []

    def quick_fit(*args, **kwargs):  # the saved ranker again, without the minutes of a fit
        fits.append(args)
        return before.ranker

    monkeypatch.setattr("analysis.linkpred.learned.fit_ranker", quick_fit)
    served.insert_rels("FOLLOWS", pd.DataFrame({"src": [USER], "dst": [top]}))
    after = lr.learned_recommendations(served, USER, k=10)
    assert len(fits) == 1 and top not in [r.user_id for r in after]
    assert lr.served_ranker(served).data_version != before.data_version


def test_refit_fits_again(served, monkeypatch):
    ranker = lr.served_ranker(served).ranker
    fits = []
    monkeypatch.setattr(
        "analysis.linkpred.learned.fit_ranker", lambda *a, **k: fits.append(a) or ranker
    )
    lr.learned_recommendations(served, USER, refit=True)
    assert len(fits) == 1


def test_a_changed_graph_is_fitted_again(served, monkeypatch):
    g = lr.store_graph(served)
    ranker, _ = lr.learned_ranker(served, g)
    monkeypatch.setattr("analysis.linkpred.learned.fit_ranker", lambda *a, **k: ranker)
    # one more follow: another data version, so the saved model no longer applies
    A = g.A.tolil()
    i, j = next(
        (i, j) for i in range(A.shape[0]) for j in range(A.shape[0]) if i != j and not A[i, j]
    )
    A[i, j] = 1
    changed = replace(g, A=sp.csr_matrix(A))
    assert lr.data_version(changed) != lr.data_version(g)
    _, fitted = lr.learned_ranker(served, changed)
    assert fitted
    saved = pickle.loads(lr.model_path(served).read_bytes())
    assert saved["data_version"] == lr.data_version(changed)


def test_the_batch_is_the_one_user_answer(served):
    from kernel.steps import RecordingSteps

    users = [f"u{i:06d}" for i in range(1, 200, 23)]
    rec = RecordingSteps()
    batch = pipe.recommend_batch(served, "learned", users=users, k=4, steps=rec)
    assert batch.n_users == len(users) and batch.method == "learned"
    assert ("start", "learned batch", len(users)) in rec.events
    assert rec.advanced("learned batch") == len(users)
    for u in users:
        one = lr.learned_recommendations(served, u, k=4)
        rows = batch.frame[batch.frame.user == u]
        assert rows["candidate"].tolist() == [r.user_id for r in one]
        assert rows["rank"].tolist() == [r.rank for r in one]
        assert rows["score"].tolist() == [r.score for r in one]
        assert rows["n_common"].tolist() == [r.n_common for r in one]
    written = pipe.recommend_batch(served, "learned", sample=15, k=3, write=True)
    rows = served.query(
        "MATCH (:User)-[r:RECOMMENDED {method: 'learned'}]->(:User) RETURN count(r) AS n"
    )
    assert written.written == len(written.frame) == int(rows[0]["n"]) > 0
    assert written.n_users == 15


def test_unknown_user_and_the_cli(served, tmp_path):
    with pytest.raises(UserError, match="unknown user 'nobody'"):
        lr.learned_recommendations(served, "nobody")
    with pytest.raises(UserError, match="unknown user 'nobody'"):
        pipe.recommend_user(served, "nobody", "learned")
    if not hasattr(served, "path"):
        return  # the command line opens the embedded store by path
    from click.testing import CliRunner

    from beautygraph.cli import cli

    served.close()
    db = str(served.path)
    res = CliRunner().invoke(cli, ["--db", db, "recommend", USER, "--json"])  # the default
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["method"] == "learned" and all("why" in r for r in out["recommendations"])
    res = CliRunner().invoke(cli, ["--db", db, "recommend", "--all", "--k", "2", "--json"])
    assert res.exit_code == 0, res.output
    batch = json.loads(res.output)
    assert batch["method"] == "learned" and batch["n_users"] == 200
    res = CliRunner().invoke(cli, ["--db", db, "recommend", USER, "--method", "cn", "--refit"])
    assert res.exit_code == 2 and "--refit applies to --method learned only" in res.output
    args = ["--db", db, "recommend", USER, "--method", "cn", "--beauty-balance", "0.2"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2 and "--beauty-balance applies to --method learned only" in res.output
    res = CliRunner().invoke(cli, ["--db", db, "recommend", USER, "--beauty-balance", "1.5"])
    assert res.exit_code == 2 and "1.5" in res.output


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
    seeded = replace(g, seeds=sp.csr_matrix(np.eye(3)), topic_ids=("x", "y", "z"))
    # the explanations name the topics: renamed topics make a new version
    assert lr.data_version(replace(seeded, topic_ids=("x", "y", "w"))) != lr.data_version(seeded)
    assert lr.data_version(replace(g)) == v


def test_a_stamp_record_of_another_stamp_or_format_is_ignored(tmp_path):
    path = tmp_path / "x.learned-recommender.pkl"
    files.write_stamp(path, "s1", "v1")
    assert files.read_stamp(path, "s1") == "v1"
    assert files.read_stamp(path, "s2") is None
    record = path.with_name(path.name + ".stamp.json")
    record.write_text(json.dumps({"format": 1, "stamp": "s1", "data_version": "v1"}))
    assert files.read_stamp(path, "s1") is None
    record.write_text("{not json")
    assert files.read_stamp(path, "s1") is None


def test_learned_on_spark_is_the_local_batch(served):
    options = local_spark_options()
    params = pipe.recommend_params("learned", k=3)
    local = pipe.recommend_batch(served, params)
    spark = lr.learned_spark(served, params, options)
    assert spark.to_json().keys() == local.to_json().keys()
    assert spark.n_users == local.n_users and spark.written == len(spark.frame) > 0
    pd.testing.assert_frame_equal(spark.frame, local.frame, check_exact=False, rtol=1e-12)
    rows = served.query(
        "MATCH (a:User)-[r:RECOMMENDED {method: 'learned'}]->(b:User) "
        "RETURN a.id AS user, b.id AS candidate, r.rank AS rank ORDER BY user, rank"
    )
    assert [(r["user"], r["candidate"]) for r in rows] == list(
        zip(local.frame.user, local.frame.candidate, strict=True)
    )


def test_the_beauty_balance_on_every_path(loaded):
    """With beauty and forlorn beauties in the store, λ = 0.3 gives three of ten slots to
    forlorn beauties on the one-user path (flagged and explained), the batch and Spark, each
    equal to the ranker's full path at the same λ; λ = 0 is the plain ranking."""
    from analysis.linkpred.explain import PROMOTED

    rng = np.random.default_rng(8)
    ids = [f"u{i:06d}" for i in range(1, 201)]
    forlorn = rng.random(len(ids)) < 0.2
    loaded.write_node_props(
        "User",
        pd.DataFrame(
            {
                "id": ids,
                "beauty": np.round(rng.random(len(ids)), 2),
                "cluster_name": np.where(forlorn, "forlorn beauties", "average joes"),
            }
        ),
    )
    served_ranker = lr.served_ranker(loaded)
    g = lr.store_graph(loaded)
    assert g.forlorn is not None and g.forlorn.sum() == forlorn.sum()
    users = ids[::17]
    rows = np.searchsorted(g.user_ids, users)
    full = served_ranker.ranker.recommend(g.A, rows, k=10, balance=0.3, **g.known())
    plain = served_ranker.ranker.recommend(g.A, rows, k=10, balance=0.0, **g.known())
    promoted_seen = 0
    for u, row in zip(users, rows, strict=True):
        recs = lr.learned_recommendations(loaded, u, k=10, balance=0.3)
        assert [r.user_id for r in recs] == g.user_ids[full[int(row)]].tolist(), u
        zero = lr.learned_recommendations(loaded, u, k=10, balance=0.0)
        assert [r.user_id for r in zero] == g.user_ids[plain[int(row)]].tolist(), u
        head = set(g.user_ids[plain[int(row)][:7]])
        for r in recs:
            in_slot = bool(g.forlorn[np.searchsorted(g.user_ids, r.user_id)]) and (
                r.user_id not in head
            )
            assert r.extra["promoted"] is in_slot
            assert r.extra["why"].startswith(PROMOTED) is in_slot
            promoted_seen += in_slot
    assert promoted_seen > len(users)  # the knob acted: more than one slot a user
    params = pipe.recommend_params("learned", k=10, beauty_balance=0.3)
    batch = pipe.recommend_batch(loaded, params, users=users)
    for u, row in zip(users, rows, strict=True):
        got = batch.frame[batch.frame.user == u]["candidate"].tolist()
        assert got == g.user_ids[full[int(row)]].tolist(), u
    everyone = pipe.recommend_batch(loaded, params)
    spark = lr.learned_spark(loaded, params, local_spark_options())
    pd.testing.assert_frame_equal(spark.frame, everyone.frame, check_exact=False, rtol=1e-12)


def test_removing_the_database_removes_the_ranker_files(tmp_path, community):
    import graphdb

    path = tmp_path / "gone.lbdb"
    with graphdb.connect(path) as s:
        load_folder(s, community)
        saved = _FITTED.get("ladybug")
        if saved is None:
            pytest.skip("needs the module's fitted ranker (run with the other tests)")
        lr.model_path(s).write_bytes(saved["model"])
        files.model_path(s, lr.INDEX_NAME).write_bytes(saved["index"])
        lr.learned_recommendations(s, USER)
        assert len(_files(s)) >= 3
    graphdb.remove_embedded(path)
    assert not list(tmp_path.glob("gone.lbdb*"))
    shutil.rmtree(tmp_path, ignore_errors=True)
