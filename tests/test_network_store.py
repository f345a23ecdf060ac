"""cypher/user_beauty.cypher and cypher/neighbor_beauty.cypher against numpy (to 1e-9) on
every available backend, the network pipeline on the store, and the CLI command."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from analysis.beauty import neighbor_beauty, user_beauty
from beautygraph import strict_json
from beautygraph.outputs.network import network_figures, write_network
from beautygraph.pipelines.network import (
    aggregate_in_cypher,
    analyze_network,
    check_against_numpy,
    export_network_data,
)
from graphdb.loader import load_folder
from kernel.steps import RecordingSteps


def _random_folder(folder: Path, seed: int = 0, n_users: int = 60) -> dict[str, pd.DataFrame]:
    """A random community: some users without photos, photos without beauty, self-favourites."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    users = pd.DataFrame(
        {"user_id": [f"u{i:03d}" for i in range(n_users)], "joined_at": "2024-01-01", "bio": ""}
    )
    pairs = {(int(a), int(b)) for a, b in rng.integers(0, n_users, (n_users * 6, 2)) if a != b}
    pairs = sorted(pairs)
    follows = pd.DataFrame(
        {
            "src": [f"u{a:03d}" for a, _ in pairs],
            "dst": [f"u{b:03d}" for _, b in pairs],
            "created_at": "2024-01-02",
        }
    )
    n_photos = n_users * 4
    owners = rng.integers(0, n_users - 8, n_photos)  # the last 8 users post nothing
    beauty = rng.uniform(0, 1, n_photos).round(6)
    beauty_col = pd.Series(beauty, dtype=object)
    beauty_col[rng.random(n_photos) < 0.15] = None  # unscored photos
    days = rng.integers(0, 200, n_photos)
    photos = pd.DataFrame(
        {
            "photo_id": [f"p{i:04d}" for i in range(n_photos)],
            "owner": [f"u{o:03d}" for o in owners],
            "uploaded_at": [str(np.datetime64("2024-01-01") + int(d)) for d in days],
            "path": "",
            "tags": "",
            "beauty": beauty_col,
        }
    )
    fav = {
        (int(u), int(p))
        for u, p in zip(
            rng.integers(0, n_users, n_photos * 2),
            rng.integers(0, n_photos, n_photos * 2),
            strict=True,
        )
    }
    fav = sorted(fav)
    favorites = pd.DataFrame(
        {
            "user_id": [f"u{u:03d}" for u, _ in fav],
            "photo_id": [f"p{p:04d}" for _, p in fav],
            "created_at": "2024-08-01",
        }
    )
    for name, frame in (
        ("users", users),
        ("follows", follows),
        ("photos", photos),
        ("favorites", favorites),
    ):
        frame.to_csv(folder / f"{name}.csv", index=False)
    return {"users": users, "follows": follows, "photos": photos, "favorites": favorites}


def _plain_python(frames: dict[str, pd.DataFrame]) -> dict[str, dict[str, float]]:
    """Independent computation from the CSV rows with dicts (no index mapping)."""
    photo_b: dict[str, list[float]] = {}
    n_photos: dict[str, int] = {}
    owner_of = {}
    for row in frames["photos"].itertuples():
        owner_of[row.photo_id] = row.owner
        n_photos[row.owner] = n_photos.get(row.owner, 0) + 1
        if row.beauty is not None and not (
            isinstance(row.beauty, float) and math.isnan(row.beauty)
        ):
            photo_b.setdefault(row.owner, []).append(float(row.beauty))
    beauty = {u: sum(v) / len(v) for u, v in photo_b.items()}
    favs: dict[str, int] = {}
    for row in frames["favorites"].itertuples():
        o = owner_of[row.photo_id]
        if o != row.user_id:
            favs[o] = favs.get(o, 0) + 1
    nb_vals: dict[str, list[float]] = {}
    for row in frames["follows"].itertuples():
        if row.dst in beauty:
            nb_vals.setdefault(row.src, []).append(beauty[row.dst])
    nb = {u: sum(v) / len(v) for u, v in nb_vals.items()}
    return {"beauty": beauty, "neighbor_beauty": nb, "n_photos": n_photos, "favs": favs}


def test_cypher_aggregates_equal_numpy(store, tmp_path):
    frames = _random_folder(tmp_path / "data", seed=1)
    load_folder(store, tmp_path / "data")
    counts = aggregate_in_cypher(store)
    ref = _plain_python(frames)
    assert counts["users"] == 60
    assert counts["with_beauty"] == len(ref["beauty"])
    assert counts["with_neighbor_beauty"] == len(ref["neighbor_beauty"])

    data = export_network_data(store)
    # 1. against numpy on the exported arrays (the pipeline's own check)
    check = check_against_numpy(data)
    assert all(v <= 1e-9 for v in check.values()), check
    ub = user_beauty(data.photo_owner, data.photo_beauty, data.n_users)
    np.testing.assert_allclose(data.beauty, ub.beauty, atol=1e-9, rtol=0, equal_nan=True)
    nb = neighbor_beauty(data.src, data.dst, data.beauty)
    np.testing.assert_allclose(
        data.neighbor_beauty, nb.neighbor_beauty, atol=1e-9, rtol=0, equal_nan=True
    )
    # 2. against a plain-Python computation from the CSV rows
    for i, uid in enumerate(data.user_ids):
        for key, arr in (("beauty", data.beauty), ("neighbor_beauty", data.neighbor_beauty)):
            if uid in ref[key]:
                assert arr[i] == pytest.approx(ref[key][uid], abs=1e-9)
            else:
                assert math.isnan(arr[i]), (key, uid)
        assert data.n_photos[i] == ref["n_photos"].get(uid, 0)
        assert data.favs_received[i] == ref["favs"].get(uid, 0)


def test_cypher_aggregates_are_rerunnable_and_clear_stale_values(store, tmp_path):
    _random_folder(tmp_path / "data", seed=2, n_users=30)
    load_folder(store, tmp_path / "data")
    aggregate_in_cypher(store)
    first = export_network_data(store)
    # a user without photos got a stale beauty from somewhere: the rerun clears it
    silent = str(first.user_ids[-1])
    store.write_node_props("User", pd.DataFrame({"id": [silent], "beauty": [0.77]}))
    aggregate_in_cypher(store)
    second = export_network_data(store)
    np.testing.assert_array_equal(first.beauty, second.beauty)
    np.testing.assert_array_equal(first.neighbor_beauty, second.neighbor_beauty)
    assert math.isnan(second.beauty[-1])


def test_analyze_network_on_store_writes_classes_and_files(store, tmp_path):
    _random_folder(tmp_path / "data", seed=3, n_users=80)
    load_folder(store, tmp_path / "data")
    out = tmp_path / "out"
    steps = RecordingSteps()
    res = analyze_network(store, seed=5, n_null=20, gap_refs=3, steps=steps)
    names = steps.names()
    assert any("spectrum" in m for m in names) and names[-1].startswith("writing User.cluster")
    files = write_network(res, out, network_figures(res))
    assert set(files) == {p.name for p in out.iterdir()}  # every file, each once
    assert any("permutation nulls" in m for m in names)
    assert set(res.seconds) >= {"cypher", "export", "spectrum", "nulls", "classes", "write_back"}
    # random beauty on a random graph: no structure beyond beauty-shuffled data
    assert res.classes.k == 1 and res.classes.names == ["class 1"]
    users = store.export_nodes("User", ["beauty", "cluster", "cluster_name"])
    np.testing.assert_array_equal(users.ids, res.user_ids)
    has_beauty = ~np.isnan(users.props["beauty"])
    cluster = np.asarray(users.props["cluster"], dtype=float)
    assert np.isnan(cluster[~has_beauty]).all()
    np.testing.assert_array_equal(cluster[has_beauty], res.classes.labels[has_beauty])
    names = users.props["cluster_name"]
    assert all(
        names[i] == res.classes.names[res.classes.labels[i]] for i in np.flatnonzero(has_beauty)
    )
    for name in (
        "network_fig5_inequality.png",
        "network_fig6_degree.png",
        "network_fig7_spectrum.png",
        "network_gap_curve.png",
        "network_classes.png",
        "network_classes.csv",
        "network_spectrum.csv",
        "network.json",
    ):
        assert (out / name).is_file(), name
    head = json.loads((out / "network.json").read_text())
    assert head["k"] == res.classes.k
    # same seed, same numbers
    again = analyze_network(store, seed=5, n_null=20, gap_refs=3)
    assert again.headline()["clusters"] == res.headline()["clusters"]
    assert again.spectrum.null_spearman.tolist() == res.spectrum.null_spearman.tolist()


def test_analyze_network_without_beauty_is_a_user_error(store, tmp_path):
    from beautygraph.errors import UserError

    frames = _random_folder(tmp_path / "data", seed=4, n_users=20)
    frames["photos"].assign(beauty=None).to_csv(tmp_path / "data" / "photos.csv", index=False)
    load_folder(store, tmp_path / "data")
    with pytest.raises(UserError, match="no user has a beauty"):
        analyze_network(store)


def test_cli_analyze_network_json(tmp_path):
    import graphdb
    from beautygraph.cli import cli

    db = tmp_path / "cli.lbdb"
    _random_folder(tmp_path / "data", seed=6, n_users=50)
    with graphdb.connect(db) as s:
        load_folder(s, tmp_path / "data")
    runner = CliRunner()
    res = runner.invoke(
        cli,
        [
            "--db",
            str(db),
            "analyze",
            "network",
            "--out",
            str(tmp_path / "o"),
            "--json",
            "--seed",
            "3",
            "--null",
            "20",
            "--no-plots",
        ],
    )
    assert res.exit_code == 0, res.output
    out = strict_json.loads_strict(res.output)
    for name in (
        "majority_illusion",
        "double_majority",
        "spectrum",
        "spearman_indegree",
        "spearman_outdegree",
        "assortativity",
    ):
        block = out["nulls"][name]
        assert set(block) == {
            "value",
            "null_mean",
            "null_low",
            "null_high",
            "p_value",
            "permutations",
        }
        assert block["permutations"] == 20
        assert block["p_value"] is None or 1 / 21 <= block["p_value"] <= 1.0
        assert "chance" in out["findings"][name] or "not testable" in out["findings"][name]
    for key in (
        "gini_beauty",
        "gini_favorites",
        "spearman",
        "majority_illusion",
        "spectrum_spearman",
        "null_spectrum_spearman",
        "k",
        "clusters",
    ):
        assert key in out
    assert set(out["spearman"]) == {"indegree", "outdegree", "favorites", "photos"}
    assert {"above_mean_share", "local_majority_share"} <= set(out["majority_illusion"])
    assert {"name", "share", "beauty", "fav_per_photo", "followers"} <= set(out["clusters"][0])
    assert sum(c["share"] for c in out["clusters"]) == pytest.approx(1.0)
    table = runner.invoke(
        cli,
        [
            "--db",
            str(db),
            "analyze",
            "network",
            "--out",
            str(tmp_path / "o"),
            "--k",
            "4",
            "--null",
            "0",
            "--no-plots",
        ],
    )
    assert table.exit_code == 0, table.output
    assert "Gini" in table.output and "User classes (K = 4)" in table.output
