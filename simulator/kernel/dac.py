"""Discretionary access control: owner/group/other bits and root's capabilities.

Mirrors ``generic_permission()`` in the kernel's ``fs/namei.c``: root (CAP_DAC_OVERRIDE)
may read and write anything and search any directory, but may execute a file only if some
execute bit is set.
"""

from __future__ import annotations

from simulator.kernel.filesystem import Filesystem
from simulator.kernel.inode import Inode
from simulator.kernel.process import Credentials

MAY_EXEC = 1
MAY_WRITE = 2
MAY_READ = 4

NOBODY = 65534
SQUASHED = Credentials(NOBODY, NOBODY, ())


def effective_credentials(cred: Credentials, fs: Filesystem) -> Credentials:
    """An NFS server with root_squash treats root as nobody."""
    if fs.features.root_squash and cred.uid == 0:  # cred.is_root
        return SQUASHED
    return cred


def dac_allows(cred: Credentials, inode: Inode, mask: int) -> bool:
    if cred.uid == 0:  # cred.is_root, without the property call (this runs on every check)
        if mask & MAY_EXEC and not inode.is_dir():
            return bool(inode.mode & 0o111)
        return True
    if cred.uid == inode.uid:
        bits = (inode.mode >> 6) & 7
    elif cred.in_group(inode.gid):
        bits = (inode.mode >> 3) & 7
    else:
        bits = inode.mode & 7
    return bits & mask == mask


def owner_or_capable(cred: Credentials, inode: Inode) -> bool:
    """``inode_owner_or_capable()``: the owner, or root (CAP_FOWNER)."""
    return cred.uid == 0 or cred.uid == inode.uid  # root (is_root) or the owner


def sticky_allows_delete(cred: Credentials, directory: Inode, victim: Inode) -> bool:
    """``check_sticky()``: in a sticky directory only the owners (or root) may delete."""
    if not directory.mode & 0o1000:
        return True
    return cred.uid == 0 or cred.uid in (directory.uid, victim.uid)  # root (is_root) or owners
