"""Processes: who makes a system call, with which credentials, in which namespace."""

from __future__ import annotations

from typing import NamedTuple

import attrs

from simulator.reprs import attrs_repr

UNSET_ID = 4294967295  # auid/ses of processes that never logged in: (unsigned)-1


class Credentials(NamedTuple):
    """The identity DAC checks use (a frozen value, a tuple underneath)."""

    uid: int
    gid: int
    groups: tuple[int, ...] = ()

    @property
    def is_root(self) -> bool:
        return self.uid == 0

    def in_group(self, gid: int) -> bool:
        return gid == self.gid or gid in self.groups


@attrs.define(eq=False, repr=False)
class Process:
    __repr__ = attrs_repr  # the text attrs would print, without compiling it at import

    pid: int
    ppid: int
    comm: str
    argv: tuple[str, ...]
    exe: str
    uid: int
    gid: int
    groups: tuple[int, ...]
    context: str
    ns_id: int
    cwd: str = "/"
    umask: int = 0o022
    auid: int = UNSET_ID
    ses: int = UNSET_ID
    tty: str | None = None
    start_time: int = 0
    next_fd: int = 3
    # Files the program keeps open for its whole life (paths in its own mount namespace);
    # they pin their mount as a working directory does (linux: propagate_mount_busy).
    open_files: tuple[str, ...] = ()

    @property
    def credentials(self) -> Credentials:
        return credentials_of(self)


CREDENTIALS_KEPT = 256
_CREDENTIALS: dict[tuple[int, int, tuple[int, ...]], Credentials] = {}


def credentials_of(proc: Process) -> Credentials:
    """``proc.credentials``: one shared, frozen value per identity, not a new one per
    permission check. A function, for the kernel's hot paths: a property (and an
    ``lru_cache``) is a call from C, several times the cost of a call from Python."""
    key = (proc.uid, proc.gid, proc.groups)
    cred = _CREDENTIALS.get(key)
    if cred is None:
        if len(_CREDENTIALS) >= CREDENTIALS_KEPT:
            _CREDENTIALS.clear()  # bounded: identities are few
        cred = _CREDENTIALS[key] = Credentials(*key)
    return cred
