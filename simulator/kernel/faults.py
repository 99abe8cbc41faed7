"""Fault injection: make the next N calls of a system call on one file fail.

A fault names its target by inode when the path exists when the fault is added (so hard
links and bind mounts of the same inode fail too), else by path inside one mount namespace
(a node libvirt has yet to create, such as a per-domain ``/dev`` entry).
"""

from __future__ import annotations

import attrs

from simulator.errors import InvalidArgument
from simulator.kernel.errno_util import errno_by_name, errno_name

# scenarios.md 5, `lab fault add`: the system calls a fault can target. ``setfilecon`` is a
# write of ``security.selinux``; ``setxattr`` covers every other attribute name.
FAULTABLE_SYSCALLS = (
    "chmod",
    "chown",
    "getxattr",
    "mknod",
    "open",
    "removexattr",
    "rename",
    "setfilecon",
    "setxattr",
    "stat",
    "statfs",
    "unlink",
)


@attrs.define(eq=False)
class Fault:
    syscall: str
    errno: int
    remaining: int
    ns_id: int
    path: str
    fs_id: int | None = None
    ino: int | None = None

    def matches(self, syscall: str, ns_id: int, path: str, target: tuple[int, int] | None) -> bool:
        if syscall != self.syscall:
            return False
        if self.fs_id is not None and target is not None:
            return target == (self.fs_id, self.ino)
        return self.fs_id is None and (ns_id, path) == (self.ns_id, self.path)

    def describe(self) -> str:
        return f"{self.syscall} {self.path} {errno_name(self.errno)} (remaining {self.remaining})"


@attrs.define(repr=False, eq=False)
class FaultRegistry:
    faults: list[Fault] = attrs.field(factory=list)

    def add(
        self,
        syscall: str,
        errno_name_: str,
        *,
        ns_id: int,
        path: str,
        target: tuple[int, int] | None,
        times: int = 1,
    ) -> Fault:
        if syscall not in FAULTABLE_SYSCALLS:
            raise InvalidArgument(
                f"cannot inject faults into {syscall!r}; one of: {', '.join(FAULTABLE_SYSCALLS)}"
            )
        if times < 1:
            raise InvalidArgument(f"--times must be at least 1, not {times}")
        code = errno_by_name(errno_name_)
        fs_id, ino = target if target is not None else (None, None)
        fault = Fault(syscall, code, times, ns_id, path, fs_id, ino)
        self.faults.append(fault)
        return fault

    def take(
        self, syscall: str, ns_id: int, path: str, target: tuple[int, int] | None
    ) -> int | None:
        """The errno of the first matching fault, which is used up by one; None if none."""
        for index, fault in enumerate(self.faults):
            if fault.matches(syscall, ns_id, path, target):
                fault.remaining -= 1
                if fault.remaining == 0:
                    del self.faults[index]
                return fault.errno
        return None

    def clear(self) -> None:
        self.faults.clear()
