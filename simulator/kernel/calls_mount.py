"""Mount system calls and mount namespaces: mount, umount, unshare(CLONE_NEWNS)."""

from __future__ import annotations

import posixpath
from typing import Protocol

import attrs

from simulator.errors import InvalidArgument
from simulator.kernel import errno_table as errno
from simulator.kernel.base import KernelBase, syscall_entry
from simulator.kernel.errno_util import os_error
from simulator.kernel.filesystem import Filesystem
from simulator.kernel.mounts import Mount, MountNamespace
from simulator.kernel.process import Process
from simulator.kernel.security import Syscall

# Filesystem types ``mount -t`` accepts after boot.
MOUNTABLE_TYPES = ("tmpfs", "nfs")


class NfsExports(Protocol):
    """The network's NFS servers, as a client kernel reaches them (several hosts only)."""

    def mount_export(
        self, client: KernelBase, source: str, options: tuple[str, ...]
    ) -> Filesystem: ...


class MountCalls(KernelBase):
    # Set on a host of a network: ``mount -t nfs SERVER:/PATH`` reaches the server host.
    nfs_exports: NfsExports | None = None

    @syscall_entry
    def mount(
        self,
        proc: Process,
        source: str,
        target: str,
        fstype: str | None = None,
        options: tuple[str, ...] = (),
        *,
        bind: bool = False,
    ) -> Mount:
        """``mount(2)``: a bind mount of ``source``, or a new ``tmpfs``/``nfs`` filesystem."""
        syscall = Syscall.on("mount", source)
        if proc.uid != 0:  # not proc.credentials.is_root
            raise os_error(errno.EPERM, target)
        if not bind and fstype not in MOUNTABLE_TYPES:
            raise os_error(errno.ENODEV, target)
        _, at = self.resolve_existing(proc, target, syscall)
        if not self.inode_at(at).is_dir() and not bind:
            raise os_error(errno.ENOTDIR, target)
        if bind:
            _, src = self.resolve_existing(proc, source, syscall)
            if self.inode_at(src).is_dir() != self.inode_at(at).is_dir():
                raise os_error(errno.ENOTDIR, target)
            fs = self.fs_at(src)
            return self.attach(at, fs, src.ino, ("bind", *options))
        assert fstype is not None
        if fstype == "nfs" and self.nfs_exports is not None:
            fs = self.nfs_exports.mount_export(self, source, options)
            return self.attach(at, fs, fs.root_ino, options)
        owner, mode = _root_of(fstype, options)
        if fstype == "nfs":
            fs = self._nfs_export(source, owner, mode)
            fs.features = attrs.evolve(fs.features, root_squash="no_root_squash" not in options)
        else:
            fs = self.new_filesystem(
                fstype,
                source,
                dev=self.anon_dev(fstype),
                audit_dev=fstype,
                first_ino=2,
                root_owner=owner,
                root_mode=mode,
                root_label=self.security.new_root_label(fstype),
            )
        return self.attach(at, fs, fs.root_ino, options)

    def _nfs_export(self, source: str, owner: tuple[int, int], mode: int) -> Filesystem:
        """The export ``SERVER:/PATH``: the same files every time it is mounted."""
        if ":" not in source:
            raise InvalidArgument(f"NFS source {source!r} is not SERVER:/EXPORT")
        for fs in self.filesystems.values():
            if fs.fstype == "nfs" and fs.source == source:
                return fs
        dev = self.anon_dev("nfs")
        return self.new_filesystem(
            "nfs",
            source,
            dev=dev,
            audit_dev=str(dev),
            first_ino=2,
            root_owner=owner,
            root_mode=mode,
        )

    @syscall_entry
    def umount(self, proc: Process, target: str) -> None:
        syscall = Syscall.on("umount2", target)
        if proc.uid != 0:  # not proc.credentials.is_root
            raise os_error(errno.EPERM, target)
        _, loc = self.resolve_existing(proc, target, syscall)
        mount = self.mounts[loc.mount_id]
        if loc.ino != mount.root_ino or mount.parent_id is None:
            raise os_error(errno.EINVAL, target)
        ns = self.namespaces[mount.ns_id]
        if any(self.mounts[m].parent_id == mount.mount_id for m in ns.mount_ids):
            raise os_error(errno.EBUSY, target)
        if self._mount_in_use(mount.ns_id, posixpath.normpath(posixpath.join(proc.cwd, target))):
            raise os_error(errno.EBUSY, target)
        self.drop_mount(mount.mount_id)
        if mount.fs_id in self.filesystems:
            self.free_if_unused(mount.fs_id, mount.root_ino)
        self.forget_unused_filesystem(mount.fs_id)

    def _mount_in_use(self, ns_id: int, mountpoint: str) -> bool:
        """linux: do_umount -> propagate_mount_busy: a process of the namespace has its working
        directory or a file it keeps open at or below the mount point (compared as paths)."""
        for pid in self.ns_users.get(ns_id, ()):
            other = self.processes[pid]
            for path in (other.cwd, *other.open_files):
                path = posixpath.normpath(path)
                if path == mountpoint or path.startswith(mountpoint.rstrip("/") + "/"):
                    return True
        return False

    @syscall_entry
    def move_mount(self, proc: Process, source: str, target: str) -> None:
        """``mount --move``: the mount at ``source`` now hangs on the directory ``target``."""
        syscall = Syscall.on("mount", source)
        if proc.uid != 0:  # not proc.credentials.is_root
            raise os_error(errno.EPERM, target)
        loc = self.walk(proc, source, syscall).location  # resolve_existing, in line
        assert loc is not None
        mount = self.mounts[loc.mount_id]
        if loc.ino != mount.root_ino or mount.parent_id is None:
            raise os_error(errno.EINVAL, source)
        at = self.walk(proc, target, syscall).location
        assert at is not None
        if not self.inode_at(at).is_dir():
            raise os_error(errno.ENOTDIR, target)
        if self.mounts[at.mount_id].ns_id != mount.ns_id:
            raise os_error(errno.EINVAL, target)
        mount.parent_id = at.mount_id
        mount.mountpoint_ino = at.ino
        ns = self.namespaces[mount.ns_id]
        ns.mount_ids.remove(mount.mount_id)
        ns.mount_ids.append(mount.mount_id)
        self.mounts_moved(mount.ns_id)

    def unshare_mount_namespace(self, proc: Process) -> MountNamespace:
        """``unshare(CLONE_NEWNS)``: a copy of the caller's mount table, with new mount ids."""
        if proc.uid != 0:  # not proc.credentials.is_root
            raise os_error(errno.EPERM)
        old = self.namespaces[proc.ns_id]
        new = MountNamespace(self.counters.ns_id())
        self.namespaces[new.ns_id] = new
        # New ids first, in table order: after ``mount --move`` a mount can come after
        # its own submounts in the table (copy_tree() copies the tree, not the list).
        counters = self.counters
        first = counters.next_mount_id
        renumber = {mount_id: first + n for n, mount_id in enumerate(old.mount_ids)}
        counters.next_mount_id = first + len(renumber)  # Counters.mount_id() once per mount
        # add_mount() for each copy, its bookkeeping inlined: every count only grows here.
        mounts, fs_mount_count, root_pins = self.mounts, self.fs_mount_count, self.root_pins
        ids = new.mount_ids
        for mount_id in old.mount_ids:
            mount = mounts[mount_id]
            parent_id = mount.parent_id
            copy = Mount(
                renumber[mount_id],
                new.ns_id,
                mount.fs_id,
                mount.root_ino,
                None if parent_id is None else renumber[parent_id],
                mount.mountpoint_ino,
                mount.options,
            )
            mounts[copy.mount_id] = copy
            ids.append(copy.mount_id)
            fs_mount_count[copy.fs_id] = fs_mount_count.get(copy.fs_id, 0) + 1
            pin = (copy.fs_id, copy.root_ino)
            root_pins[pin] = root_pins.get(pin, 0) + 1
        self.mount_tops.pop(new.ns_id, None)
        self.move_to_namespace(proc, new.ns_id)
        return new


def _root_of(fstype: str, options: tuple[str, ...]) -> tuple[tuple[int, int], int]:
    """The new root directory's owner and mode (tmpfs ``uid=/gid=/mode=`` options)."""
    uid, gid = 0, 0
    mode = 0o1777 if fstype == "tmpfs" else 0o777
    for option in options:
        key, _, value = option.partition("=")
        try:
            if key == "uid":
                uid = int(value)
            elif key == "gid":
                gid = int(value)
            elif key == "mode":
                mode = int(value, 8)
        except ValueError:
            raise InvalidArgument(f"bad mount option {option!r}") from None
    return (uid, gid), mode
