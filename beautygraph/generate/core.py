"""``generate(config, out_dir) -> truth``: the whole synthetic community, end to end."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from beautygraph.generate.config import GeneratorConfig
from beautygraph.generate.favorites import make_favorites
from beautygraph.generate.graph import KINDS, make_edges
from beautygraph.generate.population import make_population
from beautygraph.generate.text import make_bios, make_tags
from beautygraph.generate.timeline import WEEK_S, simulate
from beautygraph.generate.vocab import TOPICS, check_vocabulary
from beautygraph.generate.writer import (
    id_strings,
    iso_times,
    write_csv,
    write_plain_csv,
    write_truth,
)
from kernel.steps import Step, Steps, as_steps

#: independent random streams per stage: adding images never changes the CSVs.
STAGES = {
    "population": 1,
    "graph": 2,
    "timeline": 3,
    "times": 4,
    "favorites": 5,
    "text": 6,
    "images": 7,
}


def stage_rng(seed: int, stage: str) -> np.random.Generator:
    """The numpy Generator of one stage, derived from ``seed`` only."""
    return np.random.default_rng([int(seed), STAGES[stage]])


def generate(
    config: GeneratorConfig, out_dir: str | Path, steps: Steps | None = None
) -> dict[str, Any]:
    """Generate a community into ``out_dir`` and return the truth dict (also truth.json).

    Parameters
    ----------
    config : all parameters; see :class:`GeneratorConfig`.
    out_dir : folder to write (created; existing files of the same names are overwritten).
    steps : progress and timing (:mod:`kernel.steps`): one ``generate`` stage that
        advances once per phase and once per week, and an ``images`` stage.
    """
    cfg = config.validate().effective()
    check_vocabulary()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # images of an earlier run into the same folder would be taken for this run's photos
    if (out / "images").is_dir():
        for old in sorted((out / "images").glob("p*.jpg")):
            old.unlink()
    steps = as_steps(steps)
    with steps("generate", total=int(cfg.weeks) + 6) as step:
        return _generate(cfg, out, step, steps)


def _generate(cfg: GeneratorConfig, out: Path, step: Step, steps: Steps) -> dict[str, Any]:
    """The body of :func:`generate`; ``step`` advances once per phase and per week."""
    n, n_topics = int(cfg.n_users), len(TOPICS)
    pop = make_population(cfg, n_topics, stage_rng(cfg.seed, "population"))
    step.advance()
    graph_rng = stage_rng(cfg.seed, "graph")
    if cfg.null:
        # the null community: the graph sees a permuted talent, so who follows whom carries
        # no information about anybody's own photo beauty
        graph_pop = dataclasses.replace(pop, talent=pop.talent[graph_rng.permutation(pop.n)])
        edges = make_edges(cfg, graph_pop, n_topics, graph_rng)
    else:
        edges = make_edges(cfg, pop, n_topics, graph_rng)
    photos, stats = simulate(
        cfg,
        pop,
        edges,
        stage_rng(cfg.seed, "timeline"),
        step=step,
    )

    # -- second-level timestamps inside the weeks, never before the user joined
    rt = stage_rng(cfg.seed, "times")
    join_t = pop.join_week * WEEK_S + pop.join_offset
    lo_p = np.where(
        photos.week == pop.join_week[photos.owner], pop.join_offset[photos.owner] + 60, 0
    )
    photo_t = (
        photos.week * WEEK_S + lo_p + (rt.random(len(photos)) * (WEEK_S - lo_p)).astype(np.int64)
    )
    lo_e = np.maximum(
        np.where(edges.week == pop.join_week[edges.src], pop.join_offset[edges.src] + 60, 0),
        np.where(edges.week == pop.join_week[edges.dst], pop.join_offset[edges.dst] + 60, 0),
    )
    edge_t = edges.week * WEEK_S + lo_e + (rt.random(len(edges)) * (WEEK_S - lo_e)).astype(np.int64)
    p_order = np.lexsort((photos.owner, photo_t))
    p_owner, p_t, p_beauty = photos.owner[p_order], photo_t[p_order], photos.beauty[p_order]
    p_boost = photos.boost[p_order]
    e_order = np.lexsort((edges.dst, edges.src, edge_t))

    step.advance()
    favs = make_favorites(
        cfg, pop, edges, p_owner, p_beauty, p_t, join_t, stage_rng(cfg.seed, "favorites")
    )
    step.advance()
    rtext = stage_rng(cfg.seed, "text")
    bios, mentioned = make_bios(cfg, pop, rtext)
    tags, p_topic = make_tags(cfg, pop, p_owner, rtext)

    step.advance()
    uid_pa = id_strings("u", n, 6)
    pid = id_strings("p", len(p_owner), 7)
    uid = np.asarray(uid_pa.to_pylist(), dtype=object)
    tid = np.array([t.id for t in TOPICS], dtype=object)
    write_csv(
        pd.DataFrame(
            {
                "user_id": uid,
                "joined_at": iso_times(cfg.start, join_t).to_numpy(zero_copy_only=False),
                "bio": bios,
            }
        ),
        out / "users.csv",
    )
    write_plain_csv(
        out / "follows.csv",
        {
            "src": pc.take(uid_pa, pa.array(edges.src[e_order])),
            "dst": pc.take(uid_pa, pa.array(edges.dst[e_order])),
            "created_at": iso_times(cfg.start, edge_t[e_order]),
        },
    )
    write_plain_csv(
        out / "photos.csv",
        {
            "photo_id": pid,
            "owner": pc.take(uid_pa, pa.array(p_owner)),
            "uploaded_at": iso_times(cfg.start, p_t),
            "path": pc.binary_join_element_wise("images/", pid, ".jpg", ""),
            "tags": tags,
            "beauty": np.round(p_beauty, 6),
        },
    )
    write_plain_csv(
        out / "favorites.csv",
        {
            "user_id": pc.take(uid_pa, pa.array(favs.user)),
            "photo_id": pc.take(pid, pa.array(favs.photo)),
            "created_at": iso_times(cfg.start, favs.t),
        },
    )
    write_csv(
        pd.DataFrame(
            {
                "topic_id": tid,
                "name": [t.name for t in TOPICS],
                "aliases": [";".join(t.aliases) for t in TOPICS],
                "domain": [t.domain for t in TOPICS],
            }
        ),
        out / "topics.csv",
    )

    truth = _truth(cfg, pop, edges, stats, uid, tid, mentioned, p_boost)
    truth["params"]["counts"] = {
        "users": n,
        "follows": len(edges),
        "photos": int(len(pid)),
        "favorites": len(favs),
        "topics": n_topics,
        "bios": int(sum(1 for b in bios if b)),
    }
    if cfg.images:
        from beautygraph.generate.images import profiled_photos, render_images

        step.advance()
        priority = None
        share = float(cfg.rendering.profile_share)
        if share > 0 and cfg.image_sample is not None:
            prof_users, priority = profiled_photos(
                favs.user,
                favs.photo,
                int(round(share * int(cfg.image_sample))),
                int(cfg.rendering.profile_min_photos),
            )
            truth["profiled_users"] = [uid[u] for u in prof_users.tolist()]
        truth["images"] = render_images(
            cfg,
            out,
            pid,
            p_beauty,
            p_topic,
            stage_rng(cfg.seed, "images"),
            steps=steps,
            priority=priority,
        )
        from beautygraph.generate.images import fitting_variants, image_domains

        meta = image_domains()
        truth["params"]["images"] = {
            "picture_data": "beautygraph/generate/data/image_domains.json "
            "(scripts/build_image_domains.py)",
            "model": meta["model"],
            "lexicon": meta["lexicon"],
            "fitting_domains": sorted(fitting_variants()),
            "rendered": len(truth["images"]),
            "fits_domain": sum(1 for r in truth["images"].values() if r["fits_domain"]),
            "agreement_by_badness": {
                "badness": meta["badness_levels"],
                **meta["agreement_by_badness"]["usable"],
            },
        }
    write_truth(truth, out / "truth.json")
    step.advance()
    return truth


def _truth(
    cfg: GeneratorConfig,
    pop,
    edges,
    stats,
    uid: np.ndarray,
    tid: np.ndarray,
    mentioned: dict[int, list[int]],
    p_boost: np.ndarray,
) -> dict[str, Any]:
    inf, ch = cfg.planted_influence, cfg.planted_churn
    r = inf.returns_ratio
    kinds = np.bincount(edges.kind, minlength=len(KINDS))
    params: dict[str, Any] = {
        "config": cfg.to_dict(),
        "null": bool(cfg.null),
        "week_seconds": WEEK_S,
        "influence": {
            "enabled": bool(cfg.influence),
            "effect": inf.effect if cfg.influence else 0.0,
            "configured_effect": inf.effect,
            "definition": "user i creates in week w k>=1 follows to j with bbar_w(j) > bbar_w(i); "
            "photos of i in week w+1 are multiplied by (1 + e_i), "
            "e_i = effect * g(k) * h(alpha) / mean over the week's treated users",
            "beauty_reference": "bbar_w = mean beauty of the user's photos uploaded in weeks < w "
            "(the state at the start of week w); undefined without photos",
            "g": {str(k): (1 - r**k) / (1 - r) for k in (1, 2, 3)},
            "h": f"min(alpha, {inf.alpha_cap}) ** {inf.gap_exponent}, alpha = mean bbar_w(j)/bbar_w(i) - 1",
            "persistence": "transient: only week w+1 photos are boosted (they do enter later bbar)",
            "treated_units": stats.treated_units,
            "treated_units_uploading_next_week": stats.treated_units_uploading_next,
            "realized_mean_effect": stats.mean_effect_treated,
            "realized_mean_effect_uploading_next_week": stats.mean_effect_treated_uploading_next,
            "realized_by_links": stats.by_links,
            "boosted_photos": int(np.count_nonzero(p_boost > 0)),
        },
        "churn": {
            "enabled": bool(cfg.churn),
            "threshold": ch.threshold,
            "control_band": ch.control_band,
            "definition": "delta_i(w) = (mean bbar_w over followees with photos - bbar_w(i)) / bbar_w(i) "
            "at the start of week w (follows created and photos uploaded in weeks < w); "
            "delta >= threshold multiplies the user's upload probability q in week w+1 by "
            "(1 - reduction * (q / mean q) ** activity_exponent) and the weekly hazard of "
            "starting a dormant spell (no uploads from week w+1) by (1 + dormancy_increase)",
            "reduction": ch.reduction if cfg.churn else 0.0,
            "configured_reduction": ch.reduction,
            "activity_exponent": ch.activity_exponent,
            "natural_hazard": cfg.activity.dormancy_hazard,
            "natural_spell_mean_weeks": cfg.activity.dormancy_mean_weeks,
            "target_inactivity_ratio": {
                "1": ch.target_ratio_first if cfg.churn else 1.0,
                str(ch.target_weeks): ch.target_ratio_last if cfg.churn else 1.0,
            },
            "imbalanced_user_weeks": stats.imbalanced_user_weeks,
            "skipped_upload_weeks": stats.churn_skips,
            "dormancy_increase": ch.dormancy_increase if cfg.churn else 0.0,
            "extra_dormant_spells": stats.churn_spells,
            "natural_spells": stats.natural_spells,
        },
        "tail_accounts": {
            "followers": [int(v) for v in cfg.roles.tail_followers],
            "per_topic": int(max((len(a) for a in pop.tails), default=0)),
            "definition": "ALF FP1 trap (§4.3.3, Eq. 9): small accounts followed only by "
            "min..max users interested in their topic (low wzf, Eq. 8); no "
            "assortative, closure or follow-back edges reach them",
        },
        "graph": {
            "edges": len(edges),
            "by_mechanism": {k: int(v) for k, v in zip(KINDS, kinds, strict=True)},
        },
    }
    return {
        "seed": int(cfg.seed),
        "n_users": int(cfg.n_users),
        "weeks": int(cfg.weeks),
        "start": cfg.start,
        "params": params,
        "talent": {
            u: round(float(t), 6) for u, t in zip(uid.tolist(), pop.talent.tolist(), strict=True)
        },
        "interests": {
            uid[i]: [tid[t] for t in pop.interests[i, : pop.n_interests[i]].tolist()]
            for i in range(pop.n)
        },
        "authorities": {
            tid[t]: [uid[u] for u in a.tolist()] for t, a in enumerate(pop.authorities)
        },
        "celebrities": [uid[u] for u in pop.celebrities.tolist()],
        "tail_accounts": {tid[t]: [uid[u] for u in a.tolist()] for t, a in enumerate(pop.tails)},
        "forlorn": [uid[u] for u in pop.forlorn.tolist()],
        "superstars": [uid[u] for u in pop.superstars.tolist()],
        "bio_topics": {uid[u]: [tid[t] for t in ts] for u, ts in sorted(mentioned.items())},
    }
