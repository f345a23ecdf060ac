"""Build the images of ``examples/tiny/`` (offline, build time only).

Each photo of ``examples/tiny/photos.csv`` gets a small JPEG cropped from one of the colour
photographs that ship with scikit-image (``skimage.data``), chosen among those whose
docstrings there state that they are free of copyright restrictions: ``astronaut``
(NASA, public domain), ``chelsea`` (CC0, Stefan van der Walt), ``coffee`` (CC0, Rachel
Michetti), ``rocket`` (SpaceX, public domain), ``hubble_deep_field`` (NASA, public domain)
and ``immunohistochemistry`` (no known copyright restrictions).  The crop, size and JPEG quality are fixed here, so a rebuild
gives the same files with the same Pillow/libjpeg; ``--check`` verifies the committed ones
(another libjpeg may encode a few bytes differently).

    .venv/bin/python scripts/build_tiny_images.py [--check]
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "examples" / "tiny" / "images"

#: photo id -> (skimage.data picture, crop box [top, left, height, width] in its pixels)
PICTURES: dict[str, tuple[str, tuple[int, int, int, int]]] = {
    "p1": ("astronaut", (212, 0, 300, 450)),
    "p2": ("astronaut", (0, 60, 384, 384)),
    "p3": ("chelsea", (0, 40, 300, 400)),
    "p4": ("chelsea", (40, 150, 240, 300)),
    "p5": ("coffee", (0, 0, 400, 600)),
    "p6": ("rocket", (0, 120, 427, 400)),
    "p7": ("hubble_deep_field", (100, 100, 600, 800)),
    "p8": ("rocket", (100, 0, 320, 480)),
    "p9": ("immunohistochemistry", (0, 0, 512, 512)),
}
LONG_SIDE = 256
QUALITY = 88


def render(name: str, box: tuple[int, int, int, int]) -> bytes:
    import skimage.data
    from PIL import Image

    img = getattr(skimage.data, name)()
    if isinstance(img, tuple):  # stereo_motorcycle: (left, right, disparity)
        img = img[0]
    top, left, h, w = box
    crop = Image.fromarray(np.asarray(img)[top : top + h, left : left + w, :3])
    f = LONG_SIDE / max(crop.size)
    crop = crop.resize((round(crop.width * f), round(crop.height * f)), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    crop.save(buf, format="JPEG", quality=QUALITY)
    return buf.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="verify the committed files")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    bad = []
    for pid, (name, box) in PICTURES.items():
        data = render(name, box)
        path = OUT / f"{pid}.jpg"
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                bad.append(str(path.relative_to(ROOT)))
        else:
            path.write_bytes(data)
    if bad:
        print(f"out of date: {', '.join(bad)} (run scripts/build_tiny_images.py)", file=sys.stderr)
        return 1
    print(
        f"{'checked' if args.check else 'wrote'} {len(PICTURES)} images in {OUT.relative_to(ROOT)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
