"""Report section ``alf``: topical authorities — bio matcher quality, authorities and
Table 6 beside the paper (ALF, §4–6)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np

from analysis.alf.evaluation import (
    PAPER_TABLE6,
)
from analysis.bio_interests import evaluate_matches
from beautygraph.artifacts import Comparison, Figure, frame_to_html
from beautygraph.errors import UserError
from beautygraph.pipelines.alf import evaluate_authorities, run_authorities
from beautygraph.report import DemoContext, Section

log = logging.getLogger(__name__)


# -- report -------------------------------------------------------------------------------------


def _fmt(x: float) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{x:.2f}"


def alf_section(ctx: DemoContext) -> Section | None:
    """Report section: bio matcher quality, authorities, Table 6 beside the paper."""
    from analysis.plots.alf import plot_log_f_qq, plot_table6, plot_topical_fractions

    try:
        run = run_authorities(ctx.store)
    except UserError as exc:  # no topics, or no bio mentions a topic: nothing to report
        log.warning("ALF section skipped: %s", exc)
        return None
    ctx.alf = run
    headline: dict[str, Any] = {
        "users_with_bio_interests": run.bio.n_with_interests if run.bio else 0,
        "authorities": int((run.result.topic >= 0).sum()),
        "topics_with_authorities": int(sum(1 for r in run.result.ranked if len(r))),
        "fp1_removed": int(run.result.fp1_removed.sum()),
        "fp2_removed": int(run.result.fp2_removed.sum()),
    }
    comparisons: list[Comparison] = []
    figures: list[Figure] = []
    parts: list[str] = []
    truth = ctx.truth
    if truth and run.bio is not None and isinstance(truth.get("interests"), Mapping):
        ms = evaluate_matches(run.bio.frame, truth["interests"], users=run.bio.bio_users)
        headline["bio_precision"] = ms.precision
        headline["bio_recall_of_interests"] = ms.recall
        comparisons.append(
            Comparison(
                "bio interests: precision",
                "high-precision (§4.1)",
                _fmt(ms.precision),
                "matcher vs. truth interests, users with a bio",
            )
        )
        if isinstance(truth.get("bio_topics"), Mapping):
            mm = evaluate_matches(run.bio.frame, truth["bio_topics"], users=run.bio.bio_users)
            headline["bio_recall_of_mentions"] = mm.recall
            comparisons.append(
                Comparison(
                    "bio interests: recall of mentioned topics",
                    "-",
                    _fmt(mm.recall),
                    "a bio mentions only some "
                    "interests; recall of all interests "
                    f"{_fmt(ms.recall)}",
                )
            )
    if truth and isinstance(truth.get("authorities"), Mapping) and truth["authorities"]:
        k = 200
        table = evaluate_authorities(ctx.store, truth, k=k)
        ctx.alf_table6 = table
        names = {"alf": "ALF", "no_weighting": "No weighting", "pagerank": "PageRank"}
        for m, s in table.scores.items():
            pp = PAPER_TABLE6[names[m]]
            headline[m] = {"precision": s.precision, "recall": s.recall, "f1": s.f1}
            comparisons.append(
                Comparison(f"{names[m]} precision@{k}", f"{pp[0]:.2f}", _fmt(s.precision))
            )
            comparisons.append(Comparison(f"{names[m]} recall@{k}", f"{pp[1]:.2f}", _fmt(s.recall)))
        parts.append(frame_to_html(table.to_frame()))
        figures.append(
            Figure.from_matplotlib(
                plot_table6(table), "alf_table6", "Precision and recall@k (Table 6)"
            )
        )
    best_t = int(np.argmax([len(r) for r in run.result.ranked])) if run.result.ranked else -1
    F = run.result.F  # None only for topic-blocked runs, which the demo does not use
    if F is not None and best_t >= 0 and len(run.result.ranked[best_t]):
        tname = str(run.graph.topic_ids[best_t])
        figures.append(
            Figure.from_matplotlib(
                plot_log_f_qq(F[:, best_t], topic=tname),
                "alf_logF_qq",
                f"Quantile plot of log F for topic {tname} (Fig. 4, Observation 2)",
            )
        )
        top_user = int(run.result.ranked[best_t][0])
        figures.append(
            Figure.from_matplotlib(
                plot_topical_fractions(
                    F[top_user],
                    run.graph.topic_ids,
                    title=f"{run.graph.user_ids[top_user]}",
                ),
                "alf_topical_fractions",
                "Topical follower fractions of the top authority (Fig. 2)",
            )
        )
    summary = run.result.summary_frame(run.graph.topic_ids)
    parts.append(frame_to_html(summary.head(30)))
    return Section(
        key="alf",
        title="Topical authorities (ALF)",
        headline=headline,
        html="\n".join(parts),
        figures=figures,
        comparisons=comparisons,
    )
