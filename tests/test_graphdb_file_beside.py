"""``graphdb.file_beside``: files found in the folder of an embedded database."""

from __future__ import annotations

from pathlib import Path

import pytest

import graphdb


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")
    return path


def test_first_candidate_that_is_a_file(tmp_path: Path):
    db = tmp_path / "demo.lbdb"
    nested = _touch(tmp_path / "data" / "truth.json")
    assert graphdb.file_beside(db, "truth.json", Path("data", "truth.json")) == nested
    top = _touch(tmp_path / "truth.json")
    assert graphdb.file_beside(db, "truth.json", Path("data", "truth.json")) == top


def test_relative_database_path_is_resolved(tmp_path: Path, monkeypatch):
    _touch(tmp_path / "truth.json")
    monkeypatch.chdir(tmp_path)
    assert graphdb.file_beside("x.lbdb", "truth.json") == tmp_path.resolve() / "truth.json"


def test_nothing_found(tmp_path: Path):
    (tmp_path / "truth.json").mkdir()  # a folder is not a file
    assert graphdb.file_beside(tmp_path / "x.lbdb", "truth.json") is None


def test_server_uri_has_no_folder(tmp_path: Path, monkeypatch):
    # read as a path, "bolt://x" would be the file x in the folder "bolt:"
    _touch(tmp_path / "bolt:" / "truth.json")
    monkeypatch.chdir(tmp_path)
    assert graphdb.file_beside("bolt://x", "truth.json") is None


def test_analyze_authorities_default_truth(tmp_path: Path):
    from beautygraph.commands.authorities import _default_truth
    from beautygraph.errors import UserError

    db = str(tmp_path / "demo.lbdb")
    with pytest.raises(UserError, match="pass --truth truth.json"):
        _default_truth(db)
    nested = _touch(tmp_path / "data" / "truth.json")
    assert _default_truth(db) == nested
