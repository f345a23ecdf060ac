"""Report section ``propagation``: the generator's interests of half the users hidden and
recovered from the other half over the follower graph, every method beside the majority
and one-pass-vote baselines (``interests propagate`` / ``analyze propagation``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from analysis.propagation import PropagationGraph
from analysis.propagation.holdout import evaluate_holdout, labelled_curve
from analysis.propagation.params import PropagationEvalParams
from beautygraph.artifacts import NO_PAPER_FIGURE, Comparison, frame_to_html
from beautygraph.errors import UserError
from beautygraph.outputs.propagation import f1_curve_figure
from beautygraph.pipelines.alf import export_alf_graph
from beautygraph.report import DemoContext, Section

#: the demo's evaluation: half of the interested users hidden once, the curve at 10 % and
#: 90 % labelled (the seed is the demo's)
DEMO_EVALUATION = PropagationEvalParams(holdout=0.5, repeats=1, fractions=(0.1, 0.9))


def truth_seeds(truth: Mapping[str, Any], user_ids, topic_ids) -> sp.csr_matrix:
    """The generator's ``truth["interests"]`` ({user: [topic]}) as a seed matrix."""
    interests = truth.get("interests")
    if not isinstance(interests, Mapping) or not interests:
        raise UserError("truth has no 'interests' {user_id: [topic_id, ...]}")
    u_index = pd.Index(np.asarray(user_ids, dtype=object))
    t_index = pd.Index(np.asarray(topic_ids, dtype=object))
    pairs = [(u, t) for u, ts in interests.items() for t in ts]
    u = u_index.get_indexer([p[0] for p in pairs])
    t = t_index.get_indexer([p[1] for p in pairs])
    keep = (u >= 0) & (t >= 0)
    Y = sp.csr_matrix(
        (np.ones(int(keep.sum())), (u[keep], t[keep])), shape=(len(u_index), len(t_index))
    )
    Y.sum_duplicates()
    Y.data[:] = 1.0
    return Y


def propagation_section(ctx: DemoContext) -> Section | None:
    """Hide half of the generator's interested users, recover them, score every method."""
    if not ctx.truth or not isinstance(ctx.truth.get("interests"), Mapping):
        raise UserError("no generator truth with interests to hide and recover")
    params = replace(DEMO_EVALUATION, seed=ctx.seed)
    with ctx.steps("propagation: export"):
        g = export_alf_graph(ctx.store, ("bio",))
    Y = truth_seeds(ctx.truth, g.user_ids, g.topic_ids)
    pg = PropagationGraph(A=g.A, direction=params.direction)
    with ctx.steps("propagation: hold-out"):
        res = evaluate_holdout(
            pg, Y, params.holdout, repeats=params.repeats, seed=params.seed, folds=params.folds
        )
    with ctx.steps("propagation: labelled-fraction curve"):
        curve = labelled_curve(pg, Y, params.fractions, seed=params.seed)
    ctx.propagation = res
    d = res.to_dict()
    best = max((m for m in d["methods"] if m != "auto"), key=lambda m: d["methods"][m]["micro_f1"])
    vote, maj = d["methods"]["vote"], d["methods"]["majority"]
    auto = d["methods"]["auto"]
    headline = {
        **d,
        "best": best,
        "auto_minus_vote_micro_f1": auto["micro_f1"] - vote["micro_f1"],
    }
    comparisons = [
        Comparison(
            f"auto ({d['auto']}) Micro-F1 / accuracy@1",
            "-",
            f"{auto['micro_f1']:.3f} / {auto['accuracy']:.3f}",
            f"picked by {params.folds}-fold cross-validation on the {d['n_labelled']:,} "
            "labelled users",
            NO_PAPER_FIGURE,
        ),
        Comparison(
            "one-pass vote Micro-F1 / accuracy@1",
            "-",
            f"{vote['micro_f1']:.3f} / {vote['accuracy']:.3f}",
            "trivial graph baseline",
            NO_PAPER_FIGURE,
        ),
        Comparison(
            "majority topic Micro-F1 / accuracy@1",
            "-",
            f"{maj['micro_f1']:.3f} / {maj['accuracy']:.3f}",
            "chance on the same data",
            NO_PAPER_FIGURE,
        ),
        Comparison(
            "ALF Algorithm 1 Micro-F1",
            "-",
            f"{d['methods']['algorithm1']['micro_f1']:.3f}",
            "the paper's propagation, same split",
            NO_PAPER_FIGURE,
        ),
    ]
    html = (
        f"<p>The generator's interests of {d['n_hidden']:,} of the {d['n_hidden'] + d['n_labelled']:,}"
        " interested users were hidden; every method propagated the others' over the follower "
        "graph and predicted each hidden user's top-|true| topics (the DeepWalk protocol).</p>"
        + frame_to_html(res.to_frame())
    )
    fig = f1_curve_figure(curve)
    return Section(
        key="propagation",
        title="Interests of every user (propagation)",
        headline=headline,
        html=html,
        figures=[fig],
        comparisons=comparisons,
    )
