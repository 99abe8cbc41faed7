"""Mount reference counts and the mountpoint index are state kept in step with the mount
table; here they are checked against a recount after the scenario library has run."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.kernel.base import KernelBase
from simulator.scenario.runner import run_path

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = sorted(str(p) for p in (ROOT / "scenarios").rglob("*.txtar"))


def assert_consistent(kernel: KernelBase) -> None:
    kept_counts, kept_pins = dict(kernel.fs_mount_count), dict(kernel.root_pins)
    for ns_id, tops in list(kernel.mount_tops.items()):
        assert tops == kernel._tops_of(ns_id), f"stale mountpoint index of namespace {ns_id}"
    kernel.recount_mounts()
    assert (kernel.fs_mount_count, kernel.root_pins) == (kept_counts, kept_pins)


@pytest.mark.parametrize(
    "path", [p for p in LIBRARY if "mount" in Path(p).read_text() or "namespace" in p]
)
def test_bookkeeping_matches_a_recount_after_a_scenario(path: str) -> None:
    result = run_path(path)
    assert result.host is not None
    assert_consistent(result.host)
