"""SELinux as the kernel's security module: labels new inodes and reports labels.

Access decisions come from the policy layer; until that is plugged in, this module allows
every access (the hook point is in place, see :mod:`simulator.kernel.security`).
"""

from __future__ import annotations

from typing import Any

from simulator.errors import ContextError
from simulator.kernel.filesystem import Filesystem
from simulator.kernel.inode import SELINUX_XATTR, Inode, Kind
from simulator.kernel.process import Process
from simulator.kernel.security import AccessRequest
from simulator.selinux.context import SecurityContext
from simulator.selinux.labeling import new_object_context

UNLABELED = "system_u:object_r:unlabeled_t:s0"
# genfscon: filesystems without xattrs report one context for every inode.
GENFS_LABELS = {"proc": "system_u:object_r:proc_t:s0"}


def stored_context(inode: Inode) -> SecurityContext:
    raw = inode.xattrs.get(SELINUX_XATTR)
    if raw is None:
        return SecurityContext.parse(UNLABELED)
    try:
        return SecurityContext.parse(raw.rstrip(b"\0").decode())
    except (ContextError, UnicodeDecodeError):
        return SecurityContext.parse(UNLABELED)


class SelinuxLsm:
    name = "selinux"

    def __init__(self) -> None:
        self.enforcing = True

    def check(self, request: AccessRequest) -> None:
        del request

    def label_new_inode(
        self, process: Process, parent: Inode, kind: Kind, name: str
    ) -> bytes | None:
        del name
        subject = SecurityContext.parse(process.context)
        context = new_object_context(subject, stored_context(parent), kind.selinux_class)
        return str(context).encode() + b"\0"

    def getsecurity(self, fs: Filesystem, inode: Inode) -> bytes | None:
        genfs = GENFS_LABELS.get(fs.fstype)
        if genfs is not None:
            return genfs.encode() + b"\0"
        if SELINUX_XATTR not in inode.xattrs:
            return UNLABELED.encode() + b"\0"
        return None

    def valid_label(self, value: bytes) -> bool:
        try:
            SecurityContext.parse(value.decode())
        except (ContextError, UnicodeDecodeError):
            return False
        return True

    def state(self) -> dict[str, Any]:
        return {"enforcing": self.enforcing}

    def load_state(self, state: dict[str, Any]) -> None:
        self.enforcing = bool(state["enforcing"])
