"""Recommender commands: ``recommend`` (one user or batch) and ``analyze recommenders``.

References
----------
.. [1] L. M. Aiello, R. Schifanella, M. Redi, S. Svetlichnaya, F. Liu, S. Osindero.
   "Beautiful and damned. Combined effect of content quality and social ties on user
   engagement." IEEE Transactions on Knowledge and Data Engineering, 2017.
   https://doi.org/10.1109/TKDE.2017.2747552 (preprint: arXiv:1711.00536)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from beautygraph.clikit import analyze, cli_steps, echo_json, main, pass_app
from beautygraph.commands.engine_options import engine_options

_METHOD_CHOICES = ["cn", "bb", "aa", "authority"]


def _beauty_cell(r) -> str:
    """The candidate's beauty, or why there is none."""
    if r.beauty is not None:
        return f"{r.beauty:.3f}"
    return "no photos" if r.n_photos == 0 else "not scored"


def _via(r) -> str:
    shown = ", ".join(r.common_neighbors[:5]) + (" …" if len(r.common_neighbors) > 5 else "")
    return f"{r.n_common}: {shown}" if r.n_common else ""


def explain_header(user: str, method: str, recs, tolerance: float, user_beauty) -> str:
    """The line above the table: what the ranking is, and for bb the beauty window."""
    from beautygraph.pipelines.recommend import bb_window

    if method == "bb" and user_beauty is not None:
        lo, hi = bb_window(user_beauty, tolerance)
        return (
            f"{user}'s beauty {user_beauty:.3f}; window {user_beauty:.3f} ± "
            f"{100 * tolerance:g} % = {lo:.3f}–{hi:.3f}; candidates at distance 2 in the "
            "window, most beautiful first (path: via the followees listed)"
        )
    if method == "authority":
        return (
            f"authorities on the topics {user} is enthusiastic about (enthusiasm: "
            "authorities on the topic that the user follows; score: the authority's wzf)"
        )
    what = "common neighbours" if method == "cn" else "Adamic–Adar sum over common neighbours"
    return f"candidates at distance 2 from {user}, ranked by {what}"


def _print_user(user: str, method: str, recs, tolerance: float, user_beauty) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(explain_header(user, method, recs, tolerance, user_beauty))
    table = Table(title=f"{method} recommendations for {user}")
    cols: tuple[str, ...]
    if method == "authority":
        cols = ("rank", "user", "topic", "enthusiasm", "authority score", "beauty")
    elif method == "bb":
        cols = ("rank", "user", "beauty", "via (common neighbours)")
    else:
        cols = ("rank", "user", "score", "via (common neighbours)", "beauty")
    left = {"user", "topic", "via (common neighbours)"}
    for col in cols:
        table.add_column(col, justify="left" if col in left else "right")
    for r in recs:
        cells = {
            "rank": str(r.rank),
            "user": r.user_id,
            "score": f"{r.score:.6g}",
            "via (common neighbours)": _via(r),
            "beauty": _beauty_cell(r),
            "topic": str(r.extra.get("topic_id", "")),
            "enthusiasm": str(r.extra.get("enthusiasm", "")),
            "authority score": f"{r.score:.4g}",
        }
        table.add_row(*(cells[c] for c in cols))
    console.print(table)
    if not recs:
        click.echo(
            "no authorities to recommend"
            if method == "authority"
            else "no candidates at distance 2"
        )


@main.command()
@click.argument("user", required=False)
@click.option(
    "--method",
    type=click.Choice(_METHOD_CHOICES),
    default="cn",
    show_default=True,
    help="cn: common neighbours; bb: beauty-balanced ±tolerance; aa: Adamic–Adar; "
    "authority: topical authorities (ALF).",
)
@click.option(
    "--k",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Recommendations per user.",
)
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0.0),
    default=0.10,
    show_default=True,
    help="Relative beauty window of bb (0.10 = ±10 %).",
)
@click.option("--all", "all_users", is_flag=True, help="Batch: every user.")
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=None,
    help="Batch: a seeded random sample of N users.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of --sample.")
@click.option(
    "--write",
    is_flag=True,
    help="Batch: write (u)-[:RECOMMENDED {method, rank, score}]->(v), replacing "
    "this method's previous ones.",
)
@engine_options()
@click.option("--json", "json_mode", is_flag=True, help="Print JSON.")
@pass_app
def recommend(
    app,
    user: str | None,
    method: str,
    k: int,
    tolerance: float,
    all_users: bool,
    sample: int | None,
    seed: int,
    write: bool,
    engine: str,
    spark,
    json_mode: bool,
) -> None:
    """Whom should USER follow?  Friend-of-friend recommenders of §7 (beautiful-and-damned).

    With USER: answered by Cypher, with explanations.  With --all or --sample N: batch mode
    on sparse matrices (same answers), optionally written back with --write.
    """
    batch = all_users or sample is not None
    _check_mode(user, all_users, sample, write)
    if engine == "spark":
        if not all_users:
            raise click.UsageError("--engine spark answers --all (and writes RECOMMENDED)")
        _recommend_spark(app, method, k, tolerance, spark, json_mode)
        return
    if not batch:
        assert user is not None  # checked above
        _recommend_one(app, user, method, k, tolerance, json_mode)
        return
    _recommend_batch(app, method, sample, k, tolerance, write, seed, json_mode)


def _check_mode(user: str | None, all_users: bool, sample: int | None, write: bool) -> None:
    """Refuse contradictory or missing choices of one-user versus batch mode."""
    batch = all_users or sample is not None
    if batch and user is not None:
        raise click.UsageError("give either USER or --all/--sample, not both")
    if all_users and sample is not None:
        raise click.UsageError("give either --all or --sample N, not both")
    if not batch and user is None:
        raise click.UsageError("missing USER (or --all / --sample N for batch mode)")
    if write and not batch:
        raise click.UsageError("--write needs batch mode (--all or --sample N)")


def _recommend_spark(app, method: str, k: int, tolerance: float, spark, json_mode: bool) -> None:
    """``--engine spark``: the --all batch on Spark, RECOMMENDED written back."""
    from beautygraph.pipelines.spark_jobs import recommend_spark

    answer = recommend_spark(
        app.store(),
        method,
        k=k,
        tolerance=tolerance,
        options=spark,
        steps=cli_steps(json_mode, app.quiet),
    )
    if json_mode:
        echo_json(answer.to_dict(), compact=True)  # the scipy batch's schema
    else:
        click.echo(
            f"{method} on spark ({spark.master}): {len(answer.frame):,} recommendations "
            f"for {answer.n_users:,} users; wrote {answer.written:,} RECOMMENDED relationships"
        )


def _recommend_one(app, user: str, method: str, k: int, tolerance: float, json_mode: bool) -> None:
    """One USER, answered by Cypher, with explanations (§7 of [1])."""
    from beautygraph.pipelines import recommend as pipe

    store = app.store(read_only=True)
    recs = pipe.recommend_user(store, user, method, k=k, tolerance=tolerance)
    user_beauty = recs[0].user_beauty if recs else pipe.user_beauty(store, user)
    if json_mode:
        out: dict[str, Any] = {"user": user, "method": method, "user_beauty": user_beauty}
        if method == "bb" and user_beauty is not None:
            out["tolerance"] = tolerance
            out["window"] = list(pipe.bb_window(user_beauty, tolerance))
        out["recommendations"] = [r.to_dict() for r in recs]
        echo_json(out)
    else:
        _print_user(user, method, recs, tolerance, user_beauty)


def _recommend_batch(
    app,
    method: str,
    sample: int | None,
    k: int,
    tolerance: float,
    write: bool,
    seed: int,
    json_mode: bool,
) -> None:
    """--all or --sample N: batch mode on sparse matrices, optionally written back."""
    from beautygraph.pipelines import recommend as pipe

    store = app.store(read_only=not write)
    result = pipe.recommend_batch(
        store,
        method,
        sample=sample,
        k=k,
        tolerance=tolerance,
        write=write,
        seed=seed,
        steps=cli_steps(json_mode, app.quiet),
    )
    if json_mode:
        echo_json(result.to_dict(), compact=True)  # one entry per recommendation
        return
    click.echo(
        f"{method}: {len(result.frame):,} recommendations for {result.n_users:,} users"
        + (f"; wrote {result.written:,} RECOMMENDED relationships" if write else "")
    )


@analyze.command("recommenders")
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Photographers receiving one recommendation per method.",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0.0),
    default=0.10,
    show_default=True,
    help="Relative beauty window of BB.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for the Fig. 12 PNG, CSV and JSON.",
)
@click.option(
    "--json",
    "json_mode",
    is_flag=True,
    help="Print {methods: {cn|bb|aa: {b_recs, b_ratio, fav_recs, p_forlorn, …}}, "
    "comparisons: {name: {measured, ci, paper, reason}}, n_sampled, seed} (measured is "
    "null, with the reason, when a comparison cannot be computed).",
)
@pass_app
def analyze_recommenders(
    app, sample: int, seed: int, tolerance: float, out_dir: Path | None, json_mode: bool
) -> None:
    """The link-recommendation simulation of §7 (Fig. 12): CN vs BB±10 (and AA)."""
    from beautygraph.pipelines import recommend as pipe

    sim = pipe.simulate_recommenders(
        app.store(read_only=True), sample=sample, seed=seed, tolerance=tolerance
    )
    if out_dir is not None:
        from beautygraph.outputs.recommenders import write_simulation

        write_simulation(sim, out_dir)
    if json_mode:
        echo_json(sim.json_payload())
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"§7 simulation: {sim.result.n_sampled:,} sampled users, seed {seed}")
    table.add_column("method")
    for name in ("n_recs", "b_recs", "b_ratio", "fav_recs", "p_forlorn"):
        table.add_column(name, justify="right")
    for m, mm in sim.result.metrics.items():
        cells = [f"{mm.n_recs:,}"]
        for name in ("b_recs", "b_ratio", "fav_recs", "p_forlorn"):
            e = getattr(mm, name)
            cells.append(f"{e.value:.4g} [{e.ci_low:.4g}, {e.ci_high:.4g}]")
        table.add_row(m, *cells)
    console = Console()
    console.print(table)
    for key, c in sim.comparisons_dict().items():
        console.print(_comparison_line(key, c), highlight=False)
    if out_dir is not None:
        console.print(f"wrote {out_dir}")


def _comparison_line(key: str, c: dict[str, Any]) -> str:
    """One paper comparison: measured with its CI, or why it cannot be computed."""
    if c["measured"] is None:
        return f"{key}: not computable ({c['reason']}), paper {c['paper']}"
    lo, hi = ("n/a" if x is None else f"{x:.4g}" for x in c["ci"])
    return f"{key}: measured {c['measured']:.4g} [{lo}, {hi}], paper {c['paper']}"
