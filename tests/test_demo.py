"""The main job end to end on a small generated community: every section is there."""

from __future__ import annotations

import json

from beautygraph.demo import run_demo
from beautygraph.sections import SECTIONS


def test_demo_writes_a_complete_report(tmp_path):
    result = run_demo(tmp_path / "demo", n_users=300, seed=3, image_sample=60)
    assert result.failed == {}
    html = result.report_path.read_text(encoding="utf-8")
    headline = json.loads((tmp_path / "demo" / "report.json").read_text())
    expected = {
        "load",
        "generator",
        "network",
        "matching",
        "recommenders",
        "beauty",
        "interests",
        "propagation",
        "alf",
        "backend",
        "timings",
    }
    assert set(headline) == expected
    assert ["backend"] + [k for k, _ in SECTIONS] + ["timings"] == list(headline)  # listed order
    assert headline["backend"]["backend"] == "ladybug"  # the report says where it ran
    for key in expected:
        assert f'<section id="{key}">' in html
    # too small for the matching design: reported as not computed, with the reason
    assert set(result.skipped) <= {"matching"}
    assert headline["load"]["users"] == 300
    assert headline["network"]["gini_beauty"] > 0
    assert -1 <= headline["beauty"]["spearman"] <= 1
    assert headline["beauty"]["split"] == "by source picture"
    assert headline["beauty"]["real_photo_check"]["brisque"]["meets_target"]
    assert "Synthetic check" in html and "beats the paper" not in html
    assert "mean_f1" in headline["interests"]
    assert headline["propagation"]["auto"] in headline["propagation"]["methods"]
    assert "holdout_follows" in headline["alf"]
    assert "<img" in html and "data:image/png;base64," in html  # figures embedded
    assert (tmp_path / "demo" / "figures" / "degree_ccdf.png").stat().st_size > 1000
