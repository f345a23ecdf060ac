"""Report section ``recommenders``: the §7 simulation of the friend-of-friend recommenders
(Beautiful and damned) beside the paper's numbers.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from analysis.recommend_params import SIMULATION_DEFAULTS
from beautygraph.artifacts import Comparison, frame_to_html
from beautygraph.errors import UserError
from beautygraph.outputs.recommenders import recommenders_figure
from beautygraph.pipelines.recommend import (
    SimulationResult,
    recommend_params,
    simulate_recommenders,
)
from beautygraph.report import DemoContext, Section

log = logging.getLogger(__name__)


# -- report section ------------------------------------------------------------------------

_PAPER_ROWS = (
    ("popularity_ratio_cn_bb", "fav_recs(CN) / fav_recs(BB)", "≈ 5×", "{:.2f}×"),
    ("forlorn_gain_bb_vs_cn", "p_forlorn(BB) / p_forlorn(CN) − 1", "+49 %", "{:+.1%}"),
    ("imbalance_increase_cn", "|1 − b_ratio(CN)| − |1 − b_ratio(BB)|", "+2.35 %", "{:+.2%}"),
)


def _fmt(fmt: str, value: float) -> str:
    return "n/a" if not np.isfinite(value) else fmt.format(value)


def build_section(sim: SimulationResult, truth: dict | None = None) -> Section:
    """The ``recommenders`` report section: Fig. 12, the metric table, paper vs measured."""
    res = sim.result
    comparisons = []
    for key, quantity, paper, fmt in _PAPER_ROWS:
        e = res.comparisons.get(key)
        if e is None:
            continue
        measured = (
            f"{_fmt(fmt, e.value)} (95 % CI {_fmt(fmt, e.ci_low)} … {_fmt(fmt, e.ci_high)})"
            if np.isfinite(e.value)
            else f"not computable: {res.reasons.get(key, 'no value')}"
        )
        comparisons.append(
            Comparison(
                quantity=quantity,
                paper=paper,
                measured=measured,
                note=f"{res.n_sampled} sampled users, paired bootstrap",
                comparable="no: a generated community and a simulated acceptance model, "
                "not the paper's Flickr follower graph",
            )
        )
    headline: dict[str, Any] = {
        m: {k: v for k, v in row.items() if not k.endswith("_ci")}
        for m, row in sim.to_dict().items()
    }
    headline["comparisons"] = {k: e.value for k, e in res.comparisons.items()}
    headline["comparison_reasons"] = dict(res.reasons)
    headline["n_sampled"] = res.n_sampled
    body = [
        "<p>One recommendation per method for each sampled photographer (§7 of "
        "beautiful-and-damned): CN = most common neighbours, BB = highest beauty at distance 2 "
        f"within ±{res.tolerance:.0%} of the recipient's beauty, AA = Adamic–Adar. "
        f"{sim.n_forlorn} users are in the Forlorn-beauty class.</p>",
        frame_to_html(res.to_frame()),
    ]
    if truth and truth.get("forlorn"):
        planted = set(map(str, truth["forlorn"]))
        rows = []
        for m, (_, r) in res.pairs.items():
            share = float(np.mean([sim.ids[i] in planted for i in r])) if len(r) else float("nan")
            rows.append({"method": m, "share of recommendations in planted forlorn set": share})
        body.append("<p>Against the generator's planted Forlorn-beauty users:</p>")
        body.append(frame_to_html(pd.DataFrame(rows)))
    fig = recommenders_figure(sim)
    return Section(
        key="recommenders",
        title="Friend-of-friend recommenders (§7, Fig. 12)",
        headline=headline,
        html="\n".join(body),
        figures=[fig],
        comparisons=comparisons,
    )


def recommenders_section(ctx: DemoContext) -> Section:
    """Demo step: the §7 simulation on up to 20 000 sampled photographers.

    Without user beauty or user classes (the network step did not run) the section says so
    instead of failing."""
    import html as _html

    try:
        params = recommend_params(
            SIMULATION_DEFAULTS, sample=min(int(ctx.n_users or 20_000), 20_000), seed=int(ctx.seed)
        )
        sim = simulate_recommenders(ctx.store, params)
    except UserError as exc:
        log.warning("recommenders section skipped: %s", exc)
        return Section(
            key="recommenders",
            title="Friend-of-friend recommenders (§7, skipped)",
            headline={"skipped": str(exc)},
            html=f"<p>Skipped: {_html.escape(str(exc))}</p>",
        )
    ctx.recommenders = sim
    section = build_section(sim, getattr(ctx, "truth", None))
    return with_holdout(section, ctx)


#: users whose follows the demo hides (a sample keeps the step to seconds)
HOLDOUT_USERS = 500


def holdout_html(evaluation: dict[str, Any]) -> str:
    """The hold-out table: every recommender against hidden follows."""
    rows = [
        {
            "method": name + (" (learned, default)" if name == evaluation["default"] else ""),
            f"precision@{evaluation['k']}": m["precision"],
            f"recall@{evaluation['k']}": m["recall"],
            f"nDCG@{evaluation['k']}": m["ndcg"],
            f"Δ precision vs {evaluation['best_baseline']} (95 % CI)": (
                f"{m['diff_vs_best_baseline'][0]:+.4f} … {m['diff_vs_best_baseline'][1]:+.4f}"
            ),
            "forlorn share": m["forlorn_share"],
            "coverage": m["coverage"],
        }
        for name, m in evaluation["methods"].items()
    ]
    paired = (
        "both directions of a reciprocal pair hidden together"
        if evaluation["reciprocal_pairs_hidden_together"]
        else f"reciprocity {evaluation['reciprocity']:.2f}: pairs not hidden together"
    )
    return (
        "<p>Which recommender recovers real follows? A fifth of the follows of "
        f"{evaluation['n_users']:,} drawn users ({evaluation['n_hidden']:,} follows) was hidden "
        f"({paired}), and every recommender ranked accounts on the remaining graph "
        "(<code>analyze recommenders --holdout-follows</code>). Chance is the random row.</p>"
        + frame_to_html(pd.DataFrame(rows))
        + _balance_html(evaluation)
    )


def _balance_html(evaluation: dict[str, Any]) -> str:
    """What the beauty balance costs and buys here (empty without the curve)."""
    from analysis.linkpred.balance import KEEP_PRECISION

    if not evaluation.get("balance_curve"):
        return ""
    at = {p["beauty_balance"]: p for p in evaluation["balance_curve"]}
    base, used = at[0.0], at[evaluation["beauty_balance"]]
    bb = evaluation["methods"].get("bb", {}).get("forlorn_share")
    kept = used["precision"] / base["precision"] if base["precision"] else float("nan")
    return (
        f"<p>Beauty balance: <code>recommend</code> gives λ = "
        f"{evaluation['beauty_balance']:g} of each learned list's slots to forlorn beauties "
        f"(<code>learned_balanced</code>): {kept:.0%} of the λ = 0 precision, forlorn share "
        f"{used['forlorn_share']:.3f} against {base['forlorn_share']:.3f} at λ = 0"
        + (f" and {bb:.3f} for BB±10" if bb is not None else "")
        + f"; on this graph the largest λ keeping {KEEP_PRECISION:.0%} is "
        f"{evaluation['suggested_balance']:g} (figure).</p>"
    )


def with_holdout(section: Section, ctx: DemoContext) -> Section:
    """``section`` with the hold-out evaluation beside the simulation (its table, figure and
    ``holdout`` in the headline); unchanged, with the reason logged, when it cannot run."""
    from dataclasses import replace

    from beautygraph.outputs.recommenders import balance_figure, holdout_figure
    from beautygraph.pipelines.recommend_holdout import evaluate_holdout

    try:
        evaluation = evaluate_holdout(
            ctx.store, 0.2, 10, n_users=HOLDOUT_USERS, seed=int(ctx.seed)
        ).to_json()
    except UserError as exc:
        log.warning("recommenders hold-out skipped: %s", exc)
        return section
    headline = {**section.headline, "holdout": evaluation}
    return replace(
        section,
        headline=headline,
        html=section.html + "\n" + holdout_html(evaluation),
        figures=[
            *section.figures,
            holdout_figure(evaluation),
            *([balance_figure(evaluation)] if evaluation.get("balance_curve") else []),
        ],
    )
