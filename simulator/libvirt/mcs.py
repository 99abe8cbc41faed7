"""MCS category pairs for dynamic labels (``virSecuritySELinuxMCSFind``,
``virSecuritySELinuxMCSGetProcessRange`` in ``src/security/security_selinux.c``).

libvirt draws two independent categories, discards equal ones, sorts them, and draws again
while the pair is reserved: the result is uniform over the free unordered pairs. The lab
samples that distribution directly (one draw, then the k-th free pair), so the cost is the
same near exhaustion as when the table is empty.
"""

from __future__ import annotations

import bisect
import random

import attrs

from simulator.libvirt.virerror import ErrorCode, LibvirtError
from simulator.selinux.context import Level, SecurityContext, format_categories

MIN_CATEGORIES = 8


@attrs.frozen
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
        if pair_index(mid, mid + 1, n) <= index:
            lo = mid
        else:
            hi = mid - 1
    a = lo
    return a, index - pair_index(a, a + 1, n) + a + 1


@attrs.define
class McsTable:
    """``data->mcs``: the levels this daemon reserved for dynamic labels (not persisted)."""

    reserved: dict[str, None] = attrs.field(factory=dict)
    # Sorted pair indices per category range: derived from ``reserved``, kept in step.
    _indices: dict[CategoryRange, list[int]] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )

    def contains(self, level: str) -> bool:
        return level in self.reserved

    def add(self, level: str) -> bool:
        """``virSecuritySELinuxMCSAdd``: False if the level was already reserved."""
        if level in self.reserved:
            return False
        self.reserved[level] = None
        for cat_range, indices in self._indices.items():
            index = self._index(level, cat_range)
            if index is not None:
                bisect.insort(indices, index)
        return True

    def remove(self, level: str) -> None:
        if level not in self.reserved:
            return
        del self.reserved[level]
        for cat_range, indices in self._indices.items():
            index = self._index(level, cat_range)
            if index is not None:
                del indices[bisect.bisect_left(indices, index)]

    def _taken(self, cat_range: CategoryRange) -> list[int]:
        if cat_range not in self._indices:
            self._indices[cat_range] = sorted(
                i for level in self.reserved if (i := self._index(level, cat_range)) is not None
            )
        return self._indices[cat_range]

    def allocate(self, rng: random.Random, cat_range: CategoryRange) -> str:
        """A free pair ``sN:cA,cB`` (A < B), uniform over the free pairs; then reserved."""
        n = cat_range.size
        if n < MIN_CATEGORIES:
            raise LibvirtError(
                ErrorCode.INTERNAL_ERROR,
                f"Category range c{cat_range.low}-c{cat_range.high} too small",
            )
        taken = self._taken(cat_range)
        free = cat_range.pairs - len(taken)
        if free <= 0:
            raise LibvirtError(ErrorCode.INTERNAL_ERROR, "no free MCS category pair left")
        k = rng.randrange(free)
        index = _kth_free(k, taken)
        a, b = pair_at(index, n)
        level = str(Level(cat_range.sensitivity, frozenset({a + cat_range.low, b + cat_range.low})))
        self.add(level)
        return level

    @staticmethod
    def _index(level: str, cat_range: CategoryRange) -> int | None:
        try:
            parsed = Level.parse(level)
        except ValueError:
            return None
        cats = sorted(parsed.categories)
        if parsed.sensitivity != cat_range.sensitivity or len(cats) != 2:
            return None
        a, b = cats[0] - cat_range.low, cats[1] - cat_range.low
        if a < 0 or b >= cat_range.size:
            return None
        return pair_index(a, b, cat_range.size)


def _kth_free(k: int, taken: list[int]) -> int:
    """The k-th index (0-based) not in the sorted list ``taken``."""
    lo, hi = k, k + len(taken)
    while lo < hi:  # smallest x with x - (taken <= x) >= k ... and x free
        mid = (lo + hi) // 2
        if mid - bisect.bisect_right(taken, mid) + 1 > k:
            hi = mid
        else:
            lo = mid + 1
    return lo
