"""Parquet export (paged, bounded memory) and import-results (validated, all-or-nothing),
on every backend; topic-blocked Algorithm 1 against the full one."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from graphdb.errors import GraphDBError, ValidationFailed
from graphdb.parquet_export import DEFAULT_TABLES, export_store, spec_for_tables
from graphdb.results_import import import_results


def test_export_matches_in_memory_export(tiny_store, tmp_path):
    """Indices, ids and properties equal NodeTable/EdgeTable, whatever the page size."""
    for node_page, rel_page in ((2, 1), (2, 2), (1000, 1000)):
        out = tmp_path / f"exp{node_page}"
        man = export_store(
            tiny_store, out, spec_for_tables(DEFAULT_TABLES), node_page=node_page, rel_page=rel_page
        )
        users = tiny_store.export_nodes("User", ["joined_at", "beauty"])
        got = pd.read_parquet(out / "nodes" / "User.parquet")
        assert got["index"].tolist() == list(range(len(users)))
        assert got["id"].tolist() == list(users.ids)
        assert got["joined_at"].tolist() == users.props["joined_at"].tolist()
        fol = tiny_store.export_edges("FOLLOWS", ["created_at"], src_nodes=users)
        ge = pd.read_parquet(out / "relationships" / "FOLLOWS.parquet")
        ge = ge.sort_values(["src", "dst"]).reset_index(drop=True)
        assert ge["src"].tolist() == fol.src.tolist()
        assert ge["dst"].tolist() == fol.dst.tolist()
        assert ge["created_at"].tolist() == fol.props["created_at"].tolist()
        assert man.relationships["FOLLOWS"]["rows"] == len(fol)
        assert man.to_json() == json.loads((out / "manifest.json").read_text())
        photos = tiny_store.export_nodes("Photo")
        posted = tiny_store.export_edges("POSTED", src_nodes=users, dst_nodes=photos)
        gp = pd.read_parquet(out / "relationships" / "POSTED.parquet").sort_values(["src", "dst"])
        assert gp["dst"].tolist() == posted.dst.tolist()


def test_export_only_requested_tables(tiny_store, tmp_path):
    man = export_store(tiny_store, tmp_path / "e", spec_for_tables(["follows"]))
    assert set(man.nodes) == {"User"} and set(man.relationships) == {"FOLLOWS"}
    assert not (tmp_path / "e" / "nodes" / "Photo.parquet").exists()


def test_export_refuses_a_foreign_folder(tiny_store, tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(GraphDBError, match="not an export folder"):
        export_store(tiny_store, tmp_path, spec_for_tables(["users"]))
    assert (tmp_path / "keep.txt").read_text() == "mine"


def _results(tmp_path, recs: pd.DataFrame, users: pd.DataFrame | None = None):
    (tmp_path / "relationships").mkdir(parents=True, exist_ok=True)
    recs.to_parquet(tmp_path / "relationships" / "RECOMMENDED.parquet")
    if users is not None:
        (tmp_path / "nodes").mkdir(exist_ok=True)
        users.to_parquet(tmp_path / "nodes" / "User.parquet")
    return tmp_path


def _recs(store, method=None) -> list[tuple]:
    rows = store.query(
        "MATCH (a:User)-[r:RECOMMENDED]->(b:User) RETURN a.id AS s, b.id AS d, r.method AS m, "
        "r.rank AS r, r.score AS x"
    )
    return sorted((r["s"], r["d"], r["m"], int(r["r"]), float(r["x"])) for r in rows)


def test_import_results_writes_and_replaces_only_its_method(tiny_store, tmp_path):
    aa = pd.DataFrame(
        {"src": ["alice"], "dst": ["dave"], "method": "aa", "rank": [1], "score": [0.5]}
    )
    import_results(tiny_store, _results(tmp_path / "a", aa))
    cn = pd.DataFrame(
        {
            "src": ["alice", "bob"],
            "dst": ["erin", "dave"],
            "method": "cn",
            "rank": [1, 1],
            "score": [2.0, 1.0],
        }
    )
    users = pd.DataFrame({"id": ["alice", "bob"], "neighbor_beauty": [0.25, np.nan]})
    folder = _results(tmp_path / "b", cn, users)
    import_results(tiny_store, folder)
    import_results(tiny_store, folder)  # a re-run writes the same contents, no duplicates
    assert _recs(tiny_store) == [
        ("alice", "dave", "aa", 1, 0.5),
        ("alice", "erin", "cn", 1, 2.0),
        ("bob", "dave", "cn", 1, 1.0),
    ]
    nb = {
        r["id"]: r["nb"]
        for r in tiny_store.query("MATCH (u:User) RETURN u.id AS id, u.neighbor_beauty AS nb")
    }
    assert nb["alice"] == 0.25
    assert nb["bob"] is None or np.isnan(nb["bob"])


def test_import_results_rejects_bad_rows_and_writes_nothing(tiny_store, tmp_path):
    bad = pd.DataFrame(
        {
            "src": ["alice", "zed", "bob", "bob"],
            "dst": ["erin", "dave", "dave", "dave"],
            "method": ["cn", "cn", "cn", "cn"],
            "rank": [1, 1, 0, 1],
            "score": [1.0, np.inf, 1.0, 1.0],
        }
    )
    users = pd.DataFrame({"id": ["alice"], "neighbor_beauty": [0.5], "colour": ["red"]})
    with pytest.raises(ValidationFailed) as err:
        import_results(tiny_store, _results(tmp_path, bad, users))
    text = str(err.value)
    assert "relationships/RECOMMENDED.parquet:row 2: src: unknown User id ('zed')" in text
    assert "row 2: score: not a finite number" in text
    assert "row 3: rank: must be >= 1" in text
    assert "row 4: src: duplicate relationship ('bob -> dave')" in text
    assert "nodes/User.parquet:0: -: unknown column(s) ['colour']" in text
    assert _recs(tiny_store) == []
    nb = tiny_store.query("MATCH (u:User {id: 'alice'}) RETURN u.neighbor_beauty AS nb")[0]["nb"]
    assert nb is None or np.isnan(nb)


def test_import_results_refuses_input_relationships(tiny_store, tmp_path):
    (tmp_path / "relationships").mkdir()
    pd.DataFrame({"src": ["alice"], "dst": ["bob"]}).to_parquet(
        tmp_path / "relationships" / "FOLLOWS.parquet"
    )
    with pytest.raises(ValidationFailed, match="cannot import FOLLOWS"):
        import_results(tiny_store, tmp_path)


def test_cli_export_and_import_errors(tiny_dir, tmp_path):
    from click.testing import CliRunner

    from beautygraph.cli import cli

    db = str(tmp_path / "c.lbdb")
    r = CliRunner()
    assert r.invoke(cli, ["--db", db, "load", str(tiny_dir)]).exit_code == 0
    res = r.invoke(cli, ["--db", db, "export", str(tmp_path / "x"), "--tables", "follows,nope"])
    assert res.exit_code == 2 and "nope" in res.output
    res = r.invoke(
        cli, ["--db", db, "export", str(tmp_path / "x"), "--tables", "follows", "--json"]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "x" / "relationships" / "FOLLOWS.parquet").is_file()


@pytest.mark.parametrize("block", [1, 4, 50])
def test_topic_blocks_equal_full_propagation(block):
    """find_authorities_blocked == find_authorities(algorithm1(A, S).F) (assignments,
    filters, ranks, scores); float32 keeps the rankings on this graph."""
    from analysis.alf import algorithm1, find_authorities, follow_matrix
    from analysis.alf.blocked import find_authorities_blocked

    rng = np.random.default_rng(7)
    V = 3000
    src = rng.integers(0, V, 40_000)
    dst = (rng.pareto(1.1, 40_000) * 30).astype(int) % V
    A = follow_matrix(src, dst, V)
    S = (rng.random((V, 13)) < 0.08).astype(float)
    n_in = np.asarray(A.sum(axis=0)).ravel()
    full = find_authorities(algorithm1(A, S, pass1_denominator="m_in").F, n_in, min_support=0)
    old = {"pass1_denominator": "m_in", "min_support": 0}
    part = find_authorities_blocked(A, S, block=block, **old)
    assert (full.topic >= 0).sum() > 50
    np.testing.assert_array_equal(full.assigned, part.assigned)
    np.testing.assert_array_equal(full.fp1_removed, part.fp1_removed)
    np.testing.assert_array_equal(full.fp2_removed, part.fp2_removed)
    assert full.fp2_removed.sum() > 0 and full.fp1_removed.sum() > 0
    fa, fb = full.to_frame(), part.to_frame()
    pd.testing.assert_frame_equal(fa[["user", "topic", "rank"]], fb[["user", "topic", "rank"]])
    np.testing.assert_allclose(fb[["F", "ZF", "wzf"]], fa[["F", "ZF", "wzf"]], rtol=0, atol=1e-12)
    f32 = find_authorities_blocked(A, S, block=block, dtype=np.float32, **old).to_frame()
    pd.testing.assert_frame_equal(fa[["user", "topic", "rank"]], f32[["user", "topic", "rank"]])
    np.testing.assert_allclose(f32["wzf"], fa["wzf"], rtol=1e-4)


def test_topic_blocks_keep_fp2_ties_by_topic_index():
    """A small graph where label scores tie across topics: FP2's top-k vote must break
    ties by topic index as top_k_mask does, across block boundaries."""
    from analysis.alf import algorithm1, find_authorities, follow_matrix
    from analysis.alf.blocked import find_authorities_blocked

    rng = np.random.default_rng(3)
    V = 400
    A = follow_matrix(rng.integers(0, V, 3000), rng.integers(0, 60, 3000), V)
    # topics come in identical pairs (2i, 2i+1): every score ties with its twin
    S = np.repeat((rng.random((V, 6)) < 0.3).astype(float), 2, axis=1)
    prop = algorithm1(A, S, pass1_denominator="m_in")
    full = find_authorities(prop.F, prop.n_in, fp2_k=3, min_support=0)
    rows = np.flatnonzero(full.assigned >= 0)
    assert (full.assigned[rows] % 2 == 0).all()  # Eq. 2 argmax keeps the lower twin
    assert full.fp2_removed.any() and (~full.fp2_removed[rows]).any()
    for block in (1, 3, 5, 12):
        part = find_authorities_blocked(
            A, S, block=block, fp2_k=3, pass1_denominator="m_in", min_support=0
        )
        np.testing.assert_array_equal(full.fp2_removed, part.fp2_removed)
        np.testing.assert_array_equal(full.topic, part.topic)


@pytest.mark.parametrize(
    ("denominator", "min_support"), [("n_in", 0), ("m_in", 3), ("n_in", 3), ("n_in", 6)]
)
def test_topic_blocks_honour_evidence_and_pass1_denominator(denominator, min_support):
    """The evidence rule (``support = Aᵗ S^c >= min_support``) and the Pass 1 denominator
    give the same authorities in topic blocks as on the full matrices, and each changes
    the result (so the test would notice a blocked path that ignored it)."""
    from analysis.alf import algorithm1, find_authorities, follow_matrix
    from analysis.alf.authorities import topical_support
    from analysis.alf.blocked import find_authorities_blocked

    rng = np.random.default_rng(11)
    V = 2500
    src = rng.integers(0, V, 30_000)
    dst = (rng.pareto(1.1, 30_000) * 30).astype(int) % V
    A = follow_matrix(src, dst, V)
    S = (rng.random((V, 11)) < 0.06).astype(float)
    n_in = np.asarray(A.sum(axis=0)).ravel()
    support = topical_support(A, S)

    def full(den: str, ms: int):
        F = algorithm1(A, S, pass1_denominator=den).F
        return find_authorities(F, n_in, support=support, min_support=ms)

    ref = full(denominator, min_support)
    assert (ref.topic >= 0).sum() > 50
    other_den = full("m_in" if denominator == "n_in" else "n_in", min_support)
    assert not np.array_equal(ref.assigned, other_den.assigned)
    if min_support:
        assert not np.array_equal(ref.assigned, full(denominator, 0).assigned)
    for block in (1, 4, 11):
        part = find_authorities_blocked(
            A, S, block=block, pass1_denominator=denominator, min_support=min_support
        )
        np.testing.assert_array_equal(ref.assigned, part.assigned)
        np.testing.assert_array_equal(ref.topic, part.topic)
        fa, fb = ref.to_frame(), part.to_frame()
        pd.testing.assert_frame_equal(fa[["user", "topic", "rank"]], fb[["user", "topic", "rank"]])
        np.testing.assert_allclose(fb[["F", "ZF", "wzf"]], fa[["F", "ZF", "wzf"]], atol=1e-12)
        assert part.params["min_support"] == min_support
