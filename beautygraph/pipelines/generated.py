"""Generator pipeline: ``run_generate`` for the CLI and :func:`summarize` of what was planted
(the ``generator`` report section is :mod:`beautygraph.sections.generator`)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from beautygraph.errors import UserError, raise_invalid
from kernel.steps import Steps, as_steps

__all__ = ["GenerationSummary", "run_generate", "summarize"]


@dataclass(frozen=True)
class GenerationSummary:
    """Counts and planted effects of one generated community (from its ``truth.json``).

    ``out`` (the folder) and ``seconds`` (the generation time, to 0.01 s) are known only to
    a run (:func:`run_generate`); the rest comes from the truth dict, values as it holds
    them.  ``mean_out_degree`` is follows per user.
    """

    seed: int
    users: int
    weeks: int
    follows: int
    photos: int
    favorites: int
    topics: int
    bios: int
    mean_out_degree: float
    null_community: bool
    planted_influence: float
    realized_influence: float
    planted_churn_reduction: float
    authorities: int
    celebrities: int
    tail_accounts: int
    forlorn: int
    superstars: int
    images: int
    out: str | None = None
    seconds: float | None = None

    @classmethod
    def of_truth(
        cls, truth: dict[str, Any], out_dir: Path | None = None, seconds: float | None = None
    ) -> GenerationSummary:
        """The summary of a truth dict (``beautygraph.generate.generate``'s answer)."""
        p = truth["params"]
        counts = p.get("counts", {})
        follows = counts.get("follows", p["graph"]["edges"])
        return cls(
            seed=truth["seed"],
            users=truth["n_users"],
            weeks=truth["weeks"],
            follows=follows,
            photos=counts.get("photos", 0),
            favorites=counts.get("favorites", 0),
            topics=counts.get("topics", len(truth["authorities"])),
            bios=counts.get("bios", 0),
            mean_out_degree=follows / max(1, truth["n_users"]),
            null_community=bool(p.get("null", False)),
            planted_influence=p["influence"]["effect"],
            realized_influence=p["influence"]["realized_mean_effect"],
            planted_churn_reduction=p["churn"]["reduction"],
            authorities=sum(len(v) for v in truth["authorities"].values()),
            celebrities=len(truth["celebrities"]),
            tail_accounts=sum(len(v) for v in truth["tail_accounts"].values()),
            forlorn=len(truth["forlorn"]),
            superstars=len(truth["superstars"]),
            images=len(truth.get("images", {})),
            out=None if out_dir is None else str(out_dir),
            seconds=None if seconds is None else round(seconds, 2),
        )

    def to_json(self) -> dict[str, Any]:
        """The ``generate --json`` object: ``out`` first and ``seconds`` last, each only
        when known."""
        out: dict[str, Any] = {} if self.out is None else {"out": self.out}
        for f in fields(self):
            if f.name not in ("out", "seconds"):
                out[f.name] = getattr(self, f.name)
        if self.seconds is not None:
            out["seconds"] = self.seconds
        return out


def _check_out_dir(out_dir: Path, force: bool) -> None:
    """Refuse an ``out_dir`` that is a file, or a non-empty folder unless ``force``."""
    if out_dir.exists() and not out_dir.is_dir():
        raise_invalid("", "out_dir", str(out_dir), "exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise_invalid(
            "",
            "out_dir",
            str(out_dir),
            "is not empty: choose an empty or new folder, or force writing into it",
        )


def run_generate(
    out_dir: Path,
    n_users: int | None = None,
    seed: int | None = None,
    weeks: int | None = None,
    images: bool = False,
    image_sample: int | None = None,
    influence: bool = True,
    churn: bool = True,
    null: bool = False,
    config_file: Path | None = None,
    force: bool = False,
    steps: Steps | None = None,
) -> GenerationSummary:
    """Build the config (file, then options), refuse a non-empty ``out_dir`` unless
    ``force``, generate, and return a summary of counts and planted effects."""
    from beautygraph.generate import GeneratorConfig, generate

    out_dir = Path(out_dir)
    _check_out_dir(out_dir, force)
    overrides: dict[str, Any] = {"n_users": n_users, "seed": seed, "weeks": weeks}
    if images:
        overrides["images"] = True
    if image_sample is not None:
        overrides["image_sample"] = image_sample
    if not influence:
        overrides["influence"] = False
    if not churn:
        overrides["churn"] = False
    if null:
        overrides["null"] = True
    try:
        if config_file is not None:
            config = GeneratorConfig.from_toml(config_file, **overrides)
        else:
            config = GeneratorConfig(**{k: v for k, v in overrides.items() if v is not None})
        config.validate()
    except (ValueError, TypeError) as exc:
        raise UserError(f"bad generator configuration: {exc}") from exc
    except OSError as exc:
        raise_invalid("", "config_file", str(config_file), f"cannot be read: {exc}")

    steps = as_steps(steps)
    with steps("generating") as step:
        truth = generate(config, out_dir, steps=steps)
    return GenerationSummary.of_truth(truth, out_dir, step.seconds)


def summarize(
    truth: dict[str, Any], out_dir: Path | None = None, seconds: float | None = None
) -> dict[str, Any]:
    """Counts and the planted effects, from a truth dict (:class:`GenerationSummary` as a
    dict)."""
    return GenerationSummary.of_truth(truth, out_dir, seconds).to_json()
