"""Lifecycle benchmark: domains with 3 disks (one a /dev node) through define, start,
attach, detach and destroy, one after another on one host."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import simulator
from simulator.libvirt.domain_xml import parse_disk
from simulator.libvirt.qemu_driver import Daemon
from tests.libvirt.conftest import IMAGES, disk_xml, domain_xml

DOMAINS = 1000


def _start(daemon: Daemon, name: str) -> None:
    daemon.start(daemon.lookup(name))


def _cycle(count: int) -> dict[str, float]:
    host = simulator.Host()
    daemon = host.libvirt
    spent = dict.fromkeys(("define", "start", "attach", "detach", "destroy"), 0.0)
    for n in range(count):
        for suffix in ("a", "b", "x"):
            host.write_file(host.shell, f"{IMAGES}/vm{n}{suffix}.qcow2", b"")
        disks = (
            disk_xml(f"{IMAGES}/vm{n}a.qcow2")
            + disk_xml(f"{IMAGES}/vm{n}b.qcow2", target="vdb")
            + "<disk type='block'><source dev='/dev/sdb'/><target dev='vdc'/></disk>"
        )
        extra = parse_disk(
            f"<disk type='file'><source file='{IMAGES}/vm{n}x.qcow2'/><target dev='vdd'/></disk>"
        )
        name = f"vm{n}"
        steps: tuple[tuple[str, Callable[[], object]], ...] = (
            ("define", partial(daemon.define, domain_xml(name, disks))),
            ("start", partial(_start, daemon, name)),
            ("attach", partial(daemon.attach_disk, name, extra, live=True, config=False)),
            ("detach", partial(daemon.detach_disk, name, "vdd", live=True, config=False)),
            ("destroy", partial(daemon.destroy, name)),
        )
        for step, call in steps:
            start = time.perf_counter()
            call()
            spent[step] += time.perf_counter() - start
    return {name: total / count for name, total in spent.items()}


def test_lifecycle_of_1000_domains(benchmark: Any) -> None:
    per_operation = benchmark.pedantic(_cycle, args=(DOMAINS,), rounds=1, iterations=1)
    benchmark.extra_info.update({f"{k}_ms": round(v * 1000, 3) for k, v in per_operation.items()})
    print({k: f"{v * 1000:.2f} ms" for k, v in per_operation.items()})
