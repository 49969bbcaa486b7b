"""Progress factories: ``factory(label, total or None) -> tick(n=1)``, the shape personas.pipeline reports in."""

from __future__ import annotations

import sys
from collections.abc import Callable

Tick = Callable[..., None]
Progress = Callable[[str, int | None], Tick]


def no_progress(label: str, total: int | None) -> Tick:
    return lambda n=1: None


def terminal_progress(enabled: bool = True, indent: str = "") -> Progress:
    """Progress bars on stderr (tqdm) when ``enabled``, else none."""
    if not enabled:
        return no_progress

    def factory(label: str, total: int | None) -> Tick:
        from tqdm import tqdm

        bar = tqdm(total=total, desc=f"{indent}{label}", file=sys.stderr, leave=False, dynamic_ncols=True)

        def tick(n: int = 1) -> None:
            bar.update(n)
            if bar.total is not None and bar.n >= bar.total:
                bar.close()

        return tick

    return factory


def stderr_progress(enabled: bool) -> Progress:
    """The CLI's bars: only when asked for and stderr is a terminal (never into a log file or a pipe)."""
    return terminal_progress(enabled and sys.stderr.isatty())
