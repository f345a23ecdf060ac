"""One line per command: what it does and what must have run before it.

The root group (:class:`beautygraph.clikit.BeautyGroup`) gives every command its
``summary`` as the short help line of ``--help`` listings and appends ``needs`` to the
command's own help, so the order that matters is stated before a command fails.  The
README's command table is checked against this table by ``tests/test_cli_reference.py``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommandRef:
    """``summary``: the short help line; ``needs``: prerequisites ("" when none)."""

    summary: str
    needs: str = ""


#: full command path → its reference line, in the order of a manual session
REFERENCE: dict[str, CommandRef] = {
    "demo": CommandRef("Generate a community, run every analysis, write report.html."),
    "generate": CommandRef("Write a synthetic community with planted effects."),
    "init": CommandRef("Create the schema in the database (idempotent)."),
    "load": CommandRef("Validate an input folder completely, then load its new rows."),
    "stats": CommandRef("Count nodes per label and relationships per type.", "load"),
    "query": CommandRef("Run a named Cypher query, a .cypher file or --cypher text.", "load"),
    "analyze network": CommandRef(
        "User beauty, inequality, user classes (Figs. 5-7).",
        "load; Photo.beauty from photos.csv or score beauty",
    ),
    "analyze matching": CommandRef(
        "Beauty inspires beauty; imbalance kills (Figs. 9-11).",
        "load with timestamps; Photo.beauty from photos.csv or score beauty",
    ),
    "analyze recommenders": CommandRef(
        "Simulate CN, BB±10 and AA (Fig. 12), or score every recommender on hidden follows.",
        "analyze network (User.beauty); --holdout-follows: load only",
    ),
    "analyze interests": CommandRef(
        "Tag vs image interest profiles (Table 1, Fig. 4).", "score interests"
    ),
    "analyze authorities": CommandRef(
        "Precision/recall@k of ALF against the ground truth (Table 6) or hidden follows.",
        "authorities; truth.json of generate (or --holdout-follows)",
    ),
    "analyze propagation": CommandRef(
        "Hide seed users' interests, predict them by every method, score (F1).",
        "load with interests.csv, or bio/tags/images interests",
    ),
    "interests propagate": CommandRef(
        "Interests of every user from seed interests over the follower graph.",
        "load with interests.csv, or bio/tags/images interests",
    ),
    "score train": CommandRef("Fine-tune the beauty CNN on rated images."),
    "score evaluate": CommandRef("Accuracy and Spearman ρ of a beauty model on rated images."),
    "score beauty": CommandRef(
        "Score every photo's beauty with a model, then User.beauty.",
        "load with photo paths (NIMA ships; --model picks another)",
    ),
    "score user-beauty": CommandRef(
        "Recompute User.beauty from one beauty source.",
        "Photo.beauty from photos.csv or score beauty",
    ),
    "score interests": CommandRef(
        "Label photos with an ImageNet CNN and profile image interests.",
        "load with photo paths",
    ),
    "score interests-benchmark": CommandRef(
        "Domain accuracy of ImageNet CNNs on hand-labelled real photos."
    ),
    "authorities": CommandRef(
        "Find topical authorities (ALF), write them to the graph.",
        "load with bios or interests.csv",
    ),
    "recommend": CommandRef(
        "Whom should a user follow? Ranked, with explanations.",
        "load; bb: analyze network; authority: authorities",
    ),
    "beauty-aggregates": CommandRef(
        "User and neighbour beauty on the cypher, scipy or spark engine.",
        "Photo.beauty from photos.csv or score beauty",
    ),
    "export": CommandRef("Export the store as Parquet (index pairs, id tables).", "load"),
    "import-results": CommandRef(
        "Validate Parquet results made elsewhere, then write them back.", "export"
    ),
}

__all__ = ["CommandRef", "REFERENCE"]
