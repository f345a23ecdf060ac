"""Generator pipeline: ``run_generate`` for the CLI and :func:`summarize` of what was planted
(the ``generator`` report section is :mod:`beautygraph.sections.generator`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from beautygraph.errors import UserError
from kernel.steps import Steps, as_steps


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
) -> dict[str, Any]:
    """Build the config (file, then options), refuse a non-empty ``out_dir`` unless
    ``force``, generate, and return a summary of counts and planted effects."""
    from beautygraph.generate import GeneratorConfig, generate

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"--out {str(out_dir)!r} exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise UserError(f"--out {str(out_dir)!r} is not empty; use --force to write into it")
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
        raise UserError(f"cannot read --config {config_file}: {exc}") from exc

    steps = as_steps(steps)
    with steps("generating") as step:
        truth = generate(config, out_dir, steps=steps)
    return summarize(truth, out_dir, step.seconds)


def summarize(
    truth: dict[str, Any], out_dir: Path | None = None, seconds: float | None = None
) -> dict[str, Any]:
    """Counts and the planted effects, from a truth dict."""
    p = truth["params"]
    counts = p.get("counts", {})
    out: dict[str, Any] = {}
    if out_dir is not None:
        out["out"] = str(out_dir)
    out.update(
        {
            "seed": truth["seed"],
            "users": truth["n_users"],
            "weeks": truth["weeks"],
            "follows": counts.get("follows", p["graph"]["edges"]),
            "photos": counts.get("photos", 0),
            "favorites": counts.get("favorites", 0),
            "topics": counts.get("topics", len(truth["authorities"])),
            "bios": counts.get("bios", 0),
            "mean_out_degree": counts.get("follows", p["graph"]["edges"])
            / max(1, truth["n_users"]),
            "null_community": bool(p.get("null", False)),
            "planted_influence": p["influence"]["effect"],
            "realized_influence": p["influence"]["realized_mean_effect"],
            "planted_churn_reduction": p["churn"]["reduction"],
            "authorities": sum(len(v) for v in truth["authorities"].values()),
            "celebrities": len(truth["celebrities"]),
            "tail_accounts": sum(len(v) for v in truth["tail_accounts"].values()),
            "forlorn": len(truth["forlorn"]),
            "superstars": len(truth["superstars"]),
            "images": len(truth.get("images", {})),
        }
    )
    if seconds is not None:
        out["seconds"] = round(seconds, 2)
    return out
