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
    return build_section(sim, getattr(ctx, "truth", None))
