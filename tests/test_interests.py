"""Interest profiles from tags and pictures: F1, Table 1, cleaning (analysis/interest_profiles.py).

F1 values are worked out by hand from the paper's formula
``F1(A, B) = 2 |A ∩ B| / (|A| + |B|)`` (interest-profiling §3).
"""

from __future__ import annotations

import numpy as np
import pytest

from analysis.interest_profiles import (
    PAPER_N,
    PAPER_TABLE1,
    clean_tags,
    compare_profiles,
    domain_counts,
    expected_random_f1,
    f1_scores,
    match_distribution,
    profile_sets,
    random_profiles,
    split_tags,
)
from kernel.vocabulary import BABELNET_DOMAINS
from scoring.lexicon import default_lexicon

M = len(BABELNET_DOMAINS)


def _sets(*index_lists, m=M):
    out = np.zeros((len(index_lists), m), dtype=bool)
    for i, idx in enumerate(index_lists):
        out[i, list(idx)] = True
    return out


# -- F1 on hand-made sets -------------------------------------------------------------------


def test_f1_hand_computed():
    A = _sets({0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}, {0, 1, 2, 3, 4}, {5, 6}, {7}, set(), {1, 2})
    B = _sets(
        {0, 1, 2, 3, 4}, {0, 1, 9, 10, 11}, {20, 21, 22, 23, 24}, {5}, set(), set(), {2, 3, 4}
    )
    # 2*5/10, 2*2/10, 0, 2*1/3, 2*0/1, both empty -> 0, 2*1/5
    expected = [1.0, 0.4, 0.0, 2 / 3, 0.0, 0.0, 0.4]
    np.testing.assert_allclose(f1_scores(A, B), expected)
    # |A ∩ B| = 5, 2, 0, 1, 0, 0, 1
    np.testing.assert_array_equal(match_distribution(A, B, k=5), [3, 2, 1, 0, 0, 1])


def test_f1_shape_mismatch():
    with pytest.raises(ValueError, match="shapes differ"):
        f1_scores(np.zeros((2, 3), bool), np.zeros((3, 3), bool))


def test_profile_sets_top_k_and_ties():
    counts = np.array(
        [
            [5, 1, 3, 3, 0, 2, 4],  # top-3: 0 (5), 6 (4), then tie 2/3 (3) -> 2 (first listed)
            [0, 0, 0, 0, 0, 0, 0],  # nothing observed -> empty
            [0, 1, 0, 0, 0, 0, 0],  # one domain -> |A| = 1 < k
        ]
    )
    S = profile_sets(counts, k=3)
    assert [list(np.flatnonzero(r)) for r in S] == [[0, 2, 6], [], [1]]
    with pytest.raises(ValueError, match="k=0"):
        profile_sets(counts, k=0)


def test_random_profiles_sizes_and_seed():
    sizes = np.array([0, 1, 5, 34])
    R = random_profiles(sizes, M, seed=3)
    assert R.sum(axis=1).tolist() == [0, 1, 5, 34]
    np.testing.assert_array_equal(R, random_profiles(sizes, M, seed=3))
    assert not np.array_equal(
        random_profiles(np.full(50, 5), M, 1), random_profiles(np.full(50, 5), M, 2)
    )
    with pytest.raises(ValueError, match="sizes"):
        random_profiles(np.array([35]), M)


def test_random_baseline_matches_expectation():
    """The seeded baseline agrees with E F1 = 2|A||B| / (m (|A| + |B|)) on many users."""
    rng = np.random.default_rng(0)
    n = 4000
    A = random_profiles(np.full(n, 5), M, rng)
    R = random_profiles(np.full(n, 5), M, seed=1)
    expected = expected_random_f1(np.full(n, 5), np.full(n, 5), M)  # = 5/34
    assert expected == pytest.approx(5 / 34)
    assert f1_scores(A, R).mean() == pytest.approx(expected, abs=0.01)


def test_compare_profiles_table_and_baselines():
    # 4 users over 6 domains; user 3 has no tags (no ground truth)
    tags = np.array(
        [[3, 2, 1, 0, 0, 0], [0, 0, 0, 4, 1, 0], [1, 0, 0, 0, 0, 5], [0, 0, 0, 0, 0, 0]]
    )
    imgs = np.array(
        [[2, 0, 1, 0, 0, 7], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1], [1, 0, 0, 0, 0, 0]]
    )
    doms = [f"d{j}" for j in range(6)]
    c = compare_profiles(tags, imgs, doms, k=2, seed=0)
    # A: {0,1}, {3,4}, {5,0}; B: {5,0}, {}, {5}
    assert c.user_index.tolist() == [0, 1, 2]
    np.testing.assert_allclose(c.f1, [0.5, 0.0, 2 / 3])
    assert c.table.counts.tolist() == [1, 2, 0]  # |A ∩ B| = 1, 0, 1
    assert c.table.mean_matches == pytest.approx(2 / 3)
    assert c.mean_f1 == pytest.approx((0.5 + 0 + 2 / 3) / 3)
    assert (c.n_without_tags, c.n_without_images) == (1, 1)
    h = c.headline()
    assert set(h) >= {"mean_f1", "random_baseline_f1", "match_distribution"}
    frame = c.to_frame()
    assert list(frame["n"]) == [1, 2, 0] and frame["n/N"].sum() == pytest.approx(1)
    users = c.users_frame(["u0", "u1", "u2", "u3"])
    assert users["user"].tolist() == ["u0", "u1", "u2"]
    assert users.loc[2, "image_domains"] == "d5"
    # popularity baseline: the |B_i| most frequent tag domains (d0 in 2 profiles first)
    assert c.popular.counts.sum() == 3
    with pytest.raises(ValueError, match="k=7"):
        compare_profiles(tags, imgs, doms, k=7)


def test_paper_table1_is_consistent():
    """Table 1 as transcribed: n sums to N = 300 and the means follow from n."""
    for name, row in PAPER_TABLE1.items():
        n = np.array(row["n"])
        assert n.sum() == PAPER_N, name
        assert (n * np.arange(6)).sum() / PAPER_N == pytest.approx(row["mean_matches"], abs=0.006)
        # with |A| = |B| = 5 for all users, F1 = 2|A ∩ B| / 10
        assert (n * np.arange(6) / 5).sum() / PAPER_N == pytest.approx(row["mean_f1"], abs=2e-4)


# -- cleaning -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lex():
    return default_lexicon()


@pytest.mark.parametrize(
    "tag,reason",
    [
        ("the", "stopword"),
        ("photooftheday", "stopword"),
        ("Nikon", "camera"),
        ("iphone", "camera"),
        ("d750", "camera"),
        ("x100", "camera"),
        ("eos5d", "number"),
        ("2024", "number"),
        ("35mm", "number"),
        ("bokeh", "technical"),
        ("#HDR", "technical"),
        ("blackandwhite", "technical"),
        ("red", "colour"),
        ("Turquoise", "colour"),
        ("beautifull", "misspelt"),
        ("newyork", "misspelt"),
        ("", "empty"),
    ],
)
def test_clean_tags_drops(lex, tag, reason):
    kept, why = clean_tags([tag], lex, return_reasons=True)
    assert kept == [] and why == {tag: reason}


def test_clean_tags_keeps_lemmas_in_order(lex):
    tags = ["Dogs", "#puppy", "New York", "nikon", "Paris", "sunsets", "red", "geese"]
    assert clean_tags(tags, lex) == ["dog", "puppy", "new_york", "paris", "sunset", "goose"]


def test_split_tags():
    assert split_tags("dog; cat;;#beach ") == ["dog", "cat", "#beach"]
    assert split_tags(None) == [] and split_tags(float("nan")) == []
    assert split_tags(["a", " ", "b"]) == ["a", "b"]


def test_domain_counts(lex):
    owner = np.array([0, 0, 1, 1])
    words = [["dog", "cat"], ["coffee"], ["dog"], []]
    c = domain_counts(owner, words, 2, BABELNET_DOMAINS, lexicon=lex)
    a, f = BABELNET_DOMAINS.index("Animals"), BABELNET_DOMAINS.index("Food and drink")
    assert c[0, a] == 2 and c[0, f] == 1 and c[1, a] == 1 and c.sum() == 4
    c2 = domain_counts(
        owner,
        words,
        2,
        BABELNET_DOMAINS,
        word_domains={"dog": ["Animals", "Farming"], "cat": [], "coffee": []},
    )
    assert c2.sum() == 4 and c2[:, BABELNET_DOMAINS.index("Farming")].tolist() == [1, 1]
    with pytest.raises(ValueError, match="owner index 5"):
        domain_counts(np.array([5]), [["dog"]], 2, BABELNET_DOMAINS, lexicon=lex)
    with pytest.raises(ValueError, match="entries"):
        domain_counts(np.array([0]), [], 2, BABELNET_DOMAINS, lexicon=lex)


def test_plots_render():
    from analysis.plots.interests import plot_domain_frequencies, plot_match_distribution

    tags = np.array([[3, 2, 1, 0], [0, 1, 0, 4]])
    imgs = np.array([[1, 0, 1, 0], [0, 0, 0, 2]])
    c = compare_profiles(tags, imgs, ["a", "b", "c", "d"], k=2)
    for fig in (plot_match_distribution(c, PAPER_TABLE1), plot_domain_frequencies(c)):
        assert fig.axes
