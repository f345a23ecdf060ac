"""``recommend USER``: the explanation a reader needs — the BB window, each candidate's
beauty and path, the authority topic and score, "no photos" instead of a blank."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

import graphdb
from beautygraph.cli import main
from tests.conftest import TINY


@pytest.fixture
def db(tmp_path):
    """examples/tiny plus gina (followed by bob, no photos); erin's photo at 0.40 so that
    she falls in alice's BB window; user beauty computed; two authorities on birds."""
    folder = tmp_path / "data"
    shutil.copytree(TINY, folder)
    with open(folder / "users.csv", "a", encoding="utf-8") as fh:
        fh.write("gina,2024-02-01,no pictures yet\n")
    with open(folder / "follows.csv", "a", encoding="utf-8") as fh:
        fh.write("bob,gina,2024-02-02\n")
    photos = pd.read_csv(folder / "photos.csv", dtype=str, keep_default_na=False)
    photos.loc[photos["photo_id"] == "p7", "beauty"] = "0.40"
    photos.to_csv(folder / "photos.csv", index=False)
    path = tmp_path / "x.lbdb"
    store = graphdb.connect(path)
    from graphdb.loader import load_folder

    load_folder(store, folder)
    store.run("user_beauty", source="input")  # the beauty column of photos.csv
    store.replace_rels(
        "AUTHORITY_ON",
        pd.DataFrame(
            {
                "src": ["bob", "erin"],
                "dst": ["birds", "birds"],
                "score": [3.0, 1.5],
                "wzf": [2.5, 1.25],
                "rank": [1, 2],
            }
        ),
    )
    store.close()
    return str(path)


def _run(capsys, *args) -> tuple[int, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out + err


def test_bb_shows_the_users_beauty_the_window_and_each_candidates_beauty_and_path(db, capsys):
    code, out = _run(capsys, "--db", db, "recommend", "alice", "--method", "bb")
    assert code == 0, out
    # alice's photos: 0.41 and 0.35 → 0.38; ±10 % → 0.342–0.418 (hand-computed)
    assert "alice's beauty 0.380; window 0.380 ± 10 % = 0.342–0.418" in " ".join(out.split())
    row = next(line for line in out.splitlines() if " erin " in line)
    assert "0.400" in row and "1: carol" in row  # erin's beauty, reached via carol


def test_bb_json_has_the_window(db, capsys):
    code, out = _run(capsys, "--db", db, "recommend", "alice", "--method", "bb", "--json")
    assert code == 0, out
    obj = json.loads(out)
    assert obj["user_beauty"] == pytest.approx(0.38)
    assert obj["window"] == pytest.approx([0.342, 0.418])
    assert [(r["user_id"], r["common_neighbors"]) for r in obj["recommendations"]] == [
        ("erin", ["carol"])
    ]


def test_a_candidate_without_photos_says_so(db, capsys):
    code, out = _run(capsys, "--db", db, "recommend", "alice", "--method", "cn")
    assert code == 0, out
    gina = next(line for line in out.splitlines() if " gina " in line)
    assert "no photos" in gina
    erin = next(line for line in out.splitlines() if " erin " in line)
    assert "0.400" in erin
    code, out = _run(capsys, "--db", db, "recommend", "alice", "--method", "cn", "--json")
    recs = {r["user_id"]: r for r in json.loads(out)["recommendations"]}
    assert recs["gina"]["n_photos"] == 0 and recs["gina"]["beauty"] is None
    assert recs["erin"]["n_photos"] == 1


def test_authority_shows_topic_enthusiasm_and_score_in_the_table(db, capsys):
    code, out = _run(capsys, "--db", db, "recommend", "alice", "--method", "authority")
    assert code == 0, out
    assert "topic" in out and "enthusiasm" in out and "authority score" in out
    erin = next(line for line in out.splitlines() if " erin " in line)
    # alice follows bob, an authority on birds (enthusiasm 1); erin is the next one (wzf 1.25)
    cells = [c.strip() for c in erin.strip("│┃ ").split("│")]
    assert cells[:5] == ["1", "erin", "birds", "1", "1.25"]
