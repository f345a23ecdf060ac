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
from typing import TYPE_CHECKING, Any

import click

from analysis.recommend_params import METHODS, RECOMMEND_DEFAULTS, SIMULATION_DEFAULTS
from beautygraph.clikit import analyze, cli_steps, echo_json, main, pass_app, spell_params
from beautygraph.commands.engine_options import engine_options
from beautygraph.commands.interest_source import interest_source_option

if TYPE_CHECKING:
    from analysis.recommend_params import RecommendParams
    from beautygraph.pipelines.recommend import UserRecommendations


def _beauty_cell(r) -> str:
    """The candidate's beauty, or why there is none."""
    if r.beauty is not None:
        return f"{r.beauty:.3f}"
    return "no photos" if r.n_photos == 0 else "not scored"


def _via(r) -> str:
    shown = ", ".join(r.common_neighbors[:5]) + (" …" if len(r.common_neighbors) > 5 else "")
    return f"{r.n_common}: {shown}" if r.n_common else ""


def explain_header(result: UserRecommendations) -> str:
    """The line above the table: what the ranking is, and for bb the beauty window."""
    user, method, ub = result.user, result.method, result.user_beauty
    if result.window is not None and ub is not None:
        lo, hi = result.window
        return (
            f"{user}'s beauty {ub:.3f}; window {ub:.3f} ± "
            f"{100 * result.params.tolerance:g} % = {lo:.3f}–{hi:.3f}; candidates at distance "
            "2 in the window, most beautiful first (path: via the followees listed)"
        )
    if method == "authority":
        return (
            f"authorities on the topics {user} is enthusiastic about (enthusiasm: "
            "authorities on the topic that the user follows; score: the authority's wzf)"
        )
    if method == "learned":
        return (
            f"candidates for {user} ranked by the learned model (score: the probability that "
            f"{user} would follow them; why: its strongest signals)"
        )
    what = "common neighbours" if method == "cn" else "Adamic–Adar sum over common neighbours"
    return f"candidates at distance 2 from {user}, ranked by {what}"


def _print_user(result: UserRecommendations) -> None:
    from rich.console import Console
    from rich.table import Table

    method, recs = result.method, result.recommendations
    console = Console()
    console.print(explain_header(result))
    table = Table(title=f"{method} recommendations for {result.user}")
    cols: tuple[str, ...]
    if method == "authority":
        cols = ("rank", "user", "topic", "enthusiasm", "authority score", "beauty")
    elif method == "bb":
        cols = ("rank", "user", "beauty", "via (common neighbours)")
    elif method == "learned":
        cols = ("rank", "user", "score", "why", "beauty")
    else:
        cols = ("rank", "user", "score", "via (common neighbours)", "beauty")
    left = {"user", "topic", "via (common neighbours)", "why"}
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
            "why": str(r.extra.get("why", "")),
        }
        table.add_row(*(cells[c] for c in cols))
    console.print(table)
    if not recs:
        click.echo(
            {"authority": "no authorities to recommend", "learned": "no candidates"}.get(
                method, "no candidates at distance 2"
            )
        )


# The options' defaults and bounds are those of analysis.recommend_params.RecommendParams
# (RECOMMEND_DEFAULTS, SIMULATION_DEFAULTS), whose rules check every value again;
# tests/test_recommend_params.py holds the two equal.


def _typed(param: str) -> bool:
    """Whether the running command's ``param`` was given on the command line (not its
    default): an option that means nothing in the chosen mode is refused only then."""
    source = click.get_current_context().get_parameter_source(param)
    return source is click.core.ParameterSource.COMMANDLINE


def beauty_balance_option(help_text: str):
    """``--beauty-balance λ``: RecommendParams.beauty_balance's default and bounds."""
    return click.option(
        "--beauty-balance",
        type=click.FloatRange(min=0.0, max=1.0),
        default=RECOMMEND_DEFAULTS.beauty_balance,
        show_default=True,
        help=help_text,
    )


@main.command()
@click.argument("user", required=False)
@click.option(
    "--method",
    type=click.Choice(list(METHODS)),
    default=RECOMMEND_DEFAULTS.method,
    show_default=True,
    help="learned: a gradient-boosted ranker fitted on the store's own follows (the best "
    "on hidden follows; fitted on first use and whenever the data changes); cn: common "
    "neighbours; bb: beauty-balanced ±tolerance; aa: Adamic–Adar; authority: topical "
    "authorities (ALF).",
)
@click.option(
    "--k",
    type=click.IntRange(min=1),
    default=RECOMMEND_DEFAULTS.k,
    show_default=True,
    help="Recommendations per user.",
)
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0.0),
    default=RECOMMEND_DEFAULTS.tolerance,
    show_default=True,
    help="Relative beauty window of bb (0.10 = ±10 %).",
)
@beauty_balance_option(
    "learned: λ, the share of each list's slots given to forlorn beauties (beautiful "
    "accounts with few followers), the best-scored of them; 0 = relevance only.  The "
    "default keeps 95–96 % of the λ = 0 precision on generated communities' hold-outs."
)
@click.option("--all", "all_users", is_flag=True, help="Batch: every user.")
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=RECOMMEND_DEFAULTS.sample,
    help="Batch: a seeded random sample of N users.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=RECOMMEND_DEFAULTS.seed,
    show_default=True,
    help="Seed of --sample and of the learned ranker's fit.",
)
@click.option(
    "--refit",
    is_flag=True,
    help="learned: fit the model again even if the store reports no change (after edits "
    "made outside beautygraph, e.g. another program writing the embedded database).",
)
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
    beauty_balance: float,
    all_users: bool,
    sample: int | None,
    seed: int,
    refit: bool,
    write: bool,
    engine: str,
    spark,
    json_mode: bool,
) -> None:
    """Whom should USER follow?  By default the learned ranker; also the friend-of-friend
    recommenders of §7 (beautiful-and-damned) and ALF's topical authorities.

    With USER: one answer with explanations (the learned ranker from its index on disk,
    Cypher for cn, bb, aa).  With --all or --sample N: batch mode (the same answers),
    optionally written back with --write.
    """
    from beautygraph.pipelines.recommend import recommend_params

    _check_mode(user, all_users, sample, write)
    if engine == "spark" and not all_users:
        raise click.UsageError("--engine spark answers --all (and writes RECOMMENDED)")
    if refit and method != "learned":
        raise click.UsageError("--refit applies to --method learned only")
    if method != "learned" and _typed("beauty_balance"):
        raise click.UsageError("--beauty-balance applies to --method learned only")
    # every parameter is checked before the store is opened
    params = recommend_params(
        method=method,
        k=k,
        tolerance=tolerance,
        beauty_balance=beauty_balance,
        sample=sample,
        seed=seed,
    )
    if engine == "spark":
        _recommend_spark(app, params, spark, json_mode, refit)
    elif user is not None:
        _recommend_one(app, user, params, json_mode, refit)
    else:
        _recommend_batch(app, params, write, json_mode, refit)


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


def _prepare_learned(
    store, params: RecommendParams, json_mode: bool, app, refit: bool, user: str | None = None
) -> None:
    """For the learned method: fit or load the ranker first, with progress bars (the
    answer that follows then comes from memory); an unknown USER is refused before."""
    if params.method != "learned":
        return
    from beautygraph.pipelines.learned_recommend import served_ranker
    from beautygraph.pipelines.recommend import user_beauty

    if user is not None:
        user_beauty(store, user)  # raises for an unknown user
    served_ranker(store, params.seed, cli_steps(json_mode, app.quiet), refit)


def _recommend_spark(app, params: RecommendParams, spark, json_mode: bool, refit: bool) -> None:
    """``--engine spark``: the --all batch on Spark, RECOMMENDED written back."""
    store = app.store()
    steps = cli_steps(json_mode, app.quiet)
    if params.method == "learned":
        from beautygraph.pipelines.learned_recommend import learned_spark

        answer = learned_spark(store, params, options=spark, steps=steps, refit=refit)
    else:
        from beautygraph.pipelines.spark_jobs import recommend_spark

        answer = recommend_spark(store, params, options=spark, steps=steps)
    if json_mode:
        echo_json(answer.to_json(), compact=True)  # the scipy batch's schema
    else:
        click.echo(
            f"{params.method} on spark ({spark.master}): {len(answer.frame):,} "
            f"recommendations for {answer.n_users:,} users; wrote {answer.written:,} "
            "RECOMMENDED relationships"
        )


def _recommend_one(app, user: str, params: RecommendParams, json_mode: bool, refit: bool) -> None:
    """One USER, with explanations (the learned ranker, or Cypher: §7 of [1])."""
    from beautygraph.pipelines.recommend import user_recommendations

    store = app.store(read_only=True)
    _prepare_learned(store, params, json_mode, app, refit, user)
    result = user_recommendations(store, user, params)
    if json_mode:
        echo_json(result.to_json())
    else:
        _print_user(result)


def _recommend_batch(
    app, params: RecommendParams, write: bool, json_mode: bool, refit: bool
) -> None:
    """--all or --sample N: batch mode, optionally written back."""
    from beautygraph.pipelines.recommend import recommend_batch

    store = app.store(read_only=not write)
    _prepare_learned(store, params, json_mode, app, refit)
    result = recommend_batch(store, params, write=write, steps=cli_steps(json_mode, app.quiet))
    if json_mode:
        echo_json(result.to_json(), compact=True)  # one entry per recommendation
        return
    click.echo(
        f"{params.method}: {len(result.frame):,} recommendations for {result.n_users:,} users"
        + (f"; wrote {result.written:,} RECOMMENDED relationships" if write else "")
    )


@analyze.command("recommenders")
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=SIMULATION_DEFAULTS.sample,
    show_default=True,
    help="Photographers receiving one recommendation per method.",
)
@click.option(
    "--seed", type=click.IntRange(min=0), default=SIMULATION_DEFAULTS.seed, show_default=True
)
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0.0),
    default=SIMULATION_DEFAULTS.tolerance,
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
    "null, with the reason, when a comparison cannot be computed); with --holdout-follows "
    "{k, n_users, n_hidden, reciprocal_pairs_hidden_together, default, best_baseline, "
    "methods: {NAME: {precision, recall, ndcg, users_served, coverage, exposure_gini, "
    "forlorn_share, diff_vs_best_baseline}}, …}.",
)
@click.option(
    "--holdout-follows",
    "holdout",
    type=float,
    default=None,
    help="Instead of the simulation: hide this share of the follows of --users drawn users "
    "(both directions of a reciprocal pair together) and score every recommender on them.",
)
@click.option("--k", type=int, default=10, show_default=True, help="Hold-out: list length.")
@beauty_balance_option(
    "Hold-out, with user classes: λ of learned_balanced's slots given to forlorn "
    "beauties (default: recommend's)."
)
@click.option(
    "--users",
    "n_users",
    type=int,
    default=1000,
    show_default=True,
    help="Hold-out: users whose follows are hidden.",
)
@interest_source_option
@pass_app
@spell_params(
    share="--holdout-follows",
    n_users="--users",
    interest_sources="--interest-source",
    balance="--beauty-balance",
)
def analyze_recommenders(
    app,
    sample: int,
    seed: int,
    tolerance: float,
    out_dir: Path | None,
    json_mode: bool,
    holdout: float | None,
    k: int,
    beauty_balance: float,
    n_users: int,
    sources,
) -> None:
    """The link-recommendation simulation of §7 (Fig. 12): CN vs BB±10 (and AA); with
    --holdout-follows, every recommender against hidden follows."""
    from beautygraph.pipelines.recommend import recommend_params, simulate_recommenders

    if holdout is not None:
        _holdout(app, holdout, k, n_users, seed, sources, out_dir, json_mode, beauty_balance)
        return
    if _typed("beauty_balance"):
        raise click.UsageError("--beauty-balance applies to --holdout-follows only")

    params = recommend_params(SIMULATION_DEFAULTS, sample=sample, seed=seed, tolerance=tolerance)
    sim = simulate_recommenders(app.store(read_only=True), params)
    if out_dir is not None:
        from beautygraph.outputs.recommenders import write_simulation

        write_simulation(sim, out_dir)
    if json_mode:
        echo_json(sim.to_json())
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"§7 simulation: {sim.result.n_sampled:,} sampled users, seed {params.seed}"
    )
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


def _holdout(app, share, k, n_users, seed, interest_sources, out_dir, json_mode, balance) -> None:
    """``analyze recommenders --holdout-follows``: the evaluation, as a table or JSON."""
    from beautygraph.pipelines.recommend_holdout import evaluate_holdout

    res = evaluate_holdout(
        app.store(read_only=True),
        share,
        k,
        n_users,
        seed,
        interest_sources,
        steps=cli_steps(json_mode, app.quiet),
        balance=balance,
    ).to_json()
    if out_dir is not None:
        from beautygraph.outputs.recommenders import write_holdout

        write_holdout(res, out_dir)
    if json_mode:
        echo_json(res)
        return
    from rich.console import Console

    from beautygraph.commands.holdout_table import holdout_table, pairs_phrase

    table = holdout_table(
        res,
        f"{res['n_users']:,} users, {res['n_hidden']:,} hidden follows ({pairs_phrase(res)}); "
        f"candidate recall {res['candidate_recall']:.3f}",
    )
    Console().print(table)
    if res.get("balance_curve"):
        points = ", ".join(
            f"λ {p['beauty_balance']:g}: P {p['precision']:.4f}, forlorn {p['forlorn_share']:.3f}"
            for p in res["balance_curve"]
        )
        click.echo(f"beauty balance (λ of the learned lists' slots to forlorn beauties): {points}")
        from analysis.linkpred.balance import KEEP_PRECISION

        click.echo(
            f"learned_balanced: λ = {res['beauty_balance']:g} (--beauty-balance); on this "
            f"graph the largest λ keeping {KEEP_PRECISION:.0%} of the λ = 0 precision is "
            f"{res['suggested_balance']:g}"
        )
    if out_dir is not None:
        click.echo(f"wrote {out_dir}")


def _comparison_line(key: str, c: dict[str, Any]) -> str:
    """One paper comparison: measured with its CI, or why it cannot be computed."""
    if c["measured"] is None:
        return f"{key}: not computable ({c['reason']}), paper {c['paper']}"
    lo, hi = ("n/a" if x is None else f"{x:.4g}" for x in c["ci"])
    return f"{key}: measured {c['measured']:.4g} [{lo}, {hi}], paper {c['paper']}"
