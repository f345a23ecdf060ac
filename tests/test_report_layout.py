"""The report fits a 1,200 px window and an A4 page (headless Chromium; Debian ``chromium``).

``.ci/run`` installs Chromium when it is missing, so this runs in CI; elsewhere it skips
with the reason when no Chromium is installed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from beautygraph.layout_check import check_layout, find_chromium
from beautygraph.report import Comparison, Figure, Report, Section, frame_to_html

pytestmark = pytest.mark.skipif(
    find_chromium() is None, reason="no chromium installed (Debian: apt-get install chromium)"
)


def _report(tmp_path, wide_columns: int) -> Report:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        rng.random((4, wide_columns)),
        columns=[f"a_long_column_name_{i}" for i in range(wide_columns)],
    )
    fig, ax = plt.subplots(figsize=(14, 3))
    ax.plot(rng.random(50))
    rows = [
        Comparison(
            "a quantity with a long name " * 3,
            "paper value",
            "measured " * 20,
            "indistinguishable from chance (p = 0.43; chance: 0.31–0.35) " * 2,
            "no: synthetic data whose generator targets this value",
        )
    ]
    report = Report()
    report.add(
        Section(
            "wide",
            "A section with the report's widest elements",
            html=frame_to_html(frame) + "<p>" + "averyveryverylongwordwithoutspaces" * 20 + "</p>",
            figures=[Figure.from_matplotlib(fig, "wide_figure", "a wide figure")],
            comparisons=rows,
        )
    )
    return report


def test_report_has_no_horizontal_scroll_at_1200px_nor_on_a4(tmp_path):
    path = _report(tmp_path, wide_columns=30).write(tmp_path)
    results = check_layout(path)
    assert [r.window for r in results] == [1200, 718]
    assert all(r.ok for r in results), [r.line() for r in results]
    assert (tmp_path / "layout_1200.png").stat().st_size > 0
    assert (tmp_path / "layout_a4.pdf").read_bytes()[:4] == b"%PDF"
