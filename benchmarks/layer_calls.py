"""Python function calls per start + destroy, by layer: ``python -m benchmarks.layer_calls``.

A steadier measure than time on a shared machine: the count does not change with the load.
Each call is charged to the layer whose code made it, and a call inside the kernel (or the
SELinux model it consults) is charged to the kernel, whoever called it; C calls (builtins)
are counted apart. Also prints the cyclic garbage collections per cycle.
"""

from __future__ import annotations

import gc
import sys
from collections import Counter
from types import FrameType
from typing import Any

import simulator
from benchmarks.issue15 import define

CYCLES = 20


def _layer(filename: str) -> str:
    if "/simulator/" not in filename:
        return "other"
    part = filename.split("/simulator/", 1)[1].split("/", 1)[0]
    return "kernel" if part in ("kernel", "selinux") else part.removesuffix(".py")


def calls_per_cycle(disks: int) -> tuple[Counter[str], list[float]]:
    """(Python calls per cycle by layer, plus "C" for builtins; GC collections per cycle
    by generation)."""
    host = simulator.Host()
    define(host, "vm", disks)
    for _ in range(5):
        host.run("virsh start vm")
        host.run("virsh destroy vm")
    counts: Counter[str] = Counter()
    inside: list[bool] = []  # per frame: is it (under) the kernel?

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            layer = _layer(frame.f_code.co_filename)
            kernel = layer == "kernel" or (bool(inside) and inside[-1])
            inside.append(kernel)
            counts["kernel" if kernel else layer] += 1
        elif event == "return" and inside:
            inside.pop()
        elif event == "c_call":
            counts["C (kernel)" if inside and inside[-1] else "C"] += 1

    before = [g["collections"] for g in gc.get_stats()]
    sys.setprofile(profile)
    try:
        for _ in range(CYCLES):
            host.run("virsh start vm")
            host.run("virsh destroy vm")
    finally:
        sys.setprofile(None)
    after = [g["collections"] for g in gc.get_stats()]
    per_cycle = Counter({k: v // CYCLES for k, v in counts.items()})
    return per_cycle, [(b - a) / CYCLES for a, b in zip(before, after, strict=True)]


def main() -> None:
    for disks in (1, 3):
        counts, collections = calls_per_cycle(disks)
        layers = ", ".join(f"{k} {v}" for k, v in counts.most_common())
        print(f"start + destroy, {disks} disk(s): {layers}; GC per cycle {collections}")


if __name__ == "__main__":
    main()
