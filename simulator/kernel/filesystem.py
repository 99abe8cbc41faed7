"""Filesystems (superblocks): a set of inodes with their own numbering and capabilities."""

from __future__ import annotations

import attrs

from simulator.errors import InvalidArgument
from simulator.kernel.inode import DeviceNumber, Inode, Kind


@attrs.frozen(kw_only=True, repr=False, eq=False)
class Features:
    """What a filesystem supports, which decides how xattr and label calls fail on it."""

    xattrs: bool = True
    trusted_xattrs: bool = True
    setfilecon: bool = True
    root_squash: bool = False
    # Filesystems whose inodes all report the one context the policy's ``genfscon`` gives
    # their type (NFS without ``context=``), whatever their xattrs say.
    genfs_labels: bool = False


# The feature sets of the filesystem types the lab knows (host.md, "Filesystems and mounts").
FEATURES_BY_TYPE: dict[str, Features] = {
    "xfs": Features(),
    "ext4": Features(),
    "devtmpfs": Features(),
    "tmpfs": Features(),
    "nfs": Features(
        trusted_xattrs=False,
        setfilecon=False,
        root_squash=True,
        genfs_labels=True,
    ),
    "proc": Features(xattrs=False, trusted_xattrs=False, setfilecon=False),
    "devpts": Features(trusted_xattrs=False),
    "mqueue": Features(trusted_xattrs=False),
    "hugetlbfs": Features(trusted_xattrs=False),
}

# The root directory's inode number, per filesystem type (xfs roots are inode 128).
ROOT_INO_BY_TYPE: dict[str, int] = {"xfs": 128}


def features_for(fstype: str) -> Features:
    try:
        return FEATURES_BY_TYPE[fstype]
    except KeyError:
        raise InvalidArgument(f"unknown filesystem type {fstype!r}") from None


_DIRECTORY = Kind.DIRECTORY  # a global: Kind.DIRECTORY is a lookup through the enum's metaclass


@attrs.define(eq=False, repr=False)
class Filesystem:
    """A superblock: inodes by number, the next number to hand out, and capabilities."""

    fs_id: int
    fstype: str
    source: str
    dev: DeviceNumber
    audit_dev: str
    features: Features
    next_ino: int
    root_ino: int = 0
    inodes: dict[int, Inode] = attrs.field(factory=dict, repr=False)
    # Bumped by every change a path walk depends on: a name added, removed or moved, a
    # directory's owner, mode or label. Walks cached through this filesystem hold until
    # then (``KernelBase.walk``); not state, so snapshots leave it out.
    generation: int = attrs.field(default=0, init=False, repr=False)

    def names_changed(self) -> None:
        """A name, or a directory's owner, mode or label, changed (``d_invalidate``)."""
        self.generation += 1

    def allocate(
        self, kind: Kind, uid: int, gid: int, mode: int, now: int, *, ino: int | None = None
    ) -> Inode:
        """A fresh inode with the next number (or a fixed one, for roots)."""
        if ino is None:
            ino = self.next_ino
            self.next_ino += 1
        if ino in self.inodes:
            raise InvalidArgument(f"inode {ino} already exists on {self.source}")
        inode = Inode(
            ino=ino,
            kind=kind,
            uid=uid,
            gid=gid,
            mode=mode,
            mtime=now,
            ctime=now,
            atime=now,
            entries={} if kind is _DIRECTORY else None,
        )
        self.inodes[ino] = inode
        return inode

    def get(self, ino: int) -> Inode:
        return self.inodes[ino]

    @property
    def root(self) -> Inode:
        return self.inodes[self.root_ino]
