"""A wall-clock bound on one scenario (``seclab run --timeout``).

The lab is deterministic and every command should end in bounded steps; this only guards
a CI job against a runaway scenario (a model bug that loops). It uses ``SIGALRM``, so it
interrupts pure-Python loops anywhere in the model; where there is no ``SIGALRM`` (Windows)
or outside the main thread, scenarios run unbounded.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType

DEFAULT_TIMEOUT = 60.0


class ScenarioTimeout(BaseException):
    """The scenario ran past its time. A ``BaseException`` so that no ``except Exception``
    in the model can swallow it."""


def _expire(_signum: int, _frame: FrameType | None) -> None:
    raise ScenarioTimeout


def available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Raise :class:`ScenarioTimeout` in the body after ``seconds`` (none: no bound)."""
    if not seconds or seconds <= 0 or not available():
        yield
        return
    outer, _ = signal.getitimer(signal.ITIMER_REAL)  # an enclosing deadline keeps running
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, min(seconds, outer) if outer else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            left = outer - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))
