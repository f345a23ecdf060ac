"""Figures and files of ``analyze interests --out`` and the report's ``interests`` section:
Table 1 and Figure 4 of the interest-profiling paper [1] (tag vs. image profiles over the
34 BabelNet domains), from a :class:`beautygraph.pipelines.interests.InterestsResult`.

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

from collections.abc import Sequence
from pathlib import Path

from beautygraph.artifacts import Figure
from beautygraph.outputs import save_figures, save_tables
from beautygraph.pipelines.interests import InterestsResult, paper_table_frame

__all__ = ["interests_figures", "write_interests"]


def interests_figures(result: InterestsResult) -> list[Figure]:
    """Figure 4 (users by number of matching domains, beside the paper's networks) and the
    domain frequencies of the top-5 tag and image profiles."""
    from analysis.interest_profiles import PAPER_TABLE1
    from analysis.plots.interests import plot_domain_frequencies, plot_match_distribution

    return [
        Figure.from_matplotlib(
            plot_match_distribution(result.comparison, PAPER_TABLE1),
            "interests_matches",
            "Figure 4: users by number of matching domains |A ∩ B|, "
            "paper's networks (share) vs measured.",
        ),
        Figure.from_matplotlib(
            plot_domain_frequencies(result.comparison),
            "interests_domains",
            "Domains in the top-5 tag and image profiles (users).",
        ),
    ]


def write_interests(
    result: InterestsResult, out_dir: str | Path, figures: Sequence[Figure] = ()
) -> list[Path]:
    """``interests_table1.csv`` (Table 1 beside the paper's), ``interests_matches.csv``,
    ``interest_users.csv`` and ``figures`` as PNG in ``out_dir`` (created); returns the
    paths in that order."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "interests_table1.csv": paper_table_frame(result),
        "interests_matches.csv": result.to_frame(),
        "interest_users.csv": result.users_frame(),
    }
    return [*save_tables(out, tables).values(), *save_figures(out, figures).values()]
