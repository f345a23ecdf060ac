"""Very long fields in input CSV files: a 5 MB biography loads on both backends (on one
line or spread over many quoted lines); a row above the limit is refused with its
``file:line``, the limit and the variable that raises it; never a traceback."""

from __future__ import annotations

import csv

import pytest

from beautygraph.cli import main
from graphdb.errors import GraphDBError, ValidationFailed
from graphdb.loader import load_folder

#: the variable that sets the largest row accepted, in MB (named in the error's hint)
MAX_ROW_ENV = "BEAUTYGRAPH_MAX_ROW_MB"

#: five megabytes and a little more: above Arrow's 1 MB block and csv's 128 KiB field limit
FIVE_MB = 5 * (1 << 20) + 17


def _users(tiny_dir) -> list[list[str]]:
    with open(tiny_dir / "users.csv", newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _write_users(tiny_dir, rows: list[list[str]]) -> None:
    with open(tiny_dir / "users.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)


def _with_bio(tiny_dir, row: int, bio: str) -> str:
    """Give the user on data row ``row`` (1 = first after the header) ``bio``; returns
    that user's id."""
    rows = _users(tiny_dir)
    col = rows[0].index("bio")
    rows[row][col] = bio
    _write_users(tiny_dir, rows)
    return rows[row][0]


def _long_text(size: int, line: int | None = None) -> str:
    """``size`` characters of words; a newline every ``line`` characters if given."""
    unit = "golden hour portraits and long exposures "
    text = (unit * (size // len(unit) + 1))[:size]
    if line:
        text = "\n".join(text[i : i + line] for i in range(0, size, line))
    return text


def _stored_bio(store, user: str) -> str:
    return store.query("MATCH (u:User) WHERE u.id = $id RETURN u.bio AS bio", {"id": user})[0][
        "bio"
    ]


@pytest.mark.parametrize("line", [None, 100], ids=["one line", "many quoted lines"])
def test_a_five_megabyte_bio_loads_whole(store, tiny_dir, line):
    n_users = len(_users(tiny_dir)) - 1
    bio = _long_text(FIVE_MB, line)
    user = _with_bio(tiny_dir, 2, bio)
    counts = load_folder(store, tiny_dir)
    assert counts.nodes["User"] == n_users
    stored = _stored_bio(store, user)
    assert len(stored) == len(bio) and stored == bio


@pytest.mark.parametrize(
    ("size", "line"), [(3 << 20, None), (9 << 19, 100)], ids=["one line", "many quoted lines"]
)
def test_a_row_above_the_limit_is_refused_with_file_line_limit_and_how_to_raise_it(
    tmp_path, tiny_dir, monkeypatch, capsys, size, line
):
    monkeypatch.setenv(MAX_ROW_ENV, "2")
    _with_bio(tiny_dir, 3, _long_text(size, line))  # data row 3 starts on line 4 of the file
    db = tmp_path / "new.lbdb"
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(db), "load", str(tiny_dir)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "field larger than field limit" not in err
    problem = next(text for text in err.splitlines() if text.startswith("users.csv:"))
    assert problem.startswith("users.csv:4: ")
    row_mb = (size + (size // line if line else 0)) / (1 << 20)  # the bio and its newlines
    assert f"a row of {row_mb:.1f} MB" in problem and "the 2 MB" in problem
    hint = next(text for text in err.splitlines() if text.startswith("hint:"))
    assert f"{MAX_ROW_ENV}={int(row_mb) + 1}" in hint
    assert list(tmp_path.glob("new.lbdb*")) == []  # nothing was written


def test_raising_the_limit_loads_that_row(store, tiny_dir, monkeypatch):
    monkeypatch.setenv(MAX_ROW_ENV, "2")
    bio = _long_text(3 * (1 << 20))
    user = _with_bio(tiny_dir, 3, bio)
    with pytest.raises(ValidationFailed):
        load_folder(store, tiny_dir)
    monkeypatch.setenv(MAX_ROW_ENV, "4")
    load_folder(store, tiny_dir)
    assert _stored_bio(store, user) == bio


@pytest.mark.parametrize("value", ["lots", "0", "0.5", "-3", "5000"])
def test_a_wrong_limit_is_one_clear_error(store, tiny_dir, monkeypatch, value):
    monkeypatch.setenv(MAX_ROW_ENV, value)
    with pytest.raises(GraphDBError, match=f"{MAX_ROW_ENV}=.*in MB"):
        load_folder(store, tiny_dir)


def test_a_malformed_row_with_a_long_field_is_located_not_a_traceback(store, tiny_dir):
    """Python's csv module (which locates a malformed row) stops at 128 KiB fields by
    default; a long field on a row with one field too many must still be reported."""
    rows = _users(tiny_dir)
    rows[2] = [*rows[2][:-1], _long_text(300_000), "one field too many"]
    _write_users(tiny_dir, rows)
    with pytest.raises(ValidationFailed) as info:
        load_folder(store, tiny_dir)
    assert len(info.value.problems) == 1
    assert info.value.problems[0].startswith("users.csv:3: -: malformed CSV: expected 3")
