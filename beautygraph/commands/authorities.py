"""ALF commands: ``beautygraph authorities`` and ``beautygraph analyze authorities``
(ALF (Discovery of Topical Authorities in Instagram) §4–6).

References
----------
.. [1] A. Pal, A. Herdağdelen, S. Chatterji, S. Taank, D. Chakrabarti. "Discovery of
   Topical Authorities in Instagram." Proceedings of the 25th International Conference
   on World Wide Web (WWW 2016), Montréal. https://doi.org/10.1145/2872427.2883078
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from beautygraph.clikit import analyze, cli_steps, echo_json, main, pass_app, spell_params
from beautygraph.commands.engine_options import engine_options
from beautygraph.commands.holdout_table import pairs_phrase
from beautygraph.commands.interest_source import interest_source_option
from beautygraph.errors import UserError

if TYPE_CHECKING:
    from beautygraph.pipelines.alf import AuthoritiesSummary, AuthorityEvaluation


def _evidence_options(fn):
    """``--pass1-denominator`` and ``--min-support``: their defaults and choices are those of
    :class:`analysis.alf.params.AlfParams` (written out so that ``--help`` need not import
    scipy; ``tests/test_alf_params.py`` holds them equal)."""
    fn = click.option(
        "--pass1-denominator",
        type=click.Choice(["n_in", "m_in"]),
        default="n_in",
        show_default=True,
        help="Pass 1 divides by all followers (n_in, Theorem 1's F^e = S^c P) or by the "
        "followers with interests (m_in, Algorithm 1 as printed).",
    )(fn)
    fn = click.option(
        "--min-support",
        type=click.IntRange(min=0),
        default=3,
        show_default=True,
        help="An authority on t needs at least this many followers with a seed interest in t.",
    )(fn)
    return fn


@main.command()
@click.option(
    "--alpha",
    type=float,
    default=None,
    help="Theorem 1 alpha (> 0). Leave alpha/beta/gamma out for Algorithm 1.",
)
@click.option("--beta", type=float, default=None, help="Theorem 1 beta (>= 0).")
@click.option("--gamma", type=float, default=None, help="Theorem 1 gamma (>= 0).")
@interest_source_option
@_evidence_options
@click.option(
    "--topic-block",
    type=click.IntRange(min=1),
    default=None,
    help="Propagate N topics at a time (memory O(users x N)); Algorithm 1 only.",
)
@click.option("--float32", "float32", is_flag=True, help="scipy: propagate in single precision.")
@engine_options()
@click.option("--json", "json_mode", is_flag=True, help="Print the summary as JSON.")
@pass_app
def authorities(
    app,
    alpha,
    beta,
    gamma,
    sources,
    min_support,
    pass1_denominator,
    topic_block,
    float32,
    engine,
    spark,
    json_mode: bool,
) -> None:
    """Find topical authorities (ALF): bio interests, propagation, wzf, filters, write-back."""
    from beautygraph.pipelines.alf import alf_params, authorities_summary

    params = alf_params(
        alpha=alpha,
        beta=beta,
        gamma=gamma,
        min_support=min_support,
        pass1_denominator=pass1_denominator,
        topic_block=topic_block,
        dtype="float32" if float32 else "float64",
    )
    if engine == "spark":
        if alpha is not None or beta is not None or gamma is not None:
            raise click.UsageError(
                "--engine spark runs Algorithm 1: leave out --alpha/--beta/--gamma"
            )
        if float32:
            raise click.UsageError("--float32 applies to --engine scipy")
    summary = authorities_summary(
        app.store(),
        params,
        sources,
        engine=engine,
        options=spark,
        steps=cli_steps(json_mode, app.quiet),
    )
    if json_mode:
        echo_json(summary.to_json())
        return
    _print_summary(summary, params.min_support, params.pass1_denominator)


def _print_summary(summary: AuthoritiesSummary, min_support: int, pass1_denominator: str) -> None:
    """The summary of ``authorities`` as two lines and a per-topic table."""
    from rich.console import Console
    from rich.table import Table

    c = Console()
    c.print(
        f"ALF ({summary.method}, {summary.engine}) on {summary.users:,} users, "
        f"{summary.follows:,} follows, {summary.topics} topics; interests from "
        f"{', '.join(summary.interest_sources)}: {summary.users_with_interests:,} users"
    )
    c.print(
        f"assigned {summary.assigned:,}, removed FP1 {summary.fp1_removed:,} / FP2 "
        f"{summary.fp2_removed:,}; {summary.authorities:,} authorities written "
        f"({100 * summary.share_authorities:.1f} % of users; at least {min_support} "
        f"followers with a seed interest in the topic, Pass 1 over {pass1_denominator})"
    )
    table = Table(title="authorities per topic")
    table.add_column("topic")
    table.add_column("authorities", justify="right")
    table.add_column("% of users", justify="right")
    table.add_column("top (best first)")
    for topic, n in summary.per_topic.items():
        table.add_row(
            topic,
            f"{n['authorities']:,}",
            f"{100 * n['share_of_users']:.2f}",
            ", ".join(summary.top.get(topic, [])),
        )
    c.print(table)


def _default_truth(db: str) -> Path:
    """``truth.json`` beside an embedded database (or in its ``data/`` sibling folder)."""
    import graphdb

    found = graphdb.file_beside(db, "truth.json", Path("data", "truth.json"))
    if found is not None:
        return found
    raise UserError(
        "no ground truth: pass --truth truth.json (the generator's truth file; none was "
        f"found beside the database {db!r})"
    )


@analyze.command("authorities")
@click.option(
    "--k",
    "k",
    type=click.IntRange(min=1),
    default=None,
    help="Authorities per topic compared (A^k_t of §6.3; default 200) or, with "
    "--holdout-follows, recommendations per user (default 10).",
)
@click.option(
    "--holdout-follows",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=None,
    help="Judge without a truth file: hide this share of the follows of --users drawn users "
    "(both directions of a reciprocal pair together), find the authorities again and score "
    "Algorithm 2 beside every baseline of `analyze recommenders --holdout-follows`.",
)
@click.option(
    "--users",
    "n_users",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="With --holdout-follows: users whose follows are hidden, drawn among those who "
    "follow at least two accounts (the same draw as `analyze recommenders` for a seed).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--truth",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="truth.json with 'authorities' {topic: [user]} (default: beside the data).",
)
@interest_source_option
@_evidence_options
@click.option(
    "--json",
    "json_mode",
    is_flag=True,
    help="Print the table as JSON; with --holdout-follows that of `analyze recommenders "
    "--holdout-follows` ({k, n_users, n_hidden, reciprocal_pairs_hidden_together, "
    "best_baseline, methods: {NAME: {precision, recall, ndcg, users_served, coverage, "
    "exposure_gini, forlorn_share, diff_vs_best_baseline}}, …}) with share, authorities, "
    "users_with_interests, follows_removed and interest_sources.",
)
@pass_app
@spell_params(share="--holdout-follows", n_users="--users")
def analyze_authorities(
    app,
    k: int | None,
    holdout_follows: float | None,
    n_users: int,
    seed: int,
    truth: Path | None,
    sources,
    min_support: int,
    pass1_denominator: str,
    json_mode: bool,
) -> None:
    """Precision/recall@k of ALF, topic PageRank and "No weighting" against a truth file
    (Table 6), or, with --holdout-follows, of the recommenders on hidden follow links."""
    from beautygraph.pipelines.alf import alf_params, analyze_authorities, analyze_follow_links

    params = alf_params(min_support=min_support, pass1_denominator=pass1_denominator)
    store = app.store()
    if holdout_follows is not None:
        held = analyze_follow_links(
            store,
            holdout_follows,
            k or 10,
            interest_sources=sources,
            seed=seed,
            params=params,
            n_users=n_users,
            steps=cli_steps(json_mode, app.quiet),
        )
        if json_mode:
            echo_json(held.to_json())
        else:
            _print_holdout(held.to_json())
        return
    truth_path = truth if truth is not None else _default_truth(app.db)
    result = analyze_authorities(
        store, truth_path, k=k or 200, interest_sources=sources, params=params
    )
    if json_mode:
        echo_json(result.to_json())
        return
    _print_table6(result)


def _print_table6(result: AuthorityEvaluation) -> None:
    from rich.console import Console
    from rich.table import Table

    click.echo(f"interests from {', '.join(result.interest_sources)}")
    t = Table(title=f"precision / recall @ k={result.table.k} (paper Table 6 in brackets)")
    for col in ("method", "precision", "recall", "f1"):
        t.add_column(col)
    for _, row in result.table.to_frame().iterrows():
        t.add_row(
            row["method"],
            f"{row['precision']:.3f} ({row['paper_precision']:.2f})",
            f"{row['recall']:.3f} ({row['paper_recall']:.2f})",
            f"{row['f1']:.3f} ({row['paper_f1']:.2f})",
        )
    Console().print(t)


def _print_holdout(res: dict[str, Any]) -> None:
    """The follow hold-out as the table of ``analyze recommenders --holdout-follows``."""
    from rich.console import Console

    from beautygraph.commands.holdout_table import holdout_table

    Console().print(holdout_table(res, holdout_title(res)))


def holdout_title(res: dict[str, Any]) -> str:
    """The table title: the users and hidden follows every figure is computed over, how
    reciprocal pairs were hidden, and what ALF was found again from."""
    return (
        f"{res['n_users']:,} users, {res['n_hidden']:,} hidden follows "
        f"({100 * res['share']:.0f} % of each drawn user's; {pairs_phrase(res)}; "
        f"{res['follows_removed']:,} follows removed in all), k={res['k']}; interests from "
        f"{', '.join(res['interest_sources'])} ({res['users_with_interests']:,} of the drawn "
        f"users have one); {res['authorities']:,} authorities found again without them"
    )
