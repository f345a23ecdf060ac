"""Build ``beautygraph/generate/data/image_domains.json``: which ``skimage.data`` pictures
(and which crops / flips / small rotations of them) EfficientNet-Lite0 recognises, and as
what BabelNet domain.

Run once, offline (CPU, a few minutes)::

    .venv/bin/python scripts/build_image_domains.py [--out PATH] [--quick]

For every picture shipped with scikit-image (no download) and every variant — square crops
of 100 / 80 / 60 / 45 % of the short side on a 3 × 3 grid, horizontal flip, rotation by
0 / ±8° — the generator's own renderer (``beautygraph.generate.images.render``) draws the
variant undegraded (badness 0, centred) at the generator's image size; the real
EfficientNet-Lite0 (offline ImageNet weights, ``scoring.backbones``) gives the top-1
ImageNet class, the lexicon (``scoring.lexicon``, WordNet domains) its BabelNet domain
(Interest profiling from pictures §3).  Variants whose class has a domain and whose top-1
probability is at least ``MIN_PROB`` are then rendered at rising badness (the generator's
beauty degradations: crop, blur, noise, exposure, contrast, JPEG) with ``N_REPEATS`` random
draws each, and the share of renders that keep the clean variant's domain (and label) is
recorded per badness level.  A variant is *usable* when it keeps its domain in at least
``MIN_AGREEMENT`` of the renders at badness ≤ ``USABLE_BADNESS``.

The generator (``images.py``) picks, for a photo of topic t, a usable variant whose domain is
t's domain when there is one.  The data file is deterministic for a given model, lexicon and
torch build (CPU inference).

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

import argparse
import io
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from beautygraph.generate.config import ImageParams  # noqa: E402
from beautygraph.generate.images import degradation_params, load_source, render  # noqa: E402

#: real photographs shipped with scikit-image (synthetic patterns, logos and 25-px faces left out).
SOURCES = (
    "astronaut",
    "brick",
    "camera",
    "cat",
    "cell",
    "chelsea",
    "clock",
    "coffee",
    "coins",
    "colorwheel",
    "grass",
    "gravel",
    "horse",
    "hubble_deep_field",
    "immunohistochemistry",
    "moon",
    "page",
    "retina",
    "rocket",
    "stereo_motorcycle",
    "text",
)
SIDES = (1.0, 0.7, 0.5)
GRID = {1.0: 3, 0.7: 2, 0.5: 3}  # positions per axis (only along the long side at 100 %)
AUGMENT = ({"flip": True, "rotate": 0.0}, {"flip": False, "rotate": 8.0})
PER_SOURCE_DOMAIN = 6
BADNESS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
N_REPEATS = 2
MIN_PROB = 0.15
MIN_AGREEMENT = 0.75
USABLE_BADNESS = 0.4
MODEL = "efficientnet_lite0"


def crops(name: str) -> list[dict]:
    """Candidate square crops of one source (boxes in source pixels, no flip or rotation)."""
    h, w = load_source(name).shape[:2]
    out = []
    for frac in SIDES:
        side = int(min(h, w) * frac)
        ys = sorted({int(round(v)) for v in np.linspace(0, h - side, GRID[frac])})
        xs = sorted({int(round(v)) for v in np.linspace(0, w - side, GRID[frac])})
        out += [
            {"source": name, "box": [y0, x0, side], "flip": False, "rotate": 0.0}
            for y0 in ys
            for x0 in xs
        ]
    return out


def clean_params() -> dict:
    p = degradation_params(1.0, np.random.default_rng(0))
    p["crop_offset"] = 0.0
    return p


def classify(clf, jpegs: list[bytes], batch: int = 64) -> tuple[np.ndarray, np.ndarray]:
    from PIL import Image

    idx, prob = [], []
    for i in range(0, len(jpegs), batch):
        ims = [Image.open(io.BytesIO(b)).convert("RGB") for b in jpegs[i : i + batch]]
        p = clf.predict_proba(ims)
        top = p.argmax(dim=1)
        idx.append(top.numpy())
        prob.append(p[np.arange(len(top)), top].numpy())
    return np.concatenate(idx), np.concatenate(prob)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "beautygraph/generate/data/image_domains.json"))
    ap.add_argument("--quick", action="store_true", help="three sources only (smoke run)")
    args = ap.parse_args(argv)

    import torch

    from scoring.backbones import build_imagenet_classifier
    from scoring.lexicon import default_lexicon

    torch.manual_seed(0)
    clf = build_imagenet_classifier(MODEL, weights="DEFAULT")
    lex = default_lexicon()
    size = int(ImageParams().size)
    sources = SOURCES[:3] if args.quick else SOURCES
    t0 = time.perf_counter()

    def label(vs: list[dict]) -> None:
        jp = [
            render(load_source(v["source"]), clean_params(), size, np.random.default_rng(0), v)
            for v in vs
        ]
        cls, prob = classify(clf, jp) if jp else (np.zeros(0, int), np.zeros(0))
        for v, c, p in zip(vs, cls.tolist(), prob.tolist(), strict=True):
            v["label"] = clf.categories[c]
            v["prob"] = round(float(p), 4)
            v["domain"] = lex.domain_of_imagenet_class(c)

    # 1. clean crops
    cand = [v for name in sources for v in crops(name)]
    label(cand)
    print(f"{len(cand)} crops labelled in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    with_domain = sorted(
        (v for v in cand if v["domain"] and v["prob"] >= MIN_PROB),
        key=lambda v: (v["source"], v["domain"], -v["prob"]),
    )
    kept, seen = [], {}
    for v in with_domain:
        key = (v["source"], v["domain"])
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= PER_SOURCE_DOMAIN:
            kept.append(v)
    # 2. augmentations that keep the object recognisable: same domain as the crop
    aug = [dict(v, **a, parent=k) for k, v in enumerate(kept) for a in AUGMENT]
    label(aug)
    family = {k: [v] for k, v in enumerate(kept)}
    for v in aug:
        if v["domain"] == kept[v["parent"]]["domain"]:
            family[v["parent"]].append(v)
    print(f"{len(aug)} augmentations labelled ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    # 3. degradation by beauty: does the domain (and label) survive?
    jpegs, owner = [], []
    for k, v in enumerate(kept):
        src = load_source(v["source"])
        for level, x in enumerate(BADNESS):
            for r in range(N_REPEATS):
                rng = np.random.default_rng([k, level, r])
                var = family[k][int(rng.integers(len(family[k])))]
                jpegs.append(render(src, degradation_params(0.8 - 0.8 * x, rng), size, rng, var))
                owner.append((k, level, var))
    dcls, _ = classify(clf, jpegs) if jpegs else (np.zeros(0, int), None)
    dom_hit = np.zeros((len(kept), len(BADNESS)))
    lab_hit = np.zeros((len(kept), len(BADNESS)))
    for (k, level, var), c in zip(owner, dcls.tolist(), strict=True):
        dom_hit[k, level] += lex.domain_of_imagenet_class(c) == var["domain"]
        lab_hit[k, level] += clf.categories[c] == var["label"]
    dom_hit /= N_REPEATS
    lab_hit /= N_REPEATS
    usable_cols = [i for i, x in enumerate(BADNESS) if x <= USABLE_BADNESS]
    for k, v in enumerate(kept):
        v["domain_agreement"] = [round(float(a), 3) for a in dom_hit[k]]
        v["label_agreement"] = [round(float(a), 3) for a in lab_hit[k]]
        ok = bool(dom_hit[k, usable_cols].mean() >= MIN_AGREEMENT)
        for f in family[k]:
            f["usable"] = ok
            f["domain_agreement"], f["label_agreement"] = (
                v["domain_agreement"],
                v["label_agreement"],
            )
    kept = [f for k in range(len(kept)) for f in family[k]]
    usable = [v for v in kept if v["usable"]]
    by_domain: dict[str, dict[str, int]] = {}
    for v in usable:
        by_domain.setdefault(v["domain"], {}).setdefault(v["source"], 0)
        by_domain[v["domain"]][v["source"]] += 1
    crop_rows = [k for k, v in enumerate(family) if family[v][0]["usable"]]
    u_idx = crop_rows
    data = {
        "model": MODEL,
        "weights": clf.weights,
        "lexicon": getattr(lex, "version", ""),
        "size": size,
        "badness_levels": list(BADNESS),
        "repeats": N_REPEATS,
        "min_prob": MIN_PROB,
        "min_agreement": MIN_AGREEMENT,
        "usable_badness": USABLE_BADNESS,
        "n_candidates": len(cand) + len(aug),
        "n_with_domain": len(with_domain),
        "n_degradation_renders": len(jpegs),
        "agreement_by_badness": {
            "all_with_domain": {
                "domain": [round(float(a), 3) for a in dom_hit.mean(axis=0)] if kept else [],
                "label": [round(float(a), 3) for a in lab_hit.mean(axis=0)] if kept else [],
            },
            "usable": {
                "domain": [round(float(a), 3) for a in dom_hit[u_idx].mean(axis=0)]
                if u_idx
                else [],
                "label": [round(float(a), 3) for a in lab_hit[u_idx].mean(axis=0)] if u_idx else [],
            },
        },
        "usable_by_domain": {d: dict(sorted(s.items())) for d, s in sorted(by_domain.items())},
        "variants": [
            {
                k: v[k]
                for k in (
                    "source",
                    "box",
                    "flip",
                    "rotate",
                    "label",
                    "prob",
                    "domain",
                    "domain_agreement",
                    "label_agreement",
                )
            }
            for v in usable
        ],
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {
                k: data[k]
                for k in (
                    "n_candidates",
                    "n_with_domain",
                    "agreement_by_badness",
                    "usable_by_domain",
                )
            },
            indent=1,
        ),
        file=sys.stderr,
    )
    print(
        f"{len(usable)} usable variants -> {out} ({time.perf_counter() - t0:.0f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
