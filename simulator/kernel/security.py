"""The hook through which a Linux security module (SELinux) sees and vetoes accesses.

The kernel calls it after its own DAC checks, as Linux calls the LSM after
``generic_permission()``. The default module allows everything and labels nothing.
"""

from __future__ import annotations

from typing import Any, Protocol

import attrs

from simulator.kernel.filesystem import Filesystem
from simulator.kernel.inode import Inode, Kind
from simulator.kernel.process import Process


@attrs.frozen
class Syscall:
    """What the audit SYSCALL record needs to know about the call being checked."""

    name: str
    args: tuple[int, ...] = ()


@attrs.frozen
class AccessRequest:
    """One permission check: ``process`` wants ``perms`` on ``inode`` (object class ``tclass``).

    ``name`` is the dentry name for checks made at ``inode_permission`` time (the AVC says
    ``name=``); ``path`` is set for checks on an opened path (``file_open``: ``path=``).
    """

    process: Process
    fs: Filesystem
    inode: Inode
    tclass: str
    perms: tuple[str, ...]
    syscall: Syscall
    name: str | None = None
    path: str | None = None


class SecurityModule(Protocol):
    """What the kernel asks of a security module."""

    name: str

    def check(self, request: AccessRequest) -> None:
        """Raise ``OSError(EACCES)`` to deny; return to allow."""

    def label_new_inode(
        self, process: Process, parent: Inode, kind: Kind, name: str
    ) -> bytes | None:
        """The ``security.selinux`` value for a new inode, or None for no label."""

    def getsecurity(self, fs: Filesystem, inode: Inode) -> bytes | None:
        """The label the LSM reports for an inode (None: read the stored xattr)."""

    def valid_label(self, value: bytes) -> bool:
        """Whether the policy knows this context (``security_context_to_sid``)."""

    def state(self) -> dict[str, Any]:
        """The module's own state, for snapshots."""

    def load_state(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state`."""


class NoSecurity:
    """No LSM: every access the DAC allows is allowed, and nothing is labelled."""

    name = "none"

    def check(self, request: AccessRequest) -> None:
        return None

    def label_new_inode(
        self, process: Process, parent: Inode, kind: Kind, name: str
    ) -> bytes | None:
        return None

    def getsecurity(self, fs: Filesystem, inode: Inode) -> bytes | None:
        return None

    def valid_label(self, value: bytes) -> bool:
        return True

    def state(self) -> dict[str, Any]:
        return {}

    def load_state(self, state: dict[str, Any]) -> None:
        return None
