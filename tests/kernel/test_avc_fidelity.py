"""The access vector cache changes nothing anyone can see: every scenario of the library
gives the same output, audit trail and final host state with the cache as without it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.kernel.snapshot import dump_state
from simulator.scenario.runner import load, run
from simulator.selinux.avc import AccessVectorCache

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").rglob("*.txtar"))


def _observed(path: str) -> tuple[object, ...]:
    result = run(load(str(ROOT / path)))
    steps = [(s.status, s.actual) for s in result.steps]
    state = None if result.host is None else json.dumps(dump_state(result.host), sort_keys=True)
    return result.error, steps, state


@pytest.mark.parametrize("path", LIBRARY)
def test_the_library_is_the_same_without_the_cache(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = _observed(path)
    monkeypatch.setattr(AccessVectorCache, "put", lambda self, key, value: None)
    assert _observed(path) == cached
