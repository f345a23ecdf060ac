"""analysis/fof.py and analysis/recsim.py on arrays: hand-worked graphs, a dense numpy
re-implementation, chunking, and the §7 metrics against hand computations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from analysis import fof, recsim

# The hand-made graph used across the recommender tests (ids sort as the index order).
#   a->b a->c a->d   b->e b->f b->a   c->e c->f c->g   d->e d->h d->c   e->a   g->b   h->i
IDS = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "x"]
EDGES = [
    ("a", "b"),
    ("a", "c"),
    ("a", "d"),
    ("b", "e"),
    ("b", "f"),
    ("b", "a"),
    ("c", "e"),
    ("c", "f"),
    ("c", "g"),
    ("d", "e"),
    ("d", "h"),
    ("d", "c"),
    ("e", "a"),
    ("g", "b"),
    ("h", "i"),
]
BEAUTY = {
    "a": 0.50,
    "b": 0.90,
    "c": 0.30,
    "d": 0.52,
    "e": 0.54,
    "f": 0.46,
    "g": 0.56,
    "h": 0.54,
    "i": 0.50,
    "x": float("nan"),
}


def graph():
    ix = {u: i for i, u in enumerate(IDS)}
    src = np.array([ix[s] for s, _ in EDGES])
    dst = np.array([ix[d] for _, d in EDGES])
    beauty = np.array([BEAUTY[u] for u in IDS])
    return src, dst, beauty


def answer(rec: fof.FofRecommendations, user: str) -> list[tuple[str, float]]:
    sel = rec.users == IDS.index(user)
    return [(IDS[c], s) for c, s in zip(rec.candidates[sel], rec.score[sel], strict=True)]


def test_cn_hand_worked():
    # candidates of a: e via b,c,d (3); f via b,c (2); g via c (1); h via d (1);
    # a itself (via b) and c (already followed, via d) are excluded; ties by id.
    src, dst, _ = graph()
    rec = fof.recommend(src, dst, len(IDS), "cn", users=[0], k=10)
    assert answer(rec, "a") == [("e", 3.0), ("f", 2.0), ("g", 1.0), ("h", 1.0)]
    assert rec.rank.tolist() == [1, 2, 3, 4]
    assert rec.n_common.tolist() == [3, 2, 1, 1]
    top2 = fof.recommend(src, dst, len(IDS), "cn", users=[0], k=2)
    assert answer(top2, "a") == [("e", 3.0), ("f", 2.0)]


def test_aa_hand_worked():
    # total degrees: b = 3 out + 2 in = 5, c = 3 + 2 = 5, d = 3 + 1 = 4
    src, dst, _ = graph()
    rec = fof.recommend(src, dst, len(IDS), "aa", users=[0], k=10)
    expected = {
        "e": 2 / math.log(5) + 1 / math.log(4),
        "f": 2 / math.log(5),
        "h": 1 / math.log(4),
        "g": 1 / math.log(5),
    }
    got = answer(rec, "a")
    assert [c for c, _ in got] == ["e", "f", "h", "g"]  # h (1/ln 4) beats g (1/ln 5)
    for c, s in got:
        assert s == pytest.approx(expected[c], abs=1e-9)


def test_bb_hand_worked_window_and_ties():
    # window of a: [0.45, 0.55]; e and h tie at 0.54 (by id: e, h), then f 0.46;
    # g (0.56) is outside, d (0.52) is followed, i (0.50) is at distance 3.
    src, dst, beauty = graph()
    rec = fof.recommend(src, dst, len(IDS), "bb", users=[0], k=10, beauty=beauty, tolerance=0.1)
    assert answer(rec, "a") == [("e", 0.54), ("h", 0.54), ("f", 0.46)]
    wide = fof.recommend(src, dst, len(IDS), "bb", users=[0], k=10, beauty=beauty, tolerance=0.2)
    assert [c for c, _ in answer(wide, "a")] == ["g", "e", "h", "f"]


def test_user_without_beauty_gets_no_bb_and_candidates_without_beauty_are_skipped():
    src, dst, beauty = graph()
    beauty = beauty.copy()
    beauty[IDS.index("e")] = np.nan
    rec = fof.recommend(src, dst, len(IDS), "bb", beauty=beauty, k=10)
    assert IDS.index("e") not in rec.candidates
    assert IDS.index("x") not in rec.users


def dense_reference(src, dst, n, method, k, tolerance, beauty):
    """Independent dense re-implementation of the three recommenders."""
    a = np.zeros((n, n), dtype=np.int64)
    for s, d in zip(src, dst, strict=True):
        if s != d:
            a[s, d] = 1
    common = a @ a
    deg = a.sum(0) + a.sum(1)
    w = np.array([1 / math.log(x) if x >= 2 else 0.0 for x in deg])
    aa = a @ np.diag(w) @ a
    out = {}
    for u in range(n):
        cands = []
        for v in range(n):
            if v == u or a[u, v] or common[u, v] == 0:
                continue
            if method == "bb":
                bu, bv = beauty[u], beauty[v]
                if not (bv >= bu * (1 - tolerance) and bv <= bu * (1 + tolerance)):
                    continue
                score = bv
            elif method == "cn":
                score = float(common[u, v])
            else:
                score = round(aa[u, v], 9)
            cands.append((-score, v))
        cands.sort()
        out[u] = [(v, -s) for s, v in cands[:k]]
    return out


@pytest.mark.parametrize("method", ["cn", "bb", "aa"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_dense_reference_on_random_graphs(method, seed):
    rng = np.random.default_rng(seed)
    n, m = 40, 220
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)  # duplicates and self-loops too
    beauty = rng.choice([0.3, 0.4, 0.45, 0.5, 0.55, 0.6], n)  # many ties
    rec = fof.recommend(src, dst, n, method, k=4, tolerance=0.15, beauty=beauty)
    ref = dense_reference(src, dst, n, method, 4, 0.15, beauty)
    for u in range(n):
        sel = rec.users == u
        got = list(zip(rec.candidates[sel].tolist(), rec.score[sel].tolist(), strict=True))
        assert [v for v, _ in got] == [v for v, _ in ref[u]], (method, u)
        assert np.allclose([s for _, s in got], [s for _, s in ref[u]], atol=1e-9)


@pytest.mark.parametrize("method", ["cn", "bb", "aa"])
def test_chunking_does_not_change_the_answer(method):
    rng = np.random.default_rng(7)
    n, m = 300, 2500
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    beauty = rng.uniform(0.2, 0.8, n)
    whole = fof.recommend(src, dst, n, method, k=5, beauty=beauty)
    seen = []
    tiny = fof.recommend(
        src, dst, n, method, k=5, beauty=beauty, max_paths=50, on_chunk=seen.append
    )
    assert len(seen) > 10 and sum(seen) == n
    for field in ("users", "candidates", "rank", "score", "n_common"):
        assert np.array_equal(getattr(whole, field), getattr(tiny, field))


def test_user_subset_equals_rows_of_the_full_answer():
    rng = np.random.default_rng(3)
    n, m = 100, 600
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    full = fof.recommend(src, dst, n, "cn", k=3).to_frame()
    users = np.array([5, 17, 17, 80])
    part = fof.recommend(src, dst, n, "cn", k=3, users=users).to_frame()
    expected = full[full.user.isin(users)].reset_index(drop=True)
    assert part.equals(expected)


def test_candidate_mask_and_empty_inputs():
    src, dst, beauty = graph()
    mask = np.ones(len(IDS), dtype=bool)
    mask[IDS.index("e")] = False
    rec = fof.recommend(src, dst, len(IDS), "cn", users=[0], candidate_mask=mask)
    assert answer(rec, "a")[0] == ("f", 2.0)
    empty = fof.recommend(np.array([], int), np.array([], int), 3, "cn")
    assert len(empty) == 0 and empty.to_frame().empty
    none = fof.recommend(src, dst, len(IDS), "cn", users=[])
    assert len(none) == 0


def test_bad_input_is_refused_with_the_value():
    src, dst, beauty = graph()
    with pytest.raises(ValueError, match="method='zz'"):
        fof.recommend(src, dst, len(IDS), "zz")
    with pytest.raises(ValueError, match="k=0"):
        fof.recommend(src, dst, len(IDS), "cn", k=0)
    with pytest.raises(ValueError, match="tolerance=-0.1"):
        fof.recommend(src, dst, len(IDS), "bb", beauty=beauty, tolerance=-0.1)
    with pytest.raises(ValueError, match="beauty"):
        fof.recommend(src, dst, len(IDS), "bb")
    with pytest.raises(ValueError, match="dst index 12"):
        fof.recommend(np.array([0]), np.array([12]), 10, "cn")
    with pytest.raises(ValueError, match="user index 99"):
        fof.recommend(src, dst, len(IDS), "cn", users=[99])


# -- the §7 metrics --------------------------------------------------------------------


def test_wilson_and_mean_ci_against_formulas():
    e = recsim.wilson_ci(3, 10)
    # Wilson interval for 3/10 at 95 %: (0.1078, 0.6032)
    assert e.value == 0.3 and e.ci_low == pytest.approx(0.1078, abs=1e-4)
    assert e.ci_high == pytest.approx(0.6032, abs=1e-4)
    m = recsim.mean_ci(np.array([1.0, 2.0, 3.0, 4.0]))
    half = 1.959963984540054 * np.std([1, 2, 3, 4], ddof=1) / 2
    assert m.value == 2.5 and m.ci_low == pytest.approx(2.5 - half)
    assert math.isnan(recsim.mean_ci(np.array([])).value)


def test_simulation_metrics_on_hand_made_graph():
    # recipients u0, u1; u0 -> z -> {s (superstar), f (forlorn)}, u1 -> z2 -> {s, f, r}
    # extra paths make s the CN pick: u0 -> y -> s, u1 -> y -> s
    ids = ["f", "r", "s", "u0", "u1", "y", "z", "z2"]
    ix = {u: i for i, u in enumerate(ids)}
    edges = [
        ("u0", "z"),
        ("z", "s"),
        ("z", "f"),
        ("u1", "z2"),
        ("z2", "s"),
        ("z2", "f"),
        ("z2", "r"),
        ("u0", "y"),
        ("u1", "y"),
        ("y", "s"),
    ]
    src = np.array([ix[a] for a, _ in edges])
    dst = np.array([ix[b] for _, b in edges])
    beauty = np.full(len(ids), np.nan)
    beauty[[ix["f"], ix["r"], ix["s"], ix["u0"], ix["u1"]]] = [0.62, 0.50, 0.80, 0.60, 0.48]
    favs = np.zeros(len(ids))
    favs[[ix["f"], ix["r"], ix["s"]]] = [2, 10, 100]
    forlorn = np.zeros(len(ids), dtype=bool)
    forlorn[ix["f"]] = True
    sample = recsim.sample_users(recsim.eligible_users(beauty)[:], None, seed=0)
    # eligible: f, r, s, u0, u1 — only u0 and u1 have candidates (f, r, s follow nobody)
    res = recsim.simulate(src, dst, len(ids), beauty, favs, forlorn, sample, n_boot=50)
    cn, bb = res.metrics["cn"], res.metrics["bb"]
    # CN: u0 -> s (2 common), u1 -> s (2 common)
    assert cn.n_recs == 2 and cn.b_recs.value == pytest.approx(0.80)
    assert cn.b_ratio.value == pytest.approx((0.60 / 0.80 + 0.48 / 0.80) / 2)
    assert cn.fav_recs.value == 100 and cn.p_forlorn.value == 0.0
    # BB: u0 (0.60, window [0.54, 0.66]) -> f 0.62; u1 (0.48, [0.432, 0.528]) -> r 0.50
    assert bb.n_recs == 2 and bb.b_recs.value == pytest.approx((0.62 + 0.50) / 2)
    assert bb.b_ratio.value == pytest.approx((0.60 / 0.62 + 0.48 / 0.50) / 2)
    assert bb.fav_recs.value == 6 and bb.p_forlorn.value == 0.5
    comp = res.comparisons
    assert comp["popularity_ratio_cn_bb"].value == pytest.approx(100 / 6)
    assert math.isinf(comp["forlorn_gain_bb_vs_cn"].value)  # CN reached no forlorn user
    expected_imb = abs(1 - cn.b_ratio.value) - abs(1 - bb.b_ratio.value)
    assert comp["imbalance_increase_cn"].value == pytest.approx(expected_imb)
    frame = res.to_frame()
    assert set(frame.method) == {"cn", "bb", "aa"} and len(frame) == 12
    assert set(res.to_dict()["bb"]) == {"n_recs", "b_recs", "b_ratio", "fav_recs", "p_forlorn"}


def test_sampling_is_seeded_and_simulation_rejects_ineligible_users():
    eligible = np.r_[np.ones(50, bool), np.zeros(50, bool)]
    a = recsim.sample_users(eligible, 10, seed=4)
    assert np.array_equal(a, recsim.sample_users(eligible, 10, seed=4))
    assert not np.array_equal(a, recsim.sample_users(eligible, 10, seed=5))
    assert (a < 50).all() and len(np.unique(a)) == 10
    src, dst, beauty = graph()
    with pytest.raises(ValueError, match="no positive beauty"):
        recsim.simulate(
            src,
            dst,
            len(IDS),
            beauty,
            np.zeros(len(IDS)),
            np.zeros(len(IDS), bool),
            np.array([IDS.index("x")]),
        )


def test_planted_effect_bb_reaches_forlorn_users_cn_reaches_stars():
    """Synthetic community: a few well-connected, beautiful 'superstars' followed by many
    hubs, and many 'forlorn' photographers of similar beauty that few follow.  CN must pick
    far more popular accounts, BB far more forlorn ones (the direction of §7's findings)."""
    rng = np.random.default_rng(11)
    n_star, n_forlorn, n_reg = 20, 300, 680
    n = n_star + n_forlorn + n_reg
    star = np.arange(n_star)
    forl = np.arange(n_star, n_star + n_forlorn)
    reg = np.arange(n_star + n_forlorn, n)
    beauty = np.empty(n)
    beauty[star] = rng.uniform(0.7, 0.9, n_star)
    beauty[forl] = rng.uniform(0.4, 0.9, n_forlorn)
    beauty[reg] = rng.uniform(0.2, 0.6, n_reg)
    edges = []
    for u in range(n):
        for v in rng.choice(star, 5, replace=False):  # everyone follows stars
            edges.append((u, v))
        for v in rng.choice(reg, 5, replace=False):
            edges.append((u, v))
        if u in set(reg.tolist()) and rng.random() < 0.5:  # regulars follow a few forlorn
            edges.append((u, int(rng.choice(forl))))
    for s in star:  # stars follow each other
        for v in rng.choice(star, 5, replace=False):
            edges.append((s, v))
    src, dst = np.array(edges).T
    favs = np.zeros(n)
    favs[star] = 1000
    favs[forl] = 2
    favs[reg] = 20
    forlorn = np.zeros(n, bool)
    forlorn[forl] = True
    sample = recsim.sample_users(recsim.eligible_users(beauty), 400, seed=1)
    res = recsim.simulate(src, dst, n, beauty, favs, forlorn, sample, n_boot=100, seed=1)
    cn, bb = res.metrics["cn"], res.metrics["bb"]
    assert cn.fav_recs.value > 5 * bb.fav_recs.value
    assert bb.p_forlorn.ci_low > cn.p_forlorn.ci_high
    assert abs(1 - bb.b_ratio.value) < abs(1 - cn.b_ratio.value)
    assert res.comparisons["popularity_ratio_cn_bb"].ci_low > 1
