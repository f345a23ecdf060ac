"""Layout check of ``report.html`` in headless Chromium (``make layout``, CI).

Two widths: 1,200 CSS px (a laptop window) and 718 px (an A4 page, 210 mm at 96 dpi, less
the 10 mm print margins Chromium uses by default).  At each width the report is loaded with
a small script that records ``document.documentElement.scrollWidth`` — the page is wider
than the window exactly when it scrolls horizontally — and the widest element that sticks
out.  A screenshot at 1,200 px and an A4 PDF are written beside the report for a look.
Wide tables must wrap or scroll inside their own box (``div.wide``), never widen the page.

Usage: ``python -m beautygraph.layout_check REPORT.html [--chromium PATH]``; exit 1 with
one line per failing width.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LayoutResult", "check_layout", "find_chromium", "WIDTHS"]

#: window widths checked (CSS px): a 1,200 px window and the printable width of A4
WIDTHS: dict[str, int] = {"window 1200 px": 1200, "A4 page": 718}

_PROBE = """<script>
window.addEventListener('load', function () {
  var w = window.innerWidth, worst = '', worstW = 0;
  document.querySelectorAll('body *').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.right > w + 1 && r.width > worstW && getComputedStyle(el).position !== 'fixed') {
      var box = el.closest('.wide');
      if (!box || box.getBoundingClientRect().right > w + 1) { worstW = r.width; worst = el.tagName; }
    }
  });
  var out = document.createElement('pre');
  out.id = 'layout-probe';
  out.textContent = 'scroll=' + document.documentElement.scrollWidth + ' window=' + w +
    ' worst=' + worst;
  document.body.appendChild(out);
});
</script>"""

_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]


@dataclass(frozen=True)
class LayoutResult:
    """One width: the page's scroll width and what sticks out (empty when nothing)."""

    label: str
    window: int
    scroll_width: int
    widest_overflow: str

    @property
    def ok(self) -> bool:
        return self.scroll_width <= self.window

    def line(self) -> str:
        verdict = "ok" if self.ok else "TOO WIDE"
        extra = (
            f" (widest overflowing element: <{self.widest_overflow.lower()}>)"
            if not self.ok
            else ""
        )
        return f"{self.label}: page {self.scroll_width} px in a {self.window} px window: {verdict}{extra}"


def find_chromium(explicit: str | None = None) -> str | None:
    """Path of a Chromium binary (``explicit``, else ``chromium`` / ``chromium-browser`` /
    ``google-chrome`` on PATH), or None."""
    if explicit:
        return explicit if Path(explicit).exists() else shutil.which(explicit)
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(chromium: str, args: list[str], profile: Path, timeout: float) -> str:
    cmd = [chromium, *_FLAGS, f"--user-data-dir={profile}", *args]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if res.returncode != 0:
        tail = (res.stderr or "").strip().splitlines()[-1:] or [""]
        raise RuntimeError(f"chromium exited with {res.returncode}: {tail[0]}")
    return res.stdout


def check_layout(
    report: str | Path, chromium: str | None = None, timeout: float = 120.0
) -> list[LayoutResult]:
    """Measure ``report`` at every width of :data:`WIDTHS`; writes
    ``layout_1200.png`` and ``layout_a4.pdf`` beside it."""
    report = Path(report).resolve()
    if not report.is_file():
        raise FileNotFoundError(f"no report at {report}")
    binary = find_chromium(chromium)
    if binary is None:
        raise FileNotFoundError("no chromium found (Debian: apt-get install chromium)")
    text = report.read_text(encoding="utf-8")
    probed = text.replace("</body>", _PROBE + "</body>") if "</body>" in text else text + _PROBE
    results = []
    with tempfile.TemporaryDirectory(prefix="layout-") as tmp:
        tmp_path = Path(tmp)
        page = tmp_path / "probe.html"
        page.write_text(probed, encoding="utf-8")
        for label, width in WIDTHS.items():
            dom = _run(
                binary,
                [
                    f"--window-size={width},900",
                    "--virtual-time-budget=5000",
                    "--dump-dom",
                    page.as_uri(),
                ],
                tmp_path / f"profile-{width}",
                timeout,
            )
            m = re.search(r"scroll=(\d+) window=(\d+) worst=(\w*)", html.unescape(dom))
            if not m:
                raise RuntimeError(f"{label}: the layout probe did not run")
            results.append(LayoutResult(label, width, int(m.group(1)), m.group(3)))
        _run(
            binary,
            [
                "--window-size=1200,900",
                f"--screenshot={report.parent / 'layout_1200.png'}",
                report.as_uri(),
            ],
            tmp_path / "profile-shot",
            timeout,
        )
        _run(
            binary,
            [
                "--no-pdf-header-footer",
                f"--print-to-pdf={report.parent / 'layout_a4.pdf'}",
                report.as_uri(),
            ],
            tmp_path / "profile-pdf",
            timeout,
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--chromium", default=None)
    args = parser.parse_args(argv)
    try:
        results = check_layout(args.report, args.chromium)
    except (FileNotFoundError, RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"layout check: {exc}", file=sys.stderr)
        return 2
    for r in results:
        print(r.line())
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
