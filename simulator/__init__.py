"""seclab: a deterministic, in-memory lab of libvirt's SELinux and DAC labelling."""

from __future__ import annotations

from simulator.__about__ import __version__
from simulator.errors import SeclabError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (and re, enum, ...)
if TYPE_CHECKING:
    from typing import Any

    from simulator.host import Host
    from simulator.scenario.runner import ScenarioResult


def run_scenario(
    path: str, *, seed: int | None = None, timeout: float | None = None
) -> ScenarioResult:
    """Run one scenario file; the result has ``.verdict`` (``PASS``, ``FAIL``, ``ERROR`` or,
    past ``timeout`` seconds, ``TIMEOUT``), ``.passed``, ``.diff`` and ``.error``. A scenario
    that cannot run is an ``ERROR`` result naming file and line, never an exception."""
    from simulator.scenario.runner import run_path

    return run_path(path, seed=seed, timeout=timeout)


def __getattr__(name: str) -> Any:
    """``simulator.Host`` loads the model on first use, so ``import simulator`` (and the
    CLI's start) stays cheap (PEP 562)."""
    if name == "Host":
        from simulator.host import Host

        return Host
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")


__all__ = ["Host", "SeclabError", "__version__", "run_scenario"]
