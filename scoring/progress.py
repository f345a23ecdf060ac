"""A progress bar for long loops (rich), silent unless enabled by the caller."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


class Progress:
    """``advance(n)`` / ``update(description)`` on a rich bar, or nothing when disabled."""

    def __init__(self, total: int, description: str, enabled: bool) -> None:
        self._bar = None
        self._task = None
        if enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                transient=True,
            )
            self._task = self._bar.add_task(description, total=total)

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def update(self, description: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description=description)

    def reset(self, total: int, description: str) -> None:
        if self._bar is not None:
            self._bar.reset(self._task, total=total, description=description)


@contextlib.contextmanager
def progress(total: int, description: str, enabled: bool) -> Iterator[Progress]:
    bar = Progress(total, description, enabled)
    if bar._bar is None:
        yield bar
        return
    with bar._bar:
        yield bar
