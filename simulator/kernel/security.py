"""The hook through which a Linux security module (SELinux) sees and vetoes accesses.

The kernel calls it after its own DAC checks, as Linux calls the LSM after
``generic_permission()``. The default module allows everything and labels nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol

import attrs

from simulator.kernel.audit_log import user_pointer
from simulator.kernel.filesystem import Filesystem
from simulator.kernel.inode import Inode, Kind
from simulator.kernel.process import Process

if TYPE_CHECKING:
    from simulator.kernel.audit import AvcRecord

AT_FDCWD = 0xFFFFFF9C

# x86_64 system call numbers, for audit SYSCALL records.
SYSCALL_NUMBERS: dict[str, int] = {
    "access": 21,
    "chdir": 80,
    "chmod": 90,
    "chown": 92,
    "getcwd": 79,
    "getdents64": 217,
    "getxattr": 191,
    "lchown": 94,
    "lgetxattr": 192,
    "linkat": 265,
    "listxattr": 194,
    "llistxattr": 195,
    "lremovexattr": 198,
    "lsetxattr": 189,
    "mkdirat": 258,
    "mknodat": 259,
    "mount": 165,
    "newfstatat": 262,
    "openat": 257,
    "preadv": 295,
    "pwritev": 296,
    "readlinkat": 267,
    "removexattr": 197,
    "renameat2": 316,
    "setxattr": 188,
    "statfs": 137,
    "symlinkat": 266,
    "umount2": 166,
    "unlinkat": 263,
    "unshare": 272,
}


@attrs.frozen(repr=False, eq=False)
class Syscall:
    """What the audit SYSCALL record needs to know about the call being checked."""

    name: str
    args: tuple[int, int, int, int] = (0, 0, 0, 0)

    # The constructors every system call uses, set below to cached functions, so that a
    # call repeated with the same arguments costs one lookup in C:
    # at(name, path, *rest): a ``*at()`` call relative to the cwd, ``a0=AT_FDCWD a1=<path>``;
    # on(name, path, *rest): a call whose first argument is a path; of(name, *args).
    at: ClassVar[Callable[..., Syscall]]
    on: ClassVar[Callable[..., Syscall]]
    of: ClassVar[Callable[..., Syscall]]

    @property
    def number(self) -> int:
        return SYSCALL_NUMBERS.get(self.name, 0)


@functools.lru_cache(maxsize=1024)
def _syscall(name: str, *args: int) -> Syscall:
    """One shared, frozen value per call and arguments (a call repeats on the same path)."""
    padded = (*args, 0, 0, 0, 0)[:4]
    return Syscall(name, (padded[0], padded[1], padded[2], padded[3]))


@functools.lru_cache(maxsize=1024)
def _syscall_at(name: str, path: str, *rest: int) -> Syscall:
    """:meth:`Syscall.at`: one shared value per call and arguments (a new path, such as a
    new domain's, is made here at once rather than through :func:`_syscall`'s cache)."""
    padded = (*rest, 0, 0)
    return Syscall(name, (AT_FDCWD, user_pointer(path), padded[0], padded[1]))


@functools.lru_cache(maxsize=1024)
def _syscall_on(name: str, path: str, *rest: int) -> Syscall:
    """:meth:`Syscall.on`: one shared value per call and arguments."""
    padded = (*rest, 0, 0, 0)
    return Syscall(name, (user_pointer(path), padded[0], padded[1], padded[2]))


Syscall.at = _syscall_at
Syscall.on = _syscall_on
Syscall.of = _syscall


class AccessRequest(NamedTuple):
    """One permission check: ``process`` wants ``perms`` on ``inode`` (object class ``tclass``).

    ``name`` is the dentry name for checks made at ``inode_permission`` time (the AVC says
    ``name=``); ``path`` is set for checks on an opened path (``file_open``: ``path=``).
    A frozen value, a tuple underneath: no class for attrs to write at import.
    """

    process: Process
    fs: Filesystem
    inode: Inode
    tclass: str
    perms: tuple[str, ...]
    syscall: Syscall
    name: str | None = None
    path: str | None = None
    # The context checked instead of the inode's (relabelto checks the new label).
    new_label: bytes | None = None


class CheckResult(NamedTuple):
    """The module's answer: fail the call with EACCES or not, and what to audit (a frozen
    value, a tuple underneath)."""

    enforced: bool = False
    avc: AvcRecord | None = None


ALLOWED = CheckResult()


class Generational(Protocol):
    """What holds a security module's decisions: its ``generation`` changes whenever a
    decision may have changed (policy, booleans, mode)."""

    @property
    def generation(self) -> int: ...


class SecurityModule(Protocol):
    """What the kernel asks of a security module."""

    name: str

    @property
    def decisions(self) -> Generational:
        """What holds the module's decisions: the same object for as long as the module
        keeps its state, its ``generation`` the module's :attr:`generation`. A plain
        attribute in the modules (it is read on every cached path walk)."""

    @property
    def generation(self) -> int:
        """Changes whenever a decision may have changed (policy, booleans, mode), so a
        caller that remembers a silent grant knows when to ask again."""

    def check(self, request: AccessRequest) -> CheckResult:
        """Decide; the kernel audits ``avc`` and fails with EACCES when ``enforced``."""

    def allows(
        self,
        process: Process,
        fs: Filesystem,
        inode: Inode,
        tclass: str,
        perms: tuple[str, ...],
        new_label: bytes | None,
    ) -> bool:
        """The fast path: True when the decision (cached, or computed and cached on a
        miss) grants all of ``perms``, so there is nothing to audit; False means "ask
        :meth:`check`", never "denied"."""

    def label_new_inode(
        self, process: Process, parent: Inode, kind: Kind, name: str
    ) -> bytes | None:
        """The ``security.selinux`` value for a new inode, or None for no label."""

    def getsecurity(self, fs: Filesystem, inode: Inode) -> bytes | None:
        """The label the LSM reports for an inode (None: read the stored xattr)."""

    def valid_label(self, value: bytes) -> bool:
        """Whether the policy knows this context (``security_context_to_sid``)."""

    def new_root_label(self, fstype: str) -> str | None:
        """The label of a new filesystem's root directory (None: no label)."""

    def state(self) -> dict[str, Any]:
        """The module's own state, for snapshots."""

    def load_state(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state`."""


class NoSecurity:
    """No LSM: every access the DAC allows is allowed, and nothing is labelled."""

    name = "none"
    generation = 0

    def __init__(self) -> None:
        self.decisions: Generational = self  # decisions that never change

    def check(self, request: AccessRequest) -> CheckResult:
        return ALLOWED

    def allows(
        self,
        process: Process,
        fs: Filesystem,
        inode: Inode,
        tclass: str,
        perms: tuple[str, ...],
        new_label: bytes | None,
    ) -> bool:
        return True

    def label_new_inode(
        self, process: Process, parent: Inode, kind: Kind, name: str
    ) -> bytes | None:
        return None

    def getsecurity(self, fs: Filesystem, inode: Inode) -> bytes | None:
        return None

    def valid_label(self, value: bytes) -> bool:
        return True

    def new_root_label(self, fstype: str) -> str | None:
        return None

    def state(self) -> dict[str, Any]:
        return {}

    def load_state(self, state: dict[str, Any]) -> None:
        return None
