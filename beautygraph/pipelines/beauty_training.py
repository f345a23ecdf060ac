"""Training and evaluating the beauty CNN on labelled images (``score train``,
``score evaluate``): Beautiful and damned [1] §4 (fine-tuning an ImageNet CNN on AVA,
three classes or the binary AVA task) and §5 (Spearman ρ against human scores, Fig. 4
deciles, the machine-as-annotator check).

Labels come from a CSV (``image, label`` or ``image, score``; ``photo_id, rating`` or vote
counts) or from AVA's ``AVA.txt`` rows (:func:`scoring.labels.read_labels`).

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from beautygraph.errors import UserError, raise_invalid
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from scoring.evaluate import EvalResult

# -- training and evaluation from labelled images ---------------------------------------


@dataclass(frozen=True)
class TrainSummary:
    """A finished (or resumed) training run: the checkpoint written, the per-epoch history
    (:meth:`scoring.train.TrainResult.to_frame`), the images trained on, held out and
    skipped (unreadable, as ``path: reason`` lines), the classes, backbone and device."""

    checkpoint: Path
    history: pd.DataFrame
    n_train: int
    n_val: int
    n_skipped: int
    skipped: tuple[str, ...]
    classes: tuple[str, ...]
    backbone: str
    device: str
    seconds: float

    def to_json(self) -> dict[str, Any]:
        """The ``score train --json`` object (the history as one record per epoch)."""
        return {
            "checkpoint": str(self.checkpoint),
            "n_train": self.n_train,
            "n_val": self.n_val,
            "n_skipped": self.n_skipped,
            "skipped": list(self.skipped),
            "classes": list(self.classes),
            "backbone": self.backbone,
            "device": self.device,
            "seconds": self.seconds,
            "history": self.history.to_dict(orient="records"),
        }


def _split(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n)
    k = int(round(n * fraction)) if n >= 10 else 0
    return np.sort(perm[k:]), np.sort(perm[:k])


def train_from_labels(
    images: str | os.PathLike,
    labels: str | os.PathLike,
    out: str | os.PathLike,
    *,
    binary: bool = False,
    backbone: str = "efficientnet_lite0",
    weights: str | None = "DEFAULT",
    epochs: int = 6,
    head_epochs: int = 2,
    batch: int = 32,
    lr: float = 1e-3,
    image_size: int = 224,
    device: str = "auto",
    seed: int = 0,
    workers: int | None = None,
    val_fraction: float = 0.1,
    resume: str | os.PathLike | None = None,
    deterministic: bool = False,
    steps: Steps | None = None,
) -> TrainSummary:
    """``score train``: labels from a CSV or AVA.txt, images under ``images``; a seeded
    ``val_fraction`` is held out for per-epoch validation metrics."""
    from scoring.data import default_workers, resolve_image_paths
    from scoring.device import resolve_device
    from scoring.labels import read_labels
    from scoring.train import TrainConfig, train

    t0 = time.perf_counter()
    if workers is None:
        workers = default_workers(resolve_device(device))
    if not Path(images).is_dir():
        raise_invalid("", "images", str(images), "is not a folder")
    if not 0 <= val_fraction < 1:
        raise_invalid("", "val_fraction", val_fraction, "must be in [0, 1)")
    ls = read_labels(labels, binary=binary)
    paths = np.array(resolve_image_paths(ls.image_ids, images), dtype=object)
    tr, va = _split(len(ls), val_fraction, seed)
    cfg = TrainConfig(
        out=str(out),
        backbone=backbone,
        weights=weights,
        classes=ls.classes,
        image_size=image_size,
        epochs=epochs,
        head_epochs=min(head_epochs, epochs),
        batch=batch,
        lr=lr,
        device=device,
        seed=seed,
        workers=workers,
        resume=str(resume) if resume else None,
        deterministic=deterministic,
    )
    res = train(
        cfg,
        list(paths[tr]),
        ls.labels[tr],
        list(paths[va]),
        ls.labels[va],
        steps=steps,
    )

    return TrainSummary(
        checkpoint=res.checkpoint,
        history=res.to_frame(),
        n_train=len(tr),
        n_val=len(va),
        n_skipped=len(res.skipped),
        skipped=tuple(res.skipped.lines()),
        classes=ls.classes,
        backbone=backbone,
        device=str(resolve_device(device)),
        seconds=time.perf_counter() - t0,
    )


def read_raters(path: str | os.PathLike) -> pd.DataFrame:
    """Per-rater labels: CSV with an image column (image/image_id/photo_id), a rater column
    (rater/rater_id/worker) and an integer grade column (score/grade/rating)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"rater file not found: {path}")
    df = pd.read_csv(path, dtype=str)
    lower = {c.lower().strip(): c for c in df.columns}

    def pick(options, what):
        for o in options:
            if o in lower:
                return lower[o]
        raise UserError(
            f"{path}: need a {what} column (one of {', '.join(options)}); got {list(df.columns)}"
        )

    img = pick(("image", "image_id", "photo_id", "id"), "image")
    rater = pick(("rater", "rater_id", "worker", "worker_id", "annotator"), "rater")
    grade = pick(("score", "grade", "rating", "judgment"), "grade")
    g = pd.to_numeric(df[grade], errors="coerce")
    bad = np.flatnonzero(g.isna().to_numpy() | (g.to_numpy() != np.round(g.to_numpy())))
    if bad.size:
        raise UserError(
            f"{path}:{bad[0] + 2}: {grade} must be an integer grade; got {df[grade].iloc[bad[0]]!r}"
        )
    return pd.DataFrame(
        {
            "image_id": df[img].astype(str).str.strip(),
            "rater": df[rater].astype(str),
            "grade": g.astype(int),
        }
    )


@dataclass(frozen=True)
class EvaluationReport:
    """``score evaluate``: the metrics and the per-image predictions; ``files``: what was
    written from them (:func:`beautygraph.outputs.beauty.write_evaluation`), set with
    :meth:`with_files`."""

    result: EvalResult
    #: the labels plus ``path``, ``p_<class>`` and ``beauty`` per image
    predictions: pd.DataFrame
    seconds: float
    files: tuple[str, ...] = ()

    def with_files(self, files: Sequence[str | os.PathLike]) -> EvaluationReport:
        """The same report, naming the files written from it."""
        return replace(self, files=tuple(str(f) for f in files))

    def to_json(self) -> dict[str, Any]:
        """The ``score evaluate --json`` object: the metrics' headline, ``files``,
        ``seconds`` and, with human scores, the Fig. 4 ``deciles``."""
        out = dict(self.result.headline())
        out["files"] = list(self.files)
        out["seconds"] = self.seconds
        if self.result.deciles is not None:
            out["deciles"] = self.result.deciles.to_frame().to_dict(orient="records")
        return out


def evaluate_from_labels(
    model_path: str | os.PathLike,
    images: str | os.PathLike,
    labels: str | os.PathLike,
    *,
    raters: str | os.PathLike | None = None,
    device: str = "auto",
    batch: int = 64,
    workers: int | None = None,
    seed: int = 0,
    steps: Steps | None = None,
) -> EvaluationReport:
    """``score evaluate``: accuracies, Spearman ρ with CI vs. the human mean scores, the
    Fig. 4 decile table/plot and, with ``raters``, the machine-as-annotator check (§5)."""
    from scoring.data import default_workers, resolve_image_paths
    from scoring.device import resolve_device
    from scoring.evaluate import evaluate_predictions, machine_as_annotator
    from scoring.infer import predict_paths
    from scoring.labels import read_labels
    from scoring.model import load_checkpoint

    t0 = time.perf_counter()
    loaded = load_checkpoint(model_path)
    ls = read_labels(labels, binary=tuple(loaded.classes) == ("low", "high"))
    paths = resolve_image_paths(ls.image_ids, images)
    dev = resolve_device(device)
    if workers is None:
        workers = default_workers(dev)
    with as_steps(steps)("evaluating", total=len(paths)) as bar:
        preds = predict_paths(
            loaded.model,
            paths,
            loaded.transform,
            loaded.classes,
            dev,
            batch_size=batch,
            workers=workers,
            step=bar,
        )
    scores = ls.scores if np.isfinite(ls.scores).sum() >= 4 else None
    result = evaluate_predictions(preds.probs, ls.labels, loaded.classes, scores)
    if raters is not None:
        rt = read_raters(raters)
        result.reliability = machine_as_annotator(
            rt["image_id"], rt["rater"], rt["grade"], ls.image_ids, preds.beauty, seed=seed
        )
    frame = ls.to_frame()
    frame["path"] = paths
    for c, probs in zip(loaded.classes, preds.probs.T, strict=True):
        frame[f"p_{c}"] = probs
    frame["beauty"] = preds.beauty
    return EvaluationReport(result=result, predictions=frame, seconds=time.perf_counter() - t0)
