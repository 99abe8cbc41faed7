"""Virtual time and the counters that make pids, namespace ids and serials deterministic."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import attrs

from simulator.errors import InvalidArgument, NotModelled

# host.md: "Identity, clock, randomness".
CLOCK_START = 1749031080  # 2025-06-04 09:58:00 UTC
BOOT_TIME = CLOCK_START - 3600
FIRST_PID = 4810
FIRST_NS_ID = 4026532600
REBOOT_SECONDS = 60
# The last second every clock the lab prints (date, stat, ls, ausearch, lab state) can show:
# 9999-12-31 23:59:59 UTC. A 64-bit time_t goes further; the lab refuses to, loudly.
CLOCK_MAX = 253402300799


def _check_seconds(seconds: object) -> None:
    # bool is an int to Python, not to a clock.
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
        raise InvalidArgument(f"the clock only moves forward by whole seconds, not {seconds!r}")


@attrs.define(repr=False, eq=False)
class Clock:
    """Seconds since the epoch; only commands, ``sleep`` and ``reboot`` move it."""

    now: int = attrs.field(default=CLOCK_START)
    boot_time: int = attrs.field(default=BOOT_TIME)

    @now.validator
    @boot_time.validator
    def _in_range(self, attribute: attrs.Attribute[int], value: object) -> None:
        # Every time the lab prints lies in 1970..9999 (see CLOCK_MAX).
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= CLOCK_MAX:
            raise InvalidArgument(f"clock {attribute.name} {value!r} is not in 0..{CLOCK_MAX}")

    # Called after the clock moved (timers of the layers above: a guest powering off).
    # Not state: whoever registers a listener registers it again on a restored host.
    listeners: list[Callable[[], None]] = attrs.field(
        factory=list, eq=False, repr=False, init=False
    )

    def check_advance(self, seconds: int) -> None:
        """Refuse (before anything changes) a move past :data:`CLOCK_MAX` or backwards."""
        _check_seconds(seconds)
        if seconds > CLOCK_MAX - self.now:
            raise NotModelled("a clock past 9999-12-31 23:59:59 UTC")

    def advance(self, seconds: int = 1) -> None:
        """The tick of a typed command line: it stops at :data:`CLOCK_MAX` (the one place the
        lab's clock differs from a host's, 8,000 years on) rather than fail a command."""
        _check_seconds(seconds)
        self.now = min(self.now + seconds, CLOCK_MAX)
        for listener in list(self.listeners):
            listener()

    def sleep(self, seconds: float) -> None:
        """coreutils ``sleep``: ``xnanosleep`` for that long. An infinite sleep (``sleep
        inf``, ``sleep 1e400``) never returns on a host; the lab says it cannot model it."""
        if math.isnan(seconds) or seconds < 0:
            raise InvalidArgument(f"cannot sleep for {seconds!r} seconds")
        if math.isinf(seconds):
            raise NotModelled("sleeping for ever")
        self.check_advance(int(seconds))
        self.advance(int(seconds))

    def reboot(self) -> None:
        """host.md: reboot sets the boot time to the current clock and advances it by 60 s."""
        self.check_advance(REBOOT_SECONDS)
        self.boot_time = self.now
        self.now += REBOOT_SECONDS


@attrs.define(repr=False, eq=False)
class Counters:
    """Every number the lab hands out, from its own counter."""

    next_pid: int = FIRST_PID
    next_ns_id: int = FIRST_NS_ID
    next_mount_id: int = 1
    next_fs_id: int = 1
    audit_events: int = 0

    def pid(self) -> int:
        self.next_pid += 1
        return self.next_pid - 1

    def ns_id(self) -> int:
        self.next_ns_id += 1
        return self.next_ns_id - 1

    def mount_id(self) -> int:
        self.next_mount_id += 1
        return self.next_mount_id - 1

    def fs_id(self) -> int:
        self.next_fs_id += 1
        return self.next_fs_id - 1


def seeded_random(seed: int) -> random.Random:
    """The one source of randomness (only the MCS allocator draws from it)."""
    return random.Random(seed)  # noqa: S311 - a simulation, not cryptography
