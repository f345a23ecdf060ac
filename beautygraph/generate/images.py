"""``--images``: small JPEGs made from the real photos shipped with ``skimage.data``.

**Pictures that show the topic's domain** (Interest profiling from pictures §3–4).  The data
file ``data/image_domains.json`` (built once, offline, by ``scripts/build_image_domains.py``
with the real EfficientNet-Lite0 and the WordNet domain lexicon) lists *variants* of the
skimage pictures — square crops, flips, small rotations — that the classifier labels into
a BabelNet domain and keeps labelling so under mild degradation.  A photo of topic t gets
a variant whose recognised domain is t's domain when one exists (``fits_domain: true`` in
truth["images"], with the expected label and domain); topics whose domain has no such
picture, and photos without a topic, get a generic picture (the topic's own or its
domain's skimage photo when one is listed, else a random one; ``fits_domain: false``).

**Beauty.**  The photo's beauty b sets a badness x = clip((0.8 - b) / 0.8, 0, 1) and every
degradation grows with x: a smaller, off-centre crop, Gaussian blur, sensor noise, an
exposure error (gamma), a loss of contrast and a lower JPEG quality — so lower beauty means
a visibly worse image, and the scoring issues get images of known quality.  Mild
degradations keep the recognised domain (every strength grows with x², so typical photos
stay recognisable; the data file's ``agreement_by_badness`` for the usable variants:
0.99 at x = 0 and 0.2, 0.96 at 0.4, 0.58 at 0.6, 0.37 at 0.8, 0.19 at 1).  Each photo's source,
variant and degradation parameters are returned for truth["images"].

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

import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from beautygraph.generate.config import GeneratorConfig
from beautygraph.generate.vocab import TOPICS
from kernel.steps import Steps, as_steps

#: skimage.data images that ship with scikit-image (no download needed).
GENERIC = ("astronaut", "chelsea", "coffee", "rocket", "stereo_motorcycle", "camera", "cat")
BY_TOPIC: dict[str, tuple[str, ...]] = {
    "cats": ("chelsea", "cat"),
    "coffee": ("coffee",),
    "cooking": ("coffee",),
    "baking": ("coffee",),
    "vegan": ("coffee",),
    "wine": ("coffee",),
    "astronomy": ("hubble_deep_field", "moon"),
    "aviation": ("rocket",),
    "engineering": ("rocket", "stereo_motorcycle"),
    "cars": ("stereo_motorcycle",),
    "cycling": ("stereo_motorcycle",),
    "photography": ("camera", "astronaut"),
    "coins": ("coins",),
    "finance": ("coins",),
    "architecture": ("brick",),
    "streetart": ("brick",),
    "urbex": ("brick", "gravel"),
    "gardening": ("grass",),
    "hiking": ("grass", "gravel"),
    "geology": ("gravel",),
    "biology": ("immunohistochemistry", "cell"),
    "medicine": ("retina",),
    "chemistry": ("immunohistochemistry",),
    "books": ("page", "text"),
    "poetry": ("page", "text"),
    "languages": ("text", "page"),
    "education": ("page", "text"),
    "history": ("clock",),
}


@cache
def load_source(name: str) -> np.ndarray:
    """A ``skimage.data`` image as float RGB in [0, 1]."""
    import skimage.data

    img = getattr(skimage.data, name)()
    if isinstance(img, tuple):  # stereo_motorcycle: (left, right, disparity)
        img = img[0]
    img = np.asarray(img)
    if img.dtype == bool:
        img = img.astype(np.uint8) * 255
    img = img.astype(np.float64)
    if img.max() > 1.0:
        img /= 255.0
    if img.ndim == 2:
        img = np.repeat(img[:, :, None], 3, axis=2)
    return np.ascontiguousarray(img[:, :, :3])


def degradation_params(beauty: float, rng: np.random.Generator) -> dict[str, Any]:
    """Degradation strengths for a photo of this beauty (monotone in the badness x)."""
    x = float(np.clip((0.8 - beauty) / 0.8, 0.0, 1.0))
    sign = 1.0 if rng.random() < 0.5 else -1.0
    # every strength is convex in x (∝ x²): typical photos (x ≈ 0.6) stay recognisable
    # (the data file's agreement_by_badness), the worst ones (x → 1) are as cropped,
    # blurred, noisy, mis-exposed and flat as ever
    x2 = x * x
    return {
        "badness": round(x, 4),
        "crop_fraction": round(0.9 - 0.45 * x2, 4),
        "crop_offset": round(0.1 + 0.9 * x2, 4),  # 0: centred, 1: anywhere
        "blur_sigma": round(2.5 * x2, 4),
        "noise_sd": round(0.10 * x2, 4),
        "gamma": round(float(np.exp(sign * 0.9 * x2)), 4),
        "contrast": round(1.0 - 0.55 * x2, 4),
        "jpeg_quality": int(round(92 - 50 * x)),
    }


def base_picture(source: np.ndarray, variant: dict[str, Any] | None = None) -> np.ndarray:
    """The undegraded picture of a source: the whole source (``variant`` None) or a
    variant of it — a square ``box`` [y0, x0, side] in source pixels, an optional
    horizontal ``flip`` and a small ``rotate`` (degrees; the rotated square is centre-cropped
    by 1 / (|cos| + |sin|) so that no empty corners show).  Float RGB in [0, 1]."""
    if variant is None:
        return source
    from PIL import Image

    y0, x0, side = (int(v) for v in variant["box"])
    a = source[y0 : y0 + side, x0 : x0 + side]
    if variant.get("flip"):
        a = a[:, ::-1]
    deg = float(variant.get("rotate", 0.0))
    if deg:
        img = Image.fromarray((a * 255 + 0.5).astype(np.uint8)).rotate(
            deg, resample=Image.Resampling.BICUBIC
        )
        keep = int(side / (abs(np.cos(np.radians(deg))) + abs(np.sin(np.radians(deg)))))
        off = (side - keep) // 2
        a = np.asarray(img, dtype=np.float64)[off : off + keep, off : off + keep] / 255.0
    return np.ascontiguousarray(a)


def render(
    source: np.ndarray,
    params: dict[str, Any],
    size: int,
    rng: np.random.Generator,
    variant: dict[str, Any] | None = None,
) -> bytes:
    """Crop, resize and degrade ``source`` (or its ``variant``, see :func:`base_picture`)
    as ``params`` say; returns JPEG bytes."""
    from PIL import Image, ImageFilter

    source = base_picture(source, variant)
    h, w = source.shape[:2]
    side = int(min(h, w) * params["crop_fraction"])
    cy, cx = (h - side) / 2, (w - side) / 2
    y0 = int(np.clip(cy + (rng.random() * 2 - 1) * params["crop_offset"] * cy, 0, h - side))
    x0 = int(np.clip(cx + (rng.random() * 2 - 1) * params["crop_offset"] * cx, 0, w - side))
    params["crop"] = [y0, x0, side, side]
    crop = (source[y0 : y0 + side, x0 : x0 + side] * 255).astype(np.uint8)
    img = Image.fromarray(crop).resize((size, size), Image.Resampling.LANCZOS)
    if params["blur_sigma"] > 0:
        img = img.filter(ImageFilter.GaussianBlur(radius=params["blur_sigma"]))
    a = np.asarray(img, dtype=np.float64) / 255.0
    a = np.clip(a, 0.0, 1.0) ** params["gamma"]
    a = a.mean() + (a - a.mean()) * params["contrast"]
    a = a + rng.normal(0.0, params["noise_sd"], size=a.shape) if params["noise_sd"] > 0 else a
    out = Image.fromarray((np.clip(a, 0.0, 1.0) * 255 + 0.5).astype(np.uint8))
    buf = io.BytesIO()
    out.save(buf, format="JPEG", quality=params["jpeg_quality"])
    return buf.getvalue()


#: sources per BabelNet domain, for topics without a source of their own.
BY_DOMAIN: dict[str, tuple[str, ...]] = {
    "Animals": ("chelsea", "cat", "horse"),
    "Food and drink": ("coffee",),
    "Transport and travel": ("rocket", "stereo_motorcycle"),
    "Physics and astronomy": ("hubble_deep_field", "moon"),
    "Numismatics and currencies": ("coins",),
    "Business, economics, and finance": ("coins",),
    "Biology": ("immunohistochemistry", "cell"),
    "Health and medicine": ("retina", "cell"),
    "Chemistry and mineralogy": ("immunohistochemistry",),
    "Literature and theatre": ("page", "text"),
    "Language and linguistics": ("text", "page"),
    "Education": ("page", "text"),
    "Engineering and technology": ("rocket", "clock"),
    "Geography and places": ("gravel", "grass"),
    "Farming": ("grass",),
    "Geology and geophysics": ("gravel",),
    "Art, architecture, and archaeology": ("brick", "colorwheel"),
    "Computing": ("camera",),
    "Media": ("camera", "astronaut"),
}


DATA_FILE = Path(__file__).parent / "data" / "image_domains.json"


@cache
def image_domains() -> dict[str, Any]:
    """The data file of recognised picture variants (see the module docstring)."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@cache
def fitting_variants() -> dict[str, dict[str, tuple[dict[str, Any], ...]]]:
    """Usable variants by recognised domain, then by source (both sorted)."""
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for v in image_domains()["variants"]:
        out.setdefault(v["domain"], {}).setdefault(v["source"], []).append(v)
    return {d: {s: tuple(vs) for s, vs in sorted(by.items())} for d, by in sorted(out.items())}


def pick_source(topic: int, rng: np.random.Generator) -> str:
    """A generic source image for a topic index (-1: none): the topic's own, else its
    domain's, else a random generic photo (the fallback when no variant fits)."""
    names = None
    if topic >= 0:
        spec = TOPICS[topic]
        names = BY_TOPIC.get(spec.id) or BY_DOMAIN.get(spec.domain)
    names = names or GENERIC
    return names[int(rng.integers(len(names)))]


def pick_picture(
    topic: int, rng: np.random.Generator
) -> tuple[str, dict[str, Any] | None, dict[str, Any]]:
    """``(source, variant, record)`` for a photo of topic index ``topic`` (-1: none).

    A variant recognised as the topic's domain when the data file has one (a source drawn
    uniformly among the domain's sources, then a variant of it), else the generic
    fallback of :func:`pick_source` (variant None).  ``record`` goes to truth["images"].
    """
    domain = TOPICS[topic].domain if topic >= 0 else None
    by_source = fitting_variants().get(domain) if domain else None
    rec: dict[str, Any] = {
        "topic": TOPICS[topic].id if topic >= 0 else None,
        "topic_domain": domain,
    }
    if by_source:
        sources = list(by_source)
        source = sources[int(rng.integers(len(sources)))]
        variants = by_source[source]
        v = variants[int(rng.integers(len(variants)))]
        variant = {"box": list(v["box"]), "flip": bool(v["flip"]), "rotate": float(v["rotate"])}
        rec.update(
            fits_domain=True,
            variant=variant,
            expected_label=v["label"],
            expected_domain=v["domain"],
        )
        return source, variant, rec
    rec.update(fits_domain=False, variant=None, expected_label=None, expected_domain=None)
    return pick_source(topic, rng), None, rec


def profiled_photos(
    fav_user: np.ndarray, fav_photo: np.ndarray, budget: int, min_photos: int
) -> tuple[np.ndarray, np.ndarray]:
    """``(users, photos)``: the most active favouriters with at least ``min_photos``
    distinct favourite photos, taken in decreasing activity (ties: lower index) while all
    their favourite photos fit in ``budget``; ``photos`` is the union of those favourites.

    >>> profiled_photos(np.array([0, 0, 0, 1, 1, 2]), np.array([5, 6, 7, 5, 8, 9]), 4, 2)
    (array([0, 1]), array([5, 6, 7, 8]))
    """
    pairs = np.unique(np.stack([np.asarray(fav_user), np.asarray(fav_photo)], axis=1), axis=0)
    if pairs.size == 0 or budget <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    users, counts = np.unique(pairs[:, 0], return_counts=True)
    order = np.lexsort((users, -counts))
    taken_users: list[int] = []
    photos: set[int] = set()
    for j in order:
        if counts[j] < min_photos:
            break
        mine = pairs[pairs[:, 0] == users[j], 1]
        if len(photos | set(mine.tolist())) > budget:
            continue
        photos |= set(mine.tolist())
        taken_users.append(int(users[j]))
    return np.array(sorted(taken_users), dtype=np.int64), np.array(sorted(photos), dtype=np.int64)


def render_images(
    cfg: GeneratorConfig,
    out: Path,
    photo_ids,
    beauty: np.ndarray,
    topic: np.ndarray,
    rng: np.random.Generator,
    steps: Steps | None = None,
    priority: np.ndarray | None = None,
) -> dict[str, dict[str, Any]]:
    """Write ``images/<photo_id>.jpg`` for all photos or ``image_sample`` of them (the
    ``priority`` photos first, then a uniform sample of the others; an ``images`` stage of
    ``steps`` advancing once per image)."""
    n = len(photo_ids)
    if cfg.image_sample is None or int(cfg.image_sample) >= n:
        chosen = np.arange(n)
    elif priority is None or len(priority) == 0:
        chosen = np.sort(rng.choice(n, size=int(cfg.image_sample), replace=False))
    else:
        first = np.unique(np.asarray(priority, dtype=np.int64))[: int(cfg.image_sample)]
        rest = np.setdiff1d(np.arange(n), first)
        extra = rng.choice(rest, size=int(cfg.image_sample) - first.size, replace=False)
        chosen = np.sort(np.concatenate([first, extra]))
    folder = out / "images"
    folder.mkdir(parents=True, exist_ok=True)
    record: dict[str, dict[str, Any]] = {}
    with as_steps(steps)("images", total=len(chosen)) as step:
        for i in chosen.tolist():
            source, variant, rec = pick_picture(int(topic[i]), rng)
            params = degradation_params(float(beauty[i]), rng)
            data = render(load_source(source), params, int(cfg.rendering.size), rng, variant)
            pid = photo_ids[i]
            pid = pid.as_py() if hasattr(pid, "as_py") else str(pid)
            (folder / f"{pid}.jpg").write_bytes(data)
            record[pid] = {
                "source": source,
                **rec,
                "beauty": round(float(beauty[i]), 6),
                "degradations": params,
            }
            step.advance()
    return record
