"""The HTML report: sections, the report that writes them, and what a section builder gets.

A capability (network analyses, matching, recommenders, ALF, scoring, interests) has a
section builder in ``beautygraph/sections/<capability>.py`` that turns its result into a
:class:`Section`; ``beautygraph demo`` calls the builders of
:data:`beautygraph.sections.SECTIONS` in that order with one :class:`DemoContext` and writes
one self-contained ``report.html`` (figures embedded as base64 PNG, also saved as PNG files)
plus, for ``--json``, one object with a key per section holding its headline numbers.

The value types sections and pipelines share (:class:`Figure`, :class:`Comparison`,
:func:`frame_to_html`, :func:`dumps`) live in :mod:`beautygraph.artifacts` and are
re-exported here.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from beautygraph.artifacts import (
    Comparison,
    Figure,
    comparison_table,
    dumps,
    frame_to_html,
)
from beautygraph.strict_json import write_json
from kernel.steps import Steps

if TYPE_CHECKING:  # result types only; no pipeline imports the report
    from analysis.alf.follow_holdout import FollowHoldout
    from analysis.alf.table6 import Table6
    from analysis.propagation.holdout import Holdout
    from beautygraph.pipelines.alf import AuthorityRun
    from beautygraph.pipelines.demo_scoring import DemoBeautyChecks, DemoScoringSkipped
    from beautygraph.pipelines.interests import InterestsResult
    from beautygraph.pipelines.matching import MatchingRun
    from beautygraph.pipelines.network_result import NetworkResult
    from beautygraph.pipelines.recommend import SimulationResult
    from graphdb.base import Store

__all__ = [
    "Comparison",
    "DemoContext",
    "Figure",
    "Report",
    "Section",
    "SectionBuilder",
    "comparison_table",
    "dumps",
    "frame_to_html",
]


@dataclass
class Section:
    """One report section.

    ``key`` is the section's key in ``demo --json``; ``headline`` holds its headline
    numbers (JSON-serialisable); ``html`` is body HTML (already escaped where needed).
    """

    key: str
    title: str
    headline: dict[str, Any] = field(default_factory=dict)
    html: str = ""
    figures: list[Figure] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)

    def to_html(self) -> str:
        parts = [f'<section id="{html.escape(self.key)}"><h2>{html.escape(self.title)}</h2>']
        if self.comparisons:
            parts.append(comparison_table(self.comparisons))
        parts.append(self.html)
        parts.extend(f.to_html() for f in self.figures)
        parts.append("</section>")
        return "\n".join(parts)


_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.4;overflow-wrap:break-word}
h1{border-bottom:2px solid #c33} h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.8em 0} td,th{border:1px solid #ccc;padding:3px 8px;font-size:.9em}
.cmp td{overflow-wrap:anywhere} th{background:#f4f4f4} figure{margin:1em 0} img{max-width:100%}
figcaption{font-size:.85em;color:#555} nav a{margin-right:1em} nav{overflow-wrap:anywhere}
pre,code{white-space:pre-wrap;overflow-wrap:anywhere}
.wide{max-width:100%;overflow-x:auto}
@media print{
 body{max-width:none;margin:0;padding:0}
 .wide{overflow:visible}
 table{width:100%;table-layout:fixed}
 td,th{font-size:7pt;padding:1px 3px;overflow-wrap:anywhere;word-break:break-word}
 figure,tr{break-inside:avoid}
}
"""


@dataclass
class Report:
    """An ordered list of sections written as one self-contained HTML file."""

    title: str = "beautygraph report"
    sections: list[Section] = field(default_factory=list)

    def add(self, section: Section) -> None:
        self.sections.append(section)

    def headline(self) -> dict[str, Any]:
        """``{section.key: section.headline}`` — what ``demo --json`` prints."""
        return {s.key: s.headline for s in self.sections}

    def to_html(self) -> str:
        nav = " ".join(
            f'<a href="#{html.escape(s.key)}">{html.escape(s.title)}</a>' for s in self.sections
        )
        body = "\n".join(s.to_html() for s in self.sections)
        return (
            f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(self.title)}"
            f"</title><style>{_CSS}</style></head><body><h1>{html.escape(self.title)}</h1>"
            f"<nav>{nav}</nav>{body}</body></html>"
        )

    def write(self, out_dir: Path) -> Path:
        """Write ``report.html``, every figure as PNG and ``report.json``; returns the HTML path."""
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        for s in self.sections:
            for f in s.figures:
                f.save(out_dir / "figures")
        write_json(self.headline(), out_dir / "report.json")
        path = out_dir / "report.html"
        path.write_text(self.to_html(), encoding="utf-8")
        return path


# -- what a report section gets ------------------------------------------------------------


@dataclass
class DemoContext:
    """What every report section builder gets: the store, the folders, the generator's truth,
    the steps, and a named field for each result one section hands to later ones.

    Sections run in the order of :data:`beautygraph.sections.SECTIONS`; a section that
    depends on an earlier one reads its field (None when that section was skipped or failed).
    """

    store: Store
    out_dir: Path
    data_dir: Path
    truth: dict[str, Any] | None
    seed: int
    n_users: int
    steps: Steps = field(default_factory=Steps)
    #: the interests section's classifier and how many favourited photos it labels
    interests_model: str = "efficientnet_lite0"
    interests_limit: int = 400
    #: profile only users with at least this many labelled favourite photos
    interests_min_photos: int = 30
    # results, set by the section of the same name
    network: NetworkResult | None = None
    matching: MatchingRun | None = None
    recommenders: SimulationResult | None = None
    beauty: DemoBeautyChecks | DemoScoringSkipped | None = None
    interests: InterestsResult | None = None
    alf: AuthorityRun | None = None
    alf_table6: Table6 | None = None
    alf_holdout: FollowHoldout | None = None
    propagation: Holdout | None = None


#: a report section: builds its :class:`Section` from the context (None: nothing to report)
SectionBuilder = Callable[[DemoContext], Section | None]
