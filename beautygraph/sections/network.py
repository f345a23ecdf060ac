"""Report section ``network``: beauty on the network (Beautiful and damned §5, §6.1, §7),
with the planted values beside the measured ones when the data came from the generator.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from beautygraph.artifacts import Comparison, Figure, frame_to_html
from beautygraph.outputs.network import network_figures, write_network
from beautygraph.pipelines.network import analyze_network
from beautygraph.pipelines.network_result import NetworkResult, _f, _pct
from beautygraph.report import DemoContext, Section

log = logging.getLogger(__name__)


# -- report -----------------------------------------------------------------------------------


_SYNTHETIC_CHECK = "no: planted value vs. measured (a check of the pipeline, not the paper)"


def _truth_rows(result: NetworkResult, truth: dict) -> tuple[list[Comparison], dict[str, Any]]:
    """Measured vs. planted values when the data came from the generator."""
    from scipy import stats

    rows: list[Comparison] = []
    head: dict[str, Any] = {}
    index = {u: i for i, u in enumerate(result.user_ids)}
    talent = truth.get("talent") or {}
    if talent:
        ids = [u for u in talent if u in index]
        idx = np.array([index[u] for u in ids], dtype=np.int64)
        tal = np.array([float(talent[u]) for u in ids])
        b = result.beauty[idx]
        ok = np.isfinite(b)
        if ok.sum() > 2:
            head["talent_mean"] = float(tal.mean())
            head["beauty_talent_spearman"] = float(stats.spearmanr(b[ok], tal[ok]).statistic)
            head["talent_indegree_spearman"] = float(
                stats.spearmanr(tal[ok], result.indegree[idx][ok]).statistic
            )
            rows.append(
                Comparison(
                    "mean talent (planted) vs. mean user beauty",
                    _f(head["talent_mean"]),
                    _f(result.inequality.distribution.mean),
                    "generator truth",
                    _SYNTHETIC_CHECK,
                )
            )
            rows.append(
                Comparison(
                    "Spearman talent vs. in-degree (planted) vs. beauty vs. in-degree",
                    _f(head["talent_indegree_spearman"]),
                    _f(result.connectivity.rho("indegree")),
                    "generator truth",
                    _SYNTHETIC_CHECK,
                )
            )
    for key, name in (("forlorn", "Forlorn beauty"), ("superstars", "Superstar")):
        planted = [index[u] for u in truth.get(key) or [] if u in index]
        if planted and name in result.classes.names:
            c = result.classes.index_of(name)
            hit = float(np.mean(result.classes.labels[np.array(planted)] == c))
            head[f"planted_{key}_in_class"] = hit
            rows.append(
                Comparison(
                    f"planted {key} found in class {name}",
                    "—",
                    _pct(hit),
                    "generator truth",
                    _SYNTHETIC_CHECK,
                )
            )
    return rows, head


def _nulls_html(result: NetworkResult) -> str:
    """The findings against their permutation nulls, as a table with the verdict."""
    if not result.nulls:
        return "<p>No permutation nulls were computed (--null 0).</p>"
    first = next(iter(result.nulls.values()))
    frame = pd.DataFrame(
        [
            {
                "statistic": name,
                "value": t.value,
                "null mean": t.null_mean,
                "null 2.5 %": t.null_low,
                "null 97.5 %": t.null_high,
                "p (two-sided)": t.p_value,
                "verdict": t.words(),
            }
            for name, t in result.nulls.items()
        ]
    )
    return (
        "<h3>Findings against chance</h3>"
        f"<p>Each statistic is recomputed on {first.permutations} seeded permutations of "
        "beauty over the users that have one (graph, degrees and the set of scored users "
        "fixed); p is two-sided with the +1 correction. A value inside the band is "
        "<em>indistinguishable from chance</em>, however close it is to the paper's.</p>"
        + frame_to_html(frame)
    )


def section_from_result(
    result: NetworkResult, truth: dict | None = None, figures: Sequence[Figure] | None = None
) -> Section:
    """The report section of a finished analysis (with planted values when ``truth``);
    ``figures`` default to :func:`beautygraph.outputs.network.network_figures`."""
    if figures is None:
        figures = network_figures(result)
    headline = result.headline()
    comparisons = result.comparisons(synthetic=bool(truth))
    if truth:
        rows, head = _truth_rows(result, truth)
        comparisons += rows
        headline["truth"] = head
    check = ", ".join(f"{k}: {v:.1e}" for k, v in result.check.items())
    body = (
        "<p>User beauty (mean photo beauty) and neighbour beauty (mean beauty of followees) "
        "are computed by Cypher (<code>cypher/user_beauty.cypher</code>, "
        "<code>cypher/neighbor_beauty.cypher</code>) and written as <code>User.beauty</code> / "
        "<code>User.neighbor_beauty</code>; the numpy recomputation on the exported arrays "
        f"agrees (max |difference|: {check}).</p>"
        + _nulls_html(result)
        + "<h3>User classes (Tables 2–3)</h3>"
        + f"<p>{html.escape(result.k_words())}.</p>"
        + frame_to_html(result.classes.to_frame())
        + "<h3>Connectivity (Q1)</h3>"
        + frame_to_html(result.connectivity.to_frame())
        + "<h3>Majority illusion (Q2)</h3>"
        + frame_to_html(result.majority.to_frame())
    )
    return Section(
        key="network",
        title="Beauty on the network (beautiful-and-damned §5–7)",
        headline=headline,
        html=body,
        figures=list(figures),
        comparisons=comparisons,
    )


def network_section(ctx: DemoContext) -> Section | None:
    """Report section "Beauty on the network" (§5, §6.1, §7); result in ``ctx.network``."""
    result = analyze_network(ctx.store, seed=ctx.seed, steps=ctx.steps)
    ctx.network = result
    with ctx.steps("figures"):
        figures = network_figures(result)
    write_network(result, Path(ctx.out_dir) / "network", figures)
    return section_from_result(result, ctx.truth, figures)
