"""Report section ``interests``: interest profiles from pictures and tags compared by F1
(interest profiling from pictures, §3–4), and the CNNs compared on hand-labelled real
photos (its Table 1 compares CNNs; :mod:`beautygraph.pipelines.interests_benchmark`)."""

from __future__ import annotations

import html
import logging
from pathlib import Path

from analysis.interest_profiles import (
    PAPER_TABLE1,
)
from beautygraph.artifacts import Comparison, frame_to_html
from beautygraph.outputs.interests import interests_figures
from beautygraph.pipelines.interests import label_photos, paper_table_frame, profile_interests
from beautygraph.pipelines.interests_benchmark import report_benchmark
from beautygraph.report import DemoContext, Section
from scoring.errors import ScoringError

log = logging.getLogger(__name__)


def _profiled_favourites(ctx: DemoContext) -> set[str]:
    """Photo ids favourited by the generator's profiled users (labelled first)."""
    users = set((ctx.truth or {}).get("profiled_users") or [])
    if not users:
        return set()
    import pandas as pd

    favs = pd.read_csv(Path(ctx.data_dir) / "favorites.csv", usecols=["user_id", "photo_id"])
    return set(favs.loc[favs.user_id.isin(users), "photo_id"].astype(str))


def _benchmark_parts(head: dict) -> tuple[str, list[Comparison]]:
    """The CNN comparison on real photos: its HTML, headline entry and comparison row.

    Same photos and weights every run, so it is computed once per process (about 10 s on
    2 CPU cores); a missing weights package leaves a note instead of failing the section.
    """
    try:
        bench = report_benchmark()
    except ScoringError as exc:
        log.info("interests: CNN comparison on real photos skipped: %s", exc)
        return f"<p>CNN comparison on real photos not run: {html.escape(str(exc))}</p>", []
    frame = bench.to_frame().drop(columns=["seconds"])
    head["cnn_benchmark"] = frame.round(4).to_dict(orient="records")
    best = max(bench.results, key=lambda r: (r.top1, r.top5))
    c = bench.chance
    row = Comparison(
        "best CNN by domain agreement (Table 1)",
        f"ResNet50 (mean F1 {PAPER_TABLE1['ResNet50']['mean_f1']:.4f}), AlexNet close "
        f"({PAPER_TABLE1['AlexNet']['mean_f1']:.4f})",
        f"{best.model}: top-1 domain accuracy {best.top1:.3f}, top-5 {best.top5:.3f}",
        f"{bench.n} real photos labelled by hand; chance top-1 {c.uniform_top1:.3f} "
        f"(random ranking) / {c.majority_top1:.3f} (most common domain), top-5 "
        f"{c.uniform_top5:.3f} / {c.majority_top5:.3f}",
        "no: per-photo domain accuracy on a few public photos, not per-user F1 on 300 "
        "Flickr users; other CNNs (the paper's need torchvision weights)",
    )
    body = (
        f"<h3>CNNs compared on {bench.n} real photos labelled by hand</h3>"
        "<p>Top-1 / top-5: the hand-given BabelNet domain is the first / among the first "
        "five domains of the CNN's labels, mapped as <code>score interests</code> maps them; "
        "<i>either</i> also accepts a second domain where a photo is ambiguous. Chance: a "
        "uniformly random ranking of the 34 domains (k/34), or always the most common hand "
        "domains. Reproduce with <code>beautygraph score interests-benchmark</code>.</p>"
        + frame_to_html(frame.round(3))
    )
    return body, [row]


def interests_section(ctx: DemoContext) -> Section | None:
    """Demo step: label the favourited photos that have images, profile, compare, write."""
    model = ctx.interests_model
    first = _profiled_favourites(ctx)
    limit = max(ctx.interests_limit, len(first))
    lab = label_photos(
        ctx.store,
        model,
        data_dir=ctx.data_dir,
        weights="DEFAULT",
        limit=limit,
        steps=ctx.steps,
        first=first,
    )
    if lab.n_labelled == 0 and lab.n_already == 0:
        log.info("interests: no favourited photo has an image file; section skipped")
        return None
    res = profile_interests(ctx.store, k=5, seed=ctx.seed, min_photos=ctx.interests_min_photos)
    ctx.interests = res
    cmp_ = res.comparison
    head = res.headline()
    head["model"] = lab.model
    head["labelled_photos"] = lab.n_labelled + lab.n_already
    head["images_per_s"] = lab.images_per_s
    best = PAPER_TABLE1["ResNet50"]
    comparisons = [
        Comparison(
            "mean F1 (tags vs images, top-5)",
            f"{best['mean_f1']:.4f} (ResNet50), {PAPER_TABLE1['AlexNet']['mean_f1']:.4f} (AlexNet)",
            f"{cmp_.mean_f1:.4f} ({lab.model})",
            f"N={len(cmp_.user_index)} users with ≥ {res.min_photos} labelled favourite "
            f"photos (mean {res.labelled_per_user:.0f}); paper N=300 with about 200 each. "
            + res.verdict(),
            "no: synthetic tags and pictures, fewer users and photos per user, a different CNN",
        ),
        Comparison(
            "popular-domain baseline F1",
            "not reported",
            f"{cmp_.popular.mean_f1:.4f}",
            "each user gets the most common tag domains, same profile size",
            "no: the paper reports no baseline",
        ),
        Comparison(
            "mean |A ∩ B|",
            f"{best['mean_matches']:.2f} (ResNet50)",
            f"{cmp_.table.mean_matches:.2f}",
            "",
            "no: synthetic tags and pictures, fewer photos per user, a different CNN",
        ),
        Comparison(
            "random-domain baseline F1",
            "not reported",
            f"{cmp_.random.mean_f1:.4f}",
            "same profile sizes, seeded",
            "no: the paper reports no baseline",
        ),
        Comparison(
            "share with |A ∩ B| = 0",
            "≤ 0.0167 (all networks)",
            f"{cmp_.table.counts[0] / max(cmp_.table.n_users, 1):.4f}",
            "",
            "no: synthetic tags and pictures, fewer photos per user, a different CNN",
        ),
    ]
    bench_html, bench_rows = _benchmark_parts(head)
    comparisons += bench_rows
    figs = interests_figures(res)
    body = (
        f"<p>Photos labelled with <b>{html.escape(lab.model)}</b> ({lab.n_labelled} new, "
        f"{lab.n_already} already labelled, {lab.n_no_file} favourited photos without an "
        f"image file). Lexicon {html.escape(res.lexicon_version)}; interests written as "
        f"INTERESTED_IN ({html.escape(res.topic_mode)} topics): "
        f"{html.escape(str(res.written))}.</p>"
        + f"<p><b>{html.escape(res.verdict())}</b>.</p>"
        + "<h3>Table 1: paper vs measured</h3>"
        + frame_to_html(paper_table_frame(res))
        + "<h3>Domains in the profiles</h3>"
        + frame_to_html(cmp_.domain_frame().head(12))
        + bench_html
    )
    return Section(
        key="interests",
        title="Interest profiles from pictures",
        headline=head,
        html=body,
        figures=figs,
        comparisons=comparisons,
    )
