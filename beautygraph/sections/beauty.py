"""Report section ``beauty``: the demo trains the beauty CNN on the rendered photos of the
synthetic community, scores the held-out ones and compares with the planted beauty
(Beautiful and damned §4–5).

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from beautygraph.artifacts import Comparison, Figure, frame_to_html
from beautygraph.pipelines.scoring import (
    PAPER_3CLASS_ACCURACY,
    PAPER_CROWD_RHO,
    PROB_COLUMNS,
    score_store,
)
from beautygraph.report import DemoContext, Section

log = logging.getLogger(__name__)


# -- the demo's report section -------------------------------------------------------------


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


def _demo_photos(ctx: DemoContext) -> pd.DataFrame:
    """Photos with a rendered image and a known beauty (from photos.csv via the store)."""
    photos = ctx.store.export_nodes("Photo", ["path", "beauty"])
    df = pd.DataFrame(
        {"id": photos.ids, "path": photos.props["path"], "true_beauty": photos.props["beauty"]}
    )
    rendered = None
    if ctx.truth and isinstance(ctx.truth.get("images"), dict):
        rendered = set(ctx.truth["images"])
    df = df[df["path"].map(lambda p: isinstance(p, str) and p != "") & df["true_beauty"].notna()]
    if rendered is not None:
        df = df[df["id"].isin(rendered)]
    df = df[[(Path(ctx.data_dir) / p).is_file() for p in df["path"]]]
    return df.reset_index(drop=True)


def run_demo_scoring(ctx: DemoContext, cfg: DemoScoringConfig | None = None, **overrides) -> dict:
    """Train on a split of the rendered photos (labels: tertiles of their known beauty),
    score the rest into the store, compare predicted with true beauty (Spearman, Fig. 4)."""
    from scoring.evaluate import decile_table, spearman_ci
    from scoring.labels import CLASSES, quantile_buckets
    from scoring.model import LoadedModel
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
    from scoring.device import resolve_device

    on_gpu = resolve_device("auto").type == "cuda"
    full = cfg.full_epochs if cfg.full_epochs is not None else (2 if on_gpu else 0)
    epochs = cfg.epochs if cfg.epochs is not None else cfg.head_epochs + full
    rng = np.random.default_rng(ctx.seed)
    perm = rng.permutation(len(df))
    n_train = min(int(round(cfg.train_fraction * len(df))), cfg.max_train)
    tr, te = perm[:n_train], perm[n_train:]
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
    loaded = LoadedModel(res.model, res.transform, CLASSES, cfg.backbone, {})
    scored = score_store(
        ctx.store,
        model=loaded,
        device="auto",
        batch=64,
        data_dir=ctx.data_dir,
        photo_ids=test_df["id"].tolist(),
        overwrite=True,
        steps=ctx.steps,
    )
    got = ctx.store.export_nodes("Photo", ["beauty"])
    pred = pd.Series(got.props["beauty"], index=got.ids).loc[test_df["id"]].to_numpy()
    true = test_df["true_beauty"].to_numpy()
    skipped_ids = {s[0] for s in scored.skipped}
    ok = ~test_df["id"].isin(skipped_ids).to_numpy() & np.isfinite(pred)
    sp = spearman_ci(pred[ok], true[ok])
    deciles = decile_table(pred[ok], true[ok])
    test_labels = np.searchsorted(
        np.quantile(train_df["true_beauty"], [1 / 3, 2 / 3]), true[ok], side="left"
    )
    got_p = ctx.store.export_nodes("Photo", list(PROB_COLUMNS))
    probs = np.column_stack(
        [
            pd.Series(got_p.props[c], index=got_p.ids).loc[test_df["id"]].to_numpy()[ok]
            for c in PROB_COLUMNS
        ]
    )
    acc = float((probs.argmax(1) == test_labels).mean())
    return {
        "spearman": sp.rho,
        "spearman_ci": [sp.ci_low, sp.ci_high],
        "spearman_p": sp.p_value,
        "n_train": int(len(tr)),
        "n_test": int(ok.sum()),
        "n_skipped": scored.n_skipped,
        "accuracy_3class": acc,
        "paper_rho": PAPER_CROWD_RHO,
        "beats_paper": bool(sp.rho > PAPER_CROWD_RHO),
        "backbone": cfg.backbone,
        "image_size": cfg.image_size,
        "epochs": epochs,
        "head_epochs": min(cfg.head_epochs, epochs),
        "train_seconds": t_train,
        "score_images_per_s": scored.images_per_s,
        "users_with_beauty": scored.users.get("with_beauty"),
        "_deciles": deciles,
        "_history": res.to_frame(),
    }


def scoring_section(ctx: DemoContext) -> Section:
    """Report section: the beauty CNN trained on part of the rendered photos, checked on
    the rest against their known beauty (the paper's crowd check, Fig. 4)."""
    from scoring.plots import plot_deciles, plot_training

    out = run_demo_scoring(ctx)
    ctx.beauty = {k: v for k, v in out.items() if not k.startswith("_")}
    if "skipped" in out:
        return Section(
            key="beauty",
            title="Image beauty (CNN)",
            headline={"skipped": out["skipped"]},
            html=f"<p>Skipped: {out['skipped']}.</p>",
        )
    deciles, history = out.pop("_deciles"), out.pop("_history")
    figs = [
        Figure.from_matplotlib(
            plot_deciles(
                deciles,
                ylabel="mean true beauty (generator)",
                rho=out["spearman"],
                title="Mean planted beauty per predicted-beauty bin",
            ),
            "beauty_deciles",
            "Fig. 4 analogue: mean true beauty per 0.1-bin of predicted beauty (95% CI)",
        ),
        Figure.from_matplotlib(
            plot_training(history), "beauty_training", "Loss and accuracy per epoch"
        ),
    ]
    lo, hi = out["spearman_ci"]
    comps = [
        Comparison(
            "Spearman ρ, predicted vs. reference beauty",
            f"{PAPER_CROWD_RHO:.2f} (crowd, n=3000)",
            f"{out['spearman']:.2f} [{lo:.2f}, {hi:.2f}] (n={out['n_test']})",
            "beats the paper's bar" if out["beats_paper"] else "below the paper's bar",
        ),
        Comparison(
            "3-class accuracy",
            f"{PAPER_3CLASS_ACCURACY:.1%}",
            f"{out['accuracy_3class']:.1%}",
            "tertiles of the known beauty",
        ),
        Comparison(
            "mean reference score rises with predicted bin",
            "linear increase (Fig. 4)",
            "increasing" if _mostly_increasing(deciles) else "not monotone",
            "",
        ),
    ]
    html = (
        f"<p>{out['backbone']} (ImageNet weights) fine-tuned at {out['image_size']} px for "
        f"{out['epochs']} epochs ({out['head_epochs']} head-only on frozen features, the rest "
        f"end to end; end-to-end epochs run only on a GPU by default) on {out['n_train']} "
        f"rendered photos labelled by the tertiles of "
        f"their planted beauty; the other {out['n_test']} were scored into the graph "
        f"(Photo.beauty by Eq. 1, then User.beauty).</p>" + frame_to_html(deciles.to_frame())
    )
    return Section(
        key="beauty",
        title="Image beauty (CNN, §4–5)",
        headline=out,
        html=html,
        figures=figs,
        comparisons=comps,
    )


def _mostly_increasing(deciles) -> bool:
    m = deciles.mean[deciles.n >= 3]
    return len(m) >= 2 and float(np.corrcoef(np.arange(len(m)), m)[0, 1]) > 0.8
