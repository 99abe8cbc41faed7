"""Virtual time and the counters that make pids, namespace ids and serials deterministic."""

from __future__ import annotations

import random
from collections.abc import Callable

import attrs

# host.md: "Identity, clock, randomness".
CLOCK_START = 1749031080  # 2025-06-04 09:58:00 UTC
BOOT_TIME = CLOCK_START - 3600
FIRST_PID = 4810
FIRST_NS_ID = 4026532600
REBOOT_SECONDS = 60


@attrs.define
class Clock:
    """Seconds since the epoch; only commands, ``sleep`` and ``reboot`` move it."""

    now: int = CLOCK_START
    boot_time: int = BOOT_TIME
    # Called after the clock moved (timers of the layers above: a guest powering off).
    # Not state: whoever registers a listener registers it again on a restored host.
    listeners: list[Callable[[], None]] = attrs.field(
        factory=list, eq=False, repr=False, init=False
    )

    def advance(self, seconds: int = 1) -> None:
        self.now += seconds
        for listener in list(self.listeners):
            listener()

    def reboot(self) -> None:
        """host.md: reboot sets the boot time to the current clock and advances it by 60 s."""
        self.boot_time = self.now
        self.now += REBOOT_SECONDS


@attrs.define
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
