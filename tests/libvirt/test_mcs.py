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


def _reference_allocate(reserved: set[str], rng: random.Random, cat_range: CategoryRange) -> str:
    """The distribution as a list: the k-th free pair in (A, B) order, k drawn once."""
    free = [
        f"s{cat_range.sensitivity}:c{a},c{b}"
        for a in range(cat_range.low, cat_range.high + 1)
        for b in range(a + 1, cat_range.high + 1)
        if f"s{cat_range.sensitivity}:c{a},c{b}" not in reserved
    ]
    return free[rng.randrange(len(free))]


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    low=st.integers(0, 20),
    width=st.integers(7, 14),
    steps=st.lists(st.integers(0, 9), max_size=40),
)
def test_the_same_pairs_as_the_k_th_free_pair_of_a_list(
    seed: int, low: int, width: int, steps: list[int]
) -> None:
    """Fenwick tree or not, the draws are exactly those of the plain definition: so the same
    seed gives the same labels as before the allocator was made fast."""
    cat_range = CategoryRange(0, low, low + width)
    table, reference = McsTable(), set[str]()
    rng, reference_rng = random.Random(seed), random.Random(seed)
    for step in steps:
        if step == 0 and reference:
            victim = sorted(reference)[seed % len(reference)]
            table.remove(victim)
            reference.discard(victim)
            continue
        if len(reference) == cat_range.pairs:
            break
        level = table.allocate(rng, cat_range)
        assert level == _reference_allocate(reference, reference_rng, cat_range)
        reference.add(level)


def test_whole_range_draws_are_unchanged() -> None:
    """Pinned from the allocator before the Fenwick tree (scenario outputs depend on it)."""
    table, rng = McsTable(), random.Random(7)
    for level in ("s0:c0,c1", "s0:c100,c200", "s0:c3,c5", "s1:c3,c4"):
        table.add(level)
    out = [table.allocate(rng, CategoryRange(0, 0, 1023)) for _ in range(6)]
    table.remove(out[0])
    out += [table.allocate(rng, CategoryRange(0, 3, 40)) for _ in range(6)]
    out += [table.allocate(rng, CategoryRange(1, 0, 1023)) for _ in range(3)]
    assert out == [
        "s0:c182,c252", "s0:c791,c1002", "s0:c80,c491", "s0:c227,c664", "s0:c419,c637",
        "s0:c25,c68", "s0:c5,c8", "s0:c23,c24", "s0:c5,c31", "s0:c14,c40", "s0:c26,c30",
        "s0:c4,c28", "s1:c717,c859", "s1:c305,c693", "s1:c116,c682",
    ]  # fmt: skip


def test_the_last_free_pair_is_found_and_then_none() -> None:
    cat_range = CategoryRange(0, 500, 509)  # 45 pairs
    table = McsTable()
    for a in range(500, 510):
        for b in range(a + 1, 510):
            if (a, b) != (503, 507):
                table.add(f"s0:c{a},c{b}")
    assert table.allocate(random.Random(0), cat_range) == "s0:c503,c507"
    with pytest.raises(LibvirtError, match="no free MCS category pair left"):
        table.allocate(random.Random(0), cat_range)


def test_released_pairs_leave_nothing_behind() -> None:
    table, rng = McsTable(), random.Random(3)
    for _ in range(200):
        table.remove(table.allocate(rng, CategoryRange(0, 0, 1023)))
    assert table.reserved == {}
    assert all(not counts.tree for counts in table._counts.values())
