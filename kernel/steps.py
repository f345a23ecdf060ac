"""One protocol for progress and timing: ``with steps("export", total=n) as s: s.advance(k)``.

Every pipeline, the loader, the generator and the scoring loops take one optional
``steps: Steps | None`` parameter.  A *stage* is opened with ``steps(name, total=None)``;
the context manager yields a :class:`Step` whose :meth:`Step.advance` reports progress and
whose :attr:`Step.seconds` holds the stage's wall time once the block is left, and
:attr:`Step.peak_rss_mb` the process's peak memory by then (:func:`peak_rss_mb`).  Stages
nest (a pipeline's stages inside a report section's stage); :attr:`Steps.seconds` sums the
time per stage name and :attr:`Steps.peak_rss_mb` keeps the peak memory at each stage's end.

:class:`Steps` itself is the silent implementation (it only times), so library code writes
``steps = as_steps(steps)`` and never tests for ``None``.  The other implementations override
the three hooks ``_started``, ``_advanced`` and ``_finished``:

* :class:`RecordingSteps` keeps every event (for tests);
* :class:`LineSteps` writes one plain line per stage to a stream (the demo's status lines);
* :class:`LogSteps` writes plain lines for a log: each stage's start, its progress at most
  every 10 s, and its end with the seconds it took — and, with ``memory``, the peak memory
  (the CLI when stderr is not a terminal);
* ``beautygraph.clikit.RichSteps`` draws rich progress bars (the CLI).

This module uses the standard library only, so every layer may take a ``Steps``.

>>> rec = RecordingSteps()
>>> with rec("export", total=3) as s:
...     s.advance(2)
...     s.advance()
>>> rec.events
[('start', 'export', 3), ('advance', 'export', 2), ('advance', 'export', 1), ('end', 'export', 3)]
>>> s.done, s.seconds >= 0.0, "export" in rec.seconds
(3, True, True)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = [
    "Step",
    "Steps",
    "RecordingSteps",
    "LineSteps",
    "LogSteps",
    "as_steps",
    "finished_line",
    "peak_rss_mb",
]


def peak_rss_mb() -> float | None:
    """This process's peak resident set size so far, in MiB (``getrusage``'s
    ``ru_maxrss``: KiB on Linux, bytes on macOS); None where the platform has no
    ``resource`` module (Windows).  The peak only grows: a stage's value is the most the
    process has held up to that stage's end, which bounds what the stage itself held."""
    try:
        import resource
    except ImportError:
        return None
    peak = float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


class Step:
    """One running stage: ``advance(n)`` reports progress; ``seconds`` and ``peak_rss_mb``
    are set on exit and ``failed`` tells whether the stage's block ended with an
    exception."""

    def __init__(self, owner: Steps, name: str, total: int | None, depth: int) -> None:
        self.name = name
        self.total = total
        self.depth = depth
        self.done = 0
        self.seconds = 0.0
        self.peak_rss_mb: float | None = None
        self.failed = False
        self._owner = owner

    def advance(self, n: int = 1) -> None:
        """``n`` more units of this stage are finished."""
        self.done += int(n)
        self._owner._advanced(self, int(n))


class Steps:
    """The steps protocol and its silent implementation (it times stages, shows nothing).

    ``steps(name, total=None)`` opens a stage; subclasses override ``_started(step)``,
    ``_advanced(step, n)`` and ``_finished(step)`` to show progress.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.peak_rss_mb: dict[str, float] = {}
        self._open: list[Step] = []

    @contextmanager
    def __call__(self, name: str, total: int | None = None) -> Iterator[Step]:
        step = Step(self, name, total, depth=len(self._open))
        self._open.append(step)
        self._started(step)
        t0 = time.perf_counter()
        try:
            yield step
        except BaseException:
            step.failed = True
            raise
        finally:
            step.seconds = time.perf_counter() - t0
            step.peak_rss_mb = peak_rss_mb()
            self.seconds[name] = self.seconds.get(name, 0.0) + step.seconds
            if step.peak_rss_mb is not None:
                self.peak_rss_mb[name] = max(self.peak_rss_mb.get(name, 0.0), step.peak_rss_mb)
            self._open.pop()
            self._finished(step)

    @property
    def path(self) -> list[str]:
        """Names of the open stages, outermost first."""
        return [s.name for s in self._open]

    def _started(self, step: Step) -> None:
        """Hook: ``step`` was opened."""

    def _advanced(self, step: Step, n: int) -> None:
        """Hook: ``step`` advanced by ``n``."""

    def _finished(self, step: Step) -> None:
        """Hook: ``step`` was closed (``step.seconds`` is set)."""


def as_steps(steps: Steps | None) -> Steps:
    """``steps``, or a silent :class:`Steps` when None."""
    return Steps() if steps is None else steps


class RecordingSteps(Steps):
    """Keeps every event as ``(kind, name, value)``: ``("start", name, total)``,
    ``("advance", name, n)``, ``("end", name, done)`` — for tests."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, str, int | None]] = []

    def _started(self, step: Step) -> None:
        self.events.append(("start", step.name, step.total))

    def _advanced(self, step: Step, n: int) -> None:
        self.events.append(("advance", step.name, n))

    def _finished(self, step: Step) -> None:
        self.events.append(("end", step.name, step.done))

    def names(self) -> list[str]:
        """Stage names in the order they started."""
        return [name for kind, name, _ in self.events if kind == "start"]

    def advanced(self, name: str) -> int:
        """Total units reported for stage ``name``."""
        return sum(v or 0 for kind, n, v in self.events if kind == "advance" and n == name)


class LineSteps(Steps):
    """One plain line per started stage (``… outer › inner``) on ``stream`` (stderr), for
    stages at most ``max_depth`` deep — the demo's status lines."""

    def __init__(self, stream: TextIO | None = None, max_depth: int = 2) -> None:
        super().__init__()
        self._stream = stream
        self._max_depth = max_depth

    def _started(self, step: Step) -> None:
        if step.depth < self._max_depth:
            stream = self._stream if self._stream is not None else sys.stderr
            print("… " + " › ".join(self.path), file=stream, flush=True)


class LogSteps(LineSteps):
    """Plain lines for a log (stderr not a terminal: CI, ``nohup``, a pipe), for stages at
    most ``max_depth`` deep: one when a stage starts, one at most every ``every`` seconds
    while it advances (so a long stage shows it is alive without flooding the log), and
    one when it ends, with the seconds it took and, with ``memory``, the process's peak
    memory by then (:func:`finished_line`).  ``clock`` is injectable for tests.

    >>> import io
    >>> now = [0.0]
    >>> out = io.StringIO()
    >>> steps = LogSteps(out, clock=lambda: now[0])
    >>> with steps("propagate", total=4) as s:
    ...     for t in (3.0, 11.0, 15.0, 22.0):
    ...         now[0] = t
    ...         s.advance()
    >>> print(out.getvalue().replace(f"{s.seconds:.1f}", "T"), end="")
    … propagate
    … propagate: 2/4 (50 %), 11 s
    … propagate: 4/4 (100 %), 22 s
    ✓ propagate: 4/4 in T s
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        max_depth: int = 3,
        every: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        memory: bool = False,
    ) -> None:
        super().__init__(stream, max_depth)
        self._every = every
        self._clock = clock
        self._memory = memory
        #: per shown stage: its label, when it started and when it last printed
        self._shown: dict[int, tuple[str, float, float]] = {}

    def _print(self, text: str) -> None:
        stream = self._stream if self._stream is not None else sys.stderr
        print(text, file=stream, flush=True)

    def _started(self, step: Step) -> None:
        if step.depth < self._max_depth:
            label = " › ".join(self.path)
            now = self._clock()
            self._shown[id(step)] = (label, now, now)
            self._print(f"… {label}")

    def _advanced(self, step: Step, n: int) -> None:
        shown = self._shown.get(id(step))
        if shown is None:
            return
        label, start, last = shown
        now = self._clock()
        if now - last >= self._every:
            self._shown[id(step)] = (label, start, now)
            self._print(f"… {label}: {_progress(step)}, {now - start:.0f} s")

    def _finished(self, step: Step) -> None:
        shown = self._shown.pop(id(step), None)
        if shown is None:
            return
        self._print(finished_line(step, shown[0], self._memory))


def finished_line(step: Step, label: str, memory: bool = False) -> str:
    """The line that closes a stage: ``✓ label: done in T s``, ``✗ … stopped after T s``
    for a failed one, and with ``memory`` the peak memory by then.

    >>> step = Step(Steps(), "embed", 4, 0)
    >>> step.done, step.seconds, step.peak_rss_mb = 4, 2.5, 1536.0
    >>> finished_line(step, "propagate › embed", memory=True)
    '✓ propagate › embed: 4/4 in 2.5 s, peak RSS 1,536 MiB'
    """
    done = f": {_progress(step, percent=False)}" if step.done else ""
    if step.failed:
        line = f"✗ {label}{done} stopped after {step.seconds:.1f} s"
    else:
        line = f"✓ {label}{done} in {step.seconds:.1f} s"
    if memory and step.peak_rss_mb is not None:
        line += f", peak RSS {step.peak_rss_mb:,.0f} MiB"
    return line


def _progress(step: Step, percent: bool = True) -> str:
    """``done/total (p %)``, or ``N done`` for a stage without a total."""
    if not step.total:
        return f"{step.done:,} done"
    share = f" ({100 * step.done / step.total:.0f} %)" if percent else ""
    return f"{step.done:,}/{step.total:,}{share}"
