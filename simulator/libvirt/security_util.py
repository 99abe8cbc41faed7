"""Remembering a file's original owner or label in xattrs (``src/security/security_util.c``).

Three ``trusted.libvirt.security.*`` attributes per driver: the original label, a refcount
and the host's boot time. The return codes follow libvirt: ``-2`` means "the filesystem has
no xattrs, carry on without remembering"; errors are raised as :class:`LibvirtError`.
"""

from __future__ import annotations

import functools

from simulator.kernel import errno_table as errno
from simulator.libvirt.host_access import NO_XATTR_SUPPORT, HostAccess
from simulator.libvirt.virerror import ErrorCode, LibvirtError, system_error

NOT_SUPPORTED = -2
PREFIX = "trusted.libvirt.security."


@functools.cache  # a driver's names are the same every time
def attr_name(driver: str) -> bytes:
    """``virSecurityGetAttrName``."""
    return f"{PREFIX}{driver}".encode()


@functools.cache  # a driver's names are the same every time
def ref_name(driver: str) -> bytes:
    """``virSecurityGetRefCountAttrName``."""
    return f"{PREFIX}ref_{driver}".encode()


@functools.cache  # a driver's names are the same every time
def timestamp_name(driver: str) -> bytes:
    """``virSecurityGetTimestampAttrName``."""
    return f"{PREFIX}timestamp_{driver}".encode()


def _get(ops: HostAccess, path: str, name: bytes) -> str | int | None:
    """The value, None if absent, or NOT_SUPPORTED; other errors are libvirt's error."""
    try:
        return ops.kernel.getxattr(ops.actor, path, name).decode()  # (ops.getxattr)
    except OSError as error:
        if error.errno in NO_XATTR_SUPPORT:
            return NOT_SUPPORTED
        if error.errno == errno.ENODATA:
            return None
        raise system_error(
            error.errno or 0, f"Unable to get XATTR {name.decode()} on {path}"
        ) from None


def _set(ops: HostAccess, path: str, name: bytes, value: str, function: str) -> None:
    try:
        ops.setxattr(path, name, value.encode(), function)
    except OSError as error:
        raise system_error(
            error.errno or 0, f"Unable to set XATTR {name.decode()} on {path}"
        ) from None


def _remove(ops: HostAccess, path: str, name: bytes, function: str) -> None:
    try:
        ops.removexattr(path, name, function)
    except OSError as error:
        if error.errno in (errno.ENODATA, errno.ENOENT):
            return
        raise system_error(
            error.errno or 0, f"Unable to remove XATTR {name.decode()} on {path}"
        ) from None


def _refcount(value: str, path: str, driver: str) -> int:
    if not value.isdigit():
        raise LibvirtError(
            ErrorCode.INTERNAL_ERROR,
            f"malformed refcount {value} on {path}",
        )
    del driver
    return int(value)


def validate_timestamp(ops: HostAccess, driver: str, path: str) -> int:
    """``virSecurityValidateTimestamp``: 0 valid, 1 stale (all xattrs removed), -2."""
    value = _get(ops, path, timestamp_name(driver))
    if value == NOT_SUPPORTED:
        return NOT_SUPPORTED
    if value == str(ops.boot_time):
        return 0
    ops.warn(f"Invalid XATTR timestamp detected on {path} secdriver={driver}")
    move_remembered_label(ops, driver, path, None)
    return 1


def remember_label(ops: HostAccess, driver: str, path: str, label: str) -> int:
    """``virSecuritySetRememberedLabel``: the new refcount, or -2."""
    function = "virSecuritySetRememberedLabel"
    value = _get(ops, path, ref_name(driver))
    if value == NOT_SUPPORTED:
        return NOT_SUPPORTED
    if isinstance(value, str):
        rc = validate_timestamp(ops, driver, path)
        if rc < 0:
            return rc
        if rc == 1:
            value = None
    refcount = 0 if value is None else _refcount(str(value), path, driver)
    refcount += 1
    if refcount == 1:
        _set(ops, path, attr_name(driver), label, function)
        _set(ops, path, timestamp_name(driver), str(ops.boot_time), function)
    _set(ops, path, ref_name(driver), str(refcount), function)
    return refcount


def recall_label(ops: HostAccess, driver: str, path: str) -> tuple[int, str | None]:
    """``virSecurityGetRememberedLabel``: (0, label) at zero, (0, None) still in use, (-2, None)."""
    function = "virSecurityGetRememberedLabel"
    value = _get(ops, path, ref_name(driver))
    if value is None or value == NOT_SUPPORTED:
        return NOT_SUPPORTED, None
    rc = validate_timestamp(ops, driver, path)
    if rc < 0:
        return rc, None
    if rc == 1:
        return NOT_SUPPORTED, None  # "Invalid label is like a non-existent one"
    refcount = _refcount(str(value), path, driver) - 1
    if refcount < 0:
        refcount = 0xFFFFFFFF  # an unsigned "0" on disk wraps, as in libvirt
    if refcount > 0:
        _set(ops, path, ref_name(driver), str(refcount), function)
        return 0, None
    _remove(ops, path, ref_name(driver), function)
    label = _get(ops, path, attr_name(driver))
    if not isinstance(label, str):
        raise system_error(
            errno.ENODATA, f"Unable to get XATTR {attr_name(driver).decode()} on {path}"
        )
    _remove(ops, path, attr_name(driver), function)
    _remove(ops, path, timestamp_name(driver), function)
    return 0, label


def move_remembered_label(ops: HostAccess, driver: str, src: str, dst: str | None) -> int:
    """``virSecurityMoveRememberedLabel``: take the three xattrs off ``src`` (onto ``dst``)."""
    function = "virSecurityMoveRememberedLabel"
    names = (ref_name(driver), attr_name(driver), timestamp_name(driver))
    values: list[tuple[bytes, str]] = []
    for name in names:
        value = _get(ops, src, name)
        if value == NOT_SUPPORTED:
            return NOT_SUPPORTED
        if isinstance(value, str):
            values.append((name, value))
    for name, _ in values:
        _remove(ops, src, name, function)
    if dst is not None:
        for name, value in values:
            _set(ops, dst, name, value, function)
    return 0
