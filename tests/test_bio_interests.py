"""The biography matcher (ALF §4.1): unit cases, generator truth, real TwiBot-20 bios."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.bio_interests import (
    TopicVocabulary,
    evaluate_matches,
    extract_interests,
    normalise,
)

FIXTURE = Path(__file__).parent / "fixtures" / "twibot20_bios.json"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from beautygraph.generate import GeneratorConfig, generate

    folder = tmp_path_factory.mktemp("alf_bio_gen")
    truth = generate(
        GeneratorConfig(n_users=1500, seed=11, weeks=4, influence=False, churn=False), folder
    )
    return folder, truth


VOCAB = TopicVocabulary.from_records(
    [
        ("lakers", "Los Angeles Lakers", "L.A. Lakers;LA Lakers;Lakers"),
        ("hunting", "Hunting", ""),
        ("fishing", "Fishing", "fly fishing;angler"),
        ("piano", "Piano", "pianist"),
        ("violin", "Violin", ""),
        ("photography", "Photography", "photographer;#photography"),
        ("basketball", "Basketball", "NBA;hoops"),
        ("streetart", "Street art", "graffiti"),
        ("art", "Art", "ar"),  # "ar" is shorter than min_len and ignored
    ]
)


def topics(text: str) -> set[str]:
    return set(VOCAB.interests(text))


def test_paper_table2_examples():
    assert topics("Big fan of l.a.lakers. Love hunting and fishing") == {
        "lakers",
        "hunting",
        "fishing",
    }
    assert topics("half japanese, like piano, violin") == {"piano", "violin"}


@pytest.mark.parametrize(
    "text",
    [
        "LAKERS!!!",
        "#lakers",
        "#LALakers",
        "L. A. Lakers fan",
        "la-lakers",
        "#LosAngelesLakers",
        "los angeles lakers",
    ],
)
def test_case_punctuation_hashtags_abbreviations(text):
    assert topics(text) == {"lakers"}


def test_typos_plural_and_kinds():
    ms = VOCAB.match("Photograhpy and #basketbal, photographers")
    kinds = {(m.topic, m.kind) for m in ms}
    assert ("photography", "typo") in kinds and ("basketball", "typo") in kinds
    assert ("photography", "plural") in kinds
    scores = VOCAB.interests("photography and photograhpy")
    assert scores["photography"] == 1.0  # best mention wins


def test_precision_guards():
    assert topics("smart artist in a bar") == set()  # no matching inside words
    assert topics("Ar ar AR") == set()  # names under min_len ignored
    assert topics("fotography") == set()  # typo must keep the first letter
    assert topics("hunt, fish") == set()  # no stemming beyond a plural s
    assert topics("graffiti") == {"streetart"} and topics("street art") == {"streetart"}
    # a name shared by two topics is dropped (ambiguous)
    v = TopicVocabulary.from_records([("a", "Apple", "fruit"), ("b", "Banana", "fruit")])
    assert v.interests("fruit lover") == {}
    assert v.interests("apple and banana") == {"a": 1.0, "b": 1.0}


def test_longest_mention_wins():
    v = TopicVocabulary.from_records([("ff", "Fly fishing", ""), ("fl", "Flying", "fly")])
    assert v.interests("fly fishing") == {"ff": 1.0}


def test_normalise_and_unicode():
    assert normalise("Ⓢⓞⓤⓣⓗ Café & Bar") == "south cafe  and  bar"
    v = TopicVocabulary.from_records([("film", "Film", "actor")])
    assert v.interests("Ⓢⓞⓤⓣⓗ Ⓘⓝⓓⓘⓐⓝ Ⓐⓒⓣⓞⓡ") == {"film": 1.0}


def test_extract_interests_rows_and_errors():
    df = extract_interests(["u1", "u2", "u3"], ["Lakers & hoops", None, ""], VOCAB)
    assert sorted(map(tuple, df[["user", "topic"]].to_numpy())) == [
        ("u1", "basketball"),
        ("u1", "lakers"),
    ]
    assert set(df.columns) == {"user", "topic", "score"}
    with pytest.raises(ValueError, match="biographies"):
        extract_interests(["u1"], [], VOCAB)
    with pytest.raises(ValueError, match="lacks columns"):
        TopicVocabulary.from_frame(pd.DataFrame({"x": [1]}))


def test_evaluate_matches_by_hand():
    found = pd.DataFrame(
        {"user": ["a", "a", "b", "c"], "topic": ["x", "y", "x", "z"], "score": 1.0}
    )
    truth = {"a": ["x"], "b": ["x", "w"], "c": ["z"]}
    s = evaluate_matches(found, truth, users=["a", "b"])
    assert (s.found, s.correct, s.truth) == (3, 2, 3)
    assert s.precision == pytest.approx(2 / 3) and s.recall == pytest.approx(2 / 3)


def test_real_bios_precision_twibot20():
    """Hand-labelled TwiBot-20 bios (tests/fixtures/twibot20_bios.json, MIT licence)."""
    fx = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert "MIT" in fx["licence"] and len(fx["samples"]) == 91
    vocab = TopicVocabulary.from_frame(pd.DataFrame(fx["vocabulary"]))
    ids = [s["id"] for s in fx["samples"]]
    found = extract_interests(ids, [s["bio"] for s in fx["samples"]], vocab)
    score = evaluate_matches(found, {s["id"]: s["labels"] for s in fx["samples"]})
    assert score.found >= 60
    assert score.precision >= 0.9  # precision first (§4.1)
    assert score.recall >= 0.6


def test_generator_bios(generated):
    """Precision against the generator's truth: every matched topic is one the user has;
    recall against the topics the bios mention (a bio mentions only some interests)."""
    folder, truth = generated
    users = pd.read_csv(folder / "users.csv", keep_default_na=False, dtype=str)
    topics_df = pd.read_csv(folder / "topics.csv", keep_default_na=False, dtype=str)
    vocab = TopicVocabulary.from_frame(topics_df)
    found = extract_interests(users["user_id"].tolist(), users["bio"].tolist(), vocab)
    with_bio = users.loc[users["bio"].str.strip() != "", "user_id"].tolist()
    vs_interests = evaluate_matches(found, truth["interests"], with_bio)
    assert vs_interests.precision >= 0.98
    assert vs_interests.recall < 0.9  # bios mention only some interests
    if "bio_topics" in truth:
        vs_mentions = evaluate_matches(found, truth["bio_topics"], with_bio)
        assert vs_mentions.precision >= 0.98
        assert vs_mentions.recall >= 0.9
