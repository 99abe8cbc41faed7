"""Mounts and mount namespaces.

A mount shows one directory of a filesystem (its root, or any directory for a bind mount)
on top of a directory of its parent mount, inside one namespace. Mount ids are unique
across namespaces, so a location ``(mount_id, ino)`` says which namespace it is in.
"""

from __future__ import annotations

from typing import NamedTuple

import attrs


class Location(NamedTuple):
    """Where a path walk stands: an inode as seen through one mount.

    A frozen value, a tuple underneath: walks, creates and permission checks make one per
    call, and a tuple is made in a fraction of a frozen attrs class's time."""

    mount_id: int
    ino: int


@attrs.define(eq=False, repr=False)
class Mount:
    mount_id: int
    ns_id: int
    fs_id: int
    root_ino: int
    parent_id: int | None = None
    mountpoint_ino: int | None = None
    options: tuple[str, ...] = ()

    @property
    def root(self) -> Location:
        return Location(self.mount_id, self.root_ino)


@attrs.define(eq=False, repr=False)
class MountNamespace:
    """A mount table; the first mount is the namespace's root."""

    ns_id: int
    mount_ids: list[int] = attrs.field(factory=list)

    @property
    def root_mount_id(self) -> int:
        return self.mount_ids[0]
