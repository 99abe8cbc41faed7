"""An NFS client's view of a server's directory: the server's inodes through another kernel.

The client's superblock has its own device number (an anonymous ``0:N``), the NFS feature
set (no ``security.selinux`` of its own: every file reads as the policy's genfscon
``nfs_t``; no ``trusted.*``; root squashed when the export says so) and the server's inode
numbers (NFS ``fileid``). Its inode table *is* the server filesystem's table, so a file
created, chowned or removed through one client is seen by the server and by every other
client; new inodes are numbered by the server's filesystem, as nfsd creates them there.
"""

from __future__ import annotations

import attrs

from simulator.kernel.filesystem import Features, Filesystem, features_for
from simulator.kernel.inode import DeviceNumber, Inode, Kind


@attrs.define(eq=False, slots=False)
class NfsClientFilesystem(Filesystem):
    """A client mount of one export; ``server`` is the exporting filesystem (not a field:
    a saved state stores the client's view as a plain filesystem)."""

    def allocate(
        self, kind: Kind, uid: int, gid: int, mode: int, now: int, *, ino: int | None = None
    ) -> Inode:
        server: Filesystem = self.__dict__["server"]
        return server.allocate(kind, uid, gid, mode, now, ino=ino)

    def names_changed(self) -> None:
        """The server's table changed: walks cached on the server see it too."""
        self.generation += 1
        server: Filesystem = self.__dict__["server"]
        server.names_changed()

    @property
    def mount_context(self) -> str | None:
        """``mount -o context=CONTEXT``: the one label every file of the mount reads as."""
        context: str | None = self.__dict__.get("context")
        return context


def client_view(
    server: Filesystem,
    export_root: int,
    *,
    fs_id: int,
    source: str,
    dev: DeviceNumber,
    root_squash: bool,
    context: str | None = None,
) -> NfsClientFilesystem:
    """The filesystem a client mounts for ``SERVER:/PATH`` (rooted at the export's inode)."""
    features: Features = attrs.evolve(features_for("nfs"), root_squash=root_squash)
    fs = NfsClientFilesystem(
        fs_id=fs_id,
        fstype="nfs",
        source=source,
        dev=dev,
        audit_dev=str(dev),
        features=features,
        next_ino=server.next_ino,
        root_ino=export_root,
        inodes=server.inodes,
    )
    fs.__dict__["server"] = server
    fs.__dict__["context"] = context
    return fs
