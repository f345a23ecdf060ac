"""Generator: pictures chosen by the topic's recognised domain (issue 9), tail accounts as
ALF's FP1 trap (issue 7, §4.3.3) and small communities (regression: IndexError in
``graph._uniform_in_segments`` at n_users 40-60)."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from beautygraph.generate import GeneratorConfig, generate
from beautygraph.generate.config import RolesParams
from beautygraph.generate.graph import _uniform_in_segments, _weighted_in_segments
from beautygraph.generate.images import (
    degradation_params,
    fitting_variants,
    image_domains,
    load_source,
    pick_picture,
    render,
)
from beautygraph.generate.vocab import TOPICS
from kernel.vocabulary import BABELNET_DOMAINS


def test_picture_data_file_is_consistent() -> None:
    """Every listed variant: a real skimage source, a box inside it, an ImageNet label whose
    lexicon domain is the recorded one (no CNN needed for this check)."""
    from scoring.lexicon import default_lexicon

    data = image_domains()
    lex = default_lexicon()
    assert data["model"] == "efficientnet_lite0" and data["variants"]
    for v in data["variants"]:
        h, w = load_source(v["source"]).shape[:2]
        y0, x0, side = v["box"]
        assert 0 <= y0 and 0 <= x0 and y0 + side <= h and x0 + side <= w and side >= 64
        assert v["domain"] in BABELNET_DOMAINS
        assert lex.domain_of_imagenet_class(v["label"]) == v["domain"]
        assert min(v["domain_agreement"][:3]) >= 0.5  # usable: mild degradations keep it
    # agreement falls with badness (measured by scripts/build_image_domains.py)
    agree = data["agreement_by_badness"]["usable"]["domain"]
    assert agree[0] >= 0.9 and agree[-1] < agree[0]


def test_pick_picture_fits_the_topic_domain() -> None:
    rng = np.random.default_rng(0)
    fitting = fitting_variants()
    n_fit = 0
    for t, spec in enumerate(TOPICS):
        source, variant, rec = pick_picture(t, rng)
        assert rec["topic"] == spec.id and rec["topic_domain"] == spec.domain
        if spec.domain in fitting:
            n_fit += 1
            assert rec["fits_domain"] and rec["expected_domain"] == spec.domain
            assert source in fitting[spec.domain] and variant is not None
        else:
            assert not rec["fits_domain"] and variant is None and rec["expected_domain"] is None
    assert n_fit >= 25  # the popular domains (animals, food, sport, transport, art …) fit
    source, variant, rec = pick_picture(-1, rng)  # photos without a topic: generic
    assert not rec["fits_domain"] and variant is None and rec["topic"] is None


def test_generated_pictures_record_their_fit(tmp_path) -> None:
    truth = generate(
        GeneratorConfig(n_users=120, seed=2, weeks=3, images=True, image_sample=25), tmp_path
    )
    photos = pd.read_csv(tmp_path / "photos.csv", keep_default_na=False)
    assert len(truth["images"]) == min(25, len(photos))
    fitting = fitting_variants()
    for rec in truth["images"].values():
        fits = rec["topic_domain"] in fitting
        assert rec["fits_domain"] == fits
        if fits:
            assert rec["expected_domain"] == rec["topic_domain"]
            assert rec["source"] in fitting[rec["topic_domain"]]
    meta = truth["params"]["images"]
    assert meta["rendered"] == len(truth["images"])
    assert meta["fits_domain"] == sum(r["fits_domain"] for r in truth["images"].values())
    assert json.loads((tmp_path / "truth.json").read_text())["params"]["images"] == meta


@pytest.mark.slow
def test_fitting_pictures_are_recognised_under_mild_degradation() -> None:
    """The real EfficientNet-Lite0 labels mildly degraded renders (badness 0.2) of fitting
    variants into their recorded domain (interest-profiling §3)."""
    from scoring.labelling import load_classifier
    from scoring.lexicon import default_lexicon

    clf = load_classifier("efficientnet_lite0")
    lex = default_lexicon()
    variants = image_domains()["variants"]
    pick = [variants[i] for i in np.linspace(0, len(variants) - 1, 12).astype(int)]
    ims = []
    for k, v in enumerate(pick):
        rng = np.random.default_rng(k)
        jpeg = render(
            load_source(v["source"]), degradation_params(0.8 - 0.8 * 0.2, rng), 160, rng, v
        )
        ims.append(Image.open(io.BytesIO(jpeg)).convert("RGB"))
    top = clf.predict_proba(ims).argmax(dim=1).tolist()
    hits = [lex.domain_of_imagenet_class(c) == v["domain"] for c, v in zip(top, pick, strict=True)]
    assert sum(hits) >= 10, list(
        zip([v["label"] for v in pick], [clf.categories[c] for c in top], strict=True)
    )


def test_tail_accounts_have_few_topical_followers(tmp_path) -> None:
    """Default tail accounts: 2-3 followers, all interested in the topic (ALF FP1: low wzf)."""
    truth = generate(
        GeneratorConfig(n_users=1500, seed=5, weeks=3, influence=False, churn=False), tmp_path
    )
    assert truth["params"]["tail_accounts"]["followers"] == [2, 3]
    assert tuple(truth["params"]["config"]["roles"]["tail_followers"]) == (2, 3)
    follows = pd.read_csv(tmp_path / "follows.csv")
    n_tails = 0
    for topic, accounts in truth["tail_accounts"].items():
        for a in accounts:
            fol = follows.loc[follows["dst"] == a, "src"]
            assert 2 <= len(fol) <= 3, (a, len(fol))
            assert all(topic in truth["interests"][u] for u in fol)
            n_tails += 1
    assert n_tails > 0


def test_tail_followers_validated() -> None:
    with pytest.raises(ValueError, match="tail_followers"):
        GeneratorConfig(roles=RolesParams(tail_followers=(3, 2))).validate()


def test_small_communities_generate(tmp_path) -> None:
    """Regression: n_users 20-200 (an IndexError in _uniform_in_segments was reported at
    40-60): every size generates, planted authorities only on topics that have some."""
    for n in (20, 21, 27, 33, 40, 44, 47, 50, 53, 57, 60, 75, 99, 140, 200):
        for seed in (0, 1):
            truth = generate(
                GeneratorConfig(n_users=n, seed=seed, weeks=2), tmp_path / f"{n}_{seed}"
            )
            assert truth["params"]["counts"]["users"] == n
            follows = pd.read_csv(tmp_path / f"{n}_{seed}" / "follows.csv")
            assert (follows["src"] != follows["dst"]).all()


def test_segment_sampling_refuses_empty_segments() -> None:
    rng = np.random.default_rng(0)
    ptr = np.array([0, 2, 2, 5])
    items = np.array([10, 11, 20, 21, 22])
    got = _uniform_in_segments(ptr, items, np.array([0, 2, 2, 0]), rng)
    assert set(got[:1]) <= {10, 11} and set(got[1:3]) <= {20, 21, 22}
    w = _weighted_in_segments(
        ptr, items, np.array([1.0, 0.0, 1.0, 1.0, 1.0]), np.array([0] * 20), rng
    )
    assert (w == 10).all()
    with pytest.raises(ValueError, match="empty"):
        _uniform_in_segments(ptr, items, np.array([0, 1]), rng)
    with pytest.raises(ValueError, match="empty"):
        _weighted_in_segments(ptr, items, np.ones(5), np.array([3]), rng)
