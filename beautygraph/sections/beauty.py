"""Report section ``beauty``: two checks of the beauty models, each labelled for what it is.

1. **The synthetic check** (the demo CNN).  The generator renders each photo from one of
   about twenty ``skimage.data`` source pictures and degrades it according to its planted
   beauty.  The CNN of Beautiful and damned [1] (§4) is
   fine-tuned on the photos of some source pictures (labels: tertiles of their planted
   beauty) and scored on the photos of the *other* pictures — no source picture is on both
   sides (:func:`split_by_picture`), so the model cannot score a photo by recognising its
   picture.  Reported: Spearman ρ between predicted and planted beauty on the held-out
   pictures.  It is a check against the generator's own degradations, **not comparable**
   with the paper's ρ = 0.48 against crowd votes on real Flickr photos (§5, Fig. 4).
2. **The real-photo check** (:mod:`scoring.realphoto`): the colour photos of scikit-image
   and their blurred, noisy, JPEG-compressed and under-exposed copies, scored by the
   built-in BRISQUE (technical quality, trained on the LIVE database's human quality
   scores) and by the demo CNN: the share of degraded copies scored below their original
   and the mean Spearman between degradation level and score.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from beautygraph.artifacts import Comparison, Figure, frame_to_html
from beautygraph.pipelines.scoring import PAPER_3CLASS_ACCURACY, PAPER_CROWD_RHO, score_store
from beautygraph.report import DemoContext, Section

NOT_COMPARABLE = (
    "not comparable: the paper's figure is against human votes on real photos; this one "
    "against the generator's planted beauty on synthetic degradations"
)


@dataclass
class DemoScoringConfig:
    """CPU-friendly settings of the demo step (a few minutes on 2 cores)."""

    backbone: str = "efficientnet_lite0"
    weights: str | None = "DEFAULT"
    image_size: int = 96
    head_epochs: int = 8  # on cached features: one backbone pass, then cheap epochs
    full_epochs: int | None = None  # None: 0 on the CPU (minutes each), 2 on a GPU
    epochs: int | None = None  # head_epochs + full_epochs when None
    batch: int = 32
    lr: float = 2e-3
    train_fraction: float = 0.6
    max_train: int = 600
    min_images: int = 30


def split_by_picture(
    pictures, train_fraction: float, seed: int, max_train: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train, test)`` of photos such that no source picture is on both sides.

    The distinct pictures are shuffled (seeded) and given to the training side until it
    holds ``train_fraction`` of the photos (at most ``max_train``); at least one picture
    stays on each side.  A photo whose picture is unknown (``None``) is its own group.

    >>> tr, te = split_by_picture(["a", "a", "b", "b", "c", "c"], 0.5, seed=0)
    >>> sorted(set(np.array(list("aabbcc"))[tr]) & set(np.array(list("aabbcc"))[te]))
    []
    """
    if not 0 < train_fraction < 1:
        raise ValueError(f"train_fraction={train_fraction} must lie in (0, 1)")
    keys = np.array(
        [p if isinstance(p, str) and p else f"\0photo{i}" for i, p in enumerate(pictures)],
        dtype=object,
    )
    groups = np.array(sorted(set(keys)), dtype=object)
    if len(groups) < 2:
        raise ValueError(f"need photos of at least 2 source pictures; got {len(groups)}")
    rng = np.random.default_rng(seed)
    order = groups[rng.permutation(len(groups))]
    size = pd.Series(keys).value_counts()
    goal = int(round(train_fraction * len(keys)))
    if max_train is not None:
        goal = min(goal, max_train)
    chosen: list[str] = []
    n = 0
    for g in order:
        if len(chosen) == len(groups) - 1:  # at least one picture stays in the test set
            break
        if not chosen or n + int(size[g]) <= goal:
            chosen.append(g)
            n += int(size[g])
    is_train = np.isin(keys, np.array(chosen, dtype=object))
    return np.flatnonzero(is_train), np.flatnonzero(~is_train)


def _demo_photos(ctx: DemoContext) -> pd.DataFrame:
    """Photos with a rendered image and a known beauty, with their source picture."""
    photos = ctx.store.export_nodes("Photo", ["path", "beauty"])
    df = pd.DataFrame(
        {"id": photos.ids, "path": photos.props["path"], "true_beauty": photos.props["beauty"]}
    )
    images = (ctx.truth or {}).get("images") if isinstance(ctx.truth, dict) else None
    df = df[df["path"].map(lambda p: isinstance(p, str) and p != "") & df["true_beauty"].notna()]
    if isinstance(images, dict):
        df = df[df["id"].isin(set(images))]
        df["picture"] = df["id"].map(lambda i: (images.get(i) or {}).get("source"))
    else:
        df["picture"] = None
    df = df[[(Path(ctx.data_dir) / p).is_file() for p in df["path"]]]
    return df.reset_index(drop=True)


def run_demo_scoring(ctx: DemoContext, cfg: DemoScoringConfig | None = None, **overrides) -> dict:
    """Train on the photos of some source pictures, score the photos of the others into
    the store (``Photo.beauty_source = cnn:<checkpoint id>``; ``User.beauty`` is left
    as it was), and compare predicted with planted beauty (Spearman ρ, Fig. 4 deciles)."""
    from scoring.device import resolve_device
    from scoring.evaluate import decile_table, spearman_ci
    from scoring.labels import CLASSES, quantile_buckets
    from scoring.model import LoadedModel
    from scoring.scorer import CnnScorer, checkpoint_id
    from scoring.train import TrainConfig, train

    cfg = cfg or DemoScoringConfig()
    for key, value in overrides.items():
        setattr(cfg, key, value)
    t0 = time.perf_counter()
    df = _demo_photos(ctx)
    if len(df) < cfg.min_images:
        return {
            "skipped": f"only {len(df)} rendered photos with a known beauty (need {cfg.min_images}); "
            "generate with --images"
        }
    on_gpu = resolve_device("auto").type == "cuda"
    full = cfg.full_epochs if cfg.full_epochs is not None else (2 if on_gpu else 0)
    epochs = cfg.epochs if cfg.epochs is not None else cfg.head_epochs + full
    by_picture = bool(df["picture"].notna().all())
    tr, te = split_by_picture(df["picture"], cfg.train_fraction, ctx.seed, cfg.max_train)
    train_df, test_df = df.iloc[tr], df.iloc[te]
    labels = quantile_buckets(train_df["true_beauty"].to_numpy())
    paths = [str(Path(ctx.data_dir) / p) for p in train_df["path"]]
    tcfg = TrainConfig(
        out=str(Path(ctx.out_dir) / "beauty_model.pt"),
        backbone=cfg.backbone,
        weights=cfg.weights,
        classes=CLASSES,
        image_size=cfg.image_size,
        epochs=epochs,
        head_epochs=min(cfg.head_epochs, epochs),
        batch=cfg.batch,
        lr=cfg.lr,
        device="auto",
        seed=ctx.seed,
    )
    res = train(tcfg, paths, labels, steps=ctx.steps)
    t_train = time.perf_counter() - t0
    scorer = CnnScorer(
        LoadedModel(res.model, res.transform, CLASSES, cfg.backbone, {}),
        checkpoint_id(res.checkpoint),
    )
    scored = score_store(
        ctx.store,
        scorer=scorer,
        device="auto",
        batch=64,
        data_dir=ctx.data_dir,
        photo_ids=test_df["id"].tolist(),
        overwrite=True,
        update_users=False,
        steps=ctx.steps,
    )
    got = ctx.store.export_nodes("Photo", ["beauty", "beauty_source", "p_low", "p_mid", "p_high"])
    table = pd.DataFrame({"id": got.ids, **got.props}).set_index("id").loc[test_df["id"]]
    ok = (table["beauty_source"] == scorer.source).to_numpy()
    pred = table["beauty"].to_numpy()[ok]
    true = test_df["true_beauty"].to_numpy()[ok]
    sp = spearman_ci(pred, true)
    cuts = np.quantile(train_df["true_beauty"], [1 / 3, 2 / 3])
    test_labels = np.searchsorted(cuts, true, side="left")
    probs = table[["p_low", "p_mid", "p_high"]].to_numpy()[ok]
    return {
        "check": "synthetic: planted beauty of photos of held-out source pictures",
        "split": "by source picture" if by_picture else "random (source pictures unknown)",
        "n_pictures_train": int(train_df["picture"].nunique()),
        "n_pictures_test": int(test_df["picture"].nunique()),
        "spearman": sp.rho,
        "spearman_ci": [sp.ci_low, sp.ci_high],
        "spearman_p": sp.p_value,
        "n_train": len(train_df),
        "n_test": int(ok.sum()),
        "n_skipped": scored.n_skipped,
        "accuracy_3class": float((probs.argmax(1) == test_labels).mean()) if ok.any() else None,
        "source": scorer.source,
        "backbone": cfg.backbone,
        "image_size": cfg.image_size,
        "epochs": epochs,
        "head_epochs": min(cfg.head_epochs, epochs),
        "train_seconds": t_train,
        "score_images_per_s": scored.images_per_s,
        "_deciles": decile_table(pred, true),
        "_history": res.to_frame(),
        "_scorer": scorer,
    }


def real_photo_checks(cnn_scorer=None, cnn_name: str = "demo CNN") -> dict:
    """The real-photo check for BRISQUE and, when given, a CNN scorer."""
    from scoring.brisque import BrisqueScorer
    from scoring.realphoto import run_real_photo_check

    models: dict = {"brisque": BrisqueScorer()}
    if cnn_scorer is not None:
        models[cnn_name] = cnn_scorer
    return run_real_photo_check({name: _scoring_fn(s) for name, s in models.items()})


def _scoring_fn(scorer):
    """``PIL images -> beauty array`` for one scorer."""
    from scoring.scorer import score_images

    return lambda images: score_images(scorer, images)


def _real_photo_html(checks) -> str:
    from scoring.realphoto import TARGET_SHARE_BELOW, TARGET_SPEARMAN

    rows = []
    for name, chk in checks.items():
        for _, r in chk.by_kind.iterrows():
            rows.append(
                {
                    "model": name,
                    "degradation": r["kind"],
                    "below original": f"{r['share_below']:.0%}",
                    "mean Spearman(level, score)": f"{r['mean_spearman']:.2f}",
                }
            )
        rows.append(
            {
                "model": name,
                "degradation": "all four",
                "below original": f"{chk.share_below:.1%}",
                "mean Spearman(level, score)": f"{chk.mean_spearman:.2f}",
            }
        )
    return (
        "<h3>Real-photo check (technical quality)</h3><p>The colour photographs of "
        "scikit-image at 512 px and copies degraded at five increasing levels of Gaussian "
        "blur, noise, JPEG compression and under-exposure.  Chance (scores unrelated to the "
        "images) gives about 50 % below the original and a mean Spearman of 0; the target "
        f"for BRISQUE is at least {TARGET_SHARE_BELOW:.0%} and at most {TARGET_SPEARMAN}.  "
        "BRISQUE measures technical quality (it was trained on human quality scores of "
        "blurred, noisy and compressed images), not aesthetics.</p>"
        + frame_to_html(pd.DataFrame(rows))
    )


def scoring_section(ctx: DemoContext) -> Section:
    """Report section: the synthetic check of the demo CNN and the real-photo check of
    BRISQUE and the demo CNN."""
    from scoring.plots import plot_deciles, plot_real_photo_check, plot_training

    out = run_demo_scoring(ctx)
    if "skipped" in out:
        ctx.beauty = dict(out)
        return Section(
            key="beauty",
            title="Image beauty (CNN)",
            headline={"skipped": out["skipped"]},
            html=f"<p>Skipped: {out['skipped']}.</p>",
        )
    deciles, history, scorer = out.pop("_deciles"), out.pop("_history"), out.pop("_scorer")
    checks = real_photo_checks(scorer)
    out["real_photo_check"] = {k: v.headline() for k, v in checks.items()}
    ctx.beauty = dict(out)
    figs = [
        Figure.from_matplotlib(
            plot_deciles(
                deciles,
                ylabel="mean planted beauty (generator)",
                rho=out["spearman"],
                title="Synthetic check: held-out source pictures",
            ),
            "beauty_deciles",
            "Synthetic check: mean planted beauty per 0.1-bin of predicted beauty (95% CI), "
            "photos of source pictures the CNN was not trained on",
        ),
        Figure.from_matplotlib(
            plot_training(history), "beauty_training", "Loss and accuracy per epoch"
        ),
    ]
    if checks:
        figs.append(
            Figure.from_matplotlib(
                plot_real_photo_check(checks),
                "beauty_real_photos",
                "Real-photo check: mean score (range over photos) per degradation level",
            )
        )
    lo, hi = out["spearman_ci"]
    comps = [
        Comparison(
            "synthetic check: Spearman ρ, predicted vs. planted beauty, held-out pictures",
            f"{PAPER_CROWD_RHO:.2f} (crowd votes, real photos, n=3000)",
            f"{out['spearman']:.2f} [{lo:.2f}, {hi:.2f}] (n={out['n_test']}, "
            f"{out['n_pictures_test']} pictures)",
            NOT_COMPARABLE,
            "no: synthetic degradations of held-out pictures, not crowd votes on real photos",
        ),
        Comparison(
            "synthetic check: 3-class accuracy (tertiles of planted beauty)",
            f"{PAPER_3CLASS_ACCURACY:.1%} (AVA)",
            "n/a" if out["accuracy_3class"] is None else f"{out['accuracy_3class']:.1%}",
            NOT_COMPARABLE + "; chance is 33 %",
            "no: tertiles of planted beauty on synthetic pictures, not AVA's classes",
        ),
    ]
    for name, chk in checks.items():
        comps.append(
            Comparison(
                f"real-photo check, {name}: degraded copies below their original",
                "— (no paper figure)",
                f"{chk.share_below:.1%}; mean Spearman {chk.mean_spearman:.2f}",
                "chance ≈ 50 % and 0; target for BRISQUE ≥ 95 % and ≤ −0.8"
                + (" (met)" if chk.meets_target else " (not met)"),
                "no paper figure: a check of the scorer on real photos",
            )
        )
    html = (
        "<h3>Synthetic check (demo CNN)</h3>"
        f"<p>{out['backbone']} (ImageNet weights) fine-tuned at {out['image_size']} px for "
        f"{out['epochs']} epochs ({out['head_epochs']} head-only on frozen features; "
        f"end-to-end epochs run only on a GPU by default) on {out['n_train']} rendered photos "
        f"of {out['n_pictures_train']} source pictures, labelled by the tertiles of their "
        f"planted beauty; the {out['n_test']} photos of the other {out['n_pictures_test']} "
        f"pictures (split: {out['split']}) were scored into the graph as "
        f"<code>Photo.beauty_source = {out['source']}</code> (User.beauty keeps its source). "
        "This is a <b>synthetic check</b> against the generator's own degradations, not the "
        f"paper's crowd check (ρ = {PAPER_CROWD_RHO} against human votes), and the two "
        "figures are not comparable.</p>"
        + frame_to_html(deciles.to_frame())
        + (_real_photo_html(checks) if checks else "")
    )
    return Section(
        key="beauty",
        title="Image beauty: synthetic check (CNN, §4–5) and real-photo check",
        headline=out,
        html=html,
        figures=figs,
        comparisons=comps,
    )
