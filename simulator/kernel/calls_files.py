"""File system calls: open, stat, create, link, rename, unlink, chown, chmod."""

from __future__ import annotations

from typing import NamedTuple

import attrs

from simulator.errors import InvalidArgument
from simulator.kernel import errno_table as errno
from simulator.kernel import open_flags
from simulator.kernel.base import (
    PERMS_FOR_MASK,
    KernelBase,
    Resolved,
    check_path,
    syscall_entry,
)
from simulator.kernel.dac import (
    MAY_EXEC,
    MAY_READ,
    MAY_WRITE,
    dac_allows,
    sticky_allows_delete,
)
from simulator.kernel.errno_util import os_error
from simulator.kernel.inode import (
    FORMAT_BITS_BY_KIND_VALUE,
    MAX_MAJOR,
    MAX_MINOR,
    SELINUX_CLASS_BY_KIND_VALUE,
    DeviceNumber,
    ImageInfo,
    Inode,
    Kind,
    check_mode,
)
from simulator.kernel.mounts import Location
from simulator.kernel.process import Process, credentials_of
from simulator.kernel.security import Syscall
from simulator.reprs import attrs_repr

O_ACCMODE = open_flags.O_ACCMODE

# linux: include/uapi/linux/magic.h, the f_type statfs() reports for each filesystem type
# (devtmpfs is a tmpfs: TMPFS_MAGIC).
FS_MAGIC: dict[str, int] = {
    "devpts": 0x1CD1,
    "devtmpfs": 0x01021994,
    "ext4": 0xEF53,
    "hugetlbfs": 0x958458F6,
    "mqueue": 0x19800202,
    "nfs": 0x6969,
    "proc": 0x9FA0,
    "tmpfs": 0x01021994,
    "xfs": 0x58465342,
}
NFS_SUPER_MAGIC = FS_MAGIC["nfs"]
# may_open(): the access an open asks for, by its O_ACCMODE bits
_MASK_BY_ACCMODE = {
    open_flags.O_RDONLY: MAY_READ,
    open_flags.O_WRONLY: MAY_WRITE,
    open_flags.O_RDWR: MAY_READ | MAY_WRITE,
}
_new_stat = _new_location = tuple.__new__
# Kind's members as module names: a lookup through the enum's metaclass costs several times
# a global's, and these are compared on every call.
_DIRECTORY, _SYMLINK, _REGULAR = Kind.DIRECTORY, Kind.SYMLINK, Kind.REGULAR
_CHAR, _BLOCK = Kind.CHAR, Kind.BLOCK
# The security module's fast check (``allows``) is asked in line by the hot calls below,
# with these shared permission tuples; only a check it does not grant silently goes
# through ``lsm_check`` (which asks again, then audits): avc_has_perm's common case.
_CLASS = SELINUX_CLASS_BY_KIND_VALUE
_GETATTR, _SETATTR, _OPEN = ("getattr",), ("setattr",), ("open",)
_ADD_NAME, _REMOVE_NAME, _CREATE = ("add_name",), ("remove_name",), ("create",)
_syscall_at, _syscall_on = Syscall.at, Syscall.on
_DIR_CLASS = Kind.DIRECTORY.selinux_class
_WRITE_SEARCH = ("search", "write")  # what inode_permission asks of a directory to create in


@attrs.frozen(eq=False, repr=False)
class OpenFile:
    """An open file description: what ``open`` returned."""

    __repr__ = attrs_repr  # the text attrs would print, without compiling it at import

    location: Location
    path: str
    flags: int
    fd: int

    @property
    def readable(self) -> bool:
        return self.flags & O_ACCMODE in (open_flags.O_RDONLY, open_flags.O_RDWR)

    @property
    def writable(self) -> bool:
        return self.flags & O_ACCMODE in (open_flags.O_WRONLY, open_flags.O_RDWR)


class StatResult(NamedTuple):
    """What ``stat`` returns: a frozen value, a tuple underneath because a stat result is
    made on every ``stat``, ``lstat`` and ``ls`` entry, and a tuple is made in a fraction
    of the time a frozen attrs class with 14 fields takes."""

    st_ino: int
    st_mode: int
    st_nlink: int
    st_uid: int
    st_gid: int
    st_size: int
    st_dev: DeviceNumber
    st_rdev: DeviceNumber | None
    st_mtime: int
    st_ctime: int
    st_atime: int
    kind: Kind
    fstype: str
    image: ImageInfo | None

    @property
    def mode(self) -> int:
        return self.st_mode & 0o7777


class FileCalls(KernelBase):
    # -- creating ----------------------------------------------------------------------------

    def _create(
        self,
        proc: Process,
        resolved: Resolved,
        kind: Kind,
        mode: int,
        syscall: Syscall,
        *,
        rdev: DeviceNumber | None = None,
        target: str | None = None,
    ) -> Location:
        """``may_create()`` then the new inode: owner, label and link counts as Linux sets them."""
        parent_loc = resolved.parent
        name = resolved.name
        if parent_loc is None or name is None:
            raise os_error(errno.EEXIST, resolved.path)
        fs = self.filesystems[self.mounts[parent_loc.mount_id].fs_id]
        if fs.fstype == "proc":
            raise os_error(errno.ENOENT, resolved.path)  # procfs has no user-created files
        directory = fs.inodes[parent_loc.ino]
        security = self.security
        # may_create(): inode_permission(dir, MAY_WRITE | MAY_EXEC) as inode_permission()
        # does it, its lookups and the AVC name (only an audit prints it) left for a denial
        uid = proc.uid
        squash = fs.features.root_squash
        if (uid != 0 or squash) and not dac_allows(
            self.credentials_on(proc, fs), directory, MAY_WRITE | MAY_EXEC
        ):
            raise os_error(errno.EACCES)
        if not security.allows(proc, fs, directory, _DIR_CLASS, _WRITE_SEARCH, None):
            name_of_dir = _name_of(directory, resolved)
            self.lsm_check(proc, parent_loc, _WRITE_SEARCH, syscall, name=name_of_dir)
        if not security.allows(proc, fs, directory, _DIR_CLASS, _ADD_NAME, None):
            self.lsm_check(proc, parent_loc, _ADD_NAME, syscall, name=name)
        if squash:
            cred = self.credentials_on(proc, fs)
            uid, own_gid = cred.uid, cred.gid
        else:
            own_gid = proc.gid
        gid = directory.gid if directory.mode & 0o2000 else own_gid
        label = security.label_new_inode(proc, directory, kind, name)
        inode = fs.allocate(kind, uid, gid, mode, self.clock.now)
        if label is not None:
            inode.xattrs[b"security.selinux"] = label
        inode.rdev = rdev
        inode.target = target
        if target is not None:
            inode.size = len(target.encode())
        inode.nlink = 1
        if kind is _DIRECTORY:
            inode.nlink = 2
            inode.parent = directory.ino
            directory.nlink += 1
        assert directory.entries is not None
        directory.entries[name] = inode.ino
        fs.generation += 1  # fs.names_changed()
        directory.mtime = directory.ctime = self.clock.now
        return _new_location(Location, (parent_loc.mount_id, inode.ino))

    @syscall_entry
    def open(
        self, proc: Process, path: str, flags: int = open_flags.O_RDONLY, mode: int = 0o666
    ) -> OpenFile:
        syscall = _syscall_at("openat", path, flags, mode if flags & open_flags.O_CREAT else 0)
        if not 0 <= mode <= 0o7777:
            check_mode(mode)
        resolved = self.walk(
            proc,
            path,
            syscall,
            follow=not flags & open_flags.O_NOFOLLOW,
            allow_missing=bool(flags & open_flags.O_CREAT),
        )
        if resolved.location is None:
            self.take_fault("open", proc, resolved.path, None)
            loc = self._create(proc, resolved, _REGULAR, mode & ~proc.umask & 0o7777, syscall)
            try:
                self.lsm_check(proc, loc, ("create",), syscall, name=resolved.name)
                self.lsm_check(proc, loc, ("open",), syscall, path=resolved.path)
            except OSError:
                self._drop_entry(resolved.parent, resolved.name)
                raise
            return self._new_handle(proc, loc, resolved.path, flags)
        loc = resolved.location
        fs = self.filesystems[self.mounts[loc.mount_id].fs_id]
        inode = fs.inodes[loc.ino]
        kind = inode.kind
        if flags & open_flags.O_CREAT and flags & open_flags.O_EXCL:
            raise os_error(errno.EEXIST, path)
        if kind is _SYMLINK:
            raise os_error(errno.ELOOP, path)
        accmode = flags & O_ACCMODE
        is_dir = kind is _DIRECTORY
        if is_dir and (accmode != open_flags.O_RDONLY or flags & open_flags.O_CREAT):
            raise os_error(errno.EISDIR, path)
        if flags & open_flags.O_DIRECTORY and not is_dir:
            raise os_error(errno.ENOTDIR, path)
        self.take_fault("open", proc, resolved.path, loc)
        mask = _MASK_BY_ACCMODE.get(accmode, MAY_READ | MAY_WRITE)
        if flags & open_flags.O_TRUNC:
            mask |= MAY_WRITE
        # may_open(): inode_permission (AVC name=), then security_file_open (AVC path=);
        # inode_permission's DAC step as it does it, the security module's in line.
        append = bool(flags & open_flags.O_APPEND)
        tclass = _CLASS[kind._value_]
        if (
            proc.uid != 0 or fs.features.root_squash or (mask & MAY_EXEC and not is_dir)
        ) and not dac_allows(self.credentials_on(proc, fs), inode, mask):
            raise os_error(errno.EACCES)
        perms = PERMS_FOR_MASK[mask, is_dir, append]
        security = self.security
        if not security.allows(proc, fs, inode, tclass, perms, None):
            self.lsm_check(proc, loc, perms, syscall, name=resolved.name or "/")
        if not security.allows(proc, fs, inode, tclass, _OPEN, None):
            self.lsm_check(proc, loc, _OPEN, syscall, path=resolved.path)
        if flags & open_flags.O_TRUNC and inode.kind is _REGULAR:
            inode.data = b""
            inode.size = 0
            inode.mtime = inode.ctime = self.clock.now
        proc.next_fd += 1  # _new_handle, in line
        return OpenFile(loc, resolved.path, flags, proc.next_fd - 1)

    def _new_handle(self, proc: Process, loc: Location, path: str, flags: int) -> OpenFile:
        """The lowest free descriptor; the lab never closes one, so it only grows."""
        proc.next_fd += 1
        return OpenFile(loc, path, flags, proc.next_fd - 1)

    def _drop_entry(self, parent: Location | None, name: str | None) -> None:
        """Undo a create whose later checks failed: the state must be as before the call."""
        assert parent is not None and name is not None
        fs = self.fs_at(parent)
        directory = fs.inodes[parent.ino]
        assert directory.entries is not None
        ino = directory.entries.pop(name)
        fs.names_changed()
        inode = fs.inodes.pop(ino)
        if inode.is_dir():
            directory.nlink -= 1
        fs.next_ino -= 1

    @syscall_entry
    def file_io(self, proc: Process, handle: OpenFile, *, write: bool) -> None:
        """``preadv``/``pwritev`` on an open file, as a running guest's disk I/O: the
        ``file_permission`` hook revalidates the access against the file's label and the
        policy of now (security/selinux/hooks.c ``selinux_file_permission``), so a relabel
        or a policy change under an open file denies it at the next read or write."""
        if not (handle.writable if write else handle.readable):
            raise os_error(errno.EBADF)
        fs = self.fs_at(handle.location)
        if handle.location.ino not in fs.inodes:
            return  # the lab frees unlinked inodes at once (docs/deviations.md)
        syscall = Syscall.of("pwritev" if write else "preadv", handle.fd)
        self.lsm_check(
            proc, handle.location, ("write",) if write else ("read",), syscall, path=handle.path
        )

    def read(self, proc: Process, handle: OpenFile) -> bytes:
        del proc
        if not handle.readable:
            raise os_error(errno.EBADF)
        return self.inode_at(handle.location).data

    def write(self, proc: Process, handle: OpenFile, data: bytes) -> int:
        del proc
        if not handle.writable:
            raise os_error(errno.EBADF)
        inode = self.inode_at(handle.location)
        if inode.kind is not _REGULAR:
            return len(data)  # devices swallow writes; the lab keeps no device contents
        if handle.flags & open_flags.O_APPEND:
            inode.data += data
        else:
            inode.data = data + inode.data[len(data) :]
        inode.size = len(inode.data)
        inode.mtime = inode.ctime = self.clock.now
        return len(data)

    def read_file(self, proc: Process, path: str) -> bytes:
        return self.read(proc, self.open(proc, path, open_flags.O_RDONLY))

    def write_file(
        self, proc: Process, path: str, data: bytes, *, append: bool = False, mode: int = 0o666
    ) -> None:
        flags = (
            open_flags.O_WRONLY
            | open_flags.O_CREAT
            | (open_flags.O_APPEND if append else open_flags.O_TRUNC)
        )
        self.write(proc, self.open(proc, path, flags, mode), data)

    # -- inspecting ---------------------------------------------------------------------------

    @syscall_entry
    def stat(self, proc: Process, path: str, *, follow: bool = True) -> StatResult:
        syscall = _syscall_at("newfstatat", path, 0x7FFC0000, 0 if follow else 0x100)
        resolved = self.walk(proc, path, syscall, follow=follow)
        loc = resolved.location
        assert loc is not None
        self.take_fault("stat", proc, resolved.path, loc)
        # linux: security_inode_getattr
        fs = self.filesystems[self.mounts[loc.mount_id].fs_id]
        inode = fs.inodes[loc.ino]
        if not self.security.allows(proc, fs, inode, _CLASS[inode.kind._value_], _GETATTR, None):
            self.lsm_check(proc, loc, _GETATTR, syscall, path=resolved.path)
        return self.stat_location(loc)

    @syscall_entry
    def statfs(self, proc: Process, path: str) -> int:
        """``statfs(2)``'s ``f_type``: the magic number of the filesystem ``path`` is on.

        SELinux's ``selinux_sb_statfs`` (``filesystem getattr`` on the superblock) is not
        modelled: the lab labels no superblocks (docs/deviations.md)."""
        syscall = Syscall.on("statfs", path, 0x7FFC0000)
        resolved, loc = self.resolve_existing(proc, path, syscall)
        self.take_fault("statfs", proc, resolved.path, loc)
        return FS_MAGIC[self.fs_at(loc).fstype]

    def lstat(self, proc: Process, path: str) -> StatResult:
        return self.stat(proc, path, follow=False)

    def stat_location(self, loc: Location) -> StatResult:
        fs = self.filesystems[self.mounts[loc.mount_id].fs_id]
        inode = fs.inodes[loc.ino]
        kind = inode.kind
        # StatResult(st_ino=..., ...) field by field, without the keyword call
        return _new_stat(
            StatResult,
            (
                inode.ino,
                FORMAT_BITS_BY_KIND_VALUE[kind._value_] | inode.mode,  # Inode.st_mode
                inode.nlink,
                inode.uid,
                inode.gid,
                inode.size,
                fs.dev,
                inode.rdev,
                inode.mtime,
                inode.ctime,
                inode.atime,
                kind,
                fs.fstype,
                inode.image,
            ),
        )

    @syscall_entry
    def readlink(self, proc: Process, path: str) -> str:
        syscall = Syscall.at("readlinkat", path)
        resolved, loc = self.resolve_existing(proc, path, syscall, follow=False)
        inode = self.inode_at(loc)
        if inode.kind is not _SYMLINK:
            raise os_error(errno.EINVAL, path)
        self.lsm_check(proc, loc, ("read",), syscall, name=resolved.name)
        return "/" if inode.magic_root_pid is not None else inode.target or ""

    @syscall_entry
    def listdir(self, proc: Process, path: str) -> list[str]:
        """``getdents``: the names in a directory, sorted (the lab's directory order)."""
        syscall = Syscall.of("getdents64", 3)
        resolved, loc = self.resolve_existing(proc, path, syscall)
        inode = self.inode_at(loc)
        if not inode.is_dir():
            raise os_error(errno.ENOTDIR, path)
        self.inode_permission(proc, loc, MAY_READ, syscall, name=resolved.name or "/")
        assert inode.entries is not None
        return sorted(inode.entries)

    @syscall_entry
    def realpath(self, proc: Process, path: str) -> str:
        return self.walk(proc, path, Syscall.of("getcwd")).path

    @syscall_entry
    def chdir(self, proc: Process, path: str) -> None:
        syscall = Syscall.on("chdir", path)
        resolved, loc = self.resolve_existing(proc, path, syscall)
        if not self.inode_at(loc).is_dir():
            raise os_error(errno.ENOTDIR, path)
        self.inode_permission(proc, loc, MAY_EXEC, syscall, name=resolved.name or "/")
        proc.cwd = resolved.path

    # -- making names ---------------------------------------------------------------------------

    def _new_name(self, proc: Process, path: str, syscall: Syscall) -> Resolved:
        resolved = self.walk(proc, path, syscall, follow=False, allow_missing=True)
        if resolved.location is not None:
            raise os_error(errno.EEXIST, path)
        return resolved

    def _finish_create(
        self, proc: Process, resolved: Resolved, loc: Location, syscall: Syscall
    ) -> None:
        try:
            self.lsm_check(proc, loc, ("create",), syscall, name=resolved.name)
        except OSError:
            self._drop_entry(resolved.parent, resolved.name)
            raise

    @syscall_entry
    def mkdir(self, proc: Process, path: str, mode: int = 0o777) -> None:
        syscall = _syscall_at("mkdirat", path, mode)
        if not 0 <= mode <= 0o7777:
            check_mode(mode)
        path = path.rstrip("/") or "/"
        resolved = self.walk(proc, path, syscall, follow=False, allow_missing=True)
        if resolved.location is not None:  # _new_name
            raise os_error(errno.EEXIST, path)
        loc = self._create(proc, resolved, _DIRECTORY, mode & ~proc.umask & 0o7777, syscall)
        # the create check (_finish_create), the security module's silent grant asked in line
        fs = self.filesystems[self.mounts[loc.mount_id].fs_id]
        inode = fs.inodes[loc.ino]
        if not self.security.allows(proc, fs, inode, _CLASS[inode.kind._value_], _CREATE, None):
            self._finish_create(proc, resolved, loc, syscall)
        self.instantiate(proc, path, resolved, loc)

    @syscall_entry
    def mknod(
        self,
        proc: Process,
        path: str,
        kind: Kind,
        mode: int,
        rdev: DeviceNumber | None = None,
    ) -> None:
        bits = FORMAT_BITS_BY_KIND_VALUE[kind._value_]  # kind.format_bits
        syscall = _syscall_at("mknodat", path, bits | mode, rdev.encode() if rdev else 0)
        if not 0 <= mode <= 0o7777:
            check_mode(mode)
        if kind in (_DIRECTORY, _SYMLINK):
            raise InvalidArgument(f"mknod cannot make a {kind.value}")
        is_device = kind is _CHAR or kind is _BLOCK  # kind.is_device, without the property
        if is_device and rdev is None:
            raise InvalidArgument("a device node needs a major:minor number")
        if rdev is not None and (rdev.major > MAX_MAJOR or rdev.minor > MAX_MINOR):
            # glibc: mknodat passes dev_t to the kernel in 32 bits, EINVAL if it does not fit.
            raise os_error(errno.EINVAL, path)
        resolved = self.walk(proc, path, syscall, follow=False, allow_missing=True)
        if resolved.location is not None:  # _new_name
            raise os_error(errno.EEXIST, path)
        self.take_fault("mknod", proc, resolved.path, None)
        if is_device and proc.uid != 0:  # not proc.credentials.is_root
            raise os_error(errno.EPERM, path)
        loc = self._create(proc, resolved, kind, mode & ~proc.umask & 0o7777, syscall, rdev=rdev)
        # the create check (_finish_create), the security module's silent grant asked in line
        fs = self.filesystems[self.mounts[loc.mount_id].fs_id]
        inode = fs.inodes[loc.ino]
        if not self.security.allows(proc, fs, inode, _CLASS[inode.kind._value_], _CREATE, None):
            self._finish_create(proc, resolved, loc, syscall)
        self.instantiate(proc, path, resolved, loc)

    @syscall_entry
    def symlink(self, proc: Process, target: str, path: str) -> None:
        syscall = Syscall.at("symlinkat", path)
        if not target:
            raise os_error(errno.ENOENT, path)
        check_path(target)  # linux: do_symlinkat -> getname(oldname)
        resolved = self._new_name(proc, path, syscall)
        loc = self._create(proc, resolved, _SYMLINK, 0o777, syscall, target=target)
        self._finish_create(proc, resolved, loc, syscall)

    @syscall_entry
    def link(self, proc: Process, existing: str, new: str) -> None:
        syscall = Syscall.at("linkat", existing)
        old, old_loc = self.resolve_existing(proc, existing, syscall, follow=False)
        inode = self.inode_at(old_loc)
        if inode.is_dir():
            raise os_error(errno.EPERM, existing)
        resolved = self._new_name(proc, new, syscall)
        assert resolved.parent is not None and resolved.name is not None
        if resolved.parent.mount_id != old_loc.mount_id:
            raise os_error(errno.EXDEV, new)
        self.inode_permission(proc, resolved.parent, MAY_WRITE | MAY_EXEC, syscall, name=None)
        self.lsm_check(proc, resolved.parent, ("add_name",), syscall, name=resolved.name)
        self.lsm_check(proc, old_loc, ("link",), syscall, name=old.name)
        directory = self.inode_at(resolved.parent)
        assert directory.entries is not None
        directory.entries[resolved.name] = inode.ino
        self.fs_at(resolved.parent).names_changed()
        inode.nlink += 1
        inode.ctime = directory.mtime = self.clock.now

    # -- removing names --------------------------------------------------------------------------

    def _check_delete(
        self, proc: Process, resolved: Resolved, loc: Location, syscall: Syscall, perm: str
    ) -> None:
        """``may_delete()``: write+search on the directory, the sticky bit, the LSM."""
        parent = resolved.parent
        assert parent is not None
        filesystems, mounts = self.filesystems, self.mounts
        dir_fs = filesystems[mounts[parent.mount_id].fs_id]
        directory = dir_fs.inodes[parent.ino]
        fs = filesystems[mounts[loc.mount_id].fs_id]
        victim = fs.inodes[loc.ino]
        self.inode_permission(proc, parent, MAY_WRITE | MAY_EXEC, syscall, name=None)
        cred = self.credentials_on(proc, fs)
        if not sticky_allows_delete(cred, directory, victim):
            raise os_error(errno.EPERM, resolved.path)
        security = self.security
        if not security.allows(proc, dir_fs, directory, _DIR_CLASS, _REMOVE_NAME, None):
            self.lsm_check(proc, parent, _REMOVE_NAME, syscall, name=resolved.name)
        perms = (perm,)
        if not security.allows(proc, fs, victim, _CLASS[victim.kind._value_], perms, None):
            self.lsm_check(proc, loc, perms, syscall, name=resolved.name)

    def _is_busy(self, loc: Location) -> bool:
        return self.mounted_on(loc) is not None or self.is_mount_root(loc)

    @syscall_entry
    def unlink(self, proc: Process, path: str) -> None:
        syscall = Syscall.at("unlinkat", path, 0)
        resolved, loc = self.resolve_existing(proc, path, syscall, follow=False)
        if resolved.parent is None:
            raise os_error(errno.EISDIR, path)
        inode = self.inode_at(loc)
        if inode.is_dir():
            raise os_error(errno.EISDIR, path)
        self.take_fault("unlink", proc, resolved.path, loc)
        if self._is_busy(loc):
            raise os_error(errno.EBUSY, path)
        self._check_delete(proc, resolved, loc, syscall, "unlink")
        self._remove_entry(resolved.parent, resolved.name, loc)

    @syscall_entry
    def rmdir(self, proc: Process, path: str) -> None:
        syscall = Syscall.at("unlinkat", path, 0x200)
        resolved, loc = self.resolve_existing(proc, path, syscall, follow=False)
        if resolved.parent is None:
            raise os_error(errno.EBUSY if path.rstrip("/") in ("", "/") else errno.EINVAL, path)
        inode = self.inode_at(loc)
        if not inode.is_dir():
            raise os_error(errno.ENOTDIR, path)
        if self._is_busy(loc):
            raise os_error(errno.EBUSY, path)
        if inode.entries:
            raise os_error(errno.ENOTEMPTY, path)
        self._check_delete(proc, resolved, loc, syscall, "rmdir")
        self._remove_entry(resolved.parent, resolved.name, loc)

    def _remove_entry(self, parent: Location, name: str | None, loc: Location) -> None:
        fs = self.fs_at(parent)
        directory = fs.inodes[parent.ino]
        inode = fs.inodes[loc.ino]
        assert directory.entries is not None and name is not None
        del directory.entries[name]
        fs.names_changed()
        directory.mtime = directory.ctime = self.clock.now
        if inode.is_dir():
            directory.nlink -= 1
            inode.nlink = 0
        else:
            inode.nlink -= 1
            inode.ctime = self.clock.now
        self.free_if_unused(fs.fs_id, inode.ino)

    @syscall_entry
    def rename(self, proc: Process, old: str, new: str) -> None:
        syscall = Syscall.at("renameat2", old)
        src, src_loc = self.resolve_existing(proc, old, syscall, follow=False)
        dst = self.walk(proc, new, syscall, follow=False, allow_missing=True)
        if src.parent is None or dst.parent is None or src.name is None or dst.name is None:
            raise os_error(errno.EBUSY, old)
        self.take_fault("rename", proc, src.path, src_loc)
        if src.parent.mount_id != dst.parent.mount_id:
            raise os_error(errno.EXDEV, new)
        moving = self.inode_at(src_loc)
        if dst.location is not None and self.inode_at(dst.location) is moving:
            return
        if self._is_busy(src_loc) or (dst.location is not None and self._is_busy(dst.location)):
            raise os_error(errno.EBUSY, old)
        if moving.is_dir() and self._is_ancestor(src_loc, dst.parent):
            raise os_error(errno.EINVAL, new)
        replaced = None if dst.location is None else self.inode_at(dst.location)
        if replaced is not None:
            if moving.is_dir() and not replaced.is_dir():
                raise os_error(errno.ENOTDIR, new)
            if not moving.is_dir() and replaced.is_dir():
                raise os_error(errno.EISDIR, new)
            if replaced.is_dir() and replaced.entries:
                raise os_error(errno.ENOTEMPTY, new)
        self._check_delete(proc, src, src_loc, syscall, "rename")
        self.inode_permission(proc, dst.parent, MAY_WRITE | MAY_EXEC, syscall, name=None)
        self.lsm_check(proc, dst.parent, ("add_name",), syscall, name=dst.name)
        if dst.location is not None:
            self._check_delete(proc, dst, dst.location, syscall, "unlink")
        if dst.location is not None:
            self._remove_entry(dst.parent, dst.name, dst.location)
        src_dir = self.inode_at(src.parent)
        dst_dir = self.inode_at(dst.parent)
        assert src_dir.entries is not None and dst_dir.entries is not None
        del src_dir.entries[src.name]
        dst_dir.entries[dst.name] = moving.ino
        self.fs_at(src.parent).names_changed()
        if moving.is_dir() and src_dir is not dst_dir:
            moving.parent = dst_dir.ino
            src_dir.nlink -= 1
            dst_dir.nlink += 1
        now = self.clock.now
        moving.ctime = src_dir.mtime = dst_dir.mtime = now

    def _is_ancestor(self, candidate: Location, loc: Location) -> bool:
        """Whether directory ``candidate`` is ``loc`` or one of its ancestors (same fs)."""
        fs = self.fs_at(loc)
        ino: int | None = loc.ino
        seen: set[int] = set()
        while ino is not None and ino not in seen:
            if ino == candidate.ino:
                return True
            seen.add(ino)
            parent = fs.inodes[ino].parent
            ino = None if parent == ino else parent
        return False

    # -- attributes -------------------------------------------------------------------------------

    @syscall_entry
    def chown(
        self, proc: Process, path: str, uid: int = -1, gid: int = -1, *, follow: bool = True
    ) -> tuple[int, int]:
        """Change the owner; returns the owner and group it replaced, which the real call
        does not: the lab's trace of libvirt's changes shows them without a stat libvirt
        does not make."""
        syscall = _syscall_on(
            "chown" if follow else "lchown", path, uid & 0xFFFFFFFF, gid & 0xFFFFFFFF
        )
        if not (-1 <= uid <= 0xFFFFFFFF and -1 <= gid <= 0xFFFFFFFF):
            for value, what in ((uid, "uid"), (gid, "gid")):
                if not -1 <= value <= 0xFFFFFFFF:
                    raise InvalidArgument(f"{what} {value} is out of range")
        # linux: chown_common, (uid_t)-1 and (gid_t)-1 leave the owner or group as it is.
        uid, gid = (-1 if uid == 0xFFFFFFFF else uid), (-1 if gid == 0xFFFFFFFF else gid)
        resolved = self.walk(proc, path, syscall, follow=follow)
        loc = resolved.location
        assert loc is not None
        self.take_fault("chown", proc, resolved.path, loc)
        fs = self.filesystems[self.mounts[loc.mount_id].fs_id]
        inode = fs.inodes[loc.ino]
        # credentials_on(), its common case (no root squash: the caller's own ids) in line
        cred = self.credentials_on(proc, fs) if fs.features.root_squash else None
        caller = proc.uid if cred is None else cred.uid
        # chown_ok()/chgrp_ok(): only CAP_CHOWN gives files away; an owner may change the
        # group to one of its own groups.
        is_root = caller == 0
        if uid != -1 and uid != inode.uid and not is_root:
            raise os_error(errno.EPERM, path)
        if (
            gid not in (-1, inode.gid)
            and not is_root
            and not (caller == inode.uid and (cred or credentials_of(proc)).in_group(gid))
        ):
            raise os_error(errno.EPERM, path)
        # linux: security_inode_setattr
        if not self.security.allows(proc, fs, inode, _CLASS[inode.kind._value_], _SETATTR, None):
            self.lsm_check(proc, loc, _SETATTR, syscall, name=resolved.name)
        previous = (inode.uid, inode.gid)
        if uid != -1:
            inode.uid = uid
        if gid != -1:
            inode.gid = gid
        if inode.kind is _DIRECTORY:
            fs.names_changed()  # who may search it changed
        if inode.kind is not _DIRECTORY and inode.kind is not _SYMLINK:
            # setattr_should_drop_suidgid(): a chown drops set-user-ID and set-group-ID.
            inode.mode &= ~0o4000
            if inode.mode & 0o010:
                inode.mode &= ~0o2000
        inode.ctime = self.clock.now
        return previous

    @syscall_entry
    def chmod(self, proc: Process, path: str, mode: int) -> None:
        syscall = _syscall_on("chmod", path, mode)
        if not 0 <= mode <= 0o7777:
            check_mode(mode)
        resolved = self.walk(proc, path, syscall)
        loc = resolved.location
        assert loc is not None
        self.take_fault("chmod", proc, resolved.path, loc)
        fs = self.filesystems[self.mounts[loc.mount_id].fs_id]
        inode = fs.inodes[loc.ino]
        # owner_or_capable() of credentials_on(), its common case (no root squash: the
        # caller's own uid) in line
        uid = self.credentials_on(proc, fs).uid if fs.features.root_squash else proc.uid
        if not (uid == 0 or uid == inode.uid):
            raise os_error(errno.EPERM, path)
        # linux: security_inode_setattr
        if not self.security.allows(proc, fs, inode, _CLASS[inode.kind._value_], _SETATTR, None):
            self.lsm_check(proc, loc, _SETATTR, syscall, name=resolved.name)
        inode.mode = mode
        if inode.kind is _DIRECTORY:
            fs.names_changed()  # who may search it changed
        inode.ctime = self.clock.now

    @syscall_entry
    def access(self, proc: Process, path: str, mask: int) -> None:
        """``access(2)`` with real ids: DAC and the LSM, without opening (used by libvirt)."""
        syscall = _syscall_on("access", path, mask)
        loc = self.walk(proc, path, syscall).location  # resolve_existing, in line
        assert loc is not None
        if mask:  # F_OK (0), libvirt's virFileExists, asks for nothing more than the walk
            fs = self.filesystems[self.mounts[loc.mount_id].fs_id]
            if not dac_allows(self.credentials_on(proc, fs), fs.inodes[loc.ino], mask):
                raise os_error(errno.EACCES, path)

    def truncate(self, proc: Process, path: str, size: int) -> None:
        """``truncate(2)``: set the apparent size (images are sparse: no data is stored)."""
        if size < 0:
            raise os_error(errno.EINVAL, path)
        handle = self.open(proc, path, open_flags.O_WRONLY)
        inode = self.inode_at(handle.location)
        inode.data = inode.data[:size]
        inode.size = size
        inode.mtime = inode.ctime = self.clock.now

    def set_image(self, proc: Process, path: str, image: ImageInfo | None) -> None:
        """Record what a disk image's header says (``qemu-img create`` writes it)."""
        handle = self.open(proc, path, open_flags.O_WRONLY)
        inode = self.inode_at(handle.location)
        inode.image = image


def _name_of(directory: Inode, resolved: Resolved) -> str:
    """The parent directory's own name (``/`` for the root): the path's next-to-last name."""
    del directory
    head = resolved.path.rstrip("/").rpartition("/")[0]
    return head.rpartition("/")[2] if "/" in head else "/"
