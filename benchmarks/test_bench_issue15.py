"""Issue 15's rows under pytest-benchmark (``pytest benchmarks/ --benchmark-only``); the
whole table with floors and ratios prints from ``python -m benchmarks.issue15``."""

from __future__ import annotations

from typing import Any

import pytest

import simulator
from benchmarks.floor import floor_cycle, floor_host
from benchmarks.issue15 import define, fifty_commands, mcs_allocation


@pytest.mark.parametrize("disks", [1, 3])
def test_start_destroy(benchmark: Any, disks: int) -> None:
    host = simulator.Host()
    define(host, "vm", disks)

    def cycle() -> None:
        host.run("virsh start vm")
        host.run("virsh destroy vm")

    benchmark(cycle)


@pytest.mark.parametrize("disks", [1, 3])
def test_floor_of_start_destroy(benchmark: Any, disks: int) -> None:
    host = floor_host(disks)
    benchmark(floor_cycle, host, disks)


@pytest.mark.parametrize("used", [0.0, 0.999])
def test_mcs_allocation(benchmark: Any, used: float) -> None:
    benchmark.pedantic(mcs_allocation, args=(used,), rounds=1, iterations=1)


def test_fifty_commands(benchmark: Any) -> None:
    benchmark.pedantic(fifty_commands, rounds=1, iterations=1)
