"""The table of issue 15, measured in one run: ``python -m benchmarks.issue15``.

Every row is CPU time (best of five batches) on the public path, ``Host.run``, except the
two rows that are about starting Python, which are wall time of a fresh interpreter. The
start + destroy rows print the bare-dict floor of :mod:`benchmarks.floor`, measured in the
same run, and the ratio to it.
"""

from __future__ import annotations

import gc
import os
import random
import resource
import subprocess  # noqa: TID251 - only to time a fresh interpreter, never the lab
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import simulator
from benchmarks.floor import floor_seconds
from simulator.libvirt.mcs import CategoryRange, McsTable, pair_at

ROOT = Path(__file__).resolve().parents[1]
IMAGES = "/var/lib/libvirt/images"
ONE_SCENARIO = "scenarios/libvirt/dynamic-start-and-shutdown.txtar"


def domain_xml(name: str, disks: int) -> str:
    devices = "".join(
        "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        f"<source file='{IMAGES}/{name}-{d}.qcow2'/><target dev='vd{'abcdefgh'[d]}' "
        "bus='virtio'/></disk>"
        for d in range(disks)
    )
    return (
        f"<domain type='kvm'><name>{name}</name><memory unit='GiB'>1</memory>"
        "<os><type>hvm</type></os>"
        f"<devices>{devices}</devices></domain>"
    )


def define(host: simulator.Host, name: str, disks: int) -> None:
    """Images and a definition, through the shell as a user would."""
    for d in range(disks):
        host.write_file(host.shell, f"{IMAGES}/{name}-{d}.qcow2", b"")
    host.write_file(host.shell, f"/root/{name}.xml", domain_xml(name, disks).encode())
    result = host.run(f"virsh define /root/{name}.xml")
    assert result.status == 0, result.output


def best_of(batch: Callable[[], None], *, per: int, batches: int = 5) -> float:
    """CPU seconds of one unit: the best of ``batches`` runs of ``batch`` (``per`` units)."""
    best = float("inf")
    for _ in range(batches):
        start = time.process_time()
        batch()
        best = min(best, (time.process_time() - start) / per)
    return best


def start_destroy_seconds(host: simulator.Host, name: str, *, cycles: int = 20) -> float:
    """CPU seconds of one start + destroy of ``name``: warm up, then best of five batches."""

    def batch() -> None:
        for _ in range(cycles):
            assert host.run(f"virsh start {name}").status == 0
            assert host.run(f"virsh destroy {name}").status == 0

    batch()  # warm up: the daemon starts, caches fill
    return best_of(batch, per=cycles)


def start_destroy(disks: int) -> float:
    host = simulator.Host()
    define(host, "vm", disks)
    return start_destroy_seconds(host, "vm")


def start_destroy_among(running: int, *, rounds: int = 7, cycles: int = 20) -> tuple[float, float]:
    """(fresh host, host with ``running`` other domains running), one-disk domain.

    The two hosts take turns, batch by batch, so a busy machine slows both alike.
    """
    fresh, loaded = simulator.Host(), simulator.Host()
    define(fresh, "vm", 1)
    define(loaded, "vm", 1)
    daemon = loaded.libvirt
    for n in range(running):
        loaded.write_file(loaded.shell, f"{IMAGES}/bg{n}-0.qcow2", b"")
        daemon.start(daemon.define(domain_xml(f"bg{n}", 1)))
    best = {id(fresh): float("inf"), id(loaded): float("inf")}
    for _ in range(rounds):
        for host in (fresh, loaded):
            best[id(host)] = min(best[id(host)], start_destroy_seconds(host, "vm", cycles=cycles))
    return best[id(fresh)], best[id(loaded)]


def mcs_allocation(used_fraction: float, *, allocations: int = 2000) -> tuple[float, float]:
    """(seconds per allocate+release at this fullness, seconds of the first allocation)."""
    cat_range = CategoryRange(0, 0, 1023)
    table = McsTable()
    for index in range(int(cat_range.pairs * used_fraction)):
        a, b = pair_at(index, cat_range.size)
        table.add(f"s0:c{a},c{b}")
    rng = random.Random(0)
    start = time.process_time()
    table.remove(table.allocate(rng, cat_range))
    first = time.process_time() - start

    def batch() -> None:
        for _ in range(allocations):
            table.remove(table.allocate(rng, cat_range))

    return best_of(batch, per=allocations), first


def fifty_commands() -> float:
    """10 x (touch, define, start, ls -Z, destroy) on a fresh host (host build excluded)."""

    def one() -> float:
        host = simulator.Host()
        for n in range(10):
            host.write_file(host.shell, f"/root/vm{n}.xml", domain_xml(f"vm{n}", 1).encode())
        host.run("true")
        host.libvirt  # noqa: B018 - the daemon is up, as on a booted host
        start = time.process_time()
        for n in range(10):
            for line in (
                f"touch {IMAGES}/vm{n}-0.qcow2",
                f"virsh define /root/vm{n}.xml",
                f"virsh start vm{n}",
                f"ls -Z {IMAGES}/vm{n}-0.qcow2",
                f"virsh destroy vm{n}",
            ):
                assert host.run(line).status == 0, line
        return time.process_time() - start

    return min(one() for _ in range(5))


def wall(argv: list[str], *, runs: int = 5) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of a fresh interpreter running ``argv``: best of ``runs``.

    Bytecode is cached (in a private prefix, after one warm-up run), as an installed
    package has it; CPU time is the child's user + system time, which a busy machine
    inflates less than wall time.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "seclab-bench-pycache")
    env["PYTHONPATH"] = str(ROOT)
    best_wall = best_cpu = float("inf")
    for _ in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, check=True, capture_output=True, env=env)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_wall, best_cpu = min(best_wall, elapsed), min(best_cpu, cpu)
    return best_wall, best_cpu


def import_seconds() -> tuple[float, float]:
    bare_wall, bare_cpu = wall([sys.executable, "-c", "pass"])
    full_wall, full_cpu = wall([sys.executable, "-c", "import simulator"])
    return full_wall - bare_wall, full_cpu - bare_cpu


def run_one_seconds() -> tuple[float, float]:
    return wall([sys.executable, "-m", "simulator.cli", "run", ONE_SCENARIO])


def rss_mb() -> float:
    with Path("/proc/self/status").open() as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def rss_growth(cycles: int = 10_000) -> tuple[float, float, float]:
    """(RSS after the first 1,000 cycles, RSS after all, the same without lab trace's log)
    for start + destroy of one domain, in MB."""
    out = []
    for keep_trace in (True, False):
        host = simulator.Host()
        define(host, "vm", 1)
        early = 0.0
        for n in range(cycles):
            host.run("virsh start vm")
            host.run("virsh destroy vm")
            if not keep_trace:
                host.libvirt.log.trace.clear()
            if n == 999:
                gc.collect()
                early = rss_mb()
        gc.collect()
        out.append((early, rss_mb()))
        del host
    return out[0][0], out[0][1], out[1][1] - out[1][0] + out[0][0]


def lifecycle_steps(examples: int = 12, steps: int = 1000) -> tuple[int, float]:
    """(steps run, CPU seconds) of the DomainLifecycle state machine."""
    from hypothesis import HealthCheck, settings
    from hypothesis.stateful import run_state_machine_as_test

    from simulator.testing.lifecycle import DomainLifecycle

    count = [0]

    class Counting(DomainLifecycle):
        def check_invariants(self, settings: Any, output: Any, runtimes: Any) -> None:
            count[0] += 1
            super().check_invariants(settings, output, runtimes)

    start = time.process_time()
    run_state_machine_as_test(
        Counting,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )
    return count[0], time.process_time() - start


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def main() -> None:
    rows: list[tuple[str, str, str, str]] = []
    for disks, goal in ((1, "<= 1 ms"), (3, "<= 2 ms")):
        now, floor = start_destroy(disks), floor_seconds(disks)
        rows.append(
            (
                f"start + destroy, {disks} disk(s)",
                _ms(now),
                f"{floor * 1e6:.1f} µs ({now / floor:.0f}x)",
                goal,
            )
        )
    fresh, loaded = start_destroy_among(1000)
    rows.append(
        (
            "the same with 1,000 domains running",
            f"{loaded / fresh:.2f}x the fresh host ({_ms(loaded)} vs {_ms(fresh)})",
            "-",
            "<= 1.1x",
        )
    )
    empty, _ = mcs_allocation(0.0)
    full, first = mcs_allocation(0.999)
    rows.append(
        (
            "MCS allocation at 99.9 % of pairs in use",
            f"{full / empty:.2f}x the empty case ({full * 1e6:.1f} µs vs {empty * 1e6:.1f} µs),"
            f" first use {_ms(first)}",
            "-",
            "<= 2x, no pause",
        )
    )
    rows.append(("50 commands, 10 x (touch, define, start, ls -Z, destroy)", _ms(fifty_commands()),
                 "-", "<= 25 ms"))  # fmt: skip
    import_wall, import_cpu = import_seconds()
    rows.append(
        (
            "import simulator, over bare Python",
            f"{_ms(import_wall)} wall, {_ms(import_cpu)} CPU",
            "-",
            "<= 40 ms",
        )
    )
    run_wall, run_cpu = run_one_seconds()
    rows.append(
        (
            f"seclab run {ONE_SCENARIO}",
            f"{_ms(run_wall)} wall, {_ms(run_cpu)} CPU",
            "-",
            "<= 120 ms",
        )
    )
    if "--long" in sys.argv:
        early, late, without_trace = rss_growth()
        rows.append(
            (
                "RSS, 10,000 start/destroy cycles",
                f"{early:.1f} MB after 1,000, {late:.1f} MB after 10,000 "
                f"({without_trace:.1f} MB without lab trace's log)",
                "-",
                "flat, +-5 MB",
            )
        )
        steps, seconds = lifecycle_steps()
        rows.append(
            (
                "DomainLifecycle state machine",
                f"{steps} steps in {seconds:.1f} s CPU",
                "-",
                "10,000 steps < 60 s",
            )
        )
    print("| operation | now | floor | goal |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
