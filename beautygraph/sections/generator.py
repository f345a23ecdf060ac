"""Report section ``generator``: what the synthetic data planted, with the paper's values
beside the measured ones."""

from __future__ import annotations

import html
import logging

from beautygraph.artifacts import Comparison, frame_to_html
from beautygraph.pipelines.generated import summarize
from beautygraph.report import DemoContext, Section

log = logging.getLogger(__name__)


def generator_section(ctx: DemoContext) -> Section | None:
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
    target_of = "no: a generator target (synthetic data tuned to the paper's value)"
    comparisons = [
        Comparison(
            "influence: Δb treatment − control (§6.2.3, Fig. 9)",
            "+2 %",
            f"planted {inf['effect']:+.1%}",
            "mean planted multiplier over treated units",
            "no: the planted value, not a measurement",
        ),
        Comparison(
            "churn: p_inact ratio, n = 1 → 12 weeks (Fig. 11)",
            "+5 % → +20 %",
            "planted target " + " → ".join(f"{float(v) - 1:+.0%}" for v in target.values()),
            f"while δ ≥ {ch['threshold']}: upload probability × (1 − {ch['reduction']}·"
            f"(q/q̄)^{ch.get('activity_exponent', 0)}), dormancy hazard × "
            f"(1 + {ch.get('dormancy_increase', 0)})",
            "no: the planted value, not a measurement",
        ),
        Comparison(
            "mean user beauty (Fig. 5)", "0.26", f(stats["mean_user_beauty"]), "", target_of
        ),
        Comparison(
            "Gini of favourites over photos (per photo) vs. of user beauty (Fig. 5)",
            "0.98 vs 0.29",
            f"{f(stats['gini_favorites_per_photo'])} vs {f(stats['gini_user_beauty'])}",
            "per photo; the network section's Gini is over users' favourites per photo",
            target_of,
        ),
        Comparison(
            "Spearman beauty–indegree / outdegree (Fig. 6)",
            ".22 / .24",
            f"{f(stats['spearman_beauty_indegree'])} / {f(stats['spearman_beauty_outdegree'])}",
            "",
            target_of,
        ),
        Comparison(
            "beauty assortativity: user-level Spearman own vs. followees' beauty",
            "— (the paper's 0.48 is the binned-curve ρ of Fig. 7, see the network section)",
            f"{f(stats['assortativity'])} (reshuffled {f(stats['assortativity_reshuffled'])})",
            "the generator's target for the assortative kernel",
            "no: a different statistic from the paper's",
        ),
        Comparison(
            "Spearman beauty–favourites received (§6.1)",
            ".17",
            f(stats["spearman_beauty_favorites"]),
            "",
            target_of,
        ),
        Comparison(
            "mean out-degree",
            "broad, heavy-tailed",
            f"{stats['mean_out_degree']:.1f} "
            f"(max in {stats['max_in_degree']}, out {stats['max_out_degree']})",
            "",
            target_of,
        ),
    ]
    if truth["params"].get("null"):
        comparisons.insert(
            0,
            Comparison(
                "null community",
                "—",
                "beauty independent of graph, activity and favourites",
                "no influence, no churn, no superstars or forlorn beauties: every finding "
                "of the later sections should read as chance",
                "no: a null model",
            ),
        )
    config = truth["params"]["config"]
    rows: list[dict[str, str]] = []
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
