"""Report section ``beauty``: the store scored by NIMA (the default aesthetic model) with
BRISQUE beside it, and the checks of the beauty models, each labelled for what it is (run by
:mod:`beautygraph.pipelines.demo_scoring`; this section presents them).

1. **The synthetic check** (the demo CNN).  The generator renders each photo from one of
   about twenty ``skimage.data`` source pictures and degrades it according to its planted
   beauty.  The CNN of Beautiful and damned [1] (§4) is fine-tuned on the photos of some
   source pictures (labels: tertiles of their planted beauty) and scored on the photos of
   the *other* pictures — no source picture is on both sides
   (:func:`beautygraph.pipelines.demo_scoring.split_by_picture`), so the model cannot score
   a photo by recognising its picture.  Reported: Spearman ρ between predicted and planted
   beauty on the held-out pictures.  It is a check against the generator's own
   degradations, **not comparable** with the paper's ρ = 0.48 against crowd votes on real
   Flickr photos (§5, Fig. 4).
2. **The real-photo checks** (:mod:`scoring.realphoto`, :mod:`scoring.flatimages`): the
   colour photos of scikit-image and their blurred, noisy, JPEG-compressed and under-exposed
   copies, and flat or empty pictures beside real photos, scored by NIMA (aesthetics,
   trained on AVA's votes), BRISQUE (technical quality, trained on the LIVE database's human
   quality scores) and the demo CNN, each against chance.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import pandas as pd

from beautygraph.artifacts import Comparison, Figure, frame_to_html
from beautygraph.pipelines.demo_scoring import (
    DEMO_SCORING,
    DemoScoringConfig,
    DemoScoringSkipped,
    run_demo_beauty_checks,
)
from beautygraph.pipelines.scoring import PAPER_3CLASS_ACCURACY, PAPER_CROWD_RHO
from beautygraph.report import DemoContext, Section

NOT_COMPARABLE = (
    "not comparable: the paper's figure is against human votes on real photos; this one "
    "against the generator's planted beauty on synthetic degradations"
)


def _store_scoring_html(scored) -> str:
    rows = [
        {
            "model": name.upper(),
            "slot": "Photo.beauty" if s.kind == "aesthetic" else "Photo.quality",
            "source": s.source,
            "photos scored": s.n_scored,
            "images/s": "—" if s.images_per_s is None else f"{s.images_per_s:.0f}",
            "Spearman vs planted (95% CI)": f"{s.spearman:.2f} "
            f"[{s.spearman_ci[0]:.2f}, {s.spearman_ci[1]:.2f}]",
            "held-out pictures": f"{s.spearman_held_out:.2f} (n={s.n_held_out})",
        }
        for name, s in scored.items()
    ]
    return (
        "<h3>The store, scored by NIMA (the default model) with BRISQUE beside it</h3><p>"
        "Every rendered photo was scored offline by <b>NIMA</b> (Talebi &amp; Milanfar 2018; "
        "idealo's MobileNet trained on AVA's votes, shipped with beautygraph) into "
        "<code>Photo.beauty</code> (Eq. 1 of its vote distribution binned 1–4 / 5–6 / 7–10, "
        "with p_low/p_mid/p_high and its mean score) and by <b>BRISQUE</b> into "
        "<code>Photo.quality</code>: aesthetic and technical scores side by side, each with "
        "its source.  The network analyses above used the planted beauty (source "
        "<code>input</code>); the columns compare each model with it (chance: ρ = 0).  The "
        "generator degrades pictures by blur, noise, JPEG and exposure, which is technical "
        "damage: agreement with it is no test of aesthetics.</p>"
        + frame_to_html(pd.DataFrame(rows))
    )


def _flat_html(flat) -> str:
    rows = [
        {
            "model": name,
            **{f"{k}: real photos above": f"{v:.0%}" for k, v in chk.share_above.items()},
        }
        for name, chk in flat.items()
    ]
    rows.append({"model": "chance", **{k: "50%" for k in rows[0] if k != "model"}})
    n_real = next(iter(flat.values())).n_real
    return (
        "<h3>Flat-picture check</h3><p>Four pictures with nothing to look at (uniform grey, "
        "black, uniform noise, a page of text) scored with "
        f"{n_real} real photographs; each cell is the share of real photos scored above the "
        "flat picture (100 %: below every one).  Chance: 50 %.  NIMA puts grey and black "
        "at the bottom but places noise and text above the two scientific images (the "
        "Hubble deep field and a micrograph); BRISQUE calls a flat frame flawless.</p>"
        + frame_to_html(pd.DataFrame(rows))
    )


def _real_photo_html(checks) -> str:
    rows = []
    for name, chk in checks.items():
        for _, r in chk.by_kind.iterrows():
            rows.append(
                {
                    "model": name,
                    "degradation": r["kind"],
                    "below original": f"{r['share_below']:.0%}",
                    "mean Spearman(level, score)": f"{r['mean_spearman']:.2f}",
                    "target": "",
                }
            )
        rows.append(
            {
                "model": name,
                "degradation": "all four",
                "below original": f"{chk.share_below:.1%}",
                "mean Spearman(level, score)": f"{chk.mean_spearman:.2f}",
                "target": f"≥ {chk.target[0]:.0%}, ≤ {chk.target[1]}"
                + (" (met)" if chk.meets_target else " (not met)"),
            }
        )
    return (
        "<h3>Real-photo check</h3><p>The colour photographs of "
        "scikit-image at 512 px and copies degraded at five increasing levels of Gaussian "
        "blur, noise, JPEG compression and under-exposure.  Chance (scores unrelated to the "
        "images) gives about 50 % below the original and a mean Spearman of 0.  The target "
        "of a technical model (BRISQUE: trained on human quality scores of blurred, noisy "
        "and compressed images, not aesthetics) is the stricter one; an aesthetic model "
        "(NIMA) may rightly weigh composition and subject too.</p>"
        + frame_to_html(pd.DataFrame(rows))
    )


def scoring_section(ctx: DemoContext, cfg: DemoScoringConfig = DEMO_SCORING) -> Section:
    """Report section: the synthetic check of the demo CNN and the real-photo check of
    BRISQUE and the demo CNN, run by
    :func:`beautygraph.pipelines.demo_scoring.run_demo_beauty_checks` with ``cfg``."""
    from scoring.plots import plot_deciles, plot_real_photo_check, plot_training

    ctx.beauty = run_demo_beauty_checks(
        ctx.store,
        ctx.data_dir,
        ctx.out_dir,
        seed=ctx.seed,
        truth=ctx.truth,
        cfg=cfg,
        steps=ctx.steps,
    )
    if isinstance(ctx.beauty, DemoScoringSkipped):
        return Section(
            key="beauty",
            title="Image beauty (CNN)",
            headline=ctx.beauty.headline(),
            html=f"<p>Skipped: {ctx.beauty.reason}.</p>",
        )
    out, checks, res = ctx.beauty.headline(), ctx.beauty.real_photo, ctx.beauty.synthetic
    figs = [
        Figure.from_matplotlib(
            plot_deciles(
                res.deciles,
                ylabel="mean planted beauty (generator)",
                rho=res.spearman,
                title="Synthetic check: held-out source pictures",
            ),
            "beauty_deciles",
            "Synthetic check: mean planted beauty per 0.1-bin of predicted beauty (95% CI), "
            "photos of source pictures the CNN was not trained on",
        ),
        Figure.from_matplotlib(
            plot_training(res.history), "beauty_training", "Loss and accuracy per epoch"
        ),
    ]
    if checks:
        figs.append(
            Figure.from_matplotlib(
                plot_real_photo_check(checks),
                "beauty_real_photos",
                "Real-photo check: mean score (range over photos) per degradation level",
            )
        )
    lo, hi = out["spearman_ci"]
    comps = [
        Comparison(
            "synthetic check: Spearman ρ, predicted vs. planted beauty, held-out pictures",
            f"{PAPER_CROWD_RHO:.2f} (crowd votes, real photos, n=3000)",
            f"{out['spearman']:.2f} [{lo:.2f}, {hi:.2f}] (n={out['n_test']}, "
            f"{out['n_pictures_test']} pictures)",
            NOT_COMPARABLE,
            "no: synthetic degradations of held-out pictures, not crowd votes on real photos",
        ),
        Comparison(
            "synthetic check: 3-class accuracy (tertiles of planted beauty)",
            f"{PAPER_3CLASS_ACCURACY:.1%} (AVA)",
            "n/a" if out["accuracy_3class"] is None else f"{out['accuracy_3class']:.1%}",
            NOT_COMPARABLE + "; chance is 33 %",
            "no: tertiles of planted beauty on synthetic pictures, not AVA's classes",
        ),
    ]
    for name, chk in checks.items():
        comps.append(
            Comparison(
                f"real-photo check, {name}: degraded copies below their original",
                "— (no paper figure)",
                f"{chk.share_below:.1%}; mean Spearman {chk.mean_spearman:.2f}",
                f"chance ≈ 50 % and 0; target ≥ {chk.target[0]:.0%} and ≤ {chk.target[1]}"
                + (" (met)" if chk.meets_target else " (not met)"),
                "no paper figure: a check of the scorer on real photos",
            )
        )
    html = (
        "<h3>Synthetic check (demo CNN)</h3>"
        f"<p>{out['backbone']} (ImageNet weights) fine-tuned at {out['image_size']} px for "
        f"{out['epochs']} epochs ({out['head_epochs']} head-only on frozen features; "
        f"end-to-end epochs run only on a GPU by default) on {out['n_train']} rendered photos "
        f"of {out['n_pictures_train']} source pictures, labelled by the tertiles of their "
        f"planted beauty; the {out['n_test']} photos of the other {out['n_pictures_test']} "
        f"pictures (split: {out['split']}) were scored into the graph as "
        f"<code>Photo.beauty_source = {out['source']}</code> (User.beauty keeps its source). "
        "This is a <b>synthetic check</b> against the generator's own degradations, not the "
        f"paper's crowd check (ρ = {PAPER_CROWD_RHO} against human votes), and the two "
        "figures are not comparable.</p>"
        + frame_to_html(res.deciles.to_frame())
        + (_real_photo_html(checks) if checks else "")
        + (_flat_html(ctx.beauty.flat) if ctx.beauty.flat else "")
    )
    if ctx.beauty.store_scoring:
        html = _store_scoring_html(ctx.beauty.store_scoring) + html
    return Section(
        key="beauty",
        title="Image beauty: NIMA (default) and BRISQUE on the store, synthetic CNN check "
        "(§4–5), real-photo checks",
        headline=out,
        html=html,
        figures=figs,
        comparisons=comps,
    )
