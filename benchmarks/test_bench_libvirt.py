"""Benchmarks (pytest-benchmark); not part of the default test run:
``pytest benchmarks/ --benchmark-only``."""

from __future__ import annotations

import random
from typing import Any

from simulator.libvirt.mcs import CategoryRange, McsTable, pair_at
from tests.libvirt.conftest import IMAGES, Lab, disk_xml, domain_xml

DOMAINS = 1000


def _label_and_restore_many() -> None:
    lab = Lab.make()
    domains = []
    for n in range(DOMAINS):
        disks = "".join(
            disk_xml(lab.file(f"{IMAGES}/vm{n}-{d}.qcow2"), target=f"vd{'abc'[d]}")
            for d in range(3)
        )
        domain = lab.domain(domain_xml(f"vm{n}", disks))
        lab.start_labels(domain)
        domains.append(domain)
    for domain in domains:
        lab.stop_labels(domain)


def test_label_and_restore_1000_domains_with_3_disks(benchmark: Any) -> None:
    benchmark.pedantic(_label_and_restore_many, rounds=1, iterations=1)


def test_allocate_the_last_1000_mcs_pairs(benchmark: Any) -> None:
    cat_range = CategoryRange(0, 0, 1023)

    def setup() -> tuple[tuple[McsTable, random.Random], dict[str, Any]]:
        table = McsTable()
        for index in range(cat_range.pairs - DOMAINS):
            a, b = pair_at(index, cat_range.size)
            table.add(f"s0:c{a},c{b}")
        return (table, random.Random(0)), {}

    def allocate(table: McsTable, rng: random.Random) -> None:
        for _ in range(DOMAINS):
            table.allocate(rng, cat_range)

    benchmark.pedantic(allocate, setup=setup, rounds=1, iterations=1)
