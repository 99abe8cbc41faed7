"""MCS category pairs for dynamic labels (``virSecuritySELinuxMCSFind``,
``virSecuritySELinuxMCSGetProcessRange`` in ``src/security/security_selinux.c``).

libvirt draws two independent categories, discards equal ones, sorts them, and draws again
while the pair is reserved: the result is uniform over the free unordered pairs. The lab
samples that distribution directly (one draw, then the k-th free pair, found in a Fenwick
tree of reserved pair indices), so the cost is the same near exhaustion as when the table
is empty, and nothing is built on first use.
"""

from __future__ import annotations

import random

import attrs

from simulator.libvirt.virerror import ErrorCode, LibvirtError
from simulator.selinux.context import CATEGORY_COUNT, Level, SecurityContext, format_categories

MIN_CATEGORIES = 8


@attrs.frozen(repr=False)
class CategoryRange:
    sensitivity: int
    low: int
    high: int

    @property
    def size(self) -> int:
        return self.high - self.low + 1

    @property
    def pairs(self) -> int:
        return self.size * (self.size - 1) // 2


def process_range(daemon_context: str) -> CategoryRange:
    """The categories a daemon may hand out: its range's high level, ``c0.c1023`` if none."""
    try:
        context = SecurityContext.parse(daemon_context)
    except ValueError:
        raise LibvirtError(
            ErrorCode.INTERNAL_ERROR,
            f"Unable to parse current SELinux context '{daemon_context}'",
        ) from None
    high = context.high
    cats = sorted(high.categories)
    if not cats:
        return CategoryRange(high.sensitivity, 0, 1023)
    if len(cats) == 1:
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, "No category range available")
    if cats != list(range(cats[0], cats[-1] + 1)):
        raise LibvirtError(
            ErrorCode.INTERNAL_ERROR,
            f"Cannot parse category in {format_categories(high.categories)}",
        )
    return CategoryRange(high.sensitivity, cats[0], cats[-1])


def pair_index(a: int, b: int, n: int) -> int:
    """Position of the pair (a, b), a < b, among all pairs of 0..n-1 in lexicographic order."""
    return a * n - a * (a + 1) // 2 + (b - a - 1)


def pair_at(index: int, n: int) -> tuple[int, int]:
    lo, hi = 0, n - 2
    while lo < hi:  # the largest a whose first pair index is <= index
        mid = (lo + hi + 1) // 2
        if mid * n - mid * (mid + 1) // 2 <= index:  # pair_index(mid, mid + 1, n)
            lo = mid
        else:
            hi = mid - 1
    a = lo
    return a, index - pair_index(a, a + 1, n) + a + 1


# The categories of the targeted policy's MCS (c0.c1023): pairs are counted over all of them.
CATEGORIES = CATEGORY_COUNT
_ALL_PAIRS = CATEGORIES * (CATEGORIES - 1) // 2
_TOP_STEP = 1 << (_ALL_PAIRS.bit_length() - 1)


class PairCounts:
    """How many reserved levels sit on each pair index (over c0..c1023), as a Fenwick tree
    kept sparse in a dict: counting, updating and finding the k-th free pair all take
    O(log pairs) steps however full the space is, and an empty table costs nothing."""

    def __init__(self) -> None:
        self.tree: dict[int, int] = {}
        self.total = 0

    def update(self, index: int, step: int) -> None:
        self.total += step
        tree = self.tree
        i = index + 1
        while i <= _ALL_PAIRS:
            value = tree.get(i, 0) + step
            if value:
                tree[i] = value
            else:
                del tree[i]  # sparse: a released pair leaves nothing behind
            i += i & -i

    def taken_before(self, end: int) -> int:
        """Reserved levels on pair indices below ``end``."""
        tree, total, i = self.tree, 0, end
        while i > 0:
            total += tree.get(i, 0)
            i -= i & -i
        return total

    def taken_between(self, first: int, end: int) -> int:
        """Reserved levels on pair indices ``first <= index < end``: both prefix walks stop
        where they meet, so a short span costs a few steps."""
        tree, total, hi, lo = self.tree, 0, end, first
        while hi > lo:
            total += tree.get(hi, 0)
            hi -= hi & -hi
        while lo > hi:
            total -= tree.get(lo, 0)
            lo -= lo & -lo
        return total

    def kth_free(self, k: int) -> int:
        """The pair index of the k-th (0-based) free pair, in index order."""
        tree, pos, step = self.tree, 0, _TOP_STEP
        while step:
            nxt = pos + step
            if nxt <= _ALL_PAIRS:
                free = step - tree.get(nxt, 0)
                if free <= k:
                    pos, k = nxt, k - free
            step >>= 1
        return pos


@attrs.define(repr=False, eq=False)
class McsTable:
    """``data->mcs``: the levels this daemon reserved for dynamic labels (not persisted)."""

    reserved: dict[str, None] = attrs.field(factory=dict)
    # Derived from ``reserved`` and kept in step with it: each reserved pair's (sensitivity,
    # pair index over c0..c1023), and per sensitivity the counts of reserved pair indices.
    _pairs: dict[str, tuple[int, int]] = attrs.field(factory=dict, init=False, repr=False, eq=False)
    _counts: dict[int, PairCounts] = attrs.field(factory=dict, init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        for level in self.reserved:
            self._index_level(level)

    def contains(self, level: str) -> bool:
        return level in self.reserved

    def add(self, level: str) -> bool:
        """``virSecuritySELinuxMCSAdd``: False if the level was already reserved."""
        if level in self.reserved:
            return False
        self.reserved[level] = None
        self._index_level(level)
        return True

    def remove(self, level: str) -> None:
        if level not in self.reserved:
            return
        del self.reserved[level]
        pair = self._pairs.pop(level, None)
        if pair is not None:
            self._counts[pair[0]].update(pair[1], -1)

    def _index_level(self, level: str) -> None:
        try:
            parsed = Level.parse(level)
        except ValueError:
            return
        cats = sorted(parsed.categories)
        if len(cats) != 2 or cats[1] >= CATEGORIES:
            return
        self._reserve_pair(level, parsed.sensitivity, pair_index(cats[0], cats[1], CATEGORIES))

    def _reserve_pair(self, level: str, sensitivity: int, index: int) -> None:
        self._pairs[level] = (sensitivity, index)
        counts = self._counts.get(sensitivity)
        if counts is None:
            counts = self._counts[sensitivity] = PairCounts()
        counts.update(index, 1)

    def allocate(self, rng: random.Random, cat_range: CategoryRange) -> str:
        """A free pair ``sN:cA,cB`` (A < B), uniform over the free pairs; then reserved."""
        n = cat_range.size
        if n < MIN_CATEGORIES:
            raise LibvirtError(
                ErrorCode.INTERNAL_ERROR,
                f"Category range c{cat_range.low}-c{cat_range.high} too small",
            )
        # Contexts cannot name categories past c1023 (context.py), so neither can a range.
        assert cat_range.low >= 0 and cat_range.high < CATEGORIES
        counts = self._counts.get(cat_range.sensitivity) or PairCounts()
        if n == CATEGORIES:
            free = _ALL_PAIRS - counts.total
            if free <= 0:
                raise LibvirtError(ErrorCode.INTERNAL_ERROR, "no free MCS category pair left")
            index = counts.kth_free(rng.randrange(free))
        else:
            index = _kth_free_in_range(counts, cat_range, rng)
        a, b = pair_at(index, CATEGORIES)
        # str(Level(sensitivity, {a, b})): two categories are never a range (c1.c3 needs 3)
        level = f"s{cat_range.sensitivity}:c{a},c{b}"
        self.reserved[level] = None
        self._reserve_pair(level, cat_range.sensitivity, index)
        return level


def _kth_free_in_range(counts: PairCounts, cat_range: CategoryRange, rng: random.Random) -> int:
    """Uniform over the free pairs inside ``cat_range`` (in (A, B) order, as the whole-space
    case): the pairs (A, A+1..high) of one row A are consecutive indices, so each row's free
    count is two prefix sums, O(categories x log pairs) whatever the fullness."""
    rows: list[tuple[int, int]] = []  # (first pair index of the row, free pairs in it)
    for a in range(cat_range.low, cat_range.high):
        first = pair_index(a, a + 1, CATEGORIES)
        last = first + (cat_range.high - a)  # one past (a, high)
        taken = counts.taken_between(first, last)
        rows.append((first, last - first - taken))
    free = sum(row_free for _, row_free in rows)
    if free <= 0:
        raise LibvirtError(ErrorCode.INTERNAL_ERROR, "no free MCS category pair left")
    k = rng.randrange(free)
    for first, row_free in rows:
        if k < row_free:
            return counts.kth_free(k + first - counts.taken_before(first))
        k -= row_free
    raise AssertionError("k is below the free count")  # pragma: no cover
