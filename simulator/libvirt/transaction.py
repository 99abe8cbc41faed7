"""Relabel transactions (``virSecurity{DAC,SELinux}Transaction*``) and the metadata lock
(``virSecurityManagerMetadataLock``): which paths may be remembered, and rollback."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from simulator.kernel import errno_table as errno
from simulator.kernel.inode import Kind
from simulator.libvirt.host_access import HostAccess
from simulator.libvirt.virerror import ErrorCode, LibvirtError, system_error


@attrs.frozen(repr=False, eq=False)
class Item:
    """One queued operation: set ``label`` on ``path`` or restore it."""

    path: str
    label: str | None
    remember: bool
    restore: bool = False


SetFn = Callable[[HostAccess, str, str, bool], None]
RestoreFn = Callable[[HostAccess, str, bool], bool]


class TransactionFailed(LibvirtError):
    """A restore in a transaction failed; libvirt has already logged why."""

    def __init__(self) -> None:
        super().__init__(ErrorCode.INTERNAL_ERROR, "Unable to run security manager transaction")


def lockable_paths(ops: HostAccess, paths: list[str]) -> set[str]:
    """Paths whose metadata lock succeeds; the others are labelled without remembering."""
    locked: set[str] = set()
    for path in sorted(set(paths)):
        try:
            kind = ops.kind(path)
        except OSError:
            continue  # stat fails: skipped
        if kind is Kind.DIRECTORY:
            continue  # "directories can't be opened for writing"
        try:
            ops.can_open_rw(path)
        except OSError as error:
            if error.errno == errno.EROFS or kind is Kind.SOCKET or ops.is_shared_fs(path):
                continue  # read-only, a socket, or "Probably a root squashed NFS"
            raise system_error(error.errno or 0, f"unable to open {path}") from None
        locked.add(path)
    return locked


def run(
    ops: HostAccess, items: list[Item], lock: bool, set_fn: SetFn, restore_fn: RestoreFn
) -> None:
    """``TransactionRun``: lock, apply in order, roll back in reverse on the first failure."""
    locked = lockable_paths(ops, [i.path for i in items if i.remember]) if lock else set()
    # An item whose path could not be locked is applied without remembering (frozen items
    # are shared as they are otherwise).
    effective = [
        i if not i.remember or i.path in locked else Item(i.path, i.label, False, i.restore)
        for i in items
    ]
    for index, item in enumerate(effective):
        try:
            if item.restore:
                if not restore_fn(ops, item.path, item.remember):
                    raise TransactionFailed
            else:
                assert item.label is not None
                set_fn(ops, item.path, item.label, item.remember)
        except LibvirtError:
            for done in reversed(effective[:index]):
                if done.restore:
                    ops.warn(f"Ignoring failed restore attempt on {done.path}")
                else:
                    restore_fn(ops, done.path, done.remember)
            raise
