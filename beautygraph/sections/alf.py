"""Report section ``alf``: topical authorities — bio matcher quality, authorities and
Table 6 beside the paper (ALF, §4–6)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np

from analysis.alf.table6 import (
    PAPER_TABLE6,
)
from analysis.bio_interests import evaluate_matches
from beautygraph.artifacts import NO_PAPER_FIGURE, Comparison, Figure, frame_to_html
from beautygraph.errors import UserError
from beautygraph.pipelines.alf import evaluate_authorities, evaluate_follow_links, run_authorities
from beautygraph.report import DemoContext, Section

log = logging.getLogger(__name__)


# -- report -------------------------------------------------------------------------------------


#: Table 6 rows: scored against the generator's truth, not the paper's
TABLE6_NOT_COMPARABLE = (
    "no: the truth here is the generator's planted authorities, not the paper's Instagram "
    "ground truth"
)


#: the seed interests of the paper (§4.1): biographies
PAPER_SOURCES = ("bio",)


def _fmt(x: float) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{x:.2f}"


def alf_section(ctx: DemoContext) -> Section | None:
    """Report section: bio matcher quality, authorities, Table 6 beside the paper."""
    from analysis.plots.alf import plot_log_f_qq, plot_table6, plot_topical_fractions

    try:
        # the paper's setting: interests from biographies (the demo's tags and images
        # interests, written by the earlier section, would change Table 6)
        run = run_authorities(ctx.store, interest_sources=PAPER_SOURCES)
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
                "no: the paper gives no figure; this is against the generator's planted interests",
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
                    NO_PAPER_FIGURE,
                )
            )
    if truth and isinstance(truth.get("authorities"), Mapping) and truth["authorities"]:
        k = 200
        table = evaluate_authorities(ctx.store, truth, k=k, interest_sources=PAPER_SOURCES)
        ctx.alf_table6 = table
        names = {"alf": "ALF", "no_weighting": "No weighting", "pagerank": "PageRank"}
        for m, s in table.scores.items():
            pp = PAPER_TABLE6[names[m]]
            headline[m] = {"precision": s.precision, "recall": s.recall, "f1": s.f1}
            comparisons.append(
                Comparison(
                    f"{names[m]} precision@{k}",
                    f"{pp[0]:.2f}",
                    _fmt(s.precision),
                    comparable=TABLE6_NOT_COMPARABLE,
                )
            )
            comparisons.append(
                Comparison(
                    f"{names[m]} recall@{k}",
                    f"{pp[1]:.2f}",
                    _fmt(s.recall),
                    comparable=TABLE6_NOT_COMPARABLE,
                )
            )
        parts.append(frame_to_html(table.to_frame()))
        figures.append(
            Figure.from_matplotlib(
                plot_table6(table), "alf_table6", "Precision and recall@k (Table 6)"
            )
        )
    _follow_holdout_part(ctx, headline, comparisons, figures, parts)
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


def _follow_holdout_part(ctx: DemoContext, headline, comparisons, figures, parts) -> None:
    """The truth-free evaluation of ``analyze authorities --holdout-follows``: a fifth of the
    follows of drawn users hidden (reciprocal pairs together), ALF found again without them,
    Algorithm 2 beside every baseline of the recommender hold-out."""
    from analysis.plots.linkpred import plot_holdout
    from beautygraph.sections.recommenders import holdout_html

    with ctx.steps("alf: follow hold-out"):
        held = evaluate_follow_links(
            ctx.store, 0.2, 10, interest_sources=PAPER_SOURCES, seed=ctx.seed
        )
    ctx.alf_holdout = held
    res = held.to_dict()
    headline["holdout_follows"] = res
    for m, s in res["methods"].items():
        comparisons.append(
            Comparison(
                f"hidden follows: {m} precision / recall@{res['k']}",
                "-",
                f"{s['precision']:.3f} / {s['recall']:.3f}",
                "random = chance" if m == "random" else "",
                NO_PAPER_FIGURE,
            )
        )
    parts.append(
        f"<p>Hold-out without a truth file: {res['authorities']:,} authorities found again "
        f"without the hidden follows; {res['users_with_interests']:,} of the "
        f"{res['n_users']:,} drawn users have a seed interest (the topic baselines serve "
        "only them).</p>" + holdout_html(res)
    )
    figures.append(
        Figure.from_matplotlib(plot_holdout(res), "alf_holdout_follows", "Recovered hidden follows")
    )
