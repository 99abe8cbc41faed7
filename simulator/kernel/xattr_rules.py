"""The kernel's rules for extended attribute names (``fs/xattr.c``)."""

from __future__ import annotations

import enum

from simulator.kernel import errno_table as errno
from simulator.kernel.dac import MAY_WRITE, dac_allows, owner_or_capable
from simulator.kernel.errno_util import os_error
from simulator.kernel.inode import Inode, Kind
from simulator.kernel.process import Credentials

XATTR_NAME_MAX = 255
XATTR_SIZE_MAX = 65536
XATTR_CREATE = 1
XATTR_REPLACE = 2


class Namespace(enum.Enum):
    SECURITY = b"security."
    SYSTEM = b"system."
    TRUSTED = b"trusted."
    USER = b"user."


def check_name(name: bytes) -> None:
    """``setxattr()``/``getxattr()`` reject empty and over-long names with ERANGE."""
    if not name or len(name) > XATTR_NAME_MAX:
        raise os_error(errno.ERANGE)


_BY_PREFIX = {namespace.value: namespace for namespace in Namespace}
# Members as module names: a lookup through the enum's metaclass costs several globals.
_SECURITY, _SYSTEM, _TRUSTED, _USER = (
    Namespace.SECURITY,
    Namespace.SYSTEM,
    Namespace.TRUSTED,
    Namespace.USER,
)
_REGULAR, _DIRECTORY = Kind.REGULAR, Kind.DIRECTORY
# Every prefix is one word and its dot, so the text up to the first dot picks the namespace.
assert all(prefix.count(b".") == 1 and prefix.endswith(b".") for prefix in _BY_PREFIX)


# The namespace of each name seen (names are few: libvirt's, and those users type), so
# that the calls find it with one lookup; bounded all the same.
NAMESPACE_BY_NAME: dict[bytes, Namespace | None] = {}
NAMES_KEPT = 1024


def namespace_of(name: bytes) -> Namespace | None:
    namespace = _BY_PREFIX.get(name[: name.find(b".") + 1])
    if len(NAMESPACE_BY_NAME) >= NAMES_KEPT:
        NAMESPACE_BY_NAME.clear()
    NAMESPACE_BY_NAME[name] = namespace
    return namespace


def resolve_handler(name: bytes) -> Namespace:
    """``xattr_resolve_name()``: unknown prefix -> EOPNOTSUPP, a bare prefix -> EINVAL."""
    namespace = namespace_of(name)
    if namespace is None or namespace is _SYSTEM:
        # system.* holds POSIX ACLs, which the lab does not model.
        raise os_error(errno.EOPNOTSUPP)
    if name == namespace._value_:  # namespace.value, without the enum's property
        raise os_error(errno.EINVAL)
    return namespace


def xattr_permission(
    cred: Credentials, inode: Inode, name: bytes, mask: int, dac_cred: Credentials | None = None
) -> None:
    """``xattr_permission()``: the VFS's own checks before the LSM sees the call.

    Capabilities are the caller's own (client side); ``dac_cred`` is who the file's server
    thinks the caller is (root squashed on NFS) for the permission bits.
    """
    writing = bool(mask & MAY_WRITE)
    namespace = namespace_of(name)
    if namespace is _SECURITY or namespace is _SYSTEM:
        return
    if namespace is _TRUSTED:
        if cred.uid != 0:  # not cred.is_root
            raise os_error(errno.EPERM if writing else errno.ENODATA)
        return
    if namespace is _USER:
        if inode.kind is not _REGULAR and inode.kind is not _DIRECTORY:
            raise os_error(errno.EPERM if writing else errno.ENODATA)
        if inode.is_dir() and inode.mode & 0o1000 and writing and not owner_or_capable(cred, inode):
            raise os_error(errno.EPERM)
    if not dac_allows(dac_cred or cred, inode, mask):
        raise os_error(errno.EACCES)


def visible_to(cred: Credentials, name: bytes) -> bool:
    """``listxattr()`` hides trusted.* from unprivileged callers."""
    return cred.is_root or namespace_of(name) is not Namespace.TRUSTED
