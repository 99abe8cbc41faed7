"""State that belongs to the installed system's programs, not to the kernel.

The lab's daemon crash points (``lab fault add step``) and the qemu log-line counter live
here: they survive a daemon restart and a saved state, like the kernel's, but no system
call reads them.
"""

from __future__ import annotations

from typing import Any

import attrs


@attrs.define(repr=False, eq=False)
class Userspace:
    # Named points of libvirt operations where the daemon is to die (``lab fault add step``).
    crash_steps: list[str] = attrs.field(factory=list)
    # How many lines qemu processes have logged (their microseconds come from it, host.md).
    qemu_log_lines: int = 0
    # How many UUIDs libvirt's daemons generated (virUUIDGenerate: each is new).
    uuids_generated: int = 0
    # The policy store's boolean settings (``setsebool -P``): what the next boot loads.
    persistent_booleans: dict[str, bool] = attrs.field(factory=dict)

    def next_qemu_log_line(self) -> int:
        self.qemu_log_lines += 1
        return self.qemu_log_lines

    def next_uuid(self) -> int:
        self.uuids_generated += 1
        return self.uuids_generated

    def take_crash_step(self, name: str) -> bool:
        """Whether a crash waits at ``name``; it is used up."""
        if name not in self.crash_steps:
            return False
        self.crash_steps.remove(name)
        return True

    # -- saved states: the keys they had when the kernel kept this ----------------------------

    def dump_into(self, state: dict[str, Any]) -> None:
        state["counters"]["qemu_log_lines"] = self.qemu_log_lines
        if self.uuids_generated:
            state["counters"]["uuids_generated"] = self.uuids_generated
        state["fault_steps"] = list(self.crash_steps)
        if self.persistent_booleans:
            state["persistent_booleans"] = dict(sorted(self.persistent_booleans.items()))

    @classmethod
    def take_from(cls, state: dict[str, Any]) -> Userspace:
        """This part of a saved state, removed from ``state`` so the kernel gets the rest."""
        # Only this part is checked here; the kernel's validation names what else is wrong.
        counters = state.get("counters")
        lines = counters.pop("qemu_log_lines", 0) if isinstance(counters, dict) else 0
        uuids = counters.pop("uuids_generated", 0) if isinstance(counters, dict) else 0
        steps = state.pop("fault_steps", [])
        booleans = state.pop("persistent_booleans", {})
        if not isinstance(lines, int) or isinstance(lines, bool) or lines < 0:
            raise ValueError("counters.qemu_log_lines: expected a count")
        if not isinstance(uuids, int) or isinstance(uuids, bool) or uuids < 0:
            raise ValueError("counters.uuids_generated: expected a count")
        if not isinstance(steps, list) or not all(isinstance(s, str) for s in steps):
            raise ValueError("fault_steps: expected a list of step names")
        if not isinstance(booleans, dict) or not all(
            isinstance(v, bool) for v in booleans.values()
        ):
            raise ValueError("persistent_booleans: expected names and booleans")
        return cls(
            crash_steps=list(steps),
            qemu_log_lines=lines,
            uuids_generated=uuids,
            persistent_booleans={str(k): v for k, v in booleans.items()},
        )
