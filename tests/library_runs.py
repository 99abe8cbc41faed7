"""The scenario library as the tests that prove a cache or a skip invisible run it: every
scenario's outcome (error, each step's status and output, the final host state)."""

from __future__ import annotations

import json
from pathlib import Path

from simulator.kernel.snapshot import dump_state
from simulator.scenario.runner import load, run

ROOT = Path(__file__).resolve().parents[1]


def library(*folders: str) -> list[str]:
    """The library's scenario files (or those of ``folders``), relative to the checkout."""
    scenarios = ROOT / "scenarios"
    if folders:
        found = [p for folder in folders for p in (scenarios / folder).glob("*.txtar")]
    else:
        found = list(scenarios.rglob("*.txtar"))
    return sorted(str(p.relative_to(ROOT)) for p in found)


def observed(path: str) -> tuple[object, ...]:
    """What a run of ``path`` shows: its error, each step's status and output, and the
    final host state."""
    result = run(load(str(ROOT / path)))
    steps = [(s.status, s.actual) for s in result.steps]
    state = None if result.host is None else json.dumps(dump_state(result.host), sort_keys=True)
    return result.error, steps, state
