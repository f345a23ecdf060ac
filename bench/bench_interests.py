"""Benchmark: labelling throughput per backbone and interest-profiling time for 10k users.

1. **Labelling** (``scoring.labelling.label_images``: JPEG decoding + preprocessing in a
   DataLoader + forward + top-1) in images/s for every backbone whose ImageNet weights are
   available offline (EfficientNet-Lite0 always; AlexNet, VGG16/19, GoogLeNet, ResNet50 only
   when torchvision's weights are in the torch hub cache — the others are reported as
   unavailable).  Baseline in the same run: the bare forward pass on the same images
   already decoded and preprocessed into one tensor.  Ratio = pipeline / bare.
   CPU always; CUDA too when present.
2. **Profiling** (``analysis.interest_profiles``: tag cleaning, domain counts, top-5,
   F1 and Table 1) for ``--users`` synthetic users with ``--photos`` favourite photos each
   (the paper's 200), tags drawn from real dictionary words, camera/colour/stop words and
   misspellings, labels from the 1000 ImageNet classes.  Baseline in the same run: a
   plain per-user Python implementation (Counter, sort, set F1) — its mean F1 must equal
   the vectorised one.  The synthetic tags and labels are drawn independently, so the F1
   values there are a correctness cross-check, not a measure of profile quality.

Usage::

    .venv/bin/python bench/bench_interests.py [--quick] [--images 128] [--users 10000]

JSON goes to ``bench/results/bench_interests.json``.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from beautygraph import strict_json  # noqa: E402

BACKBONES = ["efficientnet_lite0", "alexnet", "vgg16", "vgg19", "googlenet", "resnet50"]


def make_images(folder: Path, n: int, size: int = 160, seed: int = 0) -> list[Path]:
    """``n`` JPEGs cut from skimage.data photos (as the generator's ``--images``)."""
    import skimage.data
    from PIL import Image

    rng = np.random.default_rng(seed)
    sources = []
    for name in ("chelsea", "coffee", "rocket", "astronaut", "cat"):
        img = np.asarray(getattr(skimage.data, name)())
        sources.append(img if img.ndim == 3 else np.repeat(img[:, :, None], 3, axis=2))
    paths = []
    for i in range(n):
        img = sources[i % len(sources)]
        h, w = img.shape[:2]
        side = int(min(h, w) * rng.uniform(0.6, 0.95))
        y, x = rng.integers(0, h - side + 1), rng.integers(0, w - side + 1)
        im = Image.fromarray(img[y : y + side, x : x + side, :3]).resize((size, size))
        buf = io.BytesIO()
        im.save(buf, format="JPEG", quality=90)
        p = folder / f"img{i:05d}.jpg"
        p.write_bytes(buf.getvalue())
        paths.append(p)
    return paths


def bench_labelling(paths: list[Path], device: str, batch: int, workers: int) -> list[dict]:
    import torch

    from scoring.backbones import build_imagenet_classifier
    from scoring.errors import ScoringError
    from scoring.labelling import label_images

    os.environ.setdefault("BEAUTYGRAPH_OFFLINE", "1")  # never download in a benchmark
    rows = []
    for name in BACKBONES:
        try:
            clf = build_imagenet_classifier(name, weights="DEFAULT")
        except ScoringError as exc:
            rows.append(
                {
                    "backbone": name,
                    "device": device,
                    "available": False,
                    "reason": str(exc).split(":")[0],
                }
            )
            continue
        # warm-up (first batch allocations, cuDNN autotune)
        label_images(paths[: min(batch, len(paths))], clf, batch_size=batch, device=device)
        res = label_images(paths, clf, batch_size=batch, workers=workers, device=device)
        # baseline: bare forward on pre-decoded, pre-processed tensors
        from PIL import Image

        x = torch.stack([clf.transform(Image.open(p).convert("RGB")) for p in paths])
        model = clf.model.to(device).eval()
        dev = torch.device(device)
        with torch.inference_mode():
            model(x[:batch].to(dev))
            if dev.type == "cuda":
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            for s in range(0, len(x), batch):
                model(x[s : s + batch].to(dev)).argmax(dim=1).cpu()
            if dev.type == "cuda":
                torch.cuda.synchronize()
            bare = time.perf_counter() - t0
        model.to("cpu")
        rows.append(
            {
                "backbone": name,
                "device": device,
                "available": True,
                "weights": clf.weights,
                "images": len(paths),
                "batch": batch,
                "workers": workers,
                "pipeline_images_per_s": res.images_per_second,
                "bare_forward_images_per_s": len(paths) / bare,
                "ratio_pipeline_over_bare": res.images_per_second / (len(paths) / bare),
                "labels_top3": Counter(res.label).most_common(3),
            }
        )
        print(
            f"  {name:18s} {device}: pipeline {res.images_per_second:7.1f} img/s, "
            f"bare forward {len(paths) / bare:7.1f} img/s",
            flush=True,
        )
    return rows


def synthetic_profiles(n_users: int, n_photos: int, seed: int = 0):
    """Favourites of ``n_users`` × ``n_photos`` over a shared photo pool with tags/labels."""
    from analysis.interest_profiles import CAMERA_WORDS, COLOUR_WORDS, STOP_WORDS
    from scoring.lexicon import default_lexicon

    lex = default_lexicon()
    rng = np.random.default_rng(seed)
    words = [w for w, d in lex._lemmas.items() if d and "_" not in w and w.isalpha()]
    vocab = list(rng.choice(words, size=3000, replace=False))
    noise = (
        sorted(STOP_WORDS)[:50]
        + sorted(CAMERA_WORDS)[:30]
        + sorted(COLOUR_WORDS)[:20]
        + ["beautifull", "sunsett", "newyork", "d750", "2019"]
    )
    n_pool = max(n_users * n_photos // 20, 1000)  # photos favourited by ~20 users each
    tags = []
    for _ in range(n_pool):
        t = list(rng.choice(vocab, size=rng.integers(1, 5))) + list(
            rng.choice(noise, size=rng.integers(0, 3))
        )
        tags.append(";".join(t))
    cats = [e.name for e in lex.imagenet]
    labels = list(rng.choice(cats, size=n_pool))
    owner = np.repeat(np.arange(n_users), n_photos)
    photo = rng.integers(0, n_pool, size=n_users * n_photos)
    return lex, tags, labels, owner, photo


def profile_vectorised(lex, tags, labels, owner, photo, n_users, k=5):
    from analysis.interest_profiles import clean_tags, compare_profiles, domain_counts, split_tags
    from kernel.vocabulary import BABELNET_DOMAINS

    cleaned = [clean_tags(split_tags(t), lex) for t in tags]
    lab_dom = {lab: (lex.domain_of_imagenet_class(lab),) for lab in set(labels)}
    tc = domain_counts(owner, [cleaned[p] for p in photo], n_users, BABELNET_DOMAINS, lexicon=lex)
    ic = domain_counts(
        owner, [[labels[p]] for p in photo], n_users, BABELNET_DOMAINS, word_domains=lab_dom
    )
    return compare_profiles(tc, ic, BABELNET_DOMAINS, k=k, seed=0)


def profile_naive(lex, tags, labels, owner, photo, n_users, k=5):
    """Plain Python, one user at a time (the baseline): Counter, sort, set F1."""
    from analysis.interest_profiles import clean_tags, split_tags
    from kernel.vocabulary import BABELNET_DOMAINS

    order = {d: j for j, d in enumerate(BABELNET_DOMAINS)}
    per_user: dict[int, list[int]] = {}
    for u, p in zip(owner.tolist(), photo.tolist(), strict=True):
        per_user.setdefault(u, []).append(p)
    f1s = []
    for u in range(n_users):
        a, b = Counter(), Counter()
        for p in per_user.get(u, []):
            for w in clean_tags(split_tags(tags[p]), lex):
                a.update(lex.domains_of_lemma(w))
            dom = lex.domain_of_imagenet_class(labels[p])
            if dom:
                b[dom] += 1
        if not a:
            continue
        top = lambda c: {d for d, _ in sorted(c.items(), key=lambda kv: (-kv[1], order[kv[0]]))[:k]}  # noqa: E731
        A, B = top(a), top(b)
        f1s.append(2 * len(A & B) / (len(A) + len(B)))
    return float(np.mean(f1s))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="32 images, 1000 users x 50 photos")
    ap.add_argument("--images", type=int, default=128)
    ap.add_argument("--users", type=int, default=10_000)
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "bench_interests.json")
    ap.add_argument("--skip-labelling", action="store_true")
    args = ap.parse_args(argv)
    if args.quick:
        args.images, args.users, args.photos = 32, 1000, 50

    import torch

    result = {
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "machine": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "cpus": os.cpu_count(),
            "threads": torch.get_num_threads(),
            "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        },
    }
    if not args.skip_labelling:
        print(f"labelling {args.images} images (batch {args.batch}, workers {args.workers})")
        with tempfile.TemporaryDirectory() as tmp:
            paths = make_images(Path(tmp), args.images)
            rows = bench_labelling(paths, "cpu", args.batch, args.workers)
            if torch.cuda.is_available():
                rows += bench_labelling(paths, "cuda", args.batch, args.workers)
        result["labelling"] = rows

    print(f"profiling {args.users} users x {args.photos} favourite photos")
    lex, tags, labels, owner, photo = synthetic_profiles(args.users, args.photos)
    t0 = time.perf_counter()
    cmp_ = profile_vectorised(lex, tags, labels, owner, photo, args.users)
    t_vec = time.perf_counter() - t0
    t0 = time.perf_counter()
    naive_f1 = profile_naive(lex, tags, labels, owner, photo, args.users)
    t_naive = time.perf_counter() - t0
    same = abs(naive_f1 - cmp_.mean_f1) < 1e-12
    result["profiling"] = {
        "users": args.users,
        "photos_per_user": args.photos,
        "favourites": int(len(owner)),
        "photo_pool": len(tags),
        "seconds": t_vec,
        "baseline_naive_seconds": t_naive,
        "speedup_over_naive": t_naive / t_vec,
        "mean_f1": cmp_.mean_f1,
        "naive_mean_f1": naive_f1,
        "same_result": same,
        "random_baseline_f1": cmp_.random.mean_f1,
    }
    print(
        f"  vectorised {t_vec:.2f}s, naive per-user {t_naive:.2f}s "
        f"(x{t_naive / t_vec:.1f}); mean F1 {cmp_.mean_f1:.4f} = naive {naive_f1:.4f}: {same}"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(strict_json.dumps(result, indent=2, default=str))
    print(f"wrote {args.out}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
