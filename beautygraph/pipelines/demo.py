"""``beautygraph demo``: generate (or take) a data folder, load it into a fresh embedded
store, run every registered report section in order and write ``report.html``."""

from __future__ import annotations

import html
import importlib
import json
import logging
import shutil
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beautygraph.errors import UserError
from beautygraph.report import Report, Section, registered_sections

log = logging.getLogger(__name__)

#: pipeline modules whose import registers their report sections (in report order)
PIPELINE_MODULES = [
    "beautygraph.pipelines.load",
    "beautygraph.pipelines.generated",
    "beautygraph.pipelines.network",
    "beautygraph.pipelines.matching",
    "beautygraph.pipelines.recommend",
    "beautygraph.pipelines.scoring",
    "beautygraph.pipelines.interests",
    "beautygraph.pipelines.alf",
]


@dataclass
class DemoContext:
    """What a report section builder gets: the store, folders, truth and shared results."""

    store: Any
    out_dir: Path
    data_dir: Path
    truth: dict | None
    seed: int
    n_users: int
    json_mode: bool = False
    progress: bool = False
    results: dict[str, Any] = field(default_factory=dict)


@dataclass
class DemoResult:
    report_path: Path
    headline: dict[str, Any]
    failed: dict[str, str]
    skipped: dict[str, str]
    seconds: dict[str, float]


def default_image_sample(n_users: int) -> int:
    """Photos rendered as images for the scoring/interest steps: enough to train on, small
    enough for a CPU run."""
    return int(min(1200, max(300, n_users // 5)))


def prepare_data(
    out_dir: Path,
    n_users: int,
    seed: int,
    image_sample: int | None,
    data_dir: Path | None,
    progress: bool,
) -> tuple[Path, dict | None]:
    """Return the data folder to load (generated into OUT/data unless given) and its truth."""
    if data_dir is not None:
        if not Path(data_dir).is_dir():
            raise UserError(f"--data {str(data_dir)!r} is not a folder")
        truth_path = Path(data_dir) / "truth.json"
        truth = json.loads(truth_path.read_text()) if truth_path.exists() else None
        return Path(data_dir), truth
    from beautygraph.generate import GeneratorConfig, generate

    data_dir = out_dir / "data"
    if data_dir.exists():
        shutil.rmtree(data_dir)
    sample = default_image_sample(n_users) if image_sample is None else image_sample
    config = GeneratorConfig(
        n_users=n_users, seed=seed, images=sample > 0, image_sample=sample or None
    )
    truth = generate(config, data_dir)
    return data_dir, truth


def run_demo(
    out_dir: Path,
    n_users: int = 5000,
    seed: int = 7,
    image_sample: int | None = None,
    data_dir: Path | None = None,
    progress: bool = False,
    json_mode: bool = False,
) -> DemoResult:
    """The whole pipeline on a fresh embedded store in ``out_dir``."""
    import graphdb
    from beautygraph.pipelines.load import load_with_progress

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    data_dir, truth = prepare_data(out_dir, n_users, seed, image_sample, data_dir, progress)
    timings["generate"] = time.perf_counter() - t0

    db_path = out_dir / "demo.lbdb"
    for p in out_dir.glob("demo.lbdb*"):
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    failed: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for module in PIPELINE_MODULES:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            failed[module.rsplit(".", 1)[-1]] = f"cannot import {module}: {exc}"

    report = Report(title="beautygraph demo report")
    with graphdb.connect(db_path) as store:
        t0 = time.perf_counter()
        load_with_progress(store, data_dir, progress)
        timings["load"] = time.perf_counter() - t0
        ctx = DemoContext(
            store=store,
            out_dir=out_dir,
            data_dir=data_dir,
            truth=truth,
            seed=seed,
            n_users=n_users,
            json_mode=json_mode,
            progress=progress,
        )
        for _order, key, builder in registered_sections():
            t0 = time.perf_counter()
            _status(progress, f"report section: {key}")
            try:
                section = builder(ctx)
            except UserError as exc:  # e.g. too little data for this analysis: say so
                skipped[key] = str(exc)
                section = Section(
                    key=key,
                    title=f"{key} (not computed)",
                    headline={"skipped": str(exc)},
                    html=f"<p class='skipped'>Not computed: {html.escape(str(exc))}</p>",
                )
            except Exception as exc:  # one failing section must not lose the others
                log.debug("section %s failed:\n%s", key, traceback.format_exc())
                failed[key] = f"{type(exc).__name__}: {exc}"
                section = Section(
                    key=key,
                    title=f"{key} (failed)",
                    headline={"error": failed[key]},
                    html=f"<p class='error'>This section failed: {html.escape(str(exc))}</p>",
                )
            timings[key] = time.perf_counter() - t0
            if section is not None:
                report.add(section)
    report.add(_timing_section(timings))
    path = report.write(out_dir)
    headline = report.headline()
    return DemoResult(
        report_path=path, headline=headline, failed=failed, skipped=skipped, seconds=timings
    )


def _status(progress: bool, text: str) -> None:
    if progress:
        from rich.console import Console

        Console(stderr=True).print(f"[dim]… {text}[/dim]")


def _timing_section(timings: dict[str, float]) -> Section:
    import pandas as pd

    from beautygraph.report import frame_to_html

    frame = pd.DataFrame(
        {"step": list(timings), "seconds": [round(v, 2) for v in timings.values()]}
    )
    return Section(
        key="timings",
        title="Run time per step",
        headline={k: round(v, 2) for k, v in timings.items()},
        html=frame_to_html(frame),
    )
