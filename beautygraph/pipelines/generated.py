"""Generator pipeline: ``run_generate`` for the CLI and the report section stating what
was planted (issue 3)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from beautygraph.errors import UserError
from beautygraph.report import Comparison, Section, frame_to_html, register_section
from beautygraph.steps import Steps, as_steps


def run_generate(
    out_dir: Path,
    n_users: int | None = None,
    seed: int | None = None,
    weeks: int | None = None,
    images: bool = False,
    image_sample: int | None = None,
    influence: bool = True,
    churn: bool = True,
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


@register_section("generator", order=5)
def generator_section(ctx) -> Section | None:
    """What the synthetic data planted, with the paper's values beside the measured ones."""
    if ctx.truth is None:
        return None
    import pandas as pd

    from beautygraph.generate.measure import describe_folder

    truth = ctx.truth
    summary = summarize(truth)
    inf, ch = truth["params"]["influence"], truth["params"]["churn"]
    stats = describe_folder(ctx.data_dir, seed=ctx.seed)
    target = ch["target_inactivity_ratio"]
    headline = {
        "users": summary["users"],
        "follows": summary["follows"],
        "photos": summary["photos"],
        "favorites": summary["favorites"],
        "planted_influence": inf["effect"],
        "influence_enabled": inf["enabled"],
        "churn_enabled": ch["enabled"],
        "churn_reduction": ch["reduction"],
        "churn_target_ratio": target,
        "authorities": summary["authorities"],
        "celebrities": summary["celebrities"],
        "tail_accounts": summary["tail_accounts"],
    }
    f = "{:.3f}".format
    comparisons = [
        Comparison(
            "influence: Δb treatment − control (§6.2.3, Fig. 9)",
            "+2 %",
            f"planted {inf['effect']:+.1%}",
            "mean planted multiplier over treated units",
        ),
        Comparison(
            "churn: p_inact ratio, n = 1 → 12 weeks (Fig. 11)",
            "+5 % → +20 %",
            "planted target " + " → ".join(f"{float(v) - 1:+.0%}" for v in target.values()),
            f"while δ ≥ {ch['threshold']}: upload probability × (1 − {ch['reduction']}·"
            f"(q/q̄)^{ch.get('activity_exponent', 0)}), dormancy hazard × "
            f"(1 + {ch.get('dormancy_increase', 0)})",
        ),
        Comparison("mean user beauty (Fig. 5)", "0.26", f(stats["mean_user_beauty"])),
        Comparison(
            "Gini favourites per photo vs. user beauty (Fig. 5)",
            "0.98 vs 0.29",
            f"{f(stats['gini_favorites_per_photo'])} vs {f(stats['gini_user_beauty'])}",
        ),
        Comparison(
            "Spearman beauty–indegree / outdegree (Fig. 6)",
            ".22 / .24",
            f"{f(stats['spearman_beauty_indegree'])} / {f(stats['spearman_beauty_outdegree'])}",
        ),
        Comparison(
            "assortativity, Spearman (Fig. 7)",
            "0.48, lost when reshuffled",
            f"{f(stats['assortativity'])} (reshuffled {f(stats['assortativity_reshuffled'])})",
        ),
        Comparison(
            "Spearman beauty–favourites received (§6.1)",
            ".17",
            f(stats["spearman_beauty_favorites"]),
        ),
        Comparison(
            "mean out-degree",
            "broad, heavy-tailed",
            f"{stats['mean_out_degree']:.1f} "
            f"(max in {stats['max_in_degree']}, out {stats['max_out_degree']})",
        ),
    ]
    config = truth["params"]["config"]
    rows = []
    for section, values in config.items():
        if isinstance(values, dict):
            rows.extend({"parameter": f"{section}.{k}", "value": str(v)} for k, v in values.items())
        else:
            rows.append({"parameter": section, "value": str(values)})
    body = (
        f"<p>Synthetic community: seed {truth['seed']}, {truth['n_users']:,} users, "
        f"{truth['weeks']} weeks from {html.escape(truth['start'])}. Planted influence: "
        f"{html.escape(inf['definition'])}. Planted churn: {html.escape(ch['definition'])}.</p>"
        "<details><summary>every generator parameter</summary>"
        + frame_to_html(pd.DataFrame(rows))
        + "</details>"
    )
    return Section(
        key="generator",
        title="Synthetic data: planted parameters",
        headline=headline,
        html=body,
        comparisons=comparisons,
    )
