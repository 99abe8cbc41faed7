"""Extended attribute system calls, in the order ``fs/xattr.c`` checks things.

``vfs_setxattr``: name and size limits, then ``xattr_permission()`` (trusted.* needs root,
user.* needs write access), then the LSM (``security.selinux`` needs the owner and a label
the policy knows; other names need ``setattr``), then the filesystem's handler (unknown
prefix or no support: EOPNOTSUPP), then ``XATTR_CREATE``/``XATTR_REPLACE``.
"""

from __future__ import annotations

from simulator.errors import NotModelled
from simulator.kernel import errno_table as errno
from simulator.kernel.base import KernelBase, syscall_entry
from simulator.kernel.dac import MAY_READ, MAY_WRITE
from simulator.kernel.errno_util import os_error
from simulator.kernel.filesystem import Filesystem
from simulator.kernel.inode import SELINUX_CLASS_BY_KIND_VALUE, SELINUX_XATTR, Inode, Kind
from simulator.kernel.mounts import Location
from simulator.kernel.process import Process, credentials_of
from simulator.kernel.security import Syscall
from simulator.kernel.xattr_rules import (
    NAMESPACE_BY_NAME,
    XATTR_CREATE,
    XATTR_NAME_MAX,
    XATTR_REPLACE,
    XATTR_SIZE_MAX,
    Namespace,
    check_name,
    namespace_of,
    visible_to,
    xattr_permission,
)

_SECURITY_PREFIX = Namespace.SECURITY.value
# Members as module names (a lookup through the enum's metaclass costs several globals).
_DIRECTORY, _TRUSTED = Kind.DIRECTORY, Namespace.TRUSTED
_SECURITY, _SYSTEM = Namespace.SECURITY, Namespace.SYSTEM
_CLASS = SELINUX_CLASS_BY_KIND_VALUE
# include/uapi/linux/xattr.h XATTR_NAME_POSIX_ACL_ACCESS / XATTR_NAME_POSIX_ACL_DEFAULT
POSIX_ACL_XATTRS = frozenset((b"system.posix_acl_access", b"system.posix_acl_default"))
# The filesystem types with the posix_acl_*_xattr_handler: xfs, ext4 and tmpfs (devtmpfs is
# one; CONFIG_TMPFS_POSIX_ACL on RHEL). NFS, proc, devpts, mqueue, hugetlbfs have none.
ACL_FILESYSTEMS = frozenset(("xfs", "ext4", "tmpfs", "devtmpfs"))
_GETATTR, _SETATTR = ("getattr",), ("setattr",)
_RELABELFROM, _RELABELTO = ("relabelfrom",), ("relabelto",)
_syscall_on = Syscall.on


class XattrCalls(KernelBase):
    def _xattr_target(
        self, proc: Process, path: str, syscall: Syscall, follow: bool
    ) -> tuple[str, Location, Filesystem, Inode]:
        resolved = self.walk(proc, path, syscall, follow=follow)
        loc = resolved.location
        assert loc is not None
        fs = self.filesystems[self.mounts[loc.mount_id].fs_id]
        return resolved.path, loc, fs, fs.inodes[loc.ino]

    def _xattr_permission(
        self, proc: Process, fs: Filesystem, inode: Inode, name: bytes, mask: int
    ) -> None:
        """:func:`xattr_permission`, which has nothing to check for ``security.*``."""
        if not name.startswith(_SECURITY_PREFIX):
            # the DAC credentials differ from the caller's only on a root-squashing NFS mount
            dac_cred = self.credentials_on(proc, fs) if fs.features.root_squash else None
            xattr_permission(credentials_of(proc), inode, name, mask, dac_cred)

    def _label_of(self, fs: Filesystem, inode: Inode) -> bytes | None:
        """What ``security.selinux`` reads as: the LSM's view, else the stored xattr."""
        lsm = self.security.getsecurity(fs, inode)
        if lsm is not None:
            return lsm
        if not fs.features.xattrs:
            return None
        return inode.xattrs.get(SELINUX_XATTR)

    @syscall_entry
    def getxattr(self, proc: Process, path: str, name: bytes, *, follow: bool = True) -> bytes:
        syscall = _syscall_on("getxattr" if follow else "lgetxattr", path)
        if not name or len(name) > XATTR_NAME_MAX:
            check_name(name)
        resolved = self.walk(proc, path, syscall, follow=follow)  # _xattr_target, in line
        loc = resolved.location
        assert loc is not None
        where = resolved.path
        fs = self.filesystems[self.mounts[loc.mount_id].fs_id]
        inode = fs.inodes[loc.ino]
        self.take_fault("getxattr", proc, where, loc)
        namespace = NAMESPACE_BY_NAME.get(name) or namespace_of(name)
        if namespace is _TRUSTED:  # xattr_permission(): trusted.* is for CAP_SYS_ADMIN
            if proc.uid != 0:
                raise os_error(errno.ENODATA)
        elif namespace is not _SECURITY:
            self._xattr_permission(proc, fs, inode, name, MAY_READ)
        # linux: security_inode_getxattr
        if not self.security.allows(proc, fs, inode, _CLASS[inode.kind._value_], _GETATTR, None):
            self.lsm_check(proc, loc, _GETATTR, syscall, path=where)
        if name == SELINUX_XATTR:
            label = self.security.getsecurity(fs, inode)  # _label_of, in line
            if label is None:
                if not fs.features.xattrs:
                    raise os_error(errno.EOPNOTSUPP, path)
                label = inode.xattrs.get(SELINUX_XATTR)
                if label is None:
                    raise os_error(errno.ENODATA, path)
            return label
        # xattr_resolve_name(), as resolve_handler() does it, the namespace known
        if namespace is None or namespace is _SYSTEM:
            if name in POSIX_ACL_XATTRS and fs.fstype in ACL_FILESYSTEMS:
                # posix_acl_xattr_get(): no ACL is ever set in the lab
                raise os_error(errno.ENODATA, path)
            raise os_error(errno.EOPNOTSUPP)
        if name == namespace._value_:
            raise os_error(errno.EINVAL)
        if not fs.features.xattrs or (namespace is _TRUSTED and not fs.features.trusted_xattrs):
            raise os_error(errno.EOPNOTSUPP, path)
        value = inode.xattrs.get(name)  # not inode.xattrs[name]: no KeyError to turn into this
        if value is None:
            raise os_error(errno.ENODATA, path)
        return value

    @syscall_entry
    def listxattr(self, proc: Process, path: str, *, follow: bool = True) -> list[bytes]:
        syscall = Syscall.on("listxattr" if follow else "llistxattr", path)
        where, loc, fs, inode = self._xattr_target(proc, path, syscall, follow)
        self.lsm_check(proc, loc, ("getattr",), syscall, path=where)
        cred = proc.credentials
        names = set(inode.xattrs) if fs.features.xattrs else set()
        if self._label_of(fs, inode) is not None:
            names.add(SELINUX_XATTR)
        elif not fs.features.xattrs:
            raise os_error(errno.EOPNOTSUPP, path)
        return sorted(n for n in names if visible_to(cred, n))

    @syscall_entry
    def setxattr(
        self,
        proc: Process,
        path: str,
        name: bytes,
        value: bytes,
        flags: int = 0,
        *,
        follow: bool = True,
    ) -> bytes | None:
        """Set ``name``; returns the value it replaced (None: there was none), which the
        real call does not: the lab's trace of libvirt's changes shows it without asking
        the kernel again (a getxattr libvirt does not make)."""
        syscall = _syscall_on("setxattr" if follow else "lsetxattr", path, 0, len(value), flags)
        if not name or len(name) > XATTR_NAME_MAX:
            check_name(name)
        if len(value) > XATTR_SIZE_MAX:
            raise os_error(errno.E2BIG, path)
        if flags & ~(XATTR_CREATE | XATTR_REPLACE):
            raise os_error(errno.EINVAL, path)
        resolved = self.walk(proc, path, syscall, follow=follow)  # _xattr_target, in line
        loc = resolved.location
        assert loc is not None
        where = resolved.path
        fs = self.filesystems[self.mounts[loc.mount_id].fs_id]
        inode = fs.inodes[loc.ino]
        if name in POSIX_ACL_XATTRS and fs.fstype in ACL_FILESYSTEMS:
            raise NotModelled("POSIX ACLs (setting system.posix_acl_access/default)")
        is_label = name == SELINUX_XATTR
        self.take_fault("setfilecon" if is_label else "setxattr", proc, where, loc)
        namespace = NAMESPACE_BY_NAME.get(name) or namespace_of(name)
        if namespace is _TRUSTED:  # xattr_permission(): trusted.* is for CAP_SYS_ADMIN
            if proc.uid != 0:
                raise os_error(errno.EPERM)
        elif namespace is not _SECURITY:
            self._xattr_permission(proc, fs, inode, name, MAY_WRITE)
        if is_label:
            self._may_relabel(proc, loc, fs, inode, value, syscall, path)
            stored = value if value.endswith(b"\0") else value + b"\0"
        else:
            if namespace is _SECURITY and proc.uid != 0:
                raise os_error(errno.EPERM, path)  # cap_inode_setxattr(): CAP_SYS_ADMIN
            # linux: security_inode_setxattr, for names other than security.selinux
            tclass = _CLASS[inode.kind._value_]
            if not self.security.allows(proc, fs, inode, tclass, _SETATTR, None):
                self.lsm_check(proc, loc, _SETATTR, syscall, path=where)
            # xattr_resolve_name(), as resolve_handler() does it, the namespace known
            if namespace is None or namespace is _SYSTEM:
                raise os_error(errno.EOPNOTSUPP)
            if name == namespace._value_:
                raise os_error(errno.EINVAL)
            if not fs.features.xattrs or (namespace is _TRUSTED and not fs.features.trusted_xattrs):
                raise os_error(errno.EOPNOTSUPP, path)
            stored = value
        exists = name in inode.xattrs
        if flags & XATTR_CREATE and exists:
            raise os_error(errno.EEXIST, path)
        if flags & XATTR_REPLACE and not exists:
            raise os_error(errno.ENODATA, path)
        previous = inode.xattrs.get(name)
        inode.xattrs[name] = stored
        if inode.kind is _DIRECTORY:
            fs.names_changed()  # a new label: who may search it changed
        inode.ctime = self.clock.now
        if is_label:
            # fsnotify_xattr (IN_ATTRIB): watchers learn which inode changed
            self.relabels += 1
            self.relabeled.append((fs.fs_id, inode.ino))
        return previous

    def _may_relabel(
        self,
        proc: Process,
        loc: Location,
        fs: Filesystem,
        inode: Inode,
        value: bytes,
        syscall: Syscall,
        path: str,
    ) -> None:
        """``selinux_inode_setxattr()``: owner, label support, relabelfrom, valid, relabelto."""
        if not (proc.uid == 0 or proc.uid == inode.uid):  # owner_or_capable(), in line
            raise os_error(errno.EPERM, path)
        features = fs.features
        if not features.setfilecon or not features.xattrs:
            raise os_error(errno.EOPNOTSUPP, path)
        security = self.security
        tclass = _CLASS[inode.kind._value_]
        if not security.allows(proc, fs, inode, tclass, _RELABELFROM, None):
            self.lsm_check(proc, loc, _RELABELFROM, syscall, path=path)
        if not security.valid_label(value.rstrip(b"\0")):
            raise os_error(errno.EINVAL, path)
        if not security.allows(proc, fs, inode, tclass, _RELABELTO, value):
            self.lsm_check(proc, loc, _RELABELTO, syscall, path=path, new_label=value)

    @syscall_entry
    def removexattr(self, proc: Process, path: str, name: bytes, *, follow: bool = True) -> None:
        syscall = _syscall_on("removexattr" if follow else "lremovexattr", path)
        if not name or len(name) > XATTR_NAME_MAX:
            check_name(name)
        resolved = self.walk(proc, path, syscall, follow=follow)  # _xattr_target, in line
        loc = resolved.location
        assert loc is not None
        where = resolved.path
        fs = self.filesystems[self.mounts[loc.mount_id].fs_id]
        inode = fs.inodes[loc.ino]
        if name in POSIX_ACL_XATTRS and fs.fstype in ACL_FILESYSTEMS:
            raise NotModelled("POSIX ACLs (removing system.posix_acl_access/default)")
        self.take_fault("removexattr", proc, where, loc)
        namespace = NAMESPACE_BY_NAME.get(name) or namespace_of(name)
        if namespace is _TRUSTED:  # xattr_permission(): trusted.* is for CAP_SYS_ADMIN
            if proc.uid != 0:
                raise os_error(errno.EPERM)
        elif namespace is not _SECURITY:
            self._xattr_permission(proc, fs, inode, name, MAY_WRITE)
        if name == SELINUX_XATTR:
            # selinux_inode_removexattr(): "No one is allowed to remove a SELinux label".
            raise os_error(errno.EACCES, path)
        if namespace is _SECURITY and proc.uid != 0:
            raise os_error(errno.EPERM, path)
        # linux: security_inode_removexattr (setattr), the silent grant asked in line
        tclass = _CLASS[inode.kind._value_]
        if not self.security.allows(proc, fs, inode, tclass, _SETATTR, None):
            self.lsm_check(proc, loc, _SETATTR, syscall, path=where)
        # xattr_resolve_name(), as resolve_handler() does it, the namespace known
        if namespace is None or namespace is _SYSTEM:
            raise os_error(errno.EOPNOTSUPP)
        if name == namespace._value_:
            raise os_error(errno.EINVAL)
        if not fs.features.xattrs or (namespace is _TRUSTED and not fs.features.trusted_xattrs):
            raise os_error(errno.EOPNOTSUPP, path)
        if name not in inode.xattrs:
            raise os_error(errno.ENODATA, path)
        del inode.xattrs[name]
        if inode.kind is _DIRECTORY:
            fs.names_changed()
        inode.ctime = self.clock.now

    # -- libselinux-style helpers (getfilecon/setfilecon): contexts without the NUL ----------

    def getfilecon(self, proc: Process, path: str, *, follow: bool = True) -> str:
        return self.getxattr(proc, path, SELINUX_XATTR, follow=follow).rstrip(b"\0").decode()

    def setfilecon(
        self, proc: Process, path: str, context: str, *, follow: bool = True
    ) -> str | None:
        """``setfilecon_raw``; returns the label it replaced (see :meth:`setxattr`)."""
        previous = self.setxattr(proc, path, SELINUX_XATTR, context.encode() + b"\0", follow=follow)
        return None if previous is None else previous.rstrip(b"\0").decode(errors="replace")
