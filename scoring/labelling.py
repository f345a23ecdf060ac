"""Top-1 ImageNet labels for photos (Interest profiling from pictures §3).

"All networks were modified to return a name of one object which is, with the biggest
probability, included in the picture. Some classes have more than one name for the object
assigned. In that case, we use only the first of them."  The classifier comes from
:func:`scoring.backbones.build_imagenet_classifier` (AlexNet, VGG16/19, GoogLeNet,
ResNet50 from torchvision when their weights are available, or the offline
EfficientNet-Lite0); its class names are torchvision's, which are already the first name
of each ImageNet synset.

Images are decoded by DataLoader workers (:mod:`scoring.data`); missing or unreadable
files are skipped and listed, never fatal.

References
----------
.. [1] "Interest profiling from pictures" (the paper text prints no title line; cited
   by this name).  Authors, venue and year are not stated in the paper text; it cites
   work up to 2016.  A user's interests from the ImageNet CNN labels of their pictures,
   generalised to BabelNet domains (http://babelnet.org) and scored by F1 against the
   domains of the photos' tags: 60,000 Flickr images of 300 users, AlexNet, VGG16,
   VGG19, GoogleNet, ResNet-50.  URL given in the paper (its online demo):
   http://interestprofile.ml
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from kernel.steps import Step
from scoring.backbones import ImageNetClassifier, build_imagenet_classifier
from scoring.data import ImageDataset, SkipLog, make_loader
from scoring.device import resolve_device
from scoring.infer import iter_predictions, prepare_for_inference

__all__ = ["LabelResult", "label_images", "load_classifier"]


@dataclass
class LabelResult:
    """Top-1 labels of a list of images.

    ``class_index[i]`` is -1 and ``label[i]`` None where image ``i`` was skipped
    (``skipped`` lists path and reason); ``prob`` is the top-1 softmax probability.
    """

    paths: list[str]
    class_index: np.ndarray
    label: list[str | None]
    prob: np.ndarray
    skipped: SkipLog
    model: str
    seconds: float

    @property
    def ok(self) -> np.ndarray:
        return self.class_index >= 0

    @property
    def n_labelled(self) -> int:
        return int(self.ok.sum())

    @property
    def images_per_second(self) -> float:
        return self.n_labelled / self.seconds if self.seconds > 0 else float("nan")

    def to_frame(self) -> pd.DataFrame:
        """One row per image: path, class index, label, probability (skipped: NaN/None)."""
        return pd.DataFrame(
            {
                "path": self.paths,
                "class_index": self.class_index,
                "label": self.label,
                "prob": self.prob,
            }
        )


def load_classifier(
    model: str, weights: str | os.PathLike | None = "DEFAULT"
) -> ImageNetClassifier:
    """The ImageNet classifier ``model`` with pretrained ``weights`` (see scoring.backbones)."""
    return build_imagenet_classifier(model, weights=weights)


def label_images(
    paths: Sequence[str | os.PathLike],
    classifier: ImageNetClassifier,
    *,
    batch_size: int = 32,
    workers: int = 0,
    device: str | torch.device | None = "auto",
    step: Step | None = None,
) -> LabelResult:
    """The top-1 ImageNet class of every image in ``paths`` (§3).

    Parameters
    ----------
    paths : image files (missing/unreadable ones are skipped and reported).
    classifier : from :func:`load_classifier` / ``build_imagenet_classifier``.
    batch_size, workers : DataLoader settings (``workers`` decoding processes).
    device : ``"auto"`` (CUDA when present), ``"cpu"``, ``"cuda"``.
    step : a running stage of :mod:`kernel.steps`, advanced by the number of images
        finished after each batch.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size={batch_size} must be >= 1")
    if workers < 0:
        raise ValueError(f"workers={workers} must be >= 0")
    files = [str(p) for p in paths]
    dev = resolve_device(device)
    cls_idx = np.full(len(files), -1, dtype=np.int64)
    prob = np.full(len(files), np.nan)
    skips = SkipLog()
    start = time.perf_counter()
    if files:
        ds = ImageDataset(files, None, classifier.transform)
        loader = make_loader(ds, batch_size=batch_size, workers=workers, device=dev)
        model = prepare_for_inference(classifier.model, dev)
        done = 0
        for idx, p in iter_predictions(model, loader, dev, skips=skips, paths=files):
            top = p.argmax(axis=1)
            cls_idx[idx] = top
            prob[idx] = p[np.arange(len(top)), top]
            if step is not None:
                now = len(skips) + int((cls_idx >= 0).sum())
                step.advance(now - done)
                done = now
        if step is not None:  # batches made only of skipped images
            rest = len(skips) + int((cls_idx >= 0).sum()) - done
            if rest:
                step.advance(rest)
        classifier.model.to("cpu")
    seconds = time.perf_counter() - start
    cats = classifier.categories
    labels = [cats[i] if i >= 0 else None for i in cls_idx]
    return LabelResult(
        paths=files,
        class_index=cls_idx,
        label=labels,
        prob=prob,
        skipped=skips,
        model=classifier.name,
        seconds=seconds,
    )
