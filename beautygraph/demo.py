"""``beautygraph demo``: generate (or take) a data folder, load it into a fresh embedded
store (or the empty store ``--db`` names), run the report sections of :data:`beautygraph.sections.SECTIONS` in order and write
``report.html``."""

from __future__ import annotations

import html
import json
import logging
import shutil
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from beautygraph.errors import UserError
from beautygraph.report import DemoContext, Report, Section, SectionBuilder, frame_to_html
from beautygraph.sections import SECTIONS
from kernel.steps import Steps, as_steps

if TYPE_CHECKING:
    from beautygraph.generate import GeneratorConfig
    from graphdb.base import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoResult:
    """What one demo run wrote and found: the report, its headline numbers, and the
    sections that failed or were skipped (with why), with their seconds."""

    report_path: Path
    headline: dict[str, Any]
    failed: dict[str, str]
    skipped: dict[str, str]
    seconds: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        """The ``demo --json`` object: the headline numbers (``report.json`` holds the same)."""
        return self.headline


def default_image_sample(n_users: int) -> int:
    """Photos rendered as images for the scoring/interest steps: enough to train on, small
    enough for a CPU run."""
    return int(min(1200, max(300, n_users // 5)))


def demo_config(n_users: int, seed: int, image_sample: int, null: bool = False) -> GeneratorConfig:
    """The generator configuration of ``beautygraph demo`` (``null``: ``demo --null``)."""
    from beautygraph.generate import GeneratorConfig
    from beautygraph.generate.config import ImageParams

    return GeneratorConfig(
        n_users=n_users,
        seed=seed,
        images=image_sample > 0,
        image_sample=image_sample or None,
        null=null,
        # half the rendered photos are every favourite of the most active favouriters, so
        # that the interest section profiles users on >= 30 labelled photos each
        rendering=ImageParams(profile_share=0.5, profile_min_photos=30),
    )


def prepare_data(
    out_dir: Path,
    n_users: int,
    seed: int,
    image_sample: int | None,
    data_dir: Path | None,
    steps: Steps | None = None,
    null: bool = False,
) -> tuple[Path, dict | None]:
    """Return the data folder to load (generated into OUT/data unless given) and its truth."""
    if data_dir is not None:
        if null:
            raise UserError("--null generates a null community; it cannot be used with --data")
        if not Path(data_dir).is_dir():
            raise UserError(f"--data {str(data_dir)!r} is not a folder")
        truth_path = Path(data_dir) / "truth.json"
        truth = json.loads(truth_path.read_text()) if truth_path.exists() else None
        return Path(data_dir), truth
    from beautygraph.generate import generate

    data_dir = out_dir / "data"
    if data_dir.exists():
        shutil.rmtree(data_dir)
    sample = default_image_sample(n_users) if image_sample is None else image_sample
    config = demo_config(n_users, seed, sample, null)
    truth = generate(config, data_dir, steps=steps)
    return data_dir, truth


def run_demo(
    out_dir: Path,
    n_users: int = 5000,
    seed: int = 0,
    image_sample: int | None = None,
    data_dir: Path | None = None,
    steps: Steps | None = None,
    db: str | None = None,
    database: str | None = None,
    reset: bool = False,
    null: bool = False,
) -> DemoResult:
    """The whole pipeline on a fresh embedded store in ``out_dir``, or on ``db`` (a
    ``bolt://``/``neo4j://`` server or an embedded path), which must be empty unless
    ``reset`` clears it first; ``steps`` gets one stage per phase (``generate``,
    ``load``, then one per report section)."""
    import graphdb
    from beautygraph.pipelines.load import load_into_store

    steps = as_steps(steps)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    with steps("generate") as step:
        data_dir, truth = prepare_data(
            out_dir, n_users, seed, image_sample, data_dir, steps, null=null
        )
    timings["generate"] = step.seconds

    if db is None:
        db_path: str | Path = graphdb.embedded_path(out_dir, "demo")
        graphdb.remove_embedded(db_path)
    else:
        db_path = db
    failed: dict[str, str] = {}
    skipped: dict[str, str] = {}

    report = Report(
        title="beautygraph demo report (null community)" if null else "beautygraph demo report"
    )
    with graphdb.connect(db_path, database=database) as store:
        _empty_or_reset(store, str(db_path), reset)
        report.add(_backend_section(store, str(db_path)))
        with steps("load") as step:
            load_into_store(store, data_dir, steps)
        timings["load"] = step.seconds
        ctx = DemoContext(
            store=store,
            out_dir=out_dir,
            data_dir=data_dir,
            truth=truth,
            seed=seed,
            n_users=n_users,
            steps=steps,
        )
        for key, builder in SECTIONS:
            with steps(key) as step:
                section = _build(builder, key, ctx, failed, skipped)
            timings[key] = step.seconds
            if section is not None:
                report.add(section)
    report.add(_timing_section(timings))
    path = report.write(out_dir)
    headline = report.headline()
    return DemoResult(
        report_path=path, headline=headline, failed=failed, skipped=skipped, seconds=timings
    )


def _build(
    builder: SectionBuilder,
    key: str,
    ctx: DemoContext,
    failed: dict[str, str],
    skipped: dict[str, str],
) -> Section | None:
    """Run one section builder; a user error skips it with the reason, any other error
    fails it without losing the other sections."""
    try:
        return builder(ctx)
    except UserError as exc:  # e.g. too little data for this analysis: say so
        skipped[key] = str(exc)
        return Section(
            key=key,
            title=f"{key} (not computed)",
            headline={"skipped": str(exc)},
            html=f"<p class='skipped'>Not computed: {html.escape(str(exc))}</p>",
        )
    except Exception as exc:  # one failing section must not lose the others
        log.debug("section %s failed:\n%s", key, traceback.format_exc())
        failed[key] = f"{type(exc).__name__}: {exc}"
        return Section(
            key=key,
            title=f"{key} (failed)",
            headline={"error": failed[key]},
            html=f"<p class='error'>This section failed: {html.escape(str(exc))}</p>",
        )


def _empty_or_reset(store: Store, where: str, reset: bool) -> None:
    """The demo loads a generated community: refuse a store that holds data already."""
    counts = store.counts()
    n = sum(counts["nodes"].values())
    if n and not reset:
        raise UserError(
            f"the database at {where} is not empty ({n:,} nodes); "
            "pass --reset to delete its contents first"
        )
    if n:
        store.clear()


def _backend_section(store: Store, where: str) -> Section:
    """Which store the demo ran on (the report says it, and ``--json`` too)."""
    backend = {"neo4j": "Neo4j server", "ladybug": "embedded LadybugDB"}.get(store.dialect)
    headline: dict[str, Any] = {"backend": store.dialect, "where": where}
    database = getattr(store, "database", None)  # only a Neo4j store names one
    if database:
        headline["database"] = database
    text = f"{backend} at {where}" + (f", database {database}" if "database" in headline else "")
    return Section(
        key="backend",
        title="Store",
        headline=headline,
        html=f"<p>This report ran on the {html.escape(text)}.</p>",
    )


def _timing_section(timings: dict[str, float]) -> Section:
    import pandas as pd

    frame = pd.DataFrame(
        {"step": list(timings), "seconds": [round(v, 2) for v in timings.values()]}
    )
    return Section(
        key="timings",
        title="Run time per step",
        headline={k: round(v, 2) for k, v in timings.items()},
        html=frame_to_html(frame),
    )
