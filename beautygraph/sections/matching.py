"""Report section ``matching``: the matching experiments of Beautiful and damned §6.2.3
(Q4 "beauty inspires beauty", Q5 "imbalance kills") with the planted effects.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from analysis.matching import (
    MatchingConfig,
    talent_normalised_effect,
)
from beautygraph.artifacts import Comparison, frame_to_html
from beautygraph.outputs.matching import matching_figures, write_matching
from beautygraph.pipelines.matching import SYNTHETIC_CHECK, MatchingRun, analyze_matching
from beautygraph.report import DemoContext, Section
from beautygraph.strict_json import to_plain

log = logging.getLogger(__name__)


def _truth_rows(run: MatchingRun, truth: dict) -> tuple[list[Comparison], dict]:
    """Planted values (truth["params"]) beside the measured ones."""
    params = truth.get("params", {}) if isinstance(truth, dict) else {}
    rows: list[Comparison] = []
    head: dict[str, Any] = {}
    inf = params.get("influence") or {}
    m = run.result.influence.main
    if inf:
        planted = inf.get("realized_mean_effect_uploading_next_week", inf.get("effect", 0.0))
        planted = float(planted) if inf.get("enabled", True) else 0.0
        covered = m.adjusted_ci_low <= planted <= m.adjusted_ci_high
        rows.append(
            Comparison(
                "planted influence (generator) vs. measured",
                "—",
                f"planted {100 * planted:+.2f} %; measured {100 * m.adjusted_effect:+.2f} % "
                f"(adjusted), {100 * m.effect:+.2f} % (Eq. 4)",
                "inside the adjusted CI" if covered else "outside the adjusted CI",
                SYNTHETIC_CHECK,
            )
        )
        head["influence"] = {
            "planted": planted,
            "covered_adjusted": bool(covered),
            "covered_eq4": bool(m.ci_low <= planted <= m.ci_high),
        }
        talent = truth.get("talent") or {}
        if talent and run.user_ids is not None and run.result.influence.units is not None:
            values = np.array([float(talent.get(str(u), np.nan)) for u in run.user_ids])
            oracle = talent_normalised_effect(run.data, run.result.influence.units, m, values)
            rows.append(
                Comparison(
                    "planted effect on the compared units (true talents) vs. measured",
                    "—",
                    f"planted {100 * oracle:+.2f} %; measured {100 * m.effect:+.2f} % "
                    f"[{100 * m.ci_low:+.2f}, {100 * m.ci_high:+.2f}]",
                    "inside the Eq. 4 CI" if m.ci_low <= oracle <= m.ci_high else "outside the CI",
                    SYNTHETIC_CHECK,
                )
            )
            head["influence"]["oracle_on_units"] = oracle
    ch = params.get("churn") or {}
    im = run.result.imbalance
    target = ch.get("target_inactivity_ratio") or {}
    head_churn = {}
    for key, val in target.items():
        n = int(key)
        k = int(np.searchsorted(im.weeks, n))
        if k < len(im.weeks) and im.weeks[k] == n:
            val = float(val) if ch.get("enabled", True) else 1.0
            cov = bool(im.ci_low[k] <= val <= im.ci_high[k])
            rows.append(
                Comparison(
                    f"planted inactivity ratio, n = {n} (generator) vs. measured",
                    "—",
                    f"planted {val:.2f}; measured {im.ratio[k]:.2f} "
                    f"[{im.ci_low[k]:.2f}, {im.ci_high[k]:.2f}]",
                    "covered" if cov else "not covered",
                    SYNTHETIC_CHECK,
                )
            )
            head_churn[str(n)] = {"planted": val, "measured": float(im.ratio[k]), "covered": cov}
    if head_churn:
        head["churn"] = head_churn
    return rows, head


def matching_section(ctx: DemoContext) -> Section | None:
    """Report section "Matching experiments" (§6.2.3); result in ``ctx.matching``."""
    run = analyze_matching(ctx.store, MatchingConfig(seed=int(ctx.seed)), steps=ctx.steps)
    ctx.matching = run
    with ctx.steps("figures"):
        figures = matching_figures(run.result)
    write_matching(run, Path(ctx.out_dir) / "matching", figures)
    r = run.result
    head = run.headline()
    headline = {
        "influence": head["influence"],
        "max_abs_sb": head["max_abs_sb"],
        "mean_abs_sb": head["mean_abs_sb"],
        "by_links": head["by_links"],
        "inactivity_ratio": head["inactivity_ratio"],
    }
    comparisons = run.comparisons(synthetic=bool(ctx.truth))
    if ctx.truth:
        rows, truth_head = _truth_rows(run, ctx.truth)
        comparisons += rows
        headline["truth"] = truth_head
    im = r.imbalance
    html = (
        "<p>Units are (user, week) pairs of users with ≥ "
        f"{r.config.min_followees} followees and uploads in ≥ {r.config.min_active_weeks} "
        "distinct earlier weeks; covariates are measured at the start of the week and the "
        "control group is pruned until every |SB| ≤ "
        f"{r.config.threshold} (§6.2.2). Q4: {r.influence.n_units:,} eligible units, of "
        f"which {r.influence.main.n_treatment:,} treated and {r.influence.main.n_control:,} "
        "balanced controls are compared; Q5: "
        f"{im.n_units:,} units ({im.n_treatment:,} imbalanced, {im.n_control:,} balanced "
        "controls). Confidence intervals are "
        + ("two-way clustered by user and week" if r.config.cluster_week else "clustered by user")
        + ". The placebo compares the "
        "groups on b_w/b̄_w, the week of the link creation, where no influence can act yet; "
        "it measures the regression to the mean that selecting on b̄_w puts into Eq. 4.</p>"
        "<h3>Table 1 — standardised bias (Q4)</h3>"
        + frame_to_html(r.influence.balance_frame())
        + "<h3>Influence experiments (Fig. 9–10)</h3>"
        + frame_to_html(r.influence.to_frame().drop(columns=["note"]))
        + "<h3>Inactivity (Fig. 11)</h3>"
        + frame_to_html(im.to_frame())
    )
    return Section(
        key="matching",
        title="Matching experiments (beautiful-and-damned §6.2)",
        headline=to_plain(headline),
        html=html,
        figures=figures,
        comparisons=comparisons,
    )
