"""The Neo4j Browser views, seen for real: ``style.grass`` and every saved query of
``cypher/browser/`` shot in headless Chromium by ``../shared/neo4j/browser/shoot``.

Runs with a Neo4j server (``NEO4J_URI``), the shoot tool beside the repository and
Chromium (CI installs Debian's ``chromium``); skips with the reason otherwise.  The
graph is built here with known values, and the assertions read the JSON of what the
Browser drew:

- every drawn user has the colour of its beauty tier (bands of ``00_display_tiers``:
  < 0.15, < 0.22, < 0.30, < 0.40, >= 0.40; colours from ``style.grass``);
- no user or topic caption is truncated, in any view;
- the neighbourhood view shows every account the user follows (86, each with 4 photos,
  so a LIMIT on photo rows would cut followees);
- the style loads as written (no junk selector, the ``node`` defaults kept).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cypher
import graphdb
from tests.conftest import NEO4J_TOOLS

ROOT = Path(__file__).resolve().parents[1]
BROWSER = ROOT / "cypher" / "browser"
SHOOT = NEO4J_TOOLS / "browser" / "shoot"

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.browser,
    pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="needs NEO4J_URI (a Neo4j server)"),
    pytest.mark.skipif(not SHOOT.exists(), reason=f"no Browser shoot tool at {SHOOT}"),
    pytest.mark.skipif(
        not (shutil.which("chromium") or os.environ.get("CHROMIUM")),
        reason="needs Chromium (apt-get install -y chromium)",
    ),
]

BANDS = (0.15, 0.22, 0.30, 0.40)  # the tier edges of 00_display_tiers.cypher
HUB = "u000000"
N_FOLLOWED = 86


def beauty_tier(b: float) -> int:
    return int(np.searchsorted(BANDS, b, side="right"))


def tier_colours() -> dict[int, str]:
    text = (BROWSER / "style.grass").read_text()
    found = re.findall(r"node\.BeautyTier(\d)\s*\{[^}]*?\bcolor:\s*(#[0-9A-Fa-f]{6})", text)
    assert len(found) == 5, found
    return {int(k): v.lower() for k, v in found}


def build_graph(store) -> dict:
    """120 users with beauty across all tiers (band edges included), a hub that follows
    86 accounts with 4 photos each, a celebrity with 110 followers, two topics with
    authorities and interests, stored recommendations of the hub."""
    rng = np.random.default_rng(3)
    ids = [f"u{i:06d}" for i in range(120)]
    beauty = rng.uniform(0.05, 0.6, len(ids))
    beauty[1:5] = BANDS  # exactly on the edges
    store.insert_nodes("User", pd.DataFrame({"id": ids}))
    store.write_node_props("User", pd.DataFrame({"id": ids, "beauty": beauty}))
    followed = ids[1 : 1 + N_FOLLOWED]
    celebrity = ids[-1]
    follows = [(HUB, v) for v in followed] + [(u, celebrity) for u in ids[:110] if u != celebrity]
    follows += [(ids[i], ids[i + 1]) for i in range(90, 118)]
    follows = list(dict.fromkeys(follows))
    store.insert_rels("FOLLOWS", pd.DataFrame(follows, columns=["src", "dst"]))
    photos = [(f"p{k:07d}", v) for k, v in enumerate(v for v in followed for _ in range(4))]
    store.insert_nodes("Photo", pd.DataFrame({"id": [p for p, _ in photos]}))
    store.insert_rels("POSTED", pd.DataFrame([(v, p) for p, v in photos], columns=["src", "dst"]))
    topics = pd.DataFrame(
        {"id": ["basketball", "photography"], "name": ["basketball", "photography"]}
    )
    store.insert_nodes("Topic", topics)
    authorities = pd.DataFrame(
        {"src": [celebrity, *ids[100:104]], "dst": "basketball", "rank": [1, 2, 3, 4, 5]}
    )
    authorities["score"] = 1.0 / authorities["rank"]
    store.replace_rels("AUTHORITY_ON", authorities)
    interests = pd.DataFrame({"src": ids[:60], "dst": "basketball", "source": "declared"})
    store.insert_rels("INTERESTED_IN", interests)
    recs = pd.DataFrame({"src": HUB, "dst": ids[100:105], "method": "bb", "rank": range(1, 6)})
    store.replace_rels("RECOMMENDED", recs, where={"method": "bb"})
    hub_follows = {v for u, v in follows if u == HUB}
    assert len(hub_follows) == N_FOLLOWED + 1  # the 86 and the celebrity
    return {"beauty": dict(zip(ids, beauty, strict=True)), "followed": hub_follows}


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    store = graphdb.connect(os.environ["NEO4J_URI"])
    store.clear()
    truth = build_graph(store)
    out = tmp_path_factory.mktemp("shots")
    queries = cypher.browser_files()  # the Browser runs the common files, not the variants
    proc = subprocess.run(
        [
            str(SHOOT),
            "--grass",
            str(BROWSER / "style.grass"),
            "--out",
            str(out),
            "--param",
            f"user={HUB}",
            "--param",
            "topic=basketball",
            *map(str, queries),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        views = {q.stem: json.loads((out / f"{q.stem}.json").read_text()) for q in queries}
        style = json.loads((out / "style.json").read_text())
        run = json.loads((out / "run.json").read_text())
        yield {"views": views, "style": style, "run": run, "truth": truth, "out": out}
    finally:
        store.clear()
        store.close()


def graph_views(shots) -> dict:
    return {k: v for k, v in shots["views"].items() if v.get("view") == "graph"}


def test_the_style_loads_as_written(shots):
    assert shots["run"].get("styleWarnings") in ([], None), shots["run"]["styleWarnings"]
    style = shots["style"]
    text = json.dumps(style)
    assert "/*" not in text and "beautygraphstyle" not in text
    node = style["node"] if isinstance(style, dict) and "node" in style else None
    assert node is not None and node.get("diameter") == "50px", node


def test_every_graph_query_draws_something(shots):
    views = graph_views(shots)
    for name in ("01_user_neighbourhood", "03_topic_authorities", "05_recommendations"):
        assert name in views and views[name]["nodeCount"] > 0, name


def test_user_colours_match_beauty_tiers(shots):
    colours = tier_colours()
    beauty = shots["truth"]["beauty"]
    checked = 0
    for name, view in graph_views(shots).items():
        for node in view["nodes"]:
            if "User" not in node["labels"]:
                continue
            want = colours[beauty_tier(beauty[node["id"]])]
            assert node["fill"].lower() == want, (
                name,
                node["id"],
                beauty[node["id"]],
                node["fill"],
            )
            checked += 1
    assert checked > N_FOLLOWED


def test_no_user_or_topic_caption_is_truncated(shots):
    seen = 0
    for name, view in graph_views(shots).items():
        for node in view["nodes"]:
            if {"User", "Topic"} & set(node["labels"]):
                assert not node["captionTruncated"], (name, node["id"], node["caption"])
                assert node["caption"] == node["properties"].get(
                    "name" if "Topic" in node["labels"] else "id"
                )
                seen += 1
    assert seen > N_FOLLOWED


def test_neighbourhood_shows_every_followee(shots):
    view = shots["views"]["01_user_neighbourhood"]
    drawn = {n["id"] for n in view["nodes"] if "User" in n["labels"]}
    assert drawn - {HUB} == shots["truth"]["followed"]
    follows = {r["target"] for r in view["relationships"] if r["type"] == "FOLLOWS"}
    assert follows == shots["truth"]["followed"]
