"""The HTML report: a list of sections that each capability registers.

A capability (network analyses, matching, recommenders, ALF, scoring, interests) builds a
:class:`Section` from its result; ``beautygraph demo`` calls every registered section
builder in order (see :func:`register_section`) and writes one self-contained
``report.html`` (figures embedded as base64 PNG, also saved as PNG files) plus, for
``--json``, one object with a key per section holding that section's headline numbers.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    """A rendered figure: PNG bytes plus file name and caption."""

    name: str
    png: bytes
    caption: str = ""

    @classmethod
    def from_matplotlib(cls, fig, name: str, caption: str = "", dpi: int = 110) -> Figure:
        """Render a matplotlib figure (and close it)."""
        import matplotlib.pyplot as plt

        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        plt.close(fig)
        return cls(name=name, png=buf.getvalue(), caption=caption)

    def save(self, out_dir: Path) -> Path:
        path = Path(out_dir) / (self.name if self.name.endswith(".png") else f"{self.name}.png")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.png)
        return path

    def to_html(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        cap = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return f'<figure><img alt="{html.escape(self.name)}" src="data:image/png;base64,{data}">{cap}</figure>'


@dataclass
class Comparison:
    """One row of a "paper vs. measured" table."""

    quantity: str
    paper: str
    measured: str
    note: str = ""


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


def comparison_table(rows: list[Comparison]) -> str:
    body = "".join(
        f"<tr><td>{html.escape(r.quantity)}</td><td>{html.escape(r.paper)}</td>"
        f"<td>{html.escape(r.measured)}</td><td>{html.escape(r.note)}</td></tr>"
        for r in rows
    )
    return (
        '<table class="cmp"><thead><tr><th>quantity</th><th>paper</th><th>measured</th>'
        f"<th>note</th></tr></thead><tbody>{body}</tbody></table>"
    )


def frame_to_html(frame, float_format: str = "{:.4g}") -> str:
    """A pandas DataFrame as a compact HTML table."""
    return frame.to_html(
        index=False, border=0, classes="tbl", float_format=lambda v: float_format.format(v)
    )


_CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222;line-height:1.4}
h1{border-bottom:2px solid #c33} h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.8em 0} td,th{border:1px solid #ccc;padding:3px 8px;font-size:.9em}
th{background:#f4f4f4} figure{margin:1em 0} img{max-width:100%} figcaption{font-size:.85em;color:#555}
nav a{margin-right:1em}
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
        (out_dir / "report.json").write_text(
            json.dumps(self.headline(), indent=2, default=_jsonable)
        )
        path = out_dir / "report.html"
        path.write_text(self.to_html(), encoding="utf-8")
        return path


def _jsonable(value):
    """``json.dumps`` default: numpy scalars/arrays and paths."""
    import numpy as np

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(obj: Any) -> str:
    """JSON text for CLI ``--json`` output (numpy-aware)."""
    return json.dumps(obj, indent=2, default=_jsonable)


# -- the registry of demo sections ---------------------------------------------------

SectionBuilder = Callable[["DemoContext"], Section | None]  # noqa: F821
_REGISTRY: list[tuple[int, str, SectionBuilder]] = []


def register_section(key: str, order: int) -> Callable[[SectionBuilder], SectionBuilder]:
    """Decorator: register a demo step that returns a :class:`Section` (or None to skip
    with a reason logged).  Steps run in ascending ``order``; the loader is order 0,
    the generator's parameters 5, network 20, matching 30, recommenders 40, scoring 50,
    interests 60, ALF 70."""

    def deco(fn: SectionBuilder) -> SectionBuilder:
        if any(k == key for _, k, _ in _REGISTRY):
            raise ValueError(f"report section {key!r} registered twice")
        _REGISTRY.append((order, key, fn))
        return fn

    return deco


def registered_sections() -> list[tuple[int, str, SectionBuilder]]:
    return sorted(_REGISTRY, key=lambda t: (t[0], t[1]))
