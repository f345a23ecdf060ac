"""Scoring pipelines: train / evaluate the beauty CNN on labelled images, batch-score the
photos of the store into ``Photo.beauty, p_low, p_mid, p_high`` and ``User.beauty``
(Beautiful and damned §4–5; the demo's ``beauty`` section is :mod:`beautygraph.sections.beauty`).

Exit codes of ``score beauty``: 0 all photos scored (or already scored), 3 completed but
some images were missing or unreadable (they are listed), 2 a user error.

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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from beautygraph.artifacts import Figure
from beautygraph.errors import UserError
from beautygraph.steps import Steps, as_steps

if TYPE_CHECKING:
    from scoring.evaluate import EvalResult

#: exit status of a scoring run that finished but skipped unreadable/missing images
EXIT_SKIPPED = 3
PAPER_CROWD_RHO = 0.48  # §5, Fig. 4
PAPER_3CLASS_ACCURACY = 0.625  # §4
PAPER_AVA_BINARY_ACCURACY = 0.776  # §4
PROB_COLUMNS = ("p_low", "p_mid", "p_high")


# -- scoring the photos of the store ----------------------------------------------------


@dataclass
class ScoreStoreResult:
    """What one ``score beauty`` run did."""

    n_photos: int
    n_scored: int
    n_already: int
    n_no_path: int
    n_skipped: int
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    users: dict = field(default_factory=dict)
    seconds: float = 0.0
    device: str = "cpu"
    model: str = ""

    @property
    def exit_code(self) -> int:
        return EXIT_SKIPPED if self.n_skipped else 0

    @property
    def images_per_s(self) -> float:
        return self.n_scored / self.seconds if self.seconds > 0 else float("nan")

    def skipped_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.skipped, columns=["photo_id", "path", "reason"])

    def to_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k != "skipped"}
        out["skipped"] = [{"photo_id": a, "path": b, "reason": c} for a, b, c in self.skipped]
        out["images_per_s"] = self.images_per_s
        out["exit_code"] = self.exit_code
        return out


def _default_model_path(model_path) -> Path:
    if model_path:
        return Path(model_path)
    env = os.environ.get("BEAUTYGRAPH_MODEL")
    if env:
        return Path(env)
    raise UserError(
        "no beauty model given: pass --model model.pt (train one with `beautygraph score train`) "
        "or set BEAUTYGRAPH_MODEL"
    )


def _probs_frame(ids, probs: np.ndarray, classes) -> pd.DataFrame:
    """``id, beauty, p_low, p_mid, p_high`` (p_mid NaN for a binary model), Eq. 1."""
    from scoring.beauty import beauty_from_probs

    classes = list(classes)
    col = {
        c: probs[:, classes.index(c)] if c in classes else np.full(len(probs), np.nan)
        for c in ("low", "medium", "high")
    }
    return pd.DataFrame(
        {
            "id": np.asarray(ids, dtype=object),
            "beauty": beauty_from_probs(probs, classes),
            "p_low": col["low"],
            "p_mid": col["medium"],
            "p_high": col["high"],
        }
    )


def _folder_images(folder: Path) -> list[Path]:
    from scoring.data import IMAGE_SUFFIXES

    if not folder.is_dir():
        raise UserError(f"--folder {str(folder)!r} is not a folder")
    return sorted(
        p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
    )


def score_store(
    store,
    model_path: str | os.PathLike | None = None,
    device: str = "auto",
    batch: int = 64,
    workers: int | None = None,
    data_dir: str | os.PathLike | None = None,
    *,
    folder: str | os.PathLike | None = None,
    photo_ids=None,
    overwrite: bool = False,
    write_every: int = 1024,
    steps: Steps | None = None,
    model=None,
    update_users: bool = True,
) -> ScoreStoreResult:
    """Score photos with the beauty CNN and write ``beauty, p_low, p_mid, p_high``.

    Photos come from the store (their ``path``, relative to ``data_dir`` — the folder the
    data were loaded from, default the working directory — or absolute) or, with
    ``folder``, from the image files in that folder matched to Photo nodes by file name
    stem (``images/p17.jpg`` -> photo ``p17``).  ``photo_ids`` restricts the run.
    Photos that already have ``p_low`` are left alone unless ``overwrite``, so an
    interrupted run resumes where it stopped; results are written every ``write_every``
    images.  Missing or unreadable images are skipped and listed (exit code 3).
    Finally ``User.beauty`` is recomputed (``cypher/user_beauty.cypher``).
    """
    from scoring.data import ImageDataset, SkipLog, default_workers, make_loader
    from scoring.device import resolve_device
    from scoring.infer import iter_predictions, prepare_for_inference
    from scoring.model import load_checkpoint

    if batch < 1 or (workers is not None and workers < 0) or write_every < 1:
        raise UserError(
            f"batch={batch} and write_every={write_every} must be >= 1, workers={workers} >= 0"
        )
    t0 = time.perf_counter()
    dev = resolve_device(device)
    if workers is None:
        workers = default_workers(dev)
    if model is None:
        path = _default_model_path(model_path)
        model = load_checkpoint(path)
        model_name = str(path)
    else:
        model_name = getattr(model, "backbone", "given model")
    photos = store.export_nodes("Photo", ["path", "p_low"])
    ids = np.asarray(photos.ids, dtype=object)
    root = Path(data_dir) if data_dir is not None else Path.cwd()

    already = ~np.isnan(np.asarray(photos.props["p_low"], dtype=np.float64))
    wanted = np.ones(len(ids), dtype=bool)
    if photo_ids is not None:
        wanted = np.isin(ids, np.asarray([str(i) for i in photo_ids], dtype=object))
    if folder is not None:
        files = _folder_images(Path(folder))
        by_stem = {p.stem: str(p) for p in files}
        if files and not any(i in by_stem for i in ids):
            raise UserError(
                f"none of the {len(files)} images in {folder} is named after a Photo id"
            )
        path_of = np.array([by_stem.get(i) for i in ids], dtype=object)
    else:
        path_of = np.array(
            [
                None
                if not (isinstance(p, str) and p.strip())
                else str(Path(p))
                if Path(p).is_absolute()
                else str(root / p)
                for p in photos.props["path"]
            ],
            dtype=object,
        )
    has_path = np.array([p is not None for p in path_of], dtype=bool)
    n_no_path = 0 if folder is not None else int((wanted & ~has_path).sum())
    n_already = 0 if overwrite else int((wanted & has_path & already).sum())
    todo = wanted & has_path & (overwrite | ~already)
    sel_ids, paths = ids[todo], [str(p) for p in path_of[todo]]

    skips = SkipLog()
    n_scored = 0
    if paths:
        ds = ImageDataset(paths, None, model.transform)
        loader = make_loader(ds, batch_size=batch, workers=workers, device=dev)
        net = prepare_for_inference(model.model, dev)
        pending: list[pd.DataFrame] = []
        n_pending = 0
        with as_steps(steps)("scoring photos", total=len(paths)) as bar:
            for idx, probs in iter_predictions(net, loader, dev, skips=skips, paths=paths):
                pending.append(_probs_frame(sel_ids[idx], probs, model.classes))
                n_pending += len(idx)
                bar.advance(len(idx))
                if n_pending >= write_every:
                    frame = pd.concat(pending, ignore_index=True)
                    store.write_node_props("Photo", frame)
                    n_scored += len(frame)
                    pending, n_pending = [], 0
            if pending:
                frame = pd.concat(pending, ignore_index=True)
                store.write_node_props("Photo", frame)
                n_scored += len(frame)
        model.model.cpu()
    users = {}
    if update_users:
        rows = store.run("user_beauty")
        users = dict(rows[0]) if rows else {}
    skipped = [(str(sel_ids[i]), p, why) for i, (p, why) in skips.items.items()]
    return ScoreStoreResult(
        n_photos=len(ids),
        n_scored=n_scored,
        n_already=n_already,
        n_no_path=n_no_path,
        n_skipped=len(skipped),
        skipped=skipped,
        users=users,
        seconds=time.perf_counter() - t0,
        device=str(dev),
        model=model_name,
    )


# -- training and evaluation from labelled images ---------------------------------------


@dataclass
class TrainSummary:
    """A finished (or resumed) training run."""

    checkpoint: Path
    history: pd.DataFrame
    n_train: int
    n_val: int
    n_skipped: int
    skipped: list[str]
    classes: tuple[str, ...]
    backbone: str
    device: str
    seconds: float

    def to_dict(self) -> dict:
        return {
            "checkpoint": str(self.checkpoint),
            "n_train": self.n_train,
            "n_val": self.n_val,
            "n_skipped": self.n_skipped,
            "skipped": self.skipped,
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
        raise UserError(f"--images {str(images)!r} is not a folder")
    if not 0 <= val_fraction < 1:
        raise UserError(f"val_fraction={val_fraction} must be in [0, 1)")
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
        skipped=res.skipped.lines(),
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


@dataclass
class EvaluationReport:
    """``score evaluate``: the metrics and where the figures/tables were written."""

    result: EvalResult
    files: list[str]
    seconds: float

    def to_dict(self) -> dict:
        out = dict(self.result.headline())
        out["files"] = self.files
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
    out_dir: str | os.PathLike | None = None,
    device: str = "auto",
    batch: int = 64,
    workers: int | None = None,
    seed: int = 0,
    steps: Steps | None = None,
):
    """``score evaluate``: accuracies, Spearman ρ with CI vs. the human mean scores, the
    Fig. 4 decile table/plot and, with ``raters``, the machine-as-annotator check (§5)."""
    from scoring.data import default_workers, resolve_image_paths
    from scoring.device import resolve_device
    from scoring.evaluate import evaluate_predictions, machine_as_annotator
    from scoring.infer import predict_paths
    from scoring.labels import read_labels
    from scoring.model import load_checkpoint
    from scoring.plots import plot_deciles, plot_reliability

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
    files: list[str] = []
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        frame = ls.to_frame()
        frame["path"] = paths
        for c, name in zip(loaded.classes, preds.probs.T, strict=True):
            frame[f"p_{c}"] = name
        frame["beauty"] = preds.beauty
        frame.to_csv(out / "predictions.csv", index=False)
        files.append(str(out / "predictions.csv"))
        if result.deciles is not None:
            result.deciles.to_frame().to_csv(out / "deciles.csv", index=False)
            assert result.spearman is not None  # deciles need the scores, as does Spearman
            fig = Figure.from_matplotlib(
                plot_deciles(result.deciles, rho=result.spearman.rho), "beauty_deciles"
            )
            files += [str(out / "deciles.csv"), str(fig.save(out))]
        if result.reliability is not None:
            result.reliability.to_frame().to_csv(out / "reliability.csv", index=False)
            fig = Figure.from_matplotlib(plot_reliability(result.reliability), "reliability")
            files += [str(out / "reliability.csv"), str(fig.save(out))]
    return EvaluationReport(result=result, files=files, seconds=time.perf_counter() - t0)
