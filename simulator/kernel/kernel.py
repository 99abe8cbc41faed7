"""The simulated kernel: state plus system calls, each taking the calling process."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.errors import SnapshotError
from simulator.kernel.calls_files import FileCalls
from simulator.kernel.calls_mount import MountCalls
from simulator.kernel.calls_process import ProcessCalls
from simulator.kernel.calls_xattr import XattrCalls
from simulator.kernel.lsm_selinux import SelinuxLsm
from simulator.kernel.security import NoSecurity, SecurityModule

if TYPE_CHECKING:
    from simulator.kernel.snapshot import Snapshot

# The snapshot module (and its schema) is loaded by the calls that save or load a state.

SECURITY_MODULES: dict[str, type[NoSecurity] | type[SelinuxLsm]] = {
    NoSecurity.name: NoSecurity,
    SelinuxLsm.name: SelinuxLsm,
}


class Kernel(FileCalls, XattrCalls, MountCalls, ProcessCalls):
    """Filesystems, mounts, namespaces, processes, clock and faults, with Linux's rules.

    Every failed system call raises ``OSError`` and leaves the state as it was.
    """

    def snapshot(self) -> Snapshot:
        """The whole state as an immutable, comparable value."""
        from simulator.kernel.snapshot import Snapshot, dump_state

        return Snapshot.of(dump_state(self))

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> Kernel:
        from simulator.kernel.snapshot import load_state

        kernel = cls.__new__(cls)
        Kernel.__init__(kernel)  # an empty machine, whatever a subclass would build
        data = snapshot.data()
        module = SECURITY_MODULES.get(str(data.get("security", {}).get("module")))
        if module is None:
            raise SnapshotError("state names no known security module")
        security: SecurityModule = module()
        kernel.security = security
        load_state(kernel, data)
        return kernel

    @classmethod
    def from_json(cls, text: str) -> Kernel:
        from simulator.kernel.snapshot import Snapshot

        return cls.from_snapshot(Snapshot.parse(text))
