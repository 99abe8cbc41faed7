"""Object classes and their permissions, in the kernel's classmap order.

The AVC lists denied permissions in this order (``security/selinux/include/classmap.h``):
common file permissions first, then a class's own. That is why an AVC says
``{ read write }`` and never ``{ write read }``.
"""

from __future__ import annotations

from simulator.errors import InvalidArgument

COMMON_FILE_PERMS: tuple[str, ...] = (
    "ioctl",
    "read",
    "write",
    "create",
    "getattr",
    "setattr",
    "lock",
    "relabelfrom",
    "relabelto",
    "append",
    "map",
    "unlink",
    "link",
    "rename",
    "execute",
    "quotaon",
    "mounton",
    "audit_access",
    "open",
    "execmod",
    "watch",
    "watch_mount",
    "watch_sb",
    "watch_with_perm",
    "watch_reads",
)

PERMISSIONS: dict[str, tuple[str, ...]] = {
    "file": (*COMMON_FILE_PERMS, "execute_no_trans", "entrypoint"),
    "dir": (*COMMON_FILE_PERMS, "add_name", "remove_name", "reparent", "search", "rmdir"),
    "lnk_file": COMMON_FILE_PERMS,
    "chr_file": COMMON_FILE_PERMS,
    "blk_file": COMMON_FILE_PERMS,
    "sock_file": COMMON_FILE_PERMS,
    "fifo_file": COMMON_FILE_PERMS,
}

FILE_CLASSES: tuple[str, ...] = tuple(PERMISSIONS)


def check_class(tclass: str) -> str:
    if tclass not in PERMISSIONS:
        raise InvalidArgument(f"unknown object class {tclass!r}")
    return tclass


def check_permissions(tclass: str, perms: tuple[str, ...] | list[str]) -> None:
    known = PERMISSIONS[check_class(tclass)]
    for perm in perms:
        if perm not in known:
            raise InvalidArgument(f"class {tclass} has no permission {perm!r}")


def in_class_order(
    tclass: str, perms: set[str] | frozenset[str] | tuple[str, ...]
) -> tuple[str, ...]:
    """Permissions sorted as the kernel prints them."""
    order = PERMISSIONS[check_class(tclass)]
    return tuple(p for p in order if p in perms)
