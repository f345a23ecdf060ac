"""One home for the parameters of ``score beauty``: :class:`scoring.params.ScoringParams`
holds the defaults and the rules; the command's options are tested against it, and both
engines (the local loop and Spark) take it whole."""

from __future__ import annotations

import pytest

from beautygraph.commands.score import beauty_cmd
from beautygraph.errors import UserError
from beautygraph.pipelines.scoring import score_store, scoring_params
from scoring.params import DEVICES, ScoringParams


def _option(name: str):
    return next(p for p in beauty_cmd.params if p.name == name)


def test_the_command_options_are_the_params_defaults(monkeypatch):
    import click

    monkeypatch.delenv("BEAUTYGRAPH_MODEL", raising=False)
    ctx = click.Context(beauty_cmd)
    defaults = ScoringParams()
    for name in ("model", "device", "batch", "workers", "overwrite", "only_missing"):
        got = _option(name).get_default(ctx)
        assert (bool(got) if isinstance(getattr(defaults, name), bool) else got) == getattr(
            defaults, name
        ), name
    assert set(_option("device").type.choices) == set(DEVICES)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"batch": 0}, "batch=0 must be an integer >= 1"),
        ({"batch": True}, "batch=True must be an integer >= 1"),
        ({"write_every": 0}, "write_every=0"),
        ({"workers": -1}, "workers=-1 must be an integer >= 0"),
        ({"device": "tpu"}, "device='tpu' must be one of auto, cpu, cuda"),
        (
            {"overwrite": True, "only_missing": True},
            "overwrite=True and only_missing=True contradict",
        ),
    ],
)
def test_each_rule_names_the_offending_value(values, message):
    with pytest.raises(ValueError, match=message):
        ScoringParams(**values)
    with pytest.raises(UserError, match=message):
        scoring_params(**values)


def test_every_broken_rule_is_reported_at_once():
    with pytest.raises(ValueError) as exc:
        ScoringParams(batch=0, workers=-2, device="x")
    assert str(exc.value).count(";") == 2


def test_the_store_is_untouched_by_invalid_params(tiny_store):
    before = tiny_store.export_nodes("Photo", ["beauty", "beauty_source"]).props
    with pytest.raises(UserError, match="contradict"):
        score_store(tiny_store, "brisque", overwrite=True, only_missing=True)
    with pytest.raises(UserError, match="batch=0"):
        score_store(tiny_store, params=None, batch=0)
    after = tiny_store.export_nodes("Photo", ["beauty", "beauty_source"]).props
    assert list(after["beauty_source"]) == list(before["beauty_source"])
