"""The dense-chunk kernel (analysis/fof_dense.py) gives the sparse kernel's answers."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import fof, fof_dense


def _dense_graph(n=500, m=30_000, seed=2):
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, m)
    dst = (rng.pareto(2.0, m) * 40).astype(int) % n  # popular accounts: many ties and overlaps
    return src, dst, n


@pytest.mark.parametrize("method", ["cn", "aa"])
@pytest.mark.parametrize("masked", [False, True])
def test_dense_equals_sparse(method, masked, monkeypatch):
    src, dst, n = _dense_graph()
    rng = np.random.default_rng(0)
    mask = rng.random(n) < 0.7 if masked else None
    users = rng.choice(n, 300, replace=False)
    assert fof_dense.use_dense(method, 10**9, 1, n)
    dense = fof.recommend(src, dst, n, method, k=7, users=users, candidate_mask=mask)
    monkeypatch.setattr(fof_dense, "DENSE_MIN_FILL", float("inf"))  # force the sparse kernel
    sparse = fof.recommend(src, dst, n, method, k=7, users=users, candidate_mask=mask)
    assert len(dense) == len(sparse) > 1000
    for name in ("users", "candidates", "rank", "n_common"):
        np.testing.assert_array_equal(getattr(dense, name), getattr(sparse, name), err_msg=name)
    np.testing.assert_array_equal(dense.score, sparse.score)
    if method == "cn":  # ties exist and are broken by candidate index
        tied = (np.diff(dense.score) == 0) & (np.diff(dense.users) == 0)
        assert tied.any()
        assert (np.diff(dense.candidates)[tied] > 0).all()


def test_dense_path_is_used_on_dense_graphs_only():
    n = 500
    assert fof_dense.use_dense("cn", int(0.3 * 100 * n), 100, n)
    assert not fof_dense.use_dense("cn", int(0.1 * 100 * n), 100, n)
    assert not fof_dense.use_dense("bb", 10**9, 100, n)
