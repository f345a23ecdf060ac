"""The demo report's propagation section and the ALF section's follow hold-out, on a small
generated community."""

from __future__ import annotations

import json

import numpy as np
import pytest

from graphdb.loader import load_folder


@pytest.fixture(scope="module")
def gen(tmp_path_factory):
    from beautygraph.generate import GeneratorConfig, generate

    folder = tmp_path_factory.mktemp("prop_report")
    truth = generate(
        GeneratorConfig(n_users=500, seed=4, weeks=3, influence=False, churn=False), folder
    )
    return folder, truth


def _ctx(store, folder, truth, tmp_path):
    from beautygraph.report import DemoContext

    return DemoContext(
        store=store, out_dir=tmp_path, data_dir=folder, truth=truth, seed=1, n_users=500
    )


def test_propagation_section(store, gen, tmp_path):
    from beautygraph.sections.propagation import propagation_section, truth_seeds

    folder, truth = gen
    load_folder(store, folder)
    ctx = _ctx(store, folder, truth, tmp_path)
    sec = propagation_section(ctx)
    assert sec is not None and sec.key == "propagation"
    h = sec.headline
    assert {"methods", "auto", "n_hidden", "n_labelled", "best"} <= set(h)
    n_interested = sum(1 for ts in truth["interests"].values() if ts)
    assert h["n_hidden"] + h["n_labelled"] == n_interested
    assert h["methods"]["vote"]["micro_f1"] > h["methods"]["majority"]["micro_f1"]
    assert sec.figures[0].png.startswith(b"\x89PNG")
    json.dumps(h)
    assert ctx.propagation is not None
    users = store.export_nodes("User")
    topics = store.export_nodes("Topic")
    Y = truth_seeds(truth, users.ids, topics.ids)
    u = int(np.flatnonzero(Y.getnnz(axis=1))[0])
    assert set(np.asarray(topics.ids)[Y[u].indices]) == set(truth["interests"][users.ids[u]])


def test_alf_section_shows_the_follow_holdout(store, gen, tmp_path):
    from beautygraph.sections.alf import alf_section

    folder, truth = gen
    load_folder(store, folder)
    ctx = _ctx(store, folder, truth, tmp_path)
    sec = alf_section(ctx)
    assert sec is not None
    ho = sec.headline["holdout_follows"]
    shared = {"authority", "most_followed_topics", "topic_pagerank", "cn", "aa", "ppr"}
    assert shared | {"most_followed", "pagerank", "random"} <= set(ho["methods"])
    assert ho["n_hidden"] > 0 and ho["authorities"] > 0
    assert any(f.name == "alf_holdout_follows" for f in sec.figures)
    assert ctx.alf_holdout is not None
