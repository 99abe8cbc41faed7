"""Disk backing chains (``virStorageSourceGetMetadata``): from ``<backingStore>`` when the
XML gives one, else from the image headers (what ``qemu-img create -b`` wrote)."""

from __future__ import annotations

import posixpath

from simulator.libvirt.domain_xml import Disk, StorageSource
from simulator.libvirt.host_access import HostAccess

MAX_CHAIN = 200


def disk_chain(ops: HostAccess, disk: Disk) -> list[StorageSource]:
    """The top image first, then each backing image."""
    if disk.backing_given or disk.src.path is None:
        return disk.src.chain()
    chain = [disk.src]
    path: str | None = disk.src.path
    while path is not None and len(chain) < MAX_CHAIN:
        try:
            image = ops.kernel.stat(ops.actor, path).image
        except OSError:
            break
        if image is None or image.backing is None:
            break
        backing = image.backing
        if not backing.startswith("/"):
            backing = posixpath.join(posixpath.dirname(path), backing)
        chain.append(StorageSource(path=backing, format=image.backing_format))
        path = backing
    return chain
