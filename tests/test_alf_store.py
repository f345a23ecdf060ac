"""ALF through the store: Cypher Pass 1 equals numpy, write-back, Algorithm 2 in Cypher,
evaluation and the CLI (LadybugDB always, Neo4j when NEO4J_URI is set)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.alf import algorithm1
from analysis.alf.recommend import authority_recommendations
from beautygraph.errors import UserError
from beautygraph.pipelines.alf import (
    evaluate_authorities,
    explain_authority,
    export_alf_graph,
    extract_bio_interests,
    recommend_authorities,
    run_authorities,
)
from graphdb.loader import load_folder


@pytest.fixture(scope="module")
def gen_dir(tmp_path_factory):
    from beautygraph.generate import GeneratorConfig, generate

    folder = tmp_path_factory.mktemp("alf_store_gen")
    generate(GeneratorConfig(n_users=700, seed=5, weeks=3, influence=False, churn=False), folder)
    return folder


@pytest.fixture
def gen_store(store, gen_dir):
    load_folder(store, gen_dir)
    return store


def _rels(store, query):
    return store.query_df(query)


def test_cypher_pass1_equals_numpy(gen_store):
    store = gen_store
    extract_bio_interests(store)
    # a second source that Pass 1 must ignore unless asked for
    store.replace_rels(
        "INTERESTED_IN",
        pd.DataFrame(
            {
                "src": ["u000001", "u000002"],
                "dst": ["travel", "cats"],
                "source": "tags",
                "score": 1.0,
            }
        ),
        where={"source": "tags"},
    )
    for sources in (["bio"], ["bio", "tags"]):
        g = export_alf_graph(store, sources)
        Fe = algorithm1(g.A, g.S_c, pass1_denominator="m_in").F_e  # as alf_pass1.cypher
        df = store.run_df("alf_pass1", user_id="", topic_id="", sources=sources)
        assert len(df) == int((Fe > 0).sum())
        ui = pd.Index(g.user_ids).get_indexer(df["user_id"])
        ti = pd.Index(g.topic_ids).get_indexer(df["topic_id"])
        np.testing.assert_allclose(df["score"].to_numpy(float), Fe[ui, ti], rtol=1e-12)
        m_in = algorithm1(g.A, g.S_c).m_in
        np.testing.assert_array_equal(df["with_interests"].to_numpy(int), m_in[ui])
    # one account, one topic: the explainable score of §4.2
    v = int(np.argmax((Fe > 0).sum(axis=1)))
    t = int(np.argmax(Fe[v]))
    one = explain_authority(store, g.user_ids[v], g.topic_ids[t], sources=["bio", "tags"])
    assert len(one) == 1 and one["score"][0] == pytest.approx(Fe[v, t])
    assert (
        len(explain_authority(store, g.user_ids[v], sources=["bio", "tags"])) == (Fe[v] > 0).sum()
    )


def test_run_authorities_write_back_and_recommender(gen_store):
    store = gen_store
    with pytest.raises(UserError, match="authorities"):
        recommend_authorities(store, "u000001")  # nothing written yet
    store.replace_rels(
        "INTERESTED_IN",
        pd.DataFrame({"src": ["u000003"], "dst": ["dogs"], "source": "tags", "score": 0.5}),
        where={"source": "tags"},
    )
    run = run_authorities(store)
    res, g = run.result, run.graph
    rel = _rels(
        store,
        "MATCH (u:User)-[r:AUTHORITY_ON]->(t:Topic) "
        "RETURN u.id AS u, t.id AS t, r.score AS score, r.wzf AS wzf, "
        "r.rank AS rank",
    )
    frame = run.to_frame()
    assert len(rel) == len(frame) == int((res.topic >= 0).sum()) > 0
    merged = rel.merge(frame, left_on=["u", "t"], right_on=["user", "topic"])
    assert len(merged) == len(rel)
    np.testing.assert_allclose(merged["wzf_x"], merged["wzf_y"])
    np.testing.assert_allclose(merged["score"], merged["F"])
    np.testing.assert_array_equal(merged["rank_x"], merged["rank_y"])
    users = store.export_nodes("User", ["authority_topic", "authority_score"])
    n_auth = sum(1 for x in users.props["authority_topic"] if x is not None)
    assert n_auth == len(rel)
    # idempotent; the tags interest survives the bio rewrite
    bio_n = len(
        _rels(
            store,
            "MATCH (:User)-[r:INTERESTED_IN]->(:Topic) WHERE r.source = 'bio' RETURN r.score AS s",
        )
    )
    run2 = run_authorities(store)
    assert len(_rels(store, "MATCH (:User)-[r:AUTHORITY_ON]->(:Topic) RETURN r.rank AS r")) == len(
        rel
    )
    assert (
        len(
            _rels(
                store,
                "MATCH (:User)-[r:INTERESTED_IN]->(:Topic) "
                "WHERE r.source = 'bio' RETURN r.score AS s",
            )
        )
        == bio_n
    )
    assert (
        len(
            _rels(
                store,
                "MATCH (:User)-[r:INTERESTED_IN]->(:Topic) "
                "WHERE r.source = 'tags' RETURN r.score AS s",
            )
        )
        == 1
    )
    np.testing.assert_array_equal(run2.result.topic, res.topic)

    # Algorithm 2 in Cypher equals the array implementation
    checked = 0
    for u in range(len(g.user_ids)):
        for a_hat, b_hat in ((0, 3), (1, 2)):
            ref = authority_recommendations(g.A, res.ranked, u, a_hat=a_hat, b_hat=b_hat)
            if ref.empty:
                continue
            got = recommend_authorities(store, g.user_ids[u], k=1000, a_hat=a_hat, b_hat=b_hat)
            assert sorted((r["user_id"], r["topic_id"], r["topic_rank"]) for r in got) == sorted(
                (g.user_ids[v], g.topic_ids[t], r)
                for v, t, r in zip(ref["user"], ref["topic"], ref["rank"], strict=True)
            )
            ent = dict(zip(ref["topic"], ref["enthusiasm"], strict=True))
            assert all(
                r["enthusiasm"] == ent[pd.Index(g.topic_ids).get_loc(r["topic_id"])] for r in got
            )
            assert [r["rank"] for r in got] == list(range(1, len(got) + 1))
            checked += 1
        if checked >= 12:
            break
    assert checked >= 6
    with pytest.raises(UserError, match="unknown user"):
        recommend_authorities(store, "nobody")
    with pytest.raises(UserError, match="sources"):
        run_authorities(store, interest_sources=("bio", "likes"))
    with pytest.raises(UserError, match="alpha"):
        run_authorities(store, alpha=-1.0)


def test_evaluate_authorities(gen_store, gen_dir, tmp_path):
    store = gen_store
    truth = json.loads((gen_dir / "truth.json").read_text())
    table = evaluate_authorities(store, truth, k=200)  # matches bios in memory
    assert set(table.scores) == {"alf", "pagerank", "no_weighting"}
    assert 0 <= table.scores["alf"].precision <= 1
    with pytest.raises(UserError, match="authorities"):
        evaluate_authorities(store, {"interests": {}}, k=10)
    with pytest.raises(UserError, match="does not exist"):
        evaluate_authorities(store, tmp_path / "missing.json")
    assert table.to_frame().shape[0] == 3


def run_cli(argv, capsys):
    from beautygraph import cli

    code = 0
    try:
        cli.main(argv)
    except SystemExit as exc:
        code = exc.code or 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_authorities(gen_dir, tmp_path, capsys):
    db = str(tmp_path / "cli.lbdb")
    code, _, err = run_cli(["--db", db, "load", str(gen_dir), "--json"], capsys)
    assert code == 0, err
    code, out, err = run_cli(["--db", db, "authorities", "--json"], capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["method"] == "algorithm1" and summary["authorities"] > 0
    code, out, err = run_cli(
        [
            "--db",
            db,
            "authorities",
            "--alpha",
            "0.2",
            "--beta",
            "0.05",
            "--gamma",
            "1",
            "--interest-source",
            "bio",
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    assert json.loads(out)["params"] == {"alpha": 0.2, "beta": 0.05, "gamma": 1.0, "min_support": 3}
    code, out, err = run_cli(
        [
            "--db",
            db,
            "analyze",
            "authorities",
            "--k",
            "200",
            "--truth",
            str(gen_dir / "truth.json"),
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    res = json.loads(out)
    assert set(res) == {"k", "interest_sources", "methods"}
    assert res["k"] == 200 and res["interest_sources"] == ["bio"]
    assert set(res["methods"]) == {"alf", "pagerank", "no_weighting"}
    assert set(res["methods"]["alf"]) == {"precision", "recall", "f1"}
    code, _, err = run_cli(["--db", db, "analyze", "authorities", "--json"], capsys)
    assert code == 2 and "--truth" in err
    code, _, err = run_cli(["--db", db, "authorities", "--interest-source", "likes"], capsys)
    assert code != 0 and "interest-source" in err


def test_report_section(gen_store, gen_dir, tmp_path):
    from beautygraph.report import DemoContext
    from beautygraph.sections.alf import alf_section

    truth = json.loads((gen_dir / "truth.json").read_text())
    ctx = DemoContext(
        store=gen_store, out_dir=tmp_path, data_dir=gen_dir, truth=truth, seed=5, n_users=700
    )
    sec = alf_section(ctx)
    assert sec.key == "alf"
    assert {"alf", "pagerank", "no_weighting", "bio_precision"} <= set(sec.headline)
    assert any(c.paper == "0.96" for c in sec.comparisons)  # Table 6 ALF precision
    assert sec.figures and all(f.png.startswith(b"\x89PNG") for f in sec.figures)
    json.dumps(sec.headline)  # JSON-able for demo --json
    assert ctx.alf is not None and ctx.alf_table6 is not None
