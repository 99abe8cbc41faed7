"""How the targeted policy labels whole filesystems: ``fs_use_*`` and ``genfscon``.

A filesystem either stores labels in ``security.selinux`` xattrs (``fs_use_xattr``), gives
every new inode a label computed by transition from its creator (``fs_use_trans``, the
root taking the statement's context), or reports one context for every inode
(``genfscon``, e.g. ``/proc`` and NFS mounted without ``context=``).
"""

from __future__ import annotations


def _sys(type_: str) -> str:
    return f"system_u:object_r:{type_}:s0"


# refpolicy: policy/modules/kernel/filesystem.te, ``fs_use_trans`` statements.
FS_USE_TRANS: dict[str, str] = {
    "tmpfs": _sys("tmpfs_t"),
    "devtmpfs": _sys("device_t"),
    "devpts": _sys("devpts_t"),
    "mqueue": _sys("tmpfs_t"),
    "hugetlbfs": _sys("hugetlbfs_t"),
}

# refpolicy: kernel/kernel.te ``genfscon proc / proc_t`` and filesystem.te
# ``genfscon nfs / nfs_t`` (``genfscon nfs4`` likewise).
GENFSCON: dict[str, str] = {
    "proc": _sys("proc_t"),
    "nfs": _sys("nfs_t"),
    "nfs4": _sys("nfs_t"),
}


def genfs_context(fstype: str) -> str | None:
    """The one context ``genfscon`` gives every inode of ``fstype`` (None: no statement)."""
    return GENFSCON.get(fstype)


def new_root_context(fstype: str) -> str | None:
    """The context of the root of a freshly mounted ``fstype`` (``fs_use_trans``/genfscon)."""
    return FS_USE_TRANS.get(fstype) or GENFSCON.get(fstype)
