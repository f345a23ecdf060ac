"""What pipelines and report sections produce: rendered figures, "paper vs. measured" rows,
HTML tables and strict JSON text.

These value types sit below both :mod:`beautygraph.pipelines` and :mod:`beautygraph.sections`
(and :mod:`beautygraph.report`, which re-exports them), so no pipeline imports the report.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beautygraph.strict_json import dumps as strict_dumps

__all__ = ["Figure", "Comparison", "comparison_table", "frame_to_html", "dumps"]


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
    #: is the measured value comparable with the paper's? "yes", or "no: why not"
    #: (different data, synthetic truth, different protocol); every row must say
    comparable: str = ""

    def __post_init__(self) -> None:
        if not self.comparable.strip():
            raise ValueError(
                f"comparison row {self.quantity!r} does not say whether it is comparable "
                "with the paper (and if not, why not)"
            )


#: the ``comparable`` of a row whose quantity the papers do not report
NO_PAPER_FIGURE = "no paper figure: a measurement on this data set, its baselines beside it"


def comparison_table(rows: list[Comparison]) -> str:
    body = "".join(
        f"<tr><td>{html.escape(r.quantity)}</td><td>{html.escape(r.paper)}</td>"
        f"<td>{html.escape(r.measured)}</td><td>{html.escape(r.comparable or '—')}</td>"
        f"<td>{html.escape(r.note)}</td></tr>"
        for r in rows
    )
    return (
        '<div class="wide"><table class="cmp"><thead><tr><th>quantity</th><th>paper</th>'
        "<th>measured</th><th>comparable?</th>"
        f"<th>note</th></tr></thead><tbody>{body}</tbody></table></div>"
    )


def frame_to_html(frame, float_format: str = "{:.4g}") -> str:
    """A pandas DataFrame as a compact HTML table (in a box that scrolls when too wide)."""
    table = frame.to_html(
        index=False, border=0, classes="tbl", float_format=lambda v: float_format.format(v)
    )
    return f'<div class="wide">{table}</div>'


def dumps(obj: Any) -> str:
    """Strict JSON text for CLI ``--json`` output and JSON files (NaN / inf -> null)."""
    return strict_dumps(obj)
