"""The load's vectorised checks give the verdicts of plain, row-by-row rules.

Each test builds rows by hand (unknown, empty and blank ids, self-follows, repeated
pairs, impossible dates) and compares the loader's problems, codes, stored-id questions
and importer text with a plain Python re-implementation of the rule; the folder-level
test also compares with the loader's per-row path (:func:`graphdb.validate.check_refs`
without an encoding: each reference looked up and tested row by row).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from graphdb import loader
from graphdb import validate as v
from graphdb.errors import ValidationFailed
from graphdb.neo4j_import import iso_seconds

USERS = ["alice", "bob", "carol", "dave", "Émile"]

#: (src, dst, created_at): every kind of bad follow, between good ones
FOLLOWS = [
    ("alice", "bob", "2024-01-05T10:00:00"),
    ("alice", "ghost", "2024-01-06T10:00:00"),  # unknown dst
    ("", "bob", "2024-01-07T10:00:00"),  # empty src
    (" ", "carol", "2024-01-08T10:00:00"),  # blank src
    ("bob", "\u3000", "2024-01-09T10:00:00"),  # a Unicode space is blank too
    ("carol", "carol", "2024-01-10T10:00:00"),  # self-follow
    ("alice", "bob", "2024-01-11T10:00:00"),  # repeated pair
    (" alice", "bob", "2024-01-12T10:00:00"),  # not blank, not an id either
    ("ALICE", "dave", "2024-01-13T10:00:00"),  # ids are case-sensitive
    ("Émile", "dave", "2023-02-29T10:00:00"),  # no such day
    ("dave", "Émile", "yesterday"),
    ("ghost", "ghost", "2024-01-14T10:00:00"),  # unknown twice: not a self-follow
    ("dave", "Émile", "2024-01-15T10:00:00"),  # repeats the row two above
    ("bob", "\u200b", "2024-01-16T10:00:00"),  # a zero-width space is not blank
]


def plain_follow_problems(users: list[str], rows: list[tuple[str, str, str]]) -> list[str]:
    """The follows rules, one row at a time, in the loader's order: each reference
    column (unknown, then empty), self-follows, dates, repeated pairs."""
    known = set(users)
    out: list[str] = []
    for col, name in enumerate(("src", "dst")):
        for i, row in enumerate(rows):
            if row[col].strip() and row[col] not in known:
                out.append(f"follows.csv:{i + 2}: {name}: unknown user ({row[col]!r})")
        for i, row in enumerate(rows):
            if not row[col].strip():
                out.append(f"follows.csv:{i + 2}: {name}: empty id ({row[col]!r})")
    for i, (a, b, _) in enumerate(rows):
        if a == b and a in known:
            out.append(f"follows.csv:{i + 2}: dst: self-follow ({b!r})")
    for i, (_, _, when) in enumerate(rows):
        try:
            dt.datetime.fromisoformat(when)
        except ValueError:
            out.append(
                f"follows.csv:{i + 2}: created_at: unparsable date (expected ISO 8601) ({when!r})"
            )
    seen: set[tuple[str, str]] = set()
    for i, (a, b, _) in enumerate(rows):
        if a in known and b in known:
            if (a, b) in seen:
                out.append(f"follows.csv:{i + 2}: src: duplicate row ('{a} -> {b}')")
            seen.add((a, b))
    return out


def _folder(tmp_path, rows):
    folder = tmp_path / "in"
    folder.mkdir()
    pd.DataFrame({"user_id": USERS, "joined_at": "2024-01-01", "bio": ""}).to_csv(
        folder / "users.csv", index=False
    )
    pd.DataFrame(rows, columns=["src", "dst", "created_at"]).to_csv(
        folder / "follows.csv", index=False
    )
    return folder


def _problems(folder) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        loader.read_folder(folder)
    return info.value.problems


def test_a_folder_of_bad_follows_gets_the_plain_verdicts_and_those_of_the_per_row_path(
    tmp_path, monkeypatch
):
    folder = _folder(tmp_path, FOLLOWS)
    expected = plain_follow_problems(USERS, FOLLOWS)
    assert len(expected) == 14  # the hand count: every bad cell above is reported
    assert _problems(folder) == expected
    monkeypatch.setattr(loader, "encode_ids", lambda raw: {})  # each row looked up alone
    assert _problems(folder) == expected


def test_the_good_rows_alone_pass(tmp_path):
    good = [r for r in FOLLOWS if not plain_follow_problems(USERS, [r])]
    frames = loader.read_folder(_folder(tmp_path, good[:1] + good[2:]))
    assert frames["FOLLOWS"][["src", "dst"]].values.tolist() == [
        ["alice", "bob"],
        ["dave", "Émile"],
    ]


@pytest.mark.parametrize("known_kind", ["index", "value_set"])
def test_encoded_reference_checks_equal_the_row_by_row_ones(known_kind):
    values = [row[col] for row in FOLLOWS for col in (0, 1)] + ["carol", "bob", "carol"]
    df = pd.DataFrame({"src": values})
    index = pd.Index(USERS, dtype=object)
    known = index if known_kind == "index" else v.value_set(index)
    row_by_row, encoded = v.Problems(), v.Problems()
    codes = v.check_refs("f.csv", df, "src", known, "user", row_by_row)
    codes_enc = v.check_refs("f.csv", df, "src", known, "user", encoded, v.encode(df["src"]))
    plain = [USERS.index(x) if x in USERS else -1 for x in values]
    assert codes.tolist() == plain
    assert codes_enc.tolist() == plain
    assert encoded.items == row_by_row.items
    blank = [i + 2 for i, x in enumerate(values) if not x.strip()]
    assert [p for p in encoded.items if "empty id" in p] == [
        f"f.csv:{line}: src: empty id ({values[line - 2]!r})" for line in blank
    ]


def test_the_stored_ids_asked_are_the_plain_union_of_every_id_column():
    raw = {
        "users": pd.DataFrame({"user_id": ["a", "b", " "]}),
        "photos": pd.DataFrame({"photo_id": ["p1", "p2"], "owner": ["a", "z"]}),
        "follows": pd.DataFrame({"src": ["a", "b", "a"], "dst": ["b", "y", "b"]}),
        "favorites": pd.DataFrame({"user_id": ["x"], "photo_id": ["p9"]}),
        "interests": pd.DataFrame({"user_id": ["w"], "topic_id": ["t1"]}),
        "topics": pd.DataFrame({"topic_id": ["t2"]}),
        "groups": pd.DataFrame({"user_id": ["v"], "group_id": ["g1"]}),
    }
    asked: dict[str, set[str]] = {}

    class Recording:
        def stored_ids(self, label, ids):
            ids = list(ids)
            assert len(ids) == len(set(ids)), "each id asked once"
            asked[label] = set(ids)
            return set()

    stored = loader.existing_ids(Recording(), raw)  # type: ignore[arg-type]
    assert stored == {label: set() for label in asked}
    assert asked == {
        "User": {"a", "b", " ", "z", "y", "x", "w", "v"},
        "Photo": {"p1", "p2", "p9"},
        "Topic": {"t1", "t2"},
        "Community": {"g1"},
    }


def test_the_fast_date_path_reads_iso_dates_as_python_and_refuses_impossible_days():
    good = [
        "2024-02-29T23:59:59",
        "1900-03-01T00:00:00",
        "2024-05-01",
        "2024-05-01 12:30:00",
        "0001-01-01T00:00:00",
    ]
    df = pd.DataFrame({"t": good})
    problems = v.Problems()
    got = v.parse_times("f.csv", df, "t", problems)
    plain = [dt.datetime.fromisoformat(x).replace(tzinfo=dt.UTC) for x in good]
    assert [t.to_pydatetime() for t in got] == plain
    assert problems.items == []
    # an impossible day is refused whether or not the column mixes layouts
    for column in (["2023-02-29T00:00:00", "2024-03-01T00:00:00"], ["2023-02-29T00:00:00", "1"]):
        problems = v.Problems()
        got = v.parse_times("f.csv", pd.DataFrame({"t": column}), "t", problems)
        assert problems.items == [
            "f.csv:2: t: unparsable date (expected ISO 8601) ('2023-02-29T00:00:00')"
        ]
        assert pd.isna(got.iloc[0])


def test_importer_time_text_equals_numpy_s_for_every_year():
    rng = np.random.default_rng(5)
    for low in (0, -(10**11) + 1):  # after 1970, and back to year -1199
        seconds = rng.integers(low, 10**11, 2000).astype("datetime64[s]")
        seconds[::9] = np.datetime64("NaT")
        missing = np.isnat(seconds)
        plain = [None if m else str(s) for s, m in zip(seconds, missing, strict=True)]
        assert iso_seconds(seconds, missing).to_pylist() == plain
        assert iso_seconds(seconds, missing).type == pa.string()


def test_an_older_database_gets_the_missing_tables_and_columns_in_one_commit(tmp_path, monkeypatch):
    import ladybug

    import graphdb
    from graphdb import schema
    from graphdb.ladybug_store import LadybugStore

    path = tmp_path / "old.lbdb"
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    conn.execute("CREATE NODE TABLE User(id STRING PRIMARY KEY)")
    conn.execute("CREATE (:User {id: 'alice'})")
    conn.close()
    db.close()
    statements: list[str] = []
    real = LadybugStore._execute

    def recording(self, text, params=None):
        statements.append(text.split("(")[0])
        return real(self, text, params)

    monkeypatch.setattr(LadybugStore, "_execute", recording)
    with graphdb.connect(path) as store:
        writes = [t for t in statements if not t.startswith("CALL")]
        assert writes[0] == "BEGIN TRANSACTION" and writes[-1] == "COMMIT"
        assert writes.count("COMMIT") == 1
        added = len(schema.NODE_PROPS["User"]) - 1  # every User column but the id
        created = len(schema.NODE_LABELS) - 1 + len(schema.REL_TYPES)  # every other table
        assert len(writes) == 2 + added + created
        statements.clear()
        store.init_schema()  # complete now: nothing to write, no transaction
        assert [t for t in statements if not t.startswith("CALL")] == []
        users = store.export_nodes("User", list(schema.NODE_PROPS["User"]))
        assert users.ids.tolist() == ["alice"]
        assert set(users.props) == set(schema.NODE_PROPS["User"]) - {"id"}
        assert set(store.counts()["relationships"]) == set(schema.REL_TYPES)
