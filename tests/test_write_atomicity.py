"""Every command that writes computes first and writes only on success, atomically.

A failure injected after a command's first write (or inside its one write) must leave the
store exactly as it was: every node and relationship with every schema property, compared
as one canonical text before and after.  ``score beauty`` and the photo labelling of
``score interests`` are resumable by design instead: each batch written is final, and a
re-run finishes the job.  Runs on both backends (the ``store`` fixture).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import graphdb.neo4j_store as neo4j_store
from beautygraph.errors import UserError
from graphdb import schema
from graphdb.base import Store
from graphdb.ladybug_store import LadybugStore
from graphdb.loader import load_folder
from tests.test_network_store import _random_folder


class Injected(RuntimeError):
    """The failure a test injects."""


# -- the store's whole content as one comparable text -------------------------------------


def _cell(value):
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else repr(float(value))
    if isinstance(value, int | np.integer):
        return repr(int(value))
    if value is pd.NaT:
        return None
    return str(value)


def _rows(frame: pd.DataFrame, keys: list[str]) -> list[list]:
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    return sorted(rows, key=lambda r: [str(x) for x in r[: len(keys)]])


def snapshot(store: Store) -> str:
    """Every node and relationship of the schema with every property, canonical."""
    out: dict[str, object] = {"counts": store.counts()}
    for label, props in schema.NODE_PROPS.items():
        cols = [p for p in props if p != "id"]
        frame = store.query_df(schema.export_nodes_query(label, cols, store.dialect))
        out[label] = _rows(frame, ["id"])
    for rel in schema.REL_TYPES:
        props = list(schema.REL_PROPS[rel])
        frame = store.query_df(schema.export_rels_query(rel, props, store.dialect))
        out[rel] = _rows(frame, ["src", "dst", *props])
    return json.dumps(out, sort_keys=True)


# -- failure injection ----------------------------------------------------------------------

#: the Store methods through which pipelines write
_WRITERS = ("write_node_props", "replace_rels", "insert_nodes", "insert_rels")


def fail_on_second_write(monkeypatch, store: Store) -> list[str]:
    """Let the first write through, raise :class:`Injected` at the second; returns the
    log of writes seen.  Named statements that write (``store.run``) count too."""
    from cypher import load
    from graphdb.neo4j_store import writes

    seen: list[str] = []

    def check(what: str) -> None:
        seen.append(what)
        if len(seen) >= 2:
            raise Injected(f"injected failure at write {len(seen)} ({what})")

    cls = type(store)
    for name in _WRITERS:
        original = getattr(cls, name)

        def wrapper(self, *args, _original=original, _name=name, **kwargs):
            check(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, wrapper)
    original_run = cls.run

    def run(self, name, **params):
        if writes(load(name, self.dialect)):
            check(name)
        return original_run(self, name, **params)

    monkeypatch.setattr(cls, "run", run)
    return seen


def fail_inside_replace(monkeypatch) -> None:
    """Make ``replace_rels`` fail after its delete, before its insert is complete."""

    def broken(self, *args, **kwargs):
        raise Injected("injected failure while inserting")

    monkeypatch.setattr(LadybugStore, "insert_rels", broken)
    monkeypatch.setattr(
        neo4j_store, "_insert_rels_text", lambda rel, frame: "UNWIND $groups AS g RETURN 1 / 0"
    )


# -- data -------------------------------------------------------------------------------------


def _community(store: Store, folder: Path, photo_beauty: bool = True) -> None:
    frames = _random_folder(folder, seed=3, n_users=40)
    if not photo_beauty:
        frames["photos"].assign(beauty=None).to_csv(folder / "photos.csv", index=False)
    load_folder(store, folder)


def _import_user_beauty(store: Store, folder: Path) -> dict[str, float]:
    """``import-results`` of nodes/User.parquet with ``id, beauty`` for every user."""
    from graphdb.results_import import import_results

    ids = store.export_nodes("User").ids.astype(str)
    rng = np.random.default_rng(11)
    beauty = rng.uniform(0.1, 0.9, len(ids)).round(6)
    (folder / "nodes").mkdir(parents=True)
    pd.DataFrame({"id": ids, "beauty": beauty}).to_parquet(folder / "nodes" / "User.parquet")
    import_results(store, folder)
    return dict(zip(ids.tolist(), beauty.tolist(), strict=True))


def _stored_beauty(store: Store) -> dict[str, float]:
    users = store.export_nodes("User", ["beauty"])
    b = np.asarray(users.props["beauty"], dtype=float)
    return {str(i): float(v) for i, v in zip(users.ids, b, strict=True) if np.isfinite(v)}


def _seed_interests(store: Store) -> None:
    """Two topics and declared interests for a third of the users."""
    store.insert_nodes(
        "Topic", pd.DataFrame({"id": ["t1", "t2"], "name": ["one", "two"], "domain": ["A", "B"]})
    )
    ids = store.export_nodes("User").ids.astype(str)
    rows = pd.DataFrame(
        {
            "src": ids[::3],
            "dst": ["t1" if i % 2 else "t2" for i in range(len(ids[::3]))],
            "source": "declared",
        }
    )
    store.insert_rels("INTERESTED_IN", rows)


# -- the store's own transaction ----------------------------------------------------------------


def test_atomic_rolls_back_every_write_and_reads_its_own(store, tmp_path):
    _community(store, tmp_path / "d")
    before = snapshot(store)
    ids = store.export_nodes("User").ids.astype(str)
    if hasattr(store, "batch_size"):
        store.batch_size = 7  # Neo4j: many write batches, all in the one transaction
    for interrupt in (Injected, KeyboardInterrupt):
        with pytest.raises(interrupt), store.atomic():
            store.write_node_props("User", pd.DataFrame({"id": ids, "beauty": 5.0}))
            with store.atomic():  # nested: joins the outer transaction
                store.replace_rels("AUTHORITY_ON", pd.DataFrame({"src": [], "dst": []}))
            inside = store.export_nodes("User", ["beauty"]).props["beauty"]
            assert np.all(np.asarray(inside, dtype=float) == 5.0)
            raise interrupt("after the writes")
        assert snapshot(store) == before
    with store.atomic():
        store.write_node_props("User", pd.DataFrame({"id": ids[:1], "beauty": 0.25}))
    assert _stored_beauty(store)[ids[0]] == 0.25


# -- the issue: a failed analyze network erased the imported User.beauty -----------------------


def test_imported_user_beauty_survives_and_feeds_analyze_network(store, tmp_path):
    from beautygraph.pipelines.network import analyze_network

    _community(store, tmp_path / "d", photo_beauty=False)
    imported = _import_user_beauty(store, tmp_path / "results")
    result = analyze_network(store, seed=1, n_null=0, gap_refs=2)
    assert _stored_beauty(store) == imported
    assert int(np.isfinite(result.beauty).sum()) == len(imported)
    assert "beauty" not in result.check  # a stored beauty has no photo twin to check
    # neighbour beauty from the imported values, computed here independently
    follows = store.export_edges("FOLLOWS")
    users = store.export_nodes("User", ["neighbor_beauty", "cluster"])
    b = np.array([imported[str(i)] for i in users.ids])
    sums = np.bincount(follows.src, weights=b[follows.dst], minlength=len(b))
    deg = np.bincount(follows.src, minlength=len(b))
    expected = np.where(deg > 0, sums / np.maximum(deg, 1), np.nan)
    got = np.asarray(users.props["neighbor_beauty"], dtype=float)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
    assert np.isfinite(np.asarray(users.props["cluster"], dtype=float)).any()  # classes written


def test_score_user_beauty_keeps_imported_beauty(store, tmp_path):
    from beautygraph.pipelines.scoring import update_user_beauty

    _community(store, tmp_path / "d", photo_beauty=False)
    imported = _import_user_beauty(store, tmp_path / "results")
    out = update_user_beauty(store)
    assert _stored_beauty(store) == imported
    assert out["source"] == "stored" and out["with_beauty"] == len(imported)


# -- every writing command: a failure after its first write changes nothing --------------------


@pytest.mark.parametrize("where", ["second write", "analysis"])
def test_analyze_network_failure_leaves_store(store, tmp_path, monkeypatch, where):
    import beautygraph.pipelines.network as network

    _community(store, tmp_path / "d")
    before = snapshot(store)
    if where == "second write":
        seen = fail_on_second_write(monkeypatch, store)
    else:  # the analysis fails after the Cypher aggregates were written

        def broken(*args, **kwargs):
            raise UserError("the analysis cannot run")

        monkeypatch.setattr(network, "compute_network", broken)
    with pytest.raises((Injected, UserError)):
        network.analyze_network(store, seed=1, n_null=0, gap_refs=2)
    monkeypatch.undo()
    if where == "second write":
        assert seen[0] == "user_beauty"
    assert snapshot(store) == before


def test_analyze_network_interrupted_before_classes_leaves_store(store, tmp_path, monkeypatch):
    import beautygraph.pipelines.network as network

    _community(store, tmp_path / "d")
    before = snapshot(store)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(network, "write_classes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        network.analyze_network(store, seed=1, n_null=0, gap_refs=2)
    monkeypatch.undo()
    assert snapshot(store) == before


@pytest.mark.parametrize("engine", ["cypher", "scipy"])
def test_beauty_aggregates_failure_leaves_store(store, tmp_path, monkeypatch, engine):
    from beautygraph.pipelines.beauty_aggregates import aggregate_beauty

    _community(store, tmp_path / "d")
    before = snapshot(store)
    if engine == "cypher":  # user_beauty, then neighbor_beauty fails
        fail_on_second_write(monkeypatch, store)
    else:  # one write of every user (batches on Neo4j), then a failure inside the command
        if hasattr(store, "batch_size"):
            store.batch_size = 7
        original = type(store).write_node_props

        def write_then_fail(self, *args, **kwargs):
            original(self, *args, **kwargs)
            raise Injected("after the write")

        monkeypatch.setattr(type(store), "write_node_props", write_then_fail)
    with pytest.raises(Injected):
        aggregate_beauty(store, engine)
    monkeypatch.undo()
    assert snapshot(store) == before


def test_import_results_failure_leaves_store(store, tmp_path, monkeypatch):
    from graphdb.results_import import import_results

    _community(store, tmp_path / "d")
    _seed_interests(store)
    before = snapshot(store)
    folder = tmp_path / "results"
    (folder / "nodes").mkdir(parents=True)
    (folder / "relationships").mkdir(parents=True)
    ids = store.export_nodes("User").ids.astype(str)
    pd.DataFrame({"id": ids, "beauty": 0.5}).to_parquet(folder / "nodes" / "User.parquet")
    pd.DataFrame({"src": ids[:3], "dst": "t1", "score": 1.0, "wzf": 1.0, "rank": 1}).to_parquet(
        folder / "relationships" / "AUTHORITY_ON.parquet"
    )
    fail_on_second_write(monkeypatch, store)
    with pytest.raises(Injected):
        import_results(store, folder)
    monkeypatch.undo()
    assert snapshot(store) == before


def test_score_interests_profiles_failure_leaves_store(store, tmp_path, monkeypatch):
    from beautygraph.pipelines.interests import profile_interests
    from tests.test_interests_pipeline import _label, _write_folder

    _write_folder(tmp_path / "small", topics=False)  # domain topics are created: 3 writes
    load_folder(store, tmp_path / "small")
    _label(store, {"p1": "golden retriever", "p3": "espresso", "p5": "acoustic guitar"})
    before = snapshot(store)
    seen = fail_on_second_write(monkeypatch, store)
    with pytest.raises(Injected):
        profile_interests(store, k=3, topic_mode="domain", min_photos=1)
    monkeypatch.undo()
    assert seen[0] == "insert_nodes"
    assert snapshot(store) == before


def test_interests_propagate_failure_leaves_store(store, tmp_path, monkeypatch):
    from beautygraph.pipelines.propagation import run_propagation

    _community(store, tmp_path / "d")
    _seed_interests(store)
    run_propagation(store, sources=("declared",), method="vote", top=1)  # an old set exists
    before = snapshot(store)
    fail_inside_replace(monkeypatch)
    with pytest.raises(Exception, match="injected|by zero"):
        run_propagation(store, sources=("declared",), method="vote", top=2)
    monkeypatch.undo()
    assert snapshot(store) == before


@pytest.mark.parametrize("method", ["cn", "bb"])
def test_recommend_all_failure_leaves_store(store, tmp_path, monkeypatch, method):
    from beautygraph.pipelines.recommend import recommend_batch
    from beautygraph.pipelines.scoring import update_user_beauty

    _community(store, tmp_path / "d")
    update_user_beauty(store)
    recommend_batch(store, method, k=1, write=True)  # an old set exists
    before = snapshot(store)
    fail_inside_replace(monkeypatch)
    with pytest.raises(Exception, match="injected|by zero"):
        recommend_batch(store, method, k=3, write=True)
    monkeypatch.undo()
    assert snapshot(store) == before


def test_authorities_failure_leaves_store(store, tmp_path, monkeypatch):
    from beautygraph.pipelines.alf import run_authorities

    _community(store, tmp_path / "d")
    _seed_interests(store)
    before = snapshot(store)
    fail_on_second_write(monkeypatch, store)
    with pytest.raises(Injected):
        run_authorities(store, interest_sources=("declared",), min_support=0)
    monkeypatch.undo()
    assert snapshot(store) == before


def test_authorities_on_spark_failure_leaves_the_bio_interests_as_they_were(
    store, tmp_path, monkeypatch
):
    """The Spark path matches biographies (a write) before its job: a job that fails must
    take those bio interests back with it."""
    import beautygraph.engines.runner as runner
    from beautygraph.pipelines.spark_jobs import authorities_spark

    _community(store, tmp_path / "d")
    _seed_interests(store)
    ids = store.export_nodes("User").ids.astype(str)
    store.write_node_props("User", pd.DataFrame({"id": ids[:5], "bio": "I love one and two"}))
    before = snapshot(store)

    def failing_job(*args, **kwargs):
        raise Injected("injected failure of the Spark job")

    monkeypatch.setattr(runner, "run_spark_job", failing_job)
    with pytest.raises(Injected):
        authorities_spark(store, interest_sources=("bio", "declared"), min_support=0)
    monkeypatch.undo()
    assert snapshot(store) == before


def _grey(img):
    """Image -> (1, 8, 8) tensor of grey levels in [0, 1] (module level: picklable)."""
    import torch

    return torch.tensor(np.asarray(img.convert("L").resize((8, 8)), dtype=np.float32) / 255)[None]


class _MeanScorer:
    """A beauty model for tests: the mean grey level of the image."""

    source = "mean-grey"
    description = "mean grey level (test)"
    transform = staticmethod(_grey)

    def predict(self, x, device):
        from scoring.scorer import ScoreBatch

        return ScoreBatch(beauty=x.mean(dim=(1, 2, 3)).double().numpy(), probs=None, raw=None)

    def release(self) -> None:
        pass


def test_score_beauty_is_resumable_batch_by_batch(store, tmp_path, monkeypatch):
    """score beauty keeps the batches written before a failure (each is final), leaves
    User.beauty alone, and a re-run scores the rest: the same store as one clean run."""
    from PIL import Image

    from beautygraph.pipelines.scoring import score_store

    _community(store, tmp_path / "d")
    photos = store.export_nodes("Photo").ids.astype(str)
    images = tmp_path / "images"
    images.mkdir()
    for j, pid in enumerate(photos[:20]):
        Image.new("L", (8, 8), color=10 * j).save(images / f"{pid}.png")
    users = schema.export_nodes_query("User", list(schema.NODE_PROPS["User"]), store.dialect)
    users_before = _rows(store.query_df(users), ["id"])
    run = dict(scorer=_MeanScorer(), folder=images, batch=4, write_every=8, workers=0)
    seen = fail_on_second_write(monkeypatch, store)
    with pytest.raises(Injected):
        score_store(store, **run)
    monkeypatch.undo()
    assert seen[0] == "write_node_props"
    assert _rows(store.query_df(users), ["id"]) == users_before
    scored = store.query("MATCH (p:Photo) WHERE p.beauty_source = 'mean-grey' RETURN count(p) AS n")
    assert int(scored[0]["n"]) == 8  # the first batch stays
    again = score_store(store, **run)
    assert again.n_scored == 12 and again.n_already == 8
    resumed = snapshot(store)
    store.clear()
    load_folder(store, tmp_path / "d")
    score_store(store, **run)
    assert snapshot(store) == resumed
