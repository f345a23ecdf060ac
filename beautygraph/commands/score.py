"""``beautygraph score train | evaluate | beauty``: the beauty CNN of
Beautiful and damned §4–5 (parse, delegate to ``beautygraph.pipelines.scoring``).

``score beauty`` exits 0 when every selected photo was scored, 3 when it finished but
skipped missing/unreadable images (listed on stderr / in ``--json``), 2 on a user error.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from beautygraph.clikit import cli_steps, echo_json, option_bundle, pass_app, score
from beautygraph.commands.engine_options import engine_options

_DEVICE = click.Choice(["auto", "cpu", "cuda"], case_sensitive=False)


def positive_int(ctx, param, value):
    if value is not None and value < 1:
        raise click.BadParameter(f"must be >= 1 (got {value})")
    return value


def backbone_name(ctx, param, value):
    from scoring.backbones import list_backbones

    key = value.strip().lower().replace("-", "_")
    if key not in list_backbones():
        raise click.BadParameter(f"{value!r} is not one of {', '.join(list_backbones())}")
    return key


_TRAIN_OPTIONS = option_bundle(
    click.option(
        "--images", required=True, type=click.Path(path_type=Path), help="Folder of the images."
    ),
    click.option(
        "--labels",
        required=True,
        type=click.Path(path_type=Path),
        help="CSV (image,label|score) or AVA.txt vote histograms.",
    ),
    click.option(
        "--out",
        required=True,
        type=click.Path(path_type=Path),
        help="Checkpoint to write (model.pt).",
    ),
    click.option(
        "--binary", is_flag=True, help="AVA benchmark task: high = mean score > 5 (2 classes)."
    ),
    click.option(
        "--backbone", default="efficientnet_lite0", show_default=True, callback=backbone_name
    ),
    click.option(
        "--weights",
        default="DEFAULT",
        show_default=True,
        help="DEFAULT (ImageNet), none (random init) or a local .pth file.",
    ),
    click.option("--epochs", default=6, show_default=True, type=int, callback=positive_int),
    click.option(
        "--head-epochs", default=2, show_default=True, type=int, help="Head-only epochs first."
    ),
    click.option("--batch", default=32, show_default=True, type=int, callback=positive_int),
    click.option("--lr", default=1e-3, show_default=True, type=float),
    click.option("--image-size", default=224, show_default=True, type=int, callback=positive_int),
    click.option(
        "--workers",
        default=None,
        type=click.IntRange(min=0),
        help="DataLoader worker processes (default: 0 on the CPU, up to 4 with a GPU).",
    ),
    click.option("--val-fraction", default=0.1, show_default=True, type=float),
    click.option("--device", default="auto", show_default=True, type=_DEVICE),
    click.option("--seed", default=0, show_default=True, type=int),
    click.option("--deterministic", is_flag=True, help="Deterministic kernels (slower on GPUs)."),
    click.option(
        "--resume", type=click.Path(path_type=Path), help="Continue from this checkpoint."
    ),
    click.option("--json", "json_mode", is_flag=True),
)


@score.command("train")
@_TRAIN_OPTIONS
@pass_app
def train_cmd(
    app,
    images,
    labels,
    out,
    binary,
    backbone,
    weights,
    epochs,
    head_epochs,
    batch,
    lr,
    image_size,
    workers,
    val_fraction,
    device,
    seed,
    deterministic,
    resume,
    json_mode,
):
    """Fine-tune the beauty CNN (ImageNet backbone + low/medium/high head)."""
    from beautygraph.pipelines.beauty_training import train_from_labels

    summary = train_from_labels(
        images,
        labels,
        out,
        binary=binary,
        backbone=backbone,
        weights=None if weights.lower() == "none" else weights,
        epochs=epochs,
        head_epochs=head_epochs,
        batch=batch,
        lr=lr,
        image_size=image_size,
        device=device,
        seed=seed,
        workers=workers,
        val_fraction=val_fraction,
        resume=resume,
        deterministic=deterministic,
        steps=cli_steps(json_mode, app.quiet),
    )
    if json_mode:
        echo_json(summary.to_json())
        return
    click.echo(
        f"trained {summary.backbone} on {summary.n_train} images ({summary.n_val} validation) "
        f"on {summary.device} in {summary.seconds:.1f}s -> {summary.checkpoint}"
    )
    cols = ["epoch", "phase", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "seconds"]
    click.echo(summary.history[cols].to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if summary.n_skipped:
        click.echo(f"skipped {summary.n_skipped} unreadable/missing images:", err=True)
        for line in summary.skipped[:20]:
            click.echo(f"  {line}", err=True)


@score.command("evaluate")
@click.option("--model", "model_path", required=True, type=click.Path(path_type=Path))
@click.option("--images", required=True, type=click.Path(path_type=Path))
@click.option("--labels", required=True, type=click.Path(path_type=Path))
@click.option(
    "--raters",
    type=click.Path(path_type=Path),
    help="Per-rater grades CSV (image,rater,score): the machine-as-annotator check.",
)
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), help="Folder for tables and figures."
)
@click.option("--batch", default=64, show_default=True, type=int, callback=positive_int)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(min=0),
    help="DataLoader worker processes (default: 0 on the CPU, up to 4 with a GPU).",
)
@click.option("--device", default="auto", show_default=True, type=_DEVICE)
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--json", "json_mode", is_flag=True)
@pass_app
def evaluate_cmd(
    app, model_path, images, labels, raters, out_dir, batch, workers, device, seed, json_mode
):
    """Accuracy, Spearman ρ vs. human scores (CI), Fig. 4 deciles, annotator reliability."""
    from beautygraph.outputs.beauty import write_evaluation
    from beautygraph.pipelines.beauty_training import evaluate_from_labels

    rep = evaluate_from_labels(
        model_path,
        images,
        labels,
        raters=raters,
        device=device,
        batch=batch,
        workers=workers,
        seed=seed,
        steps=cli_steps(json_mode, app.quiet),
    )
    if out_dir is not None:
        rep = rep.with_files(write_evaluation(rep, out_dir))
    if json_mode:
        echo_json(rep.to_json())
        return
    r = rep.result
    click.echo(
        f"n={r.n} (skipped {r.n_skipped})  accuracy={r.accuracy:.3f}  "
        f"binary accuracy={r.binary_accuracy:.3f} (n={r.n_binary})"
    )
    if r.spearman is not None:
        s = r.spearman
        click.echo(
            f"Spearman ρ={s.rho:.3f}  95% CI [{s.ci_low:.3f}, {s.ci_high:.3f}]  p={s.p_value:.2g}  "
            f"(paper's crowd check: 0.48)"
        )
        if r.deciles is not None:  # computed together with the Spearman ρ
            table = r.deciles.to_frame()
            click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if r.reliability is not None:
        rel = r.reliability
        click.echo(
            f"reliability τ: humans mean {rel.tau_mean_human:.2f} (max {rel.tau_max_human:.2f}), "
            f"random rater {rel.tau_random:.2f}, machine {rel.tau_machine:.2f} "
            f"(paper: 0.71 / 0.95 / 0.22 / 0.77)"
        )
    for f in rep.files:
        click.echo(f"wrote {f}")


_BEAUTY_OPTIONS = option_bundle(
    click.option(
        "--model",
        "model",
        default=None,
        help="nima (built in: aesthetic quality, into Photo.beauty; the default), brisque "
        "(built in: technical quality, into Photo.quality) or a checkpoint from `score train` "
        "(default: $BEAUTYGRAPH_MODEL, else nima).",
    ),
    click.option("--device", default="auto", show_default=True, type=_DEVICE),
    click.option("--batch", default=64, show_default=True, type=int, callback=positive_int),
    click.option(
        "--workers",
        default=None,
        type=click.IntRange(min=0),
        help="DataLoader worker processes (default: 0 on the CPU, up to 4 with a GPU).",
    ),
    click.option(
        "--data-dir",
        type=click.Path(path_type=Path),
        help="Folder that Photo.path is relative to (the loaded folder; default: cwd).",
    ),
    click.option(
        "--folder",
        type=click.Path(path_type=Path),
        help="Score the images in this folder (file name = photo id) instead of Photo.path.",
    ),
    click.option("--overwrite", is_flag=True, help="Re-score photos already scored by this model."),
    click.option(
        "--only-missing",
        is_flag=True,
        help="Score only photos without any beauty (keep scores from other sources).",
    ),
    click.option(
        "--out",
        "out_csv",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Also write photo_id, beauty, source, mean_score, p_low, p_medium, p_high of the "
        "photos scored to this CSV (NaN where the model has no such output).",
    ),
    click.option(
        "--beauty-source",
        default=None,
        help="Source User.beauty is computed from afterwards (default: this model's).",
    ),
    engine_options(
        engines=("local", "spark"),
        default="local",
        engine_help="Where the scoring runs: local (this process, into the store), spark "
        "(mapInPandas over the photos of an --export folder, into a --results folder for "
        "import-results; resumable).",
        work_dir=False,
    ),
    click.option(
        "--export",
        "export_dir",
        type=click.Path(file_okay=False),
        help="With --engine spark: the export folder (`beautygraph export DIR --tables photos`).",
    ),
    click.option(
        "--results",
        "results_dir",
        type=click.Path(file_okay=False),
        help="With --engine spark: the results folder for `import-results` (photos already "
        "in it are skipped; --overwrite starts it again).",
    ),
    click.option("--json", "json_mode", is_flag=True),
)


@score.command("beauty")
@_BEAUTY_OPTIONS
@pass_app
def beauty_cmd(
    app,
    model,
    device,
    batch,
    workers,
    data_dir,
    folder,
    overwrite,
    only_missing,
    out_csv,
    beauty_source,
    engine,
    spark,
    export_dir,
    results_dir,
    json_mode,
):
    """Score photos: an aesthetic model (NIMA, a CNN) into Photo.beauty / beauty_source
    with p_low/p_mid/p_high (and NIMA's mean_score), BRISQUE into Photo.quality /
    quality_source; then User.beauty from one source (exit 3: named images missing or
    unreadable)."""
    from beautygraph.pipelines.scoring import scoring_params

    params = scoring_params(
        model=model,
        device=device,
        batch=batch,
        workers=workers,
        overwrite=overwrite,
        only_missing=only_missing,
    )
    if engine == "spark" or export_dir is not None or results_dir is not None:
        local_only = {"--folder": folder, "--only-missing": only_missing, "--out": out_csv}
        local_only["--beauty-source"] = beauty_source
        _beauty_spark(
            app,
            engine=engine,
            spark=spark,
            export_dir=export_dir,
            results_dir=results_dir,
            local_only=local_only,
            json_mode=json_mode,
            params=params,
            data_dir=data_dir,
        )
        return
    from beautygraph.pipelines.scoring import score_store

    res = score_store(
        app.store(),
        params=params,
        data_dir=data_dir,
        folder=folder,
        keep_scores=out_csv is not None,
        beauty_source=beauty_source,
        steps=cli_steps(json_mode, app.quiet),
    )
    if out_csv is not None and res.scores is not None:
        from dataclasses import replace

        from beautygraph.outputs.beauty import write_scores_csv

        res = replace(res, out_file=str(write_scores_csv(out_csv, res.scores)))
    if json_mode:
        echo_json(res.to_json())
    else:
        _print_local_run(res)
    if res.exit_code:
        app.close()
        sys.exit(res.exit_code)


def _print_local_run(res) -> None:
    """The summary of ``score beauty --engine local``; the skipped images on stderr."""
    for line in res.summary_lines():
        click.echo(line)
    if res.n_skipped:
        click.echo(f"skipped {res.n_skipped} missing/unreadable images (exit code 3):", err=True)
        for pid, path, why in res.skipped[:50]:
            click.echo(f"  {pid}: {path}: {why}", err=True)
        if res.n_skipped > 50:
            click.echo(f"  … and {res.n_skipped - 50} more (see --json)", err=True)


def _beauty_spark(
    app, *, engine, spark, export_dir, results_dir, local_only, json_mode, **score_args
):
    """``score beauty --engine spark``: the photos of an export scored on Spark into a
    results folder (the store is not opened); exit 3 when images were unreadable.
    ``local_only``: the options of ``--engine local`` only, by name, with their values."""
    from beautygraph.errors import UserError
    from beautygraph.pipelines.spark_scoring import score_export_spark

    if engine != "spark":
        raise UserError("--export and --results go with --engine spark")
    if export_dir is None or results_dir is None:
        raise UserError("--engine spark needs --export DIR (the photos) and --results DIR")
    given = [name for name, value in local_only.items() if value]
    if given:
        raise UserError(f"{', '.join(given)}: only with --engine local")
    res = score_export_spark(
        export_dir,
        results_dir,
        options=spark,
        steps=cli_steps(json_mode, app.quiet),
        **score_args,
    )
    if json_mode:
        echo_json(res.to_json())
    else:
        for line in res.summary_lines():
            click.echo(line)
        if res.unreadable:
            click.echo(f"skipped {res.unreadable} unreadable images (exit code 3):", err=True)
            for pid, path, why in res.unreadable_examples:
                click.echo(f"  {pid}: {path}: {why}", err=True)
    if res.exit_code:
        sys.exit(res.exit_code)


@score.command("user-beauty")
@click.option(
    "--beauty-source",
    default=None,
    help="Photo.beauty_source to average (input, brisque, cnn:<id>); required when "
    "photos carry beauty from several sources.",
)
@click.option("--json", "json_mode", is_flag=True)
@pass_app
def user_beauty_cmd(app, beauty_source, json_mode):
    """Recompute User.beauty as the mean beauty of each user's photos from one source."""
    from beautygraph.pipelines.scoring import recompute_user_beauty

    res = recompute_user_beauty(app.store(), beauty_source)
    if json_mode:
        echo_json(res.to_json())
        return
    listed = ", ".join(f"{k}: {v}" for k, v in sorted(res.sources.items())) or "none"
    click.echo(
        f"User.beauty from source {res.source!r}: {res.with_beauty} of "
        f"{res.users} users (photos with beauty by source: {listed})"
    )
