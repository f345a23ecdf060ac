"""Hypothesis: loading is idempotent and order-independent for arbitrary small graphs."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphdb
from graphdb.loader import load_folder

ids = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=8
).filter(lambda s: s.strip() == s and s.strip())


@st.composite
def graphs(draw):
    users = draw(st.lists(ids, min_size=1, max_size=12, unique=True))
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(users), st.sampled_from(users)), max_size=40, unique=True
        )
    )
    pairs = [(a, b) for a, b in pairs if a != b]
    split = draw(st.integers(0, len(pairs)))
    return users, pairs, split


def _write(folder: Path, users, pairs) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"user_id": users, "joined_at": "2024-01-01", "bio": "x"}).to_csv(
        folder / "users.csv", index=False
    )
    pd.DataFrame(pairs or [], columns=["src", "dst"]).assign(created_at="2024-02-01").to_csv(
        folder / "follows.csv", index=False
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs())
def test_load_is_idempotent_and_incremental(graph):
    users, pairs, split = graph
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        _write(tmp / "part", users, pairs[:split])
        _write(tmp / "full", users, pairs)
        with graphdb.connect(tmp / "a.lbdb") as a:
            load_folder(a, tmp / "part")
            load_folder(a, tmp / "full")
            load_folder(a, tmp / "full")
            counts_a = a.counts()
            edges = a.export_edges("FOLLOWS")
            got = {
                (edges.src_nodes.ids[s], edges.dst_nodes.ids[d])
                for s, d in zip(edges.src, edges.dst, strict=True)
            }
        assert counts_a["nodes"]["User"] == len(users)
        assert counts_a["relationships"]["FOLLOWS"] == len(pairs)
        assert got == set(pairs)
