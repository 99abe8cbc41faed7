"""The MCS allocator: libvirt's distribution, without its loop (libvirt.md 3.2)."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.libvirt.mcs import CategoryRange, McsTable, pair_at, pair_index, process_range
from simulator.libvirt.virerror import LibvirtError
from simulator.selinux.context import Level


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ("system_u:system_r:virtd_t:s0", CategoryRange(0, 0, 1023)),
        ("system_u:system_r:virtd_t:s0-s0", CategoryRange(0, 0, 1023)),
        ("system_u:system_r:virtd_t:s0-s0:c0.c1023", CategoryRange(0, 0, 1023)),
        ("system_u:system_r:virtd_t:s0-s0:c0.c10", CategoryRange(0, 0, 10)),
    ],
)
def test_process_range(context: str, expected: CategoryRange) -> None:
    assert process_range(context) == expected


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ("system_u:system_r:virtd_t:s0:c5", "No category range available"),
        ("system_u:system_r:virtd_t:s0:c1,c5", "Cannot parse category in c1,c5"),
    ],
)
def test_process_range_errors(context: str, message: str) -> None:
    with pytest.raises(LibvirtError, match=message):
        process_range(context)


def test_a_small_range_is_refused() -> None:
    with pytest.raises(LibvirtError, match="Category range c0-c6 too small"):
        McsTable().allocate(random.Random(0), CategoryRange(0, 0, 6))


@given(
    st.integers(2, 60).flatmap(
        lambda n: st.tuples(st.just(n), st.integers(0, n * (n - 1) // 2 - 1))
    )
)
def test_pair_index_round_trips(case: tuple[int, int]) -> None:
    n, index = case
    a, b = pair_at(index, n)
    assert 0 <= a < b < n
    assert pair_index(a, b, n) == index


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32), count=st.integers(1, 36), releases=st.lists(st.integers(0, 35)))
def test_never_twice_while_reserved(seed: int, count: int, releases: list[int]) -> None:
    rng = random.Random(seed)
    table = McsTable()
    cat_range = CategoryRange(0, 3, 11)  # 9 categories, 36 pairs
    handed: list[str] = []
    for i in range(count):
        if i in releases and handed:
            table.remove(handed.pop(0))
        level = table.allocate(rng, cat_range)
        assert level not in handed
        cats = sorted(Level.parse(level).categories)
        assert len(cats) == 2
        assert 3 <= cats[0] < cats[1] <= 11
        assert str(Level.parse(level)) == level  # ascending, canonical
        handed.append(level)
    assert sorted(table.reserved) == sorted(handed)


def test_uniform_over_free_pairs() -> None:
    """Chi-square against uniform over the free pairs, with a fixed seed."""
    rng = random.Random(1234)
    cat_range = CategoryRange(0, 0, 7)  # 28 pairs
    table = McsTable()
    for level in ("s0:c0,c1", "s0:c2,c5", "s0:c6,c7"):
        table.add(level)
    counts: Counter[str] = Counter()
    draws = 25000
    for _ in range(draws):
        level = table.allocate(rng, cat_range)
        counts[level] += 1
        table.remove(level)
    assert len(counts) == 25
    assert not {"s0:c0,c1", "s0:c2,c5", "s0:c6,c7"} & set(counts)
    expected = draws / 25
    chi2 = sum((c - expected) ** 2 / expected for c in counts.values())
    assert chi2 < 51.2  # 24 degrees of freedom, p = 0.001


def test_the_same_seed_gives_the_same_labels() -> None:
    def run() -> list[str]:
        table, rng = McsTable(), random.Random(7)
        return [table.allocate(rng, CategoryRange(0, 0, 1023)) for _ in range(5)]

    assert run() == run()
