"""The demo's beauty scoring and its checks (the report section
:mod:`beautygraph.sections.beauty` presents them).

0. **NIMA scores the store** (:func:`score_rendered_photos`): every rendered photo gets
   NIMA's aesthetic beauty (the default model, Eq. 1 of its vote distribution) in
   ``Photo.beauty`` and BRISQUE's technical quality beside it in ``Photo.quality``; each is
   compared with the generator's planted beauty (Spearman ρ; chance 0).

1. **The synthetic check** (the demo CNN).  The generator renders each photo from one of
   about twenty ``skimage.data`` source pictures and degrades it according to its planted
   beauty.  The CNN of Beautiful and damned [1] (§4) is fine-tuned on the photos of some
   source pictures (labels: tertiles of their planted beauty) and scored on the photos of
   the *other* pictures — no source picture is on both sides (:func:`split_by_picture`),
   so the model cannot score a photo by recognising its picture.  Measured: Spearman ρ
   between predicted and planted beauty on the held-out pictures.  It is a check against
   the generator's own degradations, **not comparable** with the paper's ρ = 0.48 against
   crowd votes on real Flickr photos (§5, Fig. 4).
2. **The real-photo checks** (:mod:`scoring.realphoto`, :mod:`scoring.flatimages`): the
   colour photos of scikit-image and their blurred, noisy, JPEG-compressed and
   under-exposed copies, and flat or empty pictures beside real photos, scored by NIMA,
   BRISQUE and the demo CNN.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from beautygraph.pipelines.scoring import ScoreStoreResult, score_store
from kernel.steps import Steps

if TYPE_CHECKING:
    from graphdb.base import Store
    from scoring.evaluate import DecileTable
    from scoring.flatimages import FlatImageCheck
    from scoring.realphoto import RealPhotoCheck
    from scoring.scorer import CnnScorer
    from scoring.train import TrainResult

#: what the synthetic check measures, as its headline says
SYNTHETIC_CHECK = "synthetic: planted beauty of photos of held-out source pictures"


@dataclass(frozen=True)
class DemoScoringConfig:
    """CPU-friendly settings of the synthetic check (a few minutes on 2 cores); vary one
    with :func:`dataclasses.replace`."""

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


#: the settings ``beautygraph demo`` runs with
DEMO_SCORING = DemoScoringConfig()


@dataclass(frozen=True)
class DemoScoringSkipped:
    """The synthetic check did not run: too few rendered photos with a known beauty."""

    reason: str

    def headline(self) -> dict[str, Any]:
        return {"skipped": self.reason}


@dataclass(frozen=True)
class DemoScoringResult:
    """The synthetic check: the CNN trained on the photos of ``n_pictures_train`` source
    pictures, scored on those of the other ``n_pictures_test`` (``n_test`` photos scored,
    ``n_skipped`` unreadable) into ``Photo.beauty_source = source``."""

    split: str
    n_pictures_train: int
    n_pictures_test: int
    spearman: float
    spearman_ci: tuple[float, float]
    spearman_p: float
    n_train: int
    n_test: int
    n_skipped: int
    #: share of test photos in the tertile of planted beauty the CNN's classes give
    accuracy_3class: float | None
    source: str
    backbone: str
    image_size: int
    epochs: int
    head_epochs: int
    train_seconds: float
    score_images_per_s: float | None
    #: mean planted beauty per 0.1-bin of predicted beauty (Fig. 4)
    deciles: DecileTable = field(repr=False, compare=False)
    #: loss and accuracy per epoch
    history: pd.DataFrame = field(repr=False, compare=False)
    scorer: CnnScorer = field(repr=False, compare=False)
    #: the photos of the held-out pictures (the CNN's test set)
    test_ids: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def headline(self) -> dict[str, Any]:
        """The figures of ``demo --json`` (the model, the table and the history left out)."""
        return {
            "check": SYNTHETIC_CHECK,
            "split": self.split,
            "n_pictures_train": self.n_pictures_train,
            "n_pictures_test": self.n_pictures_test,
            "spearman": self.spearman,
            "spearman_ci": list(self.spearman_ci),
            "spearman_p": self.spearman_p,
            "n_train": self.n_train,
            "n_test": self.n_test,
            "n_skipped": self.n_skipped,
            "accuracy_3class": self.accuracy_3class,
            "source": self.source,
            "backbone": self.backbone,
            "image_size": self.image_size,
            "epochs": self.epochs,
            "head_epochs": self.head_epochs,
            "train_seconds": self.train_seconds,
            "score_images_per_s": self.score_images_per_s,
        }


@dataclass(frozen=True)
class StoreScoring:
    """One built-in model run over the store's rendered photos (:func:`score_rendered_photos`)
    and its agreement with the planted beauty: Spearman ρ over all scored photos and over
    the photos of the pictures the demo CNN was not trained on (the CNN's test set)."""

    model: str
    source: str
    kind: str
    n_scored: int
    images_per_s: float | None
    spearman: float
    spearman_ci: tuple[float, float]
    spearman_held_out: float
    n_held_out: int

    def headline(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "source": self.source,
            "kind": self.kind,
            "n_scored": self.n_scored,
            "images_per_s": self.images_per_s,
            "spearman_vs_planted": self.spearman,
            "spearman_vs_planted_ci": list(self.spearman_ci),
            "spearman_vs_planted_held_out": self.spearman_held_out,
            "n_held_out": self.n_held_out,
        }


@dataclass(frozen=True)
class DemoBeautyChecks:
    """Every check: the synthetic one, the store scored by NIMA and BRISQUE, and the
    real-photo and flat-picture checks by model name."""

    synthetic: DemoScoringResult
    real_photo: dict[str, RealPhotoCheck] = field(repr=False)
    store_scoring: dict[str, StoreScoring] = field(default_factory=dict)
    flat: dict[str, FlatImageCheck] = field(default_factory=dict, repr=False)

    def headline(self) -> dict[str, Any]:
        return {
            **self.synthetic.headline(),
            "store_scoring": {k: v.headline() for k, v in self.store_scoring.items()},
            "real_photo_check": {k: v.headline() for k, v in self.real_photo.items()},
            "flat_picture_check": {k: v.headline() for k, v in self.flat.items()},
        }


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


def demo_photos(store: Store, data_dir: Path, truth: dict[str, Any] | None) -> pd.DataFrame:
    """Photos with a rendered image and a known beauty, with their source picture (from
    the generator's ``truth["images"]``; None when unknown)."""
    photos = store.export_nodes("Photo", ["path", "beauty"])
    df = pd.DataFrame(
        {"id": photos.ids, "path": photos.props["path"], "true_beauty": photos.props["beauty"]}
    )
    images = (truth or {}).get("images") if isinstance(truth, dict) else None
    df = df[df["path"].map(lambda p: isinstance(p, str) and p != "") & df["true_beauty"].notna()]
    if isinstance(images, dict):
        df = df[df["id"].isin(set(images))]
        df["picture"] = df["id"].map(lambda i: (images.get(i) or {}).get("source"))
    else:
        df["picture"] = None
    df = df[[(Path(data_dir) / p).is_file() for p in df["path"]]]
    return df.reset_index(drop=True)


def _epochs(cfg: DemoScoringConfig) -> tuple[int, int]:
    """``(epochs, head_epochs)``: end-to-end epochs by default only on a GPU."""
    from scoring.device import resolve_device

    on_gpu = resolve_device("auto").type == "cuda"
    full = cfg.full_epochs if cfg.full_epochs is not None else (2 if on_gpu else 0)
    epochs = cfg.epochs if cfg.epochs is not None else cfg.head_epochs + full
    return epochs, min(cfg.head_epochs, epochs)


def _train(
    train_df: pd.DataFrame,
    cfg: DemoScoringConfig,
    epochs: tuple[int, int],
    data_dir: Path,
    out_dir: Path,
    seed: int,
    steps: Steps | None,
) -> TrainResult:
    """Fine-tune the CNN on ``train_df``, labelled by the tertiles of its planted beauty."""
    from scoring.labels import CLASSES, quantile_buckets
    from scoring.train import TrainConfig, train

    labels = quantile_buckets(train_df["true_beauty"].to_numpy())
    paths = [str(Path(data_dir) / p) for p in train_df["path"]]
    tcfg = TrainConfig(
        out=str(Path(out_dir) / "beauty_model.pt"),
        backbone=cfg.backbone,
        weights=cfg.weights,
        classes=CLASSES,
        image_size=cfg.image_size,
        epochs=epochs[0],
        head_epochs=epochs[1],
        batch=cfg.batch,
        lr=cfg.lr,
        device="auto",
        seed=seed,
    )
    return train(tcfg, paths, labels, steps=steps)


def run_demo_scoring(
    store: Store,
    data_dir: Path,
    out_dir: Path,
    *,
    seed: int,
    truth: dict[str, Any] | None = None,
    cfg: DemoScoringConfig = DEMO_SCORING,
    steps: Steps | None = None,
) -> DemoScoringResult | DemoScoringSkipped:
    """Train on the photos of some source pictures, score the photos of the others into
    the store (``Photo.beauty_source = cnn:<checkpoint id>``; ``User.beauty`` is left
    as it was), and compare predicted with planted beauty (Spearman ρ, Fig. 4 deciles).
    The model is written to ``out_dir/beauty_model.pt``."""
    from scoring.labels import CLASSES
    from scoring.model import LoadedModel
    from scoring.scorer import CnnScorer, checkpoint_id

    t0 = time.perf_counter()
    df = demo_photos(store, data_dir, truth)
    if len(df) < cfg.min_images:
        return DemoScoringSkipped(
            f"only {len(df)} rendered photos with a known beauty (need {cfg.min_images}); "
            "`beautygraph generate --images` renders them"
        )
    epochs = _epochs(cfg)
    tr, te = split_by_picture(df["picture"], cfg.train_fraction, seed, cfg.max_train)
    train_df, test_df = df.iloc[tr], df.iloc[te]
    res = _train(train_df, cfg, epochs, data_dir, out_dir, seed, steps)
    t_train = time.perf_counter() - t0
    scorer = CnnScorer(
        LoadedModel(res.model, res.transform, CLASSES, cfg.backbone, {}),
        checkpoint_id(res.checkpoint),
    )
    scored = score_store(
        store,
        scorer=scorer,
        device="auto",
        batch=64,
        data_dir=data_dir,
        photo_ids=test_df["id"].tolist(),
        overwrite=True,
        update_users=False,
        steps=steps,
    )
    return _evaluate(
        store,
        scorer,
        scored,
        train_df,
        test_df,
        res.to_frame(),
        cfg,
        epochs,
        t_train,
        by_picture=bool(df["picture"].notna().all()),
    )


def _evaluate(
    store: Store,
    scorer: CnnScorer,
    scored: ScoreStoreResult,
    train_df: pd.DataFrame,
    test_df: pd.DataFrame,
    history: pd.DataFrame,
    cfg: DemoScoringConfig,
    epochs: tuple[int, int],
    train_seconds: float,
    *,
    by_picture: bool,
) -> DemoScoringResult:
    """Compare the beauty the store now holds for the test photos with their planted one."""
    from scoring.evaluate import decile_table, spearman_ci

    got = store.export_nodes("Photo", ["beauty", "beauty_source", "p_low", "p_mid", "p_high"])
    table = pd.DataFrame({"id": got.ids, **got.props}).set_index("id").loc[test_df["id"]]
    ok = (table["beauty_source"] == scorer.source).to_numpy()
    pred = table["beauty"].to_numpy()[ok]
    true = test_df["true_beauty"].to_numpy()[ok]
    sp = spearman_ci(pred, true)
    cuts = np.quantile(train_df["true_beauty"], [1 / 3, 2 / 3])
    test_labels = np.searchsorted(cuts, true, side="left")
    probs = table[["p_low", "p_mid", "p_high"]].to_numpy()[ok]
    return DemoScoringResult(
        split="by source picture" if by_picture else "random (source pictures unknown)",
        n_pictures_train=int(train_df["picture"].nunique()),
        n_pictures_test=int(test_df["picture"].nunique()),
        spearman=sp.rho,
        spearman_ci=(sp.ci_low, sp.ci_high),
        spearman_p=sp.p_value,
        n_train=len(train_df),
        n_test=int(ok.sum()),
        n_skipped=scored.n_skipped,
        accuracy_3class=float((probs.argmax(1) == test_labels).mean()) if ok.any() else None,
        source=scorer.source,
        backbone=cfg.backbone,
        image_size=cfg.image_size,
        epochs=epochs[0],
        head_epochs=epochs[1],
        train_seconds=train_seconds,
        score_images_per_s=scored.images_per_s,
        deciles=decile_table(pred, true),
        history=history,
        scorer=scorer,
        test_ids=tuple(str(i) for i in test_df["id"]),
    )


def _builtin_scorers(cnn_scorer=None, cnn_name: str = "demo CNN") -> dict:
    from scoring.brisque import BrisqueScorer
    from scoring.nima import NimaScorer

    models: dict = {"nima": NimaScorer(), "brisque": BrisqueScorer()}
    if cnn_scorer is not None:
        models[cnn_name] = cnn_scorer
    return models


def real_photo_checks(cnn_scorer=None, cnn_name: str = "demo CNN") -> dict[str, RealPhotoCheck]:
    """The real-photo check for NIMA, BRISQUE and, when given, a CNN scorer (each judged
    by the target of its kind)."""
    from scoring.realphoto import run_real_photo_check

    models = _builtin_scorers(cnn_scorer, cnn_name)
    return run_real_photo_check(
        {name: _scoring_fn(s) for name, s in models.items()},
        kinds={name: s.kind for name, s in models.items()},
    )


def flat_picture_checks(cnn_scorer=None, cnn_name: str = "demo CNN") -> dict[str, FlatImageCheck]:
    """The flat-picture check (:mod:`scoring.flatimages`) for the same models."""
    from scoring.flatimages import run_flat_image_check

    models = _builtin_scorers(cnn_scorer, cnn_name)
    return run_flat_image_check({name: _scoring_fn(s) for name, s in models.items()})


def score_rendered_photos(
    store: Store,
    data_dir: Path,
    photos: pd.DataFrame,
    held_out: Sequence[str],
    steps: Steps | None = None,
) -> dict[str, StoreScoring]:
    """Score every photo of ``photos`` (:func:`demo_photos`) with NIMA into the aesthetic
    slot (replacing the planted ``input`` beauty and the demo CNN's scores of those photos)
    and with BRISQUE into the technical slot; compare each with the planted beauty.
    ``User.beauty`` keeps the source the analyses used."""
    from scoring.evaluate import spearman_ci

    truth = photos.set_index("id")["true_beauty"]
    out = {}
    for name in ("nima", "brisque"):
        run = score_store(
            store,
            name,
            device="auto",
            data_dir=data_dir,
            photo_ids=photos["id"].tolist(),
            overwrite=True,
            update_users=False,
            keep_scores=True,
            steps=steps,
        )
        assert run.scores is not None
        got = run.scores.set_index("photo_id")["beauty"]
        common = got.index.intersection(truth.index)
        sp = spearman_ci(got.loc[common].to_numpy(), truth.loc[common].to_numpy())
        test = common.intersection(pd.Index(list(held_out)))
        sp_test = spearman_ci(got.loc[test].to_numpy(), truth.loc[test].to_numpy())
        out[name] = StoreScoring(
            model=run.model,
            source=run.source,
            kind="aesthetic" if name == "nima" else "technical",
            n_scored=run.n_scored,
            images_per_s=run.images_per_s,
            spearman=sp.rho,
            spearman_ci=(sp.ci_low, sp.ci_high),
            spearman_held_out=sp_test.rho,
            n_held_out=len(test),
        )
    return out


def _scoring_fn(scorer):
    """``PIL images -> beauty array`` for one scorer."""
    from scoring.scorer import score_images

    return lambda images: score_images(scorer, images)


def run_demo_beauty_checks(
    store: Store,
    data_dir: Path,
    out_dir: Path,
    *,
    seed: int,
    truth: dict[str, Any] | None = None,
    cfg: DemoScoringConfig = DEMO_SCORING,
    steps: Steps | None = None,
) -> DemoBeautyChecks | DemoScoringSkipped:
    """The synthetic check (:func:`run_demo_scoring`), NIMA and BRISQUE over the rendered
    photos (:func:`score_rendered_photos`), then the real-photo and flat-picture checks of
    NIMA, BRISQUE and the CNN it trained."""
    photos = demo_photos(store, data_dir, truth)
    synthetic = run_demo_scoring(
        store, data_dir, out_dir, seed=seed, truth=truth, cfg=cfg, steps=steps
    )
    if isinstance(synthetic, DemoScoringSkipped):
        return synthetic
    held_out = synthetic.test_ids
    scored = score_rendered_photos(store, data_dir, photos, held_out, steps)
    return DemoBeautyChecks(
        synthetic,
        real_photo_checks(synthetic.scorer),
        store_scoring=scored,
        flat=flat_picture_checks(synthetic.scorer),
    )
