"""``beautygraph interests propagate`` and ``beautygraph analyze propagation``: interests for
every user from seed interests and the follower graph (parse, delegate to
``beautygraph.pipelines.propagation``).

The options' defaults are those of :class:`analysis.propagation.params.PropagationParams`
and :class:`analysis.propagation.params.PropagationEvalParams` (written out so that
``--help`` need not import scipy; ``tests/test_propagation_params.py`` holds them equal).
Their rules are the objects' own: a broken one is named with this command's flags.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from beautygraph.clikit import analyze, cli_steps, echo_json, main, pass_app
from beautygraph.commands.engine_options import engine_options
from beautygraph.commands.interest_source import interest_source_option


def _fractions(ctx, param, value: str) -> tuple[float, ...]:
    """The comma-separated numbers (their range is a rule of the parameters)."""
    try:
        return tuple(float(x) for x in value.split(",") if x.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r}: comma-separated numbers in (0, 1)") from None


@main.group("interests")
def interests_group() -> None:
    """Interests of every user: propagation from seed interests over the follower graph."""


@interests_group.command("propagate")
@interest_source_option
@click.option(
    "--method",
    default="auto",
    show_default=True,
    help="auto (cross-validated on the seed users), netmf_lr, prone_lr, spreading, vote, "
    "algorithm1, alf_interests, theorem1 or majority.",
)
@click.option("--top", type=int, default=5, show_default=True, help="Topics kept per user.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the rows as CSV (user_id, topic_id, score, rank).",
)
@engine_options()
@click.option("--json", "json_mode", is_flag=True, help="Print the summary as JSON.")
@pass_app
def propagate_cmd(app, sources, method, top, seed, out, engine, spark, json_mode) -> None:
    """Propagate seed interests; write the top K per user as INTERESTED_IN {source:'propagated'}.

    --engine spark runs vote, algorithm1, alf_interests and prone_lr (auto: prone_lr) as a
    Spark job."""
    from analysis.propagation.params import PropagationParams
    from beautygraph.pipelines.propagation import check_engine, run_propagation

    params = PropagationParams(method=method, top=top, seed=seed, sources=sources)
    check_engine(params, engine)  # before the store is opened
    run = run_propagation(
        app.store(),
        params=params,
        steps=cli_steps(json_mode, app.quiet, memory=True),
        engine=engine,
        spark=spark,
    )
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        run.rows.to_csv(out, index=False)
        run = replace(run, out=str(out))
    d = run.to_json()
    if json_mode:
        echo_json(d)
        return
    sel = run.selection
    if sel is not None:
        vote = (
            f", {sel.over_vote:+.3f} over the one-pass vote"
            if sel.over_vote is not None and sel.runner_up != "vote" and run.method != "vote"
            else ""
        )
        click.echo(
            f"auto chose {run.method} by {sel.folds}-fold cross-validation on the seed users: "
            f"Micro-F1 {sel.scores[run.method].micro_f1:.3f}, {sel.margin:+.3f} over the "
            f"runner-up {sel.runner_up}{vote}"
        )
    click.echo(
        f"{run.method}: {d['users_with_propagated']:,} of {run.n_users:,} users got propagated "
        f"interests (top {params.top}) from {run.n_seed_users:,} seed users "
        f"({', '.join(run.sources)}); {run.written:,} INTERESTED_IN {{source:'propagated'}} written"
    )
    click.echo(_cost_line(run, engine))
    if out is not None:
        click.echo(f"wrote {out}")


def _cost_line(run, engine: str) -> str:
    """``time: 2.8 s (export 0.4 s, propagate 2.1 s, write 0.3 s); peak RSS 412 MiB``: the
    run's wall time by phase and this process's peak memory (on Spark the driver's; the
    JVM and the executors are not counted)."""
    phases = ", ".join(f"{name} {s:.1f} s" for name, s in run.phase_seconds.items())
    if run.peak_rss_mb is None:
        memory = "peak RSS unknown on this platform"
    else:
        memory = f"peak RSS {run.peak_rss_mb:,.0f} MiB"
        if engine == "spark":
            memory += " (this process; Spark's JVM not counted)"
    return f"time: {run.seconds:.1f} s ({phases}); {memory}"


@analyze.command("propagation")
@click.option(
    "--holdout",
    type=float,
    default=0.5,
    show_default=True,
    help="Share of the seed users whose interests are hidden and predicted.",
)
@click.option(
    "--repeats", type=int, default=3, show_default=True, help="Hidden sets drawn (scores: means)."
)
@click.option("--seed", type=int, default=0, show_default=True)
@interest_source_option
@click.option(
    "--fractions",
    default="0.1,0.5,0.9",
    show_default=True,
    callback=_fractions,
    help="Labelled fractions of the figure's F1 curve.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for propagation_f1.png and propagation_holdout.csv / _curve.csv.",
)
@click.option("--json", "json_mode", is_flag=True)
@pass_app
def analyze_propagation(app, holdout, repeats, seed, sources, fractions, out_dir, json_mode):
    """Hide seed users, predict their interests by every method and baseline, score them."""
    from analysis.propagation.params import PropagationEvalParams
    from beautygraph.outputs.propagation import write_propagation
    from beautygraph.pipelines.propagation import evaluate_propagation

    params = PropagationEvalParams(
        holdout=holdout, repeats=repeats, seed=seed, sources=sources, fractions=fractions
    )
    ev = evaluate_propagation(app.store(), params, steps=cli_steps(json_mode, app.quiet))
    files = write_propagation(ev, out_dir)
    if json_mode:
        echo_json(ev.to_json())
        return
    from rich.console import Console
    from rich.table import Table

    h = ev.holdout
    t = Table(
        title=f"{h.n_hidden} hidden / {h.n_labelled} labelled seed users, {h.repeats} repeats "
        f"(auto picked {', '.join(h.auto_picks)})"
    )
    for col in ("method", "Micro-F1", "Macro-F1", "accuracy@1", "seconds"):
        t.add_column(col, justify="left" if col == "method" else "right")
    for row in h.to_frame().itertuples():
        t.add_row(
            str(row.method),
            f"{row.micro_f1:.3f}",
            f"{row.macro_f1:.3f}",
            f"{row.accuracy:.3f}",
            f"{row.seconds:.2f}",
        )
    c = Console()
    c.print(t)
    c.print(
        f"seed interests from {', '.join(ev.sources)}; chance: the majority row; figure {files[-1]}"
    )
